//! `faultline-hub load`: master data from a CMMS export with the app's own mapping files.
//!
//! The rows go through faultline-core's importer — the same parsing, validation, value maps and
//! deterministic record ids as the app — into a throw-away SQLite replica seeded with the site's
//! assets (work orders find their asset by tag, assets their parent), then are read back and
//! streamed into PostgreSQL by binary COPY ([`super::load_copy`]), where one upsert per kind
//! changes only the rows that differ. Loading the same file again changes nothing.

use super::load_copy::{self, AssetRow, CodeRow, Msg, ProcedureRow, WoRow};
use super::sites::site_name;
use crate::error::{HubError, Result};
use crate::pg::PgStore;
use chrono::{DateTime, Utc};
use faultline_core::import::{Mapping, RecordKind};
use faultline_core::Store;
use faultline_protocol::ProcedureStepRecord;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::path::{Path, PathBuf};
use tokio::sync::mpsc;
use uuid::Uuid;

/// Rows per batch handed from the SQLite reader to the COPY writer.
const BATCH: usize = 5_000;

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
    let site_title = site_name(store, site).await?;
    let mapping = Mapping::load(mapping_path).map_err(import_error)?;
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
    let seed = match kind {
        RecordKind::Assets | RecordKind::WorkOrders => load_copy::site_assets(store, site).await?,
        _ => Vec::new(),
    };
    let dir = tempfile::tempdir().map_err(|e| HubError::io(std::env::temp_dir(), e))?;
    let job = Job {
        dir: dir.path().to_path_buf(),
        site: site.to_string(),
        site_name: site_title,
        mapping,
        csv: csv_path.to_path_buf(),
        seed,
    };
    let started = std::time::Instant::now();
    let report = match kind {
        RecordKind::Assets => {
            let (tx, rx) = mpsc::channel(4);
            let reader = tokio::task::spawn_blocking(move || run_job(job, tx, read_assets));
            let r = load_copy::merge_assets(store, site, rx).await;
            join(reader).await?;
            r?
        }
        RecordKind::WorkOrders => {
            let (tx, rx) = mpsc::channel(4);
            let reader = tokio::task::spawn_blocking(move || run_job(job, tx, read_work_orders));
            let r = load_copy::merge_work_orders(store, site, rx).await;
            join(reader).await?;
            r?
        }
        RecordKind::FailureCodes => {
            let (tx, rx) = mpsc::channel(4);
            let reader = tokio::task::spawn_blocking(move || run_job(job, tx, read_codes));
            let r = load_copy::merge_codes(store, site, rx).await;
            join(reader).await?;
            r?
        }
        RecordKind::Procedures => {
            let (tx, rx) = mpsc::channel(4);
            let reader = tokio::task::spawn_blocking(move || run_job(job, tx, read_procedures));
            let r = load_copy::merge_procedures(store, site, rx).await;
            join(reader).await?;
            r?
        }
        RecordKind::FaultEvents => return Err(HubError::Invalid("fault events".into())),
        RecordKind::Production => return Err(HubError::Invalid("production counts".into())),
    };
    drop(dir);
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
    dir: PathBuf,
    site: String,
    site_name: String,
    mapping: Mapping,
    csv: PathBuf,
    seed: Vec<AssetRow>,
}

type Reader<R> = fn(&Connection, &Job, &mpsc::Sender<Msg<R>>) -> Result<()>;

/// Blocking: import the file into a seeded temporary replica, then send its rows, then `Done`
/// with the importer's row count (or `Failed`, so the PostgreSQL side rolls back).
fn run_job<R: Send + 'static>(job: Job, tx: mpsc::Sender<Msg<R>>, read: Reader<R>) {
    let result = (|| -> Result<u64> {
        let mut store = Store::open(&job.dir).map_err(import_error)?;
        {
            let mut conn = open_replica(&job.dir)?;
            seed_assets(&mut conn, &job)?;
        }
        let report = store
            .import_with_mapping(&job.mapping, &job.csv)
            .map_err(import_error)?;
        drop(store);
        let conn = open_replica(&job.dir)?;
        read(&conn, &job, &tx)?;
        Ok(report.rows)
    })();
    let msg = match result {
        Ok(rows) => Msg::Done { rows },
        Err(e) => Msg::Failed(e),
    };
    let _ = tx.blocking_send(msg);
}

fn open_replica(dir: &Path) -> Result<Connection> {
    let path = dir.join(faultline_core::store::DB_FILE);
    let conn = Connection::open(&path).map_err(import_error)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .map_err(import_error)?;
    Ok(conn)
}

/// Puts the site and its assets (with locations, models and parents) into the replica, so the
/// importer resolves tags exactly as the app would, and existing assets keep their ids.
fn seed_assets(conn: &mut Connection, job: &Job) -> Result<()> {
    let tx = conn.transaction().map_err(import_error)?;
    tx.execute(
        "INSERT OR IGNORE INTO sites (code, name) VALUES (?1, ?2)",
        params![job.site, job.site_name],
    )
    .map_err(import_error)?;
    {
        let mut location = tx
            .prepare(
                "INSERT INTO locations (site_code, code, name) VALUES (?1, ?2, ?3)
                 ON CONFLICT(site_code, code) DO UPDATE SET name = excluded.name RETURNING id",
            )
            .map_err(import_error)?;
        let mut model = tx
            .prepare(
                "INSERT INTO asset_models (manufacturer, model) VALUES (?1, ?2)
                 ON CONFLICT(manufacturer, model) DO UPDATE SET model = excluded.model RETURNING id",
            )
            .map_err(import_error)?;
        let mut asset = tx
            .prepare(
                "INSERT INTO assets (id, external_key, tag, name, site_code, location_id, model_id,
                     equipment_class, criticality, serial_number, description)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )
            .map_err(import_error)?;
        let mut parent = tx
            .prepare(
                "UPDATE assets SET parent_rid = (SELECT rid FROM assets WHERE id = ?2) WHERE id = ?1",
            )
            .map_err(import_error)?;
        for a in &job.seed {
            let loc: Option<i64> = match &a.location_code {
                Some(code) => Some(
                    location
                        .query_row(
                            params![job.site, code, a.location_name.as_deref().unwrap_or(code)],
                            |r| r.get(0),
                        )
                        .map_err(import_error)?,
                ),
                None => None,
            };
            let model_id: Option<i64> = if a.manufacturer.is_some() || a.model.is_some() {
                Some(
                    model
                        .query_row(
                            params![
                                a.manufacturer.as_deref().unwrap_or(""),
                                a.model.as_deref().unwrap_or("")
                            ],
                            |r| r.get(0),
                        )
                        .map_err(import_error)?,
                )
            } else {
                None
            };
            asset
                .execute(params![
                    a.id.to_string(),
                    a.external_key,
                    a.tag,
                    a.name,
                    job.site,
                    loc,
                    model_id,
                    a.equipment_class,
                    a.criticality,
                    a.serial_number,
                    a.description,
                ])
                .map_err(import_error)?;
        }
        for a in &job.seed {
            if let Some(p) = a.parent_id {
                parent
                    .execute(params![a.id.to_string(), p.to_string()])
                    .map_err(import_error)?;
            }
        }
    }
    tx.commit().map_err(import_error)?;
    Ok(())
}

fn uuid(text: &str) -> Result<Uuid> {
    Uuid::parse_str(text).map_err(|_| HubError::Import(format!("unexpected record id {text:?}")))
}

fn time(ms: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| HubError::Import(format!("time {ms} ms is out of range")))
}

fn opt_time(ms: Option<i64>) -> Result<Option<DateTime<Utc>>> {
    ms.map(time).transpose()
}

fn nonempty(s: Option<String>) -> Option<String> {
    s.filter(|v| !v.is_empty())
}

/// Sends `rows` in batches; false when the receiving side has gone.
fn send_batches<R>(tx: &mpsc::Sender<Msg<R>>, batch: &mut Vec<R>, last: bool) -> bool {
    if batch.len() >= BATCH || (last && !batch.is_empty()) {
        let full = std::mem::take(batch);
        return tx.blocking_send(Msg::Rows(full)).is_ok();
    }
    true
}

fn read_assets(conn: &Connection, job: &Job, tx: &mpsc::Sender<Msg<AssetRow>>) -> Result<()> {
    if job.mapping.fields.contains_key("site") {
        let other: Option<String> = conn
            .query_row(
                "SELECT group_concat(DISTINCT site_code) FROM assets WHERE site_code <> ?1",
                params![job.site],
                |r| r.get(0),
            )
            .optional()
            .map_err(import_error)?
            .flatten();
        if let Some(other) = other {
            // The hub site is the one the admin named; the export's own site codes (Maximo's
            // SITEID, say) need not match it. Said loudly, as a file of several sites is
            // usually a mistake.
            tracing::warn!(
                "{}: rows of site(s) {other} in the file are loaded into site {}",
                job.csv.display(),
                job.site
            );
        }
    }
    let mut stmt = conn
        .prepare(
            "SELECT a.id, a.external_key, a.tag, a.name, l.code, l.name, p.id, m.manufacturer,
                    m.model, a.equipment_class, a.criticality, a.serial_number, a.description
             FROM assets a
             LEFT JOIN locations l ON l.id = a.location_id
             LEFT JOIN assets p ON p.rid = a.parent_rid
             LEFT JOIN asset_models m ON m.id = a.model_id
             ORDER BY a.rid",
        )
        .map_err(import_error)?;
    let mut rows = stmt.query([]).map_err(import_error)?;
    let mut batch = Vec::with_capacity(BATCH);
    while let Some(r) = rows.next().map_err(import_error)? {
        let id: String = r.get(0).map_err(import_error)?;
        let parent: Option<String> = r.get(6).map_err(import_error)?;
        batch.push(AssetRow {
            id: uuid(&id)?,
            external_key: r.get(1).map_err(import_error)?,
            tag: r.get(2).map_err(import_error)?,
            name: r.get(3).map_err(import_error)?,
            location_code: r.get(4).map_err(import_error)?,
            location_name: r.get(5).map_err(import_error)?,
            parent_id: parent.as_deref().map(uuid).transpose()?,
            manufacturer: nonempty(r.get(7).map_err(import_error)?),
            model: nonempty(r.get(8).map_err(import_error)?),
            equipment_class: r.get(9).map_err(import_error)?,
            criticality: r.get(10).map_err(import_error)?,
            serial_number: r.get(11).map_err(import_error)?,
            description: r.get(12).map_err(import_error)?,
        });
        if !send_batches(tx, &mut batch, false) {
            return Ok(());
        }
    }
    send_batches(tx, &mut batch, true);
    Ok(())
}

fn read_work_orders(conn: &Connection, _job: &Job, tx: &mpsc::Sender<Msg<WoRow>>) -> Result<()> {
    let mut stmt = conn
        .prepare(
            "SELECT w.id, w.external_key, w.number, a.id, w.wo_type, w.status, w.priority, w.title,
                    w.description, w.fault_code, w.reported_by, w.reported_at, w.started_at,
                    w.finished_at, w.downtime_start, w.downtime_end, w.failure_class,
                    w.problem_code, w.cause_code, w.remedy_code, w.iso_failure_mode,
                    w.iso_failure_mechanism, w.iso_failure_cause, w.remedy_text, w.cost
             FROM work_orders w JOIN assets a ON a.rid = w.asset_rid
             ORDER BY w.rid",
        )
        .map_err(import_error)?;
    let mut rows = stmt.query([]).map_err(import_error)?;
    let mut batch = Vec::with_capacity(BATCH);
    while let Some(r) = rows.next().map_err(import_error)? {
        let id: String = r.get(0).map_err(import_error)?;
        let asset: String = r.get(3).map_err(import_error)?;
        let text = |i: usize| -> Result<Option<String>> { r.get(i).map_err(import_error) };
        let t = |i: usize| -> Result<Option<i64>> { r.get(i).map_err(import_error) };
        batch.push(WoRow {
            id: uuid(&id)?,
            external_key: text(1)?,
            number: r.get(2).map_err(import_error)?,
            asset_id: uuid(&asset)?,
            wo_type: r.get(4).map_err(import_error)?,
            status: r.get(5).map_err(import_error)?,
            priority: r.get(6).map_err(import_error)?,
            title: r.get(7).map_err(import_error)?,
            description: text(8)?,
            fault_code: text(9)?,
            reported_by: text(10)?,
            reported_at: time(r.get(11).map_err(import_error)?)?,
            started_at: opt_time(t(12)?)?,
            finished_at: opt_time(t(13)?)?,
            downtime_start: opt_time(t(14)?)?,
            downtime_end: opt_time(t(15)?)?,
            codes: [
                text(16)?,
                text(17)?,
                text(18)?,
                text(19)?,
                text(20)?,
                text(21)?,
                text(22)?,
                text(23)?,
            ],
            cost: r.get(24).map_err(import_error)?,
        });
        if !send_batches(tx, &mut batch, false) {
            return Ok(());
        }
    }
    send_batches(tx, &mut batch, true);
    Ok(())
}

fn read_codes(conn: &Connection, _job: &Job, tx: &mpsc::Sender<Msg<CodeRow>>) -> Result<()> {
    let mut stmt = conn
        .prepare("SELECT level, parent, code, description FROM failure_codes")
        .map_err(import_error)?;
    let mut rows = stmt.query([]).map_err(import_error)?;
    let mut batch = Vec::with_capacity(BATCH);
    while let Some(r) = rows.next().map_err(import_error)? {
        batch.push(CodeRow {
            level: r.get(0).map_err(import_error)?,
            parent: r.get(1).map_err(import_error)?,
            code: r.get(2).map_err(import_error)?,
            description: r.get(3).map_err(import_error)?,
        });
        if !send_batches(tx, &mut batch, false) {
            return Ok(());
        }
    }
    send_batches(tx, &mut batch, true);
    Ok(())
}

/// The file's procedures, as the importer grouped, renumbered and checked them. Their steps are
/// read into the protocol's record so that only that shape reaches PostgreSQL.
fn read_procedures(
    conn: &Connection,
    _job: &Job,
    tx: &mpsc::Sender<Msg<ProcedureRow>>,
) -> Result<()> {
    let mut stmt = conn
        .prepare(
            "SELECT code, title, manufacturer, model, equipment_class, problem_code, steps
             FROM procedures ORDER BY code",
        )
        .map_err(import_error)?;
    let mut rows = stmt.query([]).map_err(import_error)?;
    let mut batch = Vec::with_capacity(BATCH);
    while let Some(r) = rows.next().map_err(import_error)? {
        let code: String = r.get(0).map_err(import_error)?;
        let steps_text: String = r.get(6).map_err(import_error)?;
        let steps: Vec<ProcedureStepRecord> = serde_json::from_str(&steps_text).map_err(|e| {
            HubError::Import(format!("the steps of procedure {code} are unreadable: {e}"))
        })?;
        let steps = serde_json::to_value(&steps).map_err(|e| {
            HubError::Import(format!(
                "the steps of procedure {code} cannot be stored: {e}"
            ))
        })?;
        batch.push(ProcedureRow {
            code,
            title: r.get(1).map_err(import_error)?,
            manufacturer: r.get(2).map_err(import_error)?,
            model: r.get(3).map_err(import_error)?,
            equipment_class: r.get(4).map_err(import_error)?,
            problem_code: r.get(5).map_err(import_error)?,
            steps,
        });
        if !send_batches(tx, &mut batch, false) {
            return Ok(());
        }
    }
    send_batches(tx, &mut batch, true);
    Ok(())
}
