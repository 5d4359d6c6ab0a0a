// `make demo` without a display shows the demo through the CLI (scripts/demo-cli.sh): the script
// runs end to end on a freshly loaded demo plant and shows what a visitor should see.

use anyhow::{bail, Context, Result};
use faultline_tests::{cli_binary, workspace_root};

#[test]
fn the_cli_walkthrough_runs_on_the_demo_plant() -> Result<()> {
    let data = faultline_tests::demo_data_dir()?;
    let root = workspace_root();
    let out = std::process::Command::new("bash")
        .arg(root.join("scripts/demo-cli.sh"))
        .arg(data.path())
        .env("FAULTLINE_BIN", cli_binary()?)
        .current_dir(&root)
        .output()
        .context("cannot run scripts/demo-cli.sh")?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!(
            "demo-cli.sh failed ({}):\n{text}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for shown in [
        "VFD-402",
        "JP-VX-OC1 — VX-300 overcurrent on acceleration (OC1)",
        "CAUTION: Stop and lock out the conveyor",
        "Drive trips on overcurrent when a heavy pallet starts moving",
        "== Demo done.",
    ] {
        if !text.contains(shown) {
            bail!("the walkthrough does not show {shown:?}:\n{text}");
        }
    }
    Ok(())
}
