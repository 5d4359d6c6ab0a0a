//! Import of CMMS exports: a CSV file plus a TOML mapping (see docs/import-mapping.md).
//!
//! One import is one SQLite transaction: a bad row stops it and nothing of the file is kept.
//! Every row has a stable key, and record ids are derived from it, so importing the same file
//! again changes nothing and a corrected export updates exactly the rows it changed.
//!
//! The importer yields typed records ([`read_records`] → an [`ImportSink`]): the app's replica
//! is one sink (`Store::import_csv`), the hub's PostgreSQL load another.

mod dates;
mod fault_events;
mod mapping;
mod procedures;
mod production;
mod reader;
mod records;
mod sinks;
mod sqlite_sink;
mod stream;
mod template;

pub use crate::import_error::ImportError;
pub use dates::parse_timezone;
pub use mapping::{Mapping, RecordKind};
pub use records::{
    refused, AssetLookup, AssetParent, AssetRecord, FailureCodeRecord, ImportCount, ImportSink,
    LocationRecord, ModelRecord, SiteRecord, WorkOrderRecord,
};
pub use stream::read_records;
/// Templates are shared with the hub's CSV export (the mapping language run backwards).
pub use template::{Bound, Template};

use crate::error::Result;
use crate::store::Store;
use serde::Serialize;
use std::path::Path;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub kind: String,
    pub rows: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl Store {
    /// Imports `csv_path` as described by the mapping file at `mapping_path`.
    pub fn import_csv(&mut self, mapping_path: &Path, csv_path: &Path) -> Result<ImportReport> {
        let mapping = Mapping::load(mapping_path)?;
        self.import_with_mapping(&mapping, csv_path)
    }

    pub fn import_with_mapping(
        &mut self,
        mapping: &Mapping,
        csv_path: &Path,
    ) -> Result<ImportReport> {
        let started = std::time::Instant::now();
        let report = sinks::run(self, mapping, csv_path)?;
        tracing::info!(
            file = %csv_path.display(),
            rows = report.rows,
            inserted = report.inserted,
            updated = report.updated,
            ms = started.elapsed().as_millis() as u64,
            "import finished"
        );
        Ok(report)
    }
}
