//! Runs a search on one open index: plans the query, collects the top pages (multiplying the
//! score of pages whose manual is linked to one of the asset's models), and builds each hit
//! with its snippet.

use super::analyzers::{model_key, QueryAnalyzers};
use super::coverage::{self, RERANK_DEPTH};
use super::error::Result;
use super::language::BodyLang;
use super::live::Live;
use super::query_plan::QueryPlan;
use super::schema::Fields;
use super::snippet::make_snippet;
use super::types::{SearchHit, SearchQuery};
use super::weights::RankWeights;
use tantivy::collector::TopDocs;
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{
    BitSet, DocAddress, DocSet, Score, Searcher, SegmentReader, TantivyDocument, Term, TERMINATED,
};
use uuid::Uuid;

/// Score factor for pages of a manual linked to one of `boost_models`.
pub const MODEL_BOOST: f32 = 2.0;
/// Most hits one search returns.
pub const MAX_LIMIT: usize = 100;

/// The best pages of `plan` for `q`, best first: tantivy's top (pages of `q.boost_models`'
/// manuals boosted), then the coverage rerank, cut to `q.limit` — what [`run`] shows and
/// [`explain`] explains.
fn ranked(
    searcher: &Searcher,
    fields: &Fields,
    plan: &QueryPlan,
    q: &SearchQuery,
    weights: &RankWeights,
) -> Result<Vec<(Score, DocAddress)>> {
    let limit = q.limit.clamp(1, MAX_LIMIT);
    let Some(query) = plan.query.as_ref() else {
        return Ok(Vec::new());
    };
    let model_terms: Vec<Term> = q
        .boost_models
        .iter()
        .map(|m| model_key(m))
        .filter(|k| !k.is_empty())
        .map(|k| Term::from_field_text(fields.model_keys, &k))
        .collect();
    let depth = if weights.coord > 0.0 {
        limit.max(RERANK_DEPTH)
    } else {
        limit
    };
    let mut top: Vec<(Score, DocAddress)> = if model_terms.is_empty() {
        searcher.search(query, &TopDocs::with_limit(depth).order_by_score())?
    } else {
        let field = fields.model_keys;
        let boosted = TopDocs::with_limit(depth).tweak_score(move |segment: &SegmentReader| {
            let linked = linked_docs(segment, field, &model_terms);
            move |doc, score: Score| {
                if linked.contains(doc) {
                    score * MODEL_BOOST
                } else {
                    score
                }
            }
        });
        searcher.search(query, &boosted)?
    };
    coverage::rerank(
        searcher,
        fields,
        &plan.highlight,
        &plan.model_words,
        weights.coord,
        &mut top,
    )?;
    top.truncate(limit);
    Ok(top)
}

pub(crate) fn run(live: &Live, q: &SearchQuery, weights: &RankWeights) -> Result<Vec<SearchHit>> {
    let searcher = live.reader.searcher();
    let fields = &live.fields;
    let mut analyzers = QueryAnalyzers::new();
    let plan = QueryPlan::build(&searcher, fields, &q.text, &mut analyzers, weights)?;
    let top = ranked(&searcher, fields, &plan, q, weights)?;
    let mut hits = Vec::with_capacity(top.len());
    for (score, address) in top {
        let doc: TantivyDocument = searcher.doc(address)?;
        hits.push(to_hit(&doc, fields, score, &plan, &mut analyzers));
    }
    Ok(hits)
}

/// Why the best pages of `q` rank where they do, for tuning (`faultline-bench relevance
/// --explain`): per page, `(file name, page, score after the coverage rerank, tantivy's
/// explanation of the union's score as JSON)`.
pub(crate) fn explain(
    live: &Live,
    q: &SearchQuery,
    weights: &RankWeights,
) -> Result<Vec<(String, u32, Score, String)>> {
    let searcher = live.reader.searcher();
    let fields = &live.fields;
    let mut analyzers = QueryAnalyzers::new();
    let plan = QueryPlan::build(&searcher, fields, &q.text, &mut analyzers, weights)?;
    let Some(query) = plan.query.as_ref() else {
        return Ok(Vec::new());
    };
    let top = ranked(&searcher, fields, &plan, q, weights)?;
    let mut out = Vec::with_capacity(top.len());
    for (score, address) in top {
        let doc: TantivyDocument = searcher.doc(address)?;
        let page = doc
            .get_first(fields.page)
            .and_then(|v| v.as_u64())
            .and_then(|p| u32::try_from(p).ok())
            .unwrap_or(0);
        let why = query.explain(&searcher, address)?.to_pretty_json();
        out.push((
            text_of(&doc, fields.file_name).unwrap_or_default(),
            page,
            score,
            why,
        ));
    }
    Ok(out)
}

/// The documents of `segment` whose manual is linked to one of the models.
fn linked_docs(segment: &SegmentReader, field: Field, terms: &[Term]) -> BitSet {
    let mut set = BitSet::with_max_value(segment.max_doc());
    let inverted = match segment.inverted_index(field) {
        Ok(i) => i,
        Err(e) => {
            tracing::warn!("search: reading model links: {e}");
            return set;
        }
    };
    for term in terms {
        match inverted.read_postings(term, IndexRecordOption::Basic) {
            Ok(Some(mut postings)) => {
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    set.insert(doc);
                    doc = postings.advance();
                }
            }
            Ok(None) => {}
            Err(e) => tracing::warn!("search: reading model links: {e}"),
        }
    }
    set
}

fn text_of(doc: &TantivyDocument, field: Field) -> Option<String> {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

fn to_hit(
    doc: &TantivyDocument,
    fields: &Fields,
    score: Score,
    plan: &QueryPlan,
    analyzers: &mut QueryAnalyzers,
) -> SearchHit {
    let text = doc
        .get_first(fields.text)
        .and_then(|v| v.as_str())
        .unwrap_or("");
    let lang = BodyLang::from_iso(
        doc.get_first(fields.language)
            .and_then(|v| v.as_str())
            .unwrap_or(""),
    );
    let (snippet, highlights) = make_snippet(text, lang, &plan.highlight, analyzers);
    SearchHit {
        manual_id: text_of(doc, fields.manual_id)
            .and_then(|s| Uuid::parse_str(&s).ok())
            .unwrap_or_default(),
        file_name: text_of(doc, fields.file_name).unwrap_or_default(),
        title: text_of(doc, fields.title),
        page: doc
            .get_first(fields.page)
            .and_then(|v| v.as_u64())
            .and_then(|p| u32::try_from(p).ok())
            .unwrap_or(0),
        score,
        snippet,
        highlights,
    }
}
