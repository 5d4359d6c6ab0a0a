//! `faultline diagnose` on a replica whose diagnosis queue was not applied (a fresh demo load; its
//! text index at least: the load's background catch-up may have done the totals):
//! with `FAULTLINE_PROGRESS=always` it says on stderr how far the catch-up is, with `never` it
//! says nothing, and stdout (`--json`) is the same either way.

use std::path::Path;
use std::process::{Command, Output};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn faultline(
    data: &Path,
    args: &[&str],
    progress: &str,
) -> Result<Output, Box<dyn std::error::Error>> {
    let out = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("FAULTLINE_DATA_DIR")
        .env("FAULTLINE_PROGRESS", progress)
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "faultline {args:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(out)
}

/// Copies the files of `from` (a data directory, not recursing into the manual index) to `to`.
fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// `v` with every fractional number to 9 significant digits: two runs of the same diagnosis may
/// differ in a score's last bits (sums in hash-map order), which is not what this test is about.
fn rounded(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            Value::String(format!("{:.8e}", n.as_f64().unwrap_or(f64::NAN)))
        }
        Value::Array(a) => Value::Array(a.iter().map(rounded).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), rounded(v))).collect()),
        other => other.clone(),
    }
}

#[test]
fn the_catch_up_shows_progress_on_stderr_only_and_the_json_is_unchanged() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let (forced, quiet) = (tmp.path().join("forced"), tmp.path().join("quiet"));
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo");
    let demo = demo.to_string_lossy().to_string();
    faultline(&forced, &["demo-load", "--dir", &demo], "never")?;
    copy_dir(&forced, &quiet)?;
    let diagnose = [
        "--json",
        "diagnose",
        "--asset",
        "VFD-202",
        "--code",
        "OC1",
        "--at",
        "2025-11-01T00:00:00Z",
    ];
    let shown = faultline(&forced, &diagnose, "always")?;
    let silent = faultline(&quiet, &diagnose, "never")?;

    let stderr = String::from_utf8_lossy(&shown.stderr);
    assert!(
        stderr.contains("preparing diagnosis index: ") && stderr.contains("work orders (text)"),
        "{stderr}"
    );
    let last = stderr
        .lines()
        .rfind(|l| l.contains("(text)"))
        .ok_or("no line for the text index")?;
    let (done, total) = last
        .trim_start_matches("preparing diagnosis index: ")
        .trim_end_matches(" work orders (text)")
        .split_once(" / ")
        .ok_or(format!("unexpected line: {last}"))?;
    assert_eq!(done, total, "the last line says all were applied: {last}");
    assert!(!String::from_utf8_lossy(&silent.stderr).contains("preparing"));
    let stdout = String::from_utf8_lossy(&shown.stdout);
    assert!(!stdout.contains("preparing"), "{stdout}");
    let (a, b): (serde_json::Value, serde_json::Value) = (
        serde_json::from_slice(&shown.stdout)?,
        serde_json::from_slice(&silent.stdout)?,
    );
    assert_eq!(rounded(&a), rounded(&b));
    assert!(a["causes"].as_array().is_some_and(|c| !c.is_empty()), "{a}");
    Ok(())
}
