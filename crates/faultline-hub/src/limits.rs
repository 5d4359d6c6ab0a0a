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
    /// Failed token lookups (unknown, revoked or malformed tokens) allowed per peer address per
    /// second; past the burst, that address is answered 429 before any token lookup.
    pub auth_failures_per_sec: f64,
    pub auth_failure_burst: f64,
    /// Pull pages built at once (reading and encoding); more pulls wait their turn, so that
    /// pushes — a laptop's saved work — keep the rest of the CPU and of the connections.
    pub max_concurrent_pulls: usize,
    /// Longest a request may take, body included; a client that stalls mid-request gets 408
    /// and its connection back, instead of holding the hub's resources for ever.
    pub request_timeout: std::time::Duration,
    /// Longest one write to a client may wait (the client reads nothing): then the connection is
    /// cut, so a stalled download holds neither memory nor anything else for long.
    pub send_stall_timeout: std::time::Duration,
    /// Longest the hub waits for a request's headers, also on an idle kept-alive connection:
    /// then the connection is closed.
    pub header_read_timeout: std::time::Duration,
    /// Unfinished blob uploads one device may have open at once.
    pub max_open_uploads_per_device: u32,
    /// Bytes (declared `upload-length`) of one device's unfinished uploads together.
    pub max_open_upload_bytes_per_device: u64,
    /// An unfinished upload untouched this long is deleted (by `serve` and by `compact`).
    pub upload_expiry: std::time::Duration,
}

/// PostgreSQL connections per hub process by default: twice the cores plus one, the usual
/// starting point for a database on the same machine. More connections than the cores can serve
/// only add lock contention and switching (measured in docs/benchmarks.md: 32 connections on two
/// cores pushed 3,100 mutations/s with photos, 4 connections 4,800/s).
pub fn default_max_connections() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get()) * 2 + 1
}

/// Half the connections serve pulls at most (at least one).
pub fn pulls_for(max_connections: usize) -> usize {
    (max_connections / 2).max(1)
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
            auth_failures_per_sec: 1.0,
            auth_failure_burst: 20.0,
            max_concurrent_pulls: pulls_for(default_max_connections()),
            request_timeout: std::time::Duration::from_secs(120),
            send_stall_timeout: std::time::Duration::from_secs(30),
            header_read_timeout: std::time::Duration::from_secs(30),
            max_open_uploads_per_device: 16,
            max_open_upload_bytes_per_device: 1024 * 1024 * 1024,
            upload_expiry: std::time::Duration::from_secs(24 * 3600),
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
