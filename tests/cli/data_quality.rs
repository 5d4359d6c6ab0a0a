// The CLI keeps the plant's record clean (issue 8): `close` keeps the failure codes it is not
// given (breakdown 41851 was imported with VFD / OVERCURR / FTS) and clears only with --clear; a
// stop in 1900 is refused and one 10 days old needs --confirm-old-stop; a part quantity is
// bounded per unit (--unit).

use anyhow::{bail, Context, Result};
use faultline_tests::{cli_binary, demo_data_dir, run_cli};
use serde_json::Value;
use std::path::Path;

/// Runs the CLI and expects it to fail with exit code 3 (invalid input); returns its stderr.
fn refused(data: &Path, args: &[&str]) -> Result<String> {
    let out = std::process::Command::new(cli_binary()?)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("FAULTLINE_DATA_DIR")
        .output()
        .context("cannot run the CLI")?;
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    if out.status.code() != Some(3) {
        bail!(
            "`faultline {}` should be refused with exit code 3, got {}: {stderr}",
            args.join(" "),
            out.status
        );
    }
    Ok(stderr)
}

fn json(data: &Path, args: &[&str]) -> Result<Value> {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = run_cli(data, &all)?;
    serde_json::from_slice(&out.stdout).context("the CLI did not print JSON")
}

fn codes(wo: &Value) -> [&str; 5] {
    let f = &wo["summary"]["failure"];
    let get = |k: &str| f[k].as_str().unwrap_or("-");
    [
        get("failure_class"),
        get("problem_code"),
        get("cause_code"),
        get("remedy_code"),
        get("iso_failure_mode"),
    ]
}

#[test]
fn close_keeps_the_codes_it_is_not_given_and_clears_only_on_request() -> Result<()> {
    let data = demo_data_dir()?;
    let d = data.path();
    let before = json(d, &["show", "41851"])?;
    assert_eq!(codes(&before), ["VFD", "OVERCURR", "-", "-", "FTS"]);
    // Clearing the class under the kept problem would break the hierarchy: refused, still open.
    let msg = refused(
        d,
        &["close", "41851", "--clear", "class", "--author", "Ana"],
    )?;
    assert!(msg.contains("problem"), "{msg}");
    let closed = json(
        d,
        &[
            "close",
            "41851",
            "--cause",
            "IGBTFAIL",
            "--remedy",
            "REPLIGBT",
            "--fixed",
            "new IGBT module",
            "--author",
            "Ana",
        ],
    )?;
    assert_eq!(
        codes(&closed),
        ["VFD", "OVERCURR", "IGBTFAIL", "REPLIGBT", "FTS"]
    );
    assert_eq!(
        codes(&json(d, &["show", "41851"])?),
        ["VFD", "OVERCURR", "IGBTFAIL", "REPLIGBT", "FTS"]
    );

    // A new breakdown: --clear empties only the field it names; a cause without a problem is
    // refused.
    let wo = json(
        d,
        &[
            "log-breakdown",
            "--asset",
            "VFD-201",
            "--code",
            "OC1",
            "--symptom",
            "trips",
            "--author",
            "Ana",
        ],
    )?;
    let id = wo["summary"]["id"].as_str().context("no id")?.to_string();
    let msg = refused(d, &["close", &id, "--cause", "IGBTFAIL", "--author", "Ana"])?;
    assert!(msg.contains("problem"), "{msg}");
    let closed = json(
        d,
        &[
            "close",
            &id,
            "--class",
            "VFD",
            "--problem",
            "OVERCURR",
            "--clear",
            "iso-mode",
            "--author",
            "Ana",
        ],
    )?;
    assert_eq!(codes(&closed), ["VFD", "OVERCURR", "-", "-", "-"]);
    Ok(())
}

/// `log-breakdown` on PMP-301 stopped at `at`, plus `extra` arguments.
fn stopped_at<'a>(at: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "log-breakdown",
        "--asset",
        "PMP-301",
        "--symptom",
        "no flow",
        "--author",
        "Ana",
        "--stopped-at",
        at,
    ];
    args.extend_from_slice(extra);
    args
}

#[test]
fn an_implausible_stop_is_refused_and_an_old_one_needs_confirmation() -> Result<()> {
    let data = demo_data_dir()?;
    let d = data.path();
    let msg = refused(d, &stopped_at("1900-01-01 06:00", &[]))?;
    assert!(msg.contains("before 1970"), "{msg}");
    let ten_days_ago = (chrono::Utc::now() - chrono::Duration::days(10)).to_rfc3339();
    let msg = refused(d, &stopped_at(&ten_days_ago, &[]))?;
    assert!(msg.contains("--confirm-old-stop"), "{msg}");
    let wo = json(d, &stopped_at(&ten_days_ago, &["--confirm-old-stop"]))?;
    assert!(wo["summary"]["downtime_start"].is_string());
    Ok(())
}

#[test]
fn part_quantities_are_bounded_per_unit() -> Result<()> {
    let data = demo_data_dir()?;
    let d = data.path();
    let msg = refused(
        d,
        &[
            "add-part",
            "41851",
            "--part",
            "CABLE-4G1.5",
            "--qty",
            "99999999999",
        ],
    )?;
    assert!(msg.contains("at most 1000 ea"), "{msg}");
    let wo = json(
        d,
        &[
            "add-part",
            "41851",
            "--part",
            "CABLE-4G1.5",
            "--qty",
            "12.5",
            "--unit",
            "m",
        ],
    )?;
    let part = wo["parts"]
        .as_array()
        .and_then(|p| p.last())
        .context("no part")?;
    assert_eq!(
        (part["quantity"].as_f64(), part["unit"].as_str()),
        (Some(12.5), Some("m"))
    );
    Ok(())
}
