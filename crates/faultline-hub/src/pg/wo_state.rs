//! A work order's editable state, read under a row lock, and the write of edited fields with
//! their `field_versions` entries and a version bump.

use super::Tx as Transaction;
use crate::error::Result;
use crate::fields::{change_entry, Field, FieldValue, FieldValues};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use tokio_postgres::types::ToSql;
use uuid::Uuid;

pub struct WoState {
    pub status: String,
    pub version: i64,
    pub field_versions: Value,
    pub values: FieldValues,
    pub downtime_start: Option<DateTime<Utc>>,
    pub downtime_end: Option<DateTime<Utc>>,
}

/// Locks the work order `id` of `site` for this transaction and reads it; `None` when the site
/// has no such work order. `FOR NO KEY UPDATE`, the lock the UPDATE itself takes, does not wait
/// for the key-share locks that inserting a note or part takes on its work order, so a push
/// that adds a note and then edits the same work order never upgrades a lock (no deadlock).
pub async fn lock(tx: &Transaction<'_>, site: &str, id: Uuid) -> Result<Option<WoState>> {
    let stmt = tx
        .prepare_cached(
            "SELECT status, version, field_versions, failure_class, problem_code, cause_code,
                    remedy_code, iso_failure_mode, iso_failure_mechanism, iso_failure_cause,
                    remedy_text, finished_at, downtime_start, downtime_end
             FROM work_orders WHERE site = $1 AND id = $2 FOR NO KEY UPDATE",
        )
        .await?;
    let Some(r) = tx.query_opt(&stmt, &[&site, &id]).await? else {
        return Ok(None);
    };
    let status: String = r.get(0);
    let text = |i: usize| FieldValue::Text(r.get::<_, Option<String>>(i));
    let values = FieldValues([
        FieldValue::Text(Some(status.clone())),
        text(3),
        text(4),
        text(5),
        text(6),
        text(7),
        text(8),
        text(9),
        text(10),
        FieldValue::Time(r.get(11)),
    ]);
    debug_assert_eq!(Field::ALL[9], Field::FinishedAt);
    Ok(Some(WoState {
        status,
        version: r.get(1),
        field_versions: r.get(2),
        values,
        downtime_start: r.get(12),
        downtime_end: r.get(13),
    }))
}

/// Locks, in id order, the work orders of `site` that this push will edit, so that two pushes
/// editing the same work orders in different orders queue instead of deadlocking.
pub async fn lock_in_order(tx: &Transaction<'_>, site: &str, mut ids: Vec<Uuid>) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    ids.sort_unstable();
    ids.dedup();
    tx.query(
        "SELECT 1 FROM work_orders WHERE site = $1 AND id = ANY($2) ORDER BY id FOR NO KEY UPDATE",
        &[&site, &ids],
    )
    .await?;
    Ok(())
}

/// The version of work order `id` of `site`, without a lock; `None` when there is none.
pub async fn version(tx: &Transaction<'_>, site: &str, id: Uuid) -> Result<Option<i64>> {
    let stmt = tx
        .prepare_cached("SELECT version FROM work_orders WHERE site = $1 AND id = $2")
        .await?;
    Ok(tx.query_opt(&stmt, &[&site, &id]).await?.map(|r| r.get(0)))
}

/// Writes `fields` (names from [`Field`], never from a request) at `new_version`, recording
/// `device` as their last editor.
pub async fn write_fields(
    tx: &Transaction<'_>,
    site: &str,
    id: Uuid,
    device: Uuid,
    new_version: i64,
    fields: &[(Field, FieldValue)],
) -> Result<()> {
    let mut params: Vec<Box<dyn ToSql + Sync + Send>> = vec![
        Box::new(site.to_string()),
        Box::new(id),
        Box::new(new_version),
    ];
    let mut sets = vec!["version = $3".to_string()];
    let mut entries = Map::new();
    for (field, value) in fields {
        match value {
            FieldValue::Text(t) => params.push(Box::new(t.clone())),
            FieldValue::Time(t) => params.push(Box::new(*t)),
        }
        sets.push(format!("{} = ${}", field.name(), params.len()));
        entries.insert(field.name().to_string(), change_entry(new_version, device));
    }
    params.push(Box::new(Value::Object(entries)));
    sets.push(format!(
        "field_versions = field_versions || ${}",
        params.len()
    ));
    let sql = format!(
        "UPDATE work_orders SET {} WHERE site = $1 AND id = $2",
        sets.join(", ")
    );
    let refs: Vec<&(dyn ToSql + Sync)> = params
        .iter()
        .map(|p| p.as_ref() as &(dyn ToSql + Sync))
        .collect();
    tx.execute(sql.as_str(), &refs).await?;
    Ok(())
}
