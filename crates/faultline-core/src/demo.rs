//! The bundled demo plant: imports `assets/demo/` (catalogue, assets, work orders, alarms) in
//! the order their references need.

use crate::error::{CoreError, Result};
use crate::import::ImportReport;
use crate::store::Store;
use std::path::Path;

/// The demo's files, in import order.
pub const DEMO_FILES: [&str; 5] = [
    "failure_codes",
    "assets",
    "work_orders",
    "fault_events",
    "procedures",
];

/// Imports every demo file found in `dir` (each `NAME.csv` with its `NAME.toml`).
pub fn load_demo(store: &mut Store, dir: &Path) -> Result<Vec<ImportReport>> {
    let mut reports = Vec::new();
    for name in DEMO_FILES {
        let csv = dir.join(format!("{name}.csv"));
        let mapping = dir.join(format!("{name}.toml"));
        if !csv.exists() || !mapping.exists() {
            return Err(CoreError::NotFound(format!(
                "the demo plant is incomplete: {} or {} is missing; run `python3 assets/demo/generate.py`",
                csv.display(),
                mapping.display()
            )));
        }
        reports.push(store.import_csv(&mapping, &csv)?);
    }
    Ok(reports)
}
