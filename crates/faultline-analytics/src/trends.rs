//! Month-by-month trends (breakdowns, downtime, MTTR) and the before/after difference in MTTR
//! around a date the user sets ("Faultline introduced"), with a bootstrap interval.

use crate::events::failure_events;
use crate::metrics::{asset_part, from_parts, AssetPart};
use crate::period::may_count_in;
use crate::prng::SplitMix64;
use crate::time::{hours, iso, month_label, month_start, next_month};
use crate::{History, Scope, WorkOrder};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct MonthRow {
    pub month: String,
    pub breakdowns: usize,
    pub downtime_hours: f64,
    pub mttr_hours: Option<f64>,
    pub availability: Option<f64>,
}

/// One row per calendar month (UTC) touching `[from, to)`, each the figures of [`metrics`] over
/// the part of the month inside the period. The scope's work orders are grouped by asset once,
/// and each month reads only those that can count in it ([`may_count_in`]: what
/// [`History::period`] keeps, with the same figures), not every work order of the period again
/// per month.
pub fn monthly(h: &History, scope: &Scope, from: i64, to: i64) -> Vec<MonthRow> {
    let tags: HashSet<&str> = h.assets_in(scope).map(|a| a.tag.as_str()).collect();
    let mut by_asset: BTreeMap<&str, Vec<&WorkOrder>> = BTreeMap::new();
    for w in h
        .work_orders
        .iter()
        .filter(|w| w.reported_at < to && tags.contains(w.asset_tag.as_str()))
    {
        by_asset.entry(w.asset_tag.as_str()).or_default().push(w);
    }
    let mut out = Vec::new();
    let mut m = month_start(from);
    let mut wos: Vec<&WorkOrder> = Vec::new();
    while m < to {
        let end = next_month(m);
        let (a, b) = (m.max(from), end.min(to));
        let parts: Vec<AssetPart> = by_asset
            .values()
            .filter_map(|all| {
                wos.clear();
                wos.extend(all.iter().copied().filter(|w| may_count_in(w, a, b)));
                (!wos.is_empty()).then(|| asset_part(wos.iter().copied(), a, b))
            })
            .collect();
        let x = from_parts(scope, a, b, tags.len(), parts.iter());
        out.push(MonthRow {
            month: month_label(m),
            breakdowns: x.breakdowns,
            downtime_hours: x.downtime_hours,
            mttr_hours: x.mttr_hours,
            availability: x.availability,
        });
        m = end;
    }
    out
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BeforeAfter {
    pub marker: String,
    pub before_restored: usize,
    pub before_mttr_hours: Option<f64>,
    pub after_restored: usize,
    pub after_mttr_hours: Option<f64>,
    /// After minus before (negative: repairs got faster).
    pub difference_hours: Option<f64>,
    /// 95 % percentile bootstrap interval of the difference (2,000 resamples, fixed seed).
    pub interval_95: Option<(f64, f64)>,
    pub method: &'static str,
}

pub const BOOTSTRAP_RESAMPLES: usize = 2000;

/// MTTR of the failures restored in `[from, marker)` against `[marker, to)`.
pub fn before_after(
    h: &History,
    scope: &Scope,
    from: i64,
    marker: i64,
    to: i64,
    seed: u64,
) -> BeforeAfter {
    let tags: HashSet<&str> = h.assets_in(scope).map(|a| a.tag.as_str()).collect();
    let events = failure_events(
        h.work_orders
            .iter()
            .filter(|w| tags.contains(w.asset_tag.as_str())),
        to,
    );
    let restored = |a: i64, b: i64| -> Vec<f64> {
        events
            .iter()
            .filter(|e| e.start >= a && e.start < b && e.restored_at.is_some())
            .map(|e| hours(e.downtime_ms))
            .collect()
    };
    let before = restored(from, marker);
    let after = restored(marker, to);
    let mean = |v: &[f64]| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
    let (mb, ma) = (mean(&before), mean(&after));
    BeforeAfter {
        marker: iso(marker),
        before_restored: before.len(),
        before_mttr_hours: mb,
        after_restored: after.len(),
        after_mttr_hours: ma,
        difference_hours: mb.zip(ma).map(|(b, a)| a - b),
        interval_95: bootstrap_difference(&before, &after, seed),
        method: "Percentile bootstrap of the difference in mean time to restore (after − before): both groups resampled with replacement 2,000 times with a fixed seed; no interval with fewer than 2 restored failures on either side.",
    }
}

/// 2.5th and 97.5th percentiles of mean(after*) − mean(before*).
pub fn bootstrap_difference(before: &[f64], after: &[f64], seed: u64) -> Option<(f64, f64)> {
    if before.len() < 2 || after.len() < 2 {
        return None;
    }
    let mut rng = SplitMix64::new(seed);
    let mut resample = |v: &[f64]| -> f64 {
        (0..v.len()).map(|_| v[rng.below(v.len())]).sum::<f64>() / v.len() as f64
    };
    let mut diffs: Vec<f64> = (0..BOOTSTRAP_RESAMPLES)
        .map(|_| {
            let b = resample(before);
            resample(after) - b
        })
        .collect();
    diffs.sort_by(f64::total_cmp);
    let at = |q: f64| diffs[((q * (diffs.len() - 1) as f64).round() as usize).min(diffs.len() - 1)];
    Some((at(0.025), at(0.975)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::tests::breakdown;
    use crate::time::{DAY_MS, HOUR_MS};
    use crate::Asset;

    fn history() -> History {
        // Jan 2024: four 4 h repairs; Feb: four 2 h repairs (times in hours since 2024-01-01).
        let jan = 1_704_067_200_000 / HOUR_MS;
        let mut wos = Vec::new();
        for i in 0..4 {
            let t = jan + 24 * (2 + 5 * i);
            wos.push(breakdown(
                &format!("J{i}"),
                "P-1",
                t,
                &[(t, Some(t + 4 - i % 2))],
            ));
            let t = t + 31 * 24;
            wos.push(breakdown(
                &format!("F{i}"),
                "P-1",
                t,
                &[(t, Some(t + 2 - i % 2))],
            ));
        }
        wos.sort_by_key(|w| w.reported_at);
        History {
            assets: vec![Asset {
                tag: "P-1".into(),
                site: "S".into(),
                location: None,
                model: None,
                equipment_class: None,
                description: None,
            }],
            work_orders: wos,
            alarms: Vec::new(),
        }
    }

    #[test]
    fn months_and_the_before_after_difference() {
        let h = history();
        let jan = 1_704_067_200_000;
        let rows = monthly(&h, &Scope::All, jan, jan + 60 * DAY_MS);
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].month.as_str(), rows[0].breakdowns), ("2024-01", 4));
        assert_eq!(rows[0].mttr_hours, Some(3.5));
        assert_eq!(rows[1].mttr_hours, Some(1.5));
        assert_eq!(rows[1].downtime_hours, 6.0);
        let feb = jan + 31 * DAY_MS;
        let ba = before_after(&h, &Scope::All, jan, feb, jan + 60 * DAY_MS, 7);
        assert_eq!(ba.difference_hours, Some(-2.0));
        let Some((lo, hi)) = ba.interval_95 else {
            panic!("interval expected");
        };
        // Every resample difference lies between (1 − 4) and (2 − 3).
        assert!((-3.0..=-2.0).contains(&lo) && (-2.0..=-1.0).contains(&hi));
        // The same seed gives the same interval.
        let again = before_after(&h, &Scope::All, jan, feb, jan + 60 * DAY_MS, 7);
        assert_eq!(again.interval_95, ba.interval_95);
    }

    #[test]
    fn no_interval_with_too_few_repairs() {
        assert_eq!(bootstrap_difference(&[1.0], &[2.0, 3.0], 1), None);
    }
}
