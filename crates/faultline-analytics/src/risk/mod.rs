//! The assets at risk next: a ranked list for a horizon, each score the sum of named
//! contributions with its reasons in words and the evidence behind them.
//!
//! Model (docs/analytics.md): the log-odds that an asset fails within the horizon is a baseline
//! plus one term per input of [`features::NAMES`], fitted as a ridge logistic regression on the
//! replica's own history before the ranking time (weekly origins, label = a failure within the
//! horizon that had already been seen by then). Each term is the input's effect against an
//! average asset of the training data. With too little history to fit, fixed prior weights are
//! used instead (said in `model.fitted`). Only records strictly before `at` are read.

pub mod facts;
pub mod features;
pub mod logistic;
pub mod records;

use crate::time::{iso, DAY_MS};
use crate::History;
use facts::Facts;
use features::{Features, GroupRates, NAMES};
use logistic::{sigmoid, Logistic};
use records::RiskRecords;
use serde::Serialize;
use std::collections::BTreeMap;

/// Training origins: weekly, at most this many, going back from `at − horizon`.
pub(crate) const MAX_ORIGINS: i64 = 52;
/// Fewer failures than this in the training rows: prior weights.
const MIN_POSITIVES: usize = 10;
const RIDGE: f64 = 1.0;
/// Assets per training origin at most: a larger replica trains on an even sample of its
/// assets (every k-th by tag, shifted at each origin), so fitting stays well under a second on
/// 20,000 assets; a plant of this size or smaller trains on every asset.
const MAX_TRAINING_ASSETS: usize = 2_000;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ModelSummary {
    /// Whether the weights were fitted on this replica (else the fixed priors).
    pub fitted: bool,
    pub training_rows: usize,
    pub training_failures: usize,
    pub training_origins: usize,
    pub intercept: f64,
    /// Log-odds per standard deviation of each input (fitted) or per unit (priors).
    pub weights: BTreeMap<&'static str, f64>,
    /// The training average of each input (what a contribution is measured from); empty with
    /// the priors.
    pub averages: BTreeMap<&'static str, f64>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct AssetRisk {
    pub asset_tag: String,
    pub model: Option<String>,
    /// Log-odds of a failure within the horizon: `contributions` summed (baseline included).
    pub score: f64,
    pub probability: f64,
    pub reasons: Vec<String>,
    pub contributions: BTreeMap<&'static str, f64>,
    /// The value of each input (see docs/analytics.md for units).
    pub inputs: BTreeMap<&'static str, f64>,
    /// Work order numbers and alarms behind the reasons.
    pub evidence: BTreeMap<&'static str, Vec<String>>,
    /// Alarms per week, the last 8 weeks before `at`, oldest first (for a sparkline).
    pub alarms_by_week: Vec<usize>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RiskRanking {
    pub at: String,
    pub horizon_days: u32,
    pub model: ModelSummary,
    pub assets: Vec<AssetRisk>,
}

/// Prior weights per unit of each input (used when the history is too short to fit).
const PRIOR: [f64; 8] = [0.0, 0.5, 0.3, 0.3, 0.5, 0.2, 0.7, 0.3];

enum Weights {
    Fitted(Logistic),
    Prior,
}

impl Weights {
    /// Whether input `j` is a warning sign present on this asset: above the training average
    /// (priors: above zero).
    fn present(&self, j: usize, x: &[f64; 8]) -> bool {
        match self {
            Weights::Fitted(m) => x[j] > m.mean[j],
            Weights::Prior => x[j] > 0.0,
        }
    }

    fn baseline(&self) -> f64 {
        match self {
            Weights::Fitted(m) => m.coef[0],
            Weights::Prior => 0.0,
        }
    }

    fn contributions(&self, f: &Features, x: &[f64; 8], horizon: f64) -> Vec<f64> {
        match self {
            Weights::Fitted(m) => m.contributions(x),
            Weights::Prior => {
                // The model's rate as the odds of at least one failure, the rest per unit
                // above none (overdue: above the median).
                let p = 1.0 - (-f.model_rate_per_day * horizon).exp();
                let p = p.clamp(1e-6, 1.0 - 1e-6);
                let mut c: Vec<f64> = x.iter().zip(PRIOR).map(|(v, w)| v * w).collect();
                c[0] = (p / (1.0 - p)).ln();
                c[6] = PRIOR[6] * (x[6] - 1.0).max(0.0);
                c[7] = PRIOR[7] * (x[7] - 1.0).max(0.0);
                c
            }
        }
    }
}

/// Fits the weights on weekly origins before `at − horizon`.
fn fit(facts: &Facts<'_>, at: i64, horizon: i64) -> (Weights, usize, usize, usize) {
    let mut x = Vec::new();
    let mut y = Vec::new();
    let mut origins = 0;
    for j in 0..MAX_ORIGINS {
        let o = at - horizon * DAY_MS - j * 7 * DAY_MS;
        if o < facts.start + 30 * DAY_MS {
            break;
        }
        origins += 1;
        let g = GroupRates::at(facts, o);
        let stride = facts.assets.len().div_ceil(MAX_TRAINING_ASSETS).max(1);
        let shift = j as usize % stride;
        for a in facts
            .assets
            .iter()
            .skip(shift)
            .step_by(stride)
            .filter(|a| a.first_seen < o)
        {
            let f = Features::of(a, &g, o);
            x.push(f.values(horizon as f64).to_vec());
            let lo = a.failures.partition_point(|e| e.0 < o);
            y.push(
                a.failures
                    .get(lo)
                    .is_some_and(|e| e.0 < o + horizon * DAY_MS),
            );
        }
    }
    let positives = y.iter().filter(|&&v| v).count();
    let weights = if positives >= MIN_POSITIVES && positives < y.len() {
        Logistic::fit(&x, &y, RIDGE).map_or(Weights::Prior, Weights::Fitted)
    } else {
        Weights::Prior
    };
    (weights, x.len(), positives, origins)
}

fn days_text(d: f64) -> String {
    if d >= 60.0 {
        format!("{:.0} months", d / 30.44)
    } else {
        format!("{d:.0} days")
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn reason(name: &str, f: &Features, tag_model: &str) -> String {
    match name {
        "model_failure_rate" => format!(
            "model {tag_model} fails about {:.1} times a year per machine ({} on {})",
            f.model_rate_per_day * 365.25,
            plural(f.model_failures, "breakdown", "breakdowns"),
            plural(f.model_assets, "machine", "machines"),
        ),
        "own_failure_rate" => format!(
            "{} on record, {:.1}× its model's rate",
            plural(f.own_failures, "breakdown", "breakdowns"),
            f.own_rate_per_day / f.model_rate_per_day.max(1e-9)
        ),
        "breakdowns_90d" => format!(
            "{} in 90 days",
            plural(f.recent_90d.len(), "breakdown", "breakdowns")
        ),
        "breakdowns_14d" => format!(
            "{} in the last 14 days",
            plural(f.recent_14d, "breakdown", "breakdowns")
        ),
        "alarms_7d" => {
            let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
            for &(_, c) in f.alarms_7d {
                *codes.entry(c).or_default() += 1;
            }
            let list: Vec<String> = codes.iter().map(|(c, n)| format!("{n} {c}")).collect();
            format!(
                "{} in 7 days ({})",
                plural(f.alarms_7d.len(), "alarm", "alarms"),
                list.join(", ")
            )
        }
        "alarms_8_30d" => format!(
            "{} 8 to 30 days ago",
            plural(f.alarms_8_30d, "alarm", "alarms")
        ),
        "component_overdue" => match &f.overdue {
            Some(o) => format!(
                "{} last replaced {} ago, median interval {}{}",
                o.component,
                days_text(o.days_since),
                days_text(o.median_days),
                if o.model_median {
                    format!(" for model {tag_model}")
                } else {
                    " over all machines".into()
                }
            ),
            None => "no component replacement on record".into(),
        },
        "components_worn" => {
            let list: Vec<String> = f
                .worn
                .iter()
                .map(|o| format!("{} {:.1}×", o.component, o.days_since / o.median_days))
                .collect();
            format!(
                "components on average at {:.1}× their median replacement interval ({})",
                f.worn_mean(),
                list.join(", ")
            )
        }
        _ => name.to_string(),
    }
}

/// Reasons are the terms that raise the score by at least this much (log-odds).
const REASON_MIN: f64 = 0.05;

/// Ranks every asset with history before `at` by its risk of a failure within
/// `horizon_days`, riskiest first (ties by tag).
pub fn rank(h: &History, at: i64, horizon_days: u32) -> RiskRanking {
    rank_facts(&Facts::new(h, at), at, horizon_days)
}

/// [`rank`] on the lean records of its time and horizon: the same ranking, without reading the
/// whole history ([`RiskRecords::load`]).
pub fn rank_records(r: &RiskRecords) -> RiskRanking {
    rank_facts(&Facts::from_records(r), r.at, r.horizon_days)
}

fn rank_facts(facts: &Facts<'_>, at: i64, horizon_days: u32) -> RiskRanking {
    let horizon = i64::from(horizon_days.max(1));
    let (weights, rows, positives, origins) = fit(facts, at, horizon);
    let g = GroupRates::at(facts, at);
    let baseline = weights.baseline();
    let mut assets: Vec<AssetRisk> = facts
        .assets
        .iter()
        .map(|a| {
            let f = Features::of(a, &g, at);
            let x = f.values(horizon as f64);
            let c = weights.contributions(&f, &x, horizon as f64);
            let score = baseline + c.iter().sum::<f64>();
            let model = a.asset.model.clone();
            let mut named: Vec<(usize, &'static str, f64)> = NAMES
                .iter()
                .copied()
                .zip(c)
                .enumerate()
                .map(|(j, (n, v))| (j, n, v))
                .collect();
            named.sort_by(|x, y| y.2.total_cmp(&x.2));
            let mut reasons: Vec<String> = named
                .iter()
                .filter(|(j, _, v)| *v >= REASON_MIN && weights.present(*j, &x))
                .map(|(_, n, _)| reason(n, &f, model.as_deref().unwrap_or("(none)")))
                .collect();
            if reasons.is_empty() {
                reasons.push("no warning sign above an average machine".into());
            }
            let mut contributions: BTreeMap<&'static str, f64> =
                named.into_iter().map(|(_, n, v)| (n, v)).collect();
            contributions.insert("baseline", baseline);
            let mut evidence = BTreeMap::new();
            evidence.insert(
                "breakdowns_90d",
                f.recent_90d
                    .iter()
                    .map(|(t, n)| format!("{} {}", iso(*t), n.join("+")))
                    .collect(),
            );
            evidence.insert(
                "alarms_7d",
                f.alarms_7d
                    .iter()
                    .map(|(t, c)| format!("{} {c}", iso(*t)))
                    .collect(),
            );
            if let Some(o) = &f.overdue {
                evidence.insert(
                    "component_overdue",
                    vec![format!(
                        "{}: {:.0} days since replacement, median {:.0} days",
                        o.component, o.days_since, o.median_days
                    )],
                );
            }
            let alarms_by_week = (0..8)
                .rev()
                .map(|w| {
                    let hi = at - w * 7 * DAY_MS;
                    let lo = hi - 7 * DAY_MS;
                    a.alarms.partition_point(|x| x.0 < hi) - a.alarms.partition_point(|x| x.0 < lo)
                })
                .collect();
            AssetRisk {
                asset_tag: a.asset.tag.clone(),
                model,
                score,
                probability: sigmoid(score),
                reasons,
                contributions,
                inputs: NAMES.iter().copied().zip(x).collect(),
                evidence,
                alarms_by_week,
            }
        })
        .collect();
    assets.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.asset_tag.cmp(&b.asset_tag))
    });
    let (fitted, intercept, w, means): (bool, f64, Vec<f64>, Vec<f64>) = match &weights {
        Weights::Fitted(m) => (true, m.coef[0], m.coef[1..].to_vec(), m.mean.clone()),
        Weights::Prior => (false, 0.0, PRIOR.to_vec(), Vec::new()),
    };
    RiskRanking {
        at: iso(at),
        horizon_days: horizon_days.max(1),
        model: ModelSummary {
            fitted,
            training_rows: rows,
            training_failures: positives,
            training_origins: origins,
            intercept,
            weights: NAMES.iter().copied().zip(w).collect(),
            averages: NAMES.iter().copied().zip(means).collect(),
        },
        assets,
    }
}

#[cfg(test)]
mod tests;
