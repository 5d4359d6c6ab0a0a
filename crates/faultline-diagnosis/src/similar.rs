//! Similar past work orders ("what fixed it last time"): BM25 over each work order's title,
//! description, notes, remedy text and fault code, through the shorthand tokens
//! ([`crate::shorthand`]); the query is the symptom and the codes. A work order on this asset
//! scores ×1.5, one on its model ×1.2, so they come first among close matches.

use crate::history::History;
use crate::shorthand::tokens;
use faultline_core::store::{AnalyticsAsset, DiagnosisWorkOrder};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

const K1: f64 = 1.2;
const B: f64 = 0.75;
const SAME_ASSET: f64 = 1.5;
const SAME_MODEL: f64 = 1.2;

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
        .map(|(score, w)| SimilarWorkOrder {
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
        })
        .collect()
}

/// Every past work order (before `at`, not cancelled) sharing a token with the codes and the
/// symptom, with its BM25 score (boosted for this asset and its model), best first.
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
    let docs: Vec<(&DiagnosisWorkOrder, Vec<String>)> = h
        .work_orders
        .iter()
        .take_while(|w| w.reported_at < at)
        .filter(|w| w.status != "cancelled")
        .map(|w| (w, document(w)))
        .collect();
    if docs.is_empty() {
        return Vec::new();
    }
    let n = docs.len() as f64;
    let avg_len = docs.iter().map(|d| d.1.len()).sum::<usize>() as f64 / n;
    let mut df: HashMap<&str, f64> = HashMap::new();
    for (_, toks) in &docs {
        let seen: HashSet<&str> = toks
            .iter()
            .map(String::as_str)
            .filter(|t| query.contains(*t))
            .collect();
        for t in seen {
            *df.entry(t).or_default() += 1.0;
        }
    }
    let mut scored: Vec<(f64, &DiagnosisWorkOrder)> = docs
        .iter()
        .filter_map(|(w, toks)| {
            let len = toks.len() as f64;
            let mut tf: HashMap<&str, f64> = HashMap::new();
            for t in toks.iter().filter(|t| query.contains(*t)) {
                *tf.entry(t.as_str()).or_default() += 1.0;
            }
            let mut s = 0.0;
            for (t, f) in tf {
                let d = df.get(t).copied().unwrap_or(0.0);
                let idf = ((n - d + 0.5) / (d + 0.5) + 1.0).ln();
                s += idf * f * (K1 + 1.0) / (f + K1 * (1.0 - B + B * len / avg_len.max(1.0)));
            }
            if s <= 0.0 {
                return None;
            }
            let same_model = asset.model.is_some()
                && h.asset(&w.asset_tag).and_then(|a| a.model.as_ref()) == asset.model.as_ref();
            if w.asset_tag == asset.tag {
                s *= SAME_ASSET;
            } else if same_model {
                s *= SAME_MODEL;
            }
            Some((s, *w))
        })
        .collect();
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| b.1.reported_at.cmp(&a.1.reported_at))
    });
    scored
}
