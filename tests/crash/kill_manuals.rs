//! Crash test of the manual import: kill -9 `faultline manuals add` while it extracts and indexes
//! the corpus manuals, then run the CLI again. Every manual must end indexed or failed with a
//! reason — none left `extracting` or queued, no manual twice — and search must work.

use faultline_core::domain::ManualState;
use faultline_core::Store;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// `../shared/corpus/manuals` (or `$FAULTLINE_CORPUS/manuals`); `None` (the test is skipped)
/// only outside CI.
fn corpus_manuals() -> Option<PathBuf> {
    let root = std::env::var_os("FAULTLINE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| faultline_tests::workspace_root().join("../shared/corpus"));
    let dir = root.join("manuals");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "the corpus is missing at {} in CI",
        dir.display()
    );
    eprintln!("SKIPPED: no corpus at {}", dir.display());
    None
}

/// The CLI on `data` (the release binary; a name that fails at spawn when it was not built).
/// `faultline --json ARGS…` on `data`, parsed.
fn json(data: &Path, args: &[&str]) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = faultline_tests::run_cli(data, &all)?;
    Ok(serde_json::from_slice(&out.stdout)?)
}

/// The state of every manual now (read while the CLI writes: WAL readers do not block it).
fn states(data: &Path) -> Result<Vec<ManualState>, Box<dyn std::error::Error>> {
    // The blob store exists once the CLI has created the database (not opened concurrently
    // while it is being created).
    if !data.join("blobs").exists() {
        return Ok(Vec::new());
    }
    Ok(Store::open(data)?
        .manuals()?
        .into_iter()
        .map(|m| m.state)
        .collect())
}

#[test]
fn a_killed_manual_import_resumes_and_every_manual_ends_indexed_or_failed() -> TestResult {
    let Some(manuals) = corpus_manuals() else {
        return Ok(());
    };
    let files = std::fs::read_dir(&manuals)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .count();
    assert!(files >= 5, "too few corpus manuals: {files}");
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("data");

    let mut child = faultline_tests::cli_command(&data)
        .args(["manuals", "add"])
        .arg(&manuals)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    // Kill it once some manual is indexed while another is being extracted.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let now = states(&data).unwrap_or_default();
        let has = |s: ManualState| now.contains(&s);
        if has(ManualState::Indexed) && has(ManualState::Extracting) {
            break;
        }
        if let Some(status) = child.try_wait()? {
            return Err(format!("the import ended ({status}) before it could be killed").into());
        }
        assert!(Instant::now() < deadline, "the import never got going");
        std::thread::sleep(Duration::from_millis(5));
    }
    // SIGKILL: no destructor, no rollback, no cleanup of the workers runs in the CLI.
    let status = Command::new("kill")
        .arg("-9")
        .arg(child.id().to_string())
        .status()?;
    assert!(status.success(), "kill -9 failed");
    child.wait()?;
    let left = states(&data)?;
    assert!(
        left.iter()
            .any(|s| *s != ManualState::Indexed && *s != ManualState::Failed),
        "nothing was left to resume: {left:?}"
    );

    // The next run: adding the same folder finds every file already there and resumes the queue.
    faultline_tests::run_cli(&data, &["manuals", "add", &manuals.to_string_lossy()])?;
    let list = json(&data, &["manuals", "list"])?;
    let list = list.as_array().ok_or("manuals list is not an array")?;
    assert_eq!(list.len(), files, "one row per file, none twice: {list:#?}");
    let hashes: HashSet<&str> = list.iter().filter_map(|m| m["sha256"].as_str()).collect();
    assert_eq!(hashes.len(), files, "no file twice");
    for m in list {
        let name = m["file_name"].as_str().unwrap_or("?");
        match m["state"].as_str() {
            Some("indexed") => assert!(
                m["page_count"].as_u64().is_some_and(|n| n > 0),
                "{name} is indexed without pages"
            ),
            Some("failed") => {
                let reason = m["failure_message"].as_str().unwrap_or("");
                assert!(
                    m["failure_kind"].is_string() && !reason.is_empty(),
                    "{name} failed without a reason: {m}"
                );
                assert_ne!(
                    m["failure_kind"], "worker_failed",
                    "{name}: a killed run is not a verdict on the file"
                );
            }
            other => panic!("{name} ended {other:?} after the resumed import"),
        }
    }
    assert!(
        list.iter().filter(|m| m["state"] == "indexed").count() >= files / 2,
        "most corpus manuals have text: {list:#?}"
    );

    // Search works on what the two runs indexed, and the index is not waiting for a rebuild.
    for (query, manual) in [("PD013", "Huanyang"), ("sensorless homing", "BIGTREETECH")] {
        let found = json(&data, &["search", query])?;
        assert_eq!(found["rebuilding"], false, "{found}");
        let first = found["hits"][0]["file_name"].as_str().unwrap_or("");
        assert!(first.contains(manual), "{query}: {found:#}");
    }
    Ok(())
}
