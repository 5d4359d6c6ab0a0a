//! Similar past work orders ("what fixed it last time"): BM25 over each work order's title,
//! description, notes, remedy text and fault code, through the shorthand tokens
//! ([`crate::shorthand`]); the query is the symptom and the codes. A work order on this asset
//! scores ×1.5, one on its model ×1.2, so they come first among close matches.

use crate::history::History;
use crate::index::DocIndex;
use crate::shorthand::tokens;
use faultline_core::store::{AnalyticsAsset, DiagnosisWorkOrder};
use serde::Serialize;
use std::collections::HashSet;

pub(crate) const K1: f64 = 1.2;
pub(crate) const B: f64 = 0.75;
pub(crate) const SAME_ASSET: f64 = 1.5;
pub(crate) const SAME_MODEL: f64 = 1.2;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SimilarWorkOrder {
    pub id: String,
    pub number: String,
    pub asset_tag: String,
    pub reported_at: i64,
    pub title: String,
    pub failure_class: Option<String>,
    pub problem_code: Option<String>,
    pub cause_code: Option<String>,
    pub remedy_code: Option<String>,
    pub remedy_text: Option<String>,
    /// Minutes from start (or report) to finish, when finished.
    pub repair_minutes: Option<f64>,
    pub score: f64,
}

/// The tokens a past work order is compared by (also the cause word model's, `crate::text_model`).
pub(crate) fn document(w: &DiagnosisWorkOrder) -> Vec<String> {
    let mut text = w.title.clone();
    for part in [&w.description, &w.remedy_text, &w.fault_code]
        .into_iter()
        .flatten()
    {
        text.push(' ');
        text.push_str(part);
    }
    for n in &w.notes {
        text.push(' ');
        text.push_str(n);
    }
    let mut toks = tokens(&text);
    if let Some(c) = w.fault_code.as_deref().filter(|c| !c.trim().is_empty()) {
        toks.push(crate::codes::key(c));
    }
    toks
}

/// The `limit` past work orders most like the symptom and codes, best first.
pub fn find(
    h: &History,
    asset: &AnalyticsAsset,
    codes: &[String],
    symptom: Option<&str>,
    at: i64,
    limit: usize,
) -> Vec<SimilarWorkOrder> {
    if limit == 0 {
        return Vec::new();
    }
    scored(h, asset, codes, symptom, at)
        .into_iter()
        .take(limit)
        .map(|(score, w)| row(score, w))
        .collect()
}

/// The row shown for a similar work order.
pub(crate) fn row(score: f64, w: &DiagnosisWorkOrder) -> SimilarWorkOrder {
    SimilarWorkOrder {
        id: w.id.clone(),
        number: w.number.clone(),
        asset_tag: w.asset_tag.clone(),
        reported_at: w.reported_at,
        title: w.title.clone(),
        failure_class: w.failure_class.clone(),
        problem_code: w.problem_code.clone(),
        cause_code: w.cause_code.clone(),
        remedy_code: w.remedy_code.clone(),
        remedy_text: w.remedy_text.clone(),
        repair_minutes: w.finished_at.and_then(|end| {
            let start = w.started_at.unwrap_or(w.reported_at);
            (end >= start).then(|| (end - start) as f64 / 60_000.0)
        }),
        score,
    }
}

/// Every past work order (before `at`, not cancelled) sharing a token with the codes and the
/// symptom, with its BM25 score (boosted for this asset and its model), best first. Reads only
/// the postings of the query's tokens ([`History::index`]).
pub fn scored<'h>(
    h: &'h History,
    asset: &AnalyticsAsset,
    codes: &[String],
    symptom: Option<&str>,
    at: i64,
) -> Vec<(f64, &'h DiagnosisWorkOrder)> {
    // A code is one token, its matching key, however it was typed ("oc 1").
    let mut query: Vec<String> = codes.iter().map(|c| crate::codes::key(c)).collect();
    query.extend(symptom.map(tokens).unwrap_or_default());
    let query: HashSet<String> = query.into_iter().collect();
    if query.is_empty() {
        return Vec::new();
    }
    let ix = h.index();
    let cut = DocIndex::cut(h, at);
    let (docs, total_len) = ix.docs_before(cut);
    if docs == 0 {
        return Vec::new();
    }
    let n = f64::from(docs);
    let avg_len = total_len as f64 / n;
    // Each work order's terms are summed in token order, so a score is the same on every call
    // (hash order left the last bits, and so ties among the nearest, to chance).
    let mut query: Vec<String> = query.into_iter().collect();
    query.sort_unstable();
    // Per work order before the cut, its sum (each term is > 0, so 0 is "not touched").
    let mut sums: Vec<f64> = vec![0.0; cut];
    let mut touched: Vec<u32> = Vec::new();
    for t in &query {
        let postings = ix.postings_before(t, cut);
        if postings.is_empty() {
            continue;
        }
        let d = postings.len() as f64;
        let idf = ((n - d + 0.5) / (d + 0.5) + 1.0).ln();
        for &(i, f) in postings {
            let len = f64::from(ix.len.get(i as usize).copied().unwrap_or(0));
            let f = f64::from(f);
            let Some(sum) = sums.get_mut(i as usize) else {
                continue;
            };
            if *sum == 0.0 {
                touched.push(i);
            }
            *sum += idf * f * (K1 + 1.0) / (f + K1 * (1.0 - B + B * len / avg_len.max(1.0)));
        }
    }
    touched.sort_unstable();
    let hits: Vec<(u32, f64)> = touched
        .into_iter()
        .map(|i| (i, sums.get(i as usize).copied().unwrap_or(0.0)))
        .filter(|e| e.1 > 0.0)
        .collect();
    let model_of = |i: u32| {
        ix.asset
            .get(i as usize)
            .and_then(|&a| h.assets.get(a as usize))
            .and_then(|a| a.model.as_ref())
    };
    let mut scored: Vec<(f64, &DiagnosisWorkOrder)> = hits
        .into_iter()
        .filter_map(|(i, mut s)| {
            let w = h.work_orders.get(i as usize)?;
            let same_model = asset.model.is_some() && model_of(i) == asset.model.as_ref();
            if w.asset_tag == asset.tag {
                s *= SAME_ASSET;
            } else if same_model {
                s *= SAME_MODEL;
            }
            Some((s, w))
        })
        .collect();
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| b.1.reported_at.cmp(&a.1.reported_at))
    });
    scored
}
