//! The app's side of a worker: start `exe [args_before…] PDF` with the password and limits in
//! its environment, kill it when the wall-clock limit (or a cancel) comes, and classify how it
//! ended: its JSON outcome, or Timeout, OutOfMemory (the allocator's abort message on stderr)
//! or Crashed (a signal, an abort, a stack overflow, no JSON).

use super::limits::{Limits, MEMORY_ENV, PASSWORD_ENV, TIME_ENV};
use super::outcome::Outcome;
use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The stderr kept from a worker (its end), for the log.
const STDERR_TAIL: usize = 4096;
/// How often a running worker's supervision looks at the cancel flag.
const CANCEL_CHECK: Duration = Duration::from_millis(50);

/// How to start a worker: `exe`, then `args_before`, then the PDF's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerCommand {
    pub exe: PathBuf,
    pub args_before: Vec<OsString>,
}

impl WorkerCommand {
    /// This binary's hidden `extract-worker` subcommand (the CLI and the desktop app have it).
    pub fn current_exe() -> std::io::Result<WorkerCommand> {
        Ok(WorkerCommand {
            exe: std::env::current_exe()?,
            args_before: vec!["extract-worker".into()],
        })
    }
}

/// Why a worker run says nothing about the file: the run can be tried again later.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("cannot read {}: {source}", path.display())]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot start the extraction worker {}: {source}", exe.display())]
    Spawn {
        exe: PathBuf,
        source: std::io::Error,
    },
    #[error("lost track of the extraction worker: {0}")]
    Io(#[from] std::io::Error),
    #[error("the extraction was cancelled")]
    Cancelled,
}

/// Extracts `pdf` in a worker process under `limits`. `Ok` is the verdict on the file (text, or
/// a classified failure to show and keep); `Err` means the run could not be made or finished
/// (the file may be tried again). Blocks the calling thread until the worker has ended; the
/// worker asks the kernel to kill it if that thread ends first (the app was killed).
pub fn extract_in_worker(
    worker: &WorkerCommand,
    pdf: &Path,
    password: Option<&str>,
    limits: Limits,
) -> Result<Outcome, WorkerError> {
    supervise(worker, pdf, password, limits, None)
}

/// Kills the worker if it is still running when the supervision ends early.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            kill(&mut self.0);
            let _ = self.0.wait();
        }
    }
}

/// Kills the worker's process group (the worker and anything it started).
fn kill(child: &mut Child) {
    #[cfg(unix)]
    {
        let group = i32::try_from(child.id())
            .ok()
            .and_then(rustix::process::Pid::from_raw);
        if let Some(group) = group {
            let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
        }
    }
    let _ = child.kill();
}

/// [`extract_in_worker`], also stopped when `cancel` becomes true.
pub(crate) fn supervise(
    worker: &WorkerCommand,
    pdf: &Path,
    password: Option<&str>,
    limits: Limits,
    cancel: Option<&AtomicBool>,
) -> Result<Outcome, WorkerError> {
    std::fs::metadata(pdf).map_err(|source| WorkerError::Unreadable {
        path: pdf.to_path_buf(),
        source,
    })?;
    let mut command = Command::new(&worker.exe);
    command
        .args(&worker.args_before)
        .arg(pdf)
        .env(MEMORY_ENV, limits.memory_bytes.to_string())
        .env(TIME_ENV, limits.time.as_secs().max(1).to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Its own process group, so that a kill reaches whatever it started too (and the pipes
    // close when it is killed).
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    match password {
        Some(p) => command.env(PASSWORD_ENV, p),
        None => command.env_remove(PASSWORD_ENV),
    };
    let child = command.spawn().map_err(|source| WorkerError::Spawn {
        exe: worker.exe.clone(),
        source,
    })?;
    let mut running = Running(child);
    // The stdout reader says when the worker closed its output (it is then ending): the wait
    // needs no polling interval, which would add to every file's time.
    let (sender, closed) = mpsc::channel();
    if let Some(mut out) = running.0.stdout.take() {
        std::thread::spawn(move || {
            let mut buffer = Vec::new();
            let _ = sender.send(out.read_to_end(&mut buffer).map(|_| buffer));
        });
    }
    let stderr = running
        .0
        .stderr
        .take()
        .map(|err| std::thread::spawn(move || tail(err)));
    let ended = wait(&mut running.0, &closed, limits.time, cancel)?;
    let stderr = stderr.and_then(|t| t.join().ok()).unwrap_or_default();
    let Ended {
        status,
        timed_out,
        stdout,
    } = match ended {
        Some(ended) => ended,
        None => return Err(WorkerError::Cancelled),
    };
    let outcome = classify(Some(status), timed_out, &stdout, &stderr, limits);
    if let Outcome::Failed { kind, .. } = &outcome {
        tracing::info!(pdf = %pdf.display(), ?status, %kind, stderr = %stderr, "extraction failed");
    }
    Ok(outcome)
}

/// The last [`STDERR_TAIL`] bytes the worker wrote on stderr.
fn tail(mut err: impl Read) -> String {
    let mut kept: Vec<u8> = Vec::new();
    let mut buffer = [0u8; 4096];
    while let Ok(n) = err.read(&mut buffer) {
        if n == 0 {
            break;
        }
        kept.extend_from_slice(&buffer[..n]);
        if kept.len() > 2 * STDERR_TAIL {
            kept.drain(..kept.len() - STDERR_TAIL);
        }
    }
    let start = kept.len().saturating_sub(STDERR_TAIL);
    String::from_utf8_lossy(&kept[start..]).into_owned()
}

/// How a worker ended.
struct Ended {
    status: ExitStatus,
    /// Killed for running past its time.
    timed_out: bool,
    stdout: Vec<u8>,
}

/// Waits for the worker to close its stdout (its output arrives on `closed`) and exit; kills
/// it when `limit` has passed (timed out) or `cancel` is set (None).
fn wait(
    child: &mut Child,
    closed: &mpsc::Receiver<std::io::Result<Vec<u8>>>,
    limit: Duration,
    cancel: Option<&AtomicBool>,
) -> std::io::Result<Option<Ended>> {
    let deadline = Instant::now() + limit;
    let mut stdout = None;
    loop {
        let now = Instant::now();
        let cancelled = cancel.is_some_and(|c| c.load(Ordering::Relaxed));
        if cancelled || now >= deadline {
            kill(child);
            let status = child.wait()?;
            let stdout = Vec::new();
            return Ok((!cancelled).then_some(Ended {
                status,
                timed_out: true,
                stdout,
            }));
        }
        if stdout.is_some() {
            // Output closed: the worker is exiting.
            if let Some(status) = child.try_wait()? {
                let stdout = stdout.unwrap_or_default();
                return Ok(Some(Ended {
                    status,
                    timed_out: false,
                    stdout,
                }));
            }
            std::thread::sleep(Duration::from_millis(1));
            continue;
        }
        let slice = (deadline - now).min(CANCEL_CHECK);
        match closed.recv_timeout(slice) {
            Ok(output) => stdout = Some(output?),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => stdout = Some(Vec::new()),
        }
    }
}

/// The allocator's message when an allocation fails (Rust's `handle_alloc_error`), and glibc's.
fn ran_out_of_memory(stderr: &str) -> bool {
    stderr.contains("memory allocation of") || stderr.contains("Cannot allocate memory")
}

fn classify(
    status: Option<ExitStatus>,
    timed_out: bool,
    stdout: &[u8],
    stderr: &str,
    limits: Limits,
) -> Outcome {
    if timed_out || killed_for_cpu(status) {
        return Outcome::timeout(limits.time);
    }
    if status.is_some_and(|s| s.success()) {
        if let Ok(outcome) = serde_json::from_slice::<Outcome>(stdout) {
            return outcome;
        }
    }
    if ran_out_of_memory(stderr) {
        return Outcome::out_of_memory(limits.memory_bytes);
    }
    Outcome::crashed()
}

#[cfg(unix)]
fn killed_for_cpu(status: Option<ExitStatus>) -> bool {
    use std::os::unix::process::ExitStatusExt;
    const SIGXCPU: i32 = 24;
    status.and_then(|s| s.signal()) == Some(SIGXCPU)
}

#[cfg(not(unix))]
fn killed_for_cpu(_status: Option<ExitStatus>) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::FailureKind;

    #[test]
    fn an_allocation_failure_is_out_of_memory_and_other_deaths_are_crashes() {
        let limits = Limits::default();
        let oom = classify(
            None,
            false,
            b"",
            "memory allocation of 8589934592 bytes failed",
            limits,
        );
        assert_eq!(oom.failure_kind(), Some(FailureKind::OutOfMemory));
        let crash = classify(
            None,
            false,
            b"",
            "thread 'extract' has overflowed its stack",
            limits,
        );
        assert_eq!(crash.failure_kind(), Some(FailureKind::Crashed));
        let late = classify(None, true, b"", "", limits);
        assert_eq!(late.failure_kind(), Some(FailureKind::Timeout));
    }

    #[test]
    fn the_tail_of_stderr_is_kept() {
        let long = "x".repeat(3 * STDERR_TAIL) + "end";
        let kept = tail(long.as_bytes());
        assert_eq!(kept.len(), STDERR_TAIL);
        assert!(kept.ends_with("end"));
    }
}
