//! Error responses: every 4xx/5xx body is a protocol `ApiError {code, message}`.

use crate::error::HubError;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use faultline_protocol::api::codes;
use faultline_protocol::ApiError;

/// An error answer: status, stable code, a sentence for a person, and extra headers.
#[derive(Debug)]
pub struct ApiFailure {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Extra response headers (`upload-offset`, `retry-after`…).
    pub headers: Vec<(&'static str, String)>,
}

impl ApiFailure {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiFailure {
            status,
            code,
            message: message.into(),
            headers: Vec::new(),
        }
    }

    pub fn malformed(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, codes::MALFORMED, message)
    }

    pub fn too_large(message: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, codes::TOO_LARGE, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, codes::NOT_FOUND, message)
    }

    pub fn with_header(mut self, name: &'static str, value: impl ToString) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        let body = Json(ApiError {
            code: self.code.to_string(),
            message: self.message,
        });
        let mut headers = HeaderMap::new();
        for (name, value) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&value) {
                headers.insert(HeaderName::from_static(name), v);
            }
        }
        (self.status, headers, body).into_response()
    }
}

impl From<HubError> for ApiFailure {
    fn from(e: HubError) -> Self {
        match e {
            HubError::CursorExpired => ApiFailure::new(
                StatusCode::GONE,
                codes::CURSOR_EXPIRED,
                "the cursor is older than the hub's retained history: drop it and replicate the site again",
            ),
            HubError::Invalid(m) => ApiFailure::malformed(m),
            HubError::NotFound(m) => ApiFailure::not_found(m),
            HubError::Pool(m) => {
                tracing::error!("database pool: {m}");
                ApiFailure::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    codes::INTERNAL,
                    "the hub cannot reach its database right now: retry later",
                )
            }
            HubError::Db(ref db) if db.is_closed() || db.as_db_error().is_none() => {
                tracing::error!("database: {e}");
                ApiFailure::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    codes::INTERNAL,
                    "the hub lost its database connection: retry later",
                )
            }
            other => {
                tracing::error!("request failed: {other}");
                ApiFailure::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    codes::INTERNAL,
                    "the hub failed to handle this request: retry later",
                )
            }
        }
    }
}
