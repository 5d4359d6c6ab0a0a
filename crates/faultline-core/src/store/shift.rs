//! The shift view: what broke in a time window and what is still open.

use super::rows::from_ms;
use super::rows::ms;
use super::work_order_reads::{summary_row, SUMMARY_SELECT};
use super::Store;
use crate::domain::{downtime_in_window, DowntimeInterval, ShiftReport};
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
        let intervals = self.downtime_intervals(from, to)?;
        let downtime_minutes = downtime_in_window(&intervals, from, to, self.clock().now());
        Ok(ShiftReport {
            from,
            to,
            breakdowns,
            still_open,
            downtime_minutes,
        })
    }

    /// Every downtime interval that may overlap `[from, to)`, of any work order, whenever it
    /// was reported (the current stop of each work order and its earlier finished ones). A stop
    /// without an end counts as ongoing only while its work order is open (an imported closed
    /// record without an end is not a machine down for ever).
    pub(super) fn downtime_intervals(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<DowntimeInterval>> {
        let rows = self
            .conn()
            .prepare_cached(
                "SELECT downtime_start, downtime_end FROM work_orders
                 WHERE downtime_start IS NOT NULL AND downtime_start < ?2
                   AND (downtime_end > ?1
                        OR (downtime_end IS NULL AND status IN ('open', 'in_progress')))
                 UNION ALL
                 SELECT start_at, end_at FROM downtime_intervals
                 WHERE start_at < ?2 AND end_at > ?1",
            )?
            .query_map(params![ms(from), ms(to)], |r| {
                Ok(DowntimeInterval {
                    start: from_ms(r.get(0)?),
                    end: r.get::<_, Option<i64>>(1)?.map(from_ms),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
