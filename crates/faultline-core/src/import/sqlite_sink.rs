//! The app's replica as an [`ImportSink`]: each record is written by its stable key inside the
//! import's one transaction, exactly as the importer always wrote them (`Store::import_csv`).

use super::records::{
    refused, AssetLookup, AssetParent, AssetRecord, FailureCodeRecord, ImportSink, SiteRecord,
    WorkOrderRecord,
};
use crate::domain::Procedure;
use crate::error::{CoreError, Result};
use crate::store::diag_bulk::BulkQueue;
use crate::store::upsert_procedure;
use rusqlite::{params, OptionalExtension, Statement, Transaction};
use std::collections::HashMap;
use std::path::Path;

/// Insert-or-update by the row's key, as two statements: `INSERT … ON CONFLICT DO NOTHING`, and
/// when the key exists, an `UPDATE` that only writes columns that really changed. (A single
/// `ON CONFLICT DO UPDATE` that may change a foreign key makes SQLite journal every page of every
/// insert — 12% of a large import — even when no row conflicts.)
///
/// `cols[0]` is the id, `cols[1]` the unique key; the rest are updated. Both statements take the
/// same parameters `?1…?n` in `cols` order.
pub(super) struct Upsert<'t> {
    insert: Statement<'t>,
    update: Statement<'t>,
}

/// What [`Upsert::run_rid`] did to the row.
pub(super) enum Written {
    Inserted,
    /// Changed, with its rid.
    Updated(i64),
    Unchanged,
}

impl<'t> Upsert<'t> {
    pub(super) fn new(
        tx: &'t Transaction<'_>,
        table: &str,
        cols: &[&str],
    ) -> rusqlite::Result<Self> {
        Self::with_returning(tx, table, cols, "")
    }

    /// As [`Self::new`], the update answering the changed row's rid ([`Self::run_rid`]).
    pub(super) fn returning_rid(
        tx: &'t Transaction<'_>,
        table: &str,
        cols: &[&str],
    ) -> rusqlite::Result<Self> {
        Self::with_returning(tx, table, cols, " RETURNING rid")
    }

    fn with_returning(
        tx: &'t Transaction<'_>,
        table: &str,
        cols: &[&str],
        returning: &str,
    ) -> rusqlite::Result<Self> {
        let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
        let insert = format!(
            "INSERT INTO {table} ({}) VALUES ({}) ON CONFLICT({}) DO NOTHING",
            cols.join(", "),
            marks.join(", "),
            cols[1]
        );
        let set: Vec<String> = (2..cols.len())
            .map(|i| format!("{} = ?{}", cols[i], i + 1))
            .collect();
        let differ: Vec<String> = (2..cols.len())
            .map(|i| format!("{} IS NOT ?{}", cols[i], i + 1))
            .collect();
        let update = format!(
            "UPDATE {table} SET {} WHERE {} = ?2 AND ({}){returning}",
            set.join(", "),
            cols[1],
            differ.join(" OR ")
        );
        Ok(Upsert {
            insert: tx.prepare(&insert)?,
            update: tx.prepare(&update)?,
        })
    }

    /// Returns 1 when the row was inserted or changed, 0 when it was already there unchanged.
    pub(super) fn run(&mut self, params: &[&dyn rusqlite::ToSql]) -> rusqlite::Result<usize> {
        match self.insert.execute(params)? {
            0 => self.update.execute(params),
            n => Ok(n),
        }
    }

    /// [`Self::run`] of an upsert made by [`Self::returning_rid`].
    pub(super) fn run_rid(&mut self, params: &[&dyn rusqlite::ToSql]) -> rusqlite::Result<Written> {
        if self.insert.execute(params)? > 0 {
            return Ok(Written::Inserted);
        }
        Ok(
            match self.update.query_row(params, |r| r.get(0)).optional()? {
                Some(rid) => Written::Updated(rid),
                None => Written::Unchanged,
            },
        )
    }
}

/// A constraint the row breaks is that row's fault ([`refused`], located by the importer); any
/// other database error is the store's.
pub(super) fn row_refused(e: rusqlite::Error) -> CoreError {
    match e {
        rusqlite::Error::SqliteFailure(f, ref msg)
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            refused(msg.clone().unwrap_or_default())
        }
        other => CoreError::Sqlite(other),
    }
}

const ASSET_COLS: [&str; 11] = [
    "id",
    "external_key",
    "tag",
    "name",
    "site_code",
    "location_id",
    "model_id",
    "equipment_class",
    "criticality",
    "serial_number",
    "description",
];

const WORK_ORDER_COLS: [&str; 25] = [
    "id",
    "external_key",
    "number",
    "asset_rid",
    "wo_type",
    "status",
    "priority",
    "title",
    "description",
    "fault_code",
    "reported_by",
    "reported_at",
    "started_at",
    "finished_at",
    "downtime_start",
    "downtime_end",
    "failure_class",
    "problem_code",
    "cause_code",
    "remedy_code",
    "iso_failure_mode",
    "iso_failure_mechanism",
    "iso_failure_cause",
    "remedy_text",
    "cost",
];

/// The statements of an asset import, with the small lookup rows (locations, models) created
/// on first sight and cached.
struct AssetWriter<'t> {
    upsert: Upsert<'t>,
    site: Statement<'t>,
    location: Statement<'t>,
    model: Statement<'t>,
    locations: HashMap<(String, String), i64>,
    models: HashMap<(String, String), i64>,
}

impl<'t> AssetWriter<'t> {
    fn new(tx: &'t Transaction<'_>) -> rusqlite::Result<Self> {
        Ok(AssetWriter {
            upsert: Upsert::new(tx, "assets", &ASSET_COLS)?,
            site: tx.prepare(
                "INSERT INTO sites (code, name) VALUES (?1, ?2)
                 ON CONFLICT(code) DO UPDATE SET name = excluded.name WHERE ?3 AND name IS NOT excluded.name",
            )?,
            location: tx.prepare(
                "INSERT INTO locations (site_code, code, name) VALUES (?1, ?2, ?3)
                 ON CONFLICT(site_code, code) DO UPDATE SET name = excluded.name
                 RETURNING id",
            )?,
            model: tx.prepare(
                "INSERT INTO asset_models (manufacturer, model) VALUES (?1, ?2)
                 ON CONFLICT(manufacturer, model) DO UPDATE SET model = excluded.model RETURNING id",
            )?,
            locations: HashMap::new(),
            models: HashMap::new(),
        })
    }
}

/// Writes records into the replica inside `tx`; statements are prepared on first use.
pub(super) struct SqliteSink<'t, 'c> {
    tx: &'t Transaction<'c>,
    /// Every asset tag (lower-cased) → rid, read once, for rows that name an asset.
    tags: Option<HashMap<String, i64>>,
    assets: Option<AssetWriter<'t>>,
    parent_find: Option<Statement<'t>>,
    parent_set: Option<Statement<'t>>,
    work_orders: Option<Upsert<'t>>,
    codes: Option<Statement<'t>>,
    /// The diagnosis queue of a bulk work-order import (its triggers out of the schema).
    diag: Option<BulkQueue>,
}

impl<'t, 'c> SqliteSink<'t, 'c> {
    pub(super) fn new(tx: &'t Transaction<'c>) -> Self {
        SqliteSink {
            tx,
            tags: None,
            assets: None,
            parent_find: None,
            parent_set: None,
            work_orders: None,
            codes: None,
            diag: None,
        }
    }

    /// Records what the work orders write for `diag`, which [`Self::into_diag`] hands back.
    pub(super) fn with_diag(mut self, diag: BulkQueue) -> Self {
        self.diag = Some(diag);
        self
    }

    pub(super) fn into_diag(self) -> Option<BulkQueue> {
        self.diag
    }

    fn asset_writer(&mut self) -> Result<&mut AssetWriter<'t>> {
        if self.assets.is_none() {
            self.assets = Some(AssetWriter::new(self.tx)?);
        }
        self.assets
            .as_mut()
            .ok_or_else(|| CoreError::InvalidState("asset statements".into()))
    }
}

/// Prepares `sql` into `slot` on first use.
fn prepared<'s, 't>(
    tx: &'t Transaction<'_>,
    slot: &'s mut Option<Statement<'t>>,
    sql: &str,
) -> Result<&'s mut Statement<'t>> {
    if slot.is_none() {
        *slot = Some(tx.prepare(sql)?);
    }
    slot.as_mut()
        .ok_or_else(|| CoreError::InvalidState("statement".into()))
}

impl AssetLookup for SqliteSink<'_, '_> {
    type AssetRef = i64;

    fn asset_by_tag(&mut self, tag: &str) -> Result<Option<i64>> {
        if self.tags.is_none() {
            let mut stmt = self.tx.prepare("SELECT lower(tag), rid FROM assets")?;
            let map = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            self.tags = Some(map);
        }
        Ok(self
            .tags
            .as_ref()
            .and_then(|t| t.get(&tag.to_lowercase()).copied()))
    }
}

impl ImportSink for SqliteSink<'_, '_> {
    fn site(&mut self, r: &SiteRecord<'_>) -> Result<()> {
        self.asset_writer()?.site.execute(params![
            r.code,
            r.name.unwrap_or(r.code),
            r.name.is_some()
        ])?;
        Ok(())
    }

    fn asset(&mut self, r: &AssetRecord<'_>) -> Result<bool> {
        let w = self.asset_writer()?;
        let loc_id = match &r.location {
            None => None,
            Some(l) => {
                let cache_key = (r.site.to_string(), l.code.to_string());
                match w.locations.get(&cache_key) {
                    Some(id) => Some(*id),
                    None => {
                        let id: i64 = w
                            .location
                            .query_row(params![r.site, l.code, l.name], |row| row.get(0))?;
                        w.locations.insert(cache_key, id);
                        Some(id)
                    }
                }
            }
        };
        let model_id = match &r.model {
            None => None,
            Some(m) => {
                let cache_key = (m.manufacturer.to_string(), m.model.to_string());
                match w.models.get(&cache_key) {
                    Some(id) => Some(*id),
                    None => {
                        let id: i64 = w
                            .model
                            .query_row(params![cache_key.0, cache_key.1], |row| row.get(0))?;
                        w.models.insert(cache_key, id);
                        Some(id)
                    }
                }
            }
        };
        let n = w
            .upsert
            .run(params![
                r.id.to_string(),
                r.external_key,
                r.tag,
                r.name,
                r.site,
                loc_id,
                model_id,
                r.equipment_class,
                r.criticality.map(|c| c.as_str()),
                r.serial_number,
                r.description,
            ])
            .map_err(row_refused)?;
        Ok(n > 0)
    }

    fn asset_parent(&mut self, r: &AssetParent<'_>) -> Result<bool> {
        let parent_rid: Option<i64> = match r.parent_tag {
            None => None,
            Some(p) => {
                let find = prepared(
                    self.tx,
                    &mut self.parent_find,
                    "SELECT rid FROM assets WHERE tag = ?1",
                )?;
                match find.query_row(params![p], |row| row.get(0)) {
                    Ok(rid) => Some(rid),
                    Err(_) => return Ok(false),
                }
            }
        };
        prepared(
            self.tx,
            &mut self.parent_set,
            "UPDATE assets SET parent_rid = ?1 WHERE external_key = ?2 AND parent_rid IS NOT ?1",
        )?
        .execute(params![parent_rid, r.external_key])?;
        Ok(true)
    }

    fn assets_done(&mut self) -> Result<()> {
        let cycles: i64 = self.tx.query_row(
            "SELECT count(*) FROM assets WHERE parent_rid = rid",
            [],
            |r| r.get(0),
        )?;
        if cycles > 0 {
            return Err(CoreError::Import(super::ImportError::new(
                Path::new(""),
                "an asset names itself as its parent",
            )));
        }
        Ok(())
    }

    fn work_order(&mut self, r: &WorkOrderRecord<'_, i64>) -> Result<bool> {
        if self.work_orders.is_none() {
            self.work_orders = Some(Upsert::returning_rid(
                self.tx,
                "work_orders",
                &WORK_ORDER_COLS,
            )?);
        }
        let stmt = self
            .work_orders
            .as_mut()
            .ok_or_else(|| CoreError::InvalidState("work-order statements".into()))?;
        let written = stmt
            .run_rid(params![
                r.id.to_string(),
                r.external_key,
                r.number,
                r.asset,
                r.wo_type.as_str(),
                r.status.as_str(),
                r.priority,
                r.title,
                r.description,
                r.fault_code,
                r.reported_by,
                r.reported_at.timestamp_millis(),
                r.started_at.map(|d| d.timestamp_millis()),
                r.finished_at.map(|d| d.timestamp_millis()),
                r.downtime_start.map(|d| d.timestamp_millis()),
                r.downtime_end.map(|d| d.timestamp_millis()),
                r.failure_class,
                r.problem_code,
                r.cause_code,
                r.remedy_code,
                r.iso_failure_mode,
                r.iso_failure_mechanism,
                r.iso_failure_cause,
                r.remedy_text,
                r.cost,
            ])
            .map_err(row_refused)?;
        let rid = match written {
            Written::Unchanged => return Ok(false),
            Written::Inserted => None,
            Written::Updated(rid) => Some(rid),
        };
        if let Some(diag) = &mut self.diag {
            diag.work_order(rid, r.fault_code);
        }
        Ok(true)
    }

    fn failure_code(&mut self, r: &FailureCodeRecord<'_>) -> Result<bool> {
        let stmt = prepared(
            self.tx,
            &mut self.codes,
            "INSERT INTO failure_codes (level, parent, code, description) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(level, parent, code) DO UPDATE SET description = excluded.description
             WHERE description IS NOT excluded.description",
        )?;
        Ok(stmt.execute(params![r.level.as_str(), r.parent, r.code, r.description])? > 0)
    }

    fn procedure(&mut self, p: &Procedure) -> Result<bool> {
        upsert_procedure(self.tx, p)
    }
}
