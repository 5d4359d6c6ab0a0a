//! `faultline`: the same core as the desktop app, for shift leads' scripts, tests and benchmarks.

mod analytics;
mod args;
mod corrections;
mod dev_serve;
mod dev_serve_routes;
mod diagnose;
mod diagnosis_cmd;
mod guides;
mod manuals;
mod oee;
mod print;
mod print_procedures;
mod print_sync;
mod progress;
mod run;
mod shifts;
mod sync;
mod time_arg;

use clap::Parser;
use faultline_core::{CoreError, ErrorBody, ErrorCode};
use std::process::ExitCode;

fn exit_code(code: ErrorCode) -> u8 {
    match code {
        ErrorCode::InvalidInput => 3,
        ErrorCode::NotFound => 4,
        ErrorCode::InvalidState => 5,
        ErrorCode::ImportFailed => 6,
        ErrorCode::HubUnreachable => 7,
        ErrorCode::HubRefused => 8,
        ErrorCode::Storage => 10,
    }
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("FAULTLINE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = args::Cli::parse();
    let json = cli.json;
    match run::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e, json);
            ExitCode::from(exit_code(e.code()))
        }
    }
}

fn report(e: &CoreError, json: bool) {
    if json {
        let body = ErrorBody::from(e);
        eprintln!("{}", serde_json::json!({ "error": body }));
    } else {
        eprintln!("error: {e}");
    }
}
