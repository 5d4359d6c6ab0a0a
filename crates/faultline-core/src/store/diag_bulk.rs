//! Bulk writes without the diagnosis queue's per-row triggers (migrations 0018/0019).
//!
//! Every write of a work order or a note queues its work order for the diagnosis catch-up
//! (`diag_dirty`, `diag_text_dirty`) and its fault code for keying (`diag_code_keys`) through
//! triggers. For a bulk write (an import, a pull page of a first replication) that per-row work
//! cost more than the rows themselves, so a bulk write takes the work-order and note triggers out
//! of the schema inside its own transaction ([`BulkQueue::start`]: their SQL is read from
//! `sqlite_master`, then dropped), records what it wrote, and before commit queues it with one
//! statement per queue and creates the triggers again from the saved SQL
//! ([`BulkQueue::finish`]). DDL is transactional in SQLite: a crash or an error before commit
//! rolls the drop back with the rows, and nobody else can write meanwhile (the transaction holds
//! the write lock). The queues after a bulk write are exactly what the triggers would have
//! written: the work orders inserted or updated go to both queues, the work orders of inserted
//! notes to the text queue, every fault code written to the codes. The triggers on deletes,
//! assets, models and alarms stay in place. When the schema does not have exactly the expected
//! triggers (another build's migration), nothing is dropped and the triggers do the work.

use crate::error::{CoreError, Result};
use rusqlite::{params, Transaction};
use std::collections::HashSet;

/// The triggers a bulk write of work orders replaces (migration 0018, then 0019).
const WORK_ORDER_TRIGGERS: [&str; 4] = [
    "diag_work_order_insert",
    "diag_work_order_update",
    "diag_text_work_order_insert",
    "diag_text_work_order_update",
];

/// The trigger a bulk write of notes replaces (migration 0019).
const NOTE_TRIGGERS: [&str; 1] = ["diag_text_note_insert"];

/// What a bulk write covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BulkKind {
    /// Work orders only (the importer).
    WorkOrders,
    /// Work orders and notes (a pull page).
    WorkOrdersAndNotes,
}

/// The triggers taken out for one bulk write and what it wrote meanwhile.
#[derive(Debug)]
pub(crate) struct BulkQueue {
    /// (name, SQL) of the dropped triggers; empty when the triggers were left in place.
    saved: Vec<(String, String)>,
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
    /// Takes the triggers of `kind` out of the schema inside `tx`. Call [`Self::finish`] before
    /// committing `tx`; dropping `tx` without commit restores them with everything else.
    pub(crate) fn start(tx: &Transaction<'_>, kind: BulkKind) -> Result<Self> {
        let mut names: Vec<&str> = WORK_ORDER_TRIGGERS.to_vec();
        if kind == BulkKind::WorkOrdersAndNotes {
            names.extend(NOTE_TRIGGERS);
        }
        let mut saved = Vec::with_capacity(names.len());
        #[cfg(test)]
        if PER_ROW.with(|c| c.get()) {
            names.clear();
        }
        {
            let mut find = tx.prepare(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1
                   AND sql IS NOT NULL",
            )?;
            for name in &names {
                let sql: Option<String> = find
                    .query_map(params![name], |r| r.get(0))?
                    .next()
                    .transpose()?;
                match sql {
                    Some(sql) => saved.push((name.to_string(), sql)),
                    None => {
                        tracing::debug!(name, "diagnosis trigger missing; bulk write per row");
                        saved.clear();
                        break;
                    }
                }
            }
        }
        for (name, _) in &saved {
            tx.execute_batch(&format!("DROP TRIGGER {name}"))?;
        }
        Ok(BulkQueue {
            saved,
            inserted_above: None,
            work_orders: Vec::new(),
            noted: Vec::new(),
            codes: HashSet::new(),
        })
    }

    /// Whether the triggers are out (else they queue every row themselves and nothing needs
    /// recording).
    pub(crate) fn active(&self) -> bool {
        !self.saved.is_empty()
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

    /// Queues what was written (one statement per queue) and creates the triggers again.
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
        for (_, sql) in &self.saved {
            tx.execute_batch(sql)?;
        }
        Ok(())
    }
}

/// A JSON array of rids for `json_each`.
fn ids_json(ids: &[i64]) -> String {
    let v: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!("[{}]", v.join(","))
}

#[cfg(test)]
thread_local! {
    /// Set by [`per_row`]: bulk writes leave the triggers in place.
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
