//! Downtime Pareto: where the breakdown hours and counts go, by cause, problem, failure class or
//! asset, biggest first with the cumulative share; and repeat failures (the same asset with the
//! same problem again within N days).

use crate::events::{clipped_total, intervals, is_breakdown, union};
use crate::time::{hours, iso, DAY_MS};
use crate::{History, Scope, WorkOrder};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ParetoBy {
    Cause,
    Problem,
    Class,
    Asset,
}

impl ParetoBy {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "cause" => Some(ParetoBy::Cause),
            "problem" => Some(ParetoBy::Problem),
            "class" => Some(ParetoBy::Class),
            "asset" => Some(ParetoBy::Asset),
            _ => None,
        }
    }

    fn key(self, w: &WorkOrder) -> String {
        let v = match self {
            ParetoBy::Cause => w.cause_code.clone(),
            ParetoBy::Problem => w.problem_code.clone(),
            ParetoBy::Class => w.failure_class.clone(),
            ParetoBy::Asset => Some(w.asset_tag.clone()),
        };
        v.filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "(not coded)".into())
    }
}

/// What a repeat failure is keyed on: the problem code, else the cause code.
fn problem_of(w: &WorkOrder) -> Option<&str> {
    w.problem_code
        .as_deref()
        .or(w.cause_code.as_deref())
        .filter(|s| !s.trim().is_empty())
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ParetoBar {
    pub key: String,
    pub hours: f64,
    pub count: usize,
    pub share_of_hours: f64,
    pub cumulative_share: f64,
    pub work_orders: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RepeatFailure {
    pub asset_tag: String,
    pub problem: String,
    pub first_work_order: String,
    pub first_at: String,
    pub repeat_work_order: String,
    pub repeat_at: String,
    pub days_apart: f64,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Pareto {
    pub by: ParetoBy,
    pub scope: Scope,
    pub from: String,
    pub to: String,
    pub total_hours: f64,
    pub total_count: usize,
    pub bars: Vec<ParetoBar>,
    pub repeat_within_days: u32,
    pub repeats: Vec<RepeatFailure>,
    pub definition: &'static str,
}

pub const DEFINITION: &str = "Breakdown work orders (not cancelled) whose stoppage started in the period (report time when no downtime was recorded). Hours: the work order's own downtime inside the period; where stops of one asset overlap, the overlap counts once, for the earliest-reported work order. Bars by hours, then count. A repeat failure: the same asset with the same problem code (else cause code) within N days of the previous one.";

/// The Pareto of breakdowns in `[from, to)` by `by`, and repeats within `repeat_days`.
pub fn pareto(
    h: &History,
    scope: &Scope,
    by: ParetoBy,
    from: i64,
    to: i64,
    repeat_days: u32,
) -> Pareto {
    let tags: HashSet<&str> = h.assets_in(scope).map(|a| a.tag.as_str()).collect();
    let mut covered: HashMap<&str, Vec<(i64, i64)>> = HashMap::new();
    let mut bars: BTreeMap<String, (i64, Vec<String>)> = BTreeMap::new();
    let mut last_seen: HashMap<(&str, &str), (&WorkOrder, i64)> = HashMap::new();
    let mut repeats = Vec::new();
    // Work orders are oldest first (by report time).
    for w in h
        .work_orders
        .iter()
        .filter(|w| w.reported_at < to && is_breakdown(w) && tags.contains(w.asset_tag.as_str()))
    {
        let own = intervals(w, to);
        let start = own.iter().map(|x| x.0).min().unwrap_or(w.reported_at);
        let cov = covered.entry(w.asset_tag.as_str()).or_default();
        let before = clipped_total(cov, from, to);
        cov.extend(own);
        *cov = union(std::mem::take(cov));
        let added = clipped_total(cov, from, to) - before;
        if start < from {
            continue;
        }
        let bar = bars.entry(by.key(w)).or_default();
        bar.0 += added;
        bar.1.push(w.number.clone());
        if let Some(p) = problem_of(w) {
            let k = (w.asset_tag.as_str(), p);
            if let Some((prev, prev_start)) = last_seen.get(&k) {
                let gap = start - prev_start;
                if gap > 0 && gap <= i64::from(repeat_days) * DAY_MS {
                    repeats.push(RepeatFailure {
                        asset_tag: w.asset_tag.clone(),
                        problem: p.to_string(),
                        first_work_order: prev.number.clone(),
                        first_at: iso(*prev_start),
                        repeat_work_order: w.number.clone(),
                        repeat_at: iso(start),
                        days_apart: gap as f64 / DAY_MS as f64,
                    });
                }
            }
            last_seen.insert(k, (w, start));
        }
    }
    let total_ms: i64 = bars.values().map(|b| b.0).sum();
    let total_count = bars.values().map(|b| b.1.len()).sum();
    let mut bars: Vec<ParetoBar> = bars
        .into_iter()
        .map(|(key, (ms, wos))| ParetoBar {
            key,
            hours: hours(ms),
            count: wos.len(),
            share_of_hours: if total_ms > 0 {
                ms as f64 / total_ms as f64
            } else {
                0.0
            },
            cumulative_share: 0.0,
            work_orders: wos,
        })
        .collect();
    bars.sort_by(|a, b| {
        b.hours
            .total_cmp(&a.hours)
            .then(b.count.cmp(&a.count))
            .then(a.key.cmp(&b.key))
    });
    let mut cum = 0.0;
    for b in &mut bars {
        cum += b.share_of_hours;
        b.cumulative_share = cum;
    }
    Pareto {
        by,
        scope: scope.clone(),
        from: iso(from),
        to: iso(to),
        total_hours: hours(total_ms),
        total_count,
        bars,
        repeat_within_days: repeat_days,
        repeats,
        definition: DEFINITION,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::tests::breakdown;
    use crate::time::HOUR_MS;

    fn coded(number: &str, tag: &str, at: i64, down: i64, problem: &str) -> WorkOrder {
        let mut w = breakdown(number, tag, at, &[(at, Some(at + down))]);
        w.problem_code = Some(problem.into());
        w.cause_code = Some(format!("C-{problem}"));
        w
    }

    fn history() -> History {
        let asset = |tag: &str| crate::Asset {
            tag: tag.into(),
            site: "S".into(),
            location: None,
            model: None,
            equipment_class: None,
            description: None,
        };
        History {
            assets: vec![asset("P-1"), asset("P-2")],
            work_orders: vec![
                coded("1", "P-1", 0, 4, "LEAK"),
                coded("2", "P-1", 2, 4, "LEAK"), // overlaps 2 h of #1: adds 2 h
                coded("3", "P-2", 10, 3, "TRIP"),
                coded("4", "P-1", 10 * 24, 1, "LEAK"), // 10 days after #1: a repeat
                coded("5", "P-1", 100 * 24, 1, "LEAK"), // 90 days later: not a repeat
                breakdown("6", "P-2", 30, &[]),
            ],
            alarms: Vec::new(),
        }
    }

    #[test]
    fn bars_by_hours_with_overlaps_once_and_uncoded_work() {
        let p = pareto(
            &history(),
            &Scope::All,
            ParetoBy::Problem,
            0,
            200 * 24 * HOUR_MS,
            30,
        );
        let keys: Vec<_> = p
            .bars
            .iter()
            .map(|b| (b.key.as_str(), b.hours, b.count))
            .collect();
        assert_eq!(
            keys,
            vec![("LEAK", 8.0, 4), ("TRIP", 3.0, 1), ("(not coded)", 0.0, 1)]
        );
        assert_eq!(p.total_count, 6);
        assert!((p.bars[1].cumulative_share - 1.0).abs() < 1e-12);
        assert_eq!(p.bars[0].work_orders, vec!["1", "2", "4", "5"]);
    }

    #[test]
    fn repeats_are_the_same_asset_and_problem_within_n_days() {
        let p = pareto(
            &history(),
            &Scope::All,
            ParetoBy::Asset,
            0,
            200 * 24 * HOUR_MS,
            30,
        );
        let r: Vec<_> = p
            .repeats
            .iter()
            .map(|r| (r.first_work_order.as_str(), r.repeat_work_order.as_str()))
            .collect();
        assert_eq!(r, vec![("1", "2"), ("2", "4")]);
        assert_eq!(p.bars[0].key, "P-1");
    }

    #[test]
    fn by_cause_and_a_period_that_starts_later() {
        let p = pareto(
            &history(),
            &Scope::All,
            ParetoBy::Cause,
            HOUR_MS,
            200 * 24 * HOUR_MS,
            30,
        );
        // #1 started before the period; #2 adds only what #1 did not cover.
        assert_eq!(p.bars[0].key, "C-LEAK");
        assert_eq!(p.bars[0].count, 3);
        assert!((p.bars[0].hours - 4.0).abs() < 1e-9);
    }
}
