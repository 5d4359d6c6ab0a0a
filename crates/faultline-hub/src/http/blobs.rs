//! `HEAD|PATCH|GET /v1/sites/{site}/blobs/{sha256}`: resumable, hash-verified uploads and
//! ranged downloads of content-addressed blobs.

use super::auth::{same_site, Authed};
use super::error::ApiFailure;
use super::extract::ApiPath;
use super::AppState;
use crate::pg::is_sha256_hex;
use crate::store::{BlobState, HubStore, UploadChunk, UploadOutcome, UploadQuota};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use faultline_protocol::api::codes;
use std::sync::Arc;

pub const UPLOAD_OFFSET: &str = "upload-offset";
pub const UPLOAD_LENGTH: &str = "upload-length";

fn check_name(sha256: &str) -> Result<(), ApiFailure> {
    if is_sha256_hex(sha256) {
        Ok(())
    } else {
        Err(ApiFailure::malformed(format!(
            "{sha256:?} is not a blob name: use the lowercase SHA-256 hex of its bytes"
        )))
    }
}

fn number_header(headers: &HeaderMap, name: &str) -> Result<u64, ApiFailure> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .ok_or_else(|| {
            ApiFailure::malformed(format!(
                "the {name} header is missing or not a number of bytes"
            ))
        })
}

pub async fn head<S: HubStore>(
    State(state): State<Arc<AppState<S>>>,
    Authed(device): Authed,
    ApiPath((site, sha256)): ApiPath<(String, String)>,
) -> Result<Response, ApiFailure> {
    same_site(&device, &site)?;
    check_name(&sha256)?;
    Ok(match state.store.blob_state(&site, &sha256).await? {
        BlobState::Complete { size } => {
            (StatusCode::OK, [(header::CONTENT_LENGTH, size.to_string())]).into_response()
        }
        BlobState::Partial { held } => ApiFailure::not_found(format!(
            "blob {sha256} is not complete on site {site}: {held} bytes held"
        ))
        .with_header(UPLOAD_OFFSET, held)
        .into_response(),
    })
}

pub async fn patch<S: HubStore>(
    State(state): State<Arc<AppState<S>>>,
    Authed(device): Authed,
    ApiPath((site, sha256)): ApiPath<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiFailure> {
    same_site(&device, &site)?;
    check_name(&sha256)?;
    let offset = number_header(&headers, UPLOAD_OFFSET)?;
    let total = number_header(&headers, UPLOAD_LENGTH)?;
    let max = state.limits.max_blob_bytes;
    if total > max {
        return Err(ApiFailure::too_large(format!(
            "the blob is {total} bytes; the hub takes blobs of at most {max} bytes"
        )));
    }
    let cap = usize::try_from(state.limits.max_chunk_bytes).unwrap_or(usize::MAX);
    let bytes = axum::body::to_bytes(body, cap).await.map_err(|_| {
        ApiFailure::too_large(format!(
            "the chunk is larger than {cap} bytes (or was cut off): send smaller chunks"
        ))
    })?;
    let outcome = state
        .store
        .blob_append(
            &site,
            &sha256,
            UploadChunk {
                offset,
                total,
                bytes,
                device: device.id,
                quota: UploadQuota {
                    max_uploads: state.limits.max_open_uploads_per_device,
                    max_bytes: state.limits.max_open_upload_bytes_per_device,
                    expiry: state.limits.upload_expiry,
                },
            },
        )
        .await?;
    Ok(match outcome {
        UploadOutcome::Progress { held } => {
            (StatusCode::NO_CONTENT, [(UPLOAD_OFFSET, held.to_string())]).into_response()
        }
        UploadOutcome::Complete { size } => {
            tracing::info!(site = %site, sha256 = %sha256, size, "blob complete");
            (StatusCode::CREATED, [(UPLOAD_OFFSET, size.to_string())]).into_response()
        }
        UploadOutcome::OffsetMismatch { held } => ApiFailure::new(
            StatusCode::CONFLICT,
            codes::OFFSET_MISMATCH,
            format!("the hub holds {held} bytes of this upload, not {offset}: continue from {held}"),
        )
        .with_header(UPLOAD_OFFSET, held)
        .into_response(),
        UploadOutcome::OverQuota { open, bytes } => ApiFailure::new(
            StatusCode::INSUFFICIENT_STORAGE,
            codes::UPLOAD_QUOTA,
            format!(
                "this device already has {open} unfinished uploads ({bytes} bytes declared); \
                 the hub takes at most {} ({} bytes): finish them, or wait until they expire \
                 ({} h untouched)",
                state.limits.max_open_uploads_per_device,
                state.limits.max_open_upload_bytes_per_device,
                state.limits.upload_expiry.as_secs() / 3600
            ),
        )
        .into_response(),
        UploadOutcome::HashMismatch => ApiFailure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::HASH_MISMATCH,
            format!("the uploaded bytes do not hash to {sha256}; the upload was discarded: upload the file again"),
        )
        .into_response(),
    })
}

/// The start of a `Range: bytes=N-` request; other range forms are ignored (whole blob, 200).
fn range_start(headers: &HeaderMap) -> Option<u64> {
    let v = headers.get(header::RANGE)?.to_str().ok()?.trim();
    let spec = v.strip_prefix("bytes=")?;
    let start = spec.strip_suffix('-')?;
    start.trim().parse().ok()
}

pub async fn get<S: HubStore>(
    State(state): State<Arc<AppState<S>>>,
    Authed(device): Authed,
    ApiPath((site, sha256)): ApiPath<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiFailure> {
    same_site(&device, &site)?;
    check_name(&sha256)?;
    let start = range_start(&headers);
    let from = start.unwrap_or(0);
    let Some(download) = state.store.blob_read(&site, &sha256, from).await? else {
        return Err(ApiFailure::not_found(format!(
            "no blob {sha256} on site {site}"
        )));
    };
    let size = download.size;
    if start.is_some() && from >= size && size > 0 {
        return Err(ApiFailure::new(
            StatusCode::RANGE_NOT_SATISFIABLE,
            codes::MALFORMED,
            format!("the blob is {size} bytes; the range starts at {from}"),
        )
        .with_header("content-range", format!("bytes */{size}")));
    }
    let stream = futures_util::stream::unfold(download.chunks, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let body = Body::from_stream(stream);
    let mut response = Response::builder()
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .header(header::ACCEPT_RANGES, "bytes")
        .header(
            header::CONTENT_LENGTH,
            size.saturating_sub(from).to_string(),
        );
    response = match start {
        Some(n) if size > 0 => response.status(StatusCode::PARTIAL_CONTENT).header(
            header::CONTENT_RANGE,
            format!("bytes {n}-{}/{size}", size - 1),
        ),
        _ => response.status(StatusCode::OK),
    };
    response
        .body(body)
        .map_err(|e| ApiFailure::malformed(format!("cannot build the response: {e}")))
}
