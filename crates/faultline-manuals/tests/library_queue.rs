//! The import queue of the library: a worker run that could not be made or finished (no worker,
//! our own cancel) puts the manual back in the queue for the next run, while a verdict on the
//! file (encrypted, damaged, …) stays `failed` and is not retried at the next start.

use crate::common;

use common::library::{count, manual, open, run_queue};
use common::pdf::{shell, write_pdf};
use common::{limits, worker, TestResult};
use faultline_core::domain::ManualState;
use faultline_manuals::extract::WorkerCommand;
use faultline_manuals::library::Library;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// A data directory with one small PDF added (queued) to its library; returns its file too.
fn with_one_pdf(dir: &std::path::Path, text: &str) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let pdf = dir.join("drive.pdf");
    write_pdf(&pdf, &[text])?;
    Ok(pdf)
}

fn no_such_worker() -> WorkerCommand {
    WorkerCommand {
        exe: "/nonexistent/faultline-extract-worker".into(),
        args_before: Vec::new(),
    }
}

#[test]
fn a_worker_that_cannot_start_leaves_the_manual_queued_for_the_next_run() -> TestResult {
    let files = tempfile::tempdir()?;
    let data = tempfile::tempdir()?;
    let pdf = with_one_pdf(files.path(), "Fault OC1: overcurrent")?;
    let id = {
        let (store, library) = open(data.path(), no_such_worker(), limits())?;
        let report = Library::add_paths(&store, &[pdf], None)?;
        let id = report.manuals[0].id;
        let done = run_queue(&library, &store)?;
        assert_eq!((done.done, done.retry_later), (1, 1));
        let m = manual(&store, id)?;
        assert_eq!(m.state, ManualState::Queued, "{m:?}");
        assert_eq!(m.failure_kind, None);
        id
    };
    // The next start, with a worker that runs, extracts and indexes it.
    let (store, library) = open(data.path(), worker(), limits())?;
    let done = run_queue(&library, &store)?;
    assert_eq!((done.done, done.retry_later), (1, 0));
    assert_eq!(manual(&store, id)?.state, ManualState::Indexed);
    let hits = library.search(&store, "OC1", None, 5)?.hits;
    assert_eq!(hits.first().map(|h| h.manual_id), Some(id));
    Ok(())
}

#[test]
fn a_cancel_kills_the_running_worker_and_requeues_its_manual() -> TestResult {
    let files = tempfile::tempdir()?;
    let data = tempfile::tempdir()?;
    let pdf = with_one_pdf(files.path(), "Fault OC1")?;
    let (store, library) = open(data.path(), shell("sleep 30"), limits())?;
    let id = Library::add_paths(&store, &[pdf], None)?.manuals[0].id;
    let cancel = AtomicBool::new(false);
    // Cancel as soon as the worker has been given the manual.
    let progress = |p: faultline_manuals::library::ImportProgress| {
        if p.current.is_some() {
            cancel.store(true, Ordering::SeqCst);
        }
    };
    let started = Instant::now();
    let done = library.process_queue(&store, &HashMap::new(), &progress, &cancel)?;
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the cancel did not stop the worker ({:?})",
        started.elapsed()
    );
    assert!(done.cancelled);
    assert_eq!(done.retry_later, 1);
    let m = manual(&store, id)?;
    assert_eq!(m.state, ManualState::Queued, "{m:?}");
    assert_eq!(m.failure_kind, None);
    Ok(())
}

#[test]
fn a_verdict_on_the_file_stays_failed_and_is_not_retried_at_the_next_start() -> TestResult {
    let files = tempfile::tempdir()?;
    let data = tempfile::tempdir()?;
    let pdf = with_one_pdf(files.path(), "secret")?;
    let encrypted = shell(
        r#"printf '%s' '{"outcome":"failed","kind":"encrypted","message":"encrypted: enter the password"}'"#,
    );
    let id = {
        let (store, library) = open(data.path(), encrypted.clone(), limits())?;
        let id = Library::add_paths(&store, &[pdf], None)?.manuals[0].id;
        let done = run_queue(&library, &store)?;
        assert_eq!((done.done, done.retry_later), (1, 0));
        id
    };
    let (store, library) = open(data.path(), encrypted, limits())?;
    assert_eq!(library.recover(&store)?, 0);
    let m = manual(&store, id)?;
    assert_eq!(m.state, ManualState::Failed);
    assert_eq!(m.failure_kind.as_deref(), Some("encrypted"));
    assert_eq!(
        m.failure_message.as_deref(),
        Some("encrypted: enter the password")
    );
    // Nothing queued: the next run does not try it again.
    assert_eq!(run_queue(&library, &store)?.total, 0);
    assert_eq!(count(&store, ManualState::Failed)?, 1);
    Ok(())
}

#[test]
fn a_run_failure_recorded_by_an_older_build_is_queued_again_at_start() -> TestResult {
    let files = tempfile::tempdir()?;
    let data = tempfile::tempdir()?;
    let pdf = with_one_pdf(files.path(), "Fault OC1")?;
    let id = {
        let (store, _library) = open(data.path(), worker(), limits())?;
        let id = Library::add_paths(&store, &[pdf], None)?.manuals[0].id;
        let mut s = store.lock().map_err(|_| "poisoned")?;
        s.mark_manual_failed(
            id,
            "worker_failed",
            "the PDF reader could not be run (…); try again",
        )?;
        id
    };
    let (store, library) = open(data.path(), worker(), limits())?;
    assert_eq!(manual(&store, id)?.state, ManualState::Queued);
    run_queue(&library, &store)?;
    assert_eq!(manual(&store, id)?.state, ManualState::Indexed);
    Ok(())
}

#[test]
fn a_manual_whose_stored_pdf_vanished_fails_with_a_reason_instead_of_looping() -> TestResult {
    let files = tempfile::tempdir()?;
    let data = tempfile::tempdir()?;
    let pdf = with_one_pdf(files.path(), "Fault OC1: overcurrent")?;
    let (store, library) = open(data.path(), worker(), limits())?;
    let added = Library::add_paths(&store, &[pdf], None)?;
    let (id, sha) = (added.manuals[0].id, added.manuals[0].sha256.clone());
    let blob = data.path().join("blobs").join(&sha[..2]).join(&sha[2..]);
    std::fs::remove_file(&blob)?;
    let done = run_queue(&library, &store)?;
    assert_eq!((done.done, done.retry_later), (1, 0));
    let m = manual(&store, id)?;
    assert_eq!(m.state, ManualState::Failed);
    assert_eq!(m.failure_kind.as_deref(), Some("missing_file"));
    assert!(m
        .failure_message
        .as_deref()
        .is_some_and(|t| t.contains("add the file again")));
    assert_eq!(
        library.recover(&store)?,
        0,
        "not queued again at the next start"
    );
    Ok(())
}
