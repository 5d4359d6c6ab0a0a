//! The text index guided diagnosis keeps in the replica (migrations 0019, 0020): per term the
//! postings of the not cancelled work orders (occurrences, length, asset, evidence flag) in
//! compressed blocks ([`super::diagnosis_blocks`]), per term and cause the occurrences in that
//! cause's evidence, and the document totals. The tokens come from the diagnosis crate (a
//! callback), so triggers queue the written work orders and notes and
//! [`Store::diagnosis_text_catch_up`] applies the queue in one write transaction before a read:
//! a new work order is appended to its terms' last blocks, a changed or deleted one rewrites the
//! blocks that hold it.

use super::diagnosis_blocks::{self, block_postings, BlockMeta};
use super::{evidence_cause, DiagnosisWorkOrder, Store};
use crate::error::Result;
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use std::collections::{BTreeMap, HashMap};

/// Postings changes held before they are written into blocks (bounds the memory of the first
/// catch-up of a whole history).
const FLUSH_CHANGES: usize = 2_000_000;

/// The rids of the assets whose model has the name `?1`: reads the models, then only their
/// assets through `assets_model` (migration 0022), not all of `assets`.
const ASSETS_OF_MODEL: &str = "SELECT a.rid FROM assets a JOIN asset_models m ON m.id = a.model_id
     WHERE m.model = ?1";

/// Changes of a catch-up per term: by rid, the new posting or `None` (removed).
type Pending = HashMap<i64, BTreeMap<i64, Option<Posting>>>;

/// `old` (sorted by rid) with `changes` (sorted by rid) applied.
fn merge(old: &[Posting], changes: &[(i64, Option<Posting>)]) -> Vec<Posting> {
    let mut out = Vec::with_capacity(old.len() + changes.len());
    let mut c = changes.iter().peekable();
    for p in old {
        while let Some((_, n)) = c.next_if(|(rid, _)| *rid < p.rid) {
            out.extend(n);
        }
        match c.next_if(|(rid, _)| *rid == p.rid) {
            Some((_, n)) => out.extend(n),
            None => out.push(*p),
        }
    }
    out.extend(c.filter_map(|(_, n)| *n));
    out
}

/// Writes the pending changes into the terms' blocks: each change goes to the block whose rid
/// range starts at or before it (the first block when none does); a block with changes is
/// rewritten (cut again when it grew over the block size), except that postings after a full
/// last block start new blocks without reading it.
fn write_blocks(tx: &Transaction<'_>, pending: &mut Pending) -> Result<()> {
    let cap = block_postings();
    let mut metas = tx.prepare_cached(
        "SELECT id, first_rid, last_rid, count FROM diag_blocks WHERE term = ?1 ORDER BY first_rid",
    )?;
    let mut read =
        tx.prepare_cached("SELECT first_rid, postings FROM diag_blocks WHERE id = ?1")?;
    let mut drop = tx.prepare_cached("DELETE FROM diag_blocks WHERE id = ?1")?;
    let mut put = tx.prepare_cached(INSERT_BLOCK)?;
    let mut terms: Vec<i64> = pending.keys().copied().collect();
    terms.sort_unstable();
    for term in terms {
        let Some(changes) = pending.remove(&term) else {
            continue;
        };
        let blocks: Vec<(i64, i64, i64, i64)> = metas
            .query_map(params![term], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        // Changes per block (by index; none yet: index 0 of no block).
        let mut groups: BTreeMap<usize, Vec<(i64, Option<Posting>)>> = BTreeMap::new();
        for (rid, c) in changes {
            let i = blocks.partition_point(|b| b.1 <= rid).saturating_sub(1);
            groups.entry(i).or_default().push((rid, c));
        }
        for (i, changes) in groups {
            let mut old = Vec::new();
            if let Some(&(id, _, last, count)) = blocks.get(i) {
                let appends_only = changes.first().is_some_and(|c| c.0 > last);
                if !(appends_only && usize::try_from(count).unwrap_or(0) >= cap) {
                    let (first, bytes): (i64, Vec<u8>) =
                        read.query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?)))?;
                    diagnosis_blocks::decode(first, &bytes, &mut old)?;
                    drop.execute(params![id])?;
                }
            }
            put_blocks(&mut put, term, &merge(&old, &changes), cap)?;
        }
    }
    Ok(())
}

const INSERT_BLOCK: &str = "INSERT INTO diag_blocks(term, first_rid, last_rid, count, max_tf,
    min_len, evidence, postings) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

/// Inserts the term's postings (sorted by rid) as blocks of at most `cap` ([`INSERT_BLOCK`]).
fn put_blocks(
    put: &mut rusqlite::Statement<'_>,
    term: i64,
    postings: &[Posting],
    cap: usize,
) -> Result<()> {
    for b in diagnosis_blocks::blocks(postings, cap) {
        put.execute(params![
            term,
            b.first_rid,
            b.last_rid,
            i64::try_from(b.count).unwrap_or(i64::MAX),
            b.max_tf,
            b.min_len,
            b.evidence,
            b.bytes
        ])?;
    }
    Ok(())
}

/// One posting: a work order with the term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    pub rid: i64,
    pub tf: u32,
    pub len: u32,
    pub asset_rid: i64,
    pub evidence: bool,
}

/// A work order as the text index holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct TextDoc {
    pub rid: i64,
    pub reported_at: i64,
    pub len: u32,
    pub cancelled: bool,
    /// Its cause when it is evidence.
    pub cause: Option<String>,
    /// (term id, occurrences).
    pub terms: Vec<(i64, u32)>,
}

fn encode(terms: &[(i64, u32)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(terms.len() * 8);
    for (t, f) in terms {
        out.extend_from_slice(&u32::try_from(*t).unwrap_or(u32::MAX).to_le_bytes());
        out.extend_from_slice(&f.to_le_bytes());
    }
    out
}

fn decode(blob: &[u8]) -> Vec<(i64, u32)> {
    blob.chunks_exact(8)
        .map(|c| {
            let t = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
            let f = u32::from_le_bytes([c[4], c[5], c[6], c[7]]);
            (i64::from(t), f)
        })
        .collect()
}

fn text_doc(r: &rusqlite::Row<'_>) -> rusqlite::Result<TextDoc> {
    Ok(TextDoc {
        rid: r.get(0)?,
        reported_at: r.get(1)?,
        len: r.get(2)?,
        cancelled: r.get(3)?,
        cause: r.get(4)?,
        terms: decode(&r.get::<_, Vec<u8>>(5)?),
    })
}

/// Deltas of a catch-up: df per term; occurrences per (term, cause); (docs, len) per totals key.
#[derive(Default)]
struct Deltas {
    df: HashMap<i64, i64>,
    term_causes: HashMap<(i64, String), i64>,
    totals: HashMap<String, (i64, i64)>,
}

impl Deltas {
    fn doc(&mut self, d: &TextDoc, sign: i64) {
        if d.cancelled {
            return;
        }
        let t = self.totals.entry(String::new()).or_insert((0, 0));
        t.0 += sign;
        t.1 += sign * i64::from(d.len);
        for (term, f) in &d.terms {
            *self.df.entry(*term).or_insert(0) += sign;
            if let Some(c) = &d.cause {
                *self.term_causes.entry((*term, c.clone())).or_insert(0) += sign * i64::from(*f);
            }
        }
        if let Some(c) = &d.cause {
            let t = self.totals.entry(c.clone()).or_insert((0, 0));
            t.0 += sign;
            t.1 += sign * i64::from(d.len);
        }
    }
}

impl Store {
    /// Work orders queued for the text index.
    /// (Converting the postings of migration 0019 into blocks counts as one.)
    pub fn diagnosis_text_pending(&self) -> Result<i64> {
        let queued: i64 =
            self.conn()
                .query_row("SELECT count(*) FROM diag_text_dirty", [], |r| r.get(0))?;
        Ok(queued + i64::from(self.diagnosis_blocks_converting()?))
    }

    fn diagnosis_blocks_converting(&self) -> Result<bool> {
        Ok(self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'diag_blocks_conversion')",
            [],
            |r| r.get(0),
        )?)
    }

    /// Converts the postings rows of migration 0019 into blocks (migration 0020), the terms in
    /// order from where the last step stopped, until at least `max_postings` were read (at a
    /// term's end), in one immediate write transaction; the last step drops the old table.
    /// `None`: nothing (left) to convert; else the terms converted.
    pub fn diagnosis_blocks_convert(&self, max_postings: usize) -> Result<Option<usize>> {
        if !self.diagnosis_blocks_converting()? {
            return Ok(None);
        }
        let tx = rusqlite::Transaction::new_unchecked(self.conn(), TransactionBehavior::Immediate)?;
        let next: i64 = tx.query_row("SELECT next_term FROM diag_blocks_conversion", [], |r| {
            r.get(0)
        })?;
        let cap = block_postings();
        let mut terms = 0usize;
        let mut read = 0usize;
        let mut stopped_at = None;
        {
            let mut rows = tx.prepare(
                "SELECT term, rid, tf, len, asset_rid, evidence FROM diag_postings
                 WHERE term >= ?1 ORDER BY term, rid",
            )?;
            let mut put = tx.prepare(INSERT_BLOCK)?;
            let mut write = |term: i64, ps: &[Posting]| put_blocks(&mut put, term, ps, cap);
            let mut it = rows.query(params![next])?;
            let mut current: Option<i64> = None;
            let mut ps: Vec<Posting> = Vec::new();
            while let Some(r) = it.next()? {
                let term: i64 = r.get(0)?;
                if current != Some(term) {
                    if let Some(t) = current {
                        write(t, &ps)?;
                        ps.clear();
                        terms += 1;
                        if read >= max_postings {
                            stopped_at = Some(term);
                            break;
                        }
                    }
                    current = Some(term);
                }
                ps.push(Posting {
                    rid: r.get(1)?,
                    tf: r.get(2)?,
                    len: r.get(3)?,
                    asset_rid: r.get(4)?,
                    evidence: r.get(5)?,
                });
                read += 1;
            }
            if stopped_at.is_none() {
                if let Some(t) = current {
                    write(t, &ps)?;
                    terms += 1;
                }
            }
        }
        match stopped_at {
            Some(t) => {
                tx.execute(
                    "UPDATE diag_blocks_conversion SET next_term = ?1",
                    params![t],
                )?;
            }
            None => {
                tx.execute_batch("DROP TABLE diag_postings; DROP TABLE diag_blocks_conversion;")?;
            }
        }
        tx.commit()?;
        Ok(Some(terms))
    }

    /// Applies the queued work orders to the text index with their tokens from `tokens`, in one
    /// immediate write transaction; `progress(done, total)` every 50,000 work orders.
    pub fn diagnosis_text_catch_up(
        &self,
        tokens: &dyn Fn(&DiagnosisWorkOrder) -> Vec<String>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<usize> {
        self.diagnosis_text_catch_up_batch(tokens, progress, usize::MAX)
    }

    /// [`Self::diagnosis_text_catch_up`] of at most `max_rows` queued work orders (the oldest
    /// queued first), each batch one transaction.
    pub fn diagnosis_text_catch_up_batch(
        &self,
        tokens: &dyn Fn(&DiagnosisWorkOrder) -> Vec<String>,
        progress: &mut dyn FnMut(usize, usize),
        max_rows: usize,
    ) -> Result<usize> {
        // The postings of 0019 first (a step of them, when stepping).
        while let Some(terms) = self.diagnosis_blocks_convert(max_rows.saturating_mul(20))? {
            if max_rows != usize::MAX {
                return Ok(terms.max(1));
            }
        }
        let any: bool =
            self.conn()
                .query_row("SELECT EXISTS (SELECT 1 FROM diag_text_dirty)", [], |r| {
                    r.get(0)
                })?;
        if !any {
            return Ok(0);
        }
        let tx = rusqlite::Transaction::new_unchecked(self.conn(), TransactionBehavior::Immediate)?;
        let total: i64 = tx.query_row("SELECT count(*) FROM diag_text_dirty", [], |r| r.get(0))?;
        let total = usize::try_from(total).unwrap_or(0);
        let rids: Vec<i64> = tx
            .prepare("SELECT rid FROM diag_text_dirty ORDER BY rid LIMIT ?1")?
            .query_map(params![i64::try_from(max_rows).unwrap_or(i64::MAX)], |r| {
                r.get(0)
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut ids: HashMap<String, i64> = HashMap::new();
        let mut deltas = Deltas::default();
        let mut pending: Pending = HashMap::new();
        let mut queued = 0usize;
        {
            let mut old_doc = tx.prepare(
                "SELECT rid, reported_at, len, cancelled, cause, terms FROM diag_docs WHERE rid = ?1",
            )?;
            let mut put_doc = tx.prepare(
                "INSERT OR REPLACE INTO diag_docs(rid, reported_at, len, cancelled, cause, terms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            let mut drop_doc = tx.prepare("DELETE FROM diag_docs WHERE rid = ?1")?;
            let mut find_term = tx.prepare("SELECT id FROM diag_terms WHERE term = ?1")?;
            let mut new_term = tx.prepare("INSERT INTO diag_terms(term, df) VALUES (?1, 0)")?;
            let mut asset_of = tx.prepare("SELECT asset_rid FROM work_orders WHERE rid = ?1")?;
            let mut notes = tx.prepare(
                "SELECT text FROM notes WHERE work_order_rid = ?1 ORDER BY created_at, rid",
            )?;
            for (done, rid) in rids.iter().enumerate() {
                if let Some(old) = old_doc.query_row(params![rid], text_doc).optional()? {
                    if !old.cancelled {
                        for (term, _) in &old.terms {
                            pending.entry(*term).or_default().insert(*rid, None);
                            queued += 1;
                        }
                    }
                    deltas.doc(&old, -1);
                }
                match self.diagnosis_work_order_by_rid(*rid)? {
                    Some(mut w) => {
                        w.notes = notes
                            .query_map(params![rid], |r| r.get(0))?
                            .collect::<rusqlite::Result<_>>()?;
                        let toks = tokens(&w);
                        let mut tf: Vec<(i64, u32)> = Vec::new();
                        for t in &toks {
                            let id = match ids.get(t) {
                                Some(&id) => id,
                                None => {
                                    let id = match find_term
                                        .query_row(params![t], |r| r.get::<_, i64>(0))
                                        .optional()?
                                    {
                                        Some(id) => id,
                                        None => {
                                            new_term.execute(params![t])?;
                                            tx.last_insert_rowid()
                                        }
                                    };
                                    ids.insert(t.clone(), id);
                                    id
                                }
                            };
                            match tf.iter_mut().find(|e| e.0 == id) {
                                Some(e) => e.1 += 1,
                                None => tf.push((id, 1)),
                            }
                        }
                        let doc = TextDoc {
                            rid: *rid,
                            reported_at: w.reported_at,
                            len: u32::try_from(toks.len()).unwrap_or(u32::MAX),
                            cancelled: w.status == "cancelled",
                            cause: evidence_cause(&w.wo_type, &w.status, w.cause_code.as_deref())
                                .map(str::to_string),
                            terms: tf,
                        };
                        if !doc.cancelled {
                            let asset: i64 = asset_of.query_row(params![rid], |r| r.get(0))?;
                            for (term, f) in &doc.terms {
                                let p = Posting {
                                    rid: *rid,
                                    tf: *f,
                                    len: doc.len,
                                    asset_rid: asset,
                                    evidence: doc.cause.is_some(),
                                };
                                pending.entry(*term).or_default().insert(*rid, Some(p));
                                queued += 1;
                            }
                        }
                        put_doc.execute(params![
                            rid,
                            doc.reported_at,
                            doc.len,
                            doc.cancelled,
                            doc.cause,
                            encode(&doc.terms)
                        ])?;
                        deltas.doc(&doc, 1);
                    }
                    None => {
                        drop_doc.execute(params![rid])?;
                    }
                }
                if queued >= FLUSH_CHANGES {
                    write_blocks(&tx, &mut pending)?;
                    queued = 0;
                }
                if (done + 1).is_multiple_of(50_000) {
                    progress(done + 1, total);
                }
            }
            write_blocks(&tx, &mut pending)?;
            let mut df = tx.prepare("UPDATE diag_terms SET df = df + ?2 WHERE id = ?1")?;
            for (term, d) in &deltas.df {
                if *d != 0 {
                    df.execute(params![term, d])?;
                }
            }
            let mut tc = tx.prepare(
                "INSERT INTO diag_term_causes(term, cause, tf) VALUES (?1, ?2, ?3)
                 ON CONFLICT(term, cause) DO UPDATE SET tf = tf + excluded.tf",
            )?;
            let mut tc_empty = tx.prepare(
                "DELETE FROM diag_term_causes WHERE term = ?1 AND cause = ?2 AND tf <= 0",
            )?;
            for ((term, cause), d) in &deltas.term_causes {
                if *d != 0 {
                    tc.execute(params![term, cause, d])?;
                    tc_empty.execute(params![term, cause])?;
                }
            }
            let mut tot = tx.prepare(
                "INSERT INTO diag_text_totals(cause, docs, len) VALUES (?1, ?2, ?3)
                 ON CONFLICT(cause) DO UPDATE SET docs = docs + excluded.docs,
                     len = len + excluded.len",
            )?;
            for (cause, (n, l)) in &deltas.totals {
                tot.execute(params![cause, n, l])?;
            }
        }
        let last = rids.last().copied().unwrap_or(i64::MIN);
        tx.execute("DELETE FROM diag_text_dirty WHERE rid <= ?1", params![last])?;
        tx.commit()?;
        progress(rids.len(), total);
        Ok(rids.len())
    }

    /// The id and document frequency (all times) of each term, when known.
    pub fn diagnosis_terms(&self, terms: &[String]) -> Result<Vec<Option<(i64, i64)>>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id, df FROM diag_terms WHERE term = ?1")?;
        let mut out = Vec::with_capacity(terms.len());
        for t in terms {
            out.push(
                stmt.query_row(params![t], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?,
            );
        }
        Ok(out)
    }

    /// Every posting of the term, by work order.
    pub fn diagnosis_postings(&self, term: i64) -> Result<Vec<Posting>> {
        let mut out = Vec::new();
        self.diagnosis_postings_into(term, &mut out)?;
        Ok(out)
    }

    /// [`Self::diagnosis_postings`] appended to `out` (sized by the caller: the term's document
    /// frequency saves growing it block by block).
    pub fn diagnosis_postings_into(&self, term: i64, out: &mut Vec<Posting>) -> Result<()> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT first_rid, postings FROM diag_blocks WHERE term = ?1 ORDER BY first_rid",
        )?;
        let mut rows = stmt.query(params![term])?;
        while let Some(r) = rows.next()? {
            diagnosis_blocks::decode(r.get(0)?, blob(r.get_ref(1)?), out)?;
        }
        Ok(())
    }

    /// The blocks of the term's postings, by rid, without their postings.
    pub fn diagnosis_blocks(&self, term: i64) -> Result<Vec<BlockMeta>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, first_rid, last_rid, max_tf, min_len, evidence FROM diag_blocks
             WHERE term = ?1 ORDER BY first_rid",
        )?;
        let rows = stmt.query_map(params![term], |r| {
            Ok(BlockMeta {
                id: r.get(0)?,
                first_rid: r.get(1)?,
                last_rid: r.get(2)?,
                max_tf: r.get(3)?,
                min_len: r.get(4)?,
                evidence: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The postings of one block (by [`BlockMeta::id`]), appended to `out`.
    pub fn diagnosis_block(&self, id: i64, out: &mut Vec<Posting>) -> Result<()> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT first_rid, postings FROM diag_blocks WHERE id = ?1")?;
        let mut rows = stmt.query(params![id])?;
        if let Some(r) = rows.next()? {
            diagnosis_blocks::decode(r.get(0)?, blob(r.get_ref(1)?), out)?;
        }
        Ok(())
    }

    /// The work orders reported at or after `at` as the text index holds them, at most
    /// `cap + 1`.
    pub fn diagnosis_text_docs_since(&self, at: i64, cap: usize) -> Result<Vec<TextDoc>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT rid, reported_at, len, cancelled, cause, terms FROM diag_docs
             WHERE reported_at >= ?1 ORDER BY reported_at, rid LIMIT ?2",
        )?;
        let cap = i64::try_from(cap.saturating_add(1)).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![at, cap], text_doc)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A work order's report time as the text index holds it.
    pub fn diagnosis_doc_time(&self, rid: i64) -> Result<Option<i64>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT reported_at FROM diag_docs WHERE rid = ?1")?;
        Ok(stmt.query_row(params![rid], |r| r.get(0)).optional()?)
    }

    /// Documents and tokens per totals key ('' for all not cancelled work orders, else a cause's
    /// evidence), all times.
    pub fn diagnosis_text_totals(&self) -> Result<Vec<(String, i64, i64)>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT cause, docs, len FROM diag_text_totals ORDER BY cause")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Per cause: the occurrences of the term in its evidence texts, all times.
    pub fn diagnosis_term_causes(&self, term: i64) -> Result<Vec<(String, i64)>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT cause, tf FROM diag_term_causes WHERE term = ?1 AND tf > 0")?;
        let rows = stmt.query_map(params![term], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The assets (rids) whose model has the name `model`.
    pub fn diagnosis_assets_of_model(&self, model: &str) -> Result<Vec<i64>> {
        let mut stmt = self.conn().prepare_cached(ASSETS_OF_MODEL)?;
        let rows = stmt.query_map(params![model], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The model name of an asset (by rid).
    pub fn diagnosis_asset_model(&self, asset_rid: i64) -> Result<Option<String>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT m.model FROM assets a LEFT JOIN asset_models m ON m.id = a.model_id
             WHERE a.rid = ?1",
        )?;
        Ok(stmt
            .query_row(params![asset_rid], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten())
    }
}

/// A blob column's bytes (none for another type).
fn blob(v: rusqlite::types::ValueRef<'_>) -> &[u8] {
    match v {
        rusqlite::types::ValueRef::Blob(b) => b,
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use crate::store::test_support::demo_store;

    /// The model's assets are searched through `assets_model`, not read by a scan of `assets`.
    #[test]
    fn the_assets_of_a_model_are_searched_by_index() {
        let store = demo_store();
        let sql = format!("EXPLAIN QUERY PLAN {}", super::ASSETS_OF_MODEL);
        let plan = match store.conn.prepare(&sql).and_then(|mut st| {
            st.query_map(["m"], |r| r.get::<_, String>(3))?
                .collect::<rusqlite::Result<Vec<String>>>()
        }) {
            Ok(plan) => plan,
            Err(e) => panic!("{sql}: {e}"),
        };
        assert!(
            plan.iter()
                .any(|l| l.starts_with("SEARCH a") && l.contains("assets_model")),
            "{plan:?}"
        );
        assert!(!plan.iter().any(|l| l.starts_with("SCAN a")), "{plan:?}");
    }
}
