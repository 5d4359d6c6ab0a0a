//! Bulk writes without the diagnosis queue's per-row triggers (migrations 0018/0019, guarded by
//! 0021).
//!
//! Every write of a work order or a note queues its work order for the diagnosis catch-up
//! (`diag_dirty`, `diag_text_dirty`) and its fault code for keying (`diag_code_keys`) through
//! triggers. For a bulk write (an import, a pull page of a first replication) that per-row work
//! cost more than the rows themselves, so the work-order and note-insert triggers carry a guard
//! (migration 0021: `WHEN NOT EXISTS (SELECT 1 FROM diag_bulk_state WHERE work_orders <> 0)`, and
//! `notes` for the note trigger). A bulk write sets the flags at the start of its own write
//! transaction ([`BulkQueue::start`]), records what it wrote, and before commit queues it with one
//! statement per queue and clears the flags again ([`BulkQueue::finish`]). No other connection
//! ever sees a flag set (WAL: a reader sees committed rows only, and the transaction holds the
//! write lock), a crash or an error before commit rolls the flags back with the rows, and the
//! schema does not change (the triggers stay: no other connection's statements are prepared
//! again). The queues after a bulk write are exactly what the triggers would have written: the
//! work orders inserted or updated go to both queues, the work orders of inserted notes to the
//! text queue, every fault code written to the codes. The triggers on deletes, note updates,
//! assets, models and alarms are not guarded. Without the state row (a damaged schema) nothing is
//! set and the triggers do the work.

use crate::error::{CoreError, Result};
use rusqlite::config::DbConfig;
use rusqlite::{params, Connection, Transaction};
use std::collections::HashSet;

/// What a bulk write covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BulkKind {
    /// Work orders only (the importer).
    WorkOrders,
    /// Work orders and notes (a pull page).
    WorkOrdersAndNotes,
}

/// The guard set for one bulk write and what it wrote meanwhile.
#[derive(Debug)]
pub(crate) struct BulkQueue {
    /// Whether the guard is set (else the triggers queue every row and nothing is recorded).
    guarded: bool,
    /// Work orders with a rid above this were inserted by the bulk write (rows are never deleted
    /// during an import, so they are exactly the rows above the largest rid before it).
    inserted_above: Option<i64>,
    /// Work orders inserted or updated (both queues).
    work_orders: Vec<i64>,
    /// Work orders whose notes were inserted (the text queue).
    noted: Vec<i64>,
    /// Every fault code written, as written.
    codes: HashSet<String>,
}

impl BulkQueue {
    /// Sets the guard of `kind`'s triggers inside `tx`. Call [`Self::finish`] before committing
    /// `tx`; dropping `tx` without commit clears it with everything else.
    pub(crate) fn start(tx: &Transaction<'_>, kind: BulkKind) -> Result<Self> {
        let notes = i64::from(kind == BulkKind::WorkOrdersAndNotes);
        #[cfg(test)]
        let per_row = PER_ROW.with(|c| c.get());
        #[cfg(not(test))]
        let per_row = false;
        let guarded = !per_row
            && tx.execute(
                "UPDATE diag_bulk_state SET work_orders = 1, notes = ?1 WHERE id = 1",
                params![notes],
            )? == 1;
        if !guarded {
            tracing::debug!("diagnosis queue: bulk write per row");
        }
        Ok(BulkQueue {
            guarded,
            inserted_above: None,
            work_orders: Vec::new(),
            noted: Vec::new(),
            codes: HashSet::new(),
        })
    }

    /// Whether the guard is set (else the triggers queue every row themselves and nothing needs
    /// recording).
    pub(crate) fn active(&self) -> bool {
        self.guarded
    }

    /// Every work order inserted from now on gets a larger rid than any row now (the importer
    /// never deletes): records the largest rid before the import.
    pub(crate) fn inserts_from_here(&mut self, tx: &Transaction<'_>) -> Result<()> {
        if self.active() {
            let max: i64 =
                tx.query_row("SELECT coalesce(max(rid), 0) FROM work_orders", [], |r| {
                    r.get(0)
                })?;
            self.inserted_above = Some(max);
        }
        Ok(())
    }

    /// A work order was inserted or updated with `fault_code`; `rid` is needed unless it was an
    /// insert after [`Self::inserts_from_here`].
    pub(crate) fn work_order(&mut self, rid: Option<i64>, fault_code: Option<&str>) {
        if !self.active() {
            return;
        }
        if let Some(rid) = rid {
            self.work_orders.push(rid);
        }
        if let Some(code) = fault_code {
            if !self.codes.contains(code) {
                self.codes.insert(code.to_string());
            }
        }
    }

    /// A note of work order `rid` was inserted.
    pub(crate) fn note(&mut self, rid: i64) {
        if self.active() {
            self.noted.push(rid);
        }
    }

    /// Queues what was written (one statement per queue) and clears the guard.
    pub(crate) fn finish(self, tx: &Transaction<'_>) -> Result<()> {
        if !self.active() {
            return Ok(());
        }
        if let Some(above) = self.inserted_above {
            for queue in ["diag_dirty", "diag_text_dirty"] {
                tx.execute(
                    &format!(
                        "INSERT OR IGNORE INTO {queue}(rid) SELECT rid FROM work_orders
                         WHERE rid > ?1"
                    ),
                    params![above],
                )?;
            }
        }
        if !self.work_orders.is_empty() {
            let ids = ids_json(&self.work_orders);
            for queue in ["diag_dirty", "diag_text_dirty"] {
                tx.execute(
                    &format!("INSERT OR IGNORE INTO {queue}(rid) SELECT value FROM json_each(?1)"),
                    params![ids],
                )?;
            }
        }
        if !self.noted.is_empty() {
            tx.execute(
                "INSERT OR IGNORE INTO diag_text_dirty(rid) SELECT value FROM json_each(?1)",
                params![ids_json(&self.noted)],
            )?;
        }
        if !self.codes.is_empty() {
            let codes = serde_json::to_string(&self.codes)
                .map_err(|e| CoreError::InvalidState(format!("cannot encode codes: {e}")))?;
            tx.execute(
                "INSERT OR IGNORE INTO diag_code_keys(raw) SELECT value FROM json_each(?1)",
                params![codes],
            )?;
        }
        tx.execute(
            "UPDATE diag_bulk_state SET work_orders = 0, notes = 0 WHERE id = 1",
            [],
        )?;
        Ok(())
    }
}

/// The connection's triggers off while a work-order import writes, on again when dropped (also
/// on an error or a panic). A skipped trigger still costs a call per row (about a fifth of a
/// 1M-work-order import's CPU with the guard alone): SQLite's `SQLITE_DBCONFIG_ENABLE_TRIGGER`
/// turns this connection's triggers off without touching the schema (other connections keep
/// theirs; this one's statements are prepared again, twice per import). Exact for the importer
/// because it writes only work orders (whose queues [`BulkQueue`] writes) and failure codes (no
/// triggers); a pull page writes assets, notes and deletes too, so it relies on the guard alone.
pub(crate) struct TriggersOff<'c> {
    conn: &'c Connection,
    off: bool,
}

impl<'c> TriggersOff<'c> {
    /// Turns the triggers of `conn` off if `queue` queues what is written (else leaves them).
    pub(crate) fn new(conn: &'c Connection, queue: &BulkQueue) -> Result<Self> {
        let off = queue.active();
        if off {
            conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, false)?;
        }
        Ok(TriggersOff { conn, off })
    }
}

impl Drop for TriggersOff<'_> {
    fn drop(&mut self) {
        if self.off {
            if let Err(e) = self
                .conn
                .set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, true)
            {
                tracing::error!("cannot turn the triggers on again: {e}");
            }
        }
    }
}

/// Clears a guard found set in committed data (at open). Only a bulk write that committed without
/// [`BulkQueue::finish`] could leave it so, and the guarded triggers would then queue nothing;
/// the writes made meanwhile are not known, so every work order is queued again (the catch-up
/// applies them as updates).
pub(crate) fn clear_stale_guard(conn: &mut Connection) -> Result<()> {
    let stale =
        "SELECT EXISTS (SELECT 1 FROM diag_bulk_state WHERE work_orders <> 0 OR notes <> 0)";
    if !conn.query_row(stale, [], |r| r.get::<_, bool>(0))? {
        return Ok(());
    }
    tracing::warn!("diagnosis queue: a bulk write's guard was left set; queueing everything");
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute_batch(
        "UPDATE diag_bulk_state SET work_orders = 0, notes = 0;
         INSERT OR IGNORE INTO diag_dirty(rid) SELECT rid FROM work_orders;
         INSERT OR IGNORE INTO diag_text_dirty(rid) SELECT rid FROM work_orders;
         INSERT OR IGNORE INTO diag_code_keys(raw)
             SELECT fault_code FROM work_orders WHERE fault_code IS NOT NULL;",
    )?;
    tx.commit()?;
    Ok(())
}

/// A JSON array of rids for `json_each`.
fn ids_json(ids: &[i64]) -> String {
    let v: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!("[{}]", v.join(","))
}

#[cfg(test)]
thread_local! {
    /// Set by [`per_row`]: bulk writes leave the guard clear.
    static PER_ROW: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with the per-row triggers doing the queueing, as before bulk writes (the reference
/// the bulk path is tested against).
#[cfg(test)]
pub(crate) fn per_row<T>(f: impl FnOnce() -> T) -> T {
    PER_ROW.with(|c| c.set(true));
    let out = f();
    PER_ROW.with(|c| c.set(false));
    out
}

#[cfg(test)]
#[path = "diag_bulk_tests.rs"]
pub(crate) mod tests;
