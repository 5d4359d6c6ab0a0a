//! Pseudo-relevance feedback in the manner of RM3 (Lavrenko & Croft; Abdul-Jaleel et al.,
//! 2004), for the vocabulary gap between what a technician types and what the manual says:
//! the words the best few pages of a first search share, weighted by those pages' scores and
//! each word's idf, are searched too, at a weight below the typed words, and the search runs
//! again. Nothing is learned ahead: the feedback pages are whatever the index holds.
//!
//! From the top [`FEEDBACK_PAGES`] pages (their stored text, stemmed in each page's language),
//! a stem `t` scores `Σ_d p(d) · tf(t, d) / |d| · idf(t)` with `p(d)` the page's share of the
//! pages' scores; the [`EXPANSION_TERMS`] best stems the query does not already search (letters
//! only, on at least two pages) are added as body terms of that language with the boost
//! `feedback × score / best score`.

use super::analyzers::QueryAnalyzers;
use super::error::Result;
use super::language::BodyLang;
use super::query_plan::{tokens, HighlightTerms};
use super::schema::Fields;
use std::collections::HashMap;
use tantivy::query::{BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Score, Searcher, TantivyDocument, Term};

/// How many of the first search's best pages give the feedback words.
pub(crate) const FEEDBACK_PAGES: usize = 3;
/// How many feedback words are searched.
pub(crate) const EXPANSION_TERMS: usize = 8;

/// The feedback clauses for the first search's `top` (best first), each a body term at most
/// `weight`; empty when `weight` is 0.
#[allow(clippy::too_many_arguments)]
pub(crate) fn clauses(
    searcher: &Searcher,
    fields: &Fields,
    top: &[(Score, DocAddress)],
    searched: &HighlightTerms,
    analyzers: &mut QueryAnalyzers,
    weight: f32,
) -> Result<Vec<(Occur, Box<dyn Query>)>> {
    let pages = &top[..top.len().min(FEEDBACK_PAGES)];
    if weight <= 0.0 || pages.is_empty() {
        return Ok(Vec::new());
    }
    let total: f32 = pages.iter().map(|(s, _)| s.max(0.0)).sum();
    if total <= 0.0 {
        return Ok(Vec::new());
    }
    let mut mass: HashMap<(BodyLang, String), f32> = HashMap::new();
    for (score, address) in pages {
        let doc: TantivyDocument = searcher.doc(*address)?;
        let text = doc
            .get_first(fields.text)
            .and_then(|v| v.as_str())
            .unwrap_or("");
        let lang = BodyLang::from_iso(
            doc.get_first(fields.language)
                .and_then(|v| v.as_str())
                .unwrap_or(""),
        );
        let stems = tokens(analyzers.stems_mut(lang), text);
        if stems.is_empty() {
            continue;
        }
        let share = score.max(0.0) / total / stems.len() as f32;
        for (_, stem) in stems {
            *mass.entry((lang, stem)).or_insert(0.0) += share;
        }
    }
    let num_docs = searcher.num_docs() as f32;
    let mut scored: Vec<(f32, BodyLang, String)> = Vec::new();
    for ((lang, stem), p) in mass {
        if stem.chars().count() < 3 || !stem.chars().all(char::is_alphabetic) {
            continue;
        }
        if searched.body[lang.index()].iter().any(|m| m.term == stem) {
            continue;
        }
        let field = fields.body[lang.index()];
        let df = searcher.doc_freq(&Term::from_field_text(field, &stem))?;
        if df < 2 {
            continue;
        }
        let idf = (1.0 + num_docs / df as f32).ln();
        scored.push((p * idf, lang, stem));
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.2.cmp(&b.2)));
    scored.truncate(EXPANSION_TERMS);
    let best = scored.first().map_or(0.0, |s| s.0);
    let mut out: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (score, lang, stem) in scored {
        let term = Term::from_field_text(fields.body[lang.index()], &stem);
        let q: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
        let boost = weight * score / best;
        out.push((Occur::Should, Box::new(BoostQuery::new(q, boost))));
    }
    Ok(out)
}
