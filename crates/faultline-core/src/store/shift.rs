//! The shift view: what broke in a time window and what is still open.

use super::rows::ms;
use super::work_order_reads::{summary_row, SUMMARY_SELECT};
use super::Store;
use crate::domain::ShiftReport;
use crate::error::{CoreError, Result};
use chrono::{DateTime, Utc};
use rusqlite::params;

/// Most open work orders listed in a shift report.
const MAX_OPEN: i64 = 500;

impl Store {
    /// Breakdowns reported in `[from, to)` and every work order still open.
    pub fn shift_report(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<ShiftReport> {
        if to <= from {
            return Err(CoreError::InvalidInput(
                "the shift must end after it starts: check --since and --until".into(),
            ));
        }
        let conn = self.conn();
        let breakdowns = conn
            .prepare_cached(&format!(
                "{SUMMARY_SELECT} WHERE w.wo_type = 'breakdown' AND w.reported_at >= ?1 AND w.reported_at < ?2
                 ORDER BY w.reported_at DESC"
            ))?
            .query_map(params![ms(from), ms(to)], summary_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let still_open = conn
            .prepare_cached(&format!(
                "{SUMMARY_SELECT} WHERE w.status IN ('open', 'in_progress')
                 ORDER BY w.priority, w.reported_at DESC LIMIT ?1"
            ))?
            .query_map(params![MAX_OPEN], summary_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let downtime_minutes = breakdowns
            .iter()
            .filter_map(|w| {
                let start = w.downtime_start?.max(from);
                let end = w.downtime_end.unwrap_or(to).min(to);
                Some((end - start).num_minutes().max(0))
            })
            .sum();
        Ok(ShiftReport {
            from,
            to,
            breakdowns,
            still_open,
            downtime_minutes,
        })
    }
}
