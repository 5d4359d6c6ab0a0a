//! Sync benchmarks against a real hub process and PostgreSQL on loopback: a fleet of laptops
//! pushing a shift's work at once, initial replication of a big site (against `COPY … TO
//! STDOUT`), a shift-end incremental sync, and the CMMS drain to `fake_maximo` with laptops
//! syncing meanwhile. Needs `FAULTLINE_TEST_DATABASE_URL` (a server
//! `scripts/pg.sh start` runs) and the release binaries of the hub and the CLI.

mod cmms_drain;
mod cmms_gate;
mod fleet;
mod hub_proc;
mod replication;
mod shift_end;

use anyhow::Result;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct SyncBenchArgs {
    /// Which part: fleet, replication, shift-end, cmms-drain, or all.
    #[arg(long, default_value = "all")]
    pub part: String,
    /// Simulated laptops pushing at once.
    #[arg(long, default_value_t = 200)]
    pub devices: usize,
    /// Mutations each laptop pushes (a shift's work).
    #[arg(long, default_value_t = 50)]
    pub mutations: usize,
    /// Photos each laptop uploads (of `photo_kib` KiB each).
    #[arg(long, default_value_t = 2)]
    pub photos: usize,
    #[arg(long, default_value_t = 256)]
    pub photo_kib: usize,
    /// Work orders of the site replicated to a fresh laptop.
    #[arg(long, default_value_t = 1_000_000)]
    pub work_orders: usize,
    #[arg(long, default_value_t = 20_000)]
    pub assets: usize,
    /// Changes each way in the shift-end sync.
    #[arg(long, default_value_t = 500)]
    pub shift_changes: usize,
    /// Breakdowns queued for Maximo before the CMMS drain (4 changes each).
    #[arg(long, default_value_t = 5_000)]
    pub cmms_breakdowns: usize,
    /// Simulated Maximo latency per request in the CMMS drain, in milliseconds.
    #[arg(long, default_value_t = 20)]
    pub cmms_latency_ms: u64,
    /// Changes each laptop pushes per round during the CMMS drain (a breakdown: create,
    /// notes, start, close).
    #[arg(long, default_value_t = 10)]
    pub cmms_laptop_changes: usize,
    /// CMMS drain: pairs of drains run alternately with the senders waiting for laptop sync
    /// and never waiting (on, off, on, off, …).
    #[arg(long = "rounds", default_value_t = 3)]
    pub cmms_rounds: usize,
    /// CMMS drain: the senders' bound on waiting for laptop sync in the "on" runs, in ms
    /// (serve's `--cmms-yield-ms`).
    #[arg(long, default_value_t = 3_000)]
    pub cmms_yield_ms: u64,
    /// Where generated files and laptops' data go.
    #[arg(long, default_value = "target/bench")]
    pub out: PathBuf,
    /// Rewrite the sync sections of this markdown file (e.g. docs/benchmarks.md).
    #[arg(long)]
    pub write_doc: Option<PathBuf>,
}

pub fn run(args: SyncBenchArgs) -> Result<()> {
    let all = args.part == "all";
    if !all && !["fleet", "replication", "shift-end", "cmms-drain"].contains(&args.part.as_str()) {
        anyhow::bail!(
            "--part must be fleet, replication, shift-end, cmms-drain or all (not {:?})",
            args.part
        );
    }
    if all || args.part == "fleet" {
        fleet::run(&args)?;
    }
    if all || args.part == "shift-end" {
        shift_end::run(&args)?;
    }
    if all || args.part == "replication" {
        replication::run(&args)?;
    }
    if all || args.part == "cmms-drain" {
        cmms_gate::run(&args)?;
    }
    Ok(())
}

/// A bench breakdown's close on the laptop at `finished_at`: the remedy in words, no codes.
fn close_breakdown(
    work_order_id: uuid::Uuid,
    finished_at: chrono::DateTime<chrono::Utc>,
) -> faultline_protocol::Mutation {
    faultline_protocol::Mutation::CloseWorkOrder {
        work_order_id,
        finished_at,
        failure_class: None,
        problem_code: None,
        cause_code: None,
        remedy_code: None,
        iso_failure_mode: None,
        iso_failure_mechanism: None,
        iso_failure_cause: None,
        remedy_text: Some("acceleration time raised to 8 s".into()),
    }
}
