//! Shift-end incremental sync: a laptop with 500 changes of its own meets 500 changes a colleague
//! pushed meanwhile; one `faultline sync` sends its 500 and receives the 500. Median of 5 runs.

use super::hub_proc::{cli, BenchHub};
use super::SyncBenchArgs;
use crate::doc;
use crate::percentiles::Samples;
use anyhow::{Context, Result};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Instant;

const SITE: &str = "PLANT1";
const RUNS: usize = 5;

fn add_notes(dir: &std::path::Path, wo: &str, n: usize, who: &str) -> Result<()> {
    let mut child = Command::new(super::hub_proc::binary("faultline")?)
        .arg("--data-dir")
        .arg(dir)
        .args(["note", wo, "--stdin", "--author", who])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()?;
    {
        let stdin = child.stdin.as_mut().context("stdin")?;
        for i in 0..n {
            writeln!(stdin, "{who}: reading {i}, bearing 71 °C")?;
        }
    }
    anyhow::ensure!(child.wait()?.success(), "note --stdin failed");
    Ok(())
}

fn new_wo(dir: &std::path::Path, tag: &str) -> Result<String> {
    let out = cli(
        dir,
        &[
            "--json",
            "log-breakdown",
            "--asset",
            tag,
            "--symptom",
            "bench",
            "--author",
            "x",
        ],
    )?;
    let v: serde_json::Value = serde_json::from_str(out.trim())?;
    v["summary"]["id"]
        .as_str()
        .map(str::to_string)
        .context("no work order id")
}

pub fn run(args: &SyncBenchArgs) -> Result<()> {
    let load = doc::load_average();
    let hub = BenchHub::start("shift")?;
    hub.admin(&["site", "add", SITE, "Riverside Components"])?;
    for name in ["assets", "failure_codes", "procedures", "work_orders"] {
        hub.admin(&[
            "load",
            "--site",
            SITE,
            "--mapping",
            &format!("assets/demo/{name}.toml"),
            &format!("assets/demo/{name}.csv"),
        ])?;
    }
    let root = args.out.join("shift-end");
    let _ = std::fs::remove_dir_all(&root);
    let (a, b) = (root.join("a"), root.join("b"));
    for (dir, name) in [(&a, "laptop-a"), (&b, "laptop-b")] {
        std::fs::create_dir_all(dir)?;
        let token = hub.enroll(SITE, name)?;
        cli(dir, &["enroll", "--hub", &hub.url, "--token", &token])?;
        cli(dir, &["sync"])?;
    }
    let mut samples = Samples::with_capacity(RUNS);
    let n = args.shift_changes;
    for run in 0..RUNS {
        // B's shift reaches the hub first; A has its own 500 waiting.
        let wb = new_wo(&b, "PMP-302")?;
        add_notes(&b, &wb, n - 1, "bo")?;
        cli(&b, &["sync"])?;
        let wa = new_wo(&a, "VFD-202")?;
        add_notes(&a, &wa, n - 1, "ana")?;
        let t = Instant::now();
        let out = cli(&a, &["--json", "sync"])?;
        samples.push(t.elapsed());
        let r: serde_json::Value = serde_json::from_str(out.trim())?;
        anyhow::ensure!(
            r["pushed"]["applied"].as_u64() == Some(n as u64),
            "run {run}: sent {}",
            r["pushed"]
        );
        anyhow::ensure!(
            r["pulled"]["applied"].as_u64().unwrap_or(0) >= n as u64,
            "run {run}: received {}",
            r["pulled"]
        );
    }
    let s = samples.summary();
    let md = format!(
        "### Shift-end incremental sync: {n} changes each way\n\n{ctx}\n\
| measure | value |\n|---|---|\n\
| one `faultline sync`: push {n} local changes, pull {n} from a colleague (median of {RUNS}) | **{p50:.0} ms** (aim < 2,000 ms) |\n\
| slowest of the {RUNS} runs | {max:.0} ms |\n",
        ctx = doc::context_lines(&load),
        p50 = s.p50_ms,
        max = s.max_ms,
    );
    println!("{md}");
    if let Some(path) = &args.write_doc {
        doc::write_section(path, "sync-shift-end", &md)?;
    }
    Ok(())
}
