//! The hub's HTTP API (docs/sync-protocol.md): routes, shared state, body limits, and the JSON
//! error body of every failure, including unknown routes and methods.

mod auth;
mod blobs;
mod error;
mod extract;
mod meta;
mod metrics;
mod push_body;
mod rate_limit;
mod sync;

pub use error::ApiFailure;
pub use rate_limit::RateLimiter;

use crate::limits::Limits;
use crate::priority::LaptopGate;
use crate::store::HubStore;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{Method, StatusCode, Uri};
use axum::response::IntoResponse;
use axum::routing::{get, head, post};
use axum::Router;
use faultline_protocol::api::codes;
use std::sync::Arc;

/// What every request handler shares.
pub struct AppState<S> {
    pub store: S,
    pub limits: Limits,
    pub rate: RateLimiter,
    /// Failed token lookups per peer address (checked before every lookup).
    pub auth_failures: RateLimiter<std::net::IpAddr>,
    /// Turns for building pull pages (`limits.max_concurrent_pulls`).
    pub pulls: tokio::sync::Semaphore,
    /// SHA-256 hex of the scrape token `GET /metrics` asks for (`None`: metrics are off).
    pub metrics_token: Option<String>,
    /// Pushes and pulls in flight, which the process's CMMS senders let go first.
    pub laptops: LaptopGate,
}

impl<S: HubStore> AppState<S> {
    pub fn new(store: S, limits: Limits) -> Arc<Self> {
        Self::with_metrics(store, limits, None)
    }

    /// [`AppState::new`] with `GET /metrics` answered to the scrape token whose SHA-256 hex is
    /// `metrics_token`.
    pub fn with_metrics(store: S, limits: Limits, metrics_token: Option<String>) -> Arc<Self> {
        Self::with_gate(store, limits, metrics_token, LaptopGate::default())
    }

    /// [`AppState::with_metrics`] counting its pushes and pulls on `laptops` (the gate the
    /// process's connector loop waits on).
    pub fn with_gate(
        store: S,
        limits: Limits,
        metrics_token: Option<String>,
        laptops: LaptopGate,
    ) -> Arc<Self> {
        let rate = RateLimiter::new(limits.rate_per_sec, limits.rate_burst);
        let auth_failures =
            RateLimiter::new(limits.auth_failures_per_sec, limits.auth_failure_burst);
        let pulls = tokio::sync::Semaphore::new(limits.max_concurrent_pulls.max(1));
        Arc::new(AppState {
            store,
            limits,
            rate,
            auth_failures,
            pulls,
            metrics_token,
            laptops,
        })
    }
}

fn limit(bytes: u64) -> DefaultBodyLimit {
    DefaultBodyLimit::max(usize::try_from(bytes).unwrap_or(usize::MAX))
}

pub fn router<S: HubStore>(state: Arc<AppState<S>>) -> Router {
    let json_limit = limit(state.limits.max_body_bytes);
    let chunk_limit = limit(state.limits.max_chunk_bytes);
    Router::new()
        .route("/v1/capabilities", get(meta::capabilities::<S>))
        .route("/v1/whoami", get(meta::whoami))
        .route("/metrics", get(metrics::metrics::<S>))
        .route("/v1/sites/{site}/push", post(sync::push::<S>))
        .route("/v1/sites/{site}/changes", get(sync::changes::<S>))
        .route(
            "/v1/sites/{site}/blobs/{sha256}",
            head(blobs::head::<S>)
                .get(blobs::get::<S>)
                .patch(blobs::patch::<S>)
                .layer(chunk_limit),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(json_limit)
        .layer(axum::middleware::from_fn_with_state(
            state.limits.request_timeout,
            deadline,
        ))
        .with_state(state)
}

/// Answers 408 when a request (reading its body included) takes longer than `limit`.
async fn deadline(
    State(limit): State<std::time::Duration>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiFailure::new(
            StatusCode::REQUEST_TIMEOUT,
            codes::TIMEOUT,
            format!(
                "the request took longer than {} s; the laptop sends it again",
                limit.as_secs()
            ),
        )
        .into_response(),
    }
}

async fn not_found(uri: Uri) -> ApiFailure {
    ApiFailure::not_found(format!("{} is not a hub endpoint", uri.path()))
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiFailure {
    ApiFailure::new(
        StatusCode::METHOD_NOT_ALLOWED,
        codes::MALFORMED,
        format!("{method} is not allowed on {}", uri.path()),
    )
}
