//! `faultline-hub load`: master data from a CMMS export with the app's own mapping files.
//!
//! The rows go through faultline-core's importer — the same parsing, validation, value maps and
//! deterministic record ids as the app — which hands its typed records to the hub's sink
//! ([`super::load_sink`]): tags resolve against the site's assets as PostgreSQL holds them, and
//! the rows are streamed into PostgreSQL by binary COPY ([`super::load_copy`]), where one upsert
//! per kind changes only the rows that differ. Loading the same file again changes nothing.

use super::load_copy;
use super::load_rows;
use super::load_sink::{Batches, LoadSink, Out, SiteAssets};
use super::sites::site_name;
use crate::error::{HubError, Result};
use crate::pg::PgStore;
use faultline_core::import::{Mapping, RecordKind};
use serde::Serialize;
use std::path::{Path, PathBuf};
use tokio::sync::mpsc;

/// What a load did, by rows of the file (by procedures for a job-plan file, whose rows are
/// their steps).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LoadReport {
    pub kind: String,
    pub rows: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

fn import_error(e: impl std::fmt::Display) -> HubError {
    HubError::Import(e.to_string())
}

pub async fn load_csv(
    store: &PgStore,
    site: &str,
    mapping_path: &Path,
    csv_path: &Path,
) -> Result<LoadReport> {
    let mapping = Mapping::load(mapping_path).map_err(import_error)?;
    load_mapped(store, site, mapping, csv_path, Columns::All).await
}

/// Which columns of a row that exists already a load rewrites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Columns {
    /// Every column (`faultline-hub load`: a file is the whole record; an unmapped field is
    /// emptied).
    All,
    /// Only those the mapping maps (the inbound CMMS fetch: Maximo holds a part of a work
    /// order; what a laptop logged that Maximo does not hold is kept), and never a work
    /// order's reported time.
    Mapped,
}

/// [`load_csv`] with a parsed mapping: the same importer, sink, COPY and upsert.
pub async fn load_mapped(
    store: &PgStore,
    site: &str,
    mapping: Mapping,
    csv_path: &Path,
    columns: Columns,
) -> Result<LoadReport> {
    // The site must exist.
    site_name(store, site).await?;
    if mapping.kind == RecordKind::FaultEvents {
        return Err(HubError::Invalid(
            "fault events (machine alarm logs) are not served by the hub in sync protocol 1: \
             import them in the app with `faultline import`"
                .into(),
        ));
    }
    if mapping.kind == RecordKind::Production {
        return Err(HubError::Invalid(
            "production counts (import kind `production`, for OEE) are not loaded on the hub \
             yet: import them in the app with `faultline import`"
                .into(),
        ));
    }
    let kind = mapping.kind;
    let keep = match columns {
        Columns::All => Vec::new(),
        Columns::Mapped => {
            let mut keep = load_rows::unmapped(kind, |f| mapping.fields.contains_key(f));
            if kind == RecordKind::WorkOrders {
                // A work order's reported time is its creation: Maximo gives back the one the
                // hub sent, to the millisecond, where a laptop's is to the microsecond.
                keep.push("reported_at".into());
            }
            keep
        }
    };
    let keep: Vec<&str> = keep.iter().map(String::as_str).collect();
    let assets = match kind {
        RecordKind::Assets | RecordKind::WorkOrders => {
            SiteAssets::new(load_copy::site_assets(store, site).await?)
        }
        _ => SiteAssets::default(),
    };
    let job = Job {
        site: site.to_string(),
        maps_site: mapping.fields.contains_key("site"),
        mapping,
        csv: csv_path.to_path_buf(),
        assets,
    };
    let started = std::time::Instant::now();
    let report = match kind {
        RecordKind::Assets => {
            let (tx, rx) = mpsc::channel(4);
            let reader =
                tokio::task::spawn_blocking(move || job.run(Out::Assets(Batches::new(tx))));
            let r = load_copy::merge_assets(store, site, rx, &keep).await;
            join(reader).await?;
            r?
        }
        RecordKind::WorkOrders => {
            let (tx, rx) = mpsc::channel(4);
            let reader =
                tokio::task::spawn_blocking(move || job.run(Out::WorkOrders(Batches::new(tx))));
            let r = load_copy::merge_work_orders(store, site, rx, &keep).await;
            join(reader).await?;
            r?
        }
        RecordKind::FailureCodes => {
            let (tx, rx) = mpsc::channel(4);
            let reader = tokio::task::spawn_blocking(move || job.run(Out::Codes(Batches::new(tx))));
            let r = load_copy::merge_codes(store, site, rx, &keep).await;
            join(reader).await?;
            r?
        }
        RecordKind::Procedures => {
            let (tx, rx) = mpsc::channel(4);
            let reader =
                tokio::task::spawn_blocking(move || job.run(Out::Procedures(Batches::new(tx))));
            let r = load_copy::merge_procedures(store, site, rx, &keep).await;
            join(reader).await?;
            r?
        }
        RecordKind::FaultEvents => return Err(HubError::Invalid("fault events".into())),
        RecordKind::Production => return Err(HubError::Invalid("production counts".into())),
    };
    tracing::info!(
        site,
        kind = report.kind,
        rows = report.rows,
        inserted = report.inserted,
        updated = report.updated,
        ms = started.elapsed().as_millis() as u64,
        "load finished"
    );
    Ok(report)
}

async fn join(handle: tokio::task::JoinHandle<()>) -> Result<()> {
    handle
        .await
        .map_err(|e| HubError::Import(format!("the import thread failed: {e}")))
}

struct Job {
    site: String,
    maps_site: bool,
    mapping: Mapping,
    csv: PathBuf,
    assets: SiteAssets,
}

impl Job {
    /// Blocking: the importer's records through the hub's sink into `out`.
    fn run(self, out: Out) {
        LoadSink::new(&self.site, self.maps_site, self.assets, out).run(&self.mapping, &self.csv);
    }
}
