//! Enrollment: a plant IT admin gives a laptop its hub address and a device token (made by
//! `faultline-hub device enroll`); the laptop asks the hub who the token belongs to and stores
//! the answer. A wrong token or address is refused here, not at the first sync.

use crate::client::{ClientOptions, HubClient};
use crate::error::SyncError;
use faultline_core::store::HubEnrollment;
use faultline_core::Store;
use faultline_protocol::{WhoAmI, PROTOCOL_VERSION};
use std::sync::Mutex;

pub struct EnrollRequest {
    pub hub_url: String,
    pub token: String,
    pub options: ClientOptions,
}

/// Checks the hub speaks our protocol and knows the token, then stores the enrollment.
pub fn enroll(store: &Mutex<Store>, req: &EnrollRequest) -> Result<WhoAmI, SyncError> {
    let token = req.token.trim();
    if token.is_empty() {
        return Err(SyncError::Config(
            "the device token is empty: ask plant IT for one (`faultline-hub device enroll`)"
                .into(),
        ));
    }
    let client = HubClient::new(&req.hub_url, token, &req.options)?;
    let caps = client.capabilities()?;
    if !caps.protocol_versions.contains(&PROTOCOL_VERSION) {
        return Err(SyncError::Config(format!(
            "the hub speaks sync protocol {:?}, this Faultline speaks {PROTOCOL_VERSION}: update \
             Faultline or the hub",
            caps.protocol_versions
        )));
    }
    let who = client.whoami()?;
    let enrollment = HubEnrollment {
        hub_url: client.base_url().to_string(),
        token: token.to_string(),
        hub_device_id: who.device_id.to_string(),
        device_name: who.device_name.clone(),
        site_code: who.site_code.clone(),
        site_name: who.site_name.clone(),
        ca_bundle: req
            .options
            .ca_bundle
            .as_ref()
            .map(|p| p.display().to_string()),
        proxy: req.options.proxy.clone(),
    };
    let mut guard = store
        .lock()
        .map_err(|_| SyncError::Config("the local store is unavailable".into()))?;
    guard.save_enrollment(&enrollment)?;
    Ok(who)
}
