//! `GET /metrics`: what the CMMS connectors are doing, in Prometheus' text format
//! (`crate::metrics`), for plant IT's scraper. Off unless `serve` was given a scrape token
//! (`--metrics-token-file`): then only a request with `authorization: Bearer TOKEN` is answered,
//! and failed attempts are charged to the caller's address like unknown device tokens.

use super::error::ApiFailure;
use super::AppState;
use crate::metrics::{process_metrics, text::CONTENT_TYPE, Text};
use crate::store::HubStore;
use crate::token::token_hash;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use faultline_protocol::api::codes;
use std::net::SocketAddr;
use std::sync::Arc;

/// Equal strings, in a time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

pub async fn metrics<S: HubStore>(
    State(state): State<Arc<AppState<S>>>,
    request: Request,
) -> Result<Response, ApiFailure> {
    let Some(expected) = &state.metrics_token else {
        return Err(ApiFailure::not_found(
            "metrics are off on this hub: start `faultline-hub serve` with --metrics-token-file",
        ));
    };
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if let Some(ip) = peer {
        state.auth_failures.peek(ip).map_err(|_| {
            ApiFailure::new(
                StatusCode::TOO_MANY_REQUESTS,
                codes::RATE_LIMITED,
                "too many requests with unknown tokens from this address",
            )
            .with_header("retry-after", 1)
        })?;
    }
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    if !given.is_some_and(|t| same(&token_hash(t), expected)) {
        if let Some(ip) = peer {
            state.auth_failures.charge(ip);
        }
        return Err(ApiFailure::new(
            StatusCode::UNAUTHORIZED,
            codes::UNAUTHORIZED,
            "send the hub's scrape token: `authorization: Bearer TOKEN` (serve --metrics-token-file)",
        ));
    }
    let mut out = Text::default();
    state.store.metrics(&mut out).await?;
    process_metrics(&mut out);
    Ok(([(header::CONTENT_TYPE, CONTENT_TYPE)], out.finish()).into_response())
}
