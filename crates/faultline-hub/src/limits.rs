//! What one hub process accepts: sizes, batch and page caps, and the per-device request rate.

use faultline_protocol::{Capabilities, PROTOCOL_VERSION};

#[derive(Debug, Clone)]
pub struct Limits {
    /// Most mutations in one push.
    pub max_push_mutations: u32,
    /// Largest JSON request body, in bytes.
    pub max_body_bytes: u64,
    /// Largest blob, in bytes.
    pub max_blob_bytes: u64,
    /// Largest blob upload chunk (one PATCH body), in bytes.
    pub max_chunk_bytes: u64,
    /// Most changes in one pull page.
    pub max_pull_changes: u32,
    /// Sustained requests per second per device.
    pub rate_per_sec: f64,
    /// Requests a device may make in a burst above the sustained rate.
    pub rate_burst: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_push_mutations: 1_000,
            max_body_bytes: 8 * 1024 * 1024,
            max_blob_bytes: 256 * 1024 * 1024,
            max_chunk_bytes: 8 * 1024 * 1024,
            max_pull_changes: 5_000,
            rate_per_sec: 50.0,
            rate_burst: 200.0,
        }
    }
}

impl Limits {
    pub fn capabilities(&self) -> Capabilities {
        Capabilities {
            protocol_versions: vec![PROTOCOL_VERSION],
            hub_version: env!("CARGO_PKG_VERSION").to_string(),
            max_push_mutations: self.max_push_mutations,
            max_body_bytes: self.max_body_bytes,
            max_blob_bytes: self.max_blob_bytes,
            max_pull_changes: self.max_pull_changes,
        }
    }
}
