//! The whole-history implementations the prepared index ([`crate::index`]) replaced, kept for
//! the equivalence tests only: BM25 re-tokenising every past work order, and the word model
//! counting every past closed breakdown's tokens.
#![allow(dead_code)] // Not every part of the old path is compared.

use crate::causes::is_evidence;
use crate::history::History;
use crate::shorthand::tokens;
use crate::similar::document;
use crate::text_model::{Counts, WordCounts};
use faultline_core::store::{AnalyticsAsset, DiagnosisWorkOrder};
use std::collections::{HashMap, HashSet};

pub mod causes_whole;
pub mod text_model_whole;

const K1: f64 = 1.2;
const B: f64 = 0.75;
const SAME_ASSET: f64 = 1.5;
const SAME_MODEL: f64 = 1.2;

/// Every past work order (before `at`, not cancelled) sharing a token with the codes and the
/// symptom, with its BM25 score (boosted for this asset and its model), best first.
pub fn scored_whole<'h>(
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
            // In token order, as `similar::scored` sums (the old path summed in hash order).
            let mut tf: std::collections::BTreeMap<&str, f64> = Default::default();
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

/// The word model's counts, by tokenising every past closed breakdown.
pub fn word_counts_whole(h: &History, query: &[(String, f64)], at: i64) -> (WordCounts, Counts) {
    let mut per_cause: WordCounts = HashMap::new();
    let mut all = (vec![0.0; query.len()], 0.0);
    for w in h.work_orders.iter().take_while(|w| w.reported_at < at) {
        if !is_evidence(w) {
            continue;
        }
        let cause = w.cause_code.as_deref().unwrap_or_default().trim();
        let doc = crate::similar::document(w);
        let e = per_cause
            .entry(cause.to_string())
            .or_insert_with(|| (vec![0.0; query.len()], 0.0));
        for t in &doc {
            if let Some(i) = query.iter().position(|(q, _)| q == t) {
                e.0[i] += 1.0;
                all.0[i] += 1.0;
            }
        }
        e.1 += doc.len() as f64;
        all.1 += doc.len() as f64;
    }
    (per_cause, all)
}
