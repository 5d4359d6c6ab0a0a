//! The anchor: the least an importer must do to load the same work orders. Read the CSV with the
//! csv crate, map tags to rids with a HashMap, parse dates with one fixed format, derive a stable
//! id, and insert with one prepared statement in one transaction into an identical database —
//! without the diagnosis queue's triggers (migrations 0018/0019): the plain loop is what loading
//! the rows costs, so the importer's ratio shows what its own queueing adds.

use crate::generate::PlantFiles;
use crate::import_bench::{fresh_dir, thread_cpu_secs, ImportRun};
use anyhow::{bail, Context, Result};
use chrono::NaiveDateTime;
use faultline_core::clock::uuid_v7_from;
use faultline_core::store::DB_FILE;
use faultline_core::Store;
use rusqlite::{params, Connection};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::time::{Duration, Instant};

const DATE_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";

const INSERT: &str =
    "INSERT INTO work_orders (id, external_key, number, asset_rid, wo_type, status,
    priority, title, description, fault_code, reported_by, reported_at, started_at, finished_at,
    downtime_start, downtime_end, failure_class, problem_code, cause_code, remedy_code,
    iso_failure_mode, iso_failure_mechanism, iso_failure_cause, remedy_text, cost)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
            ?20, ?21, ?22, ?23, ?24, ?25)";

/// 128 bits of a cheap hash of the key (the importer's ids must be stable, not secret).
fn key_hash(key: &str) -> u128 {
    let half = |salt: u8| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        salt.hash(&mut h);
        key.hash(&mut h);
        h.finish()
    };
    (u128::from(half(1)) << 64) | u128::from(half(2))
}

fn millis(s: &str) -> Result<i64> {
    Ok(NaiveDateTime::parse_from_str(s, DATE_FORMAT)
        .with_context(|| format!("{s:?} is not {DATE_FORMAT}"))?
        .and_utc()
        .timestamp_millis())
}

/// The diagnosis triggers (`diag_…`, every one: on work orders, notes, assets, models, alarms),
/// dropped from the anchor's database before its timed loop.
fn drop_diagnosis_triggers(conn: &Connection) -> Result<usize> {
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'diag\\_%' ESCAPE '\\'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for name in &names {
        conn.execute_batch(&format!("DROP TRIGGER {name}"))?;
    }
    Ok(names.len())
}

/// A fresh data dir with the schema (by opening a `Store`) and the assets (through the real
/// importer, untimed), the diagnosis triggers dropped, then the timed plain insert loop for the
/// work orders.
pub fn run_anchor(data_dir: &Path, files: &PlantFiles) -> Result<ImportRun> {
    fresh_dir(data_dir)?;
    let t = Instant::now();
    let assets = {
        let mut store = Store::open(data_dir)?;
        store.import_csv(&files.assets_toml, &files.assets_csv)?
    };
    let asset_secs = t.elapsed().as_secs_f64();
    let mut conn = Connection::open(data_dir.join(DB_FILE))?;
    // The same connection settings as `Store::open`.
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.pragma_update(None, "cache_size", -32_000)?;
    let dropped = drop_diagnosis_triggers(&conn)?;
    anyhow::ensure!(
        dropped > 0,
        "the anchor's database has no diagnosis triggers to drop"
    );

    let (t, cpu) = (Instant::now(), thread_cpu_secs());
    let rows = insert_work_orders(&mut conn, &files.work_orders_csv)?;
    Ok(ImportRun {
        asset_rows: assets.rows,
        asset_secs,
        work_order_rows: rows,
        work_order_secs: t.elapsed().as_secs_f64(),
        work_order_cpu_secs: thread_cpu_secs() - cpu,
    })
}

fn insert_work_orders(conn: &mut Connection, csv_path: &Path) -> Result<u64> {
    let tx = conn.transaction()?;
    let tags: HashMap<String, i64> = tx
        .prepare("SELECT tag, rid FROM assets")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut rdr = csv::Reader::from_path(csv_path)?;
    let header = rdr.headers()?.clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("no column {name}"))
    };
    let c = [
        "WONUM",
        "ASSETNUM",
        "WORKTYPE",
        "STATUS",
        "WOPRIORITY",
        "DESCRIPTION",
        "LONGDESCRIPTION",
        "FAULTCODE",
        "REPORTEDBY",
        "REPORTDATE",
        "ACTSTART",
        "ACTFINISH",
        "DOWNSTART",
        "DOWNEND",
        "FAILURECLASS",
        "PROBLEMCODE",
        "CAUSE",
        "REMEDY",
        "ISOMODE",
        "ISOMECHANISM",
        "ISOCAUSE",
        "FAILUREREMARK",
        "ACTTOTALCOST",
    ]
    .map(col);
    let mut ix = [0usize; 23];
    for (slot, found) in ix.iter_mut().zip(c) {
        *slot = found?;
    }
    let mut stmt = tx.prepare(INSERT)?;
    let mut rec = csv::StringRecord::new();
    let mut n = 0u64;
    while rdr.read_record(&mut rec)? {
        let opt = |i: usize| rec.get(ix[i]).filter(|s| !s.is_empty());
        let date = |i: usize| opt(i).map(millis).transpose();
        let key = opt(0).context("empty WONUM")?;
        let reported = date(9)?.context("empty REPORTDATE")?;
        let asset_rid = match opt(1).and_then(|t| tags.get(t)) {
            Some(rid) => *rid,
            None => bail!("unknown asset {:?}", opt(1)),
        };
        let wo_type = match opt(2) {
            Some("PM") => "preventive",
            Some("CM") => "corrective",
            Some("EM") => "breakdown",
            other => bail!("unknown WORKTYPE {other:?}"),
        };
        let status = match opt(3) {
            Some("WAPPR" | "APPR") => "open",
            Some("INPRG") => "in_progress",
            Some("COMP") => "completed",
            Some("CLOSE") | None => "closed",
            Some("CAN") => "cancelled",
            other => bail!("unknown STATUS {other:?}"),
        };
        let priority: u8 = opt(4).map(str::parse).transpose()?.unwrap_or(3);
        let cost: Option<f64> = opt(22).map(str::parse).transpose()?;
        let id = uuid_v7_from(u64::try_from(reported).unwrap_or(0), key_hash(key));
        stmt.execute(params![
            id.to_string(),
            key,
            key,
            asset_rid,
            wo_type,
            status,
            priority,
            opt(5).context("empty DESCRIPTION")?,
            opt(6),
            opt(7),
            opt(8),
            reported,
            date(10)?,
            date(11)?,
            date(12)?,
            date(13)?,
            opt(14),
            opt(15),
            opt(16),
            opt(17),
            opt(18),
            opt(19),
            opt(20),
            opt(21),
            cost,
        ])?;
        n += 1;
    }
    drop(stmt);
    tx.commit()?;
    Ok(n)
}
