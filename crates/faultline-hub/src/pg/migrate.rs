//! Schema migrations: SQL files embedded in the binary, applied in order inside one
//! transaction under an advisory lock, so several hub processes may start at once.

use crate::error::{HubError, Result};

/// (version, name, SQL). Only ever appended to; a file, once released, is never edited.
pub const MIGRATIONS: &[(i32, &str, &str)] = &[
    (1, "init", include_str!("../../migrations/0001_init.sql")),
    (
        2,
        "procedures",
        include_str!("../../migrations/0002_procedures.sql"),
    ),
    (
        3,
        "upload_quota",
        include_str!("../../migrations/0003_upload_quota.sql"),
    ),
    (
        4,
        "push_audit",
        include_str!("../../migrations/0004_push_audit.sql"),
    ),
    (
        5,
        "corrections_intervals_handover",
        include_str!("../../migrations/0005_corrections_intervals_handover.sql"),
    ),
    (
        6,
        "diagnosis_sessions",
        include_str!("../../migrations/0006_diagnosis_sessions.sql"),
    ),
    (
        7,
        "cmms_outbox",
        include_str!("../../migrations/0007_cmms_outbox.sql"),
    ),
    (
        8,
        "cmms_feedback",
        include_str!("../../migrations/0008_cmms_feedback.sql"),
    ),
    (
        9,
        "cmms_inbound",
        include_str!("../../migrations/0009_cmms_inbound.sql"),
    ),
    (
        10,
        "cmms_outbox_order",
        include_str!("../../migrations/0010_cmms_outbox_order.sql"),
    ),
    (
        11,
        "cmms_failure_codes",
        include_str!("../../migrations/0011_cmms_failure_codes.sql"),
    ),
    (
        12,
        "cmms_reconcile",
        include_str!("../../migrations/0012_cmms_reconcile.sql"),
    ),
    (
        13,
        "cmms_diagnosis",
        include_str!("../../migrations/0013_cmms_diagnosis.sql"),
    ),
    (
        14,
        "cmms_reconcile_rows",
        include_str!("../../migrations/0014_cmms_reconcile_rows.sql"),
    ),
];

/// Lock key of the migration advisory lock ("FLTHUB" in ASCII).
const LOCK_KEY: i64 = 0x464C_5448_5542;

/// Applies every migration the database lacks. Refuses a database whose schema is newer than
/// this build (a newer hub migrated it): it is never modified then.
pub async fn migrate(client: &mut tokio_postgres::Client) -> Result<()> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])
        .await?;
    let exists: bool = tx
        .query_one("SELECT to_regclass('schema_migrations') IS NOT NULL", &[])
        .await?
        .get(0);
    if !exists {
        tx.batch_execute(
            "CREATE TABLE schema_migrations (
                 version integer PRIMARY KEY,
                 name text NOT NULL,
                 applied_at timestamptz NOT NULL DEFAULT now()
             )",
        )
        .await?;
    }
    let applied: Vec<i32> = tx
        .query(
            "SELECT version FROM schema_migrations ORDER BY version",
            &[],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let known = MIGRATIONS.iter().map(|m| m.0).max().unwrap_or(0);
    if let Some(newest) = applied.iter().max().filter(|v| **v > known) {
        return Err(HubError::Schema(format!(
            "the hub database is at schema {newest}, newer than this faultline-hub knows ({known}): \
             run the newer faultline-hub"
        )));
    }
    for (version, name, sql) in MIGRATIONS {
        if applied.contains(version) {
            continue;
        }
        tx.batch_execute(sql).await?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
            &[version, name],
        )
        .await?;
        tracing::info!(version, name, "migration applied");
    }
    tx.commit().await?;
    Ok(())
}
