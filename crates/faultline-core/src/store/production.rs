//! Reads of the imported production counts (`production_counts`, import kind `production`) for
//! OEE: the counts of one asset or one line whose period starts inside a time window.

use super::Store;
use crate::error::Result;
use rusqlite::params;

/// One production count: a shift (or other period) of one asset or line. Times are
/// milliseconds since the Unix epoch, UTC.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductionCountRow {
    /// `asset` or `line`.
    pub scope_kind: String,
    /// The asset tag or the line's location code, as stored.
    pub scope_code: String,
    pub shift: Option<String>,
    pub period_start: i64,
    pub period_end: i64,
    pub planned_busy_hours: f64,
    pub actual_production_hours: Option<f64>,
    pub run_time_per_unit_s: f64,
    pub produced: f64,
    pub good: f64,
}

impl Store {
    /// The counts of the asset (`scope_kind` "asset") or line ("line") `code` (any case) whose
    /// period starts in `[from, to)`, earliest first.
    pub fn production_counts(
        &self,
        scope_kind: &str,
        code: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<ProductionCountRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT scope_kind, scope_code, shift, period_start, period_end, planned_busy_hours,
                    actual_production_hours, run_time_per_unit_s, produced, good
             FROM production_counts
             WHERE scope_kind = ?1 AND scope_code = ?2 COLLATE NOCASE
               AND period_start >= ?3 AND period_start < ?4
             ORDER BY period_start, external_key",
        )?;
        let rows = stmt.query_map(params![scope_kind, code, from, to], |r| {
            Ok(ProductionCountRow {
                scope_kind: r.get(0)?,
                scope_code: r.get(1)?,
                shift: r.get(2)?,
                period_start: r.get(3)?,
                period_end: r.get(4)?,
                planned_busy_hours: r.get(5)?,
                actual_production_hours: r.get(6)?,
                run_time_per_unit_s: r.get(7)?,
                produced: r.get(8)?,
                good: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
