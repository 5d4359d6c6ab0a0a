//! Typo and prefix expansion against the term dictionaries: a misspelt word becomes the few
//! indexed terms within its edit distance, the word still being typed becomes the most frequent
//! indexed terms it starts. Expanding to plain terms (instead of tantivy's constant-score fuzzy
//! query) keeps BM25 scoring, lets the union use block-max pruning, and gives the snippet the
//! exact terms to highlight.

use super::error::Result;
use std::collections::HashMap;
use tantivy::query::FuzzyTermQuery;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

/// One indexed term an expansion found.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Expansion {
    pub term: String,
    /// Edit distance to the typed word (0 for a prefix completion).
    pub distance: u8,
    pub doc_freq: u64,
}

/// Indexed terms of `field` within `distance` edits of `word` (transpositions cost one), other
/// than `word` itself: the closest first, then the most frequent; at most `max`.
pub(crate) fn fuzzy(
    searcher: &Searcher,
    field: Field,
    word: &str,
    distance: u8,
    max: usize,
) -> Result<Vec<Expansion>> {
    let dfa =
        FuzzyTermQuery::new(Term::from_field_text(field, word), distance, true).automaton()?;
    let mut found: HashMap<Vec<u8>, u64> = HashMap::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted
            .terms()
            .search(&dfa)
            .into_stream()
            .map_err(tantivy::TantivyError::from)?;
        while stream.advance() {
            *found.entry(stream.key().to_vec()).or_default() += u64::from(stream.value().doc_freq);
        }
    }
    let mut out: Vec<Expansion> = found
        .into_iter()
        .filter_map(|(bytes, doc_freq)| {
            let term = String::from_utf8(bytes).ok()?;
            (term != word).then(|| Expansion {
                distance: edit_distance(word, &term).min(usize::from(u8::MAX)) as u8,
                term,
                doc_freq,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        a.distance
            .cmp(&b.distance)
            .then(b.doc_freq.cmp(&a.doc_freq))
            .then_with(|| a.term.cmp(&b.term))
    });
    out.truncate(max);
    Ok(out)
}

/// The most frequent indexed terms of `field` that start with `prefix` (other than `prefix`
/// itself); at most `max`.
///
/// When `prefix` is itself an indexed word, a completion that is that word followed by the start
/// of another indexed word ("hot" → "hotblade", the index's joined form of "hot-blade") is a
/// compound, not the word being typed: its pages already have the typed word, so it is skipped.
pub(crate) fn prefix(
    searcher: &Searcher,
    field: Field,
    prefix: &str,
    max: usize,
) -> Result<Vec<Expansion>> {
    let mut out: Vec<Expansion> = terms_starting(searcher, field, prefix, usize::MAX)?
        .into_iter()
        .map(|(term, doc_freq)| Expansion {
            term,
            distance: 0,
            doc_freq,
        })
        .collect();
    out.sort_by(|a, b| {
        b.doc_freq
            .cmp(&a.doc_freq)
            .then_with(|| a.term.cmp(&b.term))
    });
    let typed_is_word = searcher.doc_freq(&Term::from_field_text(field, prefix))? > 0;
    let mut kept = Vec::with_capacity(max.min(out.len()));
    for e in out {
        if kept.len() == max {
            break;
        }
        let rest = e.term.get(prefix.len()..).unwrap_or("");
        if typed_is_word
            && rest.chars().count() >= COMPOUND_REST_CHARS
            && starts_a_term(searcher, field, rest)?
        {
            continue;
        }
        kept.push(e);
    }
    Ok(kept)
}

/// The indexed terms of `field` that start with `prefix` (not `prefix` itself), with their
/// document frequencies summed over the segments; at most `max_scan` terms read per segment.
pub(crate) fn terms_starting(
    searcher: &Searcher,
    field: Field,
    prefix: &str,
    max_scan: usize,
) -> Result<Vec<(String, u64)>> {
    let lower = prefix.as_bytes();
    let mut upper = lower.to_vec();
    upper.push(0xff);
    let mut found: HashMap<Vec<u8>, u64> = HashMap::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted
            .terms()
            .range()
            .gt(lower)
            .lt(&upper)
            .into_stream()
            .map_err(tantivy::TantivyError::from)?;
        let mut read = 0;
        while read < max_scan && stream.advance() {
            *found.entry(stream.key().to_vec()).or_default() += u64::from(stream.value().doc_freq);
            read += 1;
        }
    }
    Ok(found
        .into_iter()
        .filter_map(|(bytes, df)| Some((String::from_utf8(bytes).ok()?, df)))
        .collect())
}

/// A completion's remainder of at least this many characters may be a second word.
const COMPOUND_REST_CHARS: usize = 3;

/// Whether some indexed term of `field` starts with `start`.
fn starts_a_term(searcher: &Searcher, field: Field, start: &str) -> Result<bool> {
    let lower = start.as_bytes();
    let mut upper = lower.to_vec();
    upper.push(0xff);
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted
            .terms()
            .range()
            .ge(lower)
            .lt(&upper)
            .into_stream()
            .map_err(tantivy::TantivyError::from)?;
        if stream.advance() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Optimal-string-alignment distance (Levenshtein with adjacent transpositions), by chars.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}
