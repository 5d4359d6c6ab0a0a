//! The cause ranking as it was before the prepared index (every past work order walked, the
//! evidence built for every cause): the reference of the equivalence tests.

use super::text_model_whole::TextEvidence;
use crate::codes;
use crate::history::History;
use faultline_core::store::{AnalyticsAsset, DiagnosisWorkOrder};
use std::collections::{HashMap, HashSet};

pub use crate::causes::{
    is_evidence, recency_weight, smooth, Cause, CauseParams, Evidence, LevelCount,
};

/// Per level: the level's name and, per cause, (weighted matched, weighted all, raw matched,
/// weighted matched on the codes alone).
struct Level {
    kind: &'static str,
    name: String,
    per_cause: HashMap<String, (f64, f64, u32, f64)>,
    matched_total: f64,
    all_total: f64,
    raw_of: u32,
    code_total: f64,
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
            code_total: 0.0,
        }
    }
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
    let text = TextEvidence::new(h, asset, symptom, at, p.text_neighbours);
    rank_with(h, asset, codes_raw, &text, at, p)
}

/// [`rank`] with the symptom's evidence already read (built with at least
/// `p.text_neighbours` neighbours), so a back-test can try many parameters per query.
pub fn rank_with(
    h: &History,
    asset: &AnalyticsAsset,
    codes_raw: &[String],
    text_evidence: &TextEvidence<'_>,
    at: i64,
    p: &CauseParams,
) -> Vec<Cause> {
    rank_inner(h, asset, codes_raw, text_evidence, at, p, true)
}

/// The causes and their scores only, best first, in the order of [`rank_with`] (without the
/// evidence and the sentence, which a back-test sweeping parameters does not need).
pub fn rank_scores(
    h: &History,
    asset: &AnalyticsAsset,
    codes_raw: &[String],
    text_evidence: &TextEvidence<'_>,
    at: i64,
    p: &CauseParams,
) -> Vec<(String, f64)> {
    rank_inner(h, asset, codes_raw, text_evidence, at, p, false)
        .into_iter()
        .map(|c| (c.cause_code, c.score))
        .collect()
}

fn rank_inner(
    h: &History,
    asset: &AnalyticsAsset,
    codes_raw: &[String],
    text_evidence: &TextEvidence<'_>,
    at: i64,
    p: &CauseParams,
    with_evidence: bool,
) -> Vec<Cause> {
    let query: HashSet<String> = codes_raw.iter().map(|c| codes::key(c)).collect();
    let text = text_evidence.shares(p.text_neighbours);
    let confirmed: HashSet<&str> = h
        .confirmed
        .iter()
        .filter(|c| c.closed_at < at)
        .map(|c| c.work_order_id.as_str())
        .collect();
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
        let mut weight = recency_weight(at - w.reported_at, p.half_life_days);
        if confirmed.contains(w.id.as_str()) {
            weight *= 1.0 + p.confirmed_weight.max(0.0);
        }
        let cause = w
            .cause_code
            .as_deref()
            .unwrap_or_default()
            .trim()
            .to_string();
        if let Some(t) = text_share.filter(|t| *t > 0.0) {
            *vote.entry(cause.clone()).or_default() += t.powf(p.vote_power);
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
            let e = l
                .per_cause
                .entry(cause.clone())
                .or_insert((0.0, 0.0, 0, 0.0));
            e.0 += weight * share;
            e.1 += weight;
            e.3 += weight * code_share.unwrap_or(1.0);
            l.all_total += weight;
            l.matched_total += weight * share;
            l.code_total += weight * code_share.unwrap_or(1.0);
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
    // The chain on the codes alone: the prior of the word model's posterior.
    let mut code_chain = prior.clone();
    if !query.is_empty() {
        for l in levels.iter().rev() {
            let counts = l.per_cause.iter().map(|(c, v)| (c.clone(), v.3)).collect();
            code_chain = smooth(&counts, l.code_total, &code_chain, p.alpha);
        }
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
    // With a symptom: P(cause | codes, words) ∝ chain on the codes · P(words | cause).
    let posterior: Option<HashMap<String, f64>> = (!text.is_empty()).then(|| {
        let logs: Vec<(&String, f64)> = code_chain
            .iter()
            .map(|(c, pc)| {
                let ll = text_evidence.log_likelihood(c, p.text_smoothing);
                (c, pc.max(f64::MIN_POSITIVE).ln() + ll)
            })
            .collect();
        let top = logs.iter().map(|l| l.1).fold(f64::NEG_INFINITY, f64::max);
        let z: f64 = logs.iter().map(|l| (l.1 - top).exp()).sum();
        logs.into_iter()
            .map(|(c, l)| (c.clone(), (l - top).exp() / z.max(f64::MIN_POSITIVE)))
            .collect()
    });
    let mixed = |cause: &str, chain: f64| {
        let v = vote.get(cause).copied().unwrap_or(0.0) / vote_total.max(f64::MIN_POSITIVE);
        let base = match &posterior {
            Some(post) => post.get(cause).copied().unwrap_or(0.0),
            None => chain / total.max(f64::MIN_POSITIVE),
        };
        (1.0 - lambda) * base + lambda * v
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
            if !with_evidence {
                return Cause {
                    cause_code: cause.clone(),
                    failure_class: None,
                    problem_code: None,
                    remedy_code: None,
                    score: mixed(cause, *score),
                    explanation: String::new(),
                    evidence: Evidence {
                        levels: Vec::new(),
                        last_at: None,
                        last_number: None,
                        last_remedy_code: None,
                        last_remedy_text: None,
                        median_repair_minutes: None,
                        days_since_last_replacement: None,
                    },
                };
            }
            let lc = levels
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let v = l
                        .per_cause
                        .get(cause)
                        .copied()
                        .unwrap_or((0.0, 0.0, 0, 0.0));
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
            crate::causes::build(
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
