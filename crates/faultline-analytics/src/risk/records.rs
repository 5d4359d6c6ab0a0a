//! What the risk ranking reads, and no more: the breakdowns (for the failure events), the
//! component replacements, when each asset's first work order was reported, and the alarms of
//! the windows the model looks at — instead of every work order with its parts.
//!
//! [`RiskRecords::load`] reads them through indexes (core `analytics_breakdowns_before`,
//! `analytics_replacement_candidates`, `analytics_first_work_orders`,
//! `analytics_alarms_window`); [`RiskRecords::from_history`] cuts the same out of a whole
//! [`History`]. Ranking either gives the same answer as [`rank`](super::rank) on the history
//! (tested on generated fleets here and on the demo plant and the Azure PdM import in
//! `tests/risk_records.rs`).

use super::facts::replaced_components;
use super::features::LONGEST_ALARM_WINDOW_DAYS;
use super::MAX_ORIGINS;
use crate::events::is_breakdown;
use crate::time::DAY_MS;
use crate::{Alarm, Asset, History, WorkOrder};
use faultline_core::Store;
use std::collections::HashSet;

/// A component replaced on an asset.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Replacement {
    pub asset_tag: String,
    /// When the work order finished (reported, when it has no finish time).
    pub at: i64,
    pub component: String,
}

/// The risk model's inputs before `at` for a horizon of `horizon_days`.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskRecords {
    /// The ranking time: only records strictly before it.
    pub at: i64,
    pub horizon_days: u32,
    pub assets: Vec<Asset>,
    /// The breakdowns (not cancelled), oldest first, with their downtime; start and finish
    /// times, codes, remedy text and part numbers are left out.
    pub breakdowns: Vec<WorkOrder>,
    /// Sorted.
    pub replacements: Vec<Replacement>,
    /// When each asset's first work order of any kind was reported, by tag.
    pub first_work_orders: Vec<(String, i64)>,
    /// The alarms from [`alarms_needed_from`] on, and each asset's first alarm when it is
    /// older (it dates the asset's first record); oldest first.
    pub alarms: Vec<Alarm>,
}

/// The oldest alarm a ranking at `at` looks at: the longest alarm window before the fit's
/// earliest origin, or the 8 weeks of the sparkline before `at` if that is earlier.
pub fn alarms_needed_from(at: i64, horizon_days: u32) -> i64 {
    let horizon = i64::from(horizon_days.max(1));
    let earliest_origin = at - horizon * DAY_MS - (MAX_ORIGINS - 1) * 7 * DAY_MS;
    (earliest_origin - LONGEST_ALARM_WINDOW_DAYS * DAY_MS).min(at - 8 * 7 * DAY_MS)
}

/// A breakdown as the lean read has it.
fn lean(w: &WorkOrder) -> WorkOrder {
    WorkOrder {
        started_at: None,
        finished_at: None,
        failure_class: None,
        problem_code: None,
        cause_code: None,
        remedy_text: None,
        parts: Vec::new(),
        ..w.clone()
    }
}

/// The replacements a work order reported before `cut_off` made (none when cancelled or
/// finished at or after `cut_off`).
fn replacements_of(w: &WorkOrder, cut_off: i64) -> Vec<Replacement> {
    let at = w.finished_at.unwrap_or(w.reported_at);
    if w.status == "cancelled" || w.reported_at >= cut_off || at >= cut_off {
        return Vec::new();
    }
    replaced_components(w)
        .into_iter()
        .map(|component| Replacement {
            asset_tag: w.asset_tag.clone(),
            at,
            component,
        })
        .collect()
}

impl RiskRecords {
    /// Reads what a ranking at `at` for `horizon_days` needs, recorded strictly before `at`.
    pub fn load(store: &Store, at: i64, horizon_days: u32) -> faultline_core::error::Result<Self> {
        let mut replacements: Vec<Replacement> = store
            .analytics_replacement_candidates(at)?
            .iter()
            .flat_map(|w| replacements_of(w, at))
            .collect();
        replacements.sort();
        Ok(RiskRecords {
            at,
            horizon_days,
            assets: store.analytics_assets()?,
            breakdowns: store.analytics_breakdowns_before(at)?,
            replacements,
            first_work_orders: store.analytics_first_work_orders(at)?,
            alarms: store.analytics_alarms_window(alarms_needed_from(at, horizon_days), at)?,
        })
    }

    /// The same records cut out of a whole history.
    pub fn from_history(h: &History, at: i64, horizon_days: u32) -> Self {
        let before = h.work_orders.iter().filter(|w| w.reported_at < at);
        let breakdowns = before
            .clone()
            .filter(|w| is_breakdown(w))
            .map(lean)
            .collect();
        let mut replacements: Vec<Replacement> = before
            .clone()
            .flat_map(|w| replacements_of(w, at))
            .collect();
        replacements.sort();
        let mut first_work_orders: Vec<(String, i64)> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for w in before {
            if seen.insert(w.asset_tag.as_str()) {
                first_work_orders.push((w.asset_tag.clone(), w.reported_at));
            }
        }
        first_work_orders.sort();
        let from = alarms_needed_from(at, horizon_days);
        let mut seen: HashSet<&str> = HashSet::new();
        let alarms = h
            .alarms
            .iter()
            .filter(|a| a.occurred_at < at)
            .filter(|a| seen.insert(a.asset_tag.as_str()) || a.occurred_at >= from)
            .cloned()
            .collect();
        RiskRecords {
            at,
            horizon_days,
            assets: h.assets.clone(),
            breakdowns,
            replacements,
            first_work_orders,
            alarms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::tests::breakdown;
    use crate::prng::SplitMix64;
    use crate::risk::{rank, rank_records};
    use crate::time::HOUR_MS;

    /// 30 machines of 3 models over three years: breakdowns (some cancelled, some of them
    /// overlapping), preventive work replacing parts or naming them in the remedy, alarms
    /// throughout, so that the alarm window cuts some off.
    fn history(seed: u64) -> History {
        let mut r = SplitMix64::new(seed);
        let assets: Vec<Asset> = (0..30)
            .map(|i| Asset {
                tag: format!("M-{i:02}"),
                site: "S".into(),
                location: Some(format!("L{}", i % 2)),
                model: Some(format!("K{}", i % 3)),
                equipment_class: Some(if i % 2 == 0 { "Pumps" } else { "Fans" }.into()),
                description: None,
            })
            .collect();
        let mut wos = Vec::new();
        let mut alarms = Vec::new();
        for n in 0..3_000 {
            let tag = format!("M-{:02}", r.below(30));
            let t = (r.below(3 * 365 * 24) as i64) + 24 * (r.below(3) as i64);
            let mut w = breakdown(
                &format!("W{n}"),
                &tag,
                t,
                &[(t, Some(t + 1 + r.below(9) as i64))],
            );
            match r.below(8) {
                0 => w.status = "cancelled".into(),
                1 => w.wo_type = "preventive".into(),
                2 => w.parts = vec!["BRG-1".into(), "SEAL".into()],
                3 => w.remedy_text = Some(" impeller replaced ".into()),
                4 => w.downtime = Vec::new(),
                _ => {}
            }
            if r.below(3) == 0 {
                w.finished_at = Some(w.reported_at + (r.below(48) as i64) * HOUR_MS);
            }
            w.failure_class = Some("MECH".into());
            wos.push(w);
            for k in 0..r.below(3) {
                alarms.push(Alarm {
                    asset_tag: tag.clone(),
                    code: format!("OC{k}"),
                    occurred_at: (t - 1 - r.below(200) as i64) * HOUR_MS,
                });
            }
        }
        wos.sort_by_key(|w| w.reported_at);
        alarms.sort_by_key(|a| a.occurred_at);
        History {
            assets,
            work_orders: wos,
            alarms,
        }
    }

    fn json<T: serde::Serialize>(v: &T) -> serde_json::Value {
        serde_json::to_value(v).unwrap_or_default()
    }

    #[test]
    fn ranking_on_the_records_equals_ranking_on_the_whole_history() {
        let mut cut_alarms = 0;
        for seed in 1..=3 {
            let h = history(seed);
            for (day, horizon) in [(400, 30), (800, 7), (1_000, 14), (1_095, 30)] {
                let at = day * 24 * HOUR_MS + 7;
                let rec = RiskRecords::from_history(&h, at, horizon);
                assert!(rec.breakdowns.len() < h.work_orders.len());
                assert!(!rec.replacements.is_empty());
                cut_alarms +=
                    h.alarms.iter().filter(|a| a.occurred_at < at).count() - rec.alarms.len();
                let full = rank(&h, at, horizon);
                assert!(full.model.fitted, "seed {seed} day {day}");
                // Not assert_eq: a difference would print two whole rankings.
                assert!(
                    json(&full) == json(&rank_records(&rec)),
                    "seed {seed} day {day} horizon {horizon}: the rankings differ"
                );
            }
        }
        assert!(
            cut_alarms > 1_000,
            "the window left alarms out ({cut_alarms})"
        );
    }

    #[test]
    fn the_alarm_window_covers_every_origin_of_the_fit_and_the_sparkline() {
        let at = 1_000 * DAY_MS;
        for horizon in [1, 7, 30, 365] {
            let from = alarms_needed_from(at, horizon);
            let earliest_origin = at - i64::from(horizon) * DAY_MS - (MAX_ORIGINS - 1) * 7 * DAY_MS;
            assert!(from <= earliest_origin - 30 * DAY_MS);
            assert!(from <= at - 56 * DAY_MS);
        }
    }
}
