//! `fake_maximo` for the connector tests: the contract fake itself is the crate
//! `faultline-fake-maximo` (shared with the CMMS drain bench); here are what the tests add — the
//! hub's settings for it, the shared plant and the laptop.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod laptop;
pub mod plant;

pub use faultline_fake_maximo::*;

/// The hub's connector settings for site PLANT1 pointing at a fake (Maximo site BEDFORD).
pub fn config(url: &str, key: &str) -> faultline_hub::connector::ConnectorConfig {
    faultline_hub::connector::ConnectorConfig {
        site: "PLANT1".into(),
        kind: "maximo".into(),
        url: url.into(),
        api_key: key.into(),
        ca_bundle: None,
        cmms_siteid: Some("BEDFORD".into()),
        cmms_orgid: Some("EAGLENA".into()),
    }
}

/// Serves the fake on a free loopback port; returns its base URL (…/maximo) and its state.
pub async fn start(key: &str, assets: &[&str]) -> (String, Shared) {
    faultline_fake_maximo::start(key, assets)
        .await
        .expect("fake_maximo serves on loopback")
}
