//! OEE of an asset or a line over a period, from its imported production counts and the
//! downtime of its breakdown work orders (`faultline oee`): per count period, the breakdown
//! downtime inside the period (for a line: the union of its assets' stops — any machine down
//! stops the line), then the ISO 22400-2 arithmetic of [`crate::oee`], in total and by shift or
//! by day. Definitions: docs/analytics.md, section "OEE".

use crate::events::{intervals, is_breakdown, union};
use crate::oee::{oee, Oee, ProductionCount};
use crate::time::{hours, iso, DAY_MS};
use crate::{History, Scope};
use faultline_core::store::ProductionCountRow;
use serde::Serialize;
use std::collections::BTreeMap;

/// How the rows of a report are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum OeeBy {
    /// One row per count (a shift).
    Shift,
    /// One row per UTC day of the counts' period starts.
    Day,
}

/// The definitions behind the figures, shown next to them.
const DEFINITIONS: [(&str, &str); 6] = [
    ("planned_busy_hours", "PBT: planned busy time of the counts (imported), shift time less planned stops"),
    ("downtime_hours", "breakdown downtime inside each count's period (work orders of type breakdown, not cancelled; for a line the union of its assets' stops), capped at its PBT; where a count states its actual production time APT, PBT - APT if that is longer (the excess is unlogged_stop_hours)"),
    ("availability", "APT / PBT, APT = PBT - downtime"),
    ("effectiveness", "PRI x PQ / APT (PRI planned run time per unit, PQ produced quantity)"),
    ("quality_rate", "GQ / PQ (GQ good quantity)"),
    ("oee", "availability x effectiveness x quality rate = PRI x GQ / PBT; several counts are summed before the ratios"),
];

/// One row: a count period (shift), a day, or the total.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct OeeRow {
    /// The shift name and start, the day (`YYYY-MM-DD`) or `total`.
    pub label: String,
    pub from: String,
    pub to: String,
    pub counts: usize,
    pub produced: f64,
    pub good: f64,
    /// Breakdown downtime from the work orders inside the counts' periods (capped at PBT).
    pub breakdown_downtime_hours: f64,
    /// Stops the counts' own APT shows beyond the logged breakdowns.
    pub unlogged_stop_hours: f64,
    #[serde(flatten)]
    pub oee: Oee,
}

/// `faultline oee`: the total and its rows, with the work orders behind the downtime.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct OeeReport {
    pub scope: Scope,
    pub from: String,
    pub to: String,
    pub by: Option<OeeBy>,
    pub total: OeeRow,
    pub rows: Vec<OeeRow>,
    /// Breakdowns whose downtime falls inside a count's period.
    pub work_orders: Vec<String>,
    pub definitions: BTreeMap<&'static str, &'static str>,
}

/// One count with its downtime worked out.
struct Counted<'a> {
    row: &'a ProductionCountRow,
    breakdown_h: f64,
    stop_h: f64,
}

fn day_label(ms: i64) -> String {
    iso(ms.div_euclid(DAY_MS) * DAY_MS)
        .get(..10)
        .unwrap_or_default()
        .to_string()
}

fn summarise(label: String, items: &[&Counted<'_>]) -> OeeRow {
    let counts: Vec<ProductionCount> = items
        .iter()
        .map(|c| ProductionCount {
            planned_busy_hours: c.row.planned_busy_hours,
            run_time_per_unit_s: c.row.run_time_per_unit_s,
            produced: c.row.produced,
            good: c.row.good,
        })
        .collect();
    let breakdown: f64 = items.iter().map(|c| c.breakdown_h).sum();
    let stop: f64 = items.iter().map(|c| c.stop_h).sum();
    OeeRow {
        label,
        from: items
            .iter()
            .map(|c| c.row.period_start)
            .min()
            .map(iso)
            .unwrap_or_default(),
        to: items
            .iter()
            .map(|c| c.row.period_end)
            .max()
            .map(iso)
            .unwrap_or_default(),
        counts: items.len(),
        produced: counts.iter().map(|c| c.produced).sum(),
        good: counts.iter().map(|c| c.good).sum(),
        breakdown_downtime_hours: breakdown,
        unlogged_stop_hours: stop - breakdown,
        oee: oee(&counts, stop),
    }
}

/// Where the history an OEE report reads ends: the latest end of a count, or `to` if later.
/// A breakdown still open counts as down up to it; read the history before it
/// (`History::load_period(store, from, history_end)` is enough).
pub fn history_end(counts: &[ProductionCountRow], to: i64) -> i64 {
    counts
        .iter()
        .map(|c| c.period_end)
        .max()
        .unwrap_or(to)
        .max(to)
}

/// OEE of `scope` (an asset or a line) from its `counts` (those whose period starts in
/// `[from, to)`) and the breakdowns in `h`. A breakdown still open counts as down up to the end
/// of the latest period.
pub fn oee_report(
    h: &History,
    scope: &Scope,
    counts: &[ProductionCountRow],
    from: i64,
    to: i64,
    by: Option<OeeBy>,
) -> OeeReport {
    let open_end = history_end(counts, to);
    let tags: Vec<&str> = h.assets_in(scope).map(|a| a.tag.as_str()).collect();
    let breakdowns: Vec<_> = h
        .work_orders
        .iter()
        .filter(|w| is_breakdown(w) && tags.iter().any(|t| t.eq_ignore_ascii_case(&w.asset_tag)))
        .map(|w| (w, intervals(w, open_end)))
        .collect();
    let stops = union(
        breakdowns
            .iter()
            .flat_map(|(_, v)| v.iter().copied())
            .collect(),
    );
    let mut behind: Vec<String> = Vec::new();
    let counted: Vec<Counted<'_>> = counts
        .iter()
        .map(|row| {
            let (s, e) = (row.period_start, row.period_end);
            for (w, v) in &breakdowns {
                if v.iter().any(|&(a, b)| a < e && b > s) && !behind.contains(&w.number) {
                    behind.push(w.number.clone());
                }
            }
            let down_ms: i64 = stops
                .iter()
                .map(|&(a, b)| (b.min(e) - a.max(s)).max(0))
                .sum();
            let breakdown_h = hours(down_ms).min(row.planned_busy_hours);
            let stop_h = row.actual_production_hours.map_or(breakdown_h, |apt| {
                breakdown_h.max(row.planned_busy_hours - apt)
            });
            Counted {
                row,
                breakdown_h,
                stop_h,
            }
        })
        .collect();
    let all: Vec<&Counted<'_>> = counted.iter().collect();
    let rows = match by {
        None => Vec::new(),
        Some(OeeBy::Shift) => counted
            .iter()
            .map(|c| {
                let label = match &c.row.shift {
                    Some(name) => format!("{name} {}", iso(c.row.period_start)),
                    None => iso(c.row.period_start),
                };
                summarise(label, &[c])
            })
            .collect(),
        Some(OeeBy::Day) => {
            let mut days: BTreeMap<String, Vec<&Counted<'_>>> = BTreeMap::new();
            for c in &counted {
                days.entry(day_label(c.row.period_start))
                    .or_default()
                    .push(c);
            }
            days.into_iter().map(|(d, v)| summarise(d, &v)).collect()
        }
    };
    OeeReport {
        scope: scope.clone(),
        from: iso(from),
        to: iso(to),
        by,
        total: summarise("total".into(), &all),
        rows,
        work_orders: behind,
        definitions: DEFINITIONS.into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::tests::breakdown;
    use crate::time::HOUR_MS;
    use crate::Asset;

    fn asset(tag: &str, line: &str) -> Asset {
        Asset {
            tag: tag.into(),
            site: "S".into(),
            location: Some(line.into()),
            model: None,
            equipment_class: None,
            description: None,
        }
    }

    fn count(start_h: i64, pbt: f64, apt: Option<f64>, pq: f64, gq: f64) -> ProductionCountRow {
        ProductionCountRow {
            scope_kind: "line".into(),
            scope_code: "L1".into(),
            shift: Some("A".into()),
            period_start: start_h * HOUR_MS,
            period_end: (start_h + 8) * HOUR_MS,
            planned_busy_hours: pbt,
            actual_production_hours: apt,
            run_time_per_unit_s: 60.0,
            produced: pq,
            good: gq,
        }
    }

    /// Line L1 (two machines) over two 8 h shifts, PBT 8 h each, 60 s per unit. Shift 1
    /// (0–8 h): M1 down 1–2 h and M2 down 1–3 h overlap → the line is down 1–3 h = 2 h, plus
    /// 7–8 h of a stop of M1 from 7 h to 9 h → 3 h; 300 made, 290 good. Shift 2 (8–16 h): that
    /// stop's 1 h inside it, but the count says APT 6.5 h, so 0.5 h of stops were never logged
    /// as breakdowns → 1.5 h; 360
    /// made, 360 good. A machine on another line (down all day) and a cancelled breakdown do
    /// not count. Total: PBT 16, downtime 3 + 1.5 = 4.5, APT 11.5, PRI×PQ = 660/60 = 11 h,
    /// PRI×GQ = 650/60 h; OEE = (650/60)/16.
    #[test]
    fn a_line_over_two_shifts_by_hand() {
        let h = History {
            assets: vec![asset("M1", "L1"), asset("M2", "l1"), asset("X9", "L2")],
            work_orders: vec![
                breakdown("1", "M1", 1, &[(1, Some(2))]),
                breakdown("2", "M2", 1, &[(1, Some(3))]),
                breakdown("3", "M1", 7, &[(7, Some(9))]),
                breakdown("4", "X9", 0, &[(0, Some(16))]),
                {
                    let mut w = breakdown("5", "M2", 10, &[(10, Some(12))]);
                    w.status = "cancelled".into();
                    w
                },
            ],
            alarms: Vec::new(),
        };
        let counts = [
            count(0, 8.0, None, 300.0, 290.0),
            count(8, 8.0, Some(6.5), 360.0, 360.0),
        ];
        let r = oee_report(
            &h,
            &Scope::Line("L1".into()),
            &counts,
            0,
            16 * HOUR_MS,
            Some(OeeBy::Shift),
        );
        let t = &r.total;
        assert!((t.oee.downtime_hours - 4.5).abs() < 1e-9, "{t:?}");
        assert!((t.breakdown_downtime_hours - 4.0).abs() < 1e-9);
        assert!((t.unlogged_stop_hours - 0.5).abs() < 1e-9);
        assert!((t.oee.availability.unwrap_or(0.0) - 11.5 / 16.0).abs() < 1e-9);
        assert!((t.oee.effectiveness.unwrap_or(0.0) - 11.0 / 11.5).abs() < 1e-9);
        assert!((t.oee.quality_rate.unwrap_or(0.0) - 650.0 / 660.0).abs() < 1e-9);
        assert!((t.oee.oee.unwrap_or(0.0) - (650.0 / 60.0) / 16.0).abs() < 1e-9);
        assert_eq!(r.work_orders, ["1", "2", "3"]);
        assert_eq!(r.rows.len(), 2);
        assert!((r.rows[0].oee.downtime_hours - 3.0).abs() < 1e-9);
        assert!((r.rows[1].oee.downtime_hours - 1.5).abs() < 1e-9);
        assert_eq!(r.rows[0].label, "A 1970-01-01T00:00:00Z");
    }

    #[test]
    fn by_day_groups_the_shifts_of_a_day() {
        let h = History::default();
        let counts = [
            count(0, 8.0, None, 100.0, 100.0),
            count(8, 8.0, None, 100.0, 100.0),
            count(24, 8.0, None, 100.0, 100.0),
        ];
        let r = oee_report(
            &h,
            &Scope::Line("L1".into()),
            &counts,
            0,
            48 * HOUR_MS,
            Some(OeeBy::Day),
        );
        let labels: Vec<_> = r
            .rows
            .iter()
            .map(|x| (x.label.as_str(), x.counts))
            .collect();
        assert_eq!(labels, [("1970-01-01", 2), ("1970-01-02", 1)]);
    }
}
