//! The PostgreSQL side of a load: rows arrive in batches, go into a temporary staging table by
//! binary COPY, and one `INSERT … ON CONFLICT DO UPDATE … WHERE changed` per kind merges them,
//! all in one transaction that commits only when the importer said it finished.
//!
//! A work order changed by a load gets its version bumped and, for each device-editable field
//! that changed, a `field_versions` entry without a device: a laptop's later edit made on the
//! older version then conflicts instead of silently overwriting the CMMS's value.

use super::load::LoadReport;
use super::load_rows::{
    AssetRow, CodeRow, ProcedureRow, Staged, WoRow, ASSET_COLS, PROCEDURE_COLS, WO_COLS,
};
use crate::error::{HubError, Result};
use crate::fields::Field;
use crate::pg::PgStore;
use futures_util::pin_mut;
use tokio::sync::mpsc;
use tokio_postgres::binary_copy::BinaryCopyInWriter;

/// What the importer thread sends.
pub enum Msg<R> {
    Rows(Vec<R>),
    /// The importer finished; `rows` is the number of data rows in the file.
    Done {
        rows: u64,
    },
    Failed(HubError),
}

/// Every asset of `site`: what the importer looks tags up in, and what a load updates.
pub async fn site_assets(store: &PgStore, site: &str) -> Result<Vec<AssetRow>> {
    let client = store.client().await?;
    let rows = client
        .query(
            &format!("SELECT {ASSET_COLS} FROM assets WHERE site = $1"),
            &[&site],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(AssetRow {
                id: r.try_get(0)?,
                external_key: r.try_get(1)?,
                tag: r.try_get(2)?,
                name: r.try_get(3)?,
                location_code: r.try_get(4)?,
                location_name: r.try_get(5)?,
                parent_id: r.try_get(6)?,
                manufacturer: r.try_get(7)?,
                model: r.try_get(8)?,
                equipment_class: r.try_get(9)?,
                criticality: r.try_get(10)?,
                serial_number: r.try_get(11)?,
                description: r.try_get(12)?,
            })
        })
        .collect()
}

/// Creates `stage` (dropped at commit), fills it from `rx` by binary COPY, and returns the
/// file's row count once the importer reports `Done`.
async fn stage<R: Staged>(
    tx: &deadpool_postgres::Transaction<'_>,
    stage: &str,
    like: &str,
    columns: &str,
    rx: &mut mpsc::Receiver<Msg<R>>,
) -> Result<u64> {
    tx.batch_execute(&format!(
        "CREATE TEMP TABLE {stage} ON COMMIT DROP AS SELECT {columns} FROM {like} WITH NO DATA"
    ))
    .await?;
    let sink = tx
        .copy_in(&format!("COPY {stage} ({columns}) FROM STDIN BINARY"))
        .await?;
    let writer = BinaryCopyInWriter::new(sink, R::TYPES);
    pin_mut!(writer);
    let rows = loop {
        match rx.recv().await {
            Some(Msg::Rows(batch)) => {
                for row in &batch {
                    writer.as_mut().write(&row.values()).await?;
                }
            }
            Some(Msg::Done { rows }) => break rows,
            Some(Msg::Failed(e)) => return Err(e),
            None => {
                return Err(HubError::Import(
                    "the import stopped before it finished; nothing was loaded".into(),
                ))
            }
        }
    };
    writer.finish().await?;
    Ok(rows)
}

/// Runs an upsert that returns one boolean per written row (true = inserted) and makes the report.
async fn merge(
    tx: &deadpool_postgres::Transaction<'_>,
    kind: &str,
    upsert: &str,
    site: &str,
    rows: u64,
) -> Result<LoadReport> {
    let row = tx
        .query_one(
            &format!(
                "WITH up AS ({upsert} RETURNING (xmax = 0) AS inserted)
                 SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up"
            ),
            &[&site],
        )
        .await?;
    let inserted = u64::try_from(row.get::<_, i64>(0)).unwrap_or(0);
    let updated = u64::try_from(row.get::<_, i64>(1)).unwrap_or(0);
    Ok(LoadReport {
        kind: kind.to_string(),
        rows,
        inserted,
        updated,
        unchanged: rows.saturating_sub(inserted + updated),
    })
}

fn excluded_list(cols: &str) -> String {
    cols.split(',')
        .map(|c| format!("excluded.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn target_list(cols: &str, alias: &str) -> String {
    cols.split(',')
        .map(|c| format!("{alias}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn set_list(cols: &str) -> String {
    cols.split(',')
        .map(|c| format!("{0} = excluded.{0}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Rows a load must write before the table is vacuumed: a page of the inbound CMMS fetch (a
/// few rows, every few seconds) leaves a large table's statistics alone.
const VACUUM_AFTER: u64 = 1_000;

async fn vacuum(store: &PgStore, table: &str) {
    // Keeps the pull's key scans index-only; failure only costs speed.
    if let Ok(client) = store.client().await {
        if let Err(e) = client
            .batch_execute(&format!("VACUUM (ANALYZE) {table}"))
            .await
        {
            tracing::warn!("VACUUM {table}: {e}");
        }
    }
}

/// How one table's loaded rows are merged: `cols` starts with the `keys` key columns (never
/// updated), `conflict` is the ON CONFLICT target, `extra_set` more `, col = …` assignments made
/// whenever a row changes, `keep` the columns a row that exists keeps as it is.
struct MergeSpec<'a> {
    table: &'a str,
    cols: &'a str,
    keys: usize,
    conflict: &'a str,
    extra_set: &'a str,
    keep: &'a [&'a str],
}

/// Stages the rows from `rx` and upserts them on the key, rewriting a row only where one of its
/// columns differs (so an unchanged row never re-enters the change feed).
async fn merge_by_key<R: Staged>(
    store: &PgStore,
    site: &str,
    rx: &mut mpsc::Receiver<Msg<R>>,
    spec: MergeSpec<'_>,
) -> Result<LoadReport> {
    let MergeSpec {
        table,
        cols,
        keys,
        conflict,
        extra_set,
        keep,
    } = spec;
    let mut client = store.client().await?;
    let tx = client.transaction().await?;
    let stage_table = format!("{table}_stage");
    let rows = stage(&tx, &stage_table, table, cols, rx).await?;
    let all_cols: Vec<&str> = cols.split(',').map(str::trim).collect();
    let updated = all_cols
        .get(keys..)
        .unwrap_or_default()
        .iter()
        .filter(|c| !keep.contains(c))
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    let upsert = format!(
        "INSERT INTO {table} AS w (site, {cols}) SELECT $1, {cols} FROM {stage_table}
         ON CONFLICT {conflict} DO UPDATE SET {}{extra_set}
         WHERE ({}) IS DISTINCT FROM ({})",
        set_list(&updated),
        target_list(&updated, "w"),
        excluded_list(&updated),
    );
    let report = merge(&tx, table, &upsert, site, rows).await?;
    tx.commit().await?;
    drop(client);
    if report.inserted + report.updated >= VACUUM_AFTER {
        vacuum(store, table).await;
    }
    Ok(report)
}

pub async fn merge_assets(
    store: &PgStore,
    site: &str,
    mut rx: mpsc::Receiver<Msg<AssetRow>>,
    keep: &[&str],
) -> Result<LoadReport> {
    merge_by_key(
        store,
        site,
        &mut rx,
        MergeSpec {
            table: "assets",
            cols: ASSET_COLS,
            keys: 2,
            conflict: "(site, external_key)",
            extra_set: ", version = w.version + 1",
            keep,
        },
    )
    .await
}

pub async fn merge_work_orders(
    store: &PgStore,
    site: &str,
    mut rx: mpsc::Receiver<Msg<WoRow>>,
    keep: &[&str],
) -> Result<LoadReport> {
    let field_entries = Field::ALL
        .iter()
        .filter(|f| !keep.contains(&f.name()))
        .map(|f| {
            format!(
                "'{0}', CASE WHEN w.{0} IS DISTINCT FROM excluded.{0}
                        THEN jsonb_build_object('version', w.version + 1) END",
                f.name()
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let extra = format!(
        ", version = w.version + 1, \
         field_versions = w.field_versions || jsonb_strip_nulls(jsonb_build_object({field_entries}))"
    );
    merge_by_key(
        store,
        site,
        &mut rx,
        MergeSpec {
            table: "work_orders",
            cols: WO_COLS,
            keys: 2,
            conflict: "(site, external_key) WHERE external_key IS NOT NULL",
            extra_set: &extra,
            keep,
        },
    )
    .await
}

pub async fn merge_codes(
    store: &PgStore,
    site: &str,
    mut rx: mpsc::Receiver<Msg<CodeRow>>,
    _keep: &[&str],
) -> Result<LoadReport> {
    let mut client = store.client().await?;
    let tx = client.transaction().await?;
    let cols = "level, parent, code, description";
    let rows = stage(&tx, "failure_codes_stage", "failure_codes", cols, &mut rx).await?;
    let upsert = format!(
        "INSERT INTO failure_codes AS w (site, {cols}) SELECT $1, {cols} FROM failure_codes_stage
         ON CONFLICT (site, level, parent, code) DO UPDATE SET description = excluded.description
         WHERE w.description IS DISTINCT FROM excluded.description"
    );
    let report = merge(&tx, "failure_codes", &upsert, site, rows).await?;
    tx.commit().await?;
    Ok(report)
}

/// Procedures are replaced whole: a plan whose title, scope, problem code or any step differs is
/// rewritten (and so enters the change feed again, whole); an identical one is left untouched.
/// Plans not in the file are kept.
pub async fn merge_procedures(
    store: &PgStore,
    site: &str,
    mut rx: mpsc::Receiver<Msg<ProcedureRow>>,
    keep: &[&str],
) -> Result<LoadReport> {
    merge_by_key(
        store,
        site,
        &mut rx,
        MergeSpec {
            table: "procedures",
            cols: PROCEDURE_COLS,
            keys: 1,
            conflict: "(site, code)",
            extra_set: "",
            keep,
        },
    )
    .await
}
