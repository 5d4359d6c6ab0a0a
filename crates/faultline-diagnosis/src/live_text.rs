//! The text side of the live path: BM25 over the replica's postings (migration 0019) as
//! [`crate::similar::scored`] scores over the history in memory, and the word counts of
//! [`crate::text_model`], reading only the postings of the query's words. The top `k` is exact
//! with max-score pruning: the words are read rarest first, and once no work order unseen so far
//! can reach the `k`-th best score found (each word adds at most `idf · (k1 + 1)`, times the
//! largest boost), the remaining words are only looked up for the candidates still in reach.
//! A work order's terms are summed in the sorted order of the words, as the in-memory path
//! does, so the scores are the same to the bit. Work orders reported at or after the diagnosis
//! time are taken out of the counts and the postings.

use crate::similar::{document, B, K1, SAME_ASSET, SAME_MODEL};
use crate::text_model::{Counts, WordCounts};
use crate::DiagnosisError;
use faultline_core::store::{AnalyticsAsset, BlockMeta, Posting, TextDoc};
use faultline_core::Store;
use std::collections::{HashMap, HashSet};

/// Applies the writes queued since the last call to the text index (the first call after the
/// upgrade indexes the whole history: `progress(done, total)` is told).
pub fn catch_up(
    store: &Store,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<usize, DiagnosisError> {
    Ok(store.diagnosis_text_catch_up(&document, progress)?)
}

/// The text index as seen at one diagnosis time.
pub(crate) struct TextIndex<'s> {
    store: &'s Store,
    /// Work orders reported at or after the time, by rid.
    later: HashMap<i64, TextDoc>,
    /// Not cancelled work orders before the time, and their mean length.
    docs: f64,
    avg_len: f64,
    models: HashMap<i64, Option<String>>,
    /// Postings read by this call, by term id (the causes and the similar work orders of one
    /// call ask for the same words).
    postings: HashMap<i64, Vec<Posting>>,
    /// Blocks read by this call, by block id.
    blocks: HashMap<i64, Vec<Posting>>,
}

/// One candidate: its terms' contributions by query position, its asset, whether evidence.
struct Cand {
    parts: Vec<(usize, f64)>,
    asset_rid: i64,
    evidence: bool,
}

impl Cand {
    fn partial(&self) -> f64 {
        self.parts.iter().map(|p| p.1).sum()
    }
}

impl<'s> TextIndex<'s> {
    /// Catches up and reads the totals before `at`; `None` when the learned shorthand table is
    /// off (the postings hold its tokens) or too many work orders are after `at`.
    pub(crate) fn open(store: &'s Store, at: i64) -> Result<Option<Self>, DiagnosisError> {
        if !crate::shorthand::learned_table_on() {
            return Ok(None);
        }
        catch_up(store, &mut |_, _| {})?;
        let later = store.diagnosis_text_docs_since(at, crate::live::MAX_LATER_ROWS)?;
        if later.len() > crate::live::MAX_LATER_ROWS {
            return Ok(None);
        }
        let (mut docs, mut len) = store
            .diagnosis_text_totals()?
            .into_iter()
            .find(|t| t.0.is_empty())
            .map_or((0, 0), |t| (t.1, t.2));
        for d in later.iter().filter(|d| !d.cancelled) {
            docs -= 1;
            len -= i64::from(d.len);
        }
        let docs = docs.max(0) as f64;
        Ok(Some(Self {
            store,
            later: later.into_iter().map(|d| (d.rid, d)).collect(),
            docs,
            avg_len: if docs > 0.0 { len as f64 / docs } else { 0.0 },
            models: HashMap::new(),
            postings: HashMap::new(),
            blocks: HashMap::new(),
        }))
    }

    /// The postings of one block of the term: from the term's postings when this call read
    /// them all, else from the block (kept for the rest of the call).
    fn block(&mut self, term: i64, m: &BlockMeta) -> Result<&[Posting], DiagnosisError> {
        if let Some(all) = self.postings.get(&term) {
            let a = all.partition_point(|p| p.rid < m.first_rid);
            let b = all.partition_point(|p| p.rid <= m.last_rid);
            return Ok(all.get(a..b).unwrap_or(&[]));
        }
        if !self.blocks.contains_key(&m.id) {
            let mut read = Vec::new();
            self.store.diagnosis_block(m.id, &mut read)?;
            self.blocks.insert(m.id, read);
        }
        Ok(self.blocks.get(&m.id).map_or(&[][..], Vec::as_slice))
    }

    fn model_of(&mut self, asset_rid: i64) -> Result<Option<String>, DiagnosisError> {
        if let Some(m) = self.models.get(&asset_rid) {
            return Ok(m.clone());
        }
        let m = self.store.diagnosis_asset_model(asset_rid)?;
        self.models.insert(asset_rid, m.clone());
        Ok(m)
    }

    /// The `k` best work orders before the time for the tokens `query` (a set), with their
    /// scores, best first (ties: the latest first), as [`crate::similar::scored`] orders them;
    /// only closed breakdowns with a cause when `evidence_only`.
    pub(crate) fn top(
        &mut self,
        query: &HashSet<String>,
        asset_rid: i64,
        asset: &AnalyticsAsset,
        k: usize,
        evidence_only: bool,
    ) -> Result<Vec<(f64, i64)>, DiagnosisError> {
        if query.is_empty() || k == 0 || self.docs <= 0.0 {
            return Ok(Vec::new());
        }
        let mut words: Vec<String> = query.iter().cloned().collect();
        words.sort_unstable();
        let ids = self.store.diagnosis_terms(&words)?;
        let n = self.docs;
        // (query position, term id, idf), rarest first.
        let mut terms: Vec<(usize, i64, f64)> = Vec::new();
        for (qi, id) in ids.iter().enumerate() {
            let Some((id, df)) = id else {
                continue;
            };
            let later = self
                .later
                .values()
                .filter(|d| !d.cancelled && d.terms.iter().any(|t| t.0 == *id))
                .count() as i64;
            let d = (df - later) as f64;
            if d <= 0.0 {
                continue;
            }
            terms.push((qi, *id, ((n - d + 0.5) / (d + 0.5) + 1.0).ln()));
        }
        terms.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
        let avg = self.avg_len.max(1.0);
        let part = |idf: f64, p: &Posting| {
            let f = f64::from(p.tf);
            idf * f * (K1 + 1.0) / (f + K1 * (1.0 - B + B * f64::from(p.len) / avg))
        };
        let lower_boost = |c: &Cand| {
            if c.asset_rid == asset_rid {
                SAME_ASSET
            } else {
                1.0
            }
        };
        // A block's best contribution: its largest occurrences in its shortest document.
        let block_best = |idf: f64, m: &BlockMeta| {
            let f = f64::from(m.max_tf);
            idf * f * (K1 + 1.0) / (f + K1 * (1.0 - B + B * f64::from(m.min_len) / avg))
        };
        let mut cands: HashMap<i64, Cand> = HashMap::new();
        let mut probing = false;
        for (i, &(qi, id, idf)) in terms.iter().enumerate() {
            let rest: f64 = terms[i..].iter().map(|t| t.2 * (K1 + 1.0)).sum();
            let mut theta = f64::INFINITY;
            if i > 0 {
                let kth_lower = kth(
                    cands
                        .values()
                        .filter(|c| !evidence_only || c.evidence)
                        .map(|c| c.partial() * lower_boost(c)),
                    k,
                );
                probing = probing || kth_lower.is_some_and(|t| SAME_ASSET * rest < t);
                if probing {
                    // No work order unseen so far can reach the k-th best: candidates that cannot
                    // reach it any more are dropped.
                    theta = kth_lower.unwrap_or(f64::INFINITY);
                    cands.retain(|_, c| {
                        (!evidence_only || c.evidence) && SAME_ASSET * (c.partial() + rest) >= theta
                    });
                }
            }
            if probing {
                // The term only for the candidates, from the blocks that hold one that can still
                // reach the k-th best with this block's best contribution (the others are
                // dropped).
                let after = rest - idf * (K1 + 1.0);
                let mut rids: Vec<i64> = cands.keys().copied().collect();
                rids.sort_unstable();
                let metas = self.store.diagnosis_blocks(id)?;
                let mut j = 0;
                for m in &metas {
                    while rids.get(j).is_some_and(|r| *r < m.first_rid) {
                        j += 1;
                    }
                    let start = j;
                    while rids.get(j).is_some_and(|r| *r <= m.last_rid) {
                        j += 1;
                    }
                    let Some(inside) = rids.get(start..j).filter(|r| !r.is_empty()) else {
                        continue;
                    };
                    let best = block_best(idf, m);
                    let reach = |c: &Cand| SAME_ASSET * (c.partial() + best + after) >= theta;
                    if (evidence_only && m.evidence == 0)
                        || !inside.iter().any(|r| cands.get(r).is_some_and(reach))
                    {
                        for r in inside {
                            if cands.get(r).is_some_and(|c| !reach(c)) {
                                cands.remove(r);
                            }
                        }
                        continue;
                    }
                    for p in self.block(id, m)? {
                        if let Some(c) = cands.get_mut(&p.rid) {
                            c.parts.push((qi, part(idf, p)));
                        }
                    }
                }
            } else {
                if !self.postings.contains_key(&id) {
                    let read = self.store.diagnosis_postings(id)?;
                    self.postings.insert(id, read);
                }
                let postings = self.postings.get(&id).map_or(&[][..], Vec::as_slice);
                for p in postings {
                    if (evidence_only && !p.evidence) || self.later.contains_key(&p.rid) {
                        continue;
                    }
                    let contribution = part(idf, p);
                    cands
                        .entry(p.rid)
                        .or_insert_with(|| Cand {
                            parts: Vec::new(),
                            asset_rid: p.asset_rid,
                            evidence: p.evidence,
                        })
                        .parts
                        .push((qi, contribution));
                }
            }
        }
        // Final scores, each summed in the words' sorted order.
        let mut scored: Vec<(i64, f64, &Cand)> = cands
            .iter()
            .filter(|(_, c)| !evidence_only || c.evidence)
            .map(|(rid, c)| {
                let mut parts = c.parts.clone();
                parts.sort_by_key(|p| p.0);
                (*rid, parts.iter().fold(0.0, |s, p| s + p.1), c)
            })
            .filter(|e| e.1 > 0.0)
            .collect();
        // The model boost only for those that can still make the top k.
        let theta = kth(scored.iter().map(|e| e.1 * lower_boost(e.2)), k).unwrap_or(0.0);
        let upper = |e: &(i64, f64, &Cand)| {
            e.1 * if e.2.asset_rid == asset_rid {
                SAME_ASSET
            } else {
                SAME_MODEL
            }
        };
        scored.retain(|e| upper(e) >= theta);
        let mut out: Vec<(f64, i64, i64)> = Vec::with_capacity(scored.len());
        let survivors: Vec<(i64, f64, i64)> =
            scored.iter().map(|e| (e.0, e.1, e.2.asset_rid)).collect();
        for (rid, mut s, a) in survivors {
            if a == asset_rid {
                s *= SAME_ASSET;
            } else if asset.model.is_some() && self.model_of(a)? == asset.model {
                s *= SAME_MODEL;
            }
            out.push((s, rid, 0));
        }
        out.sort_by(|a, b| b.0.total_cmp(&a.0));
        let cut = out
            .get(k.saturating_sub(1))
            .map_or(f64::NEG_INFINITY, |e| e.0);
        out.retain(|e| e.0 >= cut);
        for e in out.iter_mut() {
            e.2 = self.store.diagnosis_doc_time(e.1)?.unwrap_or(i64::MIN);
        }
        out.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then_with(|| b.2.cmp(&a.2))
                .then_with(|| a.1.cmp(&b.1))
        });
        out.truncate(k);
        Ok(out.into_iter().map(|e| (e.0, e.1)).collect())
    }

    /// The word counts of [`crate::text_model::word_counts`] for the symptom's tokens `query`.
    pub(crate) fn word_counts(
        &self,
        query: &[(String, f64)],
    ) -> Result<(WordCounts, Counts), DiagnosisError> {
        let words: Vec<String> = query.iter().map(|q| q.0.clone()).collect();
        let ids = self.store.diagnosis_terms(&words)?;
        let later_evidence: Vec<&TextDoc> =
            self.later.values().filter(|d| d.cause.is_some()).collect();
        let mut per_cause: HashMap<String, (Vec<f64>, f64, i64)> = HashMap::new();
        for (cause, docs, len) in self.store.diagnosis_text_totals()? {
            if cause.is_empty() {
                continue;
            }
            per_cause.insert(cause, (vec![0.0; query.len()], len as f64, docs));
        }
        for d in &later_evidence {
            if let Some(e) = d.cause.as_ref().and_then(|c| per_cause.get_mut(c)) {
                e.1 -= f64::from(d.len);
                e.2 -= 1;
            }
        }
        for (q, id) in ids.iter().enumerate() {
            let Some((id, _)) = id else {
                continue;
            };
            for (cause, tf) in self.store.diagnosis_term_causes(*id)? {
                if let Some(e) = per_cause.get_mut(&cause) {
                    e.0[q] += tf as f64;
                }
            }
            for d in &later_evidence {
                let f = d.terms.iter().find(|t| t.0 == *id).map_or(0, |t| t.1);
                if let Some(e) = d.cause.as_ref().and_then(|c| per_cause.get_mut(c)) {
                    e.0[q] -= f64::from(f);
                }
            }
        }
        let mut all: Counts = (vec![0.0; query.len()], 0.0);
        let per_cause: WordCounts = per_cause
            .into_iter()
            .filter(|(_, e)| e.2 > 0)
            .map(|(c, (tf, len, _))| (c, (tf, len)))
            .collect();
        // Summed in cause order, as integers they are exact in any order.
        for (tf, len) in per_cause.values() {
            for (a, f) in all.0.iter_mut().zip(tf) {
                *a += f;
            }
            all.1 += len;
        }
        Ok((per_cause, all))
    }
}

/// The `k`-th largest of `v` (`None` with fewer than `k`).
fn kth(v: impl Iterator<Item = f64>, k: usize) -> Option<f64> {
    let mut all: Vec<f64> = v.collect();
    if all.len() < k || k == 0 {
        return None;
    }
    let (_, x, _) = all.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
    Some(*x)
}
