//! Fault-event import (machine alarm logs): kept in the app's replica only — the hub does not
//! serve them in sync protocol 1 — so they are written straight into SQLite rather than handed
//! to a sink as records. Rows are upserted on their key like every other kind.

use super::mapping::RecordKind;
use super::reader::{CsvRows, FieldId};
use super::records::at_line;
use super::sqlite_sink::{row_refused, Upsert};
use super::stream::KeyCounter;
use super::ImportError;
use crate::clock::uuid_v7_from;
use crate::domain::FaultSource;
use crate::error::Result;
use rusqlite::{params, Transaction};
use std::collections::HashMap;

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

pub(super) fn import(tx: &Transaction<'_>, rows: &mut CsvRows) -> Result<(u64, u64)> {
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
            res.map_err(|e| at_line(row_refused(e), line, "cannot store this fault event"))? as u64;
    }
    Ok((n, changes))
}
