//! The fast path for figures over a period: read only the breakdowns that can count in
//! `[from, to)` instead of the whole history, and keep them in memory so that a write (a closed
//! work order, a machine back in service) updates the figures by re-reading that one work order.
//!
//! Definitions do not change: [`metrics`](crate::metrics()), [`pareto`](crate::pareto()) and
//! [`monthly`](crate::trends::monthly) and
//! [`before_after`](crate::trends::before_after) over `[from, to)` or any part of it give the same answer
//! on [`History::load_period`] as on [`History::load`] (a breakdown reported before the period
//! only matters through its downtime inside it, so one whose downtime ended before the period
//! cannot change a figure). The equivalence is tested below on a seeded random history, and the
//! SQL read against the full read in faultline-core (`analytics_breakdowns_between`).

use crate::events::is_breakdown;
use crate::metrics::{asset_part, from_parts, AssetPart, Metrics};
use crate::{History, Scope, WorkOrder};
use faultline_core::Store;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// Whether a work order can count in a figure over `[from, to)` or a part of it: a breakdown
/// reported before `to`, and either reported at or after `from` or with downtime still open or
/// ending at or after `from`.
pub fn may_count_in(w: &WorkOrder, from: i64, to: i64) -> bool {
    is_breakdown(w)
        && w.reported_at < to
        && (w.reported_at >= from || w.downtime.iter().any(|(_, e)| e.is_none_or(|e| e >= from)))
}

impl History {
    /// Every asset and only the breakdowns that can count in `[from, to)` ([`may_count_in`]),
    /// oldest first, without part numbers and alarms: enough for `metrics`, `pareto`,
    /// `trends::monthly` and `trends::before_after` over that period or a part of it, not for `risk` or OEE.
    pub fn load_period(store: &Store, from: i64, to: i64) -> faultline_core::error::Result<Self> {
        Ok(History {
            assets: store.analytics_assets()?,
            work_orders: store.analytics_breakdowns_between(from, to)?,
            alarms: Vec::new(),
        })
    }

    /// Re-reads the work orders with these numbers (just written) into this history of the
    /// period `[from, to)` ([`History::load_period`] or [`History::period`]): each is put in,
    /// replaced or taken out as it now can count in the period or not, in the order a fresh
    /// read has (oldest first; one whose report time did not change keeps its place, a new one
    /// goes after those reported at the same time). Answers the tags of the assets they belong
    /// to, before and after. A new asset needs a `load_period`.
    pub fn refresh_period(
        &mut self,
        store: &Store,
        from: i64,
        to: i64,
        numbers: &[&str],
    ) -> faultline_core::error::Result<HashSet<String>> {
        let mut touched: HashSet<String> = HashSet::new();
        for number in numbers {
            let now = store.analytics_work_orders_numbered(number)?;
            let wos = &mut self.work_orders;
            touched.extend(
                wos.iter()
                    .filter(|w| w.number == *number)
                    .map(|w| w.asset_tag.clone()),
            );
            touched.extend(now.iter().map(|w| w.asset_tag.clone()));
            let mut now: Vec<WorkOrder> = now
                .into_iter()
                .filter(|w| may_count_in(w, from, to))
                .map(|w| WorkOrder {
                    parts: Vec::new(),
                    ..w
                })
                .collect();
            // Replaced in place when still reported at the same time, else taken out.
            wos.retain_mut(|w| {
                if w.number != *number {
                    return true;
                }
                let same = now
                    .iter()
                    .position(|n| n.asset_tag == w.asset_tag && n.reported_at == w.reported_at);
                same.map(|i| *w = now.swap_remove(i)).is_some()
            });
            for w in now {
                let at = wos.partition_point(|x| x.reported_at <= w.reported_at);
                wos.insert(at, w);
            }
        }
        Ok(touched)
    }

    /// This history cut to what can count in `[from, to)`, as [`History::load_period`] reads it.
    pub fn period(&self, from: i64, to: i64) -> History {
        History {
            assets: self.assets.clone(),
            work_orders: self
                .work_orders
                .iter()
                .filter(|w| may_count_in(w, from, to))
                .map(|w| WorkOrder {
                    parts: Vec::new(),
                    ..w.clone()
                })
                .collect(),
            alarms: Vec::new(),
        }
    }
}

/// A period's history kept in memory for a screen that shows its figures: after a write to
/// some work orders, [`PeriodCache::refresh`] re-reads just those, so the figures follow at once
/// without reading the period again; a period "to now" asked again a moment later
/// ([`PeriodCache::extend_to`]) reads only what was reported since.
#[derive(Debug, Clone)]
pub struct PeriodCache {
    pub from: i64,
    pub to: i64,
    /// Shared with the callers that compute other figures over it (copied on write).
    pub history: Arc<History>,
    /// Per scope asked for by [`PeriodCache::metrics`]: its asset tags and the parts of those
    /// with work orders, by tag. At most [`KEPT_SCOPES`], the oldest dropped first.
    parts: Vec<ScopeParts>,
}

/// How many scopes' per-asset parts a [`PeriodCache`] keeps.
const KEPT_SCOPES: usize = 8;

#[derive(Debug, Clone)]
struct ScopeParts {
    scope: Scope,
    tags: HashSet<String>,
    parts: BTreeMap<String, AssetPart>,
    /// The tags whose part may change when the period's end moves later ([`reaches_end`]).
    moving: HashSet<String>,
}

/// Whether an asset's part over `[from, to)` may differ over `[from, later)`: one of its work
/// orders has a time at or after `to`, or a downtime still open. Otherwise every time the part
/// reads is before `to`, and so before any later end.
fn reaches_end(wos: &[&WorkOrder], to: i64) -> bool {
    let at_or_after = |t: Option<i64>| t.is_some_and(|t| t >= to);
    wos.iter().any(|w| {
        w.reported_at >= to
            || at_or_after(w.started_at)
            || at_or_after(w.finished_at)
            || w.downtime
                .iter()
                .any(|&(s, e)| s >= to || e.is_none_or(|e| e >= to))
    })
}

impl ScopeParts {
    /// Computes the parts of the scope's assets among `tags` (all of them with `None`) from
    /// `history`, in one pass over its work orders.
    fn compute(&mut self, history: &History, tags: Option<&HashSet<String>>, from: i64, to: i64) {
        let mut by_asset: HashMap<&str, Vec<&WorkOrder>> = HashMap::new();
        match tags {
            // A few assets: each row looked up in their (small) map only.
            Some(tags) => {
                for t in tags.iter().filter(|t| self.tags.contains(*t)) {
                    by_asset.insert(t.as_str(), Vec::new());
                }
                for w in &history.work_orders {
                    if let Some(wos) = by_asset.get_mut(w.asset_tag.as_str()) {
                        wos.push(w);
                    }
                }
            }
            None => {
                for w in &history.work_orders {
                    if self.tags.contains(&w.asset_tag) {
                        by_asset.entry(w.asset_tag.as_str()).or_default().push(w);
                    }
                }
            }
        }
        for (tag, wos) in by_asset {
            if reaches_end(&wos, to) {
                self.moving.insert(tag.to_string());
            } else {
                self.moving.remove(tag);
            }
            if wos.is_empty() {
                self.parts.remove(tag);
            } else {
                self.parts
                    .insert(tag.to_string(), asset_part(wos, from, to));
            }
        }
    }
}

impl PeriodCache {
    pub fn load(store: &Store, from: i64, to: i64) -> faultline_core::error::Result<Self> {
        Ok(PeriodCache::new(
            History::load_period(store, from, to)?,
            from,
            to,
        ))
    }

    /// A cache of `history`, read for `[from, to)` ([`History::load_period`]).
    pub fn new(history: History, from: i64, to: i64) -> Self {
        PeriodCache {
            from,
            to,
            history: Arc::new(history),
            parts: Vec::new(),
        }
    }

    /// The figures of `scope` over the cache's period, the same as [`metrics`] on its history.
    /// Each asset's part is kept, so after [`PeriodCache::refresh`] only the assets of the
    /// written work orders are computed again.
    pub fn metrics(&mut self, scope: &Scope) -> Metrics {
        let (from, to) = (self.from, self.to);
        let at = match self.parts.iter().position(|p| &p.scope == scope) {
            Some(i) => i,
            None => {
                if self.parts.len() >= KEPT_SCOPES {
                    self.parts.remove(0);
                }
                let mut p = ScopeParts {
                    scope: scope.clone(),
                    tags: self
                        .history
                        .assets_in(scope)
                        .map(|a| a.tag.clone())
                        .collect(),
                    parts: BTreeMap::new(),
                    moving: HashSet::new(),
                };
                p.compute(&self.history, None, from, to);
                self.parts.push(p);
                self.parts.len() - 1
            }
        };
        let p = &self.parts[at];
        from_parts(scope, from, to, p.tags.len(), p.parts.values())
    }

    /// Re-reads the work orders with these numbers (just written): each is put in, replaced
    /// or taken out as it now can count in the period or not. Answers the tags of the assets
    /// they belong to, before and after. A new asset needs a `load`.
    pub fn refresh(
        &mut self,
        store: &Store,
        numbers: &[&str],
    ) -> faultline_core::error::Result<HashSet<String>> {
        let (from, to) = (self.from, self.to);
        let touched = Arc::make_mut(&mut self.history).refresh_period(store, from, to, numbers)?;
        for p in &mut self.parts {
            p.compute(&self.history, Some(&touched), from, to);
        }
        Ok(touched)
    }

    /// Moves the period's end later to `to` (a period "to now" asked again a moment later):
    /// only the breakdowns reported since the kept end are read, and only the parts of their
    /// assets and of those whose part depends on the end (a downtime still open) are computed
    /// again. An earlier `to` changes nothing.
    pub fn extend_to(&mut self, store: &Store, to: i64) -> faultline_core::error::Result<()> {
        if to <= self.to {
            return Ok(());
        }
        let kept_to = self.to;
        let added: Vec<WorkOrder> = store
            .analytics_breakdowns_between(kept_to, to)?
            .into_iter()
            .filter(|w| w.reported_at >= kept_to)
            .collect();
        self.extend_with(added, to);
        Ok(())
    }

    /// [`PeriodCache::extend_to`] with what was read: the breakdowns that can count in the
    /// longer period reported at or after the kept end, oldest first.
    fn extend_with(&mut self, added: Vec<WorkOrder>, to: i64) {
        let touched: HashSet<String> = added.iter().map(|w| w.asset_tag.clone()).collect();
        Arc::make_mut(&mut self.history).work_orders.extend(added);
        self.to = to;
        for p in &mut self.parts {
            let mut tags = touched.clone();
            tags.extend(p.moving.iter().cloned());
            p.compute(&self.history, Some(&tags), self.from, to);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pareto::ParetoBy;
    use crate::prng::SplitMix64;
    use crate::time::HOUR_MS;
    use crate::trends::{before_after, monthly};
    use crate::{metrics, pareto, Asset, Scope};

    const DAY: i64 = 24 * HOUR_MS;

    /// A seeded random history over two years: 12 assets on 3 lines, every kind of work,
    /// overlapping and same-instant breakdowns, stops without downtime, still open, carried
    /// across months, intermittent (two intervals), cancelled.
    fn random_history(seed: u64) -> History {
        let mut r = SplitMix64::new(seed);
        let assets: Vec<Asset> = (0..12)
            .map(|i| Asset {
                tag: format!("A-{i}"),
                site: if i < 8 { "S1" } else { "S2" }.into(),
                location: Some(format!("L{}", i % 3)),
                model: Some(format!("M{}", i % 4)),
                equipment_class: Some("Pumps".into()),
                description: None,
            })
            .collect();
        let codes = ["LEAK", "TRIP", "NOISE", ""];
        let mut at = 0;
        let mut wos = Vec::new();
        for n in 0..600 {
            at += (r.below(30) as i64) * HOUR_MS; // sometimes the same instant
            let wo_type = [
                "breakdown",
                "breakdown",
                "breakdown",
                "corrective",
                "preventive",
            ][r.below(5)];
            let status = ["closed", "closed", "completed", "open", "cancelled"][r.below(5)];
            let len = (1 + r.below(24 * 40) as i64) * HOUR_MS / 2; // up to 20 days
            let stop = at + (r.below(3) as i64) * HOUR_MS;
            let downtime = match r.below(6) {
                0 => Vec::new(),
                1 => vec![(stop, None)],
                2 => vec![
                    (stop, Some(stop + len / 3)),
                    (stop + len / 2, Some(stop + len)),
                ],
                _ => vec![(stop, Some(stop + len))],
            };
            let started = at + HOUR_MS;
            let code = codes[r.below(4)];
            wos.push(WorkOrder {
                number: format!("{n}"),
                asset_tag: format!("A-{}", r.below(12)),
                wo_type: wo_type.into(),
                status: status.into(),
                reported_at: at,
                started_at: (r.below(2) == 0).then_some(started),
                finished_at: (r.below(2) == 0).then_some(started + len / 4),
                downtime,
                failure_class: (!code.is_empty()).then(|| format!("C-{code}")),
                problem_code: (!code.is_empty()).then(|| code.to_string()),
                cause_code: (r.below(2) == 0).then(|| "WEAR".to_string()),
                remedy_text: None,
                parts: vec!["P1".into()],
            });
        }
        History {
            assets,
            work_orders: wos,
            alarms: Vec::new(),
        }
    }

    fn json<T: serde::Serialize>(v: &T) -> serde_json::Value {
        serde_json::to_value(v).unwrap_or_default()
    }

    #[test]
    fn figures_over_the_period_history_equal_the_full_history() {
        let scopes = [
            Scope::All,
            Scope::Site("s1".into()),
            Scope::Line("L1".into()),
            Scope::Model("M2".into()),
            Scope::Asset("A-3".into()),
        ];
        let mut carried_in = 0;
        for seed in 1..=6 {
            let full = random_history(seed);
            let Some(end) = full.work_orders.last().map(|w| w.reported_at) else {
                panic!("empty history");
            };
            let mut r = SplitMix64::new(seed * 77);
            for _ in 0..6 {
                let from = r.below((end / DAY) as usize) as i64 * DAY + HOUR_MS / 3;
                let to = from + (1 + r.below(200) as i64) * DAY;
                let cut = full.period(from, to);
                assert!(cut.work_orders.len() < full.work_orders.len());
                carried_in += cut
                    .work_orders
                    .iter()
                    .filter(|w| w.reported_at < from)
                    .count();
                for scope in &scopes {
                    assert_eq!(
                        json(&metrics(&full, scope, from, to)),
                        json(&metrics(&cut, scope, from, to)),
                        "metrics seed {seed} [{from}, {to}) {scope:?}"
                    );
                    for by in [ParetoBy::Cause, ParetoBy::Problem, ParetoBy::Asset] {
                        assert_eq!(
                            json(&pareto(&full, scope, by, from, to, 30)),
                            json(&pareto(&cut, scope, by, from, to, 30)),
                            "pareto seed {seed} [{from}, {to}) {scope:?} {by:?}"
                        );
                    }
                    let marker = from + (to - from) / 3;
                    assert_eq!(
                        json(&before_after(&full, scope, from, marker, to, 7)),
                        json(&before_after(&cut, scope, from, marker, to, 7)),
                        "before/after seed {seed} [{from}, {to}) {scope:?}"
                    );
                    assert_eq!(
                        json(&monthly(&full, scope, from, to)),
                        json(&monthly(&cut, scope, from, to)),
                        "monthly seed {seed} [{from}, {to}) {scope:?}"
                    );
                }
            }
        }
        assert!(
            carried_in > 20,
            "the periods had carried-in stops ({carried_in})"
        );
    }

    /// `monthly` reads per month only what can count in it: each row is still the figures of
    /// `metrics` over that month (cut to the period) on the whole history.
    #[test]
    fn each_month_of_the_trends_is_metrics_over_that_month() {
        use crate::time::{month_start, next_month};
        for seed in 1..=4 {
            let full = random_history(seed);
            let Some(end) = full.work_orders.last().map(|w| w.reported_at) else {
                panic!("empty history");
            };
            let (from, to) = (end / 5 + HOUR_MS / 3, end - 20 * DAY);
            for scope in [
                Scope::All,
                Scope::Line("L1".into()),
                Scope::Asset("A-3".into()),
            ] {
                let rows = monthly(&full, &scope, from, to);
                let mut m = month_start(from);
                assert!(rows.len() > 6, "{} months", rows.len());
                for row in &rows {
                    let next = next_month(m);
                    let x = metrics(&full, &scope, m.max(from), next.min(to));
                    assert_eq!(
                        (
                            row.breakdowns,
                            row.downtime_hours,
                            row.mttr_hours,
                            row.availability
                        ),
                        (x.breakdowns, x.downtime_hours, x.mttr_hours, x.availability),
                        "seed {seed} {scope:?} {}",
                        row.month
                    );
                    m = next;
                }
            }
        }
    }

    /// OEE reads the breakdowns of counts that start in `[from, to)` and may end after `to`:
    /// the period read `[from, before)`, `before` the latest end, gives the same report.
    #[test]
    fn oee_over_the_period_history_equals_the_full_history() {
        use crate::oee_report::{history_end, oee_report, OeeBy};
        use faultline_core::store::ProductionCountRow;
        let mut compared = 0;
        for seed in 1..=4 {
            let full = random_history(seed);
            let Some(end) = full.work_orders.last().map(|w| w.reported_at) else {
                panic!("empty history");
            };
            let mut r = SplitMix64::new(seed * 31);
            for _ in 0..6 {
                let from = r.below((end / DAY) as usize) as i64 * DAY;
                let to = from + (1 + r.below(20) as i64) * DAY;
                let line = format!("L{}", r.below(3));
                // Shifts of 8 to 30 h starting in the period: the last may end after `to`.
                let mut counts = Vec::new();
                let mut at = from + (r.below(8) as i64) * HOUR_MS;
                while at < to {
                    let len = (8 + r.below(23) as i64) * HOUR_MS;
                    counts.push(ProductionCountRow {
                        scope_kind: "line".into(),
                        scope_code: line.clone(),
                        shift: Some("A".into()),
                        period_start: at,
                        period_end: at + len,
                        planned_busy_hours: (len / HOUR_MS) as f64,
                        actual_production_hours: None,
                        run_time_per_unit_s: 60.0,
                        produced: 100.0,
                        good: 95.0,
                    });
                    at += len;
                }
                let before = history_end(&counts, to);
                // What `History::load(store, Some(before))` reads, and the period read.
                let read = History {
                    work_orders: full
                        .work_orders
                        .iter()
                        .filter(|w| w.reported_at < before)
                        .cloned()
                        .collect(),
                    ..full.clone()
                };
                let cut = full.period(from, before);
                let scope = Scope::Line(line);
                for by in [None, Some(OeeBy::Shift), Some(OeeBy::Day)] {
                    let want = json(&oee_report(&read, &scope, &counts, from, to, by));
                    assert_eq!(
                        want,
                        json(&oee_report(&cut, &scope, &counts, from, to, by)),
                        "oee seed {seed} [{from}, {to}) {by:?}"
                    );
                    compared += usize::from(want["total"]["breakdown_downtime_hours"] != 0.0);
                }
            }
        }
        assert!(
            compared > 10,
            "some reports had breakdown downtime ({compared})"
        );
    }

    #[test]
    fn kept_asset_parts_give_the_figures_of_metrics_after_edits() {
        let full = random_history(5);
        let (from, to) = (100 * DAY, 300 * DAY);
        let mut cache = PeriodCache::new(full.period(from, to), from, to);
        let scopes = [
            Scope::All,
            Scope::Line("L2".into()),
            Scope::Asset("A-7".into()),
        ];
        for scope in &scopes {
            assert_eq!(
                json(&cache.metrics(scope)),
                json(&metrics(&cache.history, scope, from, to))
            );
        }
        // What `refresh` does after a write: edit a work order (its downtime, even its asset),
        // recompute the parts of its old and new asset only.
        let mut r = SplitMix64::new(9);
        for _ in 0..20 {
            let i = r.below(cache.history.work_orders.len());
            let w = &mut Arc::make_mut(&mut cache.history).work_orders[i];
            let old = w.asset_tag.clone();
            w.downtime = vec![(
                w.reported_at,
                Some(w.reported_at + (1 + r.below(50) as i64) * HOUR_MS),
            )];
            w.asset_tag = format!("A-{}", r.below(12));
            let touched: HashSet<String> = [old, w.asset_tag.clone()].into_iter().collect();
            for p in &mut cache.parts {
                p.compute(&cache.history, Some(&touched), from, to);
            }
            for scope in &scopes {
                assert_eq!(
                    json(&cache.metrics(scope)),
                    json(&metrics(&cache.history, scope, from, to))
                );
            }
        }
    }

    /// A period "to now" asked again later: the kept parts of assets with a downtime still
    /// open (or ending after the old end) are computed again, the others kept, and the figures
    /// are those of a full computation over the longer period.
    #[test]
    fn moving_the_end_later_gives_the_figures_of_metrics_over_the_longer_period() {
        let scopes = [
            Scope::All,
            Scope::Site("S1".into()),
            Scope::Line("L1".into()),
            Scope::Asset("A-3".into()),
        ];
        let mut moved = 0;
        for seed in 1..=6 {
            let full = random_history(seed);
            let Some(end) = full.work_orders.last().map(|w| w.reported_at) else {
                panic!("empty history");
            };
            let from = end / 4;
            let mut cache = PeriodCache::new(full.period(from, end / 2), from, end / 2);
            for scope in &scopes {
                cache.metrics(scope);
            }
            for to in [
                end / 2 + HOUR_MS,
                end / 2 + 30 * DAY,
                end * 3 / 4,
                end + DAY,
            ] {
                let kept_to = cache.to;
                let added = full
                    .period(from, to)
                    .work_orders
                    .into_iter()
                    .filter(|w| w.reported_at >= kept_to)
                    .collect();
                moved += cache.parts[0].moving.len();
                cache.extend_with(added, to);
                assert_eq!(cache.history.work_orders, full.period(from, to).work_orders);
                for scope in &scopes {
                    assert_eq!(
                        json(&cache.metrics(scope)),
                        json(&metrics(&full, scope, from, to)),
                        "seed {seed} [{from}, {to}) {scope:?}"
                    );
                }
            }
        }
        assert!(moved > 10, "some parts depended on the end ({moved})");
    }

    #[test]
    fn a_stop_that_ended_before_the_period_is_left_out_and_one_reaching_into_it_kept() {
        let h = random_history(3);
        let from = 200 * DAY;
        for w in &h.work_orders {
            let reaches = w.downtime.iter().any(|(_, e)| e.is_none_or(|e| e >= from));
            if is_breakdown(w) && w.reported_at < from {
                assert_eq!(may_count_in(w, from, from + DAY), reaches, "{}", w.number);
            }
        }
    }
}
