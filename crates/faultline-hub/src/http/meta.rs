//! `GET /v1/capabilities` (no token) and `GET /v1/whoami`.

use super::auth::Authed;
use super::AppState;
use crate::store::HubStore;
use axum::extract::State;
use axum::Json;
use faultline_protocol::{Capabilities, WhoAmI};
use std::sync::Arc;

pub async fn capabilities<S: HubStore>(
    State(state): State<Arc<AppState<S>>>,
) -> Json<Capabilities> {
    Json(state.limits.capabilities())
}

pub async fn whoami(Authed(device): Authed) -> Json<WhoAmI> {
    Json(WhoAmI {
        device_id: device.id,
        device_name: device.name,
        site_code: device.site_code,
        site_name: device.site_name,
    })
}
