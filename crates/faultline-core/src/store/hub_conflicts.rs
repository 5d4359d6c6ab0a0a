//! A conflict the hub reported, stored in `sync_conflicts` for a person to settle: it reaches
//! the laptop as a push answer (`sync_push.rs`) or as a pulled record (`sync_pull.rs`), and both
//! write it here.

use crate::error::Result;
use rusqlite::{params, Transaction};

/// Stores a conflict the hub reported (pushed answer or pulled record); a known one keeps its
/// local resolution unless the hub has one.
pub(super) fn insert_conflict(
    tx: &Transaction<'_>,
    c: &faultline_protocol::push::ConflictInfo,
    now: i64,
) -> Result<()> {
    let resolution = c
        .resolution
        .as_ref()
        .map(|_| "resolved on the hub".to_string());
    tx.prepare_cached(
        "INSERT INTO sync_conflicts (id, work_order_id, field, server_value, client_value,
             server_version, server_changed_by, resolution, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT(id) DO UPDATE SET resolution = coalesce(excluded.resolution, resolution)",
    )?
    .execute(params![
        c.conflict_id.to_string(),
        c.work_order_id.to_string(),
        c.field,
        c.server_value.to_string(),
        c.client_value.to_string(),
        c.server_version,
        c.server_changed_by,
        resolution,
        now
    ])?;
    Ok(())
}
