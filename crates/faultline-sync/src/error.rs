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
            match certificate_problem(&msg) {
                Some(problem) => SyncError::Unreachable(format!("{problem}; {msg}")),
                None => SyncError::Unreachable(msg),
            }
        }
    }
}

/// rustls's verdict on the hub's certificate, in words that say what is wrong: a missing CA
/// bundle (unknown issuer) is not the same problem as an expired certificate or one made for
/// another name, which no CA bundle fixes. `chain` is the error and its sources, joined; rustls's words go in brackets.
fn certificate_problem(chain: &str) -> Option<String> {
    const MARK: &str = "invalid peer certificate: ";
    let at = chain.find(MARK)?;
    let said = chain[at + MARK.len()..]
        .split(" (os error")
        .next()
        .unwrap_or_default()
        .trim_end_matches(')');
    let lower = said.to_lowercase();
    let what = if lower.contains("unknownissuer") || lower.contains("unknown issuer") {
        "the hub's certificate is not signed by a certificate authority this laptop trusts (give the plant CA bundle)"
    } else if lower.contains("expired") {
        "the hub's certificate has expired (the hub needs a renewed certificate)"
    } else if lower.contains("notvalidyet") || lower.contains("not valid yet") {
        "the hub's certificate is not valid yet (check the clock of this laptop)"
    } else if lower.contains("notvalidforname") || lower.contains("not valid for name") {
        "the hub's certificate is not valid for this address (use the name the certificate was made for, or ask plant IT)"
    } else if lower.contains("revoked") {
        "the hub's certificate was revoked"
    } else {
        "the hub's certificate is not valid"
    };
    Some(format!("{what} [rustls: {said}]"))
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
    fn a_certificate_refusal_says_what_rustls_said() {
        let chain = |said: &str| {
            format!("error sending request for url (https://127.0.0.1:4443/v1/capabilities): client error (Connect): invalid peer certificate: {said}")
        };
        let expired = certificate_problem(&chain(
            "certificate expired: verification time 1800000000 (UNIX), but certificate is not valid after 1700000000 (100000000 seconds ago)",
        ));
        assert!(
            expired
                .as_deref()
                .is_some_and(|m| m.starts_with("the hub's certificate has expired")
                    && m.contains("not valid after 1700000000")),
            "{expired:?}"
        );
        let name = certificate_problem(&chain(
            "certificate not valid for name \"127.0.0.1\"; certificate is only valid for DnsName(\"hub.plant.test\")",
        ));
        assert!(
            name.as_deref().is_some_and(|m| m
                .starts_with("the hub's certificate is not valid for this address")
                && m.contains("hub.plant.test")),
            "{name:?}"
        );
        let issuer = certificate_problem(&chain("UnknownIssuer"));
        assert!(
            issuer.as_deref().is_some_and(
                |m| m.contains("not signed by a certificate authority this laptop trusts")
            ),
            "{issuer:?}"
        );
        assert_eq!(
            certificate_problem("tcp connect error: Connection refused (os error 111)"),
            None
        );
    }

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
