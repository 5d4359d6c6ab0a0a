//! Endpoint-independent wire types: capabilities, identity, and the error body of every 4xx/5xx.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `GET /v1/capabilities` (no token needed): what this hub accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    /// Protocol versions the hub speaks; a client picks the highest it also speaks.
    pub protocol_versions: Vec<u32>,
    pub hub_version: String,
    /// Most mutations accepted in one push.
    pub max_push_mutations: u32,
    /// Largest request body accepted, in bytes (blobs excepted).
    pub max_body_bytes: u64,
    /// Largest blob (photo, manual PDF) accepted, in bytes.
    pub max_blob_bytes: u64,
    /// Most changes returned by one pull page.
    pub max_pull_changes: u32,
}

/// `GET /v1/whoami`: the device a token belongs to and the site it may read and write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhoAmI {
    pub device_id: Uuid,
    pub device_name: String,
    pub site_code: String,
    pub site_name: String,
}

/// The JSON body of every error response: a stable machine code and a sentence for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

/// Stable error codes of [`ApiError`].
pub mod codes {
    /// The version header is missing or names a version the hub does not speak (400).
    pub const UNSUPPORTED_PROTOCOL: &str = "unsupported_protocol";
    /// No token, an unknown token or a revoked one (401).
    pub const UNAUTHORIZED: &str = "unauthorized";
    /// The token is valid but not for this site (403).
    pub const FORBIDDEN: &str = "forbidden";
    /// The body is not valid JSON of the expected shape, or a parameter is wrong (400).
    pub const MALFORMED: &str = "malformed_request";
    /// Body, batch or blob larger than the hub accepts (413).
    pub const TOO_LARGE: &str = "too_large";
    /// Too many requests from this device; retry after the `retry-after` seconds (429).
    pub const RATE_LIMITED: &str = "rate_limited";
    /// The pull cursor is older than the hub's retained history: resync the site (410).
    pub const CURSOR_EXPIRED: &str = "cursor_expired";
    /// A blob's bytes do not hash to the name it was uploaded under (422).
    pub const HASH_MISMATCH: &str = "hash_mismatch";
    /// A blob upload offset does not match what the hub has (409).
    pub const OFFSET_MISMATCH: &str = "offset_mismatch";
    /// Unknown record or blob (404).
    pub const NOT_FOUND: &str = "not_found";
    /// The device has too many unfinished blob uploads (count or bytes): finish or abandon some
    /// (unfinished uploads expire after a day), then start this one again (507).
    pub const UPLOAD_QUOTA: &str = "upload_quota";
    /// The request took longer than the hub allows (a stalled upload, a very slow link); retry
    /// (408).
    pub const TIMEOUT: &str = "timeout";
    /// The hub failed; retry later (500/503).
    pub const INTERNAL: &str = "internal";
}
