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
    /// The assets of a model (by its name), read once per call.
    same_model: Option<(String, HashSet<i64>)>,
    /// Postings read by this call, by term id (the causes and the similar work orders of one
    /// call ask for the same words).
    postings: HashMap<i64, Vec<Posting>>,
    /// Blocks read by this call, by block id.
    blocks: HashMap<i64, Vec<Posting>>,
}

/// One candidate: its work order, its boost (from its asset), whether evidence, and the sum of
/// its terms so far (rarest first: a bound, not the score).
#[derive(Clone, Copy)]
struct Cand {
    rid: i64,
    boost: f64,
    evidence: bool,
    partial: f64,
}

/// The candidates by rid, with their terms' contributions by query position (a row of
/// `width` per candidate; 0: not in it).
#[derive(Default)]
struct Cands {
    all: Vec<Cand>,
    parts: Vec<f64>,
}

impl Cands {
    /// These candidates and the postings `taken` (by rid, at most `most`) of the term at query
    /// position `qi` (each contributing `value`): the ones in both get the term, the others
    /// join (with the boost of their asset).
    #[allow(clippy::too_many_arguments)]
    fn merge<'p>(
        self,
        taken: impl Iterator<Item = &'p Posting>,
        most: usize,
        width: usize,
        qi: usize,
        value: impl Fn(&Posting) -> f64,
        boost: impl Fn(i64) -> f64,
    ) -> Cands {
        let n = self.all.len() + most;
        let mut out = Cands {
            all: Vec::with_capacity(n),
            parts: Vec::with_capacity(n * width),
        };
        let row = |x: usize| self.parts.get(x * width..(x + 1) * width).unwrap_or(&[]);
        let mut x = 0;
        for p in taken {
            while let Some(c) = self.all.get(x).filter(|c| c.rid < p.rid) {
                out.all.push(*c);
                out.parts.extend_from_slice(row(x));
                x += 1;
            }
            let v = value(p);
            let at = out.parts.len();
            match self.all.get(x).filter(|c| c.rid == p.rid) {
                Some(c) => {
                    out.all.push(Cand {
                        partial: c.partial + v,
                        ..*c
                    });
                    out.parts.extend_from_slice(row(x));
                    x += 1;
                }
                None => {
                    out.all.push(Cand {
                        rid: p.rid,
                        boost: boost(p.asset_rid),
                        evidence: p.evidence,
                        partial: v,
                    });
                    out.parts.resize(at + width, 0.0);
                }
            }
            if let Some(slot) = out.parts.get_mut(at + qi) {
                *slot = v;
            }
        }
        for c in self.all.get(x..).unwrap_or(&[]) {
            out.all.push(*c);
        }
        out.parts
            .extend_from_slice(self.parts.get(x * width..).unwrap_or(&[]));
        out
    }

    /// Keeps the candidates `keep` says yes to (in order), with their rows.
    fn retain(&mut self, mut keep: impl FnMut(&Cand) -> bool) {
        let width = if self.all.is_empty() {
            0
        } else {
            self.parts.len() / self.all.len()
        };
        let mut to = 0;
        for x in 0..self.all.len() {
            let c = self.all[x];
            if keep(&c) {
                self.all[to] = c;
                self.parts
                    .copy_within(x * width..(x + 1) * width, to * width);
                to += 1;
            }
        }
        self.all.truncate(to);
        self.parts.truncate(to * width);
    }
}

/// Whether a bound `upper` can still reach `theta` (with a margin for the order of the sums:
/// the bounds add the terms rarest first, the scores in the words' order).
fn reach(upper: f64, theta: f64) -> bool {
    upper * (1.0 + 1e-12) >= theta
}

impl<'s> TextIndex<'s> {
    /// Catches up and reads the totals before `at`; `None` when the learned shorthand table is
    /// off (the postings hold its tokens) or too many work orders are after `at`.
    pub(crate) fn open(store: &'s Store, at: i64) -> Result<Option<Self>, DiagnosisError> {
        if !crate::shorthand::learned_table_on() {
            return Ok(None);
        }
        if !store.diagnosis_in_snapshot() {
            catch_up(store, &mut |_, _| {})?;
        }
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
            same_model: None,
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

    /// The assets of the model named `model`.
    fn assets_of_model(&mut self, model: &str) -> Result<HashSet<i64>, DiagnosisError> {
        if let Some((m, rids)) = &self.same_model {
            if m == model {
                return Ok(rids.clone());
            }
        }
        let rids: HashSet<i64> = self
            .store
            .diagnosis_assets_of_model(model)?
            .into_iter()
            .collect();
        self.same_model = Some((model.to_string(), rids.clone()));
        Ok(rids)
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
        // A block's best contribution: its largest occurrences in its shortest document.
        let block_best = |idf: f64, m: &BlockMeta| {
            let f = f64::from(m.max_tf);
            idf * f * (K1 + 1.0) / (f + K1 * (1.0 - B + B * f64::from(m.min_len) / avg))
        };
        // Each work order's boost is known from its asset: the same asset, the same model (by
        // name, as [`crate::similar::scored`] compares them), else none.
        let same_model: HashSet<i64> = match &asset.model {
            Some(m) => self.assets_of_model(m)?,
            None => HashSet::new(),
        };
        let boost = |a: i64| {
            if a == asset_rid {
                SAME_ASSET
            } else if same_model.contains(&a) {
                SAME_MODEL
            } else {
                1.0
            }
        };
        let width = words.len();
        let mut cands = Cands::default();
        let mut lower: Vec<f64> = Vec::new();
        let mut probing = false;
        for (i, &(qi, id, idf)) in terms.iter().enumerate() {
            let rest: f64 = terms[i..].iter().map(|t| t.2 * (K1 + 1.0)).sum();
            let mut theta = f64::INFINITY;
            if i > 0 {
                lower.clear();
                lower.extend(
                    cands
                        .all
                        .iter()
                        .filter(|c| !evidence_only || c.evidence)
                        .map(|c| c.partial * c.boost),
                );
                let kth_lower = kth(&mut lower, k);
                probing = probing || kth_lower.is_some_and(|t| !reach(SAME_ASSET * rest, t));
                if probing {
                    // No work order unseen so far can reach the k-th best: candidates that cannot
                    // reach it any more are dropped.
                    theta = kth_lower.unwrap_or(f64::INFINITY);
                    cands.retain(|c| {
                        (!evidence_only || c.evidence) && reach(c.boost * (c.partial + rest), theta)
                    });
                }
            }
            if probing {
                // The term only for the candidates, from the blocks that hold one that can still
                // reach the k-th best with this block's best contribution (the others are
                // dropped).
                let after = rest - idf * (K1 + 1.0);
                let metas = self.store.diagnosis_blocks(id)?;
                let mut keep = vec![true; cands.all.len()];
                let mut j = 0;
                for m in &metas {
                    while cands.all.get(j).is_some_and(|c| c.rid < m.first_rid) {
                        j += 1;
                    }
                    let start = j;
                    while cands.all.get(j).is_some_and(|c| c.rid <= m.last_rid) {
                        j += 1;
                    }
                    let Some(inside) = cands.all.get(start..j).filter(|r| !r.is_empty()) else {
                        continue;
                    };
                    let best = block_best(idf, m);
                    let can = |c: &Cand| reach(c.boost * (c.partial + best + after), theta);
                    if (evidence_only && m.evidence == 0) || !inside.iter().any(can) {
                        for (x, c) in inside.iter().enumerate() {
                            if !can(c) {
                                keep[start + x] = false;
                            }
                        }
                        continue;
                    }
                    let block = self.block(id, m)?;
                    let mut b = 0;
                    for x in start..j {
                        let rid = cands.all[x].rid;
                        while block.get(b).is_some_and(|p| p.rid < rid) {
                            b += 1;
                        }
                        if let Some(p) = block.get(b).filter(|p| p.rid == rid) {
                            let v = part(idf, p);
                            cands.all[x].partial += v;
                            cands.parts[x * width + qi] = v;
                        }
                    }
                }
                let mut x = 0;
                cands.retain(|_| {
                    x += 1;
                    keep[x - 1]
                });
            } else {
                if !self.postings.contains_key(&id) {
                    let read = self.store.diagnosis_postings(id)?;
                    self.postings.insert(id, read);
                }
                let postings = self.postings.get(&id).map_or(&[][..], Vec::as_slice);
                let later = &self.later;
                let taken = postings.iter().filter(|p| {
                    (!evidence_only || p.evidence)
                        && (later.is_empty() || !later.contains_key(&p.rid))
                });
                cands = cands.merge(taken, postings.len(), width, qi, |p| part(idf, p), boost);
            }
        }
        // Final scores, each summed in the words' sorted order (an absent word adds 0).
        // Times the boost (× 1.0 leaves a score as it is).
        let mut out: Vec<(f64, i64, i64)> = cands
            .all
            .iter()
            .enumerate()
            .filter(|(_, c)| !evidence_only || c.evidence)
            .map(|(x, c)| {
                let row = cands.parts.get(x * width..(x + 1) * width).unwrap_or(&[]);
                (row.iter().fold(0.0, |s, p| s + p), c.rid, c.boost)
            })
            .filter(|e| e.0 > 0.0)
            .map(|(s, rid, boost)| (s * boost, rid, 0))
            .collect();
        lower.clear();
        lower.extend(out.iter().map(|e| e.0));
        let cut = kth(&mut lower, k).unwrap_or(f64::NEG_INFINITY);
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

/// The `k`-th largest of `v` (`None` with fewer than `k`); reorders `v`.
fn kth(v: &mut [f64], k: usize) -> Option<f64> {
    if v.len() < k || k == 0 {
        return None;
    }
    let (_, x, _) = v.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
    Some(*x)
}
