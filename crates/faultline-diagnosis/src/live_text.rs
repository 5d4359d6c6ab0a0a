//! The text side of the live path: BM25 over the replica's postings (migration 0019) as
//! [`crate::similar::scored`] scores over the history in memory, and the word counts of
//! [`crate::text_model`], reading only the postings of the query's words. The top `k` is exact
//! with max-score pruning: the words are read rarest first, and once no work order unseen so far
//! can reach the `k`-th best score found (each word adds at most `idf · (k1 + 1)`, times the
//! largest boost), the remaining words are only looked up for the candidates still in reach.
//! A candidate keeps only its running sum; those that can still be among the best by it are
//! scored at the end, their terms looked up again and summed in the sorted order of the words,
//! as the in-memory path does, so the scores are the same to the bit. Work orders reported at
//! or after the diagnosis time are taken out of the counts and the postings.

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
    /// The block being read (one at a time, its allocation reused).
    scratch: Vec<Posting>,
    /// The candidate lists of [`Self::top`], kept for the next merge and the next search.
    bufs: [Cands; 2],
}

/// One candidate: its work order, whether evidence, its boost (from its asset: 2 the same
/// asset, 1 the same model, 0 none) and the sum of its terms so far (rarest first: a bound,
/// within [`reach`]'s margin of the score, which sums them in the words' order).
#[derive(Clone, Copy)]
struct Cand {
    rid: i64,
    partial: f64,
    boost: u8,
    evidence: bool,
}

impl Cand {
    fn boost(&self) -> f64 {
        match self.boost {
            2 => SAME_ASSET,
            1 => SAME_MODEL,
            _ => 1.0,
        }
    }
}

/// The candidates by rid.
#[derive(Default)]
struct Cands {
    all: Vec<Cand>,
}

impl Cands {
    /// These candidates and the postings `taken` (by rid, at most `most`) of a term (each
    /// contributing `value`), written into `out` (emptied first; its allocation is reused: a
    /// common word's candidates are megabytes): the ones in both get the term, the others join
    /// (with the boost class of their asset).
    fn merge_into<'p>(
        &self,
        out: &mut Cands,
        taken: impl Iterator<Item = &'p Posting>,
        most: usize,
        value: impl Fn(&Posting) -> f64,
        boost: impl Fn(i64) -> u8,
    ) {
        empty_with_room(&mut out.all, self.all.len() + most);
        let mut x = 0;
        for p in taken {
            while let Some(c) = self.all.get(x).filter(|c| c.rid < p.rid) {
                out.all.push(*c);
                x += 1;
            }
            let v = value(p);
            match self.all.get(x).filter(|c| c.rid == p.rid) {
                Some(c) => {
                    out.all.push(Cand {
                        partial: c.partial + v,
                        ..*c
                    });
                    x += 1;
                }
                None => out.all.push(Cand {
                    rid: p.rid,
                    partial: v,
                    boost: boost(p.asset_rid),
                    evidence: p.evidence,
                }),
            }
        }
        out.all.extend_from_slice(self.all.get(x..).unwrap_or(&[]));
    }

    /// Keeps the candidates `keep` says yes to (in order).
    fn retain(&mut self, keep: impl FnMut(&Cand) -> bool) {
        self.all.retain(keep);
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
            scratch: Vec::new(),
            bufs: Default::default(),
        }))
    }

    /// The postings of one block of the term: from the term's postings when this call read
    /// them all, else read into the scratch buffer (only until the next block: a common word's
    /// blocks kept would be megabytes).
    fn block(&mut self, term: i64, m: &BlockMeta) -> Result<&[Posting], DiagnosisError> {
        if let Some(all) = self.postings.get(&term) {
            let a = all.partition_point(|p| p.rid < m.first_rid);
            let b = all.partition_point(|p| p.rid <= m.last_rid);
            return Ok(all.get(a..b).unwrap_or(&[]));
        }
        self.scratch.clear();
        self.store.diagnosis_block(m.id, &mut self.scratch)?;
        Ok(&self.scratch)
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
        // (query position, term id, idf, document frequency), rarest first.
        let mut terms: Vec<(usize, i64, f64, i64)> = Vec::new();
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
            terms.push((qi, *id, ((n - d + 0.5) / (d + 0.5) + 1.0).ln(), *df));
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
                2
            } else if same_model.contains(&a) {
                1
            } else {
                0
            }
        };
        let [mut cands, mut spare] = std::mem::take(&mut self.bufs);
        cands.all.clear();
        // The postings found for the candidates of the terms looked up for them only, by term
        // id (by rid).
        let mut probed: HashMap<i64, Vec<Posting>> = HashMap::new();
        let mut lower: Vec<f64> = Vec::new();
        let mut probing = false;
        for (i, &(_, id, idf, df)) in terms.iter().enumerate() {
            let rest: f64 = terms[i..].iter().map(|t| t.2 * (K1 + 1.0)).sum();
            let mut theta = f64::INFINITY;
            if i > 0 {
                empty_with_room(&mut lower, cands.all.len());
                lower.extend(
                    cands
                        .all
                        .iter()
                        .filter(|c| !evidence_only || c.evidence)
                        .map(|c| c.partial * c.boost()),
                );
                let kth_lower = kth(&mut lower, k);
                probing = probing || kth_lower.is_some_and(|t| !reach(SAME_ASSET * rest, t));
                if probing {
                    // No work order unseen so far can reach the k-th best: candidates that cannot
                    // reach it any more are dropped.
                    theta = kth_lower.unwrap_or(f64::INFINITY);
                    cands.retain(|c| {
                        (!evidence_only || c.evidence)
                            && reach(c.boost() * (c.partial + rest), theta)
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
                let mut found: Vec<Posting> = Vec::new();
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
                    let can = |c: &Cand| reach(c.boost() * (c.partial + best + after), theta);
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
                            cands.all[x].partial += part(idf, p);
                            found.push(*p);
                        }
                    }
                }
                let mut x = 0;
                cands.retain(|_| {
                    x += 1;
                    keep[x - 1]
                });
                probed.insert(id, found);
            } else {
                if !self.postings.contains_key(&id) {
                    let mut read = Vec::with_capacity(usize::try_from(df).unwrap_or(0));
                    self.store.diagnosis_postings_into(id, &mut read)?;
                    self.postings.insert(id, read);
                }
                let postings = self.postings.get(&id).map_or(&[][..], Vec::as_slice);
                let later = &self.later;
                let taken = postings.iter().filter(|p| {
                    (!evidence_only || p.evidence)
                        && (later.is_empty() || !later.contains_key(&p.rid))
                });
                cands.merge_into(&mut spare, taken, postings.len(), |p| part(idf, p), boost);
                std::mem::swap(&mut cands, &mut spare);
            }
        }
        // The candidates that can be among the k best by their sums (the score's terms in
        // another order: within `reach`'s margin), scored: each term's contribution looked up
        // again and summed in the words' sorted order (an absent word adds 0), times the boost.
        let live = |c: &&Cand| (!evidence_only || c.evidence) && c.partial > 0.0;
        empty_with_room(&mut lower, cands.all.len());
        lower.extend(cands.all.iter().filter(live).map(|c| c.partial * c.boost()));
        let bar = kth(&mut lower, k).unwrap_or(f64::NEG_INFINITY);
        let mut by_word = terms.clone();
        by_word.sort_by_key(|t| t.0);
        let mut out: Vec<(f64, i64, i64)> = Vec::new();
        for c in cands
            .all
            .iter()
            .filter(live)
            .filter(|c| reach(c.partial * c.boost(), bar))
        {
            let mut score = 0.0;
            for &(_, id, idf, _) in &by_word {
                let all = self.postings.get(&id).map(Vec::as_slice);
                if let Some(p) = read_posting(all, probed.get(&id).map(Vec::as_slice), c.rid) {
                    score += part(idf, &p);
                }
            }
            out.push((score * c.boost(), c.rid, 0));
        }
        self.bufs = [cands, spare];
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

/// The posting of `rid` among a term's postings read by a call: `all` of them when it read
/// them all, else those it `found` for its candidates (both by rid).
fn read_posting(all: Option<&[Posting]>, found: Option<&[Posting]>, rid: i64) -> Option<Posting> {
    let ps = all.or(found)?;
    ps.binary_search_by_key(&rid, |p| p.rid)
        .ok()
        .and_then(|i| ps.get(i).copied())
}

/// Empties `v` with room for `n` (a new allocation when it has less: growing it would copy
/// what it held).
fn empty_with_room<T>(v: &mut Vec<T>, n: usize) {
    v.clear();
    if v.capacity() < n {
        *v = Vec::with_capacity(n);
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn posting(rid: i64, tf: u32) -> Posting {
        Posting {
            rid,
            tf,
            len: 3 + tf,
            asset_rid: rid % 7,
            evidence: rid % 3 == 0,
        }
    }

    proptest! {
        /// A merge gives every rid of both sides once, in order: the candidates' sums plus the
        /// term where both have it, a new candidate with its boost class otherwise; the buffer
        /// written into may hold anything before.
        #[test]
        fn a_merge_is_the_union_with_the_sums(
            old in proptest::collection::btree_map(0i64..400, 0u32..50, 0..80),
            new in proptest::collection::btree_map(0i64..400, 1u32..5, 0..80),
            junk in 0usize..300,
        ) {
            let cands = Cands {
                all: old
                    .iter()
                    .map(|(&rid, &p)| Cand { rid, partial: f64::from(p), boost: 0, evidence: true })
                    .collect(),
            };
            let postings: Vec<Posting> = new.iter().map(|(&r, &tf)| posting(r, tf)).collect();
            let mut out = Cands {
                all: vec![Cand { rid: -1, partial: 9.0, boost: 1, evidence: false }; junk],
            };
            let value = |p: &Posting| f64::from(p.tf) * 0.5;
            let class = |a: i64| u8::from(a == 2) * 2;
            cands.merge_into(&mut out, postings.iter(), postings.len(), value, class);
            let mut want: BTreeMap<i64, (f64, u8, bool)> = old
                .iter()
                .map(|(&rid, &p)| (rid, (f64::from(p), 0, true)))
                .collect();
            for p in &postings {
                let e = want.entry(p.rid).or_insert((0.0, class(p.asset_rid), p.evidence));
                e.0 += value(p);
            }
            let got: Vec<(i64, (f64, u8, bool))> = out
                .all
                .iter()
                .map(|c| (c.rid, (c.partial, c.boost, c.evidence)))
                .collect();
            prop_assert_eq!(got, want.into_iter().collect::<Vec<_>>());
        }

        /// A posting is found among all the term's postings when the call read them, else among
        /// those it found, and nowhere else.
        #[test]
        fn a_posting_is_read_from_the_postings_or_those_found(
            rids in proptest::collection::btree_set(0i64..500, 0..120),
            found_mask in any::<u64>(),
            whole in any::<bool>(),
            probe in 0i64..520,
        ) {
            let all: Vec<Posting> = rids.iter().map(|&r| posting(r, 1 + (r % 4) as u32)).collect();
            let found: Vec<Posting> =
                all.iter().copied().filter(|p| found_mask >> (p.rid % 64) & 1 == 1).collect();
            let got = read_posting(whole.then_some(all.as_slice()), Some(&found), probe);
            let want = all
                .iter()
                .find(|p| p.rid == probe && (whole || found_mask >> (p.rid % 64) & 1 == 1))
                .copied();
            prop_assert_eq!(got, want);
            prop_assert_eq!(read_posting(None, None, probe), None);
        }
    }
}
