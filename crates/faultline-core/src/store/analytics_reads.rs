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

/// The remedy texts that may name a replaced component ("<item> replaced"): ending in
/// " replaced" in any case once trailing whitespace is cut — every character Rust's
/// `char::is_whitespace` cuts, and a few more (tested), so it holds every text the risk model's
/// rule accepts. The WHERE term of migration 0016's partial index, word for word.
pub const REPLACED_REMEDY: &str = "rtrim(remedy_text, char(9, 10, 11, 12, 13, 28, 29, 30, 31, 32, 133, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288)) LIKE '% replaced'";

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

/// Downtime intervals (start, end; the end open when `None`) by work order rid.
type IntervalsByRid = HashMap<i64, Vec<(i64, Option<i64>)>>;

/// Earlier downtime intervals by work order rid, from a query of (rid, start, end) ordered by
/// rid and start.
fn intervals_by_rid(
    stmt: &mut rusqlite::CachedStatement<'_>,
    p: impl rusqlite::Params,
) -> rusqlite::Result<IntervalsByRid> {
    let mut earlier = IntervalsByRid::new();
    let mut rows = stmt.query(p)?;
    while let Some(r) = rows.next()? {
        earlier
            .entry(r.get(0)?)
            .or_default()
            .push((r.get(1)?, Some(r.get(2)?)));
    }
    Ok(earlier)
}

/// The work orders of a query selecting the columns of [`work_order_row`], each with its
/// earlier intervals and part numbers (by rid) taken from these maps.
fn work_order_rows(
    stmt: &mut rusqlite::CachedStatement<'_>,
    p: impl rusqlite::Params,
    mut earlier: IntervalsByRid,
    mut parts: HashMap<i64, Vec<String>>,
) -> rusqlite::Result<Vec<AnalyticsWorkOrder>> {
    let mut rows = stmt.query(p)?;
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

impl Store {
    /// A stamp that changes whenever the replica may have changed: a row written through this
    /// connection (`total_changes`, triggers included) or a commit by another connection
    /// (`PRAGMA data_version`). A cache of analytics reads keeps the stamp of its read and reads
    /// again when the stamp differs; a write that changed nothing may change it too.
    pub fn analytics_change_stamp(&self) -> Result<(i64, u64)> {
        let version: i64 = self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?;
        Ok((version, self.conn.total_changes()))
    }

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
        let earlier = intervals_by_rid(
            &mut self.conn.prepare_cached(
                "SELECT d.work_order_rid, d.start_at, d.end_at FROM downtime_intervals d
                 JOIN work_orders w ON w.rid = d.work_order_rid
                 WHERE w.reported_at < ?1 ORDER BY d.work_order_rid, d.start_at",
            )?,
            params![before],
        )?;
        let parts = self.part_numbers_before(before)?;
        Ok(work_order_rows(
            &mut self.conn.prepare_cached(
                "SELECT w.rid, w.number, a.tag, w.wo_type, w.status, w.reported_at, w.started_at,
                        w.finished_at, w.downtime_start, w.downtime_end, w.failure_class,
                        w.problem_code, w.cause_code, w.remedy_text
                 FROM work_orders w JOIN assets a ON a.rid = w.asset_rid
                 WHERE w.reported_at < ?1
                 ORDER BY w.reported_at, w.rid",
            )?,
            params![before],
            earlier,
            parts,
        )?)
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
        let earlier = intervals_by_rid(
            &mut self.conn.prepare_cached(&format!(
                "{PICKED_BREAKDOWNS}
                 SELECT d.work_order_rid, d.start_at, d.end_at FROM downtime_intervals d
                 WHERE d.work_order_rid IN (SELECT rid FROM picked) ORDER BY d.work_order_rid, d.start_at"
            ))?,
            params![from, to],
        )?;
        Ok(work_order_rows(
            &mut self
                .conn
                .prepare_cached(&format!("{PICKED_BREAKDOWNS} {PICKED_ROWS}"))?,
            params![from, to],
            earlier,
            HashMap::new(),
        )?)
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

    /// The lean reads of the risk ranking (`faultline_analytics::risk::RiskRecords`): only what
    /// the risk model consumes, found through indexes instead of reading every work order.
    ///
    /// The breakdowns (not cancelled) reported strictly before `before`, oldest first as
    /// [`Self::analytics_work_orders`], with every downtime interval; only the number, the
    /// asset, the status, the report time and the downtime are read (the rest `None`, empty),
    /// from the covering index of migration 0016 alone, the asset tags from a map of the assets.
    pub fn analytics_breakdowns_before(&self, before: i64) -> Result<Vec<AnalyticsWorkOrder>> {
        let mut earlier = intervals_by_rid(
            &mut self.conn.prepare_cached(
                "SELECT d.work_order_rid, d.start_at, d.end_at FROM downtime_intervals d
                 JOIN work_orders w ON w.rid = d.work_order_rid
                 WHERE w.wo_type = 'breakdown' AND w.reported_at < ?1
                 ORDER BY d.work_order_rid, d.start_at",
            )?,
            params![before],
        )?;
        let tags: HashMap<i64, String> = {
            let mut stmt = self.conn.prepare_cached("SELECT rid, tag FROM assets")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT rid, number, asset_rid, status, reported_at, downtime_start, downtime_end
             FROM work_orders INDEXED BY work_orders_breakdown_facts
             WHERE wo_type = 'breakdown' AND status <> 'cancelled' AND reported_at < ?1
             ORDER BY reported_at, rid",
        )?;
        let mut rows = stmt.query(params![before])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let rid: i64 = r.get(0)?;
            let mut downtime = earlier.remove(&rid).unwrap_or_default();
            let start: Option<i64> = r.get(5)?;
            if let Some(start) = start {
                downtime.push((start, r.get(6)?));
            }
            out.push(AnalyticsWorkOrder {
                number: r.get(1)?,
                asset_tag: tags.get(&r.get::<_, i64>(2)?).cloned().unwrap_or_default(),
                wo_type: "breakdown".into(),
                status: r.get(3)?,
                reported_at: r.get(4)?,
                started_at: None,
                finished_at: None,
                downtime,
                failure_class: None,
                problem_code: None,
                cause_code: None,
                remedy_text: None,
                parts: Vec::new(),
            });
        }
        Ok(out)
    }

    /// The work orders (not cancelled) reported strictly before `before` that may have replaced
    /// a component: with part numbers used, or with a remedy text ending in " replaced" (any
    /// case, trailing whitespace cut: [`REPLACED_REMEDY`]; the caller applies its own rule).
    /// Oldest first, with part numbers and the remedy text; downtime and codes are not read.
    /// The remedy texts are found through the partial index of migration 0016, not a scan.
    pub fn analytics_replacement_candidates(&self, before: i64) -> Result<Vec<AnalyticsWorkOrder>> {
        let parts = self.part_numbers_before(before)?;
        Ok(work_order_rows(
            &mut self.conn.prepare_cached(&format!(
                "WITH picked(rid) AS (
                        SELECT rid FROM work_orders
                        WHERE {REPLACED_REMEDY} AND reported_at < ?1
                    UNION
                        SELECT DISTINCT work_order_rid FROM parts_used
                 )
                 SELECT w.rid, w.number, a.tag, w.wo_type, w.status, w.reported_at, w.started_at,
                        w.finished_at, NULL, NULL, NULL, NULL, NULL, w.remedy_text
                 FROM picked p CROSS JOIN work_orders w ON w.rid = p.rid
                 JOIN assets a ON a.rid = w.asset_rid
                 WHERE w.status <> 'cancelled' AND w.reported_at < ?1
                 ORDER BY w.reported_at, w.rid"
            ))?,
            params![before],
            HashMap::new(),
            parts,
        )?)
    }

    /// When each asset's first work order (any type or status) was reported, of those reported
    /// strictly before `before`, by tag; assets without one are left out. One index seek per
    /// asset (`work_orders_asset_time`).
    pub fn analytics_first_work_orders(&self, before: i64) -> Result<Vec<(String, i64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT tag, first FROM (
                SELECT a.tag AS tag, (SELECT w.reported_at FROM work_orders w
                    WHERE w.asset_rid = a.rid AND w.reported_at < ?1
                    ORDER BY w.reported_at LIMIT 1) AS first
                FROM assets a)
             WHERE first IS NOT NULL ORDER BY tag",
        )?;
        let rows = stmt.query_map(params![before], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The alarms that occurred in `[from, before)`, and each asset's first alarm before
    /// `before` when it is older, oldest first as [`Self::analytics_alarms`]. Index seeks per
    /// asset (`fault_events_asset_time`), no scan of the alarm history.
    pub fn analytics_alarms_window(&self, from: i64, before: i64) -> Result<Vec<AnalyticsAlarm>> {
        let mut stmt = self.conn.prepare_cached(
            "WITH picked(rid) AS (
                    SELECT f.rid FROM assets a JOIN fault_events f ON f.asset_rid = a.rid
                    WHERE f.occurred_at >= ?1 AND f.occurred_at < ?2
                UNION
                    SELECT (SELECT g.rid FROM fault_events g
                        WHERE g.asset_rid = a.rid AND g.occurred_at < ?2
                        ORDER BY g.occurred_at, g.rid LIMIT 1)
                    FROM assets a
             )
             SELECT a.tag, f.code, f.occurred_at
             FROM picked p CROSS JOIN fault_events f ON f.rid = p.rid
             JOIN assets a ON a.rid = f.asset_rid
             ORDER BY f.occurred_at, f.rid",
        )?;
        let rows = stmt.query_map(params![from, before], |r| {
            Ok(AnalyticsAlarm {
                asset_tag: r.get(0)?,
                code: r.get(1)?,
                occurred_at: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
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
    use crate::store::Store;

    /// What `analytics_breakdowns_between` must return, from the full read.
    fn may_count(w: &AnalyticsWorkOrder, from: i64, to: i64) -> bool {
        w.wo_type == "breakdown"
            && w.status != "cancelled"
            && w.reported_at < to
            && (w.reported_at >= from
                || w.downtime.iter().any(|(_, e)| e.is_none_or(|e| e >= from)))
    }

    /// The detail lines of an `EXPLAIN QUERY PLAN` statement.
    fn query_plan(store: &Store, sql: &str, p: impl rusqlite::Params) -> Vec<String> {
        match store.conn.prepare(sql).and_then(|mut st| {
            st.query_map(p, |r| r.get::<_, String>(3))?
                .collect::<rusqlite::Result<Vec<String>>>()
        }) {
            Ok(plan) => plan,
            Err(e) => panic!("{sql}: {e}"),
        }
    }

    #[test]
    fn the_period_read_searches_indexes_and_scans_no_table() {
        let store = demo_store();
        let sql = format!(
            "EXPLAIN QUERY PLAN {} {}",
            super::PICKED_BREAKDOWNS,
            super::PICKED_ROWS
        );
        let plan = query_plan(&store, &sql, rusqlite::params![0_i64, 1_i64]);
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

    /// The plan of each lean read of the risk ranking: index searches, no scan of the work
    /// orders or the alarms.
    #[test]
    fn the_risk_reads_search_indexes_and_scan_no_history() {
        let store = demo_store();
        let replaced = format!(
            "SELECT rid FROM work_orders WHERE {} AND reported_at < ?1",
            super::REPLACED_REMEDY
        );
        let plans = [
            (
                "analytics_replacement_candidates",
                replaced.as_str(),
                "work_orders_remedy_ends_replaced",
            ),
            (
                "analytics_first_work_orders",
                "SELECT (SELECT w.reported_at FROM work_orders w
                    WHERE w.asset_rid = a.rid AND w.reported_at < ?1
                    ORDER BY w.reported_at LIMIT 1) FROM assets a",
                "work_orders_asset_time",
            ),
            (
                "analytics_breakdowns_before",
                "SELECT rid, number, asset_rid, status, reported_at, downtime_start, downtime_end
                 FROM work_orders INDEXED BY work_orders_breakdown_facts
                 WHERE wo_type = 'breakdown' AND status <> 'cancelled' AND reported_at < ?1
                 ORDER BY reported_at, rid",
                "COVERING INDEX work_orders_breakdown_facts",
            ),
        ];
        for (read, sql, index) in plans {
            let plan = query_plan(
                &store,
                &format!("EXPLAIN QUERY PLAN {sql}"),
                rusqlite::params![1_i64],
            );
            assert!(
                plan.iter()
                    .any(|l| l.starts_with("SEARCH") && l.contains(index)),
                "{read}: {index} not searched: {plan:?}"
            );
            assert!(
                !plan
                    .iter()
                    .any(|l| l.starts_with("SCAN w") || l.starts_with("SCAN work_orders")),
                "{read}: {plan:?}"
            );
        }
        let Ok(alarms) = store.analytics_alarms_window(0, i64::MAX) else {
            panic!("alarm window read");
        };
        let Ok(all) = store.analytics_alarms(None) else {
            panic!("alarm read");
        };
        assert_eq!(alarms, all, "a window over all time reads every alarm");
    }

    /// The remedy rule of the replacement read: the migration's index has it word for word,
    /// it cuts every whitespace Rust's `trim` cuts, and it holds what the risk model accepts.
    #[test]
    fn the_replaced_remedy_term_is_the_index_term_and_cuts_all_whitespace() {
        let migration = include_str!("../../migrations/0016_risk_covering_indexes.sql");
        assert!(migration.contains(super::REPLACED_REMEDY));
        let Some(list) = super::REPLACED_REMEDY
            .split_once("char(")
            .and_then(|(_, rest)| rest.split_once(')'))
            .map(|(list, _)| list)
        else {
            panic!("no char list");
        };
        let codes: Vec<u32> = list
            .split(',')
            .filter_map(|c| c.trim().parse().ok())
            .collect();
        for c in (0..=0x10FFFF_u32).filter_map(char::from_u32) {
            if c.is_whitespace() {
                assert!(codes.contains(&(c as u32)), "{:?} is not cut", c);
            }
        }
        let store = demo_store();
        let sql = format!(
            "SELECT ?1 AS remedy_text WHERE (SELECT {} FROM (SELECT ?1 AS remedy_text))",
            super::REPLACED_REMEDY
        );
        for (text, held) in [
            ("Bearing replaced", true),
            ("bearing REPLACED \u{a0}\n", true),
            ("seal replaced\u{3000}", true),
            ("replaced bearing, ran 30 min", false),
            ("replacedx", false),
        ] {
            let found = store.conn.query_row(&sql, [text], |_| Ok(())).is_ok();
            assert_eq!(found, held, "{text:?}");
        }
    }

    /// The lean reads against the full read, cut at several times: the breakdowns (lean
    /// columns), the replacement candidates (every work order naming a replacement), the first
    /// work order of each asset, and the alarms of a window plus each asset's first.
    #[test]
    fn the_risk_reads_are_the_full_read_cut_to_what_risk_uses() {
        let store = demo_store();
        // The demo plant records no parts and writes "… replaced." with a period: give some
        // work orders, early and late, a part used and remedies the replacement read holds or
        // leaves out.
        let edits = [
            "UPDATE work_orders SET remedy_text = 'Seal replaced' WHERE rid % 50 = 1",
            "UPDATE work_orders SET remedy_text = 'seal REPLACED 
' WHERE rid % 50 = 2",
            "UPDATE work_orders SET remedy_text = 'replaced seal, ran ok' WHERE rid % 50 = 3",
            "INSERT INTO parts_used (id, work_order_rid, part_number, quantity, created_at)
             SELECT 'p' || rid, rid, 'BRG-6204', 1, reported_at FROM work_orders
             WHERE rid % 50 = 4",
        ];
        for sql in edits {
            if let Err(e) = store.conn.execute(sql, []) {
                panic!("{sql}: {e}");
            }
        }
        let Ok(all) = store.analytics_work_orders(None) else {
            panic!("full read");
        };
        let Ok(alarms) = store.analytics_alarms(None) else {
            panic!("alarm read");
        };
        let (Some(first), Some(last)) = (all.first(), all.last()) else {
            panic!("no work orders");
        };
        let (t0, t1) = (first.reported_at, last.reported_at + 1);
        for i in 1..=4 {
            let before = t0 + (t1 - t0) * i / 4;
            let (Ok(down), Ok(cands), Ok(firsts)) = (
                store.analytics_breakdowns_before(before),
                store.analytics_replacement_candidates(before),
                store.analytics_first_work_orders(before),
            ) else {
                panic!("lean reads at {before}");
            };
            let early: Vec<&AnalyticsWorkOrder> =
                all.iter().filter(|w| w.reported_at < before).collect();
            let want: Vec<AnalyticsWorkOrder> = early
                .iter()
                .filter(|w| w.wo_type == "breakdown" && w.status != "cancelled")
                .map(|w| AnalyticsWorkOrder {
                    started_at: None,
                    finished_at: None,
                    failure_class: None,
                    problem_code: None,
                    cause_code: None,
                    remedy_text: None,
                    parts: Vec::new(),
                    ..(*w).clone()
                })
                .collect();
            assert_eq!(down, want, "breakdowns before {before}");
            let named: Vec<&str> = early
                .iter()
                .filter(|w| {
                    w.status != "cancelled"
                        && (!w.parts.is_empty()
                            || w.remedy_text.as_deref().is_some_and(|t| {
                                t.trim_end().to_ascii_lowercase().ends_with(" replaced")
                            }))
                })
                .map(|w| w.number.as_str())
                .collect();
            assert!(!named.is_empty(), "the demo plant replaces parts");
            let got: Vec<&str> = cands.iter().map(|w| w.number.as_str()).collect();
            assert_eq!(got, named, "replacement candidates before {before}");
            for c in &cands {
                let Some(w) = early.iter().find(|w| w.number == c.number) else {
                    panic!("{} not in the full read", c.number);
                };
                assert_eq!((&c.parts, &c.remedy_text), (&w.parts, &w.remedy_text));
                assert_eq!(
                    (c.finished_at, c.reported_at),
                    (w.finished_at, w.reported_at)
                );
            }
            let mut want_first: Vec<(String, i64)> = Vec::new();
            for w in &early {
                if !want_first.iter().any(|(t, _)| t == &w.asset_tag) {
                    want_first.push((w.asset_tag.clone(), w.reported_at));
                }
            }
            want_first.sort();
            assert_eq!(firsts, want_first, "first work orders before {before}");
            let from = before - 30 * 24 * 3_600_000;
            let Ok(window) = store.analytics_alarms_window(from, before) else {
                panic!("alarm window");
            };
            let mut seen = std::collections::HashSet::new();
            let want_alarms: Vec<_> = alarms
                .iter()
                .filter(|a| a.occurred_at < before)
                .filter(|a| seen.insert(a.asset_tag.clone()) || a.occurred_at >= from)
                .cloned()
                .collect();
            assert!(window.len() < alarms.len());
            assert_eq!(window, want_alarms, "alarms in [{from}, {before})");
        }
    }

    #[test]
    fn the_change_stamp_moves_with_a_write_and_not_with_a_read() {
        let store = demo_store();
        let Ok(before) = store.analytics_change_stamp() else {
            panic!("stamp");
        };
        let _ = store.analytics_breakdowns_before(i64::MAX);
        assert_eq!(store.analytics_change_stamp().ok(), Some(before));
        if let Err(e) = store.conn.execute(
            "UPDATE work_orders SET downtime_end = NULL WHERE rid = (SELECT min(rid) FROM work_orders)",
            [],
        ) {
            panic!("{e}");
        }
        assert_ne!(store.analytics_change_stamp().ok(), Some(before));
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
