//! Cause ranking: which cause codes closed the breakdowns that showed these codes, counted at
//! each level (this asset → its model → its equipment class → the site), weighted by recency
//! (exponential half-life) and smoothed level by level with the level above as a Dirichlet prior
//! (hierarchical additive smoothing), so an asset with little history borrows from its model and
//! a model with little from its class and the site. The top of the chain is the asset's own mix of
//! causes over all its closed breakdowns (whatever their codes), itself backed off the same way to
//! a uniform prior over the causes seen. The scores are probabilities: they sum to 1 over the
//! causes seen.
//!
//! With a symptom, the chain's probabilities are mixed with a nearest-neighbour vote
//! (`CauseParams::text_vote`): the causes of the most similar past closed breakdowns, weighted
//! by similarity, as a second expert. The mixture `(1 - λ) · chain + λ · vote` is still a
//! probability; λ is tuned on a development split of real history (`faultline-bench diagnose`).

use crate::codes;
use crate::history::History;
use chrono::DateTime;
use faultline_core::store::{AnalyticsAsset, DiagnosisWorkOrder};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

const DAY_MS: f64 = 86_400_000.0;

/// The default λ of [`CauseParams::text_vote`]. On the excavator work orders of 2009 (text only,
/// no codes) the vote alone (λ = 1, 10 neighbours) ranked best, but at 1 a query with codes and a
/// symptom would ignore the codes, so the default keeps half of the chain: see docs/benchmarks.md.
pub const TEXT_VOTE: f64 = 0.5;

/// Knobs of the ranking.
#[derive(Debug, Clone)]
pub struct CauseParams {
    /// Pseudo-count of the prior from the level above (how many breakdowns' worth it weighs).
    pub alpha: f64,
    /// A breakdown this old counts half as much as one today.
    pub half_life_days: f64,
    /// Alarms in this window before a past breakdown count as its codes.
    pub window_ms: i64,
    /// With a symptom, the closed breakdowns among this many most similar past work orders
    /// (BM25, [`crate::similar`]) count as showing it, in proportion to their similarity.
    pub text_neighbours: usize,
    /// Weight λ of the nearest-neighbour vote in the mixture with the chain (0: the chain only,
    /// 1: the vote only); used only with a symptom.
    pub text_vote: f64,
}

impl Default for CauseParams {
    fn default() -> Self {
        Self {
            alpha: 2.0,
            half_life_days: 365.0,
            window_ms: 48 * crate::HOUR_MS,
            text_neighbours: 25,
            text_vote: TEXT_VOTE,
        }
    }
}

/// The counts of one level for one cause.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LevelCount {
    /// `asset`, `model`, `class` or `site`.
    pub level: &'static str,
    /// The asset tag, model, class or site.
    pub name: String,
    /// Closed breakdowns at this level that showed the codes and had this cause.
    pub matched: u32,
    /// Closed breakdowns at this level that showed the codes (all of them without codes).
    pub of: u32,
    /// The same two, recency-weighted and weighted by the share of the codes they showed.
    pub weighted: f64,
    pub weighted_of: f64,
    /// The smoothed probability of the cause at this level.
    pub probability: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Evidence {
    /// Most specific first.
    pub levels: Vec<LevelCount>,
    /// The latest closed breakdown with this cause (that showed the codes, when any did).
    pub last_at: Option<i64>,
    pub last_number: Option<String>,
    pub last_remedy_code: Option<String>,
    pub last_remedy_text: Option<String>,
    /// Median minutes from start (or report) to finish of those breakdowns.
    pub median_repair_minutes: Option<f64>,
    /// Days since this asset's last work order that replaced or named this item.
    pub days_since_last_replacement: Option<f64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Cause {
    pub cause_code: String,
    pub failure_class: Option<String>,
    pub problem_code: Option<String>,
    pub remedy_code: Option<String>,
    pub score: f64,
    pub explanation: String,
    pub evidence: Evidence,
}

/// Per level: the level's name and, per cause, (weighted matched, weighted all, raw matched).
struct Level {
    kind: &'static str,
    name: String,
    per_cause: HashMap<String, (f64, f64, u32)>,
    matched_total: f64,
    all_total: f64,
    raw_of: u32,
}

impl Level {
    fn new(kind: &'static str, name: String) -> Self {
        Self {
            kind,
            name,
            per_cause: HashMap::new(),
            matched_total: 0.0,
            all_total: 0.0,
            raw_of: 0,
        }
    }
}

/// Whether `w` is a closed breakdown with a cause, usable as evidence.
fn is_evidence(w: &DiagnosisWorkOrder) -> bool {
    matches!(w.wo_type.as_str(), "breakdown" | "corrective")
        && matches!(w.status.as_str(), "completed" | "closed")
        && w.cause_code
            .as_deref()
            .is_some_and(|c| !c.trim().is_empty())
}

/// The recency weight of something `age_ms` old.
pub fn recency_weight(age_ms: i64, half_life_days: f64) -> f64 {
    if half_life_days <= 0.0 {
        return 1.0;
    }
    0.5_f64.powf(age_ms.max(0) as f64 / DAY_MS / half_life_days)
}

/// One step of the chain: `(count + alpha * prior) / (total + alpha)` for every cause.
pub fn smooth(
    counts: &HashMap<String, f64>,
    total: f64,
    prior: &HashMap<String, f64>,
    alpha: f64,
) -> HashMap<String, f64> {
    prior
        .iter()
        .map(|(c, p)| {
            let n = counts.get(c).copied().unwrap_or(0.0);
            (c.clone(), (n + alpha * p) / (total + alpha))
        })
        .collect()
}

/// Ranks the causes of a fault with `codes` (and `symptom`) on `asset` at `at`, best first.
/// A past breakdown "shows" the fault by the share of the codes it showed and, with a symptom,
/// by its text similarity relative to the most similar one; with both, the mean of the two.
pub fn rank(
    h: &History,
    asset: &AnalyticsAsset,
    codes_raw: &[String],
    symptom: Option<&str>,
    at: i64,
    p: &CauseParams,
) -> Vec<Cause> {
    let query: HashSet<String> = codes_raw.iter().map(|c| codes::key(c)).collect();
    let text = text_shares(h, asset, symptom, at, p.text_neighbours);
    let mut levels = vec![Level::new("asset", asset.tag.clone())];
    if let Some(m) = &asset.model {
        levels.push(Level::new("model", m.clone()));
    }
    if let Some(c) = &asset.equipment_class {
        levels.push(Level::new("class", c.clone()));
    }
    levels.push(Level::new("site", asset.site.clone()));
    let mut used: Vec<(&DiagnosisWorkOrder, f64)> = Vec::new();
    // The nearest-neighbour vote: similarity share per cause.
    let mut vote: HashMap<String, f64> = HashMap::new();
    for w in h.work_orders.iter().take_while(|w| w.reported_at < at) {
        if !is_evidence(w) {
            continue;
        }
        let Some(other) = h.asset(&w.asset_tag) else {
            continue;
        };
        let code_share = (!query.is_empty()).then(|| {
            let keys = h.work_order_code_keys(w, p.window_ms);
            keys.iter().filter(|k| query.contains(*k)).count() as f64 / query.len() as f64
        });
        let text_share =
            (!text.is_empty()).then(|| text.get(w.id.as_str()).copied().unwrap_or(0.0));
        let share = match (code_share, text_share) {
            (None, None) => 1.0,
            (Some(s), None) | (None, Some(s)) => s,
            (Some(c), Some(t)) => (c + t) / 2.0,
        };
        let weight = recency_weight(at - w.reported_at, p.half_life_days);
        let cause = w
            .cause_code
            .as_deref()
            .unwrap_or_default()
            .trim()
            .to_string();
        if let Some(t) = text_share.filter(|t| *t > 0.0) {
            *vote.entry(cause.clone()).or_default() += t;
        }
        let mut any = false;
        for l in &mut levels {
            let member = match l.kind {
                "asset" => other.tag == asset.tag,
                "model" => other.model.as_deref() == Some(l.name.as_str()),
                "class" => other.equipment_class.as_deref() == Some(l.name.as_str()),
                _ => other.site == l.name,
            };
            if !member {
                continue;
            }
            any = true;
            let e = l.per_cause.entry(cause.clone()).or_insert((0.0, 0.0, 0));
            e.0 += weight * share;
            e.1 += weight;
            l.all_total += weight;
            l.matched_total += weight * share;
            if share > 0.0 {
                e.2 += 1;
                l.raw_of += 1;
            }
        }
        if any {
            used.push((w, share));
        }
    }
    let candidates: HashSet<&String> = levels.iter().flat_map(|l| l.per_cause.keys()).collect();
    if candidates.is_empty() {
        return Vec::new();
    }
    let uniform = 1.0 / candidates.len() as f64;
    // The unconditional chain, from the site down to the asset.
    let mut prior: HashMap<String, f64> =
        candidates.iter().map(|c| ((*c).clone(), uniform)).collect();
    let mut per_level_p: Vec<HashMap<String, f64>> = Vec::new();
    for l in levels.iter().rev() {
        let counts = l.per_cause.iter().map(|(c, v)| (c.clone(), v.1)).collect();
        prior = smooth(&counts, l.all_total, &prior, p.alpha);
        per_level_p.push(prior.clone());
    }
    // The conditional chain on the codes, its top backed off to the asset's own mix.
    if !query.is_empty() || !text.is_empty() {
        per_level_p.clear();
        for l in levels.iter().rev() {
            let counts = l.per_cause.iter().map(|(c, v)| (c.clone(), v.0)).collect();
            prior = smooth(&counts, l.matched_total, &prior, p.alpha);
            per_level_p.push(prior.clone());
        }
    }
    per_level_p.reverse();
    let total: f64 = prior.values().sum();
    let vote_total: f64 = vote
        .iter()
        .filter(|(c, _)| prior.contains_key(*c))
        .map(|(_, v)| v)
        .sum();
    let lambda = if vote_total > 0.0 {
        p.text_vote.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let mixed = |cause: &str, chain: f64| {
        let v = vote.get(cause).copied().unwrap_or(0.0) / vote_total.max(f64::MIN_POSITIVE);
        (1.0 - lambda) * chain / total.max(f64::MIN_POSITIVE) + lambda * v
    };
    // What the counts of the sentence count.
    let what = match (query.is_empty(), text.is_empty()) {
        (true, true) => "closed breakdowns",
        (false, true) => "closed breakdowns with these codes",
        (true, false) => "closed breakdowns most like the symptom",
        (false, false) => "closed breakdowns with these codes or most like the symptom",
    };
    let mut out: Vec<Cause> = prior
        .iter()
        .map(|(cause, score)| {
            let lc = levels
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let v = l.per_cause.get(cause).copied().unwrap_or((0.0, 0.0, 0));
                    LevelCount {
                        level: l.kind,
                        name: l.name.clone(),
                        matched: v.2,
                        of: l.raw_of,
                        weighted: v.0,
                        weighted_of: l.matched_total,
                        probability: per_level_p
                            .get(i)
                            .and_then(|m| m.get(cause))
                            .copied()
                            .unwrap_or(*score),
                    }
                })
                .collect();
            build(
                h,
                asset,
                cause,
                mixed(cause, *score),
                lc,
                &used,
                codes_raw,
                what,
                at,
            )
        })
        .collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.cause_code.cmp(&b.cause_code))
    });
    out
}

/// The cause with its evidence and the sentence that says it.
#[allow(clippy::too_many_arguments)]
fn build(
    h: &History,
    asset: &AnalyticsAsset,
    cause: &str,
    score: f64,
    levels: Vec<LevelCount>,
    used: &[(&DiagnosisWorkOrder, f64)],
    codes_raw: &[String],
    what: &str,
    at: i64,
) -> Cause {
    let with_cause: Vec<&DiagnosisWorkOrder> = used
        .iter()
        .filter(|(w, _)| w.cause_code.as_deref().map(str::trim) == Some(cause))
        .map(|(w, _)| *w)
        .collect();
    let matched: Vec<&DiagnosisWorkOrder> = used
        .iter()
        .filter(|(w, s)| *s > 0.0 && w.cause_code.as_deref().map(str::trim) == Some(cause))
        .map(|(w, _)| *w)
        .collect();
    let pool = if matched.is_empty() {
        &with_cause
    } else {
        &matched
    };
    let last = pool.last().copied();
    let latest_with = |f: fn(&DiagnosisWorkOrder) -> Option<&String>| {
        pool.iter().rev().find_map(|w| f(w).cloned())
    };
    let mut minutes: Vec<f64> = pool
        .iter()
        .filter_map(|w| {
            let start = w.started_at.unwrap_or(w.reported_at);
            let end = w.finished_at?;
            (end >= start).then(|| (end - start) as f64 / 60_000.0)
        })
        .collect();
    minutes.sort_by(f64::total_cmp);
    let median = (!minutes.is_empty()).then(|| {
        let n = minutes.len();
        if n % 2 == 1 {
            minutes[n / 2]
        } else {
            (minutes[n / 2 - 1] + minutes[n / 2]) / 2.0
        }
    });
    let evidence = Evidence {
        levels,
        last_at: last.map(|w| w.reported_at),
        last_number: last.map(|w| w.number.clone()),
        last_remedy_code: last.and_then(|w| w.remedy_code.clone()),
        last_remedy_text: last.and_then(|w| w.remedy_text.clone()),
        median_repair_minutes: median,
        days_since_last_replacement: last_replacement(h, &asset.tag, cause, at)
            .map(|t| (at - t) as f64 / DAY_MS),
    };
    Cause {
        cause_code: cause.to_string(),
        failure_class: latest_with(|w| w.failure_class.as_ref()),
        problem_code: latest_with(|w| w.problem_code.as_ref()),
        remedy_code: latest_with(|w| w.remedy_code.as_ref()),
        score,
        // What is learned from use: the guides whose conclusion the closing codes confirmed.
        explanation: crate::confirmed::explain(
            explain(asset, cause, codes_raw, what, &evidence),
            h,
            cause,
            at,
        ),
        evidence,
    }
}

/// Per past closed breakdown id among the `k` most similar work orders to the symptom: its
/// similarity over the best one's (empty without a symptom or a match).
fn text_shares<'h>(
    h: &'h History,
    asset: &AnalyticsAsset,
    symptom: Option<&str>,
    at: i64,
    k: usize,
) -> HashMap<&'h str, f64> {
    let Some(symptom) = symptom.filter(|s| !s.trim().is_empty()) else {
        return HashMap::new();
    };
    let near: Vec<(f64, &DiagnosisWorkOrder)> =
        crate::similar::scored(h, asset, &[], Some(symptom), at)
            .into_iter()
            .filter(|(_, w)| is_evidence(w))
            .take(k)
            .collect();
    let best = near.first().map_or(0.0, |n| n.0);
    if best <= 0.0 {
        return HashMap::new();
    }
    near.into_iter()
        .map(|(s, w)| (w.id.as_str(), s / best))
        .collect()
}

/// When this asset's item `cause` was last replaced or worked on strictly before `at`: the end
/// (or report) of its latest work order that names it as cause, part, or in title or remedy.
pub fn last_replacement(h: &History, tag: &str, cause: &str, at: i64) -> Option<i64> {
    let needle = cause.to_lowercase();
    let names = |s: &str| {
        s.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .any(|t| t == needle)
    };
    h.work_orders
        .iter()
        .filter(|w| w.asset_tag == tag && w.status != "cancelled")
        .filter(|w| {
            w.cause_code.as_deref().map(str::trim) == Some(cause)
                || w.parts.iter().any(|p| p.eq_ignore_ascii_case(cause))
                || names(&w.title)
                || w.remedy_text.as_deref().is_some_and(names)
        })
        .map(|w| w.finished_at.unwrap_or(w.reported_at))
        .filter(|&t| t < at)
        .max()
}

fn day(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// "OC1 on VX-300 machines: ADJACC in 9 of 14 closed breakdowns, 3 of 4 on this asset; last
/// 2026-10-02, fixed by ADJACC 'accel 5 s', median repair 25 min."
fn explain(
    asset: &AnalyticsAsset,
    cause: &str,
    codes_raw: &[String],
    what: &str,
    e: &Evidence,
) -> String {
    let scope = e
        .levels
        .iter()
        .find(|l| l.level != "asset" && l.of > 0)
        .or_else(|| e.levels.last());
    let mut s = String::new();
    if !codes_raw.is_empty() {
        s.push_str(&codes_raw.join(" + "));
        s.push_str(" on ");
    } else {
        s.push_str("On ");
    }
    match scope.map(|l| l.level) {
        Some("model") | Some("class") => s.push_str(&format!(
            "{} assets",
            scope.map(|l| l.name.as_str()).unwrap_or("")
        )),
        _ => s.push_str(&format!("site {}", asset.site)),
    }
    if let Some(l) = scope {
        s.push_str(&format!(": {cause} in {} of {} {what}", l.matched, l.of));
    }
    if let Some(a) = e.levels.first().filter(|l| l.level == "asset") {
        s.push_str(&format!(", {} of {} on this asset", a.matched, a.of));
    }
    if let Some(t) = e.last_at {
        s.push_str(&format!("; last {}", day(t)));
        match (&e.last_remedy_code, &e.last_remedy_text) {
            (Some(c), Some(t)) => s.push_str(&format!(", fixed by {c} '{t}'")),
            (Some(c), None) => s.push_str(&format!(", fixed by {c}")),
            (None, Some(t)) => s.push_str(&format!(", fixed by '{t}'")),
            (None, None) => {}
        }
    }
    if let Some(m) = e.median_repair_minutes {
        s.push_str(&format!(", median repair {m:.0} min"));
    }
    if let Some(d) = e.days_since_last_replacement {
        s.push_str(&format!(
            "; {cause} last replaced or worked on {d:.0} days ago"
        ));
    }
    s.push('.');
    s
}
