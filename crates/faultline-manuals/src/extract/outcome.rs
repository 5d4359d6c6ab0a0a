//! What extracting one PDF produced: its pages of text, or a classified failure whose message
//! tells a person what happened and what to do. This is the worker's JSON on stdout.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The result of extracting one PDF.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Outcome {
    /// The text of every page (index 0 is page 1; a page without text is an empty string).
    Text(Extracted),
    /// No usable text, and why.
    Failed { kind: FailureKind, message: String },
}

/// The text of a PDF, page by page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extracted {
    /// One entry per page, in page order; `pages.len() == page_count`.
    pub pages: Vec<String>,
    /// The Title of the PDF's Info dictionary, when it has a non-blank one.
    pub title: Option<String>,
    pub page_count: u32,
}

/// Why a PDF yielded no text: a closed set the UI and the store branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// Encrypted and no (or a wrong) password, or an encryption the reader does not support.
    Encrypted,
    /// The pages carry no extractable text (scans, or fonts without a Unicode mapping).
    NoTextLayer,
    /// The file is not a readable PDF.
    Damaged,
    /// The extraction took longer than the time limit.
    Timeout,
    /// The extraction needed more memory than the limit.
    OutOfMemory,
    /// The PDF reader crashed (panic, abort, stack overflow) on this file.
    Crashed,
    /// The file is bigger than the extraction may handle.
    TooLarge,
}

impl FailureKind {
    /// Every kind, in a stable order (for reports and tests).
    pub const ALL: [FailureKind; 7] = [
        FailureKind::Encrypted,
        FailureKind::NoTextLayer,
        FailureKind::Damaged,
        FailureKind::Timeout,
        FailureKind::OutOfMemory,
        FailureKind::Crashed,
        FailureKind::TooLarge,
    ];

    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::Encrypted => "encrypted",
            FailureKind::NoTextLayer => "no_text_layer",
            FailureKind::Damaged => "damaged",
            FailureKind::Timeout => "timeout",
            FailureKind::OutOfMemory => "out_of_memory",
            FailureKind::Crashed => "crashed",
            FailureKind::TooLarge => "too_large",
        }
    }
}

impl std::fmt::Display for FailureKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Outcome {
    fn failed(kind: FailureKind, message: String) -> Outcome {
        Outcome::Failed { kind, message }
    }

    pub(crate) fn needs_password() -> Outcome {
        Outcome::failed(
            FailureKind::Encrypted,
            "encrypted: enter the password".into(),
        )
    }

    pub(crate) fn wrong_password() -> Outcome {
        Outcome::failed(
            FailureKind::Encrypted,
            "encrypted: the password is not right, enter it again".into(),
        )
    }

    pub(crate) fn unsupported_encryption(detail: &str) -> Outcome {
        Outcome::failed(
            FailureKind::Encrypted,
            format!("encrypted in a way the reader cannot open ({detail}): save an unprotected copy of the PDF and import that"),
        )
    }

    pub(crate) fn no_text_layer() -> Outcome {
        Outcome::failed(
            FailureKind::NoTextLayer,
            "no text layer: scanned pages, text search not available".into(),
        )
    }

    pub(crate) fn unmapped_text() -> Outcome {
        Outcome::failed(
            FailureKind::NoTextLayer,
            "no text layer: the text is drawn with fonts that do not say which characters they show, text search not available".into(),
        )
    }

    pub(crate) fn damaged(detail: &str) -> Outcome {
        Outcome::failed(
            FailureKind::Damaged,
            format!("damaged file: {detail}; get a fresh copy of the PDF from its source"),
        )
    }

    pub(crate) fn timeout(limit: Duration) -> Outcome {
        Outcome::failed(
            FailureKind::Timeout,
            format!("took longer than {} s", limit.as_secs().max(1)),
        )
    }

    pub(crate) fn out_of_memory(limit_bytes: u64) -> Outcome {
        Outcome::failed(
            FailureKind::OutOfMemory,
            format!(
                "needed more than {} MB of memory",
                limit_bytes / (1024 * 1024)
            ),
        )
    }

    pub(crate) fn crashed() -> Outcome {
        Outcome::failed(
            FailureKind::Crashed,
            "the PDF reader crashed on this file".into(),
        )
    }

    pub(crate) fn too_large(size_bytes: u64, limit_bytes: u64) -> Outcome {
        Outcome::failed(
            FailureKind::TooLarge,
            format!(
                "the file is {} MB, more than the {} MB a manual may have",
                size_bytes.div_ceil(1024 * 1024),
                limit_bytes / (1024 * 1024)
            ),
        )
    }

    /// The failure kind, if this is a failure.
    pub fn failure_kind(&self) -> Option<FailureKind> {
        match self {
            Outcome::Text(_) => None,
            Outcome::Failed { kind, .. } => Some(*kind),
        }
    }
}
