//! The `faultline-hub` command: `serve` the sync API, and the admin commands (sites, devices,
//! master-data and manual loads, purge, compact, storage). Every command migrates the database first.

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use faultline_hub::admin;
use faultline_hub::export::{export_csv, ExportKind, ExportMapping, Since};
use faultline_hub::server::{serve, ServeOptions, TlsFiles};
use faultline_hub::{Limits, PgStore};
use std::path::PathBuf;
use std::process::ExitCode;
use uuid::Uuid;

#[derive(Parser)]
#[command(
    name = "faultline-hub",
    version,
    about = "Faultline's central hub: laptops sync with it"
)]
struct Cli {
    /// PostgreSQL URL, e.g. postgres://faultline@127.0.0.1:5432/faultline
    #[arg(
        long,
        global = true,
        env = "FAULTLINE_HUB_DATABASE_URL",
        hide_env_values = true
    )]
    database_url: Option<String>,
    /// PEM file of the CA that signed PostgreSQL's certificate (the plant's CA); same as
    /// `sslrootcert=PATH` in the URL. With `sslmode=require` or above the hub never falls back to
    /// plaintext.
    #[arg(long, global = true, env = "FAULTLINE_HUB_DATABASE_CA")]
    database_ca: Option<PathBuf>,
    /// Storage budget of each site in bytes, unless `site budget` set one for it; the hub warns
    /// in its log from 90% on, and `storage` lists every site against its budget.
    #[arg(long, global = true, env = "FAULTLINE_HUB_SITE_STORAGE_BUDGET", default_value_t = admin::DEFAULT_SITE_BUDGET)]
    site_storage_budget: u64,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the sync API (prints `listening on ADDR` once bound).
    Serve(ServeArgs),
    /// Sites: each device reads and writes exactly one.
    #[command(subcommand)]
    Site(SiteCommand),
    /// Enrolled laptops and their tokens.
    #[command(subcommand)]
    Device(DeviceCommand),
    /// Load master data (assets, work orders, failure codes, procedures) from a CSV with an app
    /// mapping file, or troubleshooting guides (`--kind guides FILE...`, docs/guides.md).
    Load {
        #[arg(long)]
        site: String,
        #[arg(long, required_unless_present = "kind", conflicts_with = "kind")]
        mapping: Option<PathBuf>,
        /// `guides`: the files are guide TOML files, checked and published all or nothing.
        #[arg(long, value_parser = ["guides"])]
        kind: Option<String>,
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Store a manual PDF and publish it to a site for some asset models.
    LoadManual {
        #[arg(long)]
        site: String,
        /// MANUFACTURER|MODEL the manual covers (repeat for several).
        #[arg(long = "model")]
        models: Vec<String>,
        #[arg(long)]
        title: Option<String>,
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Delete a work order (and its notes, parts, photos), withdraw a job plan or a
    /// troubleshooting guide; devices receive tombstones.
    #[command(group(clap::ArgGroup::new("what").required(true).args(["work_order", "procedure", "guide"])))]
    Purge {
        #[arg(long)]
        site: String,
        #[arg(long = "work-order")]
        work_order: Option<Uuid>,
        /// The job plan's code.
        #[arg(long)]
        procedure: Option<String>,
        /// The guide's id (`faultline-hub load --kind guides` loaded it).
        #[arg(long)]
        guide: Option<String>,
    },
    /// Drop tombstones older than DAYS; devices with older cursors must resync the site.
    Compact {
        #[arg(long)]
        site: String,
        #[arg(long = "older-than")]
        older_than: u32,
    },
    /// Write what laptops logged since the last export as CSV in a CMMS's own columns
    /// (docs/import-mapping.md, "Export"); prints the rows, the file and the next cursor.
    Export {
        #[arg(long)]
        site: String,
        /// `start`, or the cursor an earlier export printed; default: the cursor stored in
        /// --out by the last export of this site and kind.
        #[arg(long)]
        since: Option<String>,
        /// work_orders, notes, parts, downtime or failure_reports (must match the mapping's).
        #[arg(long)]
        kind: Option<String>,
        /// A built-in mapping's name (maximo-work-orders, generic-notes…: one per kind, Maximo
        /// flat-file or generic columns) or a mapping file's path.
        #[arg(long)]
        mapping: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// The live Maximo connector of a site (docs/cmms-connectors.md): settings, queue, retry.
    #[command(subcommand)]
    Maximo(MaximoCommand),
    /// A read-mostly check of a Maximo test instance (paging, row stamps, the delta query; a
    /// test work order and worklog only with --allow-writes), written as a transcript without
    /// the key or any value. Needs no database.
    MaximoProbe {
        #[command(flatten)]
        target: MaximoTarget,
        #[arg(long)]
        allow_writes: bool,
        /// The asset of the test work order (with --allow-writes).
        #[arg(long)]
        asset: Option<String>,
        /// A failure class of the site's hierarchy and a problem code below it: the failure
        /// report step (with --allow-writes) runs only with both.
        #[arg(long)]
        failure_class: Option<String>,
        #[arg(long)]
        problem_code: Option<String>,
        /// Seconds between the two creates of the `transactionid` replay-window step.
        #[arg(long, default_value_t = 5)]
        replay_wait_secs: u64,
        /// Where the transcript goes (markdown).
        #[arg(long)]
        out: PathBuf,
    },
    /// Storage of every site (records, blobs, unfinished uploads) against its budget.
    Storage {
        #[arg(long)]
        site: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
struct ServeArgs {
    /// HOST:PORT to listen on (port 0: any free port).
    #[arg(long, env = "FAULTLINE_HUB_LISTEN", default_value = "127.0.0.1:8443")]
    listen: String,
    /// PEM certificate chain; with --tls-key, serve HTTPS.
    #[arg(long, env = "FAULTLINE_HUB_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key of --tls-cert.
    #[arg(long, env = "FAULTLINE_HUB_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Most PostgreSQL connections this process opens (default: twice the cores plus one; half
    /// of them at most build pull pages, so pushes are never starved by pulls).
    #[arg(long, env = "FAULTLINE_HUB_MAX_CONNECTIONS", default_value_t = faultline_hub::limits::default_max_connections())]
    max_connections: usize,
    /// Sustained requests per second allowed per device.
    #[arg(long, env = "FAULTLINE_HUB_RATE", default_value_t = Limits::default().rate_per_sec)]
    rate_per_sec: f64,
    /// Requests a device may burst above the sustained rate.
    #[arg(long, env = "FAULTLINE_HUB_BURST", default_value_t = Limits::default().rate_burst)]
    rate_burst: f64,
    /// Largest blob accepted, in bytes.
    #[arg(long, env = "FAULTLINE_HUB_MAX_BLOB_BYTES", default_value_t = Limits::default().max_blob_bytes)]
    max_blob_bytes: u64,
    /// Longest a request may take, body included, in seconds (then 408; the laptop retries).
    #[arg(long, env = "FAULTLINE_HUB_REQUEST_TIMEOUT", default_value_t = Limits::default().request_timeout.as_secs())]
    request_timeout_secs: u64,
    /// Longest one write to a client may wait while it reads nothing, in seconds (then the
    /// connection is cut).
    #[arg(long, env = "FAULTLINE_HUB_SEND_STALL_TIMEOUT", default_value_t = Limits::default().send_stall_timeout.as_secs())]
    send_stall_timeout_secs: u64,
    /// Longest the hub waits for a request's headers, also on an idle connection, in seconds.
    #[arg(long, env = "FAULTLINE_HUB_HEADER_TIMEOUT", default_value_t = Limits::default().header_read_timeout.as_secs())]
    header_timeout_secs: u64,
    /// Unfinished blob uploads one device may hold.
    #[arg(long, env = "FAULTLINE_HUB_MAX_OPEN_UPLOADS", default_value_t = Limits::default().max_open_uploads_per_device)]
    max_open_uploads: u32,
    /// Declared bytes of one device's unfinished blob uploads together.
    #[arg(long, env = "FAULTLINE_HUB_MAX_OPEN_UPLOAD_BYTES", default_value_t = Limits::default().max_open_upload_bytes_per_device)]
    max_open_upload_bytes: u64,
    /// Seconds between two drains of the CMMS connectors' queues (docs/cmms-connectors.md).
    #[arg(long, env = "FAULTLINE_HUB_CMMS_EVERY", default_value_t = 10)]
    cmms_every_secs: u64,
    /// Requests to a CMMS in flight at once, per site, in this process.
    #[arg(long, env = "FAULTLINE_HUB_CMMS_CONCURRENCY", default_value_t = 4)]
    cmms_concurrency: usize,
    /// Longest a CMMS sender waits, before each claim, for this process's laptop pushes and
    /// pulls in flight to end, in milliseconds (laptop sync first; 0: never waits).
    #[arg(long, env = "FAULTLINE_HUB_CMMS_YIELD_MS", default_value_t = faultline_hub::priority::YIELD_BOUND.as_millis() as u64)]
    cmms_yield_ms: u64,
    /// Seconds between two reconciles of a site with its CMMS (failure codes removed there,
    /// worklogs and materials added or removed there: docs/cmms-connectors.md).
    #[arg(long, env = "FAULTLINE_HUB_CMMS_RECONCILE_EVERY", default_value_t = faultline_hub::connector::RECONCILE_EVERY.as_secs())]
    cmms_reconcile_every_secs: u64,
    /// File holding the token plant IT's scraper sends to `GET /metrics` (`authorization: Bearer
    /// TOKEN`, at least 32 characters, e.g. `openssl rand -hex 32`); without it, metrics are off.
    #[arg(long, env = "FAULTLINE_HUB_METRICS_TOKEN_FILE")]
    metrics_token_file: Option<PathBuf>,
    /// Unfinished uploads untouched this many hours are deleted.
    #[arg(long, env = "FAULTLINE_HUB_UPLOAD_EXPIRY_HOURS", default_value_t = Limits::default().upload_expiry.as_secs() / 3600)]
    upload_expiry_hours: u64,
}

#[derive(Subcommand)]
enum SiteCommand {
    /// Create a site (or rename it).
    Add { code: String, name: String },
    /// Set a site's storage budget in bytes (`default`: the hub's --site-storage-budget).
    Budget { code: String, bytes: String },
}

/// How to reach a Maximo: the flags `maximo configure` and `maximo-probe` share.
#[derive(Args)]
struct MaximoTarget {
    /// Maximo's base URL, e.g. https://maximo.plant/maximo
    #[arg(long)]
    url: String,
    /// File holding the Maximo API key (`maximo configure` reads it once and stores it in the
    /// hub's database).
    #[arg(long)]
    api_key_file: PathBuf,
    /// PEM bundle of the CA that signed Maximo's certificate.
    #[arg(long)]
    ca_bundle: Option<PathBuf>,
    /// Maximo SITEID of the records the hub creates (the probe's test work order).
    #[arg(long)]
    siteid: Option<String>,
}

impl MaximoTarget {
    /// The connector settings for `site`: the key (trimmed) and the CA bundle read from their
    /// files, the URL without a trailing slash.
    fn config(
        &self,
        site: &str,
        orgid: Option<String>,
    ) -> Result<faultline_hub::connector::ConnectorConfig> {
        let key = std::fs::read_to_string(&self.api_key_file)
            .with_context(|| format!("cannot read {}", self.api_key_file.display()))?;
        let ca_bundle = match &self.ca_bundle {
            Some(p) => Some(
                std::fs::read_to_string(p)
                    .with_context(|| format!("cannot read {}", p.display()))?,
            ),
            None => None,
        };
        Ok(faultline_hub::connector::ConnectorConfig {
            site: site.to_string(),
            kind: "maximo".into(),
            url: self.url.trim_end_matches('/').to_string(),
            api_key: key.trim().to_string(),
            ca_bundle,
            cmms_siteid: self.siteid.clone(),
            cmms_orgid: orgid,
        })
    }
}

#[derive(Subcommand)]
enum MaximoCommand {
    /// Connect a site to Maximo: the changes applied from now on are queued for it.
    Configure {
        #[arg(long)]
        site: String,
        #[command(flatten)]
        target: MaximoTarget,
        /// Maximo ORGID of the records the hub creates.
        #[arg(long)]
        orgid: Option<String>,
    },
    /// The queue: sent, waiting, failed with reason, a refused key.
    Status {
        #[arg(long)]
        site: String,
        #[arg(long)]
        json: bool,
    },
    /// Send the site's due rows now (`serve` does it every --cmms-every-secs seconds).
    Drain {
        #[arg(long)]
        site: String,
        /// Requests in flight at once.
        #[arg(long, default_value_t = 4)]
        concurrency: usize,
        #[arg(long)]
        json: bool,
    },
    /// Read what changed in Maximo (assets, job plans, work orders) since the last fetch and
    /// load it (`serve` does it after every drain).
    Fetch {
        #[arg(long)]
        site: String,
        /// Records asked for per page.
        #[arg(long, default_value_t = faultline_hub::connector::PAGE_SIZE)]
        page_size: u32,
        #[arg(long)]
        json: bool,
    },
    /// Reconcile the site once (`serve` does it every --cmms-reconcile-every seconds): the whole
    /// failure-code hierarchy read (codes removed in Maximo retired), and the child rows of the
    /// open and recently closed work orders (worklogs and materials added in Maximo become notes
    /// and parts; removed ones are deleted).
    Reconcile {
        #[arg(long)]
        site: String,
        #[arg(long)]
        json: bool,
    },
    /// Put refused rows (all, or one by mutation id) back in the queue, due now.
    Retry {
        #[arg(long)]
        site: String,
        #[arg(long)]
        mutation: Option<Uuid>,
    },
}

#[derive(Subcommand)]
enum DeviceCommand {
    /// Enroll a laptop for a site: prints its token once.
    Enroll {
        #[arg(long)]
        site: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a device's token (at once, on every hub process).
    Revoke { device_id: Uuid },
    /// List enrolled devices.
    List {
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Logs go to stderr; stdout carries `listening on ADDR` and the admin commands' answers.
    let default_filter = match cli.command {
        Command::Serve(_) => "info,tokio_postgres=warn",
        _ => "warn",
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_filter)),
        )
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<()> {
    if let Command::MaximoProbe {
        target,
        allow_writes,
        asset,
        failure_class,
        problem_code,
        replay_wait_secs,
        out,
    } = &cli.command
    {
        let writes = allow_writes.then(|| faultline_hub::connector::ProbeWrites {
            asset: asset.clone(),
            failure_class: failure_class.clone(),
            problem_code: problem_code.clone(),
            replay_wait: std::time::Duration::from_secs(*replay_wait_secs),
        });
        return maximo_probe(target, writes, out).await;
    }
    let url = cli.database_url.context(
        "no database: pass --database-url postgres://USER@HOST:PORT/DB or set FAULTLINE_HUB_DATABASE_URL",
    )?;
    let url = match &cli.database_ca {
        Some(ca) => faultline_hub::pg::with_root_cert(&url, ca),
        None => url,
    };
    let budget = cli.site_storage_budget;
    match cli.command {
        Command::Serve(args) => {
            let store = PgStore::open(&url, args.max_connections).await?;
            let upload_expiry =
                std::time::Duration::from_secs(args.upload_expiry_hours.max(1) * 3600);
            // Its own small pool: a sender holds its row's lock (a transaction) while Maximo
            // answers, and must never take a connection a push or pull needs.
            let cmms_store = PgStore::open(&url, args.cmms_concurrency.max(1) + 1).await?;
            // Laptop sync first: the senders wait for the pushes and pulls in flight.
            let laptops = faultline_hub::priority::LaptopGate::with_bound(
                std::time::Duration::from_millis(args.cmms_yield_ms),
            );
            tokio::spawn(faultline_hub::connector::run_connectors(
                cmms_store,
                std::time::Duration::from_secs(args.cmms_every_secs.max(1)),
                args.cmms_concurrency.max(1),
                laptops.clone(),
            ));
            tokio::spawn(faultline_hub::connector::run_reconciles(
                PgStore::open(&url, 2).await?,
                std::time::Duration::from_secs(args.cmms_reconcile_every_secs.max(1)),
            ));
            tokio::spawn(admin::housekeeping(
                store.clone(),
                upload_expiry,
                budget,
                std::time::Duration::from_secs(600),
            ));
            let limits = Limits {
                send_stall_timeout: std::time::Duration::from_secs(
                    args.send_stall_timeout_secs.max(1),
                ),
                header_read_timeout: std::time::Duration::from_secs(
                    args.header_timeout_secs.max(1),
                ),
                max_open_uploads_per_device: args.max_open_uploads,
                max_open_upload_bytes_per_device: args.max_open_upload_bytes,
                upload_expiry,
                rate_per_sec: args.rate_per_sec,
                rate_burst: args.rate_burst,
                max_blob_bytes: args.max_blob_bytes,
                request_timeout: std::time::Duration::from_secs(args.request_timeout_secs.max(1)),
                max_concurrent_pulls: faultline_hub::limits::pulls_for(args.max_connections),
                ..Limits::default()
            };
            let metrics_token = match &args.metrics_token_file {
                Some(path) => Some(metrics_token(path)?),
                None => None,
            };
            let tls = match (args.tls_cert, args.tls_key) {
                (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
                _ => None,
            };
            serve(
                store,
                ServeOptions {
                    listen: args.listen,
                    tls,
                    limits,
                    metrics_token,
                    laptops,
                },
            )
            .await?;
        }
        Command::Site(SiteCommand::Add { code, name }) => {
            let store = PgStore::open(&url, 2).await?;
            admin::add_site(&store, &code, &name).await?;
            println!("site {code} ({name}) ready");
        }
        Command::Site(SiteCommand::Budget { code, bytes }) => {
            let store = PgStore::open(&url, 2).await?;
            let value =
                match bytes.trim() {
                    "default" => None,
                    n => Some(n.parse::<u64>().with_context(|| {
                        format!("{n:?} is not a number of bytes (or `default`)")
                    })?),
                };
            admin::set_site_budget(&store, &code, value).await?;
            match value {
                Some(b) => println!("site {code}: storage budget {b} bytes"),
                None => {
                    println!("site {code}: storage budget back to the default ({budget} bytes)")
                }
            }
        }
        // Answered before the database is needed.
        Command::MaximoProbe { .. } => {}
        Command::Storage { site, json } => {
            let store = PgStore::open(&url, 2).await?;
            let list = admin::site_storage(&store, budget, site.as_deref()).await?;
            if json {
                println!("{}", serde_json::to_string(&list)?);
            } else {
                println!(
                    "{:<12} {:>14} {:>14} {:>14} {:>14} {:>14}  state",
                    "site", "records", "blobs", "uploads", "total", "budget"
                );
                for s in &list {
                    println!(
                        "{:<12} {:>14} {:>14} {:>14} {:>14} {:>14}  {}",
                        s.site,
                        s.record_bytes,
                        s.blob_bytes,
                        s.upload_bytes,
                        s.total_bytes,
                        s.budget_bytes,
                        s.state.to_uppercase()
                    );
                }
            }
            for s in list.iter().filter(|s| s.state != "ok") {
                eprintln!(
                    "warning: site {} is {} its storage budget ({} of {} bytes)",
                    s.site,
                    if s.state == "over" { "over" } else { "near" },
                    s.total_bytes,
                    s.budget_bytes
                );
            }
        }
        Command::Device(cmd) => {
            let store = PgStore::open(&url, 2).await?;
            device(&store, cmd).await?;
        }
        Command::Load {
            site,
            mapping,
            kind,
            files,
            json,
        } => {
            let store = PgStore::open(&url, 4).await?;
            let mut reports = Vec::new();
            match (mapping, kind) {
                (Some(mapping), _) => {
                    for file in &files {
                        reports.push(admin::load_csv(&store, &site, &mapping, file).await?);
                    }
                }
                (None, _) => reports.push(admin::load_guides(&store, &site, &files).await?),
            }
            for r in reports {
                if json {
                    println!("{}", serde_json::to_string(&r)?);
                } else {
                    println!(
                        "{}: {} rows: {} new, {} updated, {} unchanged",
                        r.kind, r.rows, r.inserted, r.updated, r.unchanged
                    );
                }
            }
        }
        Command::LoadManual {
            site,
            models,
            title,
            file,
            json,
        } => {
            let store = PgStore::open(&url, 2).await?;
            let m = admin::load_manual(&store, &site, &models, title.as_deref(), &file).await?;
            if json {
                println!("{}", serde_json::to_string(&m)?);
            } else {
                println!(
                    "manual {} ({} bytes, sha256 {}) published to {site} for {}",
                    m.file_name,
                    m.size_bytes,
                    m.sha256,
                    if m.models.is_empty() {
                        "no model yet".to_string()
                    } else {
                        m.models.join(", ")
                    }
                );
            }
        }
        Command::Purge {
            site,
            work_order,
            procedure,
            guide,
        } => {
            let store = PgStore::open(&url, 2).await?;
            if let Some(work_order) = work_order {
                let n = admin::purge_work_order(&store, &site, work_order).await?;
                println!("work order {work_order} deleted from {site} ({n} tombstones)");
            }
            if let Some(code) = procedure {
                admin::purge_procedure(&store, &site, &code).await?;
                println!(
                    "procedure {code} withdrawn from {site}; laptops remove it at their next sync"
                );
            }
            if let Some(id) = guide {
                admin::purge_guide(&store, &site, &id).await?;
                println!("guide {id} withdrawn from {site}; laptops remove it at their next sync");
            }
        }
        Command::Export {
            site,
            since,
            kind,
            mapping,
            out,
            json,
        } => {
            let mapping = ExportMapping::resolve(&mapping)?;
            if let Some(k) = kind {
                let k = ExportKind::parse(&k)?;
                anyhow::ensure!(
                    k == mapping.kind,
                    "--kind {} but the mapping exports {}",
                    k.as_str(),
                    mapping.kind.as_str()
                );
            }
            let since = Since::parse(since.as_deref())?;
            let store = PgStore::open(&url, 2).await?;
            let r = export_csv(&store, &site, since, &mapping, &out).await?;
            if json {
                println!("{}", serde_json::to_string(&r)?);
            } else {
                match &r.file {
                    Some(f) => println!("{}: {} rows -> {}", r.kind, r.rows, f.display()),
                    None => println!("{}: nothing new since the cursor", r.kind),
                }
                println!("cursor: {}", r.cursor);
            }
        }
        Command::Maximo(cmd) => {
            let store = PgStore::open(&url, 2).await?;
            maximo(&store, cmd).await?;
        }
        Command::Compact { site, older_than } => {
            let store = PgStore::open(&url, 2).await?;
            let r = admin::compact(&store, &site, older_than).await?;
            println!(
                "{} tombstones deleted from {site}; cursors older than {} must resync",
                r.tombstones_deleted, r.purged_through
            );
            println!("{} unfinished blob uploads expired", r.uploads_expired);
        }
    }
    Ok(())
}

/// The SHA-256 hex of the scrape token in `path` (its first line, at least 32 characters).
fn metrics_token(path: &std::path::Path) -> Result<String> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the metrics token file {}", path.display()))?;
    let token = text.lines().next().unwrap_or("").trim();
    anyhow::ensure!(
        token.len() >= 32,
        "the metrics token in {} is shorter than 32 characters: make one with `openssl rand -hex 32`",
        path.display()
    );
    Ok(faultline_hub::token::token_hash(token))
}

async fn maximo_probe(
    target: &MaximoTarget,
    writes: Option<faultline_hub::connector::ProbeWrites>,
    out: &std::path::Path,
) -> Result<()> {
    use faultline_hub::connector;
    let config = target.config("-", None)?;
    let steps = connector::probe(&config, writes.as_ref()).await?;
    let text = connector::transcript(&config.url, &steps);
    std::fs::write(out, &text).with_context(|| format!("cannot write {}", out.display()))?;
    println!("{} steps -> {}", steps.len(), out.display());
    Ok(())
}

async fn maximo(store: &PgStore, cmd: MaximoCommand) -> Result<()> {
    use faultline_hub::connector;
    match cmd {
        MaximoCommand::Configure {
            site,
            target,
            orgid,
        } => {
            let config = target.config(&site, orgid)?;
            anyhow::ensure!(
                !config.api_key.is_empty(),
                "{} is empty",
                target.api_key_file.display()
            );
            connector::configure(store, &config).await?;
            println!(
                "site {site} connected to Maximo at {}: changes applied from now on are queued",
                target.url
            );
        }
        MaximoCommand::Status { site, json } => {
            let s = connector::status(store, &site).await?;
            if json {
                println!("{}", serde_json::to_string(&s)?);
            } else {
                println!("site {} -> {}", s.site, s.url);
                println!(
                    "sent {}, waiting {}, failed {}",
                    s.sent, s.waiting, s.failed
                );
                if s.conflicts > 0 {
                    println!(
                        "{} met a change made in Maximo: conflicts wait on the laptops",
                        s.conflicts
                    );
                }
                if let Some(t) = s.oldest_waiting {
                    println!("oldest waiting since {}", t.format("%Y-%m-%d %H:%M:%S UTC"));
                }
                if let Some(e) = &s.last_error {
                    println!("last error: {e}");
                }
                if let Some(e) = &s.auth_error {
                    println!("STOPPED: Maximo refused the key ({e}); run `maximo configure` with a new key");
                }
                for (id, kind, reason) in &s.failures {
                    println!("failed {id} {kind}: {reason}");
                }
                for f in &s.fetch {
                    println!(
                        "fetch {}: position {}, last to the end {}, {} loaded, {} refused, {} put off{}",
                        f.object,
                        f.position.as_deref().unwrap_or("-"),
                        f.fetched_at
                            .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
                            .unwrap_or_else(|| "never".into()),
                        f.rows,
                        f.refused,
                        f.deferred,
                        f.last_error
                            .as_ref()
                            .map(|e| format!("; stopped: {e}"))
                            .unwrap_or_default()
                    );
                }
                for (object, key, reason) in &s.fetch_refused {
                    println!("fetch refused {object} {key}: {reason}");
                }
                if let Some(t) = s.reconciled_at {
                    println!(
                        "last reconcile {}{}",
                        t.format("%Y-%m-%d %H:%M:%S UTC"),
                        s.reconcile_error
                            .as_ref()
                            .map(|e| format!("; stopped: {e}"))
                            .unwrap_or_default()
                    );
                }
                for (wonum, found) in &s.gone {
                    println!(
                        "gone from Maximo since {}: work order {wonum} (kept on the hub)",
                        found.format("%Y-%m-%d %H:%M:%S UTC")
                    );
                }
            }
        }
        MaximoCommand::Drain {
            site,
            concurrency,
            json,
        } => {
            let r = connector::drain_site(store, &site, concurrency).await?;
            if json {
                println!("{}", serde_json::to_string(&r)?);
            } else {
                println!(
                    "sent {}, retry later {}, refused {}, skipped {}",
                    r.sent, r.retried, r.rejected, r.skipped
                );
            }
            if let Some(e) = r.auth_error {
                anyhow::bail!(
                    "Maximo refused the key ({e}): run `maximo configure` with a new key"
                );
            }
        }
        MaximoCommand::Fetch {
            site,
            page_size,
            json,
        } => {
            let reports = connector::fetch_site(store, &site, page_size).await?;
            if json {
                println!("{}", serde_json::to_string(&reports)?);
            } else {
                for r in &reports {
                    println!(
                        "{}: {} read, {} new, {} changed, {} refused, {} put off; position {}",
                        r.object,
                        r.records,
                        r.inserted,
                        r.updated,
                        r.refused,
                        r.deferred,
                        r.position.as_deref().unwrap_or("-")
                    );
                }
            }
            if let Some(e) = reports.iter().find_map(|r| r.error.as_ref()) {
                anyhow::bail!("the fetch stopped: {e}");
            }
        }
        MaximoCommand::Reconcile { site, json } => {
            let r = connector::reconcile_site(store, &site).await?;
            if json {
                println!("{}", serde_json::to_string(&r)?);
            } else {
                println!(
                    "failure codes: {} rows read, {} written, {} retired",
                    r.codes.rows, r.codes.loaded, r.codes.retired
                );
                println!(
                    "work orders read: {}; notes added {}, amended {}, parts added {}, removed {}, refused {}",
                    r.work_orders, r.notes_added, r.notes_updated, r.parts_added, r.removed, r.refused
                );
                println!(
                    "stops from Maximo: added {}, changed {}, removed {}, left out (overlapping the hub's) {}",
                    r.downtime_added, r.downtime_changed, r.downtime_removed, r.downtime_overlapping
                );
                if r.own_edits_kept > 0 {
                    println!(
                        "{} technicians' worklogs edited in Maximo: the notes are kept as written",
                        r.own_edits_kept
                    );
                }
                for wonum in &r.gone {
                    println!("newly gone from Maximo: work order {wonum} (kept on the hub)");
                }
            }
            if let Some(e) = &r.error {
                anyhow::bail!("the reconcile stopped: {e}");
            }
        }
        MaximoCommand::Retry { site, mutation } => {
            let n = connector::retry_failed(store, &site, mutation).await?;
            println!("{n} rows of {site} due again");
        }
    }
    Ok(())
}

async fn device(store: &PgStore, cmd: DeviceCommand) -> Result<()> {
    match cmd {
        DeviceCommand::Enroll { site, name, json } => {
            let e = admin::enroll_device(store, &site, &name).await?;
            if json {
                println!("{}", serde_json::to_string(&e)?);
            } else {
                println!("device {} enrolled for site {}", e.device_id, e.site_code);
                println!("token: {}", e.token);
                println!("(shown once: give it to the laptop now, e.g. `faultline enroll`)");
            }
        }
        DeviceCommand::Revoke { device_id } => {
            admin::revoke_device(store, device_id).await?;
            println!("device {device_id} revoked");
        }
        DeviceCommand::List { json } => {
            let list = admin::list_devices(store).await?;
            if json {
                println!("{}", serde_json::to_string(&list)?);
            } else {
                for d in list {
                    println!(
                        "{}  {:<12} {:<24} enrolled {}{}",
                        d.device_id,
                        d.site_code,
                        d.name,
                        d.enrolled_at.format("%Y-%m-%d"),
                        d.revoked_at
                            .map(|t| format!("  REVOKED {}", t.format("%Y-%m-%d")))
                            .unwrap_or_default()
                    );
                }
            }
        }
    }
    Ok(())
}
