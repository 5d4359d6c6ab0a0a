//! Schema migrations: embedded SQL files applied in order and recorded in `schema_migrations`.
//! Migrations are only ever added; an applied one is never edited.

use crate::error::{CoreError, Result};
use rusqlite::{params, Connection};

/// (version, name, SQL). Append new migrations at the end.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../../migrations/0001_init.sql")),
    (
        2,
        "asset_search_triggers",
        include_str!("../../migrations/0002_asset_search_triggers.sql"),
    ),
    (
        3,
        "manuals",
        include_str!("../../migrations/0003_manuals.sql"),
    ),
    (4, "sync", include_str!("../../migrations/0004_sync.sql")),
    (
        5,
        "resync",
        include_str!("../../migrations/0005_resync.sql"),
    ),
    (
        6,
        "procedures",
        include_str!("../../migrations/0006_procedures.sql"),
    ),
    (
        7,
        "change_kinds",
        include_str!("../../migrations/0007_change_kinds.sql"),
    ),
    (
        8,
        "part_units",
        include_str!("../../migrations/0008_part_units.sql"),
    ),
    (
        9,
        "corrections_intervals_handover",
        include_str!("../../migrations/0009_corrections_intervals_handover.sql"),
    ),
    (
        10,
        "settings",
        include_str!("../../migrations/0010_settings.sql"),
    ),
    (
        11,
        "production_counts",
        include_str!("../../migrations/0011_production_counts.sql"),
    ),
    (
        12,
        "guides_diagnosis_sessions",
        include_str!("../../migrations/0012_guides_diagnosis_sessions.sql"),
    ),
    (
        13,
        "analytics_indexes",
        include_str!("../../migrations/0013_analytics_indexes.sql"),
    ),
    (
        14,
        "diagnosis_records_by_id",
        include_str!("../../migrations/0014_diagnosis_records_by_id.sql"),
    ),
    (
        15,
        "risk_replacements_index",
        include_str!("../../migrations/0015_risk_replacements_index.sql"),
    ),
    (
        16,
        "risk_covering_indexes",
        include_str!("../../migrations/0016_risk_covering_indexes.sql"),
    ),
    (
        17,
        "diagnosis_time_index",
        include_str!("../../migrations/0017_diagnosis_time_index.sql"),
    ),
    (
        18,
        "diagnosis_totals",
        include_str!("../../migrations/0018_diagnosis_totals.sql"),
    ),
    (
        19,
        "diagnosis_postings",
        include_str!("../../migrations/0019_diagnosis_postings.sql"),
    ),
    (
        20,
        "diagnosis_blocks",
        include_str!("../../migrations/0020_diagnosis_blocks.sql"),
    ),
    (
        21,
        "diagnosis_bulk_guard",
        include_str!("../../migrations/0021_diagnosis_bulk_guard.sql"),
    ),
    (
        22,
        "assets_model_index",
        include_str!("../../migrations/0022_assets_model_index.sql"),
    ),
];

/// The newest schema version this build knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map(|m| m.0).unwrap_or(0)
}

/// Applies every migration not yet applied, each in its own transaction with its record.
pub fn migrate(conn: &mut Connection, applied_at_ms: i64) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at INTEGER NOT NULL
        )",
    )?;
    let current: i64 = conn.query_row(
        "SELECT coalesce(max(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?;
    if current > latest_version() {
        return Err(CoreError::SchemaTooNew {
            found: current,
            known: latest_version(),
        });
    }
    for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            params![version, name, applied_at_ms],
        )?;
        tx.commit()?;
        tracing::info!(version, name, "applied migration");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_twice_applies_each_migration_once() -> Result<()> {
        let mut conn = Connection::open_in_memory()?;
        migrate(&mut conn, 1)?;
        migrate(&mut conn, 2)?;
        let n: i64 = conn.query_row("SELECT count(*) FROM schema_migrations", [], |r| r.get(0))?;
        assert_eq!(n, latest_version());
        Ok(())
    }

    #[test]
    fn versions_are_strictly_increasing() {
        assert!(MIGRATIONS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn a_database_from_a_newer_build_is_refused() -> Result<()> {
        let mut conn = Connection::open_in_memory()?;
        migrate(&mut conn, 1)?;
        conn.execute(
            "INSERT INTO schema_migrations VALUES (999, 'future', 0)",
            [],
        )?;
        let err = migrate(&mut conn, 1).err();
        assert!(matches!(
            err,
            Some(CoreError::SchemaTooNew { found: 999, .. })
        ));
        Ok(())
    }
}
