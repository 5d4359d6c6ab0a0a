//! The worker process's side: what the hidden `extract-worker PDF` subcommand runs. It limits
//! itself (address space, CPU time, no core dumps, killed when its parent dies), reads the
//! PDF, extracts it behind `catch_unwind`, and writes the [`Outcome`] as one JSON document on
//! stdout. A panic message goes to stderr on one line.

use super::limits::{Limits, PASSWORD_ENV};
use super::outcome::Outcome;
use super::pages::try_extract;
use std::ffi::OsString;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// The worker wrote its outcome.
pub const EXIT_OK: u8 = 0;
/// The worker was started with the wrong arguments.
pub const EXIT_USAGE: u8 = 2;
/// The worker could not write its outcome.
pub const EXIT_OUTPUT: u8 = 3;

/// Seconds of CPU time allowed beyond the wall-clock limit before the kernel stops the worker.
const CPU_GRACE_SECS: u64 = 10;

/// Runs the worker on `args`, the arguments after the subcommand: the path of one PDF. The
/// password comes from the environment ([`PASSWORD_ENV`]), as do the limits.
pub fn run_worker(args: &[OsString]) -> ExitCode {
    let [pdf] = args else {
        eprintln!("usage: extract-worker PDF  (password in ${PASSWORD_ENV}, if any)");
        return ExitCode::from(EXIT_USAGE);
    };
    let limits = Limits::from_env();
    limit_self(&limits);
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string().replace('\n', " ");
        eprintln!("extract-worker: {message}");
    }));
    let password = std::env::var(PASSWORD_ENV).ok().filter(|p| !p.is_empty());
    let outcome = extract_file(Path::new(pdf), password, &limits);
    let mut stdout = std::io::stdout().lock();
    let written = serde_json::to_writer(&mut stdout, &outcome)
        .map_err(std::io::Error::other)
        .and_then(|()| stdout.flush());
    match written {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(e) => {
            eprintln!("extract-worker: cannot write the outcome: {e}");
            ExitCode::from(EXIT_OUTPUT)
        }
    }
}

fn extract_file(pdf: &Path, password: Option<String>, limits: &Limits) -> Outcome {
    let size = std::fs::metadata(pdf).map(|m| m.len()).unwrap_or(0);
    if size > limits.max_file_bytes() {
        return Outcome::too_large(size, limits.max_file_bytes());
    }
    let bytes = match std::fs::read(pdf) {
        Ok(bytes) => bytes,
        Err(e) => return Outcome::damaged(&format!("it could not be read ({e})")),
    };
    // On the main thread: its memory comes from the main heap, where a helper thread's comes
    // from an arena grown a page at a time (a thousand mprotect calls for a small manual).
    // pdf-extract no longer recurses into forms (they are drawn into the page beforehand), so
    // the main thread's stack is enough; an overflow would still end as a crash, classified.
    try_extract(&bytes, password.as_deref()).unwrap_or_else(|message| {
        eprintln!("extract-worker: the PDF reader panicked: {message}");
        if is_out_of_resources(&message) {
            Outcome::out_of_memory(limits.memory_bytes)
        } else {
            Outcome::crashed()
        }
    })
}

/// Whether a panic came from the memory limit rather than from the file: a thread that could
/// not be started (lopdf's rayon pool, under the address-space limit), a capacity overflow.
fn is_out_of_resources(message: &str) -> bool {
    [
        "Resource temporarily unavailable",
        "ThreadPoolBuildError",
        "capacity overflow",
        "out of memory",
    ]
    .iter()
    .any(|m| message.contains(m))
}

/// Applies the limits to this process (best effort: a limit that cannot be set is reported
/// on stderr, and the parent's wall-clock limit still holds).
#[cfg(target_os = "linux")]
fn limit_self(limits: &Limits) {
    use rustix::process::{setrlimit, Resource, Rlimit, Signal};
    let limit = |n: u64| Rlimit {
        current: Some(n),
        maximum: Some(n),
    };
    let address_space = current_address_space().saturating_add(limits.memory_bytes);
    let cpu = limits.time.as_secs().saturating_add(CPU_GRACE_SECS);
    let settings = [
        (Resource::As, address_space, "memory"),
        (Resource::Cpu, cpu, "CPU time"),
        (Resource::Core, 0, "core dumps"),
    ];
    for (resource, value, what) in settings {
        if let Err(e) = setrlimit(resource, limit(value)) {
            eprintln!("extract-worker: cannot limit {what}: {e}");
        }
    }
    if let Err(e) = rustix::process::set_parent_process_death_signal(Some(Signal::KILL)) {
        eprintln!("extract-worker: cannot ask to end with the app: {e}");
    }
}

#[cfg(not(target_os = "linux"))]
fn limit_self(_limits: &Limits) {}

/// The address space this process already uses (VmSize), so that the memory limit is on top
/// of the binary and libraries it was started with (the desktop app maps many).
#[cfg(target_os = "linux")]
fn current_address_space() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmSize:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kib| kib * 1024)
}
