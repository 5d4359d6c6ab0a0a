//! Manuals in the library: what the UI lists, with the state of their text extraction.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ManualState {
    /// Waiting for text extraction.
    Queued,
    /// A worker is reading its text now.
    Extracting,
    /// Text stored; waiting for the search index.
    Extracted,
    /// Searchable.
    Indexed,
    /// Extraction failed; `failure_message` says why and what to do.
    Failed,
}

impl ManualState {
    pub fn as_str(self) -> &'static str {
        match self {
            ManualState::Queued => "queued",
            ManualState::Extracting => "extracting",
            ManualState::Extracted => "extracted",
            ManualState::Indexed => "indexed",
            ManualState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            ManualState::Queued,
            ManualState::Extracting,
            ManualState::Extracted,
            ManualState::Indexed,
            ManualState::Failed,
        ]
        .into_iter()
        .find(|m| m.as_str() == s)
    }
}

/// One PDF manual in the library.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Manual {
    pub id: Uuid,
    pub sha256: String,
    pub file_name: String,
    pub title: Option<String>,
    pub manufacturer: Option<String>,
    /// Asset models the manual is linked to ("manufacturer model").
    pub models: Vec<String>,
    pub language: Option<String>,
    pub size_bytes: i64,
    pub page_count: Option<u32>,
    pub state: ManualState,
    /// e.g. "encrypted", "no_text_layer", "damaged", "timeout".
    pub failure_kind: Option<String>,
    pub failure_message: Option<String>,
    pub added_at: DateTime<Utc>,
}
