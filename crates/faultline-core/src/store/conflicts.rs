//! Conflicts a person settles: the list with both values, and the choice, which is a local
//! change like any other (one transaction with its outbox entry, pushed to the hub).

use super::outbox::append;
use super::rows::{from_ms, DbUuid};
use super::Store;
use crate::domain::{ConflictChoice, SyncConflict};
use crate::error::{CoreError, Result};
use faultline_protocol::Mutation;
use rusqlite::{params, OptionalExtension};
use uuid::Uuid;

/// Work-order fields a conflict can be about, with their column; times are stored as ms.
const TEXT_FIELDS: &[&str] = &[
    "status",
    "failure_class",
    "problem_code",
    "cause_code",
    "remedy_code",
    "iso_failure_mode",
    "iso_failure_mechanism",
    "iso_failure_cause",
    "remedy_text",
];
const TIME_FIELDS: &[&str] = &["finished_at", "downtime_start", "downtime_end"];

/// A JSON value as a person reads it: text without quotes, nothing as "(empty)".
fn display(json: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(json) {
        Ok(serde_json::Value::Null) => "(empty)".into(),
        Ok(serde_json::Value::String(s)) => s,
        Ok(v) => v.to_string(),
        Err(_) => json.to_string(),
    }
}

impl Store {
    /// Conflicts, unresolved first then newest first.
    pub fn conflicts(&self, only_open: bool) -> Result<Vec<SyncConflict>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.id, c.work_order_id, w.number, a.tag, c.field, c.server_value,
                    c.client_value, c.server_changed_by, c.resolution, c.created_at
             FROM sync_conflicts c
             LEFT JOIN work_orders w ON w.id = c.work_order_id
             LEFT JOIN assets a ON a.rid = w.asset_rid
             WHERE (?1 = 0 OR c.resolution IS NULL)
             ORDER BY c.resolution IS NOT NULL, c.created_at DESC",
        )?;
        let rows = stmt.query_map(params![i64::from(only_open)], |r| {
            Ok(SyncConflict {
                id: r.get::<_, DbUuid>(0)?.0,
                work_order_id: r.get::<_, DbUuid>(1)?.0,
                work_order_number: r.get(2)?,
                asset_tag: r.get(3)?,
                field: r.get(4)?,
                server_value: display(&r.get::<_, String>(5)?),
                client_value: display(&r.get::<_, String>(6)?),
                server_changed_by: r.get(7)?,
                resolution: r.get(8)?,
                created_at: from_ms(r.get(9)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Settles a conflict with one of its two values: the work order takes it here at once, and
    /// the choice goes to the hub with the next sync.
    pub fn resolve_conflict(&mut self, conflict_id: Uuid, choice: ConflictChoice) -> Result<()> {
        let now = self.clock().now();
        let row: Option<(String, String, String, String, Option<String>)> = self
            .conn()
            .query_row(
                "SELECT work_order_id, field, server_value, client_value, resolution
                 FROM sync_conflicts WHERE id = ?1",
                params![conflict_id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        let Some((wo, field, server, client, resolution)) = row else {
            return Err(CoreError::NotFound(format!(
                "no conflict with id {conflict_id}: list them with `faultline conflicts`"
            )));
        };
        if resolution.is_some() {
            return Err(CoreError::InvalidState(
                "this conflict is already settled".into(),
            ));
        }
        let chosen = match choice {
            ConflictChoice::Server => server,
            ConflictChoice::Client => client,
        };
        let value: serde_json::Value = serde_json::from_str(&chosen)
            .map_err(|e| CoreError::InvalidState(format!("the stored value is unreadable: {e}")))?;
        let work_order_id = Uuid::parse_str(&wo)
            .map_err(|e| CoreError::InvalidState(format!("the stored work order id: {e}")))?;
        let (rid, version) = self
            .conn()
            .query_row(
                "SELECT rid, version FROM work_orders WHERE id = ?1",
                params![wo],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
            )
            .optional()?
            .ok_or_else(|| CoreError::NotFound(format!("no work order with id {wo}")))?;
        let column_value: Option<rusqlite::types::Value> = if TEXT_FIELDS.contains(&field.as_str())
        {
            Some(match &value {
                serde_json::Value::String(s) => s.clone().into(),
                _ => rusqlite::types::Value::Null,
            })
        } else if TIME_FIELDS.contains(&field.as_str()) {
            Some(match &value {
                serde_json::Value::String(s) => chrono::DateTime::parse_from_rfc3339(s)
                    .map(|t| rusqlite::types::Value::Integer(t.timestamp_millis()))
                    .unwrap_or(rusqlite::types::Value::Null),
                _ => rusqlite::types::Value::Null,
            })
        } else {
            None
        };
        let mutation_id = self.ids().new_id();
        let choice_text = match choice {
            ConflictChoice::Server => "server",
            ConflictChoice::Client => "client",
        };
        let tx = self.conn_mut().transaction()?;
        if let Some(v) = column_value {
            // `field` is one of the fixed names above, never user text.
            tx.execute(
                &format!("UPDATE work_orders SET {field} = ?1 WHERE rid = ?2"),
                params![v, rid],
            )?;
        }
        tx.execute(
            "UPDATE sync_conflicts SET resolution = ?1 WHERE id = ?2",
            params![choice_text, conflict_id.to_string()],
        )?;
        let m = Mutation::ResolveConflict {
            conflict_id,
            work_order_id,
            field,
            value,
        };
        append(&tx, mutation_id, work_order_id, version, now, &m)?;
        tx.commit()?;
        Ok(())
    }
}
