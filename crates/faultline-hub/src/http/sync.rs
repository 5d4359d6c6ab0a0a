//! `POST /v1/sites/{site}/push` and `GET /v1/sites/{site}/changes`.

use super::auth::{same_site, Authed};
use super::error::ApiFailure;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::push_body::{self, RawPush};
use super::AppState;
use crate::cursor::Cursor;
use crate::error::HubError;
use crate::store::HubStore;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use faultline_protocol::{Outcome, PullResponse, PushResponse};
use serde::Deserialize;
use std::sync::Arc;

pub async fn push<S: HubStore>(
    State(state): State<Arc<AppState<S>>>,
    Authed(device): Authed,
    ApiPath(site): ApiPath<String>,
    ApiJson(raw): ApiJson<RawPush>,
) -> Result<Json<PushResponse>, ApiFailure> {
    same_site(&device, &site)?;
    // Counted in flight: the CMMS senders wait for it before claiming their next batch.
    let _laptop = state.laptops.enter();
    let max = state.limits.max_push_mutations as usize;
    if raw.len() > max {
        return Err(ApiFailure::too_large(format!(
            "{} mutations in one push; the hub takes at most {max}: send them in smaller batches",
            raw.len()
        )));
    }
    let started = std::time::Instant::now();
    // Each mutation read and checked on its own: one bad value is one rejected mutation.
    let split = push_body::split(raw, chrono::Utc::now())?;
    let request_len = split.request.mutations.len();
    let stored = state.store.push(&device, &split.request).await?;
    let response = split.merge(stored).map_err(HubError::Internal)?;
    let count = |f: fn(&Outcome) -> bool| response.results.iter().filter(|r| f(&r.outcome)).count();
    tracing::info!(
        device = %device.id,
        site = %site,
        mutations = response.results.len(),
        to_store = request_len,
        replayed = response.results.iter().filter(|r| r.replayed).count(),
        rejected = count(|o| matches!(o, Outcome::Rejected { .. })),
        conflicts = count(|o| matches!(o, Outcome::Conflict { .. })),
        ms = started.elapsed().as_millis() as u64,
        "push"
    );
    Ok(Json(response))
}

#[derive(Debug, Deserialize)]
pub struct PullParams {
    cursor: Option<String>,
    limit: Option<u32>,
}

pub async fn changes<S: HubStore>(
    State(state): State<Arc<AppState<S>>>,
    Authed(device): Authed,
    ApiPath(site): ApiPath<String>,
    ApiQuery(params): ApiQuery<PullParams>,
) -> Result<Response, ApiFailure> {
    same_site(&device, &site)?;
    let _laptop = state.laptops.enter();
    let cursor = match params.cursor.as_deref().map(str::trim) {
        None | Some("") => Cursor::START,
        Some(c) => Cursor::decode(c).map_err(|m| {
            ApiFailure::malformed(format!(
                "{m}: send the next_cursor of the last pull, or no cursor to start over"
            ))
        })?,
    };
    let max = state.limits.max_pull_changes;
    let limit = params.limit.unwrap_or(max).clamp(1, max);
    // Read and encode the page in turn with the other pulls (see `Limits::max_concurrent_pulls`).
    let _turn = state
        .pulls
        .acquire()
        .await
        .map_err(|_| ApiFailure::from(HubError::Internal("the hub is shutting down".into())))?;
    let page = state.store.changes(&site, cursor, limit).await?;
    let body = serde_json::to_vec(&PullResponse {
        changes: page.changes,
        next_cursor: page.next.encode(),
        has_more: page.has_more,
    })
    .map_err(|e| ApiFailure::from(HubError::Internal(format!("cannot encode the page: {e}"))))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}
