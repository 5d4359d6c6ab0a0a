//! The live cause ranking: the same chain as [`crate::causes`] (one [`crate::causes::finish`]),
//! its counts read from the replica's totals (migration 0018, `faultline_core::store`'s
//! `diagnosis_totals`) and bounded rows instead of the whole history in memory. The
//! query-independent counts of each level (every closed breakdown there, recency-weighted) are the
//! sums of its cells' totals, times `0.5^(at / half-life)`, less the rows reported at or after
//! `at`; the counts that depend on the codes come from the work orders that showed them (found by
//! index through the codes' keys), the asset's own level from its rows, the sentence's facts from
//! the latest rows of the cause and the repair-time counts. Only the default half-life is kept;
//! other parameters, a symptom (whose words need the text index), or a time so far back that
//! many rows are after it, take the [`crate::History`] path (`None` here).

use crate::causes::{self, combined_share, CauseParams, Level, PoolFacts, Shape};
use crate::codes;
use crate::text_model::TextEvidence;
use crate::{Cause, DiagnosisError};
use faultline_core::store::{
    decay_at, repair_bucket, AnalyticsAsset, DiagnosisCell, DiagnosisWorkOrder, EvidenceRow,
    DIAGNOSIS_HALF_LIFE_DAYS,
};
use faultline_core::Store;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Above this many evidence rows reported at or after the diagnosis time, the live path declines
/// (a back-test far in the past reads the [`crate::History`]).
pub const MAX_LATER_ROWS: usize = 10_000;

/// Applies the writes queued since the last call to the replica's totals (the first call after
/// the upgrade applies the whole history: `progress(done, total)` is told).
pub fn catch_up(
    store: &Store,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<faultline_core::store::CatchUp, DiagnosisError> {
    Ok(store.diagnosis_catch_up(&codes::key, progress)?)
}

/// One step of bringing the replica's diagnosis tables up to date in the background (after the
/// upgrade, whose backfill is the whole history): at most `max_rows` queued work orders of the
/// totals, else of the text index, one transaction. How many were applied; 0: nothing is left.
pub fn catch_up_step(store: &Store, max_rows: usize) -> Result<usize, DiagnosisError> {
    let t = store.diagnosis_catch_up_batch(&codes::key, &mut |_, _| {}, max_rows)?;
    if t.work_orders > 0 || t.codes > 0 {
        return Ok(t.work_orders.max(1));
    }
    Ok(store.diagnosis_text_catch_up_batch(&crate::similar::document, &mut |_, _| {}, max_rows)?)
}

/// The asset by tag with its rid, or [`DiagnosisError::UnknownAsset`].
pub fn asset(store: &Store, tag: &str) -> Result<(i64, AnalyticsAsset), DiagnosisError> {
    store
        .diagnosis_asset(tag)?
        .ok_or_else(|| DiagnosisError::UnknownAsset(tag.to_string()))
}

/// The codes of the asset's alarms in `[at - window, at)`, most recent first, one per key (as
/// [`crate::History::alarm_codes_before`]).
pub fn alarm_codes_before(
    store: &Store,
    asset_rid: i64,
    at: i64,
    window_ms: i64,
) -> Result<Vec<String>, DiagnosisError> {
    let recent = store.diagnosis_alarm_codes(asset_rid, at.saturating_sub(window_ms), at)?;
    Ok(codes::distinct(&recent))
}

/// The first `limit` causes of a fault with `codes_raw` (and `symptom`) on the asset at `at`, as
/// [`crate::causes::rank_top`] ranks them on everything recorded before `at`; `None` when the
/// live path does not apply (see the module comment).
#[allow(clippy::too_many_arguments)]
pub fn rank_causes(
    store: &Store,
    asset_rid: i64,
    asset: &AnalyticsAsset,
    codes_raw: &[String],
    symptom: Option<&str>,
    at: i64,
    p: &CauseParams,
    limit: usize,
) -> Result<Option<Vec<Cause>>, DiagnosisError> {
    let symptom = symptom.filter(|s| !s.trim().is_empty());
    let mut ix = None;
    if symptom.is_some() {
        ix = crate::live_text::TextIndex::open(store, at)?;
        if ix.is_none() {
            return Ok(None);
        }
    }
    rank_causes_in(
        store,
        ix.as_mut(),
        asset_rid,
        asset,
        codes_raw,
        symptom,
        at,
        p,
        limit,
    )
}

/// [`rank_causes`] with the text index of the call (needed with a symptom).
#[allow(clippy::too_many_arguments)]
pub(crate) fn rank_causes_in(
    store: &Store,
    text_index: Option<&mut crate::live_text::TextIndex<'_>>,
    asset_rid: i64,
    asset: &AnalyticsAsset,
    codes_raw: &[String],
    symptom: Option<&str>,
    at: i64,
    p: &CauseParams,
    limit: usize,
) -> Result<Option<Vec<Cause>>, DiagnosisError> {
    if p.half_life_days != DIAGNOSIS_HALF_LIFE_DAYS {
        return Ok(None);
    }
    if !store.diagnosis_in_snapshot() {
        catch_up(store, &mut |_, _| {})?;
    }
    let symptom = symptom.filter(|s| !s.trim().is_empty());
    // The symptom's nearest closed breakdowns and word counts.
    let mut near_rows: Vec<DiagnosisWorkOrder> = Vec::new();
    let mut near_scores: Vec<f64> = Vec::new();
    let mut words = (Vec::new(), HashMap::new(), (Vec::new(), 0.0));
    if let Some(s) = symptom {
        let Some(ix) = text_index else {
            return Ok(None);
        };
        let query: HashSet<String> = crate::shorthand::tokens(s).into_iter().collect();
        for (score, rid) in ix.top(&query, asset_rid, asset, p.text_neighbours, true)? {
            if let Some(w) = store.diagnosis_work_order_by_rid(rid)? {
                near_rows.push(w);
                near_scores.push(score);
            }
        }
        let q = TextEvidence::query_tokens(s);
        let (per_cause, all) = ix.word_counts(&q)?;
        words = (q, per_cause, all);
    }
    let text_evidence = TextEvidence::from_parts(
        near_scores.iter().copied().zip(near_rows.iter()).collect(),
        words.0,
        words.1,
        words.2,
    );
    let text = text_evidence.shares(p.text_neighbours);
    let later = store.diagnosis_evidence_since(at, MAX_LATER_ROWS)?;
    if later.len() > MAX_LATER_ROWS {
        return Ok(None);
    }
    let mut levels = vec![Level::new("asset", asset.tag.clone())];
    if let Some(m) = &asset.model {
        levels.push(Level::new("model", m.clone()));
    }
    if let Some(c) = &asset.equipment_class {
        levels.push(Level::new("class", c.clone()));
    }
    levels.push(Level::new("site", asset.site.clone()));
    // Per cell in the asset's levels: which levels it is in (never the asset's own).
    let member = |c: &DiagnosisCell| -> Vec<bool> {
        levels
            .iter()
            .map(|l| match l.kind {
                "model" => c.model.as_deref() == Some(l.name.as_str()),
                "class" => c.class.as_deref() == Some(l.name.as_str()),
                "site" => c.site == l.name,
                _ => false,
            })
            .collect()
    };
    let cells: HashMap<i64, Vec<bool>> = store
        .diagnosis_cells()?
        .iter()
        .map(|c| (c.id, member(c)))
        .filter(|(_, m)| m.iter().any(|b| *b))
        .collect();
    let mut union: Vec<i64> = cells.keys().copied().collect();
    union.sort_unstable();
    // The levels an evidence row counts in (the asset's own level by its rid).
    let n_levels = levels.len();
    let levels_of = |e: &EvidenceRow| -> Vec<bool> {
        let mut m = cells
            .get(&e.cell)
            .cloned()
            .unwrap_or_else(|| vec![false; n_levels]);
        if let Some(first) = m.first_mut() {
            *first = e.asset_rid == asset_rid;
        }
        m
    };
    let decay = decay_at(at);
    // Per level, per cause: (count, Σ growth) of the evidence before `at`; in cause order, so
    // the levels' totals are summed in the same order on every run (issue 11).
    let mut totals: Vec<BTreeMap<String, (i64, f64)>> = vec![BTreeMap::new(); levels.len()];
    for (cell, cause, n, w) in store.diagnosis_cell_causes(&union)? {
        for (t, _) in totals
            .iter_mut()
            .zip(cells.get(&cell).into_iter().flatten())
            .filter(|(_, m)| **m)
        {
            let e = t.entry(cause.clone()).or_insert((0, 0.0));
            e.0 += n;
            e.1 += w;
        }
    }
    for e in &later {
        if !cells.contains_key(&e.cell) {
            continue;
        }
        for (t, _) in totals
            .iter_mut()
            .zip(levels_of(e))
            .skip(1)
            .filter(|(_, m)| *m)
        {
            let v = t.entry(e.cause.clone()).or_insert((0, 0.0));
            v.0 -= 1;
            v.1 -= e.growth;
        }
    }
    if let Some(own) = totals.first_mut() {
        for e in store.diagnosis_asset_evidence(asset_rid, at)? {
            let v = own.entry(e.cause).or_insert((0, 0.0));
            v.0 += 1;
            v.1 += e.growth;
        }
    }
    // A confirmed work order counts `1 + confirmed_weight` times.
    let confirmed = store.confirmed_conclusions(at)?;
    let extra = 1.0 + p.confirmed_weight.max(0.0);
    let confirmed_ids: Vec<String> = confirmed
        .iter()
        .map(|c| c.work_order_id.clone())
        .collect::<BTreeSet<_>>() // in id order: the bonus sums below run in this order
        .into_iter()
        .collect();
    let confirmed_rows: Vec<EvidenceRow> = store
        .diagnosis_evidence_of_ids(&confirmed_ids)?
        .into_iter()
        .filter(|e| e.reported_at < at)
        .collect();
    let confirmed_rids: HashSet<i64> = confirmed_rows.iter().map(|e| e.rid).collect();
    // Per level, per cause: the extra weight of its confirmed rows (Σ growth · (extra - 1)).
    let mut bonus: Vec<HashMap<String, f64>> = vec![HashMap::new(); levels.len()];
    for e in &confirmed_rows {
        for (b, _) in bonus.iter_mut().zip(levels_of(e)).filter(|(_, m)| *m) {
            *b.entry(e.cause.clone()).or_default() += e.growth * (extra - 1.0);
        }
    }
    for ((l, t), b) in levels.iter_mut().zip(&totals).zip(&bonus) {
        for (cause, (n, w)) in t {
            if *n <= 0 {
                continue;
            }
            let all = (w + b.get(cause).copied().unwrap_or(0.0)) * decay;
            let raw = u32::try_from(*n).unwrap_or(u32::MAX);
            l.all_total += all;
            match (codes_raw.is_empty(), text.is_empty()) {
                (true, true) => {
                    l.per_cause.insert(cause.clone(), (all, all, raw, all));
                    l.matched_total += all;
                    l.code_total += all;
                    l.raw_of += raw;
                }
                // Without codes every row counts fully on "the codes".
                (true, false) => {
                    l.per_cause.insert(cause.clone(), (0.0, all, 0, all));
                    l.code_total += all;
                }
                (false, _) => {
                    l.per_cause.insert(cause.clone(), (0.0, all, 0, 0.0));
                }
            }
        }
    }
    // The work orders that showed the codes or are among the symptom's nearest, each with its
    // share, oldest first.
    let mut matched: HashMap<String, Vec<DiagnosisWorkOrder>> = HashMap::new();
    let query: HashSet<String> = codes_raw.iter().map(|c| codes::key(c)).collect();
    let (mut rows, alarms, key_of) = if query.is_empty() {
        (Vec::new(), Vec::new(), HashMap::new())
    } else {
        let mut keys: Vec<String> = query.iter().cloned().collect();
        keys.sort_unstable();
        let raws = store.diagnosis_codes_with_keys(&keys)?;
        let (rows, alarms) = store.diagnosis_code_evidence(&raws, at, p.window_ms)?;
        let key_of: HashMap<String, String> =
            raws.iter().map(|r| (r.clone(), codes::key(r))).collect();
        (rows, alarms, key_of)
    };
    let near_ids: Vec<String> = near_rows.iter().map(|w| w.id.clone()).collect();
    let mut vote: HashMap<String, f64> = HashMap::new();
    {
        let have: HashSet<i64> = rows.iter().map(|e| e.rid).collect();
        for e in store.diagnosis_evidence_of_ids(&near_ids)? {
            if !have.contains(&e.rid) && e.reported_at < at {
                rows.push(e);
            }
        }
        rows.sort_by_key(|e| (e.reported_at, e.rid));
    }
    for e in rows {
        let Some(w) = store.diagnosis_work_order_by_rid(e.rid)? else {
            continue;
        };
        let code_share = (!query.is_empty()).then(|| {
            let mut seen: HashSet<&str> = alarms
                .iter()
                .filter(|(a, t, _)| {
                    *a == e.asset_rid
                        && *t >= e.reported_at.saturating_sub(p.window_ms)
                        && *t < e.reported_at
                })
                .filter_map(|(_, _, raw)| key_of.get(raw).map(String::as_str))
                .filter(|k| query.contains(*k))
                .collect();
            let fault = w
                .fault_code
                .as_deref()
                .filter(|c| !c.trim().is_empty())
                .map(codes::key);
            if let Some(k) = fault.as_deref().filter(|k| query.contains(*k)) {
                seen.insert(k);
            }
            seen.len() as f64 / query.len() as f64
        });
        let text_share =
            (!text.is_empty()).then(|| text.get(w.id.as_str()).copied().unwrap_or(0.0));
        let share = combined_share(code_share, text_share);
        if let Some(t) = text_share.filter(|t| *t > 0.0) {
            *vote.entry(e.cause.clone()).or_default() += t.powf(p.vote_power);
        }
        let m = levels_of(&e);
        if share <= 0.0 || !m.iter().any(|b| *b) {
            continue;
        }
        let mut weight = e.growth * decay;
        if confirmed_rids.contains(&e.rid) {
            weight *= extra;
        }
        for (l, _) in levels.iter_mut().zip(&m).filter(|(_, m)| **m) {
            let v = l
                .per_cause
                .entry(e.cause.clone())
                .or_insert((0.0, 0.0, 0, 0.0));
            v.0 += weight * share;
            v.2 += 1;
            l.matched_total += weight * share;
            l.raw_of += 1;
            if let Some(c) = code_share {
                v.3 += weight * c;
                l.code_total += weight * c;
            }
        }
        matched.entry(e.cause.clone()).or_default().push(w);
    }
    let shape = Shape {
        query_empty: query.is_empty(),
        text_empty: text.is_empty(),
        with_evidence: true,
        keep: limit,
    };
    let (ranked, what) = causes::finish(&levels, &vote, &text_evidence, &shape, p);
    // "Last replaced": the latest of the asset's rows naming the cause, read latest first and
    // only the rows that may name a cause shown, until each cause has its row.
    let shown: Vec<String> = ranked.iter().map(|r| r.cause.clone()).collect();
    let mut replaced: HashMap<&str, i64> = HashMap::new();
    store.diagnosis_asset_rows_naming(asset_rid, at, &shown, &mut |w| {
        for cause in &shown {
            if replaced.contains_key(cause.as_str()) {
                continue;
            }
            if let Some(t) = causes::last_replacement_in(std::iter::once(&w), &asset.tag, cause, at)
            {
                replaced.insert(cause.as_str(), t);
            }
        }
        replaced.len() < shown.len()
    })?;
    let mut out = Vec::with_capacity(ranked.len());
    for r in ranked {
        let facts = match matched.get(&r.cause).filter(|m| !m.is_empty()) {
            Some(rows) => PoolFacts::of(&rows.iter().collect::<Vec<_>>()),
            None => pool_facts(store, &r.cause, &union, &later, &cells, at)?,
        };
        let replaced = replaced.get(r.cause.as_str()).copied();
        out.push(causes::build_with(
            asset, &r.cause, r.score, r.levels, facts, replaced, &confirmed, codes_raw, what, at,
        ));
    }
    Ok(Some(out))
}

/// The facts of all evidence with `cause` in the asset's levels before `at`: the latest rows
/// (read newest first, only as far as needed) and the median of the repair-time counts less
/// the rows at or after `at`.
fn pool_facts(
    store: &Store,
    cause: &str,
    union: &[i64],
    later: &[EvidenceRow],
    cells: &HashMap<i64, Vec<bool>>,
    at: i64,
) -> Result<PoolFacts, DiagnosisError> {
    let mut seen: Vec<DiagnosisWorkOrder> = Vec::new();
    store.diagnosis_latest_evidence(cause, union, at, &mut |w| {
        seen.push(w);
        !PoolFacts::latest(seen.iter()).complete()
    })?;
    let mut facts = PoolFacts::latest(seen.iter());
    // The median: the buckets' counts (less the rows at or after `at`) find the bucket of each
    // middle row, and that bucket's rows alone give its time.
    let mut counts: Vec<(i64, i64)> = store.diagnosis_repair_buckets(cause, union)?;
    for e in later
        .iter()
        .filter(|e| e.cause == cause && cells.contains_key(&e.cell))
    {
        if let Some(d) = e.repair_ms {
            if let Ok(i) = counts.binary_search_by_key(&repair_bucket(d), |c| c.0) {
                counts[i].1 -= 1;
            }
        }
    }
    counts.retain(|c| c.1 > 0);
    let n: i64 = counts.iter().map(|c| c.1).sum();
    let mut read: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut nth = |k: i64| -> Result<Option<f64>, DiagnosisError> {
        let mut before = 0;
        for (b, c) in &counts {
            if k < before + c {
                if !read.contains_key(b) {
                    let rows = store.diagnosis_repairs_in_bucket(cause, *b, union, at)?;
                    read.insert(*b, rows);
                }
                let rows = read.get(b).map_or(&[][..], Vec::as_slice);
                let i = usize::try_from(k - before).unwrap_or(usize::MAX);
                return Ok(rows.get(i).map(|d| *d as f64 / 60_000.0));
            }
            before += c;
        }
        Ok(None)
    };
    facts.median_repair_minutes = if n == 0 {
        None
    } else if n % 2 == 1 {
        nth(n / 2)?
    } else {
        let (a, b) = (nth(n / 2 - 1)?, nth(n / 2)?);
        a.zip(b).map(|(a, b)| (a + b) / 2.0)
    };
    Ok(facts)
}
