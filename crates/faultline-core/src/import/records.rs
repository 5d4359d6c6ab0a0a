//! The importer's public output: typed records, one per row (or per job plan), handed to an
//! [`ImportSink`]. The app's SQLite replica is one sink (`sqlite_sink.rs`); the hub's PostgreSQL
//! load is another. The importer parses, validates, applies the mapping and derives the record
//! ids; a sink only stores, and answers the lookups the importer needs through [`AssetLookup`],
//! so no sink reaches into another's tables.
//!
//! Text fields borrow from the CSV row being read: a sink that keeps a record copies it.

use crate::domain::{CatalogLevel, Criticality, Procedure, WorkOrderStatus, WorkOrderType};
use crate::error::{CoreError, Result};
use crate::import_error::ImportError;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A site named by an asset row, sent once per import the first time it is seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteRecord<'a> {
    pub code: &'a str,
    /// The site's name when the file gives one (the site's code stands in otherwise).
    pub name: Option<&'a str>,
}

/// Where an asset stands: the location's code within its site and its name (the code when the
/// file gives no name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocationRecord<'a> {
    pub code: &'a str,
    pub name: &'a str,
}

/// An asset's make: either part may be empty, never both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelRecord<'a> {
    pub manufacturer: &'a str,
    pub model: &'a str,
}

/// One asset row. Its parent comes later as an [`AssetParent`], once the whole file is read
/// (a parent may come after its children).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetRecord<'a> {
    /// Derived from the key: the same file gives the same ids everywhere.
    pub id: Uuid,
    /// The stable key, unique within the file (the n-th repeat of a key gets `#n`).
    pub external_key: &'a str,
    pub tag: &'a str,
    pub name: &'a str,
    /// The export's own site code (`MAIN` when the mapping gives none).
    pub site: &'a str,
    pub location: Option<LocationRecord<'a>>,
    pub model: Option<ModelRecord<'a>>,
    pub equipment_class: Option<&'a str>,
    pub criticality: Option<Criticality>,
    pub serial_number: Option<&'a str>,
    pub description: Option<&'a str>,
}

/// The parent of the asset with `external_key`, by tag (`None`: it has none). Sent only when the
/// mapping maps `parent_tag`; otherwise an asset keeps the parent it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetParent<'a> {
    pub external_key: &'a str,
    pub parent_tag: Option<&'a str>,
}

/// One work-order row, its asset already resolved by the sink ([`AssetLookup::asset_by_tag`]).
#[derive(Debug, Clone, PartialEq)]
pub struct WorkOrderRecord<'a, A> {
    /// Derived from the reported time and the key.
    pub id: Uuid,
    pub external_key: &'a str,
    /// The CMMS number (the key when the mapping gives none).
    pub number: &'a str,
    pub asset: A,
    pub wo_type: WorkOrderType,
    pub status: WorkOrderStatus,
    /// 1 (highest) to 5.
    pub priority: u8,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub fault_code: Option<&'a str>,
    pub reported_by: Option<&'a str>,
    pub reported_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub downtime_start: Option<DateTime<Utc>>,
    pub downtime_end: Option<DateTime<Utc>>,
    pub failure_class: Option<&'a str>,
    pub problem_code: Option<&'a str>,
    pub cause_code: Option<&'a str>,
    pub remedy_code: Option<&'a str>,
    pub iso_failure_mode: Option<&'a str>,
    pub iso_failure_mechanism: Option<&'a str>,
    pub iso_failure_cause: Option<&'a str>,
    pub remedy_text: Option<&'a str>,
    pub cost: Option<f64>,
}

impl<'a, A> WorkOrderRecord<'a, A> {
    /// The closing codes in the replica's column order: failure class, problem, cause, remedy,
    /// ISO 14224 failure mode, mechanism and cause, remedy text.
    pub fn codes(&self) -> [Option<&'a str>; 8] {
        [
            self.failure_class,
            self.problem_code,
            self.cause_code,
            self.remedy_code,
            self.iso_failure_mode,
            self.iso_failure_mechanism,
            self.iso_failure_cause,
            self.remedy_text,
        ]
    }
}

/// One failure-catalogue entry; `parent` is empty for a top-level entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureCodeRecord<'a> {
    pub level: CatalogLevel,
    pub parent: &'a str,
    pub code: &'a str,
    pub description: &'a str,
}

/// What the importer asks of the records already stored where it writes.
pub trait AssetLookup {
    /// How the sink refers to an asset (the replica's row id, the hub's uuid…).
    type AssetRef;

    /// The asset a row names by `tag` (case-insensitive), as held before this import.
    fn asset_by_tag(&mut self, tag: &str) -> Result<Option<Self::AssetRef>>;
}

/// Where the importer's records go. Each write returns whether it changed what the sink holds
/// (the SQLite sink's report counts them; the hub counts its own). A sink refuses one record
/// with [`refused`], which the importer turns into a `FILE:LINE` error for that row.
pub trait ImportSink: AssetLookup {
    /// A site, the first time an asset row names it.
    fn site(&mut self, r: &SiteRecord<'_>) -> Result<()>;
    fn asset(&mut self, r: &AssetRecord<'_>) -> Result<bool>;
    /// Sets the parent of an asset of this file; `Ok(false)` when no asset held or written has
    /// the parent's tag.
    fn asset_parent(&mut self, r: &AssetParent<'_>) -> Result<bool>;
    /// Every asset and parent of the file is in: the sink checks what needs them all (an asset
    /// may not be its own parent).
    fn assets_done(&mut self) -> Result<()>;
    fn work_order(&mut self, r: &WorkOrderRecord<'_, Self::AssetRef>) -> Result<bool>;
    fn failure_code(&mut self, r: &FailureCodeRecord<'_>) -> Result<bool>;
    /// A job plan, gathered from its rows, steps renumbered 1..n and checked; it replaces the
    /// stored one whole.
    fn procedure(&mut self, p: &Procedure) -> Result<bool>;
}

/// A sink's refusal of the record it was given (a tag another asset has, say): the importer
/// adds the file, the line and what the row was.
pub fn refused(message: impl Into<String>) -> CoreError {
    CoreError::Import(ImportError {
        file: String::new(),
        line: None,
        column: None,
        message: message.into(),
    })
}

/// Locates a sink's [`refused`] at `line` as "`what`: reason"; other errors pass unchanged.
pub(super) fn at_line(e: CoreError, line: u64, what: &str) -> CoreError {
    match e {
        CoreError::Import(mut ie) if ie.line.is_none() && ie.file.is_empty() => {
            ie.line = Some(line);
            ie.message = format!("{what}: {}", ie.message);
            CoreError::Import(ie)
        }
        other => other,
    }
}

/// How many rows a file had (job plans for a procedures file) and how many records changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCount {
    pub rows: u64,
    pub changes: u64,
}
