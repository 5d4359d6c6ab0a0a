//! Plain-row reads for guided diagnosis (`crates/faultline-diagnosis`): the work orders with the
//! text and codes a ranking needs (title, description, notes, fault code, the four failure codes,
//! remedy text, parts), each read strictly before a time so that a ranking `--at` a moment sees
//! only what was recorded before it. Assets and alarms come from the analytics reads
//! ([`Store::analytics_assets`], [`Store::analytics_alarms`]).

use super::Store;
use crate::error::Result;
use rusqlite::params;
use std::collections::HashMap;

/// A work order as the diagnosis ranking needs it. Times are milliseconds since the Unix epoch.
#[derive(Debug, Clone, PartialEq)]
pub struct DiagnosisWorkOrder {
    pub id: String,
    pub number: String,
    pub asset_tag: String,
    /// `breakdown`, `corrective` or `preventive`.
    pub wo_type: String,
    /// `open`, `in_progress`, `completed`, `closed` or `cancelled`.
    pub status: String,
    pub reported_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub title: String,
    pub description: Option<String>,
    /// The code on the display when the work order was logged.
    pub fault_code: Option<String>,
    pub failure_class: Option<String>,
    pub problem_code: Option<String>,
    pub cause_code: Option<String>,
    pub remedy_code: Option<String>,
    pub remedy_text: Option<String>,
    /// The text of its notes written strictly before the cut, oldest first.
    pub notes: Vec<String>,
    /// Part numbers used on it.
    pub parts: Vec<String>,
}

/// The work orders a diagnosis reads, oldest first: in index order (migration 0017), no sort.
const DIAGNOSIS_WORK_ORDERS: &str =
    "SELECT w.rid, w.id, w.number, a.tag, w.wo_type, w.status, w.reported_at,
            w.started_at, w.finished_at, w.title, w.description, w.fault_code,
            w.failure_class, w.problem_code, w.cause_code, w.remedy_code, w.remedy_text
     FROM work_orders w JOIN assets a ON a.rid = w.asset_rid
     WHERE w.reported_at < ?1
     ORDER BY w.reported_at, w.rid";

impl Store {
    /// Runs the reads of `f` in one read transaction: one WAL snapshot and one read lock for
    /// all its statements instead of one per statement (a diagnosis runs a few hundred). Inside
    /// a transaction already it just runs `f`. `f` must not write (see
    /// [`Self::diagnosis_in_snapshot`]: the catch-ups, which write, are run before it).
    pub fn diagnosis_read_snapshot<T, E: From<crate::CoreError>>(
        &self,
        f: impl FnOnce() -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        if !self.conn().is_autocommit() {
            return f();
        }
        self.conn()
            .execute_batch("BEGIN DEFERRED")
            .map_err(crate::CoreError::from)?;
        let out = f();
        // Nothing was written: ending it either way loses nothing.
        let end = self
            .conn()
            .execute_batch(if out.is_ok() { "COMMIT" } else { "ROLLBACK" });
        let out = out?;
        end.map_err(crate::CoreError::from)?;
        Ok(out)
    }

    /// Whether a transaction is open on this connection (the catch-ups, which need their own
    /// write transaction, are skipped inside [`Self::diagnosis_read_snapshot`]).
    pub fn diagnosis_in_snapshot(&self) -> bool {
        !self.conn().is_autocommit()
    }

    /// Every work order reported strictly before `before` (milliseconds), oldest first, with its
    /// notes written before `before` and its parts.
    pub fn diagnosis_work_orders(&self, before: i64) -> Result<Vec<DiagnosisWorkOrder>> {
        let mut notes: HashMap<i64, Vec<String>> = HashMap::new();
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT n.work_order_rid, n.text FROM notes n
                 JOIN work_orders w ON w.rid = n.work_order_rid
                 WHERE w.reported_at < ?1 AND n.created_at < ?1
                 ORDER BY n.created_at, n.rid",
            )?;
            let mut rows = stmt.query(params![before])?;
            while let Some(r) = rows.next()? {
                notes.entry(r.get(0)?).or_default().push(r.get(1)?);
            }
        }
        let mut parts = self.part_numbers_before(before)?;
        let mut stmt = self.conn.prepare_cached(DIAGNOSIS_WORK_ORDERS)?;
        let mut rows = stmt.query(params![before])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let rid: i64 = r.get(0)?;
            out.push(DiagnosisWorkOrder {
                id: r.get(1)?,
                number: r.get(2)?,
                asset_tag: r.get(3)?,
                wo_type: r.get(4)?,
                status: r.get(5)?,
                reported_at: r.get(6)?,
                started_at: r.get(7)?,
                finished_at: r.get(8)?,
                title: r.get(9)?,
                description: r.get(10)?,
                fault_code: r.get(11)?,
                failure_class: r.get(12)?,
                problem_code: r.get(13)?,
                cause_code: r.get(14)?,
                remedy_code: r.get(15)?,
                remedy_text: r.get(16)?,
                notes: notes.remove(&rid).unwrap_or_default(),
                parts: parts.remove(&rid).unwrap_or_default(),
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::store::test_support::demo_store;

    #[test]
    fn the_work_orders_are_read_in_index_order_without_a_sort() {
        let store = demo_store();
        let plan: Vec<String> = match store.conn().prepare(&format!(
            "EXPLAIN QUERY PLAN {}",
            super::DIAGNOSIS_WORK_ORDERS
        )) {
            Ok(mut stmt) => stmt
                .query_map([i64::MAX], |r| r.get::<_, String>(3))
                .map(|rows| rows.filter_map(Result::ok).collect())
                .unwrap_or_default(),
            Err(e) => panic!("{e}"),
        };
        assert!(!plan.is_empty());
        assert!(plan.iter().all(|l| !l.contains("TEMP B-TREE")), "{plan:?}");
        assert!(
            plan.iter().any(|l| l.contains("work_orders_reported_all")),
            "{plan:?}"
        );
    }

    #[test]
    fn a_work_order_reported_exactly_at_the_cut_is_not_read() {
        let store = demo_store();
        let Ok(all) = store.diagnosis_work_orders(i64::MAX) else {
            panic!("read all");
        };
        assert!(all
            .iter()
            .any(|w| w.fault_code.is_some() && !w.title.is_empty()));
        let cut = all[all.len() / 2].reported_at;
        let Ok(early) = store.diagnosis_work_orders(cut) else {
            panic!("read before");
        };
        assert!(early.iter().all(|w| w.reported_at < cut));
        assert_eq!(
            early.len(),
            all.iter().filter(|w| w.reported_at < cut).count()
        );
    }
}
