//! `faultline-extract-worker PDF`: the extraction worker on its own, for the crate's tests and
//! for trying a PDF by hand (the app and the CLI run the same code as `extract-worker PDF`).

use std::ffi::OsString;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    faultline_manuals::extract::run_worker(&args)
}
