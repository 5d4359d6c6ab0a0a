//! One import run: open the CSV, then write each row as its kind of record inside one
//! transaction. Rows are upserted on their stable key, so a re-import changes nothing.

use super::mapping::{Mapping, RecordKind};
use super::reader::{CsvRows, FieldId};
use super::{ImportError, ImportReport};
use crate::clock::uuid_v7_from;
use crate::domain::{CatalogLevel, Criticality, FaultSource, WorkOrderStatus, WorkOrderType};
use crate::error::{CoreError, Result};
use crate::store::Store;
use rusqlite::{params, Transaction};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;

/// 128 bits of SHA-256 over the kind and the key: the random part of a derived id.
fn key_hash(kind: RecordKind, key: &str) -> u128 {
    let d = Sha256::new()
        .chain_update(kind.as_str())
        .chain_update([0])
        .chain_update(key)
        .finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    u128::from_be_bytes(b)
}

/// Makes keys unique within one file: the n-th repeat of a key gets `#n`.
#[derive(Default)]
struct KeyCounter(HashMap<u128, u32>);

impl KeyCounter {
    fn unique(&mut self, kind: RecordKind, key: &str) -> (String, u128) {
        let h = key_hash(kind, key);
        let n = self.0.entry(h).or_insert(0);
        *n += 1;
        if *n == 1 {
            (key.to_string(), h)
        } else {
            let k = format!("{key}#{n}");
            let h2 = key_hash(kind, &k);
            (k, h2)
        }
    }
}

fn count(tx: &Transaction<'_>, table: &str) -> Result<u64> {
    let n: i64 = tx.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Insert-or-update by the row's key, as two statements: `INSERT … ON CONFLICT DO NOTHING`, and
/// when the key exists, an `UPDATE` that only writes columns that really changed. (A single
/// `ON CONFLICT DO UPDATE` that may change a foreign key makes SQLite journal every page of every
/// insert — 12% of a large import — even when no row conflicts.)
///
/// `cols[0]` is the id, `cols[1]` the unique key; the rest are updated. Both statements take the
/// same parameters `?1…?n` in `cols` order.
struct Upsert<'t> {
    insert: rusqlite::Statement<'t>,
    update: rusqlite::Statement<'t>,
}

impl<'t> Upsert<'t> {
    fn new(tx: &'t Transaction<'_>, table: &str, cols: &[&str]) -> rusqlite::Result<Self> {
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
            "UPDATE {table} SET {} WHERE {} = ?2 AND ({})",
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
    fn run(&mut self, params: &[&dyn rusqlite::ToSql]) -> rusqlite::Result<usize> {
        match self.insert.execute(params)? {
            0 => self.update.execute(params),
            n => Ok(n),
        }
    }
}

fn sql_error(rows: &CsvRows, line: u64, e: rusqlite::Error, what: &str) -> CoreError {
    let _ = rows;
    match e {
        rusqlite::Error::SqliteFailure(f, ref msg)
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            CoreError::Import(ImportError {
                file: String::new(),
                line: Some(line),
                column: None,
                message: format!("{what}: {}", msg.clone().unwrap_or_default()),
            })
        }
        other => CoreError::Sqlite(other),
    }
}

pub fn run(store: &mut Store, mapping: &Mapping, path: &Path) -> Result<ImportReport> {
    let mut rows = CsvRows::open(mapping, path)?;
    let tx = store.conn_mut().transaction()?;
    let table = match mapping.kind {
        RecordKind::Assets => "assets",
        RecordKind::WorkOrders => "work_orders",
        RecordKind::FaultEvents => "fault_events",
        RecordKind::FailureCodes => "failure_codes",
        RecordKind::Procedures => "procedures",
        RecordKind::Production => "production_counts",
    };
    let before = count(&tx, table)?;
    let result = match mapping.kind {
        RecordKind::Assets => import_assets(&tx, &mut rows),
        RecordKind::WorkOrders => import_work_orders(&tx, &mut rows),
        RecordKind::FaultEvents => import_fault_events(&tx, &mut rows),
        RecordKind::FailureCodes => import_failure_codes(&tx, &mut rows),
        RecordKind::Procedures => super::procedures::import(&tx, &mut rows),
        RecordKind::Production => super::production::import(&tx, &mut rows),
    };
    let (n_rows, changes) = result.map_err(|e| match e {
        CoreError::Import(mut ie) if ie.file.is_empty() => {
            ie.file = path.display().to_string();
            CoreError::Import(ie)
        }
        other => other,
    })?;
    let after = count(&tx, table)?;
    tx.commit()?;
    let inserted = after.saturating_sub(before);
    let updated = changes.saturating_sub(inserted);
    Ok(ImportReport {
        kind: mapping.kind.as_str().to_string(),
        rows: n_rows,
        inserted,
        updated,
        unchanged: n_rows.saturating_sub(inserted + updated),
    })
}

/// Every asset tag in the replica (lower-cased) → rid.
fn asset_tags(tx: &Transaction<'_>) -> Result<HashMap<String, i64>> {
    let mut stmt = tx.prepare("SELECT lower(tag), rid FROM assets")?;
    let map = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(map)
}

fn asset_rid(
    tags: &HashMap<String, i64>,
    rows: &CsvRows,
    f: FieldId,
    line: u64,
) -> Result<i64, ImportError> {
    let tag = rows
        .fields
        .required(&rows.record, f, line, "the asset tag")?;
    tags.get(&tag.to_lowercase()).copied().ok_or_else(|| {
        rows.fields.error(
            line,
            f,
            format!("asset {tag:?} is not in the replica; import the assets file first"),
        )
    })
}

fn import_work_orders(tx: &Transaction<'_>, rows: &mut CsvRows) -> Result<(u64, u64)> {
    const COLS: [&str; 25] = [
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
    let mut stmt = Upsert::new(tx, "work_orders", &COLS)?;
    let tags = asset_tags(tx)?;
    let k = RecordKind::WorkOrders;
    let f = |n| rows.fields.id(k, n);
    let [key, number, asset, wo_type, status, priority, title, description, fault_code, reported_by] =
        [
            "key",
            "number",
            "asset_tag",
            "wo_type",
            "status",
            "priority",
            "title",
            "description",
            "fault_code",
            "reported_by",
        ]
        .map(f);
    let [reported_at, started_at, finished_at, dt_start, dt_end] = [
        "reported_at",
        "started_at",
        "finished_at",
        "downtime_start",
        "downtime_end",
    ]
    .map(f);
    let codes = [
        "failure_class",
        "problem_code",
        "cause_code",
        "remedy_code",
        "iso_failure_mode",
        "iso_failure_mechanism",
        "iso_failure_cause",
        "remedy_text",
    ]
    .map(f);
    let cost = f("cost");
    let mut keys = KeyCounter::default();
    let (mut n, mut changes) = (0u64, 0u64);
    while let Some(line) = rows.next_row()? {
        n += 1;
        let fl = &rows.fields;
        let rec = &rows.record;
        let raw_key = fl.required(rec, key, line, "the key")?;
        let (ext_key, h) = keys.unique(k, &raw_key);
        let reported = fl.required_date(rec, reported_at, line, "the reported time")?;
        let id = uuid_v7_from(u64::try_from(reported.timestamp_millis()).unwrap_or(0), h);
        let wo_type = fl
            .parsed(
                rec,
                wo_type,
                line,
                WorkOrderType::parse,
                WorkOrderType::choices(),
            )?
            .ok_or_else(|| fl.error(line, wo_type, "the work order type is empty".into()))?;
        let status = fl
            .parsed(
                rec,
                status,
                line,
                WorkOrderStatus::parse,
                WorkOrderStatus::choices(),
            )?
            .unwrap_or(WorkOrderStatus::Closed);
        let prio = fl
            .parsed(
                rec,
                priority,
                line,
                |s| s.parse::<u8>().ok().filter(|p| (1..=5).contains(p)),
                "1, 2, 3, 4, 5",
            )?
            .unwrap_or(3);
        let dstart = fl.date(rec, dt_start, line)?;
        let dend = fl.date(rec, dt_end, line)?;
        if let (Some(s), Some(e)) = (dstart, dend) {
            if e < s {
                return Err(fl
                    .error(line, dt_end, "downtime ends before it starts".into())
                    .into());
            }
        }
        let asset_rid = asset_rid(&tags, rows, asset, line)?;
        let code_vals = codes.map(|c| fl.text(rec, c));
        let res = stmt.run(params![
            id.to_string(),
            ext_key,
            fl.text(rec, number).as_deref().unwrap_or(&ext_key),
            asset_rid,
            wo_type.as_str(),
            status.as_str(),
            prio,
            fl.required(rec, title, line, "the title")?,
            fl.text(rec, description),
            fl.text(rec, fault_code),
            fl.text(rec, reported_by),
            reported.timestamp_millis(),
            fl.date(rec, started_at, line)?
                .map(|d| d.timestamp_millis()),
            fl.date(rec, finished_at, line)?
                .map(|d| d.timestamp_millis()),
            dstart.map(|d| d.timestamp_millis()),
            dend.map(|d| d.timestamp_millis()),
            code_vals[0],
            code_vals[1],
            code_vals[2],
            code_vals[3],
            code_vals[4],
            code_vals[5],
            code_vals[6],
            code_vals[7],
            fl.number(rec, cost, line)?,
        ]);
        changes +=
            res.map_err(|e| sql_error(rows, line, e, "cannot store this work order"))? as u64;
    }
    Ok((n, changes))
}

fn import_fault_events(tx: &Transaction<'_>, rows: &mut CsvRows) -> Result<(u64, u64)> {
    const COLS: [&str; 7] = [
        "id",
        "external_key",
        "asset_rid",
        "code",
        "message",
        "source",
        "occurred_at",
    ];
    let mut stmt = Upsert::new(tx, "fault_events", &COLS)?;
    let tags = asset_tags(tx)?;
    let k = RecordKind::FaultEvents;
    let [key, asset, code, occurred, message, source] = [
        "key",
        "asset_tag",
        "code",
        "occurred_at",
        "message",
        "source",
    ]
    .map(|n| rows.fields.id(k, n));
    let mut keys = KeyCounter::default();
    let (mut n, mut changes) = (0u64, 0u64);
    while let Some(line) = rows.next_row()? {
        n += 1;
        let fl = &rows.fields;
        let rec = &rows.record;
        let (ext_key, h) = keys.unique(k, &fl.required(rec, key, line, "the key")?);
        let at = fl.required_date(rec, occurred, line, "the time")?;
        let src = fl
            .parsed(
                rec,
                source,
                line,
                FaultSource::parse,
                FaultSource::choices(),
            )?
            .unwrap_or(FaultSource::Machine);
        let asset_rid = asset_rid(&tags, rows, asset, line)?;
        let res = stmt.run(params![
            uuid_v7_from(u64::try_from(at.timestamp_millis()).unwrap_or(0), h).to_string(),
            ext_key,
            asset_rid,
            fl.required(rec, code, line, "the fault code")?,
            fl.text(rec, message),
            src.as_str(),
            at.timestamp_millis(),
        ]);
        changes +=
            res.map_err(|e| sql_error(rows, line, e, "cannot store this fault event"))? as u64;
    }
    Ok((n, changes))
}

fn import_failure_codes(tx: &Transaction<'_>, rows: &mut CsvRows) -> Result<(u64, u64)> {
    let mut stmt = tx.prepare(
        "INSERT INTO failure_codes (level, parent, code, description) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(level, parent, code) DO UPDATE SET description = excluded.description
         WHERE description IS NOT excluded.description",
    )?;
    let k = RecordKind::FailureCodes;
    let [level, parent, code, description] =
        ["level", "parent", "code", "description"].map(|n| rows.fields.id(k, n));
    let choices = CatalogLevel::ALL.map(|l| l.as_str()).join(", ");
    let (mut n, mut changes) = (0u64, 0u64);
    while let Some(line) = rows.next_row()? {
        n += 1;
        let fl = &rows.fields;
        let rec = &rows.record;
        let lvl = fl
            .parsed(rec, level, line, CatalogLevel::parse, &choices)?
            .ok_or_else(|| fl.error(line, level, "the level is empty".into()))?;
        let parent_v = fl.text(rec, parent).unwrap_or_default();
        if lvl != CatalogLevel::Class
            && !matches!(lvl, CatalogLevel::IsoMechanism | CatalogLevel::IsoCause)
            && parent_v.is_empty()
        {
            return Err(fl
                .error(
                    line,
                    parent,
                    format!("a {} entry needs the code it belongs under", lvl.as_str()),
                )
                .into());
        }
        changes += stmt.execute(params![
            lvl.as_str(),
            parent_v,
            fl.required(rec, code, line, "the code")?,
            fl.required(rec, description, line, "the description")?,
        ])? as u64;
    }
    Ok((n, changes))
}

/// Cache of small lookup rows (sites, locations, models) created on first sight.
struct Lookups<'t> {
    site: rusqlite::Statement<'t>,
    location: rusqlite::Statement<'t>,
    model: rusqlite::Statement<'t>,
    locations: HashMap<(String, String), i64>,
    models: HashMap<(String, String), i64>,
}

fn import_assets(tx: &Transaction<'_>, rows: &mut CsvRows) -> Result<(u64, u64)> {
    const COLS: [&str; 11] = [
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
    let mut stmt = Upsert::new(tx, "assets", &COLS)?;
    let mut lk = Lookups {
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
    };
    let k = RecordKind::Assets;
    let f = |n| rows.fields.id(k, n);
    let [key, tag, name, site, site_name, location, location_name, parent_tag] = [
        "key",
        "tag",
        "name",
        "site",
        "site_name",
        "location",
        "location_name",
        "parent_tag",
    ]
    .map(f);
    let [manufacturer, model, eq_class, criticality, serial, description] = [
        "manufacturer",
        "model",
        "equipment_class",
        "criticality",
        "serial_number",
        "description",
    ]
    .map(f);
    let maps_parent = rows.fields.is_mapped(parent_tag);
    let mut keys = KeyCounter::default();
    let mut parents: Vec<(u64, String, Option<String>)> = Vec::new();
    let mut seen_sites = std::collections::HashSet::new();
    let (mut n, mut changes) = (0u64, 0u64);
    while let Some(line) = rows.next_row()? {
        n += 1;
        let fl = &rows.fields;
        let rec = &rows.record;
        let tag_v = fl.required(rec, tag, line, "the tag")?;
        let raw_key = fl.text(rec, key).unwrap_or_else(|| tag_v.clone());
        let (ext_key, h) = keys.unique(k, &raw_key);
        let site_v = fl
            .text(rec, site)
            .map(|s| s.into_owned())
            .unwrap_or_else(|| "MAIN".into());
        if seen_sites.insert(site_v.clone()) {
            let sname = fl.text(rec, site_name);
            lk.site.execute(params![
                site_v,
                sname.as_deref().unwrap_or(&site_v),
                sname.is_some()
            ])?;
        }
        let loc_id = match fl.text(rec, location) {
            None => None,
            Some(code) => {
                let cache_key = (site_v.clone(), code.to_string());
                match lk.locations.get(&cache_key) {
                    Some(id) => Some(*id),
                    None => {
                        let lname = fl.text(rec, location_name).unwrap_or_else(|| code.clone());
                        let id: i64 = lk
                            .location
                            .query_row(params![site_v, code, lname], |r| r.get(0))?;
                        lk.locations.insert(cache_key, id);
                        Some(id)
                    }
                }
            }
        };
        let model_id = match (fl.text(rec, manufacturer), fl.text(rec, model)) {
            (None, None) => None,
            (m, md) => {
                let cache_key = (
                    m.unwrap_or_default().into_owned(),
                    md.unwrap_or_default().into_owned(),
                );
                match lk.models.get(&cache_key) {
                    Some(id) => Some(*id),
                    None => {
                        let id: i64 = lk
                            .model
                            .query_row(params![cache_key.0, cache_key.1], |r| r.get(0))?;
                        lk.models.insert(cache_key, id);
                        Some(id)
                    }
                }
            }
        };
        let crit = fl.parsed(
            rec,
            criticality,
            line,
            Criticality::parse,
            "A (high), B, C (low)",
        )?;
        let res = stmt.run(params![
            uuid_v7_from(0, h).to_string(),
            ext_key,
            tag_v,
            fl.required(rec, name, line, "the name")?,
            site_v,
            loc_id,
            model_id,
            fl.text(rec, eq_class),
            crit.map(|c| c.as_str()),
            fl.text(rec, serial),
            fl.text(rec, description),
        ]);
        let tag_owned = tag_v.into_owned();
        changes += res.map_err(|e| {
            sql_error(
                rows,
                line,
                e,
                &format!(
                    "tag {tag_owned:?} is already used by another asset, or the row is invalid"
                ),
            )
        })? as u64;
        if maps_parent {
            parents.push((
                line,
                ext_key,
                rows.fields
                    .text(&rows.record, parent_tag)
                    .map(|p| p.into_owned()),
            ));
        }
    }
    // Parents may come later in the file than their children: resolve them at the end.
    let mut find = tx.prepare("SELECT rid FROM assets WHERE tag = ?1")?;
    let mut set = tx.prepare(
        "UPDATE assets SET parent_rid = ?1 WHERE external_key = ?2 AND parent_rid IS NOT ?1",
    )?;
    for (line, ext_key, parent) in parents {
        let parent_rid: Option<i64> = match &parent {
            None => None,
            Some(p) => Some(find.query_row(params![p], |r| r.get(0)).map_err(|_| {
                rows.fields.error(
                    line,
                    parent_tag,
                    format!("parent asset {p:?} is neither in this file nor in the replica"),
                )
            })?),
        };
        // Not counted as a change: a new asset's parent is part of its insertion.
        set.execute(params![parent_rid, ext_key])?;
    }
    let cycles: i64 = tx.query_row(
        "SELECT count(*) FROM assets WHERE parent_rid = rid",
        [],
        |r| r.get(0),
    )?;
    if cycles > 0 {
        return Err(CoreError::Import(ImportError::new(
            Path::new(""),
            "an asset names itself as its parent",
        )));
    }
    Ok((n, changes))
}
