//! Who is calling: the protocol version header, the peer address's budget of failed token
//! lookups (checked before the lookup), the device token, the device's rate, and the site check
//! of site-scoped routes.

use super::error::ApiFailure;
use super::AppState;
use crate::store::{Device, HubStore};
use crate::token::token_hash;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use faultline_protocol::api::codes;
use faultline_protocol::{PROTOCOL_VERSION, VERSION_HEADER};
use std::net::SocketAddr;
use std::sync::Arc;

/// The calling device, authenticated, on a supported protocol version, within its rate.
pub struct Authed(pub Device);

impl<S: HubStore> FromRequestParts<Arc<AppState<S>>> for Authed {
    type Rejection = ApiFailure;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState<S>>,
    ) -> Result<Self, ApiFailure> {
        check_version(&parts.headers)?;
        // The peer address (absent when served without connect info, as in some tests).
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        if let Some(ip) = peer {
            state.auth_failures.peek(ip).map_err(|wait| {
                too_many(
                    wait,
                    "too many requests with unknown tokens from this address",
                )
            })?;
        }
        let failed = |e: ApiFailure| {
            if let Some(ip) = peer {
                state.auth_failures.charge(ip);
            }
            e
        };
        let token = bearer(&parts.headers).map_err(failed)?;
        let device = state
            .store
            .authenticate(&token_hash(token))
            .await?
            .ok_or_else(|| {
                failed(ApiFailure::new(
                    StatusCode::UNAUTHORIZED,
                    codes::UNAUTHORIZED,
                    "the device token is unknown or revoked: ask plant IT to enroll this laptop again",
                ))
            })?;
        state
            .rate
            .check(device.id)
            .map_err(|wait| too_many(wait, "too many requests from this device"))?;
        Ok(Authed(device))
    }
}

/// 429 with `retry-after` in whole seconds (at least 1).
fn too_many(wait: std::time::Duration, what: &str) -> ApiFailure {
    let secs = (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1);
    ApiFailure::new(
        StatusCode::TOO_MANY_REQUESTS,
        codes::RATE_LIMITED,
        format!("{what}: retry in {secs} s"),
    )
    .with_header("retry-after", secs)
}

fn check_version(headers: &HeaderMap) -> Result<(), ApiFailure> {
    let unsupported =
        |m: String| ApiFailure::new(StatusCode::BAD_REQUEST, codes::UNSUPPORTED_PROTOCOL, m);
    let Some(value) = headers.get(VERSION_HEADER) else {
        return Err(unsupported(format!(
            "the request has no {VERSION_HEADER} header: send `{VERSION_HEADER}: {PROTOCOL_VERSION}`"
        )));
    };
    match value.to_str().ok().and_then(|v| v.trim().parse::<u32>().ok()) {
        Some(PROTOCOL_VERSION) => Ok(()),
        _ => Err(unsupported(format!(
            "this hub speaks sync protocol {PROTOCOL_VERSION}, the request asked for {:?}: update Faultline or the hub",
            String::from_utf8_lossy(value.as_bytes())
        ))),
    }
}

fn bearer(headers: &HeaderMap) -> Result<&str, ApiFailure> {
    let missing = || {
        ApiFailure::new(
            StatusCode::UNAUTHORIZED,
            codes::UNAUTHORIZED,
            "the request has no device token: send `authorization: Bearer TOKEN`",
        )
    };
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(missing)?;
    let (scheme, token) = value.trim().split_once(' ').ok_or_else(missing)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(missing());
    }
    Ok(token)
}

/// 403 unless `site` is the device's own.
pub fn same_site(device: &Device, site: &str) -> Result<(), ApiFailure> {
    if device.site_code == site {
        Ok(())
    } else {
        Err(ApiFailure::new(
            StatusCode::FORBIDDEN,
            codes::FORBIDDEN,
            format!(
                "this device is enrolled for site {}; it can neither read nor write site {site}",
                device.site_code
            ),
        ))
    }
}
