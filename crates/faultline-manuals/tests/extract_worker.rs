//! The worker process and its supervision, without the corpus: a PDF made here goes through
//! the real worker; stand-in workers (`sh -c …`) hang, crash or run out of memory, and each
//! ending is classified; the password travels in the environment, never in the arguments.

use crate::common;

use common::pdf::{shell, write_pdf};
use common::{corpus, limits, worker, TestResult};
use faultline_manuals::extract::{
    extract_in_worker, extract_many, ExtractJob, FailureKind, Limits, Outcome, WorkerCommand,
    WorkerError, EXIT_USAGE,
};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[test]
fn a_pdf_goes_through_the_real_worker() -> TestResult {
    let dir = tempfile::tempdir()?;
    let pdf = dir.path().join("drive.pdf");
    write_pdf(
        &pdf,
        &[
            "Fault OC1: overcurrent during acceleration",
            "Check the motor cable",
        ],
    )?;
    match extract_in_worker(&worker(), &pdf, None, limits())? {
        Outcome::Text(e) => {
            assert_eq!(e.page_count, 1);
            assert_eq!(
                e.pages[0],
                "Fault OC1: overcurrent during acceleration\nCheck the motor cable"
            );
        }
        other => panic!("expected text, got {other:?}"),
    }
    Ok(())
}

#[test]
fn a_file_that_is_not_a_pdf_is_damaged_and_a_missing_one_is_an_error() -> TestResult {
    let dir = tempfile::tempdir()?;
    let junk = dir.path().join("junk.pdf");
    std::fs::write(&junk, b"this is not a PDF at all")?;
    let outcome = extract_in_worker(&worker(), &junk, None, limits())?;
    assert_eq!(outcome.failure_kind(), Some(FailureKind::Damaged));
    let missing = extract_in_worker(&worker(), &dir.path().join("none.pdf"), None, limits());
    assert!(matches!(missing, Err(WorkerError::Unreadable { .. })));
    let no_exe = WorkerCommand {
        exe: dir.path().join("no-such-worker"),
        args_before: Vec::new(),
    };
    let spawn = extract_in_worker(&no_exe, &junk, None, limits());
    assert!(matches!(spawn, Err(WorkerError::Spawn { .. })));
    Ok(())
}

#[test]
fn a_worker_past_its_time_is_killed_and_the_file_timed_out() -> TestResult {
    let dir = tempfile::tempdir()?;
    let pdf = dir.path().join("a.pdf");
    std::fs::write(&pdf, b"%PDF-1.4")?;
    let quick = Limits {
        time: Duration::from_secs(1),
        ..Limits::default()
    };
    let started = Instant::now();
    let outcome = extract_in_worker(&shell("sleep 30"), &pdf, None, quick)?;
    assert!(started.elapsed() < Duration::from_secs(5));
    match outcome {
        Outcome::Failed { kind, message } => {
            assert_eq!(kind, FailureKind::Timeout);
            assert_eq!(message, "took longer than 1 s");
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    Ok(())
}

#[test]
fn signals_aborts_and_silence_are_crashes_and_allocation_failures_out_of_memory() -> TestResult {
    let dir = tempfile::tempdir()?;
    let pdf = dir.path().join("a.pdf");
    std::fs::write(&pdf, b"%PDF-1.4")?;
    let cases = [
        ("kill -SEGV $$", FailureKind::Crashed),
        (
            "echo \"thread 'extract' has overflowed its stack\" >&2; kill -ABRT $$",
            FailureKind::Crashed,
        ),
        ("exit 0", FailureKind::Crashed),
        ("echo '{\"not\": \"an outcome\"}'", FailureKind::Crashed),
        (
            "echo 'memory allocation of 1073741824 bytes failed' >&2; kill -ABRT $$",
            FailureKind::OutOfMemory,
        ),
    ];
    for (script, kind) in cases {
        let outcome = extract_in_worker(&shell(script), &pdf, None, limits())?;
        assert_eq!(outcome.failure_kind(), Some(kind), "{script}");
    }
    Ok(())
}

#[cfg(target_os = "linux")]
#[test]
fn the_worker_limits_its_own_memory() -> TestResult {
    let Some(corpus) = corpus() else {
        return Ok(());
    };
    let pdf = corpus.join("manuals/msudesigncpr_datasheets__cecc_overview.pdf");
    let tight = Limits {
        memory_bytes: 70 << 20,
        ..limits()
    };
    match extract_in_worker(&worker(), &pdf, None, tight)? {
        Outcome::Failed { kind, message } => {
            assert_eq!(kind, FailureKind::OutOfMemory);
            assert_eq!(message, "needed more than 70 MB of memory");
        }
        other => panic!("expected out of memory, got {other:?}"),
    }
    Ok(())
}

#[test]
fn a_file_bigger_than_the_memory_allows_is_too_large() -> TestResult {
    let dir = tempfile::tempdir()?;
    let pdf = dir.path().join("big.pdf");
    std::fs::write(&pdf, vec![b' '; 3 << 20])?;
    let small = Limits {
        memory_bytes: 4 << 20,
        ..limits()
    };
    match extract_in_worker(&worker(), &pdf, None, small)? {
        Outcome::Failed { kind, message } => {
            assert_eq!(kind, FailureKind::TooLarge);
            assert_eq!(
                message,
                "the file is 3 MB, more than the 2 MB a manual may have"
            );
        }
        other => panic!("expected too large, got {other:?}"),
    }
    Ok(())
}

#[test]
fn the_password_is_passed_in_the_environment_not_the_arguments() -> TestResult {
    let dir = tempfile::tempdir()?;
    let pdf = dir.path().join("a.pdf");
    std::fs::write(&pdf, b"%PDF-1.4")?;
    let seen = dir.path().join("seen");
    let script = format!(
        "echo \"args: $* env: $FAULTLINE_PDF_PASSWORD\" > '{}'",
        seen.display()
    );
    extract_in_worker(&shell(&script), &pdf, Some("s3cret"), limits())?;
    let seen = std::fs::read_to_string(&seen)?;
    assert!(
        seen.starts_with(&format!("args: {} env: s3cret", pdf.display())),
        "{seen}"
    );
    Ok(())
}

#[test]
fn many_files_run_in_parallel_and_a_cancel_stops_them() -> TestResult {
    let dir = tempfile::tempdir()?;
    let mut jobs = Vec::new();
    for i in 0..4 {
        let pdf = dir.path().join(format!("{i}.pdf"));
        write_pdf(&pdf, &[&format!("Manual number {i}")])?;
        jobs.push(ExtractJob::from(pdf));
    }
    let never = AtomicBool::new(false);
    let mut seen = Vec::new();
    let results = extract_many(&worker(), &jobs, limits(), 2, &never, |p| {
        seen.push((p.done, p.total, p.index));
    });
    assert_eq!(seen.len(), 4);
    assert_eq!(seen.last().map(|s| (s.0, s.1)), Some((4, 4)));
    for (i, result) in results.iter().enumerate() {
        match result {
            Ok(Outcome::Text(e)) => assert_eq!(e.pages[0], format!("Manual number {i}")),
            other => panic!("{i}: {other:?}"),
        }
    }
    // A cancel while slow workers run kills them and leaves every file cancelled.
    let cancel = AtomicBool::new(false);
    let started = Instant::now();
    let results = std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(Duration::from_millis(300));
            cancel.store(true, Ordering::Relaxed);
        });
        extract_many(&shell("sleep 30"), &jobs, limits(), 2, &cancel, |_| {})
    });
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(results
        .iter()
        .all(|r| matches!(r, Err(WorkerError::Cancelled))));
    Ok(())
}

#[test]
fn the_worker_refuses_wrong_arguments() -> TestResult {
    let status = std::process::Command::new(worker().exe).output()?.status;
    assert_eq!(status.code(), Some(i32::from(EXIT_USAGE)));
    Ok(())
}
