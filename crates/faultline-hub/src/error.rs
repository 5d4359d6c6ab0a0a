//! The hub library's error type: what went wrong in storage or in an admin command.

use std::path::PathBuf;

/// Everything the storage layer and the admin commands can fail with.
#[derive(Debug, thiserror::Error)]
pub enum HubError {
    #[error("database error: {}", describe_db(.0))]
    Db(#[from] tokio_postgres::Error),
    #[error("cannot get a database connection: {0}")]
    Pool(String),
    /// An admin or client input that cannot be used; the message says what to change.
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    NotFound(String),
    /// A pull cursor older than the retained history (tombstones compacted past it).
    #[error("the cursor is older than the hub's retained history: replicate the site again")]
    CursorExpired,
    /// The hub's database holds a schema newer than this build knows.
    #[error("{0}")]
    Schema(String),
    #[error("{0}")]
    Import(String),
    /// Something in the hub's own database it cannot read back (a bug or a damaged row).
    #[error("{0}")]
    Internal(String),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl HubError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        HubError::Io {
            path: path.into(),
            source,
        }
    }

    /// True for failures that a retry of the same transaction may cure (serialization failure,
    /// deadlock): the push loop retries those before answering 503.
    pub fn is_retryable(&self) -> bool {
        match self {
            HubError::Db(e) => e.code().is_some_and(|c| {
                *c == tokio_postgres::error::SqlState::T_R_SERIALIZATION_FAILURE
                    || *c == tokio_postgres::error::SqlState::T_R_DEADLOCK_DETECTED
            }),
            _ => false,
        }
    }
}

impl From<deadpool_postgres::PoolError> for HubError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        match e {
            deadpool_postgres::PoolError::Backend(db) => HubError::Db(db),
            other => HubError::Pool(other.to_string()),
        }
    }
}

/// PostgreSQL's own message and SQLSTATE when there is one (tokio-postgres says only "db error").
fn describe_db(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => e.to_string(),
    }
}

pub type Result<T, E = HubError> = std::result::Result<T, E>;
