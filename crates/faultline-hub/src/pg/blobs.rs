//! Blobs in PostgreSQL: resumable uploads per site (`blob_uploads` + chunks), verified by
//! SHA-256 when the last byte arrives, then shared content-addressed in `blobs`/`blob_chunks`
//! and readable by the sites linked in `blob_sites`.

use super::PgStore;
use crate::error::{HubError, Result};
use crate::store::{BlobDownload, BlobState, UploadChunk, UploadOutcome};
use bytes::Bytes;
use deadpool_postgres::GenericClient;
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

fn size_of(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn db_size(v: u64) -> Result<i64> {
    i64::try_from(v).map_err(|_| HubError::Invalid(format!("{v} bytes is too large")))
}

/// The size of blob `sha256` if it is complete and `site` may read it.
async fn linked_size(client: &impl GenericClient, site: &str, sha256: &str) -> Result<Option<u64>> {
    let stmt = client
        .prepare_cached(
            "SELECT b.size_bytes FROM blob_sites s JOIN blobs b ON b.sha256 = s.sha256
             WHERE s.site = $1 AND s.sha256 = $2",
        )
        .await?;
    Ok(client
        .query_opt(&stmt, &[&site, &sha256])
        .await?
        .map(|r| size_of(r.get(0))))
}

pub async fn state(store: &PgStore, site: &str, sha256: &str) -> Result<BlobState> {
    let client = store.client().await?;
    if let Some(size) = linked_size(&client, site, sha256).await? {
        return Ok(BlobState::Complete { size });
    }
    let held = client
        .query_opt(
            "SELECT held FROM blob_uploads WHERE site = $1 AND sha256 = $2",
            &[&site, &sha256],
        )
        .await?
        .map_or(0, |r| size_of(r.get(0)));
    Ok(BlobState::Partial { held })
}

pub async fn append(
    store: &PgStore,
    site: &str,
    sha256: &str,
    chunk: UploadChunk,
) -> Result<UploadOutcome> {
    let mut client = store.client().await?;
    let tx = client.transaction().await?;
    if let Some(size) = linked_size(&tx, site, sha256).await? {
        return Ok(UploadOutcome::Complete { size });
    }
    let total = db_size(chunk.total)?;
    if let Some(over) = over_quota(&tx, site, sha256, &chunk).await? {
        return Ok(over);
    }
    tx.execute(
        "INSERT INTO blob_uploads (site, sha256, total, device_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (site, sha256) DO NOTHING",
        &[&site, &sha256, &total, &chunk.device],
    )
    .await?;
    let row = tx
        .query_one(
            "SELECT total, held FROM blob_uploads WHERE site = $1 AND sha256 = $2 FOR UPDATE",
            &[&site, &sha256],
        )
        .await?;
    let (held_total, mut held): (i64, i64) = (row.get(0), row.get(1));
    if held_total != total {
        // The same name with another length: what is held cannot be these bytes.
        if chunk.offset != 0 {
            return Ok(UploadOutcome::OffsetMismatch {
                held: size_of(held),
            });
        }
        tx.execute(
            "DELETE FROM blob_upload_chunks WHERE site = $1 AND sha256 = $2",
            &[&site, &sha256],
        )
        .await?;
        held = 0;
    }
    if chunk.offset != size_of(held) {
        return Ok(UploadOutcome::OffsetMismatch {
            held: size_of(held),
        });
    }
    let len = db_size(chunk.bytes.len() as u64)?;
    if held + len > total {
        return Err(HubError::Invalid(format!(
            "the chunk ends at byte {} but upload-length is {total}",
            held + len
        )));
    }
    if held == 0 && len == total {
        // The whole blob in one chunk (a photo): checked and stored from memory, without the
        // round trip through blob_upload_chunks.
        let actual = hex::encode(Sha256::digest(chunk.bytes.as_ref()));
        if actual != sha256 {
            return discard_mismatch(tx, site, sha256, &actual).await;
        }
        let inserted = tx
            .execute(
                "INSERT INTO blobs (sha256, size_bytes) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&sha256, &total],
            )
            .await?;
        if inserted == 1 && len > 0 {
            tx.execute(
                "INSERT INTO blob_chunks (sha256, pos, len, data) VALUES ($1, 0, $2, $3)",
                &[
                    &sha256,
                    &i32::try_from(len).unwrap_or(i32::MAX),
                    &chunk.bytes.as_ref(),
                ],
            )
            .await?;
        }
        return finish(tx, site, sha256, total).await;
    }
    if len > 0 {
        tx.execute(
            "INSERT INTO blob_upload_chunks (site, sha256, pos, data) VALUES ($1, $2, $3, $4)",
            &[&site, &sha256, &held, &chunk.bytes.as_ref()],
        )
        .await?;
    }
    held += len;
    tx.execute(
        "UPDATE blob_uploads SET total = $3, held = $4, updated_at = now()
         WHERE site = $1 AND sha256 = $2",
        &[&site, &sha256, &total, &held],
    )
    .await?;
    if held < total {
        tx.commit().await?;
        return Ok(UploadOutcome::Progress {
            held: size_of(held),
        });
    }
    // Complete: hash what is held, chunk by chunk.
    let mut hasher = Sha256::new();
    let mut pos = 0i64;
    while let Some(row) = tx
        .query_opt(
            "SELECT pos, data FROM blob_upload_chunks WHERE site = $1 AND sha256 = $2 AND pos >= $3
             ORDER BY pos LIMIT 1",
            &[&site, &sha256, &pos],
        )
        .await?
    {
        let at: i64 = row.get(0);
        let data: &[u8] = row.get(1);
        hasher.update(data);
        pos = at + db_size(data.len() as u64)?.max(1);
    }
    let actual = hex::encode(hasher.finalize());
    if actual != sha256 {
        return discard_mismatch(tx, site, sha256, &actual).await;
    }
    let inserted = tx
        .execute(
            "INSERT INTO blobs (sha256, size_bytes) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&sha256, &total],
        )
        .await?;
    if inserted == 1 {
        tx.execute(
            "INSERT INTO blob_chunks (sha256, pos, len, data)
             SELECT sha256, pos, length(data), data FROM blob_upload_chunks
             WHERE site = $1 AND sha256 = $2",
            &[&site, &sha256],
        )
        .await?;
    }
    finish(tx, site, sha256, total).await
}

/// `OverQuota` when `chunk` would start a new unfinished upload (a first chunk that is not the
/// whole blob) beyond its device's quota; uploads past their expiry do not count.
async fn over_quota(
    tx: &deadpool_postgres::Transaction<'_>,
    site: &str,
    sha256: &str,
    chunk: &UploadChunk,
) -> Result<Option<UploadOutcome>> {
    if chunk.offset != 0 || chunk.bytes.len() as u64 >= chunk.total {
        return Ok(None);
    }
    let exists = tx
        .query_opt(
            "SELECT 1 FROM blob_uploads WHERE site = $1 AND sha256 = $2",
            &[&site, &sha256],
        )
        .await?
        .is_some();
    if exists {
        return Ok(None);
    }
    // One quota check at a time per device, so parallel first chunks cannot all slip in.
    tx.execute(
        "SELECT 1 FROM devices WHERE id = $1 FOR UPDATE",
        &[&chunk.device],
    )
    .await?;
    let row = tx
        .query_one(
            "SELECT count(*), coalesce(sum(total), 0)::bigint FROM blob_uploads
             WHERE device_id = $1 AND updated_at > now() - make_interval(secs => $2)",
            &[&chunk.device, &chunk.quota.expiry.as_secs_f64()],
        )
        .await?;
    let open = u32::try_from(row.get::<_, i64>(0)).unwrap_or(u32::MAX);
    let bytes = size_of(row.get(1));
    if open >= chunk.quota.max_uploads || bytes.saturating_add(chunk.total) > chunk.quota.max_bytes
    {
        tracing::warn!(
            site,
            device = %chunk.device,
            open,
            bytes,
            "blob upload refused: the device is over its quota of unfinished uploads"
        );
        return Ok(Some(UploadOutcome::OverQuota { open, bytes }));
    }
    Ok(None)
}

/// Deletes the unfinished uploads (of every site) untouched for `older_than`, with their chunks.
pub async fn expire_uploads(store: &PgStore, older_than: std::time::Duration) -> Result<u64> {
    let client = store.client().await?;
    let n = client
        .execute(
            "DELETE FROM blob_uploads WHERE updated_at < now() - make_interval(secs => $1)",
            &[&older_than.as_secs_f64()],
        )
        .await?;
    if n > 0 {
        tracing::info!(uploads = n, "unfinished blob uploads expired");
    }
    Ok(n)
}

/// The bytes do not hash to the blob's name: the upload is dropped and the device starts over.
async fn discard_mismatch(
    tx: deadpool_postgres::Transaction<'_>,
    site: &str,
    sha256: &str,
    actual: &str,
) -> Result<UploadOutcome> {
    tx.execute(
        "DELETE FROM blob_uploads WHERE site = $1 AND sha256 = $2",
        &[&site, &sha256],
    )
    .await?;
    tx.commit().await?;
    tracing::info!(site, sha256, actual, "blob upload discarded: hash mismatch");
    Ok(UploadOutcome::HashMismatch)
}

/// The upload is complete and its blob stored: drops the upload and links the blob to `site`.
async fn finish(
    tx: deadpool_postgres::Transaction<'_>,
    site: &str,
    sha256: &str,
    total: i64,
) -> Result<UploadOutcome> {
    tx.execute(
        "DELETE FROM blob_uploads WHERE site = $1 AND sha256 = $2",
        &[&site, &sha256],
    )
    .await?;
    tx.execute(
        "INSERT INTO blob_sites (site, sha256) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        &[&site, &sha256],
    )
    .await?;
    tx.commit().await?;
    Ok(UploadOutcome::Complete {
        size: size_of(total),
    })
}

/// Stores a whole blob for `site` (admin loads), in chunks of `chunk_size` bytes.
pub async fn put_whole(
    tx: &super::Tx<'_>,
    site: &str,
    sha256: &str,
    bytes: &[u8],
    chunk_size: usize,
) -> Result<()> {
    let size = db_size(bytes.len() as u64)?;
    let inserted = tx
        .execute(
            "INSERT INTO blobs (sha256, size_bytes) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&sha256, &size],
        )
        .await?;
    if inserted == 1 {
        let stmt = tx
            .prepare("INSERT INTO blob_chunks (sha256, pos, len, data) VALUES ($1, $2, $3, $4)")
            .await?;
        for (i, piece) in bytes.chunks(chunk_size.max(1)).enumerate() {
            let pos = db_size((i * chunk_size.max(1)) as u64)?;
            let len = i32::try_from(piece.len()).unwrap_or(i32::MAX);
            tx.execute(&stmt, &[&sha256, &pos, &len, &piece]).await?;
        }
    }
    tx.execute(
        "INSERT INTO blob_sites (site, sha256) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        &[&site, &sha256],
    )
    .await?;
    Ok(())
}

/// Opens blob `sha256` for `site` from byte `from`. The bytes are read by a task that checks a
/// connection out of the pool for each stored chunk only (at most `downloads_for(pool)` at once)
/// and hands the chunk to the response: a reader that stops reading holds a few chunks of memory,
/// never a database connection.
pub async fn read(
    store: &PgStore,
    site: &str,
    sha256: &str,
    from: u64,
) -> Result<Option<BlobDownload>> {
    let size = {
        let client = store.client().await?;
        linked_size(&client, site, sha256).await?
    };
    let Some(size) = size else {
        return Ok(None);
    };
    let (sender, chunks) = mpsc::channel(2);
    let sha = sha256.to_string();
    let from_db = db_size(from)?;
    let store = store.clone();
    tokio::spawn(async move {
        let result = stream_chunks(&store, &sha, from_db, &sender).await;
        if let Err(e) = result {
            let _ = sender.send(Err(e)).await;
        }
    });
    Ok(Some(BlobDownload { size, chunks }))
}

/// The stored chunk holding byte `at` of blob `sha256` (position and bytes), read on a short
/// checkout under the store's download turns.
async fn chunk_at(store: &PgStore, sha256: &str, at: i64) -> Result<Option<(i64, Vec<u8>)>> {
    let _turn = store
        .downloads
        .acquire()
        .await
        .map_err(|e| HubError::Pool(e.to_string()))?;
    let client = store.client().await?;
    let stmt = client
        .prepare_cached(
            "SELECT pos, data FROM blob_chunks WHERE sha256 = $1 AND pos + len > $2
             ORDER BY pos LIMIT 1",
        )
        .await?;
    Ok(client
        .query_opt(&stmt, &[&sha256, &at])
        .await?
        .map(|row| (row.get(0), row.get(1))))
}

/// Sends the blob's bytes from `from` on, one stored chunk per query (so memory stays at a few
/// chunks however large the blob), until the reader goes away.
async fn stream_chunks(
    store: &PgStore,
    sha256: &str,
    from: i64,
    sender: &mpsc::Sender<Result<Bytes>>,
) -> Result<()> {
    let mut at = from;
    while let Some((pos, data)) = chunk_at(store, sha256, at).await? {
        let skip = usize::try_from(at.saturating_sub(pos))
            .unwrap_or(0)
            .min(data.len());
        at = pos + db_size(data.len() as u64)?;
        let mut data = Bytes::from(data);
        if sender.send(Ok(data.split_off(skip))).await.is_err() {
            break;
        }
    }
    Ok(())
}
