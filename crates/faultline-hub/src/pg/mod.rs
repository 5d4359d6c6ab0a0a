//! `PgStore`: the hub's state in PostgreSQL, behind a connection pool. Every hub process is
//! stateless; any number of them may serve one database.

mod auth;
mod blobs;
mod field_edits;
mod migrate;
mod pull;
mod pull_rows;
mod push;
mod push_appends;
mod wo_state;

pub use blobs::put_whole as put_blob;
pub use migrate::{migrate, MIGRATIONS};
pub use push_appends::is_sha256_hex;

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
}

impl PgStore {
    /// A pool of at most `max_connections` to the database at `url` (nothing is connected yet).
    pub fn connect(url: &str, max_connections: usize) -> Result<PgStore> {
        let config: tokio_postgres::Config = url.parse().map_err(|e| {
            HubError::Invalid(format!(
                "the database URL is not valid ({e}); write it as postgres://USER@HOST:PORT/DATABASE"
            ))
        })?;
        let manager = Manager::from_config(
            config,
            tokio_postgres::NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(max_connections.max(1))
            .build()
            .map_err(|e| HubError::Pool(e.to_string()))?;
        Ok(PgStore { pool })
    }

    /// Connects and brings the schema up to date (see [`migrate`]).
    pub async fn open(url: &str, max_connections: usize) -> Result<PgStore> {
        let store = PgStore::connect(url, max_connections)?;
        let mut client = store.client().await?;
        migrate(&mut client).await?;
        Ok(store)
    }

    pub async fn client(&self) -> Result<deadpool_postgres::Object> {
        Ok(self.pool.get().await?)
    }
}

impl HubStore for PgStore {
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
