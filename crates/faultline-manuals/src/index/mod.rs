//! The tantivy page index of the manual library: one document per page, searched the way
//! technicians type (fault codes in any spelling, their own words, typos).
//!
//! Life cycle: [`ManualIndex::open`] opens `<root>/v{SCHEMA_VERSION}`. When that directory is
//! missing, was written by another schema version, or fails to open or its checksums, the index
//! reports [`IndexStatus::NeedsRebuild`]; the caller then runs [`ManualIndex::rebuild`] with the
//! pages from the store (SQLite is the source of truth; the index is derived data) on a
//! background thread. Meanwhile searches answer with `rebuilding: true` and what can be found so
//! far. Writes ([`ManualIndex::add_manual`], [`ManualIndex::delete_manual`]) go to one writer
//! thread per index directory, one commit per call. One process writes (it holds
//! `<root>/writer.lock`); another can search with [`ManualIndex::open_read_only`].
//!
//! Search never parses the typed text as query syntax; see `query_plan` for how the query is
//! built and `code_normalize` for the fault-code spellings that match each other.

mod analyzers;
mod code_normalize;
mod code_tokenizer;
mod compound;
mod coverage;
mod directory;
mod error;
mod expand;
mod german_compounds;
mod headings;
mod language;
mod live;
mod manual_index;
mod proximity;
mod query_compounds;
mod query_plan;
mod query_versions;
mod rebuild;
mod schema;
mod search;
mod snippet;
mod stem_and_keep;
mod synonym_table;
mod synonyms;
mod types;
mod weights;
mod word_forms;
mod writer;

#[cfg(test)]
mod tests;

pub use analyzers::model_key;
pub use code_normalize::{code_forms, display_hex_alternate, normalize_code, CodeForms};
pub use code_tokenizer::scan_codes;
pub use error::IndexError;
pub use language::guess_language;
pub use manual_index::ManualIndex;
pub use schema::SCHEMA_VERSION;
pub use search::{MAX_LIMIT, MODEL_BOOST};
pub use types::{
    IndexStatus, PageDoc, RebuildOutcome, RebuildProgress, RebuildReason, SearchHit, SearchQuery,
    SearchResults, WriteOutcome,
};
pub use weights::{RankWeights, WeightsError, BASELINE as BASELINE_WEIGHTS};
