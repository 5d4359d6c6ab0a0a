//! Import rate through the real importer: assets then work orders with `Store::import_csv` into
//! a fresh data directory; plus the helpers both import paths share (fresh dirs, size on disk,
//! a fingerprint proving both databases hold the same work orders).

use crate::generate::PlantFiles;
use anyhow::{Context, Result};
use faultline_core::store::DB_FILE;
use faultline_core::Store;
use rusqlite::Connection;
use std::path::Path;
use std::time::Instant;

pub struct ImportRun {
    pub asset_rows: u64,
    pub asset_secs: f64,
    pub work_order_rows: u64,
    pub work_order_secs: f64,
    /// CPU time of the importing thread for the work orders (steadier than the wall time on a
    /// machine shared with other work; NaN where Linux's schedstat cannot be read).
    pub work_order_cpu_secs: f64,
}

/// CPU time the calling thread has used so far, in seconds (`/proc/thread-self/schedstat`).
pub fn thread_cpu_secs() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(f64::NAN, |ns| ns as f64 / 1e9)
}

impl ImportRun {
    pub fn work_order_rate(&self) -> f64 {
        self.work_order_rows as f64 / self.work_order_secs
    }
}

/// Deletes and recreates `dir` (only ever a directory under the bench's own out dir).
pub fn fresh_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))
}

/// Imports the plant into a fresh `data_dir` the way `faultline import` does.
pub fn run_ours(data_dir: &Path, files: &PlantFiles) -> Result<ImportRun> {
    fresh_dir(data_dir)?;
    let mut store = Store::open(data_dir)?;
    let t = Instant::now();
    let assets = store.import_csv(&files.assets_toml, &files.assets_csv)?;
    let asset_secs = t.elapsed().as_secs_f64();
    let (t, cpu) = (Instant::now(), thread_cpu_secs());
    let wos = store.import_csv(&files.work_orders_toml, &files.work_orders_csv)?;
    let work_order_secs = t.elapsed().as_secs_f64();
    let work_order_cpu_secs = thread_cpu_secs() - cpu;
    anyhow::ensure!(
        wos.inserted == wos.rows,
        "expected every work order to be new: {wos:?}"
    );
    Ok(ImportRun {
        asset_rows: assets.rows,
        asset_secs,
        work_order_rows: wos.rows,
        work_order_secs,
        work_order_cpu_secs,
    })
}

/// Bytes of the database plus its WAL after folding the WAL into the database.
pub fn size_on_disk(data_dir: &Path) -> Result<u64> {
    let db = data_dir.join(DB_FILE);
    {
        let conn = Connection::open(&db)?;
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    }
    let len = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    Ok(len(&db) + len(&data_dir.join(format!("{DB_FILE}-wal"))))
}

/// A digest of the work orders' content (ids excepted: each importer derives its own).
pub fn fingerprint(data_dir: &Path) -> Result<String> {
    let conn = Connection::open(data_dir.join(DB_FILE))?;
    let sums: String = conn.query_row(
        "SELECT printf('%d %d %d %d %d %d %d %.2f %d %d %d %d %d %d %d %d', count(*), total(asset_rid),
                total(reported_at), total(started_at), total(finished_at),
                total(downtime_end - downtime_start), total(priority), total(cost),
                total(length(number)), total(length(title)), total(length(description)),
                total(length(remedy_text)), count(fault_code), count(problem_code),
                count(iso_failure_cause), count(reported_by))
         FROM work_orders",
        [],
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare(
        "SELECT group_concat(k || '=' || n, ' ') FROM
           (SELECT wo_type || '/' || status AS k, count(*) AS n FROM work_orders GROUP BY 1 ORDER BY 1)",
    )?;
    let mix: Option<String> = stmt.query_row([], |r| r.get(0))?;
    Ok(format!("{sums} {}", mix.unwrap_or_default()))
}

pub fn work_order_count(data_dir: &Path) -> Result<u64> {
    let db = data_dir.join(DB_FILE);
    anyhow::ensure!(
        db.is_file(),
        "no replica at {}: run `replica` without --reads-only first",
        db.display()
    );
    let conn = Connection::open(&db)?;
    let n: i64 = conn.query_row("SELECT count(*) FROM work_orders", [], |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}
