//! `faultline-hub export`: what technicians logged, as CSV in a CMMS's own columns, for every
//! CMMS without a live connector (docs/import-mapping.md, "Export").
//!
//! Each export holds only the records changed since a cursor (the same (xid, seq) change key
//! pulls use, read below the horizon of finished transactions), and is atomic: the CSV is written
//! to a temporary file, fsynced and renamed into place, and only then is the new cursor stored
//! (`DIR/.SITE-KIND.cursor`, itself written atomically) and printed. A crash mid-export leaves no
//! CSV and the cursor where it was; a crash between the rename and the cursor write makes the
//! next export write the same file name again (from the same cursor) with at least those rows.

mod atomic;
mod builtin;
mod mapping;
mod rows;

pub use atomic::{remove_partials, PARTIAL_SUFFIX};
pub use builtin::{built_in_names, BUILT_IN};
pub use mapping::{ExportKind, ExportMapping, DEFAULT_TIME_FORMAT};
pub use rows::fields;

use crate::cursor::Cursor;
use crate::error::{HubError, Result};
use crate::horizon::HORIZON_SQL;
use crate::PgStore;
use atomic::{write_atomic, AtomicFile};
use chrono::{DateTime, Utc};
use futures_util::{pin_mut, TryStreamExt};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::IsolationLevel;

/// Snapshots taken again when the horizon's barrier had already finished.
const STALE_BARRIER_RETRIES: usize = 2;

/// Where an export starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Since {
    /// The cursor stored in the output directory by the last export (the start if none).
    Stored,
    Cursor(Cursor),
}

impl Since {
    /// `start`, a cursor an earlier export printed, or nothing (the stored one).
    pub fn parse(text: Option<&str>) -> Result<Since> {
        match text.map(str::trim) {
            None => Ok(Since::Stored),
            Some("start") | Some("0") => Ok(Since::Cursor(Cursor::START)),
            Some(c) => Cursor::decode(c)
                .map(Since::Cursor)
                .map_err(|e| HubError::Invalid(format!("--since: {e}"))),
        }
    }
}

/// What an export did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportReport {
    pub kind: &'static str,
    pub rows: u64,
    /// The CSV written; none when nothing changed since the cursor.
    pub file: Option<PathBuf>,
    pub from: String,
    /// The cursor to pass next time (also stored in the output directory).
    pub cursor: String,
}

/// The stored cursor's path for a site and kind.
pub fn cursor_path(out: &Path, site: &str, kind: ExportKind) -> PathBuf {
    out.join(format!(".{site}-{}.cursor", kind.as_str()))
}

/// Exports one kind of a site's records changed since `since` into `out`.
pub async fn export_csv(
    store: &PgStore,
    site: &str,
    since: Since,
    mapping: &ExportMapping,
    out: &Path,
) -> Result<ExportReport> {
    crate::admin::site_name(store, site).await?;
    if !out.is_dir() {
        return Err(HubError::Invalid(format!(
            "{}: not a directory (create it first)",
            out.display()
        )));
    }
    remove_partials(out)?;
    let kind = mapping.kind;
    let cursor_file = cursor_path(out, site, kind);
    let from = match since {
        Since::Cursor(c) => c,
        Since::Stored => read_cursor(&cursor_file)?,
    };
    let dest = out.join(format!("{site}-{}-{}.csv", kind.as_str(), from.encode()));

    let mut client = store.client().await?;
    let mut attempt = 0;
    let (tx, horizon) = loop {
        let tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await?;
        // First, so that the snapshot it describes is the transaction's.
        let row = tx.query_one(HORIZON_SQL, &[]).await?;
        let (horizon, stale): (String, bool) = (row.try_get(0)?, row.try_get(1)?);
        attempt += 1;
        // A barrier that had already finished: a fresh snapshot reads further.
        if !stale || attempt > STALE_BARRIER_RETRIES {
            break (tx, horizon);
        }
        tx.rollback().await?;
    };
    let xid = from.xid.to_string();
    let params: [&(dyn ToSql + Sync); 4] = [&site, &xid, &from.seq, &horizon];
    let stream = tx
        .query_raw(&rows::query(kind), params.iter().copied())
        .await?;
    pin_mut!(stream);

    let mut file = AtomicFile::create(&dest)?;
    if let Some(line) = &mapping.first_line {
        writeln!(file.writer(), "{line}").map_err(|e| HubError::io(&dest, e))?;
    }
    let mut csv = csv::WriterBuilder::new()
        .delimiter(mapping.delimiter)
        .from_writer(file.writer());
    csv.write_record(&mapping.header)
        .map_err(|e| csv_error(&dest, e))?;
    let mut last = from;
    let mut count = 0u64;
    let mut values: Vec<Option<String>> = Vec::new();
    while let Some(row) = stream.try_next().await? {
        let x: String = row.try_get(0)?;
        let seq: i64 = row.try_get(1)?;
        let xid = x
            .parse::<u64>()
            .map_err(|_| HubError::Internal(format!("change_xid {x:?} is not a number")))?;
        last = last.max(Cursor { xid, seq });
        values.clear();
        for (i, col) in row.columns().iter().enumerate().skip(2) {
            let v = if *col.type_() == Type::TIMESTAMPTZ {
                row.try_get::<_, Option<DateTime<Utc>>>(i)?
                    .map(|t| mapping.time(t))
            } else {
                row.try_get::<_, Option<String>>(i)?
            };
            values.push(v);
        }
        csv.write_record(mapping.render(&values))
            .map_err(|e| csv_error(&dest, e))?;
        count += 1;
    }
    tx.commit().await?;
    csv.flush().map_err(|e| HubError::io(&dest, e))?;
    drop(csv);
    let file_written = if count > 0 {
        file.commit()?;
        write_atomic(&cursor_file, format!("{}\n", last.encode()).as_bytes())?;
        Some(dest)
    } else {
        None
    };
    Ok(ExportReport {
        kind: kind.as_str(),
        rows: count,
        file: file_written,
        from: from.encode(),
        cursor: last.encode(),
    })
}

fn read_cursor(path: &Path) -> Result<Cursor> {
    match std::fs::read_to_string(path) {
        Ok(text) => Cursor::decode(&text).map_err(|e| {
            HubError::Invalid(format!(
                "{}: {e} (delete it to export from the start)",
                path.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Cursor::START),
        Err(e) => Err(HubError::io(path, e)),
    }
}

fn csv_error(path: &Path, e: csv::Error) -> HubError {
    HubError::io(path, std::io::Error::other(e.to_string()))
}
