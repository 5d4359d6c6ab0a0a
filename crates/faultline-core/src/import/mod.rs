//! Import of CMMS exports: a CSV file plus a TOML mapping (see docs/import-mapping.md).
//!
//! One import is one SQLite transaction: a bad row stops it and nothing of the file is kept.
//! Every row has a stable key, and record ids are derived from it, so importing the same file
//! again changes nothing and a corrected export updates exactly the rows it changed.

mod dates;
mod mapping;
mod procedures;
mod production;
mod reader;
mod sinks;
mod template;

pub use mapping::{Mapping, RecordKind};

use crate::error::Result;
use crate::store::Store;
use serde::Serialize;
use std::path::Path;

/// A problem with an import file or its mapping, located as precisely as possible.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct ImportError {
    pub file: String,
    /// 1-based line in the file (the header is line 1).
    pub line: Option<u64>,
    pub column: Option<String>,
    pub message: String,
}

impl ImportError {
    pub fn new(file: &Path, message: impl Into<String>) -> Self {
        ImportError {
            file: file.display().to_string(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    pub fn at(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }

    pub fn column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }

    fn render(&self) -> String {
        let mut s = self.file.clone();
        if let Some(line) = self.line {
            s.push_str(&format!(":{line}"));
        }
        if let Some(col) = &self.column {
            s.push_str(&format!(": column \"{col}\""));
        }
        s.push_str(": ");
        s.push_str(&self.message);
        s
    }
}

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
