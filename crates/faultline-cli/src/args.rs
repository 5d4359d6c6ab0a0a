//! The command line: every subcommand and flag of `faultline`.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "faultline",
    version,
    about = "Faultline: the maintenance technician's offline replica, from the command line",
    after_help = "Exit codes: 0 ok, 2 usage, 3 invalid input, 4 not found, 5 invalid state, 6 import failed, 7 hub unreachable, 8 hub refused, 10 storage error."
)]
pub struct Cli {
    /// Where the replica lives (default: the platform data directory).
    #[arg(long, global = true, env = "FAULTLINE_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print JSON instead of text (errors too, on stderr).
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the replica (if missing) and print where it is.
    Init,
    /// Show what the replica holds and how many changes wait for sync.
    Status,
    #[command(flatten)]
    Correction(crate::corrections::CorrectionCommand),
    /// Import a CMMS export: a CSV file described by a TOML mapping (docs/import-mapping.md).
    Import {
        #[arg(long)]
        mapping: PathBuf,
        /// One or more CSV files, each imported atomically.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Load the bundled demo plant (assets/demo).
    DemoLoad {
        #[arg(long, env = "FAULTLINE_DEMO_DIR", default_value = "assets/demo")]
        dir: PathBuf,
    },
    /// Find assets by tag, name, model or location (type-ahead).
    Assets {
        #[arg(long, short)]
        query: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// An asset's details, open work and history (by tag or id).
    History {
        asset: String,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// One work order with its notes, parts and photos (by number or id).
    Show { work_order: String },
    /// Log a breakdown on an asset.
    LogBreakdown(LogBreakdownArgs),
    /// Add a note to a work order; with --stdin, one note per input line, each acknowledged
    /// (`saved <id>`) as soon as it is on disk.
    Note {
        work_order: String,
        /// The note text (omit with --stdin).
        text: Option<String>,
        #[arg(long)]
        stdin: bool,
        #[command(flatten)]
        who: Who,
    },
    /// Record that the machine stopped (when the breakdown was logged while it still ran).
    Stopped {
        work_order: String,
        /// When it stopped (default now): RFC 3339, or "YYYY-MM-DD HH:MM" local time.
        #[arg(long)]
        at: Option<String>,
        /// Yes, it stopped more than 7 days before the breakdown was reported.
        #[arg(long)]
        confirm_old_stop: bool,
    },
    /// Record that the machine is running again.
    BackInService {
        work_order: String,
        #[arg(long)]
        at: Option<String>,
    },
    /// Record a part used.
    AddPart {
        work_order: String,
        #[arg(long)]
        part: String,
        #[arg(long)]
        description: Option<String>,
        #[arg(long, default_value_t = 1.0)]
        qty: f64,
        /// Unit of the quantity: ea (default), m, mm, kg, g, l, ml, set, h.
        #[arg(long)]
        unit: Option<String>,
    },
    /// Attach a photo (JPEG or PNG).
    AddPhoto {
        work_order: String,
        file: PathBuf,
        #[arg(long)]
        caption: Option<String>,
    },
    /// Close a work order with failure codes from the catalogue.
    Close(CloseArgs),
    /// The failure-code catalogue.
    Catalog,
    /// Procedures (job plans): every one, or those for one asset (by tag or id).
    Procedures {
        #[arg(long)]
        asset: Option<String>,
    },
    /// One procedure's steps, by its code.
    Procedure { code: String },
    /// What broke in a shift and what is still open.
    ShiftReport {
        /// Start of the shift (default: --hours before --until).
        #[arg(long)]
        since: Option<String>,
        /// End of the shift (default: now).
        #[arg(long)]
        until: Option<String>,
        #[arg(long, default_value_t = 12)]
        hours: i64,
        /// A shift of the plant's calendar (`faultline shifts show`): current, previous, or a
        /// shift's name (e.g. Early) on --date.
        #[arg(long, conflicts_with_all = ["since", "until"])]
        shift: Option<String>,
        /// The local date the named shift starts on, YYYY-MM-DD (default: today).
        #[arg(long, requires = "shift")]
        date: Option<String>,
    },
    /// The plant's shift calendar: shifts, time zone, worked days.
    #[command(subcommand)]
    Shifts(ShiftsCommand),
    /// Reliability figures for a scope and period: MTTR, MTBF, MTTF, availability.
    Metrics(crate::analytics::MetricsArgs),
    /// Downtime Pareto by cause, problem, failure class or asset, and repeat failures.
    Pareto(crate::analytics::ParetoArgs),
    /// Month-by-month breakdowns, downtime and MTTR; with --marker, MTTR before vs after.
    Trends(crate::analytics::TrendsArgs),
    /// The assets most likely to break down within the horizon, with their reasons.
    Risk(crate::analytics::RiskArgs),
    /// OEE per ISO 22400-2 of a line or asset from its production counts and breakdowns.
    Oee(crate::oee::OeeArgs),
    /// Likely causes of a fault on an asset with their evidence, and similar past work orders.
    Diagnose(crate::diagnose::DiagnoseArgs),
    /// Troubleshooting guides: check, import and list guide files (docs/guides.md).
    #[command(subcommand)]
    Guides(crate::guides::GuidesCommand),
    /// A diagnosis session walking a guide: start, answer, back, show.
    #[command(subcommand)]
    Diagnosis(crate::diagnosis_cmd::DiagnosisCommand),
    /// The OEM manual library: add PDFs, list them.
    #[command(subcommand)]
    Manuals(ManualsCommand),
    /// Search the manuals' pages the way technicians type (codes, symptoms, typos).
    Search {
        /// What to look for, e.g. "OC1", "E.oC.1", "motor stalls under load".
        text: String,
        /// Rank this asset's model's manuals first (tag or id).
        #[arg(long)]
        asset: Option<String>,
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Internal: extract one PDF's text in this process (run by the app and the CLI as a
    /// guarded worker; prints JSON).
    #[command(hide = true)]
    ExtractWorker {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<std::ffi::OsString>,
    },
    /// Serve the app's commands and events over HTTP on 127.0.0.1 for `npm run dev` in a plain
    /// browser: a throw-away copy of the demo plant, or the replica given with --data-dir.
    DevServe {
        #[arg(long, default_value_t = 1421)]
        port: u16,
        /// The demo plant to copy when no --data-dir is given.
        #[arg(long, env = "FAULTLINE_DEMO_DIR", default_value = "assets/demo")]
        demo: PathBuf,
    },
    /// Enroll this laptop with the plant's hub, with a device token from plant IT
    /// (`faultline-hub device enroll`).
    Enroll {
        /// The hub's address, e.g. https://hub.plant.local:8443
        #[arg(long, env = "FAULTLINE_HUB")]
        hub: String,
        #[arg(long, env = "FAULTLINE_HUB_TOKEN", hide_env_values = true)]
        token: String,
        /// PEM file of the plant's own certificate authority, if the hub's certificate is
        /// issued by it.
        #[arg(long)]
        ca_bundle: Option<PathBuf>,
        /// Proxy for reaching the hub, e.g. http://proxy.plant.local:3128
        #[arg(long)]
        proxy: Option<String>,
    },
    /// Sync with the hub now: send local changes, then receive the site's.
    Sync {
        /// Use this hub address for this sync only (the saved one changes with `enroll`); with
        /// --token, enroll with it first.
        #[arg(long, env = "FAULTLINE_HUB")]
        hub: Option<String>,
        #[arg(long, hide_env_values = true)]
        token: Option<String>,
        /// Only show where sync stands (pending, rejected, conflicts, last sync).
        #[arg(long)]
        status: bool,
        /// Changes per push request.
        #[arg(long, default_value_t = 200)]
        batch: usize,
        /// Records per pull page.
        #[arg(long, default_value_t = 2000)]
        page: u32,
    },
    /// Conflicts waiting for a person, with both values.
    Conflicts {
        /// Settled ones too.
        #[arg(long)]
        all: bool,
    },
    /// Settle a conflict: keep the hub's value or this laptop's.
    Resolve {
        conflict: String,
        #[arg(long, value_enum)]
        keep: Keep,
    },
    /// Changes the hub refused, with the reason.
    Rejected {
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Local changes queued for sync.
    Outbox {
        /// Include changes already synced.
        #[arg(long)]
        all: bool,
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
}

#[derive(Debug, Subcommand)]
pub enum ManualsCommand {
    /// Add PDF manuals (files or folders), extract their text and index them.
    Add {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Link them to this asset model (with --manufacturer).
        #[arg(long)]
        model: Option<String>,
        #[arg(long, default_value = "")]
        manufacturer: String,
    },
    /// Every manual with its state (indexed, or failed with the reason).
    List,
    /// Try a failed manual again; for an encrypted one, give its password in the environment
    /// variable FAULTLINE_PDF_PASSWORD.
    Retry { manual: String },
    /// Rebuild the search index from the stored page text.
    Reindex,
}

#[derive(Debug, Subcommand)]
pub enum ShiftsCommand {
    /// The calendar in use (the default until one is set).
    Show,
    /// Change the calendar; what is not given stays, e.g.
    /// `shifts set --tz Europe/Berlin --shift Early=05:00 --shift Late=13:00 --shift Night=21:00 --days mon-fri`.
    Set {
        /// IANA time zone of the plant, e.g. Europe/Berlin.
        #[arg(long)]
        tz: Option<String>,
        /// A shift as NAME=HH:MM (local start); repeat for each shift of the day.
        #[arg(long)]
        shift: Vec<String>,
        /// Worked days: mon-fri, mon-sat, all, or a list like mon,tue,thu.
        #[arg(long)]
        days: Option<String>,
    },
}

/// A failure-code field of `close --clear`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum CodeField {
    Class,
    Problem,
    Cause,
    Remedy,
    IsoMode,
    IsoMechanism,
    IsoCause,
}

/// Which value of a conflict to keep.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Keep {
    /// The hub's value.
    Server,
    /// This laptop's value.
    Client,
}

#[derive(Debug, Args)]
pub struct Who {
    /// Who is writing (default: $FAULTLINE_USER, else $USER).
    #[arg(long)]
    pub author: Option<String>,
}

#[derive(Debug, Args)]
pub struct LogBreakdownArgs {
    /// Asset tag (or id).
    #[arg(long)]
    pub asset: String,
    /// The code the machine shows, e.g. OC1.
    #[arg(long)]
    pub code: Option<String>,
    /// What you see, in your words.
    #[arg(long, default_value = "")]
    pub symptom: String,
    #[arg(long)]
    pub note: Option<String>,
    /// The machine still runs (no downtime yet).
    #[arg(long)]
    pub running: bool,
    /// When the machine stopped, if earlier than now.
    #[arg(long)]
    pub stopped_at: Option<String>,
    /// Yes, it stopped more than 7 days ago (otherwise such a stop is refused).
    #[arg(long)]
    pub confirm_old_stop: bool,
    #[arg(long)]
    pub priority: Option<u8>,
    #[command(flatten)]
    pub who: Who,
}

#[derive(Debug, Args)]
pub struct CloseArgs {
    pub work_order: String,
    #[arg(long)]
    pub class: Option<String>,
    #[arg(long)]
    pub problem: Option<String>,
    #[arg(long)]
    pub cause: Option<String>,
    #[arg(long)]
    pub remedy: Option<String>,
    #[arg(long)]
    pub iso_mode: Option<String>,
    #[arg(long)]
    pub iso_mechanism: Option<String>,
    #[arg(long)]
    pub iso_cause: Option<String>,
    /// Empty a code the work order has (repeatable); codes not given and not cleared are kept.
    #[arg(long, value_enum)]
    pub clear: Vec<CodeField>,
    /// What fixed it, in your words.
    #[arg(long)]
    pub fixed: Option<String>,
    #[arg(long)]
    pub finished_at: Option<String>,
    #[command(flatten)]
    pub who: Who,
}
