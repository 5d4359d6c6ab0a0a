//! Cause ranking: which cause codes closed the breakdowns that showed these codes, counted at
//! each level (this asset → its model → its equipment class → the site), weighted by recency
//! (exponential half-life) and smoothed level by level with the level above as a Dirichlet prior
//! (hierarchical additive smoothing), so an asset with little history borrows from its model and
//! a model with little from its class and the site. The top of the chain is the asset's own mix of
//! causes over all its closed breakdowns (whatever their codes), itself backed off the same way to
//! a uniform prior over the causes seen. The scores are probabilities: they sum to 1 over the
//! causes seen.
//!
//! With a symptom, two experts read its words ([`crate::text_model`]): a word model of each
//! cause's past texts turns the chain on the codes into a posterior,
//! `P(cause | codes, words) ∝ chain(cause) · P(words | cause)` (naive Bayes), and a
//! nearest-neighbour vote gives the causes of the most similar past closed breakdowns, weighted
//! by their similarity (relative to the best, to the power `vote_power`). The mixture
//! `(1 - λ) · posterior + λ · vote` (`CauseParams::text_vote`) is still a probability; λ, the
//! neighbours, the power and the word model's smoothing are tuned on a development split of real
//! history (`faultline-bench diagnose`). A work order whose closing cause confirmed a guide's
//! conclusion ([`crate::confirmed`]) counts `1 + confirmed_weight` times in the chain.

use crate::codes;
use crate::history::History;
use crate::text_model::TextEvidence;
use chrono::DateTime;
use faultline_core::store::{AnalyticsAsset, DiagnosisWorkOrder};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

const DAY_MS: f64 = 86_400_000.0;

/// The default λ of [`CauseParams::text_vote`], with the other text defaults below: chosen on
/// the excavator work orders of 2009 (the development split, text only), see docs/benchmarks.md.
pub const TEXT_VOTE: f64 = 0.7;
/// The default of [`CauseParams::text_neighbours`].
pub const TEXT_NEIGHBOURS: usize = 10;
/// The default of [`CauseParams::vote_power`].
pub const VOTE_POWER: f64 = 2.0;
/// The default of [`CauseParams::text_smoothing`].
pub const TEXT_SMOOTHING: f64 = 200.0;

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
    /// Weight λ of the nearest-neighbour vote in the mixture with the posterior of the chain and
    /// the word model (0: no vote, 1: the vote only); used only with a symptom.
    pub text_vote: f64,
    /// A neighbour's vote is its similarity over the best neighbour's to this power (1: in
    /// proportion; higher: the closest count more).
    pub vote_power: f64,
    /// Pseudo-count (in words) pulling each cause's word model toward all past texts' words.
    pub text_smoothing: f64,
    /// A work order whose closing cause confirmed a guide's conclusion counts this much more.
    pub confirmed_weight: f64,
}

impl Default for CauseParams {
    fn default() -> Self {
        Self {
            alpha: 2.0,
            half_life_days: 365.0,
            window_ms: 48 * crate::HOUR_MS,
            text_neighbours: TEXT_NEIGHBOURS,
            text_vote: TEXT_VOTE,
            vote_power: VOTE_POWER,
            text_smoothing: TEXT_SMOOTHING,
            confirmed_weight: 1.0,
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

/// Per cause at one level: (weighted matched, weighted all, raw matched, weighted on codes).
type CauseCounts = (f64, f64, u32, f64);

/// Per level: the level's name and, per cause, (weighted matched, weighted all, raw matched,
/// weighted matched on the codes alone).
pub(crate) struct Level {
    pub(crate) kind: &'static str,
    pub(crate) name: String,
    pub(crate) per_cause: HashMap<String, (f64, f64, u32, f64)>,
    pub(crate) matched_total: f64,
    pub(crate) all_total: f64,
    pub(crate) raw_of: u32,
    pub(crate) code_total: f64,
}

impl Level {
    pub(crate) fn new(kind: &'static str, name: String) -> Self {
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

/// Whether `w` is a closed breakdown with a cause, usable as evidence.
pub fn is_evidence(w: &DiagnosisWorkOrder) -> bool {
    matches!(w.wo_type.as_str(), "breakdown" | "corrective")
        && matches!(w.status.as_str(), "completed" | "closed")
        && w.cause_code
            .as_deref()
            .is_some_and(|c| !c.trim().is_empty())
}

/// How much a past breakdown shows the fault: its share of the codes, its text similarity
/// relative to the most similar one, the mean of the two with both, fully with neither.
pub(crate) fn combined_share(code_share: Option<f64>, text_share: Option<f64>) -> f64 {
    match (code_share, text_share) {
        (None, None) => 1.0,
        (Some(s), None) | (None, Some(s)) => s,
        (Some(c), Some(t)) => (c + t) / 2.0,
    }
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
    rank_top(h, asset, codes_raw, symptom, at, p, usize::MAX)
}

/// [`rank`]'s first `limit` causes: the evidence and the sentence are built for these only.
pub fn rank_top(
    h: &History,
    asset: &AnalyticsAsset,
    codes_raw: &[String],
    symptom: Option<&str>,
    at: i64,
    p: &CauseParams,
    limit: usize,
) -> Vec<Cause> {
    let text = TextEvidence::new(h, asset, symptom, at, p.text_neighbours);
    rank_inner(h, asset, codes_raw, &text, at, p, true, limit)
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
    rank_inner(h, asset, codes_raw, text_evidence, at, p, true, usize::MAX)
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
    rank_inner(h, asset, codes_raw, text_evidence, at, p, false, usize::MAX)
        .into_iter()
        .map(|c| (c.cause_code, c.score))
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn rank_inner(
    h: &History,
    asset: &AnalyticsAsset,
    codes_raw: &[String],
    text_evidence: &TextEvidence<'_>,
    at: i64,
    p: &CauseParams,
    with_evidence: bool,
    keep: usize,
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
    let ix = h.index();
    let cut = crate::index::DocIndex::cut(h, at);
    // The query's code keys that some past row has, by id.
    let query_ids: Vec<u32> = query.iter().filter_map(|k| ix.code_id(k)).collect();
    // Per asset index, the levels it belongs to (asset, model, class, site).
    let membership: Vec<[bool; 4]> = h
        .assets
        .iter()
        .map(|other| {
            let mut m = [false; 4];
            for (slot, l) in m.iter_mut().zip(&levels) {
                *slot = match l.kind {
                    "asset" => other.tag == asset.tag,
                    "model" => other.model.as_deref() == Some(l.name.as_str()),
                    "class" => other.equipment_class.as_deref() == Some(l.name.as_str()),
                    _ => other.site == l.name,
                };
            }
            m
        })
        .collect();
    // Per level, per cause id: (weighted matched, weighted all, raw matched, weighted on codes).
    let mut per_level: Vec<Vec<Option<CauseCounts>>> =
        vec![vec![None; ix.causes.len()]; levels.len()];
    // Per cause id: the used work orders with their share, oldest first.
    let mut used: Vec<Vec<(&DiagnosisWorkOrder, f64)>> = vec![Vec::new(); ix.causes.len()];
    // The nearest-neighbour vote: similarity share per cause.
    let mut vote: HashMap<String, f64> = HashMap::new();
    let mut seen: Vec<u32> = Vec::new();
    for (i, w) in h.work_orders.iter().enumerate().take(cut) {
        let c = ix.cause.get(i).copied().unwrap_or(crate::index::NONE) as usize;
        let Some(cause) = ix.causes.get(c) else {
            continue;
        };
        let a = ix.asset.get(i).copied().unwrap_or(crate::index::NONE) as usize;
        let Some(member) = membership.get(a) else {
            continue;
        };
        let code_share = (!query.is_empty()).then(|| {
            seen.clear();
            let alarms = ix.alarms.get(a).map_or(&[][..], Vec::as_slice);
            let lo = alarms.partition_point(|e| e.0 < w.reported_at.saturating_sub(p.window_ms));
            let hi = alarms.partition_point(|e| e.0 < w.reported_at);
            let fault = ix.fault_key.get(i).copied().into_iter();
            for k in alarms[lo..hi.max(lo)].iter().map(|e| e.1).chain(fault) {
                if query_ids.contains(&k) && !seen.contains(&k) {
                    seen.push(k);
                }
            }
            seen.len() as f64 / query.len() as f64
        });
        let text_share =
            (!text.is_empty()).then(|| text.get(w.id.as_str()).copied().unwrap_or(0.0));
        let share = combined_share(code_share, text_share);
        let mut weight = recency_weight(at - w.reported_at, p.half_life_days);
        if !confirmed.is_empty() && confirmed.contains(w.id.as_str()) {
            weight *= 1.0 + p.confirmed_weight.max(0.0);
        }
        if let Some(t) = text_share.filter(|t| *t > 0.0) {
            *vote.entry(cause.clone()).or_default() += t.powf(p.vote_power);
        }
        let mut any = false;
        for ((l, counts), _) in levels
            .iter_mut()
            .zip(per_level.iter_mut())
            .zip(member)
            .filter(|(_, m)| **m)
        {
            any = true;
            let Some(e) = counts.get_mut(c) else {
                continue;
            };
            let e = e.get_or_insert((0.0, 0.0, 0, 0.0));
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
            if let Some(u) = used.get_mut(c) {
                u.push((w, share));
            }
        }
    }
    for (l, counts) in levels.iter_mut().zip(per_level) {
        l.per_cause = counts
            .into_iter()
            .enumerate()
            .filter_map(|(c, e)| Some((ix.causes.get(c)?.clone(), e?)))
            .collect();
    }
    let used: HashMap<&str, Vec<(&DiagnosisWorkOrder, f64)>> = used
        .into_iter()
        .enumerate()
        .filter(|(_, u)| !u.is_empty())
        .filter_map(|(c, u)| Some((ix.causes.get(c)?.as_str(), u)))
        .collect();
    let shape = Shape {
        query_empty: query.is_empty(),
        text_empty: text.is_empty(),
        with_evidence,
        keep,
    };
    let (ranked, what) = finish(&levels, &vote, text_evidence, &shape, p);
    ranked
        .into_iter()
        .map(|r| {
            if !with_evidence {
                return bare(r.cause, r.score);
            }
            let used = used.get(r.cause.as_str()).map_or(&[][..], Vec::as_slice);
            build(
                h, asset, &r.cause, r.score, r.levels, used, codes_raw, what, at,
            )
        })
        .collect()
}

/// A cause with its score only (what a back-test sweeping parameters reads).
fn bare(cause_code: String, score: f64) -> Cause {
    Cause {
        cause_code,
        failure_class: None,
        problem_code: None,
        remedy_code: None,
        score,
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
    }
}

/// What the query has and what the caller wants of the ranking.
pub(crate) struct Shape {
    pub(crate) query_empty: bool,
    pub(crate) text_empty: bool,
    pub(crate) with_evidence: bool,
    pub(crate) keep: usize,
}

/// A ranked cause before its evidence is read: its score and its counts per level.
pub(crate) struct Ranked {
    pub(crate) cause: String,
    pub(crate) score: f64,
    pub(crate) levels: Vec<LevelCount>,
}

/// The chain over the levels' counts (wherever they were read: the whole history in memory,
/// or the replica's totals and bounded rows, `crate::live`), the word model's posterior and the
/// vote: the first `shape.keep` causes, best first, and what their counts count.
pub(crate) fn finish(
    levels: &[Level],
    vote: &HashMap<String, f64>,
    text_evidence: &TextEvidence<'_>,
    shape: &Shape,
    p: &CauseParams,
) -> (Vec<Ranked>, &'static str) {
    let candidates: HashSet<&String> = levels.iter().flat_map(|l| l.per_cause.keys()).collect();
    if candidates.is_empty() {
        return (Vec::new(), "");
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
    if !shape.query_empty {
        for l in levels.iter().rev() {
            let counts = l.per_cause.iter().map(|(c, v)| (c.clone(), v.3)).collect();
            code_chain = smooth(&counts, l.code_total, &code_chain, p.alpha);
        }
    }
    // The conditional chain on the codes, its top backed off to the asset's own mix.
    if !shape.query_empty || !shape.text_empty {
        per_level_p.clear();
        for l in levels.iter().rev() {
            let counts = l.per_cause.iter().map(|(c, v)| (c.clone(), v.0)).collect();
            prior = smooth(&counts, l.matched_total, &prior, p.alpha);
            per_level_p.push(prior.clone());
        }
    }
    per_level_p.reverse();
    // Sums in the causes' order: a map's order differs between processes (and maps), and a
    // float sum in another order may differ in its last bits (issue 11).
    let total = sum_by_cause(prior.iter().map(|(c, v)| (c, *v)));
    let vote_total = sum_by_cause(
        vote.iter()
            .filter(|(c, _)| prior.contains_key(*c))
            .map(|(c, v)| (c, *v)),
    );
    let lambda = if vote_total > 0.0 {
        p.text_vote.clamp(0.0, 1.0)
    } else {
        0.0
    };
    // With a symptom: P(cause | codes, words) ∝ chain on the codes · P(words | cause).
    let posterior: Option<HashMap<String, f64>> = (!shape.text_empty).then(|| {
        let mut logs: Vec<(&String, f64)> = code_chain
            .iter()
            .map(|(c, pc)| {
                let ll = text_evidence.log_likelihood(c, p.text_smoothing);
                (c, pc.max(f64::MIN_POSITIVE).ln() + ll)
            })
            .collect();
        logs.sort_unstable_by(|a, b| a.0.cmp(b.0));
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
    let what = match (shape.query_empty, shape.text_empty) {
        (true, true) => "closed breakdowns",
        (false, true) => "closed breakdowns with these codes",
        (true, false) => "closed breakdowns most like the symptom",
        (false, false) => "closed breakdowns with these codes or most like the symptom",
    };
    // Scores first; the evidence and the sentence only for the causes kept.
    let mut ranked: Vec<(&String, f64, f64)> = prior
        .iter()
        .map(|(cause, chain)| (cause, *chain, mixed(cause, *chain)))
        .collect();
    ranked.sort_by(|a, b| b.2.total_cmp(&a.2).then_with(|| a.0.cmp(b.0)));
    ranked.truncate(shape.keep);
    let ranked = ranked
        .into_iter()
        .map(|(cause, chain, score)| {
            let lc = if shape.with_evidence {
                levels
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
                                .unwrap_or(chain),
                        }
                    })
                    .collect()
            } else {
                Vec::new()
            };
            Ranked {
                cause: cause.clone(),
                score,
                levels: lc,
            }
        })
        .collect();
    (ranked, what)
}

/// The sum of the values in the order of their causes, so the same values give the same sum to
/// the bit whatever order a hash map hands them in.
fn sum_by_cause<'a>(values: impl Iterator<Item = (&'a String, f64)>) -> f64 {
    let mut v: Vec<(&String, f64)> = values.collect();
    v.sort_unstable_by(|a, b| a.0.cmp(b.0));
    v.iter().map(|e| e.1).sum()
}

/// The cause with its evidence and the sentence that says it.
#[allow(clippy::too_many_arguments)]
pub(crate) fn build(
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
    let facts = PoolFacts::of(pool);
    let replaced = last_replacement(h, &asset.tag, cause, at);
    build_with(
        asset,
        cause,
        score,
        levels,
        facts,
        replaced,
        &h.confirmed,
        codes_raw,
        what,
        at,
    )
}

/// What the sentence says of the work orders behind a cause (those that showed the fault, or
/// all with the cause when none did): the latest, the latest codes, the median repair time.
#[derive(Debug, Clone, Default)]
pub(crate) struct PoolFacts {
    pub(crate) last_at: Option<i64>,
    pub(crate) last_number: Option<String>,
    pub(crate) last_remedy_code: Option<String>,
    pub(crate) last_remedy_text: Option<String>,
    pub(crate) failure_class: Option<String>,
    pub(crate) problem_code: Option<String>,
    pub(crate) remedy_code: Option<String>,
    pub(crate) median_repair_minutes: Option<f64>,
}

impl PoolFacts {
    /// From the pool, oldest first.
    pub(crate) fn of(pool: &[&DiagnosisWorkOrder]) -> Self {
        let mut facts = Self::latest(pool.iter().rev().copied());
        let mut minutes: Vec<f64> = pool
            .iter()
            .filter_map(|w| {
                let start = w.started_at.unwrap_or(w.reported_at);
                let end = w.finished_at?;
                (end >= start).then(|| (end - start) as f64 / 60_000.0)
            })
            .collect();
        minutes.sort_by(f64::total_cmp);
        facts.median_repair_minutes = median(&minutes);
        facts
    }

    /// The latest row and the latest codes from the pool, newest first (reads only as far as it
    /// needs); no median.
    pub(crate) fn latest<'a>(newest_first: impl Iterator<Item = &'a DiagnosisWorkOrder>) -> Self {
        let mut f = Self::default();
        for (i, w) in newest_first.enumerate() {
            if i == 0 {
                f.last_at = Some(w.reported_at);
                f.last_number = Some(w.number.clone());
                f.last_remedy_code = w.remedy_code.clone();
                f.last_remedy_text = w.remedy_text.clone();
            }
            if f.failure_class.is_none() {
                f.failure_class = w.failure_class.clone();
            }
            if f.problem_code.is_none() {
                f.problem_code = w.problem_code.clone();
            }
            if f.remedy_code.is_none() {
                f.remedy_code = w.remedy_code.clone();
            }
            if f.failure_class.is_some() && f.problem_code.is_some() && f.remedy_code.is_some() {
                break;
            }
        }
        f
    }

    /// Whether [`Self::latest`] has all it looks for.
    pub(crate) fn complete(&self) -> bool {
        self.failure_class.is_some() && self.problem_code.is_some() && self.remedy_code.is_some()
    }
}

/// The median of sorted values.
pub(crate) fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    (n > 0).then(|| {
        if n % 2 == 1 {
            sorted[n / 2]
        } else {
            (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
        }
    })
}

/// The cause with its evidence and the sentence, from what was read of it.
#[allow(clippy::too_many_arguments)]
pub(crate) fn build_with(
    asset: &AnalyticsAsset,
    cause: &str,
    score: f64,
    levels: Vec<LevelCount>,
    facts: PoolFacts,
    last_replaced: Option<i64>,
    confirmed: &[faultline_core::store::ConfirmedConclusion],
    codes_raw: &[String],
    what: &str,
    at: i64,
) -> Cause {
    let evidence = Evidence {
        levels,
        last_at: facts.last_at,
        last_number: facts.last_number,
        last_remedy_code: facts.last_remedy_code,
        last_remedy_text: facts.last_remedy_text,
        median_repair_minutes: facts.median_repair_minutes,
        days_since_last_replacement: last_replaced.map(|t| (at - t) as f64 / DAY_MS),
    };
    Cause {
        cause_code: cause.to_string(),
        failure_class: facts.failure_class,
        problem_code: facts.problem_code,
        remedy_code: facts.remedy_code,
        score,
        // What is learned from use: the guides whose conclusion the closing codes confirmed.
        explanation: crate::confirmed::explain_with(
            explain(asset, cause, codes_raw, what, &evidence),
            confirmed,
            cause,
            at,
        ),
        evidence,
    }
}

/// When this asset's item `cause` was last replaced or worked on strictly before `at`: the end
/// (or report) of its latest work order that names it as cause, part, or in title or remedy.
pub fn last_replacement(h: &History, tag: &str, cause: &str, at: i64) -> Option<i64> {
    let ix = h.index();
    let own = h
        .asset_index(tag)
        .and_then(|a| ix.by_asset.get(a))
        .map_or(&[][..], Vec::as_slice);
    last_replacement_in(
        own.iter().filter_map(|&i| h.work_orders.get(i as usize)),
        tag,
        cause,
        at,
    )
}

/// [`last_replacement`] over the asset's work orders `own` (with their parts).
pub(crate) fn last_replacement_in<'a>(
    own: impl Iterator<Item = &'a DiagnosisWorkOrder>,
    tag: &str,
    cause: &str,
    at: i64,
) -> Option<i64> {
    let needle = cause.to_lowercase();
    let names = |s: &str| {
        s.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .any(|t| t == needle)
    };
    own.filter(|w| w.asset_tag == tag && w.status != "cancelled")
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
