//! The symptom's words as evidence for a cause, two ways, computed once per query:
//! the past closed breakdowns most like the symptom (BM25 neighbours, [`crate::similar`]), whose
//! causes vote; and a word model of each cause's past texts (multinomial, Dirichlet-smoothed
//! toward all those texts), which gives `P(symptom words | cause)` for every cause, also for
//! causes none of whose work orders is among the nearest. [`crate::causes`] combines them with
//! the chain of counts.

use crate::causes::is_evidence;
use crate::history::History;
use crate::index::{DocIndex, NONE};
use crate::shorthand::tokens;
use faultline_core::store::{AnalyticsAsset, DiagnosisWorkOrder};
use std::collections::HashMap;

/// What the symptom says, for one query.
#[derive(Debug, Default)]
pub struct TextEvidence<'h> {
    /// Past closed breakdowns with a cause sharing a word with the symptom, most similar first,
    /// with their BM25 score (at most the `max_neighbours` asked for).
    pub near: Vec<(f64, &'h DiagnosisWorkOrder)>,
    /// The symptom's distinct tokens and how often each occurs in it.
    query: Vec<(String, f64)>,
    /// Per cause: occurrences of each query token in its past closed breakdowns' texts (same
    /// order as `query`) and the total number of tokens of those texts.
    per_cause: HashMap<String, (Vec<f64>, f64)>,
    /// The same over every past closed breakdown with a cause.
    all: (Vec<f64>, f64),
}

impl<'h> TextEvidence<'h> {
    /// Reads the work orders strictly before `at`; empty without a symptom.
    pub fn new(
        h: &'h History,
        asset: &AnalyticsAsset,
        symptom: Option<&str>,
        at: i64,
        max_neighbours: usize,
    ) -> Self {
        let Some(symptom) = symptom.filter(|s| !s.trim().is_empty()) else {
            return Self::default();
        };
        let near: Vec<(f64, &DiagnosisWorkOrder)> =
            crate::similar::scored(h, asset, &[], Some(symptom), at)
                .into_iter()
                .filter(|(s, w)| *s > 0.0 && is_evidence(w))
                .take(max_neighbours)
                .collect();
        let query = Self::query_tokens(symptom);
        let (per_cause, all) = word_counts(h, &query, at);
        Self {
            near,
            query,
            per_cause,
            all,
        }
    }

    /// From parts read elsewhere (the replica's text index, `crate::live_text`): the nearest
    /// closed breakdowns, the symptom's tokens with their counts, the word counts per cause and
    /// over all causes.
    pub(crate) fn from_parts(
        near: Vec<(f64, &'h DiagnosisWorkOrder)>,
        query: Vec<(String, f64)>,
        per_cause: WordCounts,
        all: Counts,
    ) -> Self {
        Self {
            near,
            query,
            per_cause,
            all,
        }
    }

    /// The symptom's distinct tokens with their counts, in order of first appearance.
    pub(crate) fn query_tokens(symptom: &str) -> Vec<(String, f64)> {
        let mut query: Vec<(String, f64)> = Vec::new();
        for t in tokens(symptom) {
            match query.iter_mut().find(|(q, _)| *q == t) {
                Some(q) => q.1 += 1.0,
                None => query.push((t, 1.0)),
            }
        }
        query
    }

    /// Whether the symptom matched no past closed breakdown (or there was none).
    pub fn is_empty(&self) -> bool {
        self.near.is_empty()
    }

    /// Per past work order id among the `k` nearest: its similarity over the best one's.
    pub fn shares(&self, k: usize) -> HashMap<&'h str, f64> {
        let best = self.near.first().map_or(0.0, |n| n.0);
        if best <= 0.0 {
            return HashMap::new();
        }
        self.near
            .iter()
            .take(k)
            .map(|(s, w)| (w.id.as_str(), s / best))
            .collect()
    }

    /// `ln P(symptom words | cause)`: each query token seen in the past texts, as often as the
    /// symptom has it, drawn from the cause's words smoothed toward all words with pseudo-count
    /// `mu`: `(n(t, cause) + mu · P(t)) / (n(cause) + mu)`. Tokens never seen count for no cause.
    pub fn log_likelihood(&self, cause: &str, mu: f64) -> f64 {
        let (counts, len) = self
            .per_cause
            .get(cause)
            .map_or((None, 0.0), |(c, l)| (Some(c), *l));
        let mut ll = 0.0;
        for (i, (_, times)) in self.query.iter().enumerate() {
            let seen = self.all.0.get(i).copied().unwrap_or(0.0);
            if seen <= 0.0 || self.all.1 <= 0.0 {
                continue;
            }
            let p_all = seen / self.all.1;
            let n = counts.and_then(|c| c.get(i)).copied().unwrap_or(0.0);
            ll += times * ((n + mu * p_all) / (len + mu)).ln();
        }
        ll
    }
}

/// Per cause: the occurrences of each query token (in `query`'s order) in its closed breakdowns
/// before `at` and their total number of tokens; and the same over all causes. Reads the
/// postings of the query's tokens and one cause id per work order ([`History::index`]).
pub(crate) fn word_counts(h: &History, query: &[(String, f64)], at: i64) -> (WordCounts, Counts) {
    let ix = h.index();
    let cut = DocIndex::cut(h, at);
    let mut by_id: Vec<Option<Counts>> = vec![None; ix.causes.len()];
    let mut all: Counts = (vec![0.0; query.len()], 0.0);
    for (i, &c) in ix.cause.iter().take(cut).enumerate() {
        let Some(slot) = by_id.get_mut(c as usize) else {
            continue;
        };
        let len = f64::from(ix.len.get(i).copied().unwrap_or(0));
        slot.get_or_insert_with(|| (vec![0.0; query.len()], 0.0)).1 += len;
        all.1 += len;
    }
    for (q, (t, _)) in query.iter().enumerate() {
        for &(i, f) in ix.postings_before(t, cut) {
            let c = ix.cause.get(i as usize).copied().unwrap_or(NONE);
            let Some(Some(e)) = by_id.get_mut(c as usize) else {
                continue;
            };
            e.0[q] += f64::from(f);
            all.0[q] += f64::from(f);
        }
    }
    let per_cause = by_id
        .into_iter()
        .enumerate()
        .filter_map(|(c, e)| Some((ix.causes.get(c)?.clone(), e?)))
        .collect();
    (per_cause, all)
}

/// Occurrences per query token and the total number of tokens.
pub(crate) type Counts = (Vec<f64>, f64);
/// [`Counts`] per cause.
pub(crate) type WordCounts = HashMap<String, Counts>;
