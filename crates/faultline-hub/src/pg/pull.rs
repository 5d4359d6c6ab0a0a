//! Pull: a site's change feed after a cursor, without locks.
//!
//! Every feed row carries the id of the transaction that last wrote it (`change_xid`) and a
//! sequence number (`change_seq`). Rows are returned in (change_xid, change_seq) order, but only
//! those written by transactions below a horizon: the oldest transaction of this database still
//! running when the pull's snapshot was taken (see [`crate::horizon::HORIZON_SQL`]). Every transaction below it
//! has finished, and every transaction that starts later gets a larger id, so no row can ever
//! appear behind a cursor the hub has handed out. A long transaction holds the horizon back
//! (its later neighbours wait for the next pull); it never lets a pull skip a row.
//!
//! One page is two queries in one REPEATABLE READ snapshot: the keys of the next `limit` changes
//! across all feed tables (index-only scans of each table's (site, change_xid, change_seq)
//! index, merged by UNION ALL), then the full rows of each table up to its last key in the page.

use super::pull_rows::FEEDS;
use super::PgStore;
use crate::cursor::Cursor;
use crate::error::{HubError, Result};
use crate::horizon::HORIZON_SQL;
use crate::store::ChangePage;
use faultline_protocol::Change;
use std::sync::LazyLock;
use tokio_postgres::IsolationLevel;

/// Pages taken again when the barrier had already finished (see [`changes`]).
const STALE_BARRIER_RETRIES: usize = 2;

/// The next keys of every feed table, merged: (table index, xid text, seq).
static KEYS_SQL: LazyLock<String> = LazyLock::new(|| {
    let branches: Vec<String> = FEEDS
        .iter()
        .enumerate()
        .map(|(i, f)| {
            format!(
                "(SELECT {i}::int2 AS t, change_xid AS x, change_seq AS s FROM {table}
                  WHERE site = $1 AND (change_xid, change_seq) > ($2::text::xid8, $3)
                    AND change_xid < $4::text::xid8
                  ORDER BY change_xid, change_seq LIMIT $5)",
                table = f.table
            )
        })
        .collect();
    format!(
        // `k.x`, not `x`: a bare `x` would name the text output column and sort xids as
        // strings ("10" before "9"); the xid8 order lets the plan merge the branches' index order.
        "SELECT t, x::text, s FROM ({}) k ORDER BY k.x, k.s LIMIT $5",
        branches.join(" UNION ALL ")
    )
});

/// The rows of one table between two keys (the cursor, exclusive, and the page's last key).
fn rows_sql(table: &str, columns: &str) -> String {
    format!(
        "SELECT change_xid::text, change_seq, {columns} FROM {table}
         WHERE site = $1 AND (change_xid, change_seq) > ($2::text::xid8, $3)
           AND (change_xid, change_seq) <= ($4::text::xid8, $5)
         ORDER BY change_xid, change_seq"
    )
}

static ROWS_SQL: LazyLock<Vec<String>> =
    LazyLock::new(|| FEEDS.iter().map(|f| rows_sql(f.table, f.columns)).collect());

fn xid(text: &str) -> Result<u64> {
    text.parse()
        .map_err(|_| HubError::Internal(format!("unexpected transaction id {text:?}")))
}

pub async fn changes(
    store: &PgStore,
    site: &str,
    cursor: Cursor,
    limit: u32,
) -> Result<ChangePage> {
    let mut attempt = 0;
    loop {
        match page(store, site, cursor, limit, attempt < STALE_BARRIER_RETRIES).await? {
            Some(page) => return Ok(page),
            None => attempt += 1,
        }
    }
}

/// One page in one snapshot; `None` when `retry_stale` and the snapshot's barrier had already
/// finished (a new snapshot gives a fuller page).
async fn page(
    store: &PgStore,
    site: &str,
    cursor: Cursor,
    limit: u32,
    retry_stale: bool,
) -> Result<Option<ChangePage>> {
    let limit = limit.max(1);
    let mut client = store.client().await?;
    let tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await?;
    // First, so that the snapshot it describes is the transaction's.
    let row = tx.query_one(HORIZON_SQL, &[]).await?;
    let (horizon, stale): (String, bool) = (row.get(0), row.get(1));
    if stale && retry_stale {
        return Ok(None);
    }
    if cursor != Cursor::START {
        let purged = tx
            .query_opt(
                "SELECT purged_xid::text, purged_seq FROM site_history WHERE site = $1",
                &[&site],
            )
            .await?;
        if let Some(p) = purged {
            let purged = Cursor {
                xid: xid(p.get(0))?,
                seq: p.get(1),
            };
            if cursor < purged {
                return Err(HubError::CursorExpired);
            }
        }
    }
    let cursor_xid = cursor.xid.to_string();
    let keys_stmt = tx.prepare_cached(&KEYS_SQL).await?;
    let keys = tx
        .query(
            &keys_stmt,
            &[
                &site,
                &cursor_xid,
                &cursor.seq,
                &horizon,
                &(i64::from(limit) + 1),
            ],
        )
        .await?;
    let has_more = keys.len() > limit as usize;
    // The last key of each table within the page.
    let mut last: [Option<Cursor>; FEEDS.len()] = [None; FEEDS.len()];
    let mut next = cursor;
    for k in keys.iter().take(limit as usize) {
        let t: i16 = k.get(0);
        let key = Cursor {
            xid: xid(k.get(1))?,
            seq: k.get(2),
        };
        if let Some(slot) = usize::try_from(t).ok().and_then(|t| last.get_mut(t)) {
            *slot = Some(key);
        }
        next = key;
    }
    let mut changes: Vec<(Cursor, Change)> = Vec::with_capacity(keys.len().min(limit as usize));
    for (i, upto) in last.iter().enumerate() {
        let Some(upto) = upto else { continue };
        let stmt = tx.prepare_cached(&ROWS_SQL[i]).await?;
        let upto_xid = upto.xid.to_string();
        let rows = tx
            .query(
                &stmt,
                &[&site, &cursor_xid, &cursor.seq, &upto_xid, &upto.seq],
            )
            .await?;
        for r in &rows {
            let key = Cursor {
                xid: xid(r.get(0))?,
                seq: r.get(1),
            };
            changes.push((key, (FEEDS[i].to_change)(r)?));
        }
    }
    tx.commit().await?;
    changes.sort_unstable_by_key(|(k, _)| *k);
    Ok(Some(ChangePage {
        changes: changes.into_iter().map(|(_, c)| c).collect(),
        next,
        has_more,
    }))
}
