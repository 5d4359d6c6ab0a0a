//! The local replica: one SQLite database in WAL mode. Reads take `&self`; every write takes
//! `&mut self` and is exactly one transaction that also appends its outbox entry.

mod analytics_reads;
mod asset_help;
mod assets;
mod catalog;
mod close_codes;
mod conflicts;
mod corrections;
pub(crate) mod diag_bulk;
pub mod diagnosis_blocks;
mod diagnosis_confirmed;
mod diagnosis_postings;
mod diagnosis_reads;
mod diagnosis_sessions;
mod diagnosis_totals;
mod downtime;
mod finder;
mod guides;
mod handover;
mod hub_conflicts;
mod manuals;
mod migrate;
mod outbox;
mod procedures;
mod production;
mod rows;
mod shift;
mod shift_handover;
mod start_screen;
mod stop_time;
mod sync_pull;
mod sync_push;
mod sync_state;
mod work_order_reads;
mod work_order_writes;

#[cfg(test)]
mod corrections_tests;
#[cfg(test)]
mod data_quality_tests;
#[cfg(test)]
mod diagnosis_postings_tests;
#[cfg(test)]
mod guides_tests;
#[cfg(all(test, unix))]
mod permissions_tests;
#[cfg(test)]
mod shift_handover_tests;
#[cfg(test)]
mod sync_tests;
#[cfg(test)]
mod tests;

pub use analytics_reads::{AnalyticsAlarm, AnalyticsAsset, AnalyticsWorkOrder};
pub use diagnosis_blocks::BlockMeta;
pub use diagnosis_confirmed::ConfirmedConclusion;
pub use diagnosis_postings::{Posting, TextDoc};
pub use diagnosis_reads::DiagnosisWorkOrder;
pub use diagnosis_sessions::NewDiagnosisSession;
pub use diagnosis_totals::{
    decay_at, evidence_cause, growth, repair_bucket, repair_ms, CatchUp, DiagnosisCell,
    EvidenceRow, DIAGNOSIS_HALF_LIFE_DAYS,
};
pub use downtime::total_minutes as downtime_total_minutes;
pub use guides::GuideWrite;
pub use manuals::IndexPage;
pub use migrate::latest_version;
pub use outbox::OutboxEntry;
pub(crate) use procedures::{delete_procedure, upsert_procedure};
pub use production::ProductionCountRow;
pub use sync_pull::PullTally;
pub use sync_push::PushTally;
pub use sync_state::HubEnrollment;

use crate::blobs::BlobStore;
use crate::clock::{Clock, IdSource, SystemClock, UuidV7Ids};
use crate::error::{CoreError, Result};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// File name of the database inside a data directory.
pub const DB_FILE: &str = "faultline.db";

pub struct Store {
    conn: Connection,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdSource>,
    blobs: Option<BlobStore>,
    data_dir: Option<PathBuf>,
}

impl Store {
    /// Opens (creating if needed) the replica in `data_dir`, with the wall clock and random ids.
    pub fn open(data_dir: &Path) -> Result<Self> {
        Self::open_with(data_dir, Arc::new(SystemClock), Arc::new(UuidV7Ids))
    }

    pub fn open_with(
        data_dir: &Path,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdSource>,
    ) -> Result<Self> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            CoreError::io(
                format!("cannot create the data directory {}", data_dir.display()),
                e,
            )
        })?;
        // Owner-only: the database holds the device token (src/private_files.rs).
        let private = |p: &Path, r: std::io::Result<()>| {
            r.map_err(|e| CoreError::io(format!("cannot make {} private", p.display()), e))
        };
        private(data_dir, crate::private_files::restrict_dir(data_dir))?;
        let path = data_dir.join(DB_FILE);
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // Before the WAL files exist: SQLite gives them the database file's permissions.
        for suffix in ["", "-wal", "-shm"] {
            let p = data_dir.join(format!("{DB_FILE}{suffix}"));
            private(&p, crate::private_files::restrict_file(&p))?;
        }
        let mut store = Store {
            conn,
            clock,
            ids,
            blobs: Some(BlobStore::new(data_dir.join("blobs"))),
            data_dir: Some(data_dir.to_path_buf()),
        };
        store.prepare()?;
        Ok(store)
    }

    /// A throw-away replica in memory (tests, benchmarks). Photos cannot be stored.
    pub fn open_in_memory(clock: Arc<dyn Clock>, ids: Arc<dyn IdSource>) -> Result<Self> {
        let mut store = Store {
            conn: Connection::open_in_memory()?,
            clock,
            ids,
            blobs: None,
            data_dir: None,
        };
        store.prepare()?;
        Ok(store)
    }

    fn prepare(&mut self) -> Result<()> {
        self.conn.busy_timeout(Duration::from_secs(5))?;
        // WAL: readers never block the writer, and a crash loses no committed transaction.
        // synchronous=FULL: a transaction acknowledged to the user survives a power cut too.
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        self.conn.pragma_update(None, "temp_store", "MEMORY")?;
        self.conn.pragma_update(None, "cache_size", -32_000)?;
        self.conn.set_prepared_statement_cache_capacity(64);
        let now = self.clock.now().timestamp_millis();
        migrate::migrate(&mut self.conn, now)?;
        diag_bulk::clear_stale_guard(&mut self.conn)?;
        self.ensure_device_id()?;
        Ok(())
    }

    fn ensure_device_id(&mut self) -> Result<()> {
        let id = self.ids.new_id().to_string();
        let now = self.clock.now().timestamp_millis();
        self.conn.execute(
            "INSERT OR IGNORE INTO device (id, device_id, created_at) VALUES (1, ?1, ?2)",
            rusqlite::params![id, now],
        )?;
        Ok(())
    }

    /// This laptop's id in the sync protocol.
    pub fn device_id(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("SELECT device_id FROM device WHERE id = 1", [], |r| {
                r.get(0)
            })?)
    }

    pub fn data_dir(&self) -> Option<&Path> {
        self.data_dir.as_deref()
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// Raw access for the importer and benchmarks inside the crate.
    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn ids(&self) -> &dyn IdSource {
        self.ids.as_ref()
    }

    /// Runs SQLite's own consistency check; `Ok(())` when the database is sound.
    pub fn integrity_check(&self) -> Result<()> {
        let result: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if result == "ok" {
            Ok(())
        } else {
            Err(CoreError::InvalidState(format!(
                "the database is damaged ({result}); restore it from a backup or re-sync"
            )))
        }
    }

    /// Counts of the main tables, for `faultline status` and tests.
    pub fn counts(&self) -> Result<StoreCounts> {
        let count = |table: &str| -> Result<u64> {
            let n: i64 =
                self.conn
                    .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
            Ok(u64::try_from(n).unwrap_or(0))
        };
        Ok(StoreCounts {
            assets: count("assets")?,
            work_orders: count("work_orders")?,
            notes: count("notes")?,
            fault_events: count("fault_events")?,
            failure_codes: count("failure_codes")?,
            outbox_pending: self.conn.query_row(
                "SELECT count(*) FROM outbox WHERE state = 'pending'",
                [],
                |r| r.get::<_, i64>(0).map(|n| u64::try_from(n).unwrap_or(0)),
            )?,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct StoreCounts {
    pub assets: u64,
    pub work_orders: u64,
    pub notes: u64,
    pub fault_events: u64,
    pub failure_codes: u64,
    pub outbox_pending: u64,
}

impl Store {
    /// What the status line shows: version, where the data is, how much of it, what is pending.
    pub fn app_info(&self, version: &str) -> Result<crate::domain::AppInfo> {
        let c = self.counts()?;
        let small = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        Ok(crate::domain::AppInfo {
            version: version.to_string(),
            data_dir: self
                .data_dir()
                .map(|d| d.display().to_string())
                .unwrap_or_default(),
            device_id: self.device_id()?,
            schema_version: latest_version(),
            assets: small(c.assets),
            work_orders: small(c.work_orders),
            pending_changes: small(c.outbox_pending),
        })
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use crate::clock::{FixedClock, SequentialIds};
    use chrono::{TimeZone, Utc};

    pub const T0: i64 = 1_763_900_000; // 2025-11-23T12:13:20Z

    pub fn clock() -> Arc<FixedClock> {
        Arc::new(FixedClock::new(
            Utc.timestamp_opt(T0, 0).single().unwrap_or_default(),
        ))
    }

    pub fn store_with(clock: Arc<FixedClock>) -> Store {
        match Store::open_in_memory(clock, Arc::new(SequentialIds::default())) {
            Ok(s) => s,
            Err(e) => panic!("in-memory store: {e}"),
        }
    }

    /// The bundled demo plant (`assets/demo/`), for the reads tested on a realistic history.
    pub fn demo_store() -> Store {
        let mut store = store_with(clock());
        let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo");
        if let Err(e) = crate::demo::load_demo(&mut store, &demo) {
            panic!("demo: {e}");
        }
        store
    }
}
