//! Crash test: kill -9 the `faultline` CLI while it records a diagnosis session's answers (and
//! goings-back) one after another; the replica opens clean and holds every acknowledged record.

use faultline_core::Store;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const GUIDE: &str = r#"id = "KILL-TEST"
title = "Kill test"
[applies_to]
codes = ["OC1"]

[[steps]]
id = "look"
kind = "instruction"
text = "Look at the drive"
next = "hot"

[[steps]]
id = "hot"
kind = "question"
text = "Is the heatsink hot?"
yes = "fan"
no = "ok"

[[steps]]
id = "fan"
kind = "conclusion"
text = "Fan"
failure_class = "VFD"

[[steps]]
id = "ok"
kind = "conclusion"
text = "Nothing"
"#;

fn run_ok(cmd: &mut Command) -> Result<String, Box<dyn std::error::Error>> {
    let out = cmd.output()?;
    if !out.status.success() {
        return Err(format!("{:?} failed: {}", cmd, String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(String::from_utf8(out.stdout)?)
}

#[test]
fn every_acknowledged_answer_survives_a_kill_mid_session() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("data");
    let (am, ac, guide) = (
        tmp.path().join("assets.toml"),
        tmp.path().join("assets.csv"),
        tmp.path().join("guide.toml"),
    );
    std::fs::write(
        &am,
        "kind = \"assets\"\n[fields]\ntag = \"{tag}\"\nname = \"{name}\"\n",
    )?;
    std::fs::write(&ac, "tag,name\nA-001,Drive 1\n")?;
    std::fs::write(&guide, GUIDE)?;
    let cli = faultline_tests::cli_command;
    run_ok(cli(&data).args(["import", "--mapping"]).arg(&am).arg(&ac))?;
    run_ok(cli(&data).args(["guides", "import"]).arg(&guide))?;
    let out = run_ok(cli(&data).args([
        "--json",
        "diagnosis",
        "start",
        "--asset",
        "A-001",
        "--code",
        "oc 1",
    ]))?;
    let session: serde_json::Value = serde_json::from_str(&out)?;
    assert_eq!(session["guide"]["id"], "KILL-TEST", "{session}");
    let id = session["session"]
        .as_str()
        .ok_or("no session id")?
        .to_string();

    let mut child = cli(&data)
        .args(["diagnosis", "stream", &id])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let writer = std::thread::spawn(move || {
        for _ in 0..100_000 {
            if stdin.write_all(b"look done\nhot no\nback\nback\n").is_err() {
                break; // the child was killed
            }
        }
    });
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut acked = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        if let Some(rest) = line.strip_prefix("saved ") {
            acked.push(rest.split(' ').next().unwrap_or_default().to_string());
        }
        if acked.len() == 400 {
            break;
        }
    }
    let status = Command::new("kill")
        .arg("-9")
        .arg(child.id().to_string())
        .status()?;
    assert!(status.success(), "kill -9 failed");
    child.wait()?;
    let _ = writer.join();
    assert_eq!(acked.len(), 400, "the answer stream stopped early");

    let store = Store::open(&data)?;
    store.integrity_check()?;
    let s = store.diagnosis_session(&id)?;
    let saved: std::collections::HashSet<&str> = s.records.iter().map(|r| r.id.as_str()).collect();
    for r in &acked {
        assert!(
            saved.contains(r.as_str()),
            "acknowledged record {r} is missing after kill -9"
        );
    }
    // The records are whole and in order: seq 1..n without a gap, replay consistent.
    for (i, r) in s.records.iter().enumerate() {
        assert_eq!(r.seq as usize, i + 1);
    }
    assert!(
        ["look", "hot", "ok"].contains(&s.current_step.as_str()),
        "{}",
        s.current_step
    );
    drop(store);

    // The session goes on after the crash, from where it stood.
    let out = run_ok(cli(&data).args(["--json", "diagnosis", "show", &id]))?;
    let v: serde_json::Value = serde_json::from_str(&out)?;
    assert_eq!(v["records"].as_array().map(Vec::len), Some(s.records.len()));
    Ok(())
}
