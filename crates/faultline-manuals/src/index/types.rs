//! The values that cross the index's boundary: a page to index, a query, its hits, and the
//! states the index reports (needs rebuild, rebuild progress and outcome).

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

/// One page of one manual, as stored in SQLite (the source of truth) and indexed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct PageDoc {
    pub manual_id: Uuid,
    /// 1-based page number in the PDF.
    pub page: u32,
    pub file_name: String,
    pub title: Option<String>,
    pub manufacturer: Option<String>,
    /// Asset models the manual applies to (matched by `SearchQuery::boost_models`).
    pub models: Vec<String>,
    /// ISO 639-1 code ("en", "de", …) selecting the page's analyzer; empty or unknown = English.
    /// Use [`super::guess_language`] when the manual does not say.
    pub language: String,
    pub text: String,
}

/// What the technician typed, never parsed as query syntax.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", default)]
pub struct SearchQuery {
    pub text: String,
    /// Pages of manuals linked to these models rank higher; other pages are not hidden.
    pub boost_models: Vec<String>,
    /// Hits wanted, clamped to 1..=100.
    pub limit: usize,
}

impl Default for SearchQuery {
    fn default() -> Self {
        SearchQuery {
            text: String::new(),
            boost_models: Vec::new(),
            limit: 10,
        }
    }
}

impl SearchQuery {
    pub fn new(text: impl Into<String>) -> Self {
        SearchQuery {
            text: text.into(),
            ..SearchQuery::default()
        }
    }
}

/// One matching page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub struct SearchHit {
    pub manual_id: Uuid,
    pub file_name: String,
    pub title: Option<String>,
    /// 1-based page number.
    pub page: u32,
    pub score: f32,
    /// The best passage of the page, whitespace collapsed; "…" marks a cut.
    pub snippet: String,
    /// Matched words in `snippet` as `[start, end)` offsets in **UTF-16 code units** (what
    /// JavaScript's `String.prototype.slice` takes), sorted and not overlapping.
    pub highlights: Vec<[u32; 2]>,
}

/// What a search returns (`search_manuals`, `faultline search --json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    /// True while the index is missing, being rebuilt, or waiting for a rebuild: the hits are
    /// then partial (the pages indexed so far, or the previous index) or empty.
    pub rebuilding: bool,
}

/// Why the index must be rebuilt from the store before it can answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason", content = "detail")]
pub enum RebuildReason {
    /// No index directory yet (first start, or it was deleted).
    Missing,
    /// Only indexes of other schema versions exist (the app was updated).
    SchemaChanged { found: Vec<u32> },
    /// The index exists but cannot be opened or fails its checksums.
    Corrupt(String),
}

/// The index's state, as the app shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "detail")]
pub enum IndexStatus {
    Ready,
    NeedsRebuild(RebuildReason),
    Rebuilding,
}

/// Reported by [`super::ManualIndex::rebuild`] after every batch of pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct RebuildProgress {
    pub pages: u64,
    pub manuals: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum RebuildOutcome {
    Completed {
        pages: u64,
        manuals: u64,
    },
    /// The cancel flag was set: the partial index was discarded and the index still needs a
    /// rebuild (or keeps serving the one it had).
    Cancelled,
}

/// What happened to a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteOutcome {
    /// Committed and visible to the next search.
    Committed,
    /// The index awaits a rebuild, which will read the page from the store: nothing to do now.
    Deferred,
}
