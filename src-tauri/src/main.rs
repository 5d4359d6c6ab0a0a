// Entry point of the `faultline-app` binary: logging, then the Tauri app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

fn main() -> ExitCode {
    // The same binary is the guarded PDF extraction worker (see faultline-manuals::extract).
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Drop the program name: only the arguments after it matter here.
    args.drain(..args.len().min(1));
    if args.first().is_some_and(|a| a == "extract-worker") {
        return faultline_manuals::extract::run_worker(&args[1..]);
    }
    faultline_app::init_logging();
    match faultline_app::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("faultline-app: {error}");
            ExitCode::FAILURE
        }
    }
}
