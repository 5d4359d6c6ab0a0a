//! `faultline-api-worker PDF`: the manual extraction worker, for this crate's tests (the app and
//! the CLI run the same code as their own `extract-worker` subcommand).

use std::ffi::OsString;
use std::process::ExitCode;

fn main() -> ExitCode {
    let all: Vec<OsString> = std::env::args_os().collect();
    faultline_manuals::extract::run_worker(all.get(1..).unwrap_or_default())
}
