//! Deletions and history retention: `purge` removes a work order or a job plan (devices get
//! tombstones),
//! `compact` drops old tombstones and raises the site's purge mark (and expires unfinished
//! blob uploads); a pull cursor below the
//! mark may have missed a deletion and is answered 410 cursor_expired (the device resyncs).

use crate::cursor::Cursor;
use crate::error::{HubError, Result};
use crate::pg::PgStore;
use serde::Serialize;
use uuid::Uuid;

/// Deletes work order `id` of `site` with its notes, parts, photos and conflicts, leaving a
/// tombstone for each deleted record. Returns the number of tombstones written.
pub async fn purge_work_order(store: &PgStore, site: &str, id: Uuid) -> Result<u64> {
    let mut client = store.client().await?;
    let tx = client.transaction().await?;
    let exists = tx
        .query_opt(
            "SELECT 1 FROM work_orders WHERE site = $1 AND id = $2 FOR UPDATE",
            &[&site, &id],
        )
        .await?;
    if exists.is_none() {
        return Err(HubError::NotFound(format!(
            "there is no work order {id} on site {site}"
        )));
    }
    tx.execute(
        "DELETE FROM conflicts WHERE site = $1 AND work_order_id = $2",
        &[&site, &id],
    )
    .await?;
    let mut tombstones = 0;
    for (table, entity) in [("notes", "note"), ("parts", "part"), ("photos", "photo")] {
        tombstones += tx
            .execute(
                &format!(
                    "WITH d AS (DELETE FROM {table} WHERE site = $1 AND work_order_id = $2 RETURNING id)
                     INSERT INTO tombstones (site, entity, key) SELECT $1, '{entity}', id::text FROM d
                     ON CONFLICT (site, entity, key) DO UPDATE SET deleted_at = now()"
                ),
                &[&site, &id],
            )
            .await?;
    }
    tx.execute(
        "DELETE FROM work_orders WHERE site = $1 AND id = $2",
        &[&site, &id],
    )
    .await?;
    tombstones += tx
        .execute(
            "INSERT INTO tombstones (site, entity, key) VALUES ($1, 'work_order', $2)
             ON CONFLICT (site, entity, key) DO UPDATE SET deleted_at = now()",
            &[&site, &id.to_string()],
        )
        .await?;
    tx.commit().await?;
    Ok(tombstones)
}

/// Withdraws job plan `code` from `site` (laptops remove it at their next sync).
pub async fn purge_procedure(store: &PgStore, site: &str, code: &str) -> Result<()> {
    withdraw(store, site, ("procedures", "code", "procedure"), code).await
}

/// Deletes the row of `table` whose `key_column` is `key` on `site` and leaves a tombstone of
/// `entity` for it, in one transaction (`NotFound` when there is no such row).
pub(super) async fn withdraw(
    store: &PgStore,
    site: &str,
    (table, key_column, entity): (&str, &str, &str),
    key: &str,
) -> Result<()> {
    let mut client = store.client().await?;
    let tx = client.transaction().await?;
    let deleted = tx
        .execute(
            &format!("DELETE FROM {table} WHERE site = $1 AND {key_column} = $2"),
            &[&site, &key],
        )
        .await?;
    if deleted == 0 {
        return Err(HubError::NotFound(format!(
            "there is no {entity} {key:?} on site {site}"
        )));
    }
    tx.execute(
        "INSERT INTO tombstones (site, entity, key) VALUES ($1, $2, $3)
         ON CONFLICT (site, entity, key) DO UPDATE SET deleted_at = now()",
        &[&site, &entity, &key],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct CompactReport {
    pub tombstones_deleted: u64,
    /// Unfinished blob uploads (of every site) past their expiry, deleted.
    pub uploads_expired: u64,
    /// Pull cursors below this mark are now answered 410 cursor_expired.
    pub purged_through: String,
}

/// Deletes the tombstones of `site` older than `older_than_days` and raises its purge mark, and
/// the unfinished blob uploads (of every site) untouched for the default upload expiry.
pub async fn compact(store: &PgStore, site: &str, older_than_days: u32) -> Result<CompactReport> {
    super::sites::site_name(store, site).await?;
    let uploads_expired =
        crate::pg::expire_uploads(store, crate::limits::Limits::default().upload_expiry).await?;
    let days = i32::try_from(older_than_days).unwrap_or(i32::MAX);
    let mut client = store.client().await?;
    let tx = client.transaction().await?;
    tx.execute(
        "INSERT INTO site_history (site) VALUES ($1) ON CONFLICT DO NOTHING",
        &[&site],
    )
    .await?;
    let mark_row = tx
        .query_one(
            "SELECT purged_xid::text, purged_seq FROM site_history WHERE site = $1 FOR UPDATE",
            &[&site],
        )
        .await?;
    let parse = |s: &str| {
        s.parse::<u64>()
            .map_err(|_| HubError::Invalid(format!("unexpected transaction id {s:?}")))
    };
    let mut mark = Cursor {
        xid: parse(mark_row.get(0))?,
        seq: mark_row.get(1),
    };
    let row = tx
        .query_one(
            "WITH d AS (DELETE FROM tombstones
                        WHERE site = $1 AND deleted_at < now() - make_interval(days => $2)
                        RETURNING change_xid, change_seq)
             SELECT (SELECT count(*) FROM d),
                    (SELECT change_xid::text FROM d ORDER BY change_xid DESC, change_seq DESC LIMIT 1),
                    (SELECT change_seq FROM d ORDER BY change_xid DESC, change_seq DESC LIMIT 1)",
            &[&site, &days],
        )
        .await?;
    let deleted = u64::try_from(row.get::<_, i64>(0)).unwrap_or(0);
    if let (Some(x), Some(seq)) = (row.get::<_, Option<&str>>(1), row.get::<_, Option<i64>>(2)) {
        let newest = Cursor {
            xid: parse(x)?,
            seq,
        };
        if newest > mark {
            mark = newest;
            tx.execute(
                "UPDATE site_history SET purged_xid = $2::text::xid8, purged_seq = $3,
                     compacted_at = now() WHERE site = $1",
                &[&site, &mark.xid.to_string(), &mark.seq],
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(CompactReport {
        tombstones_deleted: deleted,
        uploads_expired,
        purged_through: mark.encode(),
    })
}
