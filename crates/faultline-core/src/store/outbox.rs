//! The outbox: every local change, queued for sync in the same transaction as the change.
//! Invariant: a row of `notes`, `work_orders`, `parts_used` or `photos` written by a person on this
//! laptop is never committed without its outbox entry, and vice versa.

use super::rows::{from_ms, DbUuid};
use super::Store;
use crate::error::Result;
use chrono::{DateTime, Utc};
use faultline_protocol::{Mutation, MutationEnvelope};
use rusqlite::{params, Transaction};
use uuid::Uuid;

/// One queued change, as `faultline outbox` shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OutboxEntry {
    pub seq: i64,
    pub state: String,
    pub envelope: MutationEnvelope,
}

/// Appends `mutation` to the outbox inside the caller's transaction.
pub(super) fn append(
    tx: &Transaction<'_>,
    mutation_id: Uuid,
    entity_id: Uuid,
    base_version: i64,
    at: DateTime<Utc>,
    mutation: &Mutation,
) -> Result<i64> {
    let payload = serde_json::to_string(mutation)
        .map_err(|e| crate::error::CoreError::InvalidInput(format!("cannot encode change: {e}")))?;
    tx.prepare_cached(
        "INSERT INTO outbox (mutation_id, kind, entity_id, work_order_id, base_version, payload, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        mutation_id.to_string(),
        mutation.kind(),
        entity_id.to_string(),
        // A handover note belongs to no work order: its own id stands in.
        mutation.work_order_id().unwrap_or(entity_id).to_string(),
        base_version,
        payload,
        at.timestamp_millis(),
    ])?;
    Ok(tx.last_insert_rowid())
}

impl Store {
    /// Queued changes in device order (oldest first), up to `limit`.
    pub fn outbox(&self, only_pending: bool, limit: usize) -> Result<Vec<OutboxEntry>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT seq, state, mutation_id, base_version, created_at, payload FROM outbox
             WHERE (?1 = 0 OR state = 'pending') ORDER BY seq LIMIT ?2",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![i64::from(only_pending), limit], |r| {
            let payload: String = r.get(5)?;
            let mutation: Mutation = serde_json::from_str(&payload).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Text, e.into())
            })?;
            Ok(OutboxEntry {
                seq: r.get(0)?,
                state: r.get(1)?,
                envelope: MutationEnvelope {
                    mutation_id: r.get::<_, DbUuid>(2)?.0,
                    device_seq: r.get(0)?,
                    base_version: r.get(3)?,
                    created_at: from_ms(r.get(4)?),
                    mutation,
                },
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
