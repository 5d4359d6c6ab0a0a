//! The core's error type: a closed set of codes the UI and scripts branch on, plus a message a
//! person can act on.

use serde::Serialize;
use ts_rs::TS;

/// Machine-readable error category; stable across releases (the UI and the CLI exit codes use it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    /// The input is wrong; the message says what to change.
    InvalidInput,
    /// The record asked for does not exist.
    NotFound,
    /// The action does not fit the record's current state (e.g. closing a closed work order).
    InvalidState,
    /// An import file or mapping is wrong; nothing of it was kept.
    ImportFailed,
    /// The local database or files could not be read or written.
    Storage,
    /// The hub could not be reached; local changes wait and go up at the next sync.
    HubUnreachable,
    /// The hub refused the request (revoked token, wrong site, …); the message says what to do.
    HubRefused,
}

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    InvalidState(String),
    #[error("{0}")]
    Import(#[from] crate::import_error::ImportError),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("file error: {context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    /// A sync step failed (the sync engine's error, as the app and the CLI report it).
    #[error("{message}")]
    Sync { retryable: bool, message: String },
    #[error("the database was written by a newer Faultline (schema {found}, this build knows {known}): update Faultline")]
    SchemaTooNew { found: i64, known: i64 },
}

impl CoreError {
    pub fn code(&self) -> ErrorCode {
        match self {
            CoreError::InvalidInput(_) => ErrorCode::InvalidInput,
            CoreError::NotFound(_) => ErrorCode::NotFound,
            CoreError::InvalidState(_) => ErrorCode::InvalidState,
            CoreError::Import(_) => ErrorCode::ImportFailed,
            CoreError::Sqlite(_) | CoreError::Io { .. } | CoreError::SchemaTooNew { .. } => {
                ErrorCode::Storage
            }
            CoreError::Sync {
                retryable: true, ..
            } => ErrorCode::HubUnreachable,
            CoreError::Sync { .. } => ErrorCode::HubRefused,
        }
    }

    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        CoreError::Io {
            context: context.into(),
            source,
        }
    }
}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

/// An error as it crosses a process boundary (Tauri IPC, `faultline --json`): a stable code the
/// caller branches on, and a message for a person.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
}

impl From<&CoreError> for ErrorBody {
    fn from(e: &CoreError) -> Self {
        ErrorBody {
            code: e.code(),
            message: e.to_string(),
        }
    }
}
