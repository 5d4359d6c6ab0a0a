//! Who is calling: the protocol version header, the device token, the device's rate, and the
//! site check of site-scoped routes.

use super::error::ApiFailure;
use super::AppState;
use crate::store::{Device, HubStore};
use crate::token::token_hash;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use faultline_protocol::api::codes;
use faultline_protocol::{PROTOCOL_VERSION, VERSION_HEADER};
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
        let token = bearer(&parts.headers)?;
        let device = state
            .store
            .authenticate(&token_hash(token))
            .await?
            .ok_or_else(|| {
                ApiFailure::new(
                    StatusCode::UNAUTHORIZED,
                    codes::UNAUTHORIZED,
                    "the device token is unknown or revoked: ask plant IT to enroll this laptop again",
                )
            })?;
        if let Err(wait) = state.rate.check(device.id) {
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            return Err(ApiFailure::new(
                StatusCode::TOO_MANY_REQUESTS,
                codes::RATE_LIMITED,
                format!("too many requests from this device: retry in {secs} s"),
            )
            .with_header("retry-after", secs.max(1)));
        }
        Ok(Authed(device))
    }
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
