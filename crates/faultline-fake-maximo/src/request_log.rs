//! The fake's request log: every request in the order its answer left (so a write is logged
//! after it committed), with what a test needs to tell the records apart — method, path, query,
//! `x-method-override`, the JSON body and the answer's status. The end-to-end test reads it to
//! check the order in which a breakdown's records reached the fake.

use super::Shared;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;

/// Largest body the log reads (the fake's attachments are far smaller).
const MAX_BODY: usize = 64 << 20;

/// One request the fake answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Logged {
    pub method: String,
    /// The path, e.g. `/maximo/oslc/os/mxapiwodetail/1/doclinks`.
    pub path: String,
    /// The query string as sent (`""` when none).
    pub query: String,
    /// `x-method-override` (`PATCH`, `BULK`) when sent.
    pub method_override: Option<String>,
    /// The body as JSON (`Null` when empty or not JSON, e.g. an attachment's bytes).
    pub body: Value,
    /// The answer's HTTP status.
    pub status: u16,
}

impl Logged {
    /// A write (any POST) that was answered with success.
    pub fn is_committed_write(&self) -> bool {
        self.method == "POST" && (200..300).contains(&self.status)
    }
}

/// The middleware: reads the body, lets the route answer, logs the request with the status.
pub(crate) async fn log_requests(State(s): State<Shared>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, MAX_BODY).await.unwrap_or_default();
    let json: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let mut logged = Logged {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or("").to_string(),
        method_override: parts
            .headers
            .get("x-method-override")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        body: json,
        status: 0,
    };
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    logged.status = response.status().as_u16();
    s.lock().unwrap().log.push(logged);
    response
}
