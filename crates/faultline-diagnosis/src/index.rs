//! The history prepared once for many queries ([`History::index`], built on first use): every
//! past work order's tokens ([`crate::similar::document`]) interned and inverted into postings,
//! with prefix counts over time so BM25's `n`, mean length and document frequencies at any
//! diagnosis time are exact; per work order its asset, its cause (when it is evidence) and its
//! fault code's key; per asset its alarms' keys by time and its work orders. A query then reads
//! only the postings of its words and the rows of its codes' assets instead of re-tokenising
//! and re-hashing the whole history on every call; the rankings are the same (see the
//! equivalence tests in `crate::equivalence`).

use crate::causes::is_evidence;
use crate::codes;
use crate::history::History;
use std::collections::HashMap;

/// No value (no asset, not evidence, no fault code).
pub const NONE: u32 = u32::MAX;

/// See the module comment. Indices are positions in [`History::work_orders`] (oldest first).
#[derive(Debug, Clone, Default)]
pub struct DocIndex {
    /// Token → id.
    vocab: HashMap<String, u32>,
    /// Per token id: (work order, occurrences), by work order; cancelled work orders left out.
    postings: Vec<Vec<(u32, u32)>>,
    /// Per work order: its number of tokens.
    pub len: Vec<u32>,
    /// Over the first `i` work orders: how many are not cancelled, and their tokens.
    cum_docs: Vec<u32>,
    cum_len: Vec<u64>,
    /// Per work order: the index of its asset in [`History::assets`], or [`NONE`].
    pub asset: Vec<u32>,
    /// Per work order: the id of its (trimmed) cause when it is evidence
    /// ([`crate::causes::is_evidence`]), or [`NONE`].
    pub cause: Vec<u32>,
    /// Cause id → cause code (trimmed).
    pub causes: Vec<String>,
    /// Per work order: the id of its fault code's key, or [`NONE`].
    pub fault_key: Vec<u32>,
    /// Code key → id (fault codes and alarms).
    code_ids: HashMap<String, u32>,
    /// Per asset: its alarms as (time, code key id), by time.
    pub alarms: Vec<Vec<(i64, u32)>>,
    /// Per asset: its work orders, oldest first.
    pub by_asset: Vec<Vec<u32>>,
}

fn intern(map: &mut HashMap<String, u32>, s: &str) -> u32 {
    if let Some(&id) = map.get(s) {
        return id;
    }
    let id = u32::try_from(map.len()).unwrap_or(NONE);
    map.insert(s.to_string(), id);
    id
}

fn idx(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(NONE)
}

impl DocIndex {
    pub fn build(h: &History) -> Self {
        let mut ix = Self {
            alarms: vec![Vec::new(); h.assets.len()],
            by_asset: vec![Vec::new(); h.assets.len()],
            ..Self::default()
        };
        let mut cause_ids: HashMap<String, u32> = HashMap::new();
        ix.cum_docs.push(0);
        ix.cum_len.push(0);
        for (i, w) in h.work_orders.iter().enumerate() {
            let doc = crate::similar::document(w);
            let len = idx(doc.len());
            ix.len.push(len);
            let cancelled = w.status == "cancelled";
            let (n, l) = (ix.cum_docs[i], ix.cum_len[i]);
            ix.cum_docs.push(n + u32::from(!cancelled));
            ix.cum_len
                .push(l + if cancelled { 0 } else { u64::from(len) });
            if !cancelled {
                let mut tf: Vec<(u32, u32)> = Vec::new();
                for t in &doc {
                    let id = intern(&mut ix.vocab, t);
                    match tf.iter_mut().find(|e| e.0 == id) {
                        Some(e) => e.1 += 1,
                        None => tf.push((id, 1)),
                    }
                }
                for (id, f) in tf {
                    let id = id as usize;
                    if ix.postings.len() <= id {
                        ix.postings.resize_with(id + 1, Vec::new);
                    }
                    ix.postings[id].push((idx(i), f));
                }
            }
            let a = h.asset_index(&w.asset_tag).map_or(NONE, idx);
            ix.asset.push(a);
            if let Some(list) = ix.by_asset.get_mut(a as usize) {
                list.push(idx(i));
            }
            ix.cause.push(if is_evidence(w) {
                let c = w.cause_code.as_deref().unwrap_or_default().trim();
                let id = intern(&mut cause_ids, c);
                if ix.causes.len() <= id as usize {
                    ix.causes.push(c.to_string());
                }
                id
            } else {
                NONE
            });
            let fk = w
                .fault_code
                .as_deref()
                .filter(|c| !c.trim().is_empty())
                .map_or(NONE, |c| intern(&mut ix.code_ids, &codes::key(c)));
            ix.fault_key.push(fk);
        }
        for (a, asset) in h.assets.iter().enumerate() {
            for (t, key, _) in h.alarms_of(&asset.tag) {
                let id = intern(&mut ix.code_ids, key);
                ix.alarms[a].push((*t, id));
            }
        }
        ix
    }

    /// The number of work orders reported strictly before `at`.
    pub fn cut(h: &History, at: i64) -> usize {
        h.work_orders.partition_point(|w| w.reported_at < at)
    }

    /// Not-cancelled work orders among the first `cut`, and their tokens.
    pub fn docs_before(&self, cut: usize) -> (u32, u64) {
        (
            self.cum_docs.get(cut).copied().unwrap_or(0),
            self.cum_len.get(cut).copied().unwrap_or(0),
        )
    }

    /// The postings of `token` among the first `cut` work orders (empty for an unknown token).
    pub fn postings_before(&self, token: &str, cut: usize) -> &[(u32, u32)] {
        let Some(p) = self
            .vocab
            .get(token)
            .and_then(|&id| self.postings.get(id as usize))
        else {
            return &[];
        };
        &p[..p.partition_point(|e| (e.0 as usize) < cut)]
    }

    /// The id of a code key, if any fault code or alarm has it.
    pub fn code_id(&self, key: &str) -> Option<u32> {
        self.code_ids.get(key).copied()
    }
}
