//! Helpers for Faultline's end-to-end tests: find the built binaries, gate on a display, run
//! tauri-driver, and drive the app window through WebDriver (see `App`).

mod app;
mod driver;
pub mod hub;
pub mod pg;
pub mod procs;
pub mod proxy;
pub mod sync_env;

use std::path::{Path, PathBuf};
use std::process::Output;

use anyhow::{bail, Context, Result};

pub use app::App;
pub use driver::TauriDriver;
pub use fantoccini::{elements::Element, key::Key, Client, Locator};

/// Set to `1` to skip the e2e tests (only for quick unit-test iterations, never in CI).
pub const SKIP_ENV: &str = "FAULTLINE_SKIP_E2E";
/// Overrides the app binary (default: `target/release/faultline-app`).
pub const APP_BIN_ENV: &str = "FAULTLINE_APP_BIN";
/// Overrides the CLI binary (default: `target/release/faultline`).
pub const CLI_BIN_ENV: &str = "FAULTLINE_CLI_BIN";
/// Overrides the tauri-driver binary (default: `tauri-driver` on PATH, then `~/.cargo/bin`).
pub const DRIVER_BIN_ENV: &str = "TAURI_DRIVER_BIN";

/// Whether e2e tests should run: `Ok(false)` when `FAULTLINE_SKIP_E2E=1`, an error when there is
/// no display (the tests must not silently pass), `Ok(true)` otherwise.
pub fn e2e_enabled() -> Result<bool> {
    if std::env::var(SKIP_ENV).is_ok_and(|v| v == "1") {
        eprintln!("{SKIP_ENV}=1: skipping the end-to-end test");
        return Ok(false);
    }
    let has = |var: &str| std::env::var_os(var).is_some_and(|v| !v.is_empty());
    if !has("DISPLAY") && !has("WAYLAND_DISPLAY") {
        bail!(
            "no display (neither DISPLAY nor WAYLAND_DISPLAY is set): the end-to-end tests open \
             the app's window, so run them under a virtual X server, e.g. \
             `xvfb-run -a cargo test -p faultline-tests` (or `make test`)"
        );
    }
    Ok(true)
}

/// The workspace root (parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map_or_else(|| manifest_dir.to_path_buf(), Path::to_path_buf)
}

pub(crate) fn release_binary(env_var: &str, name: &str, build_hint: &str) -> Result<PathBuf> {
    let path = match std::env::var_os(env_var) {
        Some(path) => PathBuf::from(path),
        None => workspace_root().join("target").join("release").join(name),
    };
    if !path.is_file() {
        bail!(
            "{} not found: build it first with `{build_hint}` (or `make build`), \
             or point {env_var} at it",
            path.display()
        );
    }
    path.canonicalize()
        .with_context(|| format!("cannot resolve {}", path.display()))
}

/// The built desktop app (`FAULTLINE_APP_BIN` or `target/release/faultline-app`).
pub fn app_binary() -> Result<PathBuf> {
    release_binary(
        APP_BIN_ENV,
        "faultline-app",
        "cargo build --release -p faultline-app",
    )
}

/// The built CLI (`FAULTLINE_CLI_BIN` or `target/release/faultline`).
pub fn cli_binary() -> Result<PathBuf> {
    release_binary(
        CLI_BIN_ENV,
        "faultline",
        "cargo build --release -p faultline-cli",
    )
}

/// `faultline --data-dir DIR` as a command to add arguments to and spawn (crash tests kill it
/// mid-write). Without a built CLI it names a program that fails loudly at spawn.
pub fn cli_command(data_dir: &Path) -> std::process::Command {
    let bin = cli_binary().unwrap_or_else(|e| PathBuf::from(format!("missing-cli: {e}")));
    let mut c = std::process::Command::new(bin);
    c.arg("--data-dir")
        .arg(data_dir)
        .env("FAULTLINE_USER", "crash-test")
        .env_remove("FAULTLINE_DATA_DIR");
    c
}

/// Runs the CLI on `data_dir` (`faultline --data-dir DIR ARGS...`); fails unless it exits 0.
pub fn run_cli(data_dir: &Path, args: &[&str]) -> Result<Output> {
    let cli = cli_binary()?;
    let output = std::process::Command::new(&cli)
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("FAULTLINE_DATA_DIR")
        .output()
        .with_context(|| format!("cannot run {}", cli.display()))?;
    if !output.status.success() {
        bail!(
            "`faultline {}` failed ({}):\n{}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(output)
}

/// Logs a breakdown on the demo plant's compressor CMP-301 that stopped `hours` ago: a machine
/// down since before the current shift, for the first screen and the shift handover.
pub fn compressor_down_since(data_dir: &Path, hours: i64, author: &str) -> Result<()> {
    let stopped = (chrono::Utc::now() - chrono::Duration::hours(hours)).to_rfc3339();
    run_cli(
        data_dir,
        &[
            "log-breakdown",
            "--asset",
            "CMP-301",
            "--code",
            "MOTOR-OT",
            "--symptom",
            "Compressor stopped, motor hot",
            "--stopped-at",
            &stopped,
            "--author",
            author,
        ],
    )
    .map(|_| ())
}

/// A fresh data directory with the bundled demo plant loaded (`faultline demo-load`), deleted
/// when dropped.
pub fn demo_data_dir() -> Result<tempfile::TempDir> {
    let data = temp_data_dir()?;
    let demo = workspace_root().join("assets/demo");
    run_cli(
        data.path(),
        &["demo-load", "--dir", &demo.display().to_string()],
    )?;
    Ok(data)
}

/// A fresh, empty data directory that is deleted when dropped.
pub fn temp_data_dir() -> Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix("faultline-e2e-")
        .tempdir()
        .context("cannot create a temporary data directory")
}
