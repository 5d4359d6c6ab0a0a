//! Crash tests: kill -9 the `faultline` CLI in the middle of a large import and of a stream of
//! writes; the replica must open clean and hold every write that was acknowledged — and nothing
//! of the killed import.

use faultline_core::Store;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn run_ok(cmd: &mut Command) -> Result<String, Box<dyn std::error::Error>> {
    let out = cmd.output()?;
    if !out.status.success() {
        return Err(format!("{:?} failed: {}", cmd, String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(String::from_utf8(out.stdout)?)
}

fn kill9(child: &mut Child) -> TestResult {
    // SIGKILL: no destructor, no flush, no rollback runs in the child.
    let status = Command::new("kill")
        .arg("-9")
        .arg(child.id().to_string())
        .status()?;
    assert!(status.success(), "kill -9 failed");
    child.wait()?;
    Ok(())
}

/// Writes an asset file (40 assets) and a work-order file of `rows` rows with their mappings.
fn write_plant(
    dir: &Path,
    rows: usize,
) -> Result<(PathBuf, PathBuf, PathBuf, PathBuf), Box<dyn std::error::Error>> {
    let am = dir.join("assets.toml");
    std::fs::write(
        &am,
        "kind = \"assets\"\n[fields]\ntag = \"{tag}\"\nname = \"{name}\"\n",
    )?;
    let ac = dir.join("assets.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&ac)?);
    writeln!(f, "tag,name")?;
    for i in 0..40 {
        writeln!(f, "A-{i:03},Asset {i}")?;
    }
    f.flush()?;
    let wm = dir.join("wo.toml");
    std::fs::write(
        &wm,
        "kind = \"work_orders\"\n[fields]\nkey = \"{wonum}\"\nasset_tag = \"{asset}\"\nwo_type = \"corrective\"\ntitle = \"{title}\"\nreported_at = \"{date}\"\n",
    )?;
    let wc = dir.join("wo.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&wc)?);
    writeln!(f, "wonum,asset,title,date")?;
    for i in 0..rows {
        writeln!(
            f,
            "WO{i:08},A-{:03},Replaced worn coupling insert and realigned motor {i},2020-01-{:02}T08:00:00",
            i % 40,
            1 + i % 28
        )?;
    }
    f.flush()?;
    Ok((am, ac, wm, wc))
}

/// The diagnosis queue as a killed import leaves it: the triggers' SQL, the work orders queued
/// for the totals and for the text, and the guard's flags summed.
type QueueState = (Vec<String>, i64, i64, i64);

/// The diagnosis queue's triggers (a bulk import leaves them and sets their guard inside its
/// transaction), the work orders queued for the diagnosis catch-up, and the guard's flags.
fn diagnosis_queue(data: &Path) -> Result<QueueState, Box<dyn std::error::Error>> {
    let conn = rusqlite::Connection::open(data.join("faultline.db"))?;
    let triggers = conn
        .prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    let (dirty, text, guard): (i64, i64, i64) = conn.query_row(
        "SELECT (SELECT count(*) FROM diag_dirty), (SELECT count(*) FROM diag_text_dirty),
                (SELECT coalesce(sum(work_orders + notes), 0) FROM diag_bulk_state)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok((triggers, dirty, text, guard))
}

#[test]
fn a_killed_import_leaves_nothing_half_imported_and_can_be_run_again() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("data");
    let rows = 400_000;
    let (am, ac, wm, wc) = write_plant(tmp.path(), rows)?;
    run_ok(
        faultline_tests::cli_command(&data)
            .args(["import", "--mapping"])
            .arg(&am)
            .arg(&ac),
    )?;
    let (triggers, ..) = diagnosis_queue(&data)?;
    assert!(triggers
        .iter()
        .any(|t| t.contains("diag_work_order_insert")));

    let mut child = faultline_tests::cli_command(&data)
        .args(["import", "--mapping"])
        .arg(&wm)
        .arg(&wc)
        .stdout(Stdio::null())
        .spawn()?;
    // Kill it once the import has written a good part of its transaction to the WAL.
    let wal = data.join("faultline.db-wal");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let size = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        if size > 8 * 1024 * 1024 {
            break;
        }
        if let Some(status) = child.try_wait()? {
            return Err(format!(
                "import finished ({status}) before it could be killed: make the file larger"
            )
            .into());
        }
        assert!(
            Instant::now() < deadline,
            "the import never started writing"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    kill9(&mut child)?;

    let store = Store::open(&data)?;
    store.integrity_check()?;
    let counts = store.counts()?;
    assert_eq!(
        counts.assets, 40,
        "the earlier, acknowledged import is intact"
    );
    assert_eq!(
        counts.work_orders, 0,
        "a killed import keeps nothing of its file"
    );
    drop(store);
    assert_eq!(
        diagnosis_queue(&data)?,
        (triggers.clone(), 0, 0, 0),
        "the killed import left the triggers and their guard clear, nothing of it queued"
    );

    let out = run_ok(
        faultline_tests::cli_command(&data)
            .arg("--json")
            .args(["import", "--mapping"])
            .arg(&wm)
            .arg(&wc),
    )?;
    assert!(out.contains(&format!("\"inserted\": {rows}")), "{out}");
    assert_eq!(Store::open(&data)?.counts()?.work_orders, rows as u64);
    assert_eq!(
        diagnosis_queue(&data)?,
        (triggers, rows as i64, rows as i64, 0),
        "every imported work order queued for the diagnosis catch-up"
    );
    Ok(())
}

#[test]
fn every_acknowledged_note_survives_a_kill_mid_stream() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("data");
    let (am, ac, _, _) = write_plant(tmp.path(), 0)?;
    run_ok(
        faultline_tests::cli_command(&data)
            .args(["import", "--mapping"])
            .arg(&am)
            .arg(&ac),
    )?;
    let out = run_ok(faultline_tests::cli_command(&data).args([
        "--json",
        "log-breakdown",
        "--asset",
        "A-001",
        "--code",
        "OC1",
        "--symptom",
        "trips on start",
    ]))?;
    let wo: serde_json::Value = serde_json::from_str(&out)?;
    let wo_id = wo["summary"]["id"]
        .as_str()
        .ok_or("no id in log-breakdown output")?
        .to_string();

    let mut child = faultline_tests::cli_command(&data)
        .args(["note", &wo_id, "--stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let writer = std::thread::spawn(move || {
        for i in 0..100_000 {
            if writeln!(stdin, "note {i}: checked terminals, torque 2.5 Nm").is_err() {
                break; // the child was killed
            }
        }
    });
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut acked = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        if let Some(id) = line.strip_prefix("saved ") {
            acked.push(id.to_string());
        }
        if acked.len() == 300 {
            break;
        }
    }
    kill9(&mut child)?;
    let _ = writer.join();
    assert_eq!(acked.len(), 300, "the note stream stopped early");

    let store = Store::open(&data)?;
    store.integrity_check()?;
    let wo = store.work_order(uuid::Uuid::parse_str(&wo_id)?)?;
    let saved: std::collections::HashSet<String> =
        wo.notes.iter().map(|n| n.id.to_string()).collect();
    for id in &acked {
        assert!(
            saved.contains(id),
            "acknowledged note {id} is missing after kill -9"
        );
    }
    // Every saved note has its outbox entry (record and queue commit together).
    let queued = store.outbox(true, 1_000_000)?;
    let queued_notes = queued
        .iter()
        .filter(|e| e.envelope.mutation.kind() == "add_note")
        .count();
    assert_eq!(queued_notes, wo.notes.len());
    Ok(())
}
