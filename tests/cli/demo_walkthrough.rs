// `make demo` without a display shows the demo through the CLI (scripts/demo-cli.sh): the script
// runs end to end on a freshly loaded demo plant and shows what a visitor should see (closing with
// codes, the manual library, the shift report, sync), says what to do on a folder without the
// demo, and syncs with a local hub when given a PostgreSQL database.

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
