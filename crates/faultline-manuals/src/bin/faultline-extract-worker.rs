//! `faultline-extract-worker PDF`: the extraction worker on its own, for the crate's tests and
//! for trying a PDF by hand (the app and the CLI run the same code as `extract-worker PDF`).

use std::ffi::OsString;
use std::process::ExitCode;

fn main() -> ExitCode {
    let all: Vec<OsString> = std::env::args_os().collect();
    // Everything after the program name.
    faultline_manuals::extract::run_worker(all.get(1..).unwrap_or_default())
}
