//! The seam between the HTTP API and where the data lives: [`HubStore`]. `PgStore` implements it
//! on PostgreSQL; a connector to an existing CMMS (IBM Maximo first) can implement it later
//! without any change to the protocol (docs/sync-protocol.md, "Upstream CMMS").

use crate::cursor::Cursor;
use crate::error::Result;
use bytes::Bytes;
use faultline_protocol::{Change, PushRequest, PushResponse};
use std::future::Future;
use tokio::sync::mpsc;
use uuid::Uuid;

/// The enrolled device a request's token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: Uuid,
    pub name: String,
    pub site_code: String,
    pub site_name: String,
}

/// One page of a site's change feed.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangePage {
    pub changes: Vec<Change>,
    /// The key of the last change in `changes`, or the request's cursor when there is none.
    pub next: Cursor,
    pub has_more: bool,
}

/// What the hub holds of a blob, as seen by one site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobState {
    /// The whole blob, verified, readable by this site.
    Complete { size: u64 },
    /// `held` bytes of an unfinished upload by this site (0 when none).
    Partial { held: u64 },
}

/// One chunk of a resumable upload.
#[derive(Debug, Clone)]
pub struct UploadChunk {
    pub offset: u64,
    /// The blob's whole size (`upload-length`).
    pub total: u64,
    pub bytes: Bytes,
    /// The device sending it (its unfinished uploads count against `quota`).
    pub device: Uuid,
    pub quota: UploadQuota,
}

/// How many unfinished uploads one device may hold, and for how long they are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadQuota {
    pub max_uploads: u32,
    /// Declared bytes (`upload-length`) of the device's unfinished uploads together.
    pub max_bytes: u64,
    /// Unfinished uploads untouched this long are expired (and no longer count).
    pub expiry: std::time::Duration,
}

/// What a chunk did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadOutcome {
    /// Stored; the upload now holds `held` bytes.
    Progress { held: u64 },
    /// The last chunk arrived and the bytes hash to the blob's name (or the site already had it).
    Complete { size: u64 },
    /// The chunk does not start where the held bytes end.
    OffsetMismatch { held: u64 },
    /// The complete bytes hash to something else; the upload was discarded.
    HashMismatch,
    /// Starting this upload would put the device over its quota of unfinished uploads: `open`
    /// uploads of `bytes` declared bytes are held already.
    OverQuota { open: u32, bytes: u64 },
}

/// A blob being read: its size and its bytes from the requested offset, chunk by chunk.
pub struct BlobDownload {
    pub size: u64,
    pub chunks: mpsc::Receiver<Result<Bytes>>,
}

/// Everything the HTTP API needs from storage. Every method is scoped by the caller's device
/// or site; implementations never return another site's data.
pub trait HubStore: Send + Sync + 'static {
    /// The device a token (by its SHA-256 hex) belongs to, unless unknown or revoked.
    fn authenticate(
        &self,
        token_sha256: &str,
    ) -> impl Future<Output = Result<Option<Device>>> + Send;

    /// Applies a batch of mutations in order and answers each one.
    fn push(
        &self,
        device: &Device,
        request: &PushRequest,
    ) -> impl Future<Output = Result<PushResponse>> + Send;

    /// Up to `limit` changes of `site` after `cursor`, in commit order.
    fn changes(
        &self,
        site: &str,
        cursor: Cursor,
        limit: u32,
    ) -> impl Future<Output = Result<ChangePage>> + Send;

    fn blob_state(
        &self,
        site: &str,
        sha256: &str,
    ) -> impl Future<Output = Result<BlobState>> + Send;

    fn blob_append(
        &self,
        site: &str,
        sha256: &str,
        chunk: UploadChunk,
    ) -> impl Future<Output = Result<UploadOutcome>> + Send;

    /// The blob's bytes from `from`, if `site` may read it.
    fn blob_read(
        &self,
        site: &str,
        sha256: &str,
        from: u64,
    ) -> impl Future<Output = Result<Option<BlobDownload>>> + Send;

    /// The shared part of `GET /metrics` (the CMMS connectors' state), in Prometheus' text
    /// format; a store without connectors has none.
    fn metrics(&self, out: &mut crate::metrics::Text) -> impl Future<Output = Result<()>> + Send {
        let _ = out;
        async { Ok(()) }
    }
}
