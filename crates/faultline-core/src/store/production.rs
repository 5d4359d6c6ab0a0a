//! The production counts for OEE (`production_counts`): reads of the counts of one asset or one
//! line whose period starts inside a time window, and the counts a shift lead types per shift
//! (written in one transaction; the same key as an imported count of that period, so typing a
//! shift's count again, or after an import, corrects it).

use super::Store;
use crate::error::{CoreError, Result};
use crate::validate::{self, ProductionFigures};
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

    /// Every asset and line with at least one count, as (`scope_kind`, `scope_code` as stored),
    /// sorted: one statement, for a picker that offers the targets with counts (instead of one
    /// `production_counts` per asset).
    pub fn production_targets(&self) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT scope_kind, scope_code FROM production_counts
             ORDER BY scope_kind, scope_code",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Store {
    /// Saves counts typed by a shift lead (`good` already derived from good or scrap), all or
    /// none: each checked with [`validate::check_production_count`], its asset (a tag) or line
    /// (a location code) looked up in the replica, its period not in the future; a count for
    /// the same asset or line and period start replaces the one stored (imported or typed).
    /// Answers how many were saved.
    pub fn set_production_counts(&mut self, counts: &[ProductionCountRow]) -> Result<usize> {
        let now = self.clock().now();
        let tx = self.conn_mut().transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO production_counts (external_key, scope_kind, scope_code, shift,
                     period_start, period_end, planned_busy_hours, actual_production_hours,
                     run_time_per_unit_s, produced, good)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT(external_key) DO UPDATE SET shift = excluded.shift,
                     period_end = excluded.period_end,
                     planned_busy_hours = excluded.planned_busy_hours,
                     actual_production_hours = excluded.actual_production_hours,
                     run_time_per_unit_s = excluded.run_time_per_unit_s,
                     produced = excluded.produced, good = excluded.good",
            )?;
            for (i, c) in counts.iter().enumerate() {
                let which = |e: validate::Invalid| {
                    CoreError::InvalidInput(format!("count {} ({}): {}", i + 1, e.field, e.reason))
                };
                let start = super::rows::from_ms(c.period_start);
                let end = super::rows::from_ms(c.period_end);
                validate::check_time("period_start", "the period start", start, now)
                    .map_err(which)?;
                validate::check_time("period_end", "the period end", end, now).map_err(which)?;
                let good = validate::check_production_count(&ProductionFigures {
                    period_hours: (c.period_end - c.period_start) as f64 / 3_600_000.0,
                    planned_busy_hours: c.planned_busy_hours,
                    actual_production_hours: c.actual_production_hours,
                    run_time_per_unit_s: c.run_time_per_unit_s,
                    produced: c.produced,
                    good: Some(c.good),
                    scrap: None,
                })
                .map_err(which)?;
                let shift = match c.shift.as_deref() {
                    Some(t) => validate::clean_text(
                        "shift",
                        "the shift name",
                        t,
                        validate::MAX_CODE_CHARS,
                        false,
                    )
                    .map_err(which)?,
                    None => None,
                };
                let code = match c.scope_kind.as_str() {
                    "asset" => tx.query_row(
                        "SELECT tag FROM assets WHERE tag = ?1 COLLATE NOCASE",
                        [c.scope_code.trim()],
                        |r| r.get::<_, String>(0),
                    ),
                    "line" => tx.query_row(
                        "SELECT min(code) FROM locations WHERE code = ?1 COLLATE NOCASE
                         HAVING count(*) > 0",
                        [c.scope_code.trim()],
                        |r| r.get::<_, String>(0),
                    ),
                    other => {
                        return Err(CoreError::InvalidInput(format!(
                            "count {}: {other:?} is not what a count is of: use asset or line",
                            i + 1
                        )))
                    }
                };
                let code = match code {
                    Err(rusqlite::Error::QueryReturnedNoRows) => {
                        return Err(CoreError::InvalidInput(format!(
                            "count {}: {} {:?} is not in the replica",
                            i + 1,
                            c.scope_kind,
                            c.scope_code
                        )))
                    }
                    other => other?,
                };
                let key = format!(
                    "{}:{}|{}",
                    c.scope_kind,
                    code.to_lowercase(),
                    c.period_start
                );
                stmt.execute(params![
                    key,
                    c.scope_kind,
                    code,
                    shift,
                    c.period_start,
                    c.period_end,
                    c.planned_busy_hours,
                    c.actual_production_hours,
                    c.run_time_per_unit_s,
                    c.produced,
                    good
                ])?;
            }
        }
        tx.commit()?;
        Ok(counts.len())
    }
}
