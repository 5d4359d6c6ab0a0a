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
            let mut downtime = earlier.remove(&rid).unwrap_or_default();
            let start: Option<i64> = r.get(8)?;
            if let Some(start) = start {
                downtime.push((start, r.get(9)?));
            }
            out.push(AnalyticsWorkOrder {
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
                parts: parts.remove(&rid).unwrap_or_default(),
            });
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
    use crate::store::test_support::demo_store;

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
