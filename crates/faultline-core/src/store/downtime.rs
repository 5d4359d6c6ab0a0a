//! Several stop/restart intervals on one breakdown (intermittent trips). The current (last)
//! interval lives in `work_orders.downtime_start`/`downtime_end`; when the machine stops again
//! after it was back in service, the finished interval moves to `downtime_intervals`. The
//! summary's downtime is the sum of all of them (first start, last end).

use super::rows::{from_ms, ms};
use super::Store;
use crate::domain::DowntimeInterval;
use crate::error::Result;
use faultline_protocol::DowntimeIntervalRecord;
use rusqlite::{params, Transaction};
use uuid::Uuid;

/// Moves the work order's finished current interval to `downtime_intervals` (nothing when it
/// has none or it is still open). Called before a new stop is written into the current one.
pub(super) fn archive_current(tx: &Transaction<'_>, work_order_rid: i64) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO downtime_intervals (work_order_rid, start_at, end_at)
         SELECT rid, downtime_start, downtime_end FROM work_orders
         WHERE rid = ?1 AND downtime_start IS NOT NULL AND downtime_end IS NOT NULL
         ON CONFLICT DO NOTHING",
    )?
    .execute(params![work_order_rid])?;
    Ok(())
}

/// A pulled work order's intervals: with a list from the hub, the earlier ones replace the
/// stored earlier ones and the last becomes the current (`downtime_start`/`downtime_end`);
/// an empty list (a hub built before intervals) leaves the record's single interval as it is.
pub(super) fn apply_pulled(
    tx: &Transaction<'_>,
    rid: i64,
    intervals: &[DowntimeIntervalRecord],
) -> Result<()> {
    let Some((last, earlier)) = intervals.split_last() else {
        tx.prepare_cached("DELETE FROM downtime_intervals WHERE work_order_rid = ?1")?
            .execute(params![rid])?;
        return Ok(());
    };
    tx.prepare_cached("DELETE FROM downtime_intervals WHERE work_order_rid = ?1")?
        .execute(params![rid])?;
    for i in earlier {
        // An earlier interval is finished by definition; one without an end is skipped.
        if let Some(end) = i.end {
            tx.prepare_cached(
                "INSERT INTO downtime_intervals (work_order_rid, start_at, end_at)
                 VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
            )?
            .execute(params![rid, ms(i.start), ms(end)])?;
        }
    }
    tx.prepare_cached(
        "UPDATE work_orders SET downtime_start = ?1, downtime_end = ?2 WHERE rid = ?3",
    )?
    .execute(params![ms(last.start), last.end.map(ms), rid])?;
    Ok(())
}

impl Store {
    /// Every stop/restart interval of a work order in time order (the current one last; its
    /// `end` is `None` while the machine is down). Empty when no stop was recorded.
    pub fn work_order_downtime(&self, work_order_id: Uuid) -> Result<Vec<DowntimeInterval>> {
        let rid = self.work_order_rid(work_order_id)?;
        self.intervals_of(rid)
    }

    pub(super) fn intervals_of(&self, work_order_rid: i64) -> Result<Vec<DowntimeInterval>> {
        let rows = self
            .conn()
            .prepare_cached(
                "SELECT start_at, end_at FROM (
                     SELECT start_at, end_at, 0 AS current FROM downtime_intervals
                     WHERE work_order_rid = ?1
                     UNION ALL
                     SELECT downtime_start, downtime_end, 1 FROM work_orders
                     WHERE rid = ?1 AND downtime_start IS NOT NULL)
                 ORDER BY current, start_at",
            )?
            .query_map(params![work_order_rid], |r| {
                Ok(DowntimeInterval {
                    start: from_ms(r.get(0)?),
                    end: r.get::<_, Option<i64>>(1)?.map(from_ms),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

/// Minutes of downtime of finished intervals; `None` when one is still open or there are none.
pub fn total_minutes(intervals: &[DowntimeInterval]) -> Option<i64> {
    if intervals.is_empty() {
        return None;
    }
    let mut total = 0i64;
    for i in intervals {
        total += (i.end? - i.start).num_milliseconds().max(0);
    }
    Some(total / 60_000)
}
