//! Plain-row reads for reliability analytics (`crates/faultline-analytics`): assets with their
//! scope attributes, work orders with every downtime interval and the parts used, and alarms.
//! No aggregation here: the analytics crate computes every figure from these rows, so its
//! definitions live in one place (docs/analytics.md) and need no SQL.

use super::Store;
use crate::error::Result;
use rusqlite::params;
use std::collections::HashMap;

/// An asset and the attributes an analytics scope selects on.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalyticsAsset {
    pub tag: String,
    pub site: String,
    /// The location (line) code.
    pub location: Option<String>,
    pub model: Option<String>,
    pub equipment_class: Option<String>,
    pub description: Option<String>,
}

/// A work order as analytics needs it. Times are milliseconds since the Unix epoch, UTC.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalyticsWorkOrder {
    pub number: String,
    pub asset_tag: String,
    /// `breakdown`, `corrective` or `preventive`.
    pub wo_type: String,
    /// `open`, `in_progress`, `completed`, `closed` or `cancelled`.
    pub status: String,
    pub reported_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    /// Every stop/restart interval, earlier ones first; the last may be open (`None` end).
    pub downtime: Vec<(i64, Option<i64>)>,
    pub failure_class: Option<String>,
    pub problem_code: Option<String>,
    pub cause_code: Option<String>,
    pub remedy_text: Option<String>,
    /// Part numbers used on the work order.
    pub parts: Vec<String>,
}

/// An alarm (fault event) of an asset.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalyticsAlarm {
    pub asset_tag: String,
    pub code: String,
    pub occurred_at: i64,
}

/// The rids of the breakdowns that can count in `[?1, ?2)` (may include cancelled ones and
/// ones reported after `?2`: the caller filters). One branch per index: reported in the period
/// (`work_orders_reported`), downtime ending at or after its start or still open, earlier
/// intervals ending at or after its start (migration 0013); the plan is tested.
const PICKED_BREAKDOWNS: &str = "WITH picked(rid) AS (
        SELECT rid FROM work_orders
        WHERE wo_type = 'breakdown' AND reported_at >= ?1 AND reported_at < ?2
    UNION
        SELECT rid FROM work_orders
        WHERE wo_type = 'breakdown' AND downtime_end >= ?1 AND reported_at < ?1
    UNION
        SELECT rid FROM work_orders
        WHERE downtime_start IS NOT NULL AND downtime_end IS NULL AND reported_at < ?1
    UNION
        SELECT work_order_rid FROM downtime_intervals WHERE end_at >= ?1
    )";

/// The rows of the picked breakdowns, oldest first. `CROSS JOIN` keeps `picked` the outer
/// loop: with bound parameters the bundled SQLite may otherwise walk every breakdown before
/// `?2` through `work_orders_reported` and probe `picked` (the plan is tested).
const PICKED_ROWS: &str = "SELECT w.rid, w.number, a.tag, w.wo_type, w.status, w.reported_at,
        w.started_at, w.finished_at, w.downtime_start, w.downtime_end, w.failure_class,
        w.problem_code, w.cause_code, w.remedy_text
    FROM picked p CROSS JOIN work_orders w ON w.rid = p.rid
    JOIN assets a ON a.rid = w.asset_rid
    WHERE w.wo_type = 'breakdown' AND w.status <> 'cancelled' AND w.reported_at < ?2
    ORDER BY w.reported_at, w.rid";

/// A work order row of the analytics reads (columns as selected there) with its earlier
/// downtime intervals and part numbers.
fn work_order_row(
    r: &rusqlite::Row<'_>,
    mut downtime: Vec<(i64, Option<i64>)>,
    parts: Vec<String>,
) -> rusqlite::Result<AnalyticsWorkOrder> {
    let start: Option<i64> = r.get(8)?;
    if let Some(start) = start {
        downtime.push((start, r.get(9)?));
    }
    Ok(AnalyticsWorkOrder {
        number: r.get(1)?,
        asset_tag: r.get(2)?,
        wo_type: r.get(3)?,
        status: r.get(4)?,
        reported_at: r.get(5)?,
        started_at: r.get(6)?,
        finished_at: r.get(7)?,
        downtime,
        failure_class: r.get(10)?,
        problem_code: r.get(11)?,
        cause_code: r.get(12)?,
        remedy_text: r.get(13)?,
        parts,
    })
}

impl Store {
    /// Every asset with its site, location code, model and equipment class, by tag.
    pub fn analytics_assets(&self) -> Result<Vec<AnalyticsAsset>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.tag, a.site_code, l.code, m.model, a.equipment_class, a.description
             FROM assets a
             LEFT JOIN locations l ON l.id = a.location_id
             LEFT JOIN asset_models m ON m.id = a.model_id
             ORDER BY a.tag",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(AnalyticsAsset {
                tag: r.get(0)?,
                site: r.get(1)?,
                location: r.get(2)?,
                model: r.get(3)?,
                equipment_class: r.get(4)?,
                description: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every work order reported strictly before `before` (all with `None`), oldest first, with
    /// its downtime intervals and part numbers.
    pub fn analytics_work_orders(&self, before: Option<i64>) -> Result<Vec<AnalyticsWorkOrder>> {
        let before = before.unwrap_or(i64::MAX);
        let mut earlier: HashMap<i64, Vec<(i64, Option<i64>)>> = HashMap::new();
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT d.work_order_rid, d.start_at, d.end_at FROM downtime_intervals d
                 JOIN work_orders w ON w.rid = d.work_order_rid
                 WHERE w.reported_at < ?1 ORDER BY d.work_order_rid, d.start_at",
            )?;
            let mut rows = stmt.query(params![before])?;
            while let Some(r) = rows.next()? {
                earlier
                    .entry(r.get(0)?)
                    .or_default()
                    .push((r.get(1)?, Some(r.get(2)?)));
            }
        }
        let mut parts = self.part_numbers_before(before)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT w.rid, w.number, a.tag, w.wo_type, w.status, w.reported_at, w.started_at,
                    w.finished_at, w.downtime_start, w.downtime_end, w.failure_class,
                    w.problem_code, w.cause_code, w.remedy_text
             FROM work_orders w JOIN assets a ON a.rid = w.asset_rid
             WHERE w.reported_at < ?1
             ORDER BY w.reported_at, w.rid",
        )?;
        let mut rows = stmt.query(params![before])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let rid: i64 = r.get(0)?;
            let downtime = earlier.remove(&rid).unwrap_or_default();
            out.push(work_order_row(
                r,
                downtime,
                parts.remove(&rid).unwrap_or_default(),
            )?);
        }
        Ok(out)
    }

    /// The breakdown work orders (not cancelled) reported strictly before `to` that can count in
    /// the period `[from, to)` or any part of it: reported at or after `from`, or reported
    /// earlier with a downtime interval still open or ending at or after `from`. Oldest first as
    /// [`Self::analytics_work_orders`], with every downtime interval; part numbers are not read
    /// (`parts` is empty). Found through indexes (migration 0013), not a scan of the history.
    pub fn analytics_breakdowns_between(
        &self,
        from: i64,
        to: i64,
    ) -> Result<Vec<AnalyticsWorkOrder>> {
        let mut earlier: HashMap<i64, Vec<(i64, Option<i64>)>> = HashMap::new();
        {
            let mut stmt = self.conn.prepare_cached(&format!(
                "{PICKED_BREAKDOWNS}
                 SELECT d.work_order_rid, d.start_at, d.end_at FROM downtime_intervals d
                 WHERE d.work_order_rid IN (SELECT rid FROM picked) ORDER BY d.work_order_rid, d.start_at"
            ))?;
            let mut rows = stmt.query(params![from, to])?;
            while let Some(r) = rows.next()? {
                earlier
                    .entry(r.get(0)?)
                    .or_default()
                    .push((r.get(1)?, Some(r.get(2)?)));
            }
        }
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{PICKED_BREAKDOWNS} {PICKED_ROWS}"))?;
        let mut rows = stmt.query(params![from, to])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let rid: i64 = r.get(0)?;
            let downtime = earlier.remove(&rid).unwrap_or_default();
            out.push(work_order_row(r, downtime, Vec::new())?);
        }
        Ok(out)
    }

    /// The work orders with this number (exactly; one per site at most), as
    /// [`Self::analytics_breakdowns_between`] reads them: every downtime interval, no part
    /// numbers. To follow a write without reading a period again.
    pub fn analytics_work_orders_numbered(&self, number: &str) -> Result<Vec<AnalyticsWorkOrder>> {
        let mut found = Vec::new();
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT w.rid, w.number, a.tag, w.wo_type, w.status, w.reported_at, w.started_at,
                        w.finished_at, w.downtime_start, w.downtime_end, w.failure_class,
                        w.problem_code, w.cause_code, w.remedy_text
                 FROM work_orders w JOIN assets a ON a.rid = w.asset_rid
                 WHERE w.number = ?1 COLLATE NOCASE ORDER BY w.reported_at, w.rid",
            )?;
            let mut rows = stmt.query(params![number])?;
            while let Some(r) = rows.next()? {
                let rid: i64 = r.get(0)?;
                let w = work_order_row(r, Vec::new(), Vec::new())?;
                if w.number == number {
                    found.push((rid, w));
                }
            }
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT start_at, end_at FROM downtime_intervals WHERE work_order_rid = ?1
             ORDER BY start_at",
        )?;
        let mut out = Vec::with_capacity(found.len());
        for (rid, mut w) in found {
            let mut earlier: Vec<(i64, Option<i64>)> = Vec::new();
            let mut rows = stmt.query(params![rid])?;
            while let Some(d) = rows.next()? {
                earlier.push((d.get(0)?, Some(d.get(1)?)));
            }
            earlier.append(&mut w.downtime);
            w.downtime = earlier;
            out.push(w);
        }
        Ok(out)
    }

    /// The part numbers used on each work order (by rid) reported strictly before `before`.
    pub(super) fn part_numbers_before(&self, before: i64) -> Result<HashMap<i64, Vec<String>>> {
        let mut parts: HashMap<i64, Vec<String>> = HashMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.work_order_rid, p.part_number FROM parts_used p
             JOIN work_orders w ON w.rid = p.work_order_rid
             WHERE w.reported_at < ?1 ORDER BY p.rid",
        )?;
        let mut rows = stmt.query(params![before])?;
        while let Some(r) = rows.next()? {
            parts.entry(r.get(0)?).or_default().push(r.get(1)?);
        }
        Ok(parts)
    }

    /// Every alarm that occurred strictly before `before` (all with `None`), oldest first.
    pub fn analytics_alarms(&self, before: Option<i64>) -> Result<Vec<AnalyticsAlarm>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.tag, f.code, f.occurred_at FROM fault_events f
             JOIN assets a ON a.rid = f.asset_rid
             WHERE f.occurred_at < ?1 ORDER BY f.occurred_at, f.rid",
        )?;
        let rows = stmt.query_map(params![before.unwrap_or(i64::MAX)], |r| {
            Ok(AnalyticsAlarm {
                asset_tag: r.get(0)?,
                code: r.get(1)?,
                occurred_at: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::AnalyticsWorkOrder;
    use crate::store::test_support::demo_store;

    /// What `analytics_breakdowns_between` must return, from the full read.
    fn may_count(w: &AnalyticsWorkOrder, from: i64, to: i64) -> bool {
        w.wo_type == "breakdown"
            && w.status != "cancelled"
            && w.reported_at < to
            && (w.reported_at >= from
                || w.downtime.iter().any(|(_, e)| e.is_none_or(|e| e >= from)))
    }

    #[test]
    fn the_period_read_searches_indexes_and_scans_no_table() {
        let store = demo_store();
        let sql = format!(
            "EXPLAIN QUERY PLAN {} {}",
            super::PICKED_BREAKDOWNS,
            super::PICKED_ROWS
        );
        let plan: Vec<String> = match store.conn.prepare(&sql).and_then(|mut st| {
            st.query_map(rusqlite::params![0_i64, 1_i64], |r| r.get::<_, String>(3))?
                .collect::<rusqlite::Result<Vec<String>>>()
        }) {
            Ok(p) => p,
            Err(e) => panic!("{sql}: {e}"),
        };
        for index in [
            "work_orders_reported",
            "work_orders_breakdown_downtime_end",
            "work_orders_downtime_open",
            "downtime_intervals_end",
        ] {
            assert!(
                plan.iter()
                    .any(|l| l.starts_with("SEARCH") && l.contains(index)),
                "{index} not searched: {plan:?}"
            );
        }
        assert!(
            !plan.iter().any(|l| l.starts_with("SCAN work_orders")),
            "{plan:?}"
        );
        // The picked rows drive the join: each work order found by its rid.
        let first_w = plan.iter().find(|l| l.contains(" w "));
        assert!(
            first_w.is_some_and(|l| l.starts_with("SEARCH w USING INTEGER PRIMARY KEY")),
            "{plan:?}"
        );
    }

    #[test]
    fn breakdowns_between_are_the_full_read_filtered_to_what_can_count() {
        let store = demo_store();
        let Ok(all) = store.analytics_work_orders(None) else {
            panic!("full read");
        };
        let down: Vec<&AnalyticsWorkOrder> = all
            .iter()
            .filter(|w| w.wo_type == "breakdown" && !w.downtime.is_empty())
            .collect();
        assert!(
            down.len() >= 3,
            "the demo plant has breakdowns with downtime"
        );
        // Carried-in cases the demo may not have: one stop left open, one long stop, one with
        // an earlier interval that ends late.
        let (open, long, earlier) = (&down[0].number, &down[1].number, &down[2].number);
        let year = 365 * 24 * 3_600_000_i64;
        let edits = [
            format!("UPDATE work_orders SET downtime_end = NULL WHERE number = '{open}'"),
            format!(
                "UPDATE work_orders SET downtime_end = downtime_end + {year} WHERE number = '{long}'"
            ),
            format!(
                "INSERT INTO downtime_intervals (work_order_rid, start_at, end_at)
                 SELECT rid, reported_at - 1, reported_at + {year} FROM work_orders
                 WHERE number = '{earlier}'"
            ),
        ];
        for sql in &edits {
            if let Err(e) = store.conn.execute(sql, []) {
                panic!("{sql}: {e}");
            }
        }
        let Ok(all) = store.analytics_work_orders(None) else {
            panic!("full read");
        };
        let (Some(first), Some(last)) = (all.first(), all.last()) else {
            panic!("no work orders");
        };
        let (t0, t1) = (first.reported_at, last.reported_at + 1);
        let mut checked_carried_in = 0;
        for i in 0..=8 {
            for len in [1, 3, 8] {
                let from = t0 + (t1 - t0) * i / 8;
                let to = from + (t1 - t0) * len / 8;
                let Ok(got) = store.analytics_breakdowns_between(from, to) else {
                    panic!("window read");
                };
                let want: Vec<AnalyticsWorkOrder> = all
                    .iter()
                    .filter(|w| may_count(w, from, to))
                    .map(|w| AnalyticsWorkOrder {
                        parts: Vec::new(),
                        ..w.clone()
                    })
                    .collect();
                assert_eq!(got, want, "[{from}, {to})");
                checked_carried_in += got.iter().filter(|w| w.reported_at < from).count();
            }
        }
        assert!(
            checked_carried_in > 0,
            "some windows had carried-in breakdowns"
        );
    }

    #[test]
    fn the_demo_plant_reads_back_with_downtime_and_scope_attributes() {
        let store = demo_store();
        let (Ok(assets), Ok(wos), Ok(alarms)) = (
            store.analytics_assets(),
            store.analytics_work_orders(None),
            store.analytics_alarms(None),
        ) else {
            panic!("analytics reads failed");
        };
        assert!(!assets.is_empty() && !wos.is_empty() && !alarms.is_empty());
        assert!(assets
            .iter()
            .all(|a| a.site == "PLANT1" && a.location.is_some()));
        assert!(wos.windows(2).all(|w| w[0].reported_at <= w[1].reported_at));
        assert!(wos
            .iter()
            .any(|w| w.wo_type == "breakdown" && !w.downtime.is_empty()));
        // `before` is strict.
        let cut = wos[wos.len() / 2].reported_at;
        let Ok(early) = store.analytics_work_orders(Some(cut)) else {
            panic!("read before");
        };
        assert!(early.iter().all(|w| w.reported_at < cut));
        assert_eq!(
            early.len(),
            wos.iter().filter(|w| w.reported_at < cut).count()
        );
    }
}
