//! Why a sync step failed, sorted by what to do about it: retry later (the hub is unreachable or
//! busy) or tell a person (the token was revoked, the hub refused the request).

use faultline_core::CoreError;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The hub could not be reached or the connection broke: retry later.
    #[error(
        "the hub is not reachable ({0}); changes stay on this laptop and go up at the next sync"
    )]
    Unreachable(String),
    /// The hub answered with an error body.
    #[error("the hub refused the request ({code}, HTTP {status}): {message}")]
    Hub {
        status: u16,
        code: String,
        message: String,
    },
    /// The hub's answer did not make sense (a different protocol, a broken proxy…).
    #[error("the hub's answer could not be understood: {0}")]
    Protocol(String),
    /// A setting is wrong (URL, CA bundle, proxy).
    #[error("{0}")]
    Config(String),
    #[error(transparent)]
    Store(#[from] CoreError),
}

impl SyncError {
    /// True when trying again later may succeed without a person doing anything.
    pub fn is_retryable(&self) -> bool {
        match self {
            SyncError::Unreachable(_) => true,
            SyncError::Hub { status, .. } => matches!(*status, 408 | 429) || *status >= 500,
            SyncError::Protocol(_) => true,
            SyncError::Config(_) | SyncError::Store(_) => false,
        }
    }

    /// The hub's error code, when the hub answered with one.
    pub fn hub_code(&self) -> Option<&str> {
        match self {
            SyncError::Hub { code, .. } => Some(code),
            _ => None,
        }
    }
}

impl From<reqwest::Error> for SyncError {
    fn from(e: reqwest::Error) -> Self {
        if e.is_decode() {
            SyncError::Protocol(e.to_string())
        } else if e.is_builder() {
            SyncError::Config(format!("cannot build the request: {e}"))
        } else {
            // Connect, timeout, reset, truncated body: all worth another try.
            let mut msg = e.to_string();
            let mut src = std::error::Error::source(&e);
            while let Some(s) = src {
                msg.push_str(": ");
                msg.push_str(&s.to_string());
                src = s.source();
            }
            SyncError::Unreachable(msg)
        }
    }
}

impl From<SyncError> for CoreError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Store(inner) => inner,
            SyncError::Config(message) => CoreError::InvalidInput(message),
            other => CoreError::Sync {
                retryable: other.is_retryable(),
                message: other.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_rate_limits_and_hub_failures_are_retried_refusals_are_not() {
        let hub = |status: u16| SyncError::Hub {
            status,
            code: String::new(),
            message: String::new(),
        };
        for (status, retry) in [
            (408, true),
            (429, true),
            (500, true),
            (503, true),
            (400, false),
            (401, false),
            (403, false),
            (413, false),
        ] {
            assert_eq!(hub(status).is_retryable(), retry, "HTTP {status}");
        }
    }
}
