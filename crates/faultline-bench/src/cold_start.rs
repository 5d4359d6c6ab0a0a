//! The `cold-start` subcommand: spawns the desktop app with `FAULTLINE_EXIT_ON_READY=1` and
//! times spawn → the `ready_ms=N` line it prints once the UI has rendered its first screen.

use crate::doc;
use crate::percentiles::Samples;
use crate::report::thousands;
use anyhow::{bail, Context, Result};
use faultline_core::store::DB_FILE;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct ColdStartArgs {
    pub app: PathBuf,
    pub runs: usize,
    pub data_dir: Option<PathBuf>,
    pub out: PathBuf,
    pub timeout: Duration,
    pub write_doc: Option<PathBuf>,
}

struct Ready {
    wall: Duration,
    app_ms: Option<u64>,
}

enum Event {
    Ready(Instant, Option<u64>),
    Eof,
}

/// Keeps the last lines the app wrote to stderr, for the error message.
fn drain_stderr(child: &mut Child) -> Arc<Mutex<VecDeque<String>>> {
    let tail = Arc::new(Mutex::new(VecDeque::new()));
    if let Some(err) = child.stderr.take() {
        let tail = Arc::clone(&tail);
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(|l| l.ok()) {
                if let Ok(mut t) = tail.lock() {
                    if t.len() == 15 {
                        t.pop_front();
                    }
                    t.push_back(line);
                }
            }
        });
    }
    tail
}

/// Drops terminal colour codes (`ESC[…m`) from a log line.
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn stderr_tail(tail: &Mutex<VecDeque<String>>) -> String {
    let lines: Vec<String> = tail
        .lock()
        .map(|t| t.iter().cloned().collect())
        .unwrap_or_default();
    if lines.is_empty() {
        "(nothing on stderr)".into()
    } else {
        lines
            .iter()
            .map(|l| format!("    {}", strip_ansi(l)))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Kills the app and whatever it started (web view processes): it runs in its own process group.
fn kill_group(child: &mut Child) {
    #[cfg(unix)]
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .stderr(Stdio::null())
        .status();
    let _ = child.kill();
    let _ = child.wait();
}

/// Waits up to `grace` for the child to exit by itself, then kills it.
fn reap(child: &mut Child, grace: Duration) {
    let until = Instant::now() + grace;
    while Instant::now() < until {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    kill_group(child);
}

fn one_run(app: &Path, data_dir: &Path, timeout: Duration) -> Result<Ready> {
    let started = Instant::now();
    let mut cmd = Command::new(app);
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd
        .env("FAULTLINE_DATA_DIR", data_dir)
        .env("FAULTLINE_EXIT_ON_READY", "1")
        // A panic's message, not pages of backtrace, in the error below.
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {}", app.display()))?;
    let tail = drain_stderr(&mut child);
    let (tx, rx) = mpsc::channel();
    if let Some(out) = child.stdout.take() {
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(|l| l.ok()) {
                if let Some(v) = line.trim().strip_prefix("ready_ms=") {
                    let _ = tx.send(Event::Ready(Instant::now(), v.trim().parse().ok()));
                    return;
                }
            }
            let _ = tx.send(Event::Eof);
        });
    }
    match rx.recv_timeout(timeout) {
        Ok(Event::Ready(at, app_ms)) => {
            reap(&mut child, Duration::from_secs(10));
            Ok(Ready {
                wall: at.duration_since(started),
                app_ms,
            })
        }
        Ok(Event::Eof) | Err(mpsc::RecvTimeoutError::Disconnected) => {
            reap(&mut child, Duration::from_secs(5));
            let status = child
                .try_wait()
                .ok()
                .flatten()
                .map_or("still running".into(), |s| s.to_string());
            bail!(
                "{} ended ({status}) without printing a `ready_ms=N` line on stdout. If it could not open a \
                 window, run under a display (`xvfb-run -a …`); otherwise check that this build supports \
                 FAULTLINE_EXIT_ON_READY=1. Its stderr ended with:\n{}",
                app.display(),
                stderr_tail(&tail)
            )
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            kill_group(&mut child);
            bail!(
                "{} printed no `ready_ms=N` line within {} s, so it was stopped. Either this build does not \
                 support FAULTLINE_EXIT_ON_READY=1 yet (check: grep -n EXIT_ON_READY src-tauri/src/*.rs), or it \
                 cannot open a window: run under a display, e.g. `xvfb-run -a cargo run --release -p \
                 faultline-bench -- cold-start`. Its stderr ended with:\n{}",
                app.display(),
                timeout.as_secs(),
                stderr_tail(&tail)
            )
        }
    }
}

/// The data directory to start the app on: the one given, else the imported plant-scale
/// replica from `replica`, else a fresh empty one.
fn pick_data_dir(args: &ColdStartArgs) -> Result<PathBuf> {
    if let Some(d) = &args.data_dir {
        return Ok(d.clone());
    }
    let replica = args.out.join("replica-faultline");
    if replica.join(DB_FILE).is_file() {
        return Ok(replica);
    }
    let empty = args.out.join("coldstart-empty");
    crate::import_bench::fresh_dir(&empty)?;
    Ok(empty)
}

fn work_orders_in(data_dir: &Path) -> Option<u64> {
    let conn = rusqlite::Connection::open_with_flags(
        data_dir.join(DB_FILE),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .ok()?;
    conn.query_row("SELECT count(*) FROM work_orders", [], |r| {
        r.get::<_, i64>(0)
    })
    .ok()
    .map(|n| n as u64)
}

pub fn run(args: ColdStartArgs) -> Result<()> {
    let load = doc::load_average();
    if !args.app.is_file() {
        bail!(
            "no app binary at {}: build it first (cargo build --release -p faultline-app) or pass --app PATH",
            args.app.display()
        );
    }
    let data_dir = pick_data_dir(&args)?;
    let runs = args.runs.max(1);
    eprintln!(
        "cold start of {} on {} ({} run(s) + 1 warm-up)",
        args.app.display(),
        data_dir.display(),
        runs
    );
    let warm = one_run(&args.app, &data_dir, args.timeout)?;
    eprintln!(
        "  warm-up: {:.0} ms (not counted)",
        warm.wall.as_secs_f64() * 1e3
    );
    let mut wall = Samples::with_capacity(runs);
    let mut app_ms = Vec::with_capacity(runs);
    for i in 1..=runs {
        let r = one_run(&args.app, &data_dir, args.timeout)?;
        eprintln!(
            "  run {i}: {:.0} ms (app says ready_ms={:?})",
            r.wall.as_secs_f64() * 1e3,
            r.app_ms
        );
        wall.push(r.wall);
        app_ms.extend(r.app_ms);
    }
    let s = wall.summary();
    app_ms.sort_unstable();
    let app_median = app_ms
        .get(app_ms.len().saturating_sub(1) / 2)
        .map_or("–".into(), |m| format!("{m} ms"));
    let replica = work_orders_in(&data_dir).map_or("an empty replica".into(), |n| {
        format!("a replica of {} work orders", thousands(n))
    });
    let verdict = if s.p50_ms < 1500.0 {
        "within"
    } else {
        "NOT within"
    };
    let table = format!(
        "Spawn of `{}` with `FAULTLINE_EXIT_ON_READY=1` until its `ready_ms=N` line (first screen \
         rendered), on {replica}. One untimed warm-up run first, so the binary and the database are in \
         the page cache (a process cold start, not a cold boot).\n\n\
         | measure | samples | p50 | max | aim |\n|---|---:|---:|---:|---|\n\
         | wall time, spawn → ready line | {} | {:.0} ms | {:.0} ms | < 1.5 s ({verdict}) |\n\
         | `ready_ms` the app reports | {} | {app_median} | {} | |\n",
        args.app.display(),
        s.count,
        s.p50_ms,
        s.max_ms,
        app_ms.len(),
        app_ms.last().map_or("–".into(), |m| format!("{m} ms")),
    );
    println!("{table}");
    if let Some(path) = &args.write_doc {
        let body = format!(
            "## App cold start\n\n{}\n{table}",
            doc::context_lines(&load)
        );
        doc::write_section(path, "coldstart", &body)?;
        eprintln!("wrote the cold-start section of {}", path.display());
    }
    Ok(())
}
