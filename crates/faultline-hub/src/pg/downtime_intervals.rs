//! Several stop/restart intervals on one breakdown. The current (last) interval is the work
//! order's `downtime_start`/`downtime_end`; a `DowntimeStart` at or after the current end (the
//! machine stopped again) moves the finished interval to `downtime_intervals` and opens a new
//! one. A pull sends every interval in the record (`downtime_intervals`, first start in
//! `downtime_start`); a work order that stopped once is sent as before (no list).

use super::push_batch::SimWo;
use super::Tx as Transaction;
use crate::error::Result;
use chrono::{DateTime, Utc};
use faultline_protocol::DowntimeIntervalRecord;
use uuid::Uuid;

/// A stop at `at` on a work order whose current interval has ended at or before `at`: the
/// finished interval goes to `past` and a new one starts. Returns whether it did.
pub fn restart(
    w: &mut SimWo,
    past: &mut Vec<(Uuid, DateTime<Utc>, DateTime<Utc>)>,
    wo_id: Uuid,
    at: DateTime<Utc>,
) -> bool {
    let (Some(start), Some(end)) = (w.st.downtime_start, w.st.downtime_end) else {
        return false;
    };
    if at < end {
        return false;
    }
    past.push((wo_id, start, end));
    w.st.downtime_start = Some(at);
    w.st.downtime_end = None;
    w.st.version += 1;
    w.dirty = true;
    true
}

/// Inserts finished intervals (an interval already there is left alone).
pub async fn write(
    tx: &Transaction<'_>,
    site: &str,
    past: &[(Uuid, DateTime<Utc>, DateTime<Utc>)],
) -> Result<()> {
    if past.is_empty() {
        return Ok(());
    }
    let wos: Vec<Uuid> = past.iter().map(|p| p.0).collect();
    let starts: Vec<DateTime<Utc>> = past.iter().map(|p| p.1).collect();
    let ends: Vec<DateTime<Utc>> = past.iter().map(|p| p.2).collect();
    let stmt = tx
        .prepare_cached(
            "INSERT INTO downtime_intervals (site, work_order_id, start_at, end_at)
             SELECT $1::text, u.* FROM unnest($2::uuid[], $3::timestamptz[], $4::timestamptz[]) AS u
             ON CONFLICT (site, work_order_id, start_at) DO NOTHING",
        )
        .await?;
    tx.execute(&stmt, &[&site, &wos, &starts, &ends]).await?;
    Ok(())
}

/// The record's first start and interval list from the current interval and the earlier ones.
pub fn for_record(
    current_start: Option<DateTime<Utc>>,
    current_end: Option<DateTime<Utc>>,
    starts: Option<Vec<DateTime<Utc>>>,
    ends: Option<Vec<DateTime<Utc>>>,
) -> (Option<DateTime<Utc>>, Vec<DowntimeIntervalRecord>) {
    let earlier: Vec<DowntimeIntervalRecord> = starts
        .unwrap_or_default()
        .into_iter()
        .zip(ends.unwrap_or_default())
        .map(|(start, end)| DowntimeIntervalRecord {
            start,
            end: Some(end),
        })
        .collect();
    let Some(first) = earlier.first().map(|i| i.start) else {
        return (current_start, Vec::new());
    };
    let mut all = earlier;
    if let Some(start) = current_start {
        all.push(DowntimeIntervalRecord {
            start,
            end: current_end,
        });
    }
    (Some(first), all)
}
