//! `PgStore`: the hub's state in PostgreSQL, behind a connection pool. Every hub process is
//! stateless; any number of them may serve one database.

mod auth;
mod blobs;
mod downtime_intervals;
mod field_edits;
mod migrate;
mod pull;
mod pull_corrections;
mod pull_diagnosis;
mod pull_rows;
mod push;
mod push_appends;
mod push_batch;
mod push_context;
mod push_corrections;
mod push_decide;
mod push_diagnosis;
mod push_extra;
mod tls;
mod wo_state;

pub use blobs::{expire_uploads, put_whole as put_blob};
pub use migrate::{migrate, MIGRATIONS};
pub use push_appends::is_sha256_hex;
pub use tls::{with_root_cert, SslMode};

use crate::cursor::Cursor;
use crate::error::{HubError, Result};
use crate::store::{
    BlobDownload, BlobState, ChangePage, Device, HubStore, UploadChunk, UploadOutcome,
};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use faultline_protocol::{PushRequest, PushResponse};

/// A transaction on a pooled connection (with its prepared-statement cache).
pub(crate) type Tx<'a> = deadpool_postgres::Transaction<'a>;

#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
    /// Turns for reading one blob chunk (a short checkout each): a quarter of the pool at most,
    /// so downloads — however many, however slow their readers — never starve pushes.
    downloads: std::sync::Arc<tokio::sync::Semaphore>,
}

/// Connections that may read blob chunks at once out of a pool of `max_connections`.
pub fn downloads_for(max_connections: usize) -> usize {
    (max_connections / 4).max(1)
}

impl PgStore {
    /// A pool of at most `max_connections` to the database at `url` (nothing is connected yet).
    /// The URL's `sslmode` and `sslrootcert` choose TLS (see `tls.rs`).
    pub fn connect(url: &str, max_connections: usize) -> Result<PgStore> {
        let target = tls::parse_url(url)?;
        let connector = tls::connector(&target)?;
        let manager = Manager::from_config(
            target.config,
            connector,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(max_connections.max(1))
            .build()
            .map_err(|e| HubError::Pool(e.to_string()))?;
        let downloads = std::sync::Arc::new(tokio::sync::Semaphore::new(downloads_for(
            max_connections.max(1),
        )));
        Ok(PgStore { pool, downloads })
    }

    /// Connects and brings the schema up to date (see [`migrate`]).
    pub async fn open(url: &str, max_connections: usize) -> Result<PgStore> {
        let store = PgStore::connect(url, max_connections)?;
        let mut client = store
            .client()
            .await
            .map_err(|e| first_connect_failed(url, e))?;
        migrate(&mut client).await?;
        Ok(store)
    }

    pub async fn client(&self) -> Result<deadpool_postgres::Object> {
        Ok(self.pool.get().await?)
    }
}

/// The first connection's failure, said with the TLS settings in play when TLS was asked for.
fn first_connect_failed(url: &str, e: HubError) -> HubError {
    let Ok(target) = tls::parse_url(url) else {
        return e;
    };
    if !target.mode.requires_tls() {
        return e;
    }
    let hint = match &target.root_cert {
        Some(ca) => format!(
            "check that the server has ssl=on and that {} is the CA that signed its certificate",
            ca.display()
        ),
        None => "check that the server has ssl=on".to_string(),
    };
    HubError::Invalid(format!(
        "cannot connect to the database with sslmode={} (never in plaintext): {e}; {hint}",
        target.mode.as_str()
    ))
}

impl HubStore for PgStore {
    async fn metrics(&self, out: &mut crate::metrics::Text) -> Result<()> {
        crate::metrics::cmms::render(self, out).await
    }

    async fn authenticate(&self, token_sha256: &str) -> Result<Option<Device>> {
        auth::authenticate(self, token_sha256).await
    }

    async fn push(&self, device: &Device, request: &PushRequest) -> Result<PushResponse> {
        push::push(self, device, request).await
    }

    async fn changes(&self, site: &str, cursor: Cursor, limit: u32) -> Result<ChangePage> {
        pull::changes(self, site, cursor, limit).await
    }

    async fn blob_state(&self, site: &str, sha256: &str) -> Result<BlobState> {
        blobs::state(self, site, sha256).await
    }

    async fn blob_append(
        &self,
        site: &str,
        sha256: &str,
        chunk: UploadChunk,
    ) -> Result<UploadOutcome> {
        blobs::append(self, site, sha256, chunk).await
    }

    async fn blob_read(&self, site: &str, sha256: &str, from: u64) -> Result<Option<BlobDownload>> {
        blobs::read(self, site, sha256, from).await
    }
}
