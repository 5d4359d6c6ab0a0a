//! One import run into the app's replica: open the CSV, then, inside one transaction, hand its
//! records to the SQLite sink (`sqlite_sink.rs`) — or, for the kinds kept on the laptop only
//! (fault events, production counts), write them directly — and report what changed. Rows are
//! upserted on their stable key, so a re-import changes nothing.

use super::mapping::{Mapping, RecordKind};
use super::reader::CsvRows;
use super::sqlite_sink::SqliteSink;
use super::stream::{records, with_file};
use super::ImportReport;
use crate::error::Result;
use crate::store::diag_bulk::{BulkKind, BulkQueue, TriggersOff};
use crate::store::Store;
use rusqlite::Transaction;
use std::path::Path;

fn count(tx: &Transaction<'_>, table: &str) -> Result<u64> {
    let n: i64 = tx.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Work orders in bulk: the diagnosis queue's per-row triggers are guarded off, and this
/// connection's triggers off, while the rows are written, and what was written is queued after
/// them (`store/diag_bulk.rs`), all in `tx`.
fn work_orders(tx: &Transaction<'_>, rows: &mut CsvRows) -> Result<(u64, u64)> {
    let mut diag = BulkQueue::start(tx, BulkKind::WorkOrders)?;
    diag.inserts_from_here(tx)?;
    let counts = {
        let _off = TriggersOff::new(tx, &diag)?;
        let mut sink = SqliteSink::new(tx).with_diag(diag);
        let counts = records(RecordKind::WorkOrders, rows, &mut sink)?;
        diag = sink
            .into_diag()
            .ok_or_else(|| crate::error::CoreError::InvalidState("bulk queue".into()))?;
        counts
    };
    diag.finish(tx)?;
    Ok(counts)
}

pub fn run(store: &mut Store, mapping: &Mapping, path: &Path) -> Result<ImportReport> {
    let mut rows = CsvRows::open(mapping, path)?;
    let tx = store.conn_mut().transaction()?;
    let table = match mapping.kind {
        RecordKind::Assets => "assets",
        RecordKind::WorkOrders => "work_orders",
        RecordKind::FaultEvents => "fault_events",
        RecordKind::FailureCodes => "failure_codes",
        RecordKind::Procedures => "procedures",
        RecordKind::Production => "production_counts",
    };
    let before = count(&tx, table)?;
    let result = match mapping.kind {
        RecordKind::FaultEvents => super::fault_events::import(&tx, &mut rows),
        RecordKind::Production => super::production::import(&tx, &mut rows),
        RecordKind::WorkOrders => work_orders(&tx, &mut rows),
        kind => records(kind, &mut rows, &mut SqliteSink::new(&tx)),
    };
    let (n_rows, changes) = result.map_err(|e| with_file(e, path))?;
    let after = count(&tx, table)?;
    tx.commit()?;
    let inserted = after.saturating_sub(before);
    let updated = changes.saturating_sub(inserted);
    Ok(ImportReport {
        kind: mapping.kind.as_str().to_string(),
        rows: n_rows,
        inserted,
        updated,
        unchanged: n_rows.saturating_sub(inserted + updated),
    })
}
