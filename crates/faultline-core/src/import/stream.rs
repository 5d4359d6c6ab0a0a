//! CSV rows → typed records: the part of an import every sink shares. Each row is parsed and
//! validated with the mapping, gets its stable key and derived id, and goes to the sink as an
//! asset, work-order or failure-code record (job plans: `procedures.rs`). Errors name the file
//! line and column; the order of the checks is the order the rows' problems are reported in.

use super::mapping::{Mapping, RecordKind};
use super::reader::CsvRows;
use super::records::{
    at_line, AssetParent, AssetRecord, FailureCodeRecord, ImportCount, ImportSink, LocationRecord,
    ModelRecord, SiteRecord, WorkOrderRecord,
};
use crate::clock::uuid_v7_from;
use crate::domain::{CatalogLevel, Criticality, WorkOrderStatus, WorkOrderType};
use crate::error::{CoreError, Result};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;

/// 128 bits of SHA-256 over the kind and the key: the random part of a derived id.
pub(super) fn key_hash(kind: RecordKind, key: &str) -> u128 {
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
pub(super) struct KeyCounter(HashMap<u128, u32>);

impl KeyCounter {
    pub(super) fn unique(&mut self, kind: RecordKind, key: &str) -> (String, u128) {
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

/// Puts the file's name into an error the rows left without one.
pub(super) fn with_file(e: CoreError, path: &Path) -> CoreError {
    match e {
        CoreError::Import(mut ie) if ie.file.is_empty() => {
            ie.file = path.display().to_string();
            CoreError::Import(ie)
        }
        other => other,
    }
}

/// Reads `csv_path` as the mapping describes and hands every record to `sink`, in file order.
/// Nothing is written anywhere but through the sink; a bad row stops the read with its
/// `FILE:LINE: column "COL": …` error, and the sink decides what to keep (the SQLite store rolls
/// its transaction back, the hub its COPY). Fault events and production counts are kept in the
/// app's replica only (`Store::import_csv`) and are refused here.
pub fn read_records<S: ImportSink>(
    mapping: &Mapping,
    csv_path: &Path,
    sink: &mut S,
) -> Result<ImportCount> {
    if matches!(
        mapping.kind,
        RecordKind::FaultEvents | RecordKind::Production
    ) {
        return Err(CoreError::InvalidInput(format!(
            "{} are imported into the app's replica only (`faultline import`)",
            mapping.kind.as_str()
        )));
    }
    let mut rows = CsvRows::open(mapping, csv_path)?;
    records(mapping.kind, &mut rows, sink)
        .map(|(rows, changes)| ImportCount { rows, changes })
        .map_err(|e| with_file(e, csv_path))
}

/// The records of one open file, for the kinds that have them; `(rows, changes)`.
pub(super) fn records<S: ImportSink>(
    kind: RecordKind,
    rows: &mut CsvRows,
    sink: &mut S,
) -> Result<(u64, u64)> {
    match kind {
        RecordKind::Assets => assets(rows, sink),
        RecordKind::WorkOrders => work_orders(rows, sink),
        RecordKind::FailureCodes => failure_codes(rows, sink),
        RecordKind::Procedures => super::procedures::import(sink, rows),
        RecordKind::FaultEvents | RecordKind::Production => Err(CoreError::InvalidInput(format!(
            "{} have no import records",
            kind.as_str()
        ))),
    }
}

fn work_orders<S: ImportSink>(rows: &mut CsvRows, sink: &mut S) -> Result<(u64, u64)> {
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
        let tag = fl.required(rec, asset, line, "the asset tag")?;
        let asset_ref = sink.asset_by_tag(&tag)?.ok_or_else(|| {
            fl.error(
                line,
                asset,
                format!("asset {tag:?} is not in the replica; import the assets file first"),
            )
        })?;
        let number_v = fl.text(rec, number);
        let title_v = fl.required(rec, title, line, "the title")?;
        let [description_v, fault_code_v, reported_by_v] =
            [description, fault_code, reported_by].map(|c| fl.text(rec, c));
        let started = fl.date(rec, started_at, line)?;
        let finished = fl.date(rec, finished_at, line)?;
        let code_vals = codes.map(|c| fl.text(rec, c));
        let [failure_class, problem_code, cause_code, remedy_code, iso_mode, iso_mechanism, iso_cause, remedy_text] =
            code_vals.each_ref().map(|c| c.as_deref());
        let record = WorkOrderRecord {
            id,
            external_key: &ext_key,
            number: number_v.as_deref().unwrap_or(&ext_key),
            asset: asset_ref,
            wo_type,
            status,
            priority: prio,
            title: &title_v,
            description: description_v.as_deref(),
            fault_code: fault_code_v.as_deref(),
            reported_by: reported_by_v.as_deref(),
            reported_at: reported,
            started_at: started,
            finished_at: finished,
            downtime_start: dstart,
            downtime_end: dend,
            failure_class,
            problem_code,
            cause_code,
            remedy_code,
            iso_failure_mode: iso_mode,
            iso_failure_mechanism: iso_mechanism,
            iso_failure_cause: iso_cause,
            remedy_text,
            cost: fl.number(rec, cost, line)?,
        };
        changes += u64::from(
            sink.work_order(&record)
                .map_err(|e| at_line(e, line, "cannot store this work order"))?,
        );
    }
    Ok((n, changes))
}

fn failure_codes<S: ImportSink>(rows: &mut CsvRows, sink: &mut S) -> Result<(u64, u64)> {
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
        let code_v = fl.required(rec, code, line, "the code")?;
        let description_v = fl.required(rec, description, line, "the description")?;
        changes += u64::from(sink.failure_code(&FailureCodeRecord {
            level: lvl,
            parent: &parent_v,
            code: &code_v,
            description: &description_v,
        })?);
    }
    Ok((n, changes))
}

fn assets<S: ImportSink>(rows: &mut CsvRows, sink: &mut S) -> Result<(u64, u64)> {
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
            sink.site(&SiteRecord {
                code: &site_v,
                name: sname.as_deref(),
            })?;
        }
        let location_v = fl.text(rec, location);
        let location_name_v = location_v
            .as_ref()
            .map(|code| fl.text(rec, location_name).unwrap_or_else(|| code.clone()));
        let manufacturer_v = fl.text(rec, manufacturer);
        let model_v = fl.text(rec, model);
        let crit = fl.parsed(
            rec,
            criticality,
            line,
            Criticality::parse,
            "A (high), B, C (low)",
        )?;
        let name_v = fl.required(rec, name, line, "the name")?;
        let [eq_class_v, serial_v, description_v] =
            [eq_class, serial, description].map(|c| fl.text(rec, c));
        let record = AssetRecord {
            id: uuid_v7_from(0, h),
            external_key: &ext_key,
            tag: &tag_v,
            name: &name_v,
            site: &site_v,
            location: location_v
                .as_deref()
                .zip(location_name_v.as_deref())
                .map(|(code, name)| LocationRecord { code, name }),
            model: match (manufacturer_v.as_deref(), model_v.as_deref()) {
                (None, None) => None,
                (m, md) => Some(ModelRecord {
                    manufacturer: m.unwrap_or_default(),
                    model: md.unwrap_or_default(),
                }),
            },
            equipment_class: eq_class_v.as_deref(),
            criticality: crit,
            serial_number: serial_v.as_deref(),
            description: description_v.as_deref(),
        };
        let what = format!(
            "tag {:?} is already used by another asset, or the row is invalid",
            tag_v.as_ref()
        );
        changes += u64::from(sink.asset(&record).map_err(|e| at_line(e, line, &what))?);
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
    for (line, ext_key, parent) in parents {
        let found = sink.asset_parent(&AssetParent {
            external_key: &ext_key,
            parent_tag: parent.as_deref(),
        })?;
        // Not counted as a change: a new asset's parent is part of its insertion.
        if !found {
            let p = parent.unwrap_or_default();
            return Err(rows
                .fields
                .error(
                    line,
                    parent_tag,
                    format!("parent asset {p:?} is neither in this file nor in the replica"),
                )
                .into());
        }
    }
    sink.assets_done()?;
    Ok((n, changes))
}

#[cfg(test)]
#[path = "stream_tests.rs"]
mod tests;
