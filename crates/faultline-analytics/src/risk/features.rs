//! The risk model's inputs for one asset at one origin, computed only from facts before the
//! origin: its model's failure rate (backed off to the equipment class, then the site, when
//! the model has little history), its own rate against that, recent breakdowns, recent alarms,
//! and how overdue its most worn component is (days since replacement / median interval).

use super::facts::{AssetFacts, Facts};
use crate::time::DAY_MS;
use std::collections::HashMap;

/// Feature names, in the order of [`Features::values`]. These are the contribution names.
pub const NAMES: [&str; 8] = [
    "model_failure_rate",
    "own_failure_rate",
    "breakdowns_90d",
    "breakdowns_14d",
    "alarms_7d",
    "alarms_8_30d",
    "component_overdue",
    "components_worn",
];

/// The longest alarm window an input counts (`alarms_8_30d`): alarms older than this before an
/// origin change nothing there (what `records` relies on to read fewer alarms).
pub const LONGEST_ALARM_WINDOW_DAYS: i64 = 30;
/// Pseudo-exposure (asset-days) with which a group's rate is pulled toward its parent's.
const BACK_OFF_DAYS: f64 = 365.0;
/// Replacement intervals needed before a model's own median is used.
const MIN_GAPS: usize = 5;

/// Failure counts and exposure per group at one origin, by group index (see
/// [`AssetFacts::class_group`]): no name is hashed or copied per asset and origin.
pub struct GroupRates<'a> {
    site: f64,
    /// Per class index: `None` when no asset of the class was seen before the origin.
    class: Vec<Option<f64>>,
    /// Per model index: rate, failures, assets.
    model: Vec<Option<(f64, usize, usize)>>,
    /// Median replacement interval by (model index, component); `None` for every model's.
    medians: HashMap<(Option<usize>, &'a str), f64>,
}

fn rate(failures: usize, exposure: f64, parent: f64) -> f64 {
    (failures as f64 + BACK_OFF_DAYS * parent) / (exposure + BACK_OFF_DAYS)
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

impl<'a> GroupRates<'a> {
    /// Rates per day from the failures before `origin` of the assets seen before it.
    pub fn at(facts: &'a Facts<'_>, origin: i64) -> Self {
        let days = ((origin - facts.start) as f64 / DAY_MS as f64).max(1.0);
        let mut site = (0usize, 0usize);
        // Counted per group index (no name hashed per asset and origin): failures, assets, and
        // for a model the class of its first asset counted.
        let mut class = vec![(0usize, 0usize); facts.classes.len()];
        let mut model = vec![(0usize, 0usize, 0usize); facts.models.len()];
        for a in facts.assets.iter().filter(|a| a.first_seen < origin) {
            let f = count_before(&a.failures, origin, |x| x.0);
            site.0 += f;
            site.1 += 1;
            let e = &mut class[a.class_group];
            e.0 += f;
            e.1 += 1;
            let m = &mut model[a.model_group];
            if m.1 == 0 {
                m.2 = a.class_group;
            }
            m.0 += f;
            m.1 += 1;
        }
        let site_rate = if site.1 == 0 {
            0.0
        } else {
            site.0 as f64 / (site.1 as f64 * days)
        };
        let class_rates: Vec<Option<f64>> = class
            .iter()
            .map(|&(f, n)| (n > 0).then(|| rate(f, n as f64 * days, site_rate)))
            .collect();
        let model = model
            .iter()
            .map(|&(f, n, c)| {
                let parent = class_rates[c].unwrap_or(site_rate);
                (n > 0).then(|| (rate(f, n as f64 * days, parent), f, n))
            })
            .collect();
        let mut by: HashMap<(Option<usize>, &str), Vec<f64>> = HashMap::new();
        for g in facts.gaps.iter().take_while(|g| g.end < origin) {
            by.entry((g.model_group, g.component.as_str()))
                .or_default()
                .push(g.days);
            by.entry((None, g.component.as_str()))
                .or_default()
                .push(g.days);
        }
        let medians = by
            .into_iter()
            .filter(|((m, _), v)| v.len() >= if m.is_some() { MIN_GAPS } else { 3 })
            .filter_map(|(k, v)| median(v).map(|x| (k, x)))
            .collect();
        GroupRates {
            site: site_rate,
            class: class_rates,
            model,
            medians,
        }
    }
}

fn count_before<T>(v: &[T], t: i64, time: impl Fn(&T) -> i64) -> usize {
    v.partition_point(|x| time(x) < t)
}

/// The most overdue component of an asset.
#[derive(Debug, Clone, PartialEq)]
pub struct Overdue {
    pub component: String,
    pub days_since: f64,
    pub median_days: f64,
    /// Whether the median is the asset model's own (else every asset's).
    pub model_median: bool,
}

impl Overdue {
    /// Days since replacement / median interval, capped at 5.
    pub fn ratio(&self) -> f64 {
        (self.days_since / self.median_days).min(5.0)
    }
}

/// One asset's inputs at one origin, with the evidence behind them (borrowed from the facts:
/// the training computes these for every sampled asset at every origin).
#[derive(Debug, Clone)]
pub struct Features<'a> {
    pub model_rate_per_day: f64,
    pub model_failures: usize,
    pub model_assets: usize,
    pub own_failures: usize,
    pub own_rate_per_day: f64,
    pub recent_90d: &'a [(i64, Vec<&'a str>)],
    pub recent_14d: usize,
    pub alarms_7d: &'a [(i64, &'a str)],
    pub alarms_8_30d: usize,
    pub overdue: Option<Overdue>,
    /// Every component with a known median interval, by name.
    pub worn: Vec<Overdue>,
}

impl<'a> Features<'a> {
    pub fn of(a: &'a AssetFacts<'a>, g: &GroupRates<'_>, origin: i64) -> Self {
        // No class: the site's rate (an asset without a model shares the "" model group).
        let class_rate = a
            .asset
            .equipment_class
            .as_ref()
            .and_then(|_| g.class.get(a.class_group).copied().flatten())
            .unwrap_or(g.site);
        let (model_rate, model_failures, model_assets) = g
            .model
            .get(a.model_group)
            .copied()
            .flatten()
            .unwrap_or((class_rate, 0, 0));
        let n = count_before(&a.failures, origin, |x| x.0);
        let exposure = ((origin - a.first_seen) as f64 / DAY_MS as f64).max(0.0);
        let own = rate(n, exposure, model_rate);
        let since = |days: i64| origin - days * DAY_MS;
        let f90_from = count_before(&a.failures, since(90), |x| x.0);
        let f14_from = count_before(&a.failures, since(14), |x| x.0);
        let a_end = count_before(&a.alarms, origin, |x| x.0);
        let a7 = count_before(&a.alarms, since(7), |x| x.0);
        let a30 = count_before(&a.alarms, since(LONGEST_ALARM_WINDOW_DAYS), |x| x.0);
        let r_end = count_before(&a.replacements, origin, |x| x.0);
        let model_key = a.asset.model.is_some().then_some(a.model_group);
        let mut last: HashMap<&str, i64> = HashMap::new();
        for (t, c) in &a.replacements[..r_end] {
            last.insert(c.as_str(), *t);
        }
        let mut worn: Vec<Overdue> = last
            .into_iter()
            .filter_map(|(c, t)| {
                let own_median = g.medians.get(&(model_key, c));
                let (median, model_median) = match own_median {
                    Some(m) => (*m, true),
                    None => (*g.medians.get(&(None, c))?, false),
                };
                (median > 0.0).then(|| Overdue {
                    component: c.to_string(),
                    days_since: (origin - t) as f64 / DAY_MS as f64,
                    median_days: median,
                    model_median,
                })
            })
            .collect();
        worn.sort_by(|x, y| x.component.cmp(&y.component));
        let overdue = worn
            .iter()
            .max_by(|x, y| {
                x.ratio()
                    .total_cmp(&y.ratio())
                    .then(y.component.cmp(&x.component))
            })
            .cloned();
        Features {
            model_rate_per_day: model_rate,
            model_failures,
            model_assets,
            own_failures: n,
            own_rate_per_day: own,
            recent_90d: &a.failures[f90_from..n],
            recent_14d: n - f14_from.min(n),
            alarms_7d: &a.alarms[a7..a_end],
            alarms_8_30d: a7 - a30.min(a7),
            overdue,
            worn,
        }
    }

    /// Mean of the components' overdue ratios (0 without any).
    pub fn worn_mean(&self) -> f64 {
        if self.worn.is_empty() {
            0.0
        } else {
            self.worn.iter().map(Overdue::ratio).sum::<f64>() / self.worn.len() as f64
        }
    }

    /// The model's inputs, in the order of [`NAMES`].
    pub fn values(&self, horizon_days: f64) -> [f64; 8] {
        let floor = 1e-6;
        [
            (self.model_rate_per_day * horizon_days).max(floor).ln(),
            (self.own_rate_per_day.max(floor) / self.model_rate_per_day.max(floor)).ln(),
            self.recent_90d.len() as f64,
            self.recent_14d as f64,
            (self.alarms_7d.len() as f64).ln_1p(),
            (self.alarms_8_30d as f64).ln_1p(),
            self.overdue.as_ref().map_or(0.0, Overdue::ratio),
            self.worn_mean(),
        ]
    }
}
