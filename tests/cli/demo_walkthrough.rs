// `make demo` without a display shows the demo through the CLI (scripts/demo-cli.sh): the script
// runs end to end on a freshly loaded demo plant and shows what a visitor should see (closing with
// codes, the manual library, the shift report, sync), says what to do on a folder without the
// demo, and syncs with a local hub when given a PostgreSQL database. The demo's manuals
// (assets/demo/manuals, written by generate_manuals.py) are loaded, linked to their models,
// read as pdftotext reads them, found by their fault codes, and made again byte for byte.

use anyhow::{bail, Context, Result};
use faultline_tests::hub::hub_binary;
use faultline_tests::pg::TestDb;
use faultline_tests::{cli_binary, workspace_root};
use std::path::Path;
use std::process::Output;

fn demo_cli(data: &Path, envs: &[(&str, String)]) -> Result<Output> {
    let root = workspace_root();
    let mut cmd = std::process::Command::new("bash");
    cmd.arg(root.join("scripts/demo-cli.sh"))
        .arg(data)
        .env("FAULTLINE_BIN", cli_binary()?)
        .env_remove("FAULTLINE_DEMO_DATABASE_URL")
        .current_dir(&root);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().context("cannot run scripts/demo-cli.sh")
}

fn ok_text(out: &Output) -> Result<String> {
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    if !out.status.success() {
        bail!(
            "demo-cli.sh failed ({}):\n{text}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(text)
}

fn shows_all(text: &str, wanted: &[&str]) -> Result<()> {
    for shown in wanted {
        if !text.contains(shown) {
            bail!("the walkthrough does not show {shown:?}:\n{text}");
        }
    }
    Ok(())
}

#[test]
fn the_cli_walkthrough_runs_on_the_demo_plant() -> Result<()> {
    let data = faultline_tests::demo_data_dir()?;
    let text = ok_text(&demo_cli(data.path(), &[])?)?;
    shows_all(
        &text,
        &[
            "VFD-402",
            "JP-VX-OC1 — VX-300 overcurrent on acceleration (OC1)",
            "CAUTION: Stop and lock out the conveyor",
            "Drive trips on overcurrent when a heavy pallet starts moving",
            // Echoed commands can be pasted back: arguments are shell-quoted.
            r"--symptom Drive\ trips\ on\ overcurrent\ when\ a\ heavy\ pallet\ starts\ moving",
            // Closing with codes from the catalogue.
            "$ faultline close",
            "--class VFD --problem OVERCURR --cause ACCLOAD --remedy ADJACC",
            // The manual library and a search in it, with how to add manuals.
            "$ faultline manuals list",
            "$ faultline search overcurrent\\ during\\ acceleration",
            "manuals add",
            // The demo's own manuals: OC1 finds the VX-300 fault-code table (page 8).
            "Vantor VX-300 Variable Frequency Drive - Instruction Manual   11 pages  indexed",
            "$ faultline search OC1 --asset VFD-402",
            "Instruction Manual p.8  …you reset. Code Display Fault Possible causes Remedy OC1 E.oC.1",
            "$ faultline shift-report",
            // Sync: without a database, how to see it.
            "$ faultline sync --status",
            "FAULTLINE_DEMO_DATABASE_URL=",
            "== Demo done.",
        ],
    )?;
    // The work order was really closed with its codes.
    let out = faultline_tests::run_cli(data.path(), &["--json", "history", "VFD-402"])?;
    let out = String::from_utf8_lossy(&out.stdout);
    if !out.contains("ADJACC") {
        bail!("the closed work order has no remedy code:\n{out}");
    }
    Ok(())
}

#[test]
fn a_folder_without_the_demo_says_how_to_load_it() -> Result<()> {
    let empty = faultline_tests::temp_data_dir()?;
    let missing = empty.path().join("not-there");
    for dir in [empty.path(), missing.as_path()] {
        let out = demo_cli(dir, &[])?;
        let err = String::from_utf8_lossy(&out.stderr);
        if out.status.success() {
            bail!("demo-cli.sh on {} must fail", dir.display());
        }
        if !(err.contains("make demo") && err.contains("demo-load")) || err.contains("no asset") {
            bail!(
                "demo-cli.sh on {} does not say how to load the demo:\n{err}",
                dir.display()
            );
        }
    }
    if missing.exists() {
        bail!("demo-cli.sh created {}", missing.display());
    }
    Ok(())
}

#[test]
fn with_a_database_the_walkthrough_syncs_with_a_local_hub() -> Result<()> {
    let db = TestDb::create("democli")?;
    let data = faultline_tests::demo_data_dir()?;
    let text = ok_text(&demo_cli(
        data.path(),
        &[
            ("FAULTLINE_DEMO_DATABASE_URL", db.url.clone()),
            ("FAULTLINE_HUB_BIN", hub_binary()?.display().to_string()),
        ],
    )?)?;
    shows_all(
        &text,
        &["listening on 127.0.0.1:", "$ faultline sync --hub http://"],
    )?;
    if text.contains(&db.url) {
        bail!("the walkthrough printed the database URL:\n{text}");
    }
    // The breakdown, its note and its closing reached the hub.
    let on_hub = db.count("SELECT count(*) FROM work_orders WHERE remedy_code = 'ADJACC'")?;
    if on_hub < 1 {
        bail!("the closed breakdown did not reach the hub:\n{text}");
    }
    Ok(())
}

const DEMO_MANUALS: [&str; 3] = [
    "vantor-vx300-instruction-manual.pdf",
    "nordhavn-nsc-operation-maintenance.pdf",
    "kessler-km600-maintenance-manual.pdf",
];

fn json_of(data: &Path, args: &[&str]) -> Result<serde_json::Value> {
    let out = faultline_tests::run_cli(data, args)?;
    serde_json::from_slice(&out.stdout).with_context(|| format!("`faultline {}`", args.join(" ")))
}

/// (file name, page) of the best hit for `text`, searched from `asset`'s page.
fn top_hit(data: &Path, text: &str, asset: Option<&str>) -> Result<(String, u64)> {
    let mut args = vec!["--json", "search", text, "--limit", "3"];
    if let Some(a) = asset {
        args.extend(["--asset", a]);
    }
    let found = json_of(data, &args)?;
    let hit = &found["hits"][0];
    match (hit["file_name"].as_str(), hit["page"].as_u64()) {
        (Some(f), Some(p)) => Ok((f.to_string(), p)),
        _ => bail!("`faultline search {text}` finds nothing: {found}"),
    }
}

#[test]
fn demo_load_indexes_the_demo_manuals_and_a_fault_code_finds_its_page() -> Result<()> {
    let data = faultline_tests::demo_data_dir()?;
    let list = json_of(data.path(), &["--json", "manuals", "list"])?;
    let rows = list.as_array().map(Vec::as_slice).unwrap_or_default();
    for (file, model) in DEMO_MANUALS.iter().zip([
        "Vantor Drives VX-300",
        "Nordhavn Air NSC-37",
        "Kessler Mechatronik KM-600",
    ]) {
        let row = rows.iter().find(|m| m["file_name"] == *file);
        let ok = row.is_some_and(|m| {
            m["state"] == "indexed"
                && m["models"]
                    .as_array()
                    .is_some_and(|ms| ms.iter().any(|x| x == model))
        });
        if !ok {
            bail!("{file} is not indexed and linked to {model}: {list}");
        }
    }
    // The VX-300 fault-code table is page 8; the code as the keypad shows it finds it too.
    for (text, asset) in [("OC1", None), ("OC1", Some("VFD-402")), ("E.oC.1", None)] {
        let hit = top_hit(data.path(), text, asset)?;
        if hit != (DEMO_MANUALS[0].to_string(), 8) {
            bail!("{text} (asset {asset:?}) finds {hit:?}, not the VX-300 fault table (p.8)");
        }
    }
    let (file, _) = top_hit(data.path(), "E101", Some("CMP-301"))?;
    if file != DEMO_MANUALS[1] {
        bail!("E101 on CMP-301 finds {file}");
    }
    let (file, page) = top_hit(data.path(), "AL 2040", Some("CNC-103"))?;
    if (file.as_str(), page) != (DEMO_MANUALS[2], 5) {
        bail!("AL 2040 on CNC-103 finds {file} p.{page}, not the KM-600 AL 2040 section (p.5)");
    }
    // Loading the demo again adds no manual twice.
    let demo = faultline_tests::workspace_root().join("assets/demo");
    faultline_tests::run_cli(
        data.path(),
        &["demo-load", "--dir", &demo.display().to_string()],
    )?;
    let again = json_of(data.path(), &["--json", "manuals", "list"])?;
    if again.as_array().map(Vec::len) != Some(DEMO_MANUALS.len()) {
        bail!("a second demo-load changed the library: {again}");
    }
    Ok(())
}

/// The words of a text, sorted: reading order may differ between readers (table columns).
fn words(text: &str) -> Vec<String> {
    let mut w: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    w.sort();
    w
}

#[test]
fn the_demo_manuals_read_the_same_in_faultline_and_pdftotext() -> Result<()> {
    if std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_err()
    {
        eprintln!("pdftotext (poppler-utils) is not installed: skipping the comparison");
        return Ok(());
    }
    let dir = faultline_tests::workspace_root().join("assets/demo/manuals");
    for file in DEMO_MANUALS {
        let pdf = dir.join(file);
        let out = std::process::Command::new(faultline_tests::cli_binary()?)
            .arg("extract-worker")
            .arg(&pdf)
            .output()
            .context("cannot run faultline extract-worker")?;
        let outcome: serde_json::Value = serde_json::from_slice(&out.stdout)
            .with_context(|| format!("extract-worker output for {file}"))?;
        let pages = outcome["pages"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        if outcome["outcome"] != "text" || pages.len() < 7 {
            bail!("{file}: {outcome}");
        }
        for (i, page) in pages.iter().enumerate() {
            let n = (i + 1).to_string();
            let poppler = std::process::Command::new("pdftotext")
                .args(["-f", &n, "-l", &n, "-enc", "UTF-8"])
                .arg(&pdf)
                .arg("-")
                .output()
                .context("cannot run pdftotext")?;
            let ours = words(page.as_str().unwrap_or_default());
            let theirs = words(&String::from_utf8_lossy(&poppler.stdout));
            if ours != theirs || ours.len() < 20 {
                bail!("{file} p.{n}: faultline and pdftotext read different words:\n{ours:?}\n{theirs:?}");
            }
        }
    }
    Ok(())
}

#[test]
fn the_manual_generator_makes_the_committed_pdfs_again_byte_for_byte() -> Result<()> {
    let root = faultline_tests::workspace_root();
    let out = tempfile::tempdir()?;
    let run = std::process::Command::new("python3")
        .arg(root.join("assets/demo/generate_manuals.py"))
        .arg(out.path())
        .output();
    let Ok(run) = run else {
        eprintln!("python3 is not installed: skipping the generator check");
        return Ok(());
    };
    if !run.status.success() {
        bail!(
            "generate_manuals.py failed: {}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    for file in DEMO_MANUALS {
        let made = std::fs::read(out.path().join(file))?;
        let committed = std::fs::read(root.join("assets/demo/manuals").join(file))?;
        if made != committed {
            bail!("{file}: generate_manuals.py does not make the committed file again (run it and commit)");
        }
    }
    Ok(())
}
