//! Errors of the manual index.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index: {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the search index is used by another Faultline process; close it and try again")]
    Locked,
    #[error("the search index writer stopped; restart the app to rebuild the index")]
    WriterStopped,
    #[error("the search index is already being rebuilt")]
    RebuildInProgress,
    #[error("the rebuilt search index cannot be opened: {0}")]
    Unusable(String),
    #[error("the search index was opened read-only (another Faultline process maintains it)")]
    ReadOnly,
}

impl IndexError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        IndexError::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T, E = IndexError> = std::result::Result<T, E>;
