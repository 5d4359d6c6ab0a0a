//! Term proximity over the best pages, a rerank in the manner of BM25TP (Rasolofo & Savoy,
//! 2003): a page where two of the query's words occur within a few positions of each other, in
//! either order, gains on one that has them pages apart. The `pair` signal of `proximity` only
//! sees neighbouring typed words in their typed order; this one sees every pair of typed words,
//! in any order, and every form the plan searched for each (stem, word as typed, typo and
//! prefix neighbours, synonyms), and it costs nothing outside the rerank depth.
//!
//! For the top pages of the union, per pair of typed words `(a, b)` and every occurrence of one
//! with an occurrence of the other at most [`WINDOW`] positions away: `tp += 1 / d²`. The page
//! gains `span × Σ min(w_a, w_b) × tp / (tp + 1)` (the weights `w` are the words' best searched
//! weight × idf, as the snippet uses; the saturation keeps a page that repeats a phrase from
//! running away). Positions are read from the body postings of the candidate pages only.

use super::error::Result;
use super::query_plan::HighlightTerms;
use super::schema::Fields;
use std::collections::HashMap;
use tantivy::postings::Postings;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocSet, Score, Searcher, Term};

/// Two words at most this many positions apart count as close (a sentence part, a table row's
/// label and value).
pub(crate) const WINDOW: u32 = 5;

/// Per typed word (key): its searched body `(field, term)`s and its best weight.
fn body_words(
    fields: &Fields,
    terms: &HighlightTerms,
    model_words: &[u32],
) -> HashMap<u32, (Vec<(Field, String)>, f32)> {
    let mut words: HashMap<u32, (Vec<(Field, String)>, f32)> = HashMap::new();
    for (lang, marks) in terms.body.iter().enumerate() {
        for m in marks {
            if model_words.contains(&m.key) || m.weight <= 0.0 {
                continue;
            }
            let entry = words.entry(m.key).or_default();
            entry.0.push((fields.body[lang], m.term.clone()));
            entry.1 = entry.1.max(m.weight);
        }
    }
    words
}

/// The proximity score of one page: `(position, key)` of its query-word occurrences, sorted
/// by position; `weight` gives each key's weight.
pub(crate) fn page_score(occurrences: &[(u32, u32)], weight: impl Fn(u32) -> f32) -> f32 {
    let mut tp: HashMap<(u32, u32), f32> = HashMap::new();
    for (i, &(pos, key)) in occurrences.iter().enumerate() {
        for &(other_pos, other_key) in &occurrences[i + 1..] {
            let d = other_pos - pos;
            if d > WINDOW {
                break;
            }
            if d == 0 || other_key == key {
                continue;
            }
            let pair = (key.min(other_key), key.max(other_key));
            *tp.entry(pair).or_insert(0.0) += 1.0 / (d * d) as f32;
        }
    }
    tp.iter()
        .map(|(&(a, b), &t)| weight(a).min(weight(b)) * t / (t + 1.0))
        .sum()
}

/// Adds `span` × each page's proximity score to the scores of `top`, and sorts it again.
pub(crate) fn rerank(
    searcher: &Searcher,
    fields: &Fields,
    terms: &HighlightTerms,
    model_words: &[u32],
    span: f32,
    top: &mut [(Score, DocAddress)],
) -> Result<()> {
    let words = body_words(fields, terms, model_words);
    if words.len() < 2 || top.is_empty() || span <= 0.0 {
        return Ok(());
    }
    let mut occurrences: Vec<Vec<(u32, u32)>> = vec![Vec::new(); top.len()];
    let mut by_segment: HashMap<u32, Vec<(u32, usize)>> = HashMap::new();
    for (i, (_, addr)) in top.iter().enumerate() {
        by_segment
            .entry(addr.segment_ord)
            .or_default()
            .push((addr.doc_id, i));
    }
    let mut positions = Vec::new();
    for (segment_ord, mut docs) in by_segment {
        docs.sort_unstable();
        let segment = searcher.segment_reader(segment_ord);
        for (key, (terms, _)) in &words {
            for (field, text) in terms {
                let inverted = segment.inverted_index(*field)?;
                let term = Term::from_field_text(*field, text);
                let postings = inverted
                    .read_postings(&term, IndexRecordOption::WithFreqsAndPositions)
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
                        postings.positions(&mut positions);
                        occurrences[i].extend(positions.iter().map(|&p| (p, *key)));
                    }
                }
            }
        }
    }
    let weight = |key: u32| words.get(&key).map_or(0.0, |w| w.1);
    for (i, (score, _)) in top.iter_mut().enumerate() {
        let found = &mut occurrences[i];
        found.sort_unstable();
        found.dedup();
        *score += span * page_score(found, weight);
    }
    top.sort_by(|a, b| b.0.total_cmp(&a.0));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_pairs_score_in_either_order_and_far_ones_not() {
        let w = |_| 1.0;
        // Adjacent: tp = 1, saturated to 1/2.
        assert!((page_score(&[(3, 1), (4, 2)], w) - 0.5).abs() < 1e-6);
        // The same words in the other order score the same.
        assert!((page_score(&[(3, 2), (4, 1)], w) - 0.5).abs() < 1e-6);
        // Two apart: tp = 1/4, saturated to 1/5.
        assert!((page_score(&[(3, 1), (5, 2)], w) - 0.2).abs() < 1e-6);
        // Beyond the window: nothing.
        assert_eq!(page_score(&[(3, 1), (3 + WINDOW + 1, 2)], w), 0.0);
        // One word repeated is no pair.
        assert_eq!(page_score(&[(3, 1), (4, 1)], w), 0.0);
    }

    #[test]
    fn a_pair_weighs_as_its_weaker_word() {
        let w = |k| if k == 1 { 4.0 } else { 2.0 };
        assert!((page_score(&[(0, 1), (1, 2)], w) - 1.0).abs() < 1e-6);
    }
}
