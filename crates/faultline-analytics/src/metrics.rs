//! MTTR, active repair time, MTBF, MTTF and availability for a scope over a period
//! `[from, to)`. The definitions (ISO 14224 / EN 15341 terms) travel with every answer in
//! [`DEFINITIONS`] and are stated in docs/analytics.md.

use crate::events::{clipped_total, failure_events, intervals, is_breakdown, union};
use crate::time::{hours, iso};
use crate::{History, Scope, WorkOrder};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The definitions behind each figure, shown next to it.
pub const DEFINITIONS: [(&str, &str); 7] = [
    (
        "failure",
        "A breakdown work order that was not cancelled; preventive and corrective (planned) work never counts. Breakdowns of one asset whose downtime overlaps, or reported at the same instant, are one failure (one stoppage). A failure belongs to the period its stoppage started in.",
    ),
    (
        "downtime_hours",
        "Stopped time of the scope's assets inside the period: the union of every breakdown's downtime intervals per asset (overlaps counted once), cut at the period's ends; a breakdown still open counts up to the period's end.",
    ),
    (
        "mttr_hours",
        "Mean time to restore (ISO 14224): mean stopped time per failure, from the machine stopping to it being back in service, over the failures started in the period and restored by its end. Open breakdowns and breakdowns without recorded downtime are left out (counted in open_breakdowns / without_downtime).",
    ),
    (
        "active_repair_hours",
        "Mean active repair time: actual start to actual finish of the breakdown work, where both were recorded, over the breakdown work orders started in the period and finished by its end.",
    ),
    (
        "mtbf_hours",
        "Mean time between failures: calendar time of the scope's assets over the period divided by the number of failures. Time before the first and after the last failure (censored intervals at the period's ends) is included; with no failure it is not defined (operating_hours is a lower bound).",
    ),
    (
        "mttf_hours",
        "Mean operating time to failure: operating time (calendar time minus downtime) divided by the number of failures, censored intervals included as for MTBF; MTBF = MTTF + mean downtime per failure.",
    ),
    (
        "availability",
        "Operating time / calendar time of the scope's assets over the period (inherent downtime from breakdowns only; planned stops are not unavailability here).",
    ),
];

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Metrics {
    pub scope: Scope,
    pub from: String,
    pub to: String,
    pub assets: usize,
    pub breakdowns: usize,
    pub breakdown_work_orders: usize,
    pub open_breakdowns: usize,
    pub without_downtime: usize,
    pub downtime_hours: f64,
    pub calendar_hours: f64,
    pub operating_hours: f64,
    pub mttr_hours: Option<f64>,
    pub restored: usize,
    pub active_repair_hours: Option<f64>,
    pub active_repairs: usize,
    pub mtbf_hours: Option<f64>,
    pub mttf_hours: Option<f64>,
    pub availability: Option<f64>,
    /// Numbers of the breakdown work orders behind the failures counted.
    pub work_orders: Vec<String>,
    pub definitions: BTreeMap<&'static str, &'static str>,
}

/// The figures for `scope` over `[from, to)` (milliseconds, UTC). Records reported at or after
/// `to` are ignored.
pub fn metrics(h: &History, scope: &Scope, from: i64, to: i64) -> Metrics {
    let tags: HashSet<&str> = h.assets_in(scope).map(|a| a.tag.as_str()).collect();
    // Grouped by asset through a hash index, then in tag order (the order of `work_orders`).
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut by_asset: Vec<(&str, Vec<&WorkOrder>)> = Vec::new();
    for w in h
        .work_orders
        .iter()
        .filter(|w| w.reported_at < to && tags.contains(w.asset_tag.as_str()))
    {
        let i = *index.entry(w.asset_tag.as_str()).or_insert_with(|| {
            by_asset.push((w.asset_tag.as_str(), Vec::new()));
            by_asset.len() - 1
        });
        by_asset[i].1.push(w);
    }
    by_asset.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let parts: Vec<AssetPart> = by_asset
        .into_iter()
        .map(|(_, wos)| asset_part(wos, from, to))
        .collect();
    from_parts(scope, from, to, tags.len(), parts.iter())
}

/// One asset's share of the figures over `[from, to)`, in integer milliseconds so that the
/// parts of a scope add up to exactly what [`metrics`] computes at once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AssetPart {
    pub breakdowns: usize,
    pub breakdown_work_orders: usize,
    pub open_breakdowns: usize,
    pub without_downtime: usize,
    pub downtime_ms: i64,
    pub restored: usize,
    pub restored_ms: i64,
    pub active_repairs: usize,
    pub active_repair_ms: i64,
    /// Numbers of the breakdown work orders behind the failures, by stoppage start.
    pub work_orders: Vec<String>,
}

/// The part of one asset from its work orders (all of the same asset, oldest first).
pub fn asset_part<'a>(
    wos: impl IntoIterator<Item = &'a WorkOrder>,
    from: i64,
    to: i64,
) -> AssetPart {
    let wos: Vec<&WorkOrder> = wos.into_iter().filter(|w| w.reported_at < to).collect();
    let events = failure_events(wos.iter().copied(), to);
    let in_period: Vec<_> = events
        .iter()
        .filter(|e| e.start >= from && e.start < to)
        .collect();
    // Downtime: the union of every breakdown's intervals, cut to the period.
    let down: Vec<(i64, i64)> = wos
        .iter()
        .filter(|w| is_breakdown(w))
        .flat_map(|w| intervals(w, to))
        .collect();
    let restored: Vec<i64> = in_period
        .iter()
        .filter(|e| e.restored_at.is_some())
        .map(|e| e.downtime_ms)
        .collect();
    let repairs: Vec<i64> = wos
        .iter()
        .filter(|w| is_breakdown(w))
        .filter_map(|w| match (w.started_at, w.finished_at) {
            (Some(s), Some(f)) if s >= from && s < to && f <= to && f >= s => Some(f - s),
            _ => None,
        })
        .collect();
    AssetPart {
        breakdowns: in_period.len(),
        breakdown_work_orders: in_period.iter().map(|e| e.work_orders.len()).sum(),
        open_breakdowns: in_period
            .iter()
            .filter(|e| e.has_downtime && e.restored_at.is_none())
            .count(),
        without_downtime: in_period.iter().filter(|e| !e.has_downtime).count(),
        downtime_ms: clipped_total(&union(down), from, to),
        restored: restored.len(),
        restored_ms: restored.iter().sum(),
        active_repairs: repairs.len(),
        active_repair_ms: repairs.iter().sum(),
        work_orders: in_period
            .iter()
            .flat_map(|e| e.work_orders.iter().cloned())
            .collect(),
    }
}

/// The figures of a scope of `assets` assets from the parts of those with work orders, in tag
/// order (the order of `work_orders`).
pub fn from_parts<'a>(
    scope: &Scope,
    from: i64,
    to: i64,
    assets: usize,
    parts: impl Iterator<Item = &'a AssetPart> + Clone,
) -> Metrics {
    let sum = |f: fn(&AssetPart) -> i64| parts.clone().map(f).sum::<i64>();
    let count = |f: fn(&AssetPart) -> usize| parts.clone().map(f).sum::<usize>();
    let n = count(|p| p.breakdowns);
    let downtime_ms = sum(|p| p.downtime_ms);
    let calendar_ms = assets as i64 * (to - from).max(0);
    let operating_ms = calendar_ms - downtime_ms;
    let mean = |total: i64, n: usize| (n > 0).then(|| hours(total) / n as f64);
    let restored = count(|p| p.restored);
    let active_repairs = count(|p| p.active_repairs);
    Metrics {
        scope: scope.clone(),
        from: iso(from),
        to: iso(to),
        assets,
        breakdowns: n,
        breakdown_work_orders: count(|p| p.breakdown_work_orders),
        open_breakdowns: count(|p| p.open_breakdowns),
        without_downtime: count(|p| p.without_downtime),
        downtime_hours: hours(downtime_ms),
        calendar_hours: hours(calendar_ms),
        operating_hours: hours(operating_ms),
        mttr_hours: mean(sum(|p| p.restored_ms), restored),
        restored,
        active_repair_hours: mean(sum(|p| p.active_repair_ms), active_repairs),
        active_repairs,
        mtbf_hours: (n > 0).then(|| hours(calendar_ms) / n as f64),
        mttf_hours: (n > 0).then(|| hours(operating_ms) / n as f64),
        availability: (calendar_ms > 0).then(|| operating_ms as f64 / calendar_ms as f64),
        work_orders: parts.flat_map(|p| p.work_orders.iter().cloned()).collect(),
        definitions: DEFINITIONS.into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::tests::breakdown;
    use crate::time::HOUR_MS;
    use crate::Asset;

    pub fn asset(tag: &str, line: &str, model: &str) -> Asset {
        Asset {
            tag: tag.into(),
            site: "PLANT1".into(),
            location: Some(line.into()),
            model: Some(model.into()),
            equipment_class: Some("Pumps".into()),
            description: None,
        }
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    /// Two pumps over 100 hours, worked by hand:
    /// P-1: a stop carried in from before the period (-5..2 h: 2 h inside, not a failure of
    /// this period), two overlapping reports of one stop (10..14 and 12..16: one failure, 6 h),
    /// a 1 h stop at 20; P-2: a 1 h stop at 12 and one still open since 95 (5 h up to `to`);
    /// a cancelled breakdown and a preventive job that must not count; P-3 on another line.
    fn history() -> History {
        let mut cancelled = breakdown("9", "P-1", 40, &[(40, Some(50))]);
        cancelled.status = "cancelled".into();
        let mut planned = breakdown("10", "P-2", 60, &[(60, Some(70))]);
        planned.wo_type = "preventive".into();
        let mut repaired = breakdown("3", "P-1", 20, &[(20, Some(21))]);
        repaired.started_at = Some(20 * HOUR_MS);
        repaired.finished_at = Some(20 * HOUR_MS + HOUR_MS / 2);
        History {
            assets: vec![
                asset("P-1", "L1", "KSB-1"),
                asset("P-2", "L1", "KSB-1"),
                asset("P-3", "L2", "KSB-2"),
            ],
            work_orders: vec![
                breakdown("0", "P-1", -5, &[(-5, Some(2))]),
                breakdown("1", "P-1", 10, &[(10, Some(14))]),
                breakdown("2", "P-1", 12, &[(12, Some(16))]),
                repaired,
                breakdown("4", "P-2", 12, &[(12, Some(13))]),
                breakdown("5", "P-2", 95, &[(95, None)]),
                cancelled,
                planned,
                breakdown("7", "P-3", 30, &[(30, Some(80))]),
                breakdown("8", "P-1", 150, &[(150, Some(151))]),
            ],
            alarms: Vec::new(),
        }
    }

    #[test]
    fn hand_computed_line_figures() {
        let m = metrics(&history(), &Scope::Line("l1".into()), 0, 100 * HOUR_MS);
        assert_eq!(m.assets, 2);
        assert_eq!(m.breakdowns, 4);
        assert_eq!(m.breakdown_work_orders, 5);
        assert_eq!(m.open_breakdowns, 1);
        // 2 + 6 + 1 on P-1, 1 + 5 on P-2.
        assert!(close(Some(m.downtime_hours), 15.0));
        assert!(close(Some(m.calendar_hours), 200.0));
        // Restored: 6, 1, 1 hours.
        assert!(close(m.mttr_hours, 8.0 / 3.0));
        assert_eq!(m.restored, 3);
        assert!(close(m.active_repair_hours, 0.5));
        assert!(close(m.mtbf_hours, 50.0));
        assert!(close(m.mttf_hours, 185.0 / 4.0));
        assert!(close(m.availability, 0.925));
        assert_eq!(m.work_orders, vec!["1", "2", "3", "4", "5"]);
        assert_eq!(m.definitions.len(), DEFINITIONS.len());
    }

    #[test]
    fn one_asset_and_a_period_without_failures() {
        let h = history();
        let m = metrics(&h, &Scope::Asset("P-3".into()), 0, 100 * HOUR_MS);
        assert_eq!(m.breakdowns, 1);
        assert!(close(m.mttr_hours, 50.0));
        assert!(close(m.availability, 0.5));
        let quiet = metrics(
            &h,
            &Scope::Model("KSB-2".into()),
            100 * HOUR_MS,
            200 * HOUR_MS,
        );
        assert_eq!(quiet.breakdowns, 0);
        assert_eq!(quiet.mtbf_hours, None);
        assert!(close(quiet.availability, 1.0));
    }

    #[test]
    fn a_record_at_or_after_to_is_not_seen() {
        let m = metrics(
            &history(),
            &Scope::Asset("P-1".into()),
            100 * HOUR_MS,
            150 * HOUR_MS,
        );
        assert_eq!(m.breakdowns, 0);
        assert!(close(Some(m.downtime_hours), 0.0));
    }
}
