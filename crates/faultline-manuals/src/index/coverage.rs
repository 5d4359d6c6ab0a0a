//! Query coverage, a rerank of the best pages: a page that has every typed word (in some form:
//! stem, as typed, a typo neighbour, a synonym, the code) ranks above one that has a few of them
//! many times. BM25 sums the words' scores, so a page full of one word can outscore the page
//! that has them all; this is the coordination factor of classic IR, weighted by each word's
//! idf (missing a rare word costs more than missing a common one).
//!
//! The top [`RERANK_DEPTH`] pages of the union are rescored as
//! `score × ((coverage + FLOOR) / (1 + FLOOR))^coord`, where `coverage` is the share of the
//! query's words (their best weight each) a page matches and `coord` is the ranking weight. Words
//! that name a manual (model scoping, see `query_plan`) do not count: every page of the manual
//! has them. Which words a page has is read from the postings of the terms the plan searched,
//! seeking only the candidate pages — no stored text is read.

use super::error::Result;
use super::query_plan::{HighlightTerms, Mark};
use super::schema::Fields;
use std::collections::{BTreeMap, HashMap};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocSet, Score, Searcher, Term};

/// How many of the best pages are rescored (and so may move into the top ten).
pub(crate) const RERANK_DEPTH: usize = 40;
/// Keeps a page that has none of the counted words (only the model word) ordered by its score.
const FLOOR: f32 = 0.1;

/// The words of the query to count: per word (key), its searched `(field, term, weight)`; by
/// key, so their weights are summed in the same order on every run (a hash map's order differs
/// between processes, and an `f32` sum with it: the same search gave other scores, issue 11).
fn counted_words(
    fields: &Fields,
    terms: &HighlightTerms,
    model_words: &[u32],
) -> BTreeMap<u32, Vec<(Field, String, f32)>> {
    let mut words: BTreeMap<u32, Vec<(Field, String, f32)>> = BTreeMap::new();
    let mut put = |field: Field, m: &Mark| {
        if !model_words.contains(&m.key) && m.weight > 0.0 {
            words
                .entry(m.key)
                .or_default()
                .push((field, m.term.clone(), m.weight));
        }
    };
    for (lang, marks) in terms.body.iter().enumerate() {
        for m in marks {
            put(fields.body[lang], m);
        }
    }
    for m in &terms.code {
        put(fields.code, m);
    }
    words
}

/// Rescores `top` (best first) by coverage with exponent `coord`, and sorts it again.
pub(crate) fn rerank(
    searcher: &Searcher,
    fields: &Fields,
    terms: &HighlightTerms,
    model_words: &[u32],
    coord: f32,
    top: &mut [(Score, DocAddress)],
) -> Result<()> {
    let words = counted_words(fields, terms, model_words);
    if words.is_empty() || top.is_empty() || coord <= 0.0 {
        return Ok(());
    }
    let best = |terms: &[(Field, String, f32)]| terms.iter().map(|t| t.2).fold(0.0, f32::max);
    let total: f32 = words.values().map(|t| best(t)).sum();
    // Per candidate (by position in `top`), per word: the best weight it matched.
    let mut matched: Vec<BTreeMap<u32, f32>> = vec![BTreeMap::new(); top.len()];
    let mut by_segment: HashMap<u32, Vec<(u32, usize)>> = HashMap::new();
    for (i, (_, addr)) in top.iter().enumerate() {
        by_segment
            .entry(addr.segment_ord)
            .or_default()
            .push((addr.doc_id, i));
    }
    for (segment_ord, mut docs) in by_segment {
        docs.sort_unstable();
        let segment = searcher.segment_reader(segment_ord);
        for (key, terms) in &words {
            for (field, text, weight) in terms {
                let inverted = segment.inverted_index(*field)?;
                let term = Term::from_field_text(*field, text);
                let postings = inverted
                    .read_postings(&term, IndexRecordOption::Basic)
                    .map_err(tantivy::TantivyError::from)?;
                let Some(mut postings) = postings else {
                    continue;
                };
                for &(doc, i) in &docs {
                    let at = if postings.doc() >= doc {
                        postings.doc()
                    } else {
                        postings.seek(doc)
                    };
                    if at == doc {
                        let slot = matched[i].entry(*key).or_insert(0.0);
                        *slot = slot.max(*weight);
                    }
                }
            }
        }
    }
    for (i, (score, _)) in top.iter_mut().enumerate() {
        let have: f32 = matched[i].values().sum();
        let coverage = (have / total).min(1.0);
        *score *= ((coverage + FLOOR) / (1.0 + FLOOR)).powf(coord);
    }
    top.sort_by(|a, b| b.0.total_cmp(&a.0));
    Ok(())
}
