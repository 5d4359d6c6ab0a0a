// Entry point of the `faultline-app` binary: logging, then the Tauri app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

fn main() -> ExitCode {
    faultline_app::init_logging();
    match faultline_app::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("faultline-app: {error}");
            ExitCode::FAILURE
        }
    }
}
