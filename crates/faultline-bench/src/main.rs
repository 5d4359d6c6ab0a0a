//! `faultline-bench`: plant-scale benchmarks of the replica (import, lookups, asset pages, size)
//! and of the app's cold start, run by `make bench`. Results go to stdout as markdown and, with
//! `--write-doc`, into their marked section of docs/benchmarks.md.

mod analytics_bench;
mod anchor;
mod cold_start;
mod corpus_pages;
mod diagnose_bench;
mod diagnose_excavator;
mod diagnose_speed;
mod doc;
mod extract_bench;
mod fts5_baseline;
mod gen_assets;
mod gen_work_orders;
mod generate;
mod import_bench;
mod ipc_bench;
mod lookups;
mod percentiles;
mod prng;
mod relevance;
mod relevance_bench;
mod relevance_cache;
mod relevance_report;
mod relevance_tune;
mod replica;
mod report;
mod risk_bench;
mod risk_excavator;
mod search_bench;
mod search_queries;
mod search_report;
mod sync_bench;
mod vocab;

use anyhow::Context;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "faultline-bench",
    about = "Faultline benchmarks (run by `make bench`)"
)]
struct Cli {
    /// Without a subcommand: `replica` with its defaults.
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Sync against a real hub + PostgreSQL: a fleet of laptops at once, initial replication
    /// of a big site (vs COPY), shift-end incremental sync.
    Sync(sync_bench::SyncBenchArgs),
    /// Import rate vs a plain rusqlite anchor, lookups, asset pages and size at plant scale.
    Replica {
        /// Assets in the generated plant.
        #[arg(long, default_value_t = 20_000)]
        assets: usize,
        /// Work orders in the generated plant (ten years of them).
        #[arg(long, default_value_t = 1_000_000)]
        work_orders: usize,
        /// Where the generated plant and the replicas go.
        #[arg(long, default_value = "target/bench")]
        out: PathBuf,
        /// Import runs of each importer; the median is reported.
        #[arg(long, default_value_t = 3)]
        import_runs: usize,
        /// Timed queries per lookup kind.
        #[arg(long, default_value_t = 2_000)]
        queries: usize,
        /// Timed asset pages of random assets (the 20 busiest are added).
        #[arg(long, default_value_t = 1_000)]
        pages: usize,
        /// Rewrite the replica section of this markdown file (e.g. docs/benchmarks.md).
        #[arg(long)]
        write_doc: Option<PathBuf>,
        /// Skip the imports and time the reads on the replica an earlier run imported.
        #[arg(long)]
        reads_only: bool,
    },
    /// App start to first rendered screen (needs a display: run under `xvfb-run -a`).
    ColdStart {
        /// The app binary (cargo build --release -p faultline-app).
        #[arg(long, default_value = "target/release/faultline-app")]
        app: PathBuf,
        /// Timed runs, after one untimed warm-up run.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Data directory for the app; default: the replica imported by `replica`, if any.
        #[arg(long)]
        data_dir: Option<PathBuf>,
        /// Where `replica` put its replica (the default data directory).
        #[arg(long, default_value = "target/bench")]
        out: PathBuf,
        /// Seconds to wait for the ready line before giving up.
        #[arg(long, default_value_t = 30)]
        timeout: u64,
        /// Rewrite the cold-start section of this markdown file.
        #[arg(long)]
        write_doc: Option<PathBuf>,
    },
    /// What `App::call` (JSON in, JSON out) costs per call over the typed App method, on the
    /// demo plant.
    Ipc(ipc_bench::IpcArgs),
    /// Manual search (tantivy index) vs SQLite FTS5 on the corpus manuals: latency, size,
    /// memory, recall@5 and MRR@10.
    Search(search_bench::SearchArgs),
    /// Search relevance on the judged query sets (dev, test, seen) vs SQLite FTS5, on the 14
    /// corpus manuals; `--check` guards the committed test figures (`make relevance-check`).
    Relevance(relevance_bench::RelevanceArgs),
    /// PDF text extraction vs pdftotext on the corpus manuals: pages/s on every core, and
    /// word-level agreement per manual.
    Extract(extract_bench::ExtractArgs),
    /// Reliability analytics on the replica `replica` imported: site metrics and Pareto for a
    /// year, the update after closing a work order, the risk ranking of every asset.
    Analytics(analytics_bench::AnalyticsArgs),
    /// Risk ranking back-test on the Azure PdM history: ROC AUC, average precision and
    /// precision@10 at weekly origins vs simple baselines.
    Risk(risk_bench::RiskArgs),
    /// Cause-ranking back-test on the Azure PdM history: top-1/top-3/MRR of the failed component
    /// vs the overall prior, the model prior and the oldest-replaced component.
    Diagnose(diagnose_bench::DiagnoseArgs),
    /// `diagnose` on the 1M-work-order replica with the 50k-page manual index: p50/p99 of
    /// causes + similar work orders and of the manual pages, and the memory it adds.
    DiagnoseSpeed(diagnose_speed::DiagnoseSpeedArgs),
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let command = match cli.command {
        Some(c) => c,
        None => Cli::try_parse_from(["faultline-bench", "replica"])?
            .command
            .context("no default command")?,
    };
    match command {
        Cmd::Replica {
            assets,
            work_orders,
            out,
            import_runs,
            queries,
            pages,
            write_doc,
            reads_only,
        } => replica::run(replica::ReplicaArgs {
            spec: generate::PlantSpec {
                assets,
                work_orders,
            },
            out,
            import_runs,
            queries,
            pages,
            write_doc,
            reads_only,
        }),
        Cmd::ColdStart {
            app,
            runs,
            data_dir,
            out,
            timeout,
            write_doc,
        } => cold_start::run(cold_start::ColdStartArgs {
            app,
            runs,
            data_dir,
            out,
            timeout: Duration::from_secs(timeout),
            write_doc,
        }),
        Cmd::Search(args) => search_bench::run(args),
        Cmd::Ipc(args) => ipc_bench::run(args),
        Cmd::Extract(args) => extract_bench::run(args),
        Cmd::Risk(args) => risk_bench::run(args),
        Cmd::Analytics(args) => analytics_bench::run(args),
        Cmd::Diagnose(args) => diagnose_bench::run(args),
        Cmd::DiagnoseSpeed(args) => diagnose_speed::run(args),
        Cmd::Relevance(args) => relevance_bench::run(args),
        Cmd::Sync(args) => sync_bench::run(args),
    }
}
