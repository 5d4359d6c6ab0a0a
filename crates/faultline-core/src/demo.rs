//! The bundled demo plant: imports `assets/demo/` (catalogue, assets, work orders, alarms) in
//! the order their references need, and names the demo's OEM manuals (`assets/demo/manuals/`,
//! written by `assets/demo/generate_manuals.py`) with the asset models each belongs to.

use crate::error::{CoreError, Result};
use crate::import::ImportReport;
use crate::store::Store;
use std::path::Path;

/// The demo's files, in import order.
pub const DEMO_FILES: [&str; 6] = [
    "failure_codes",
    "assets",
    "work_orders",
    "fault_events",
    "procedures",
    "production",
];

/// One of the demo's OEM manuals: its file under `manuals/` and the asset models it is linked to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoManual {
    pub file: &'static str,
    pub manufacturer: &'static str,
    pub models: &'static [&'static str],
}

/// The demo's manuals (the same list as `MANUALS` in `assets/demo/generate_manuals.py`).
pub const DEMO_MANUALS: [DemoManual; 3] = [
    DemoManual {
        file: "vantor-vx300-instruction-manual.pdf",
        manufacturer: "Vantor Drives",
        models: &["VX-300"],
    },
    DemoManual {
        file: "nordhavn-nsc-operation-maintenance.pdf",
        manufacturer: "Nordhavn Air",
        models: &["NSC-55", "NSC-37"],
    },
    DemoManual {
        file: "kessler-km600-maintenance-manual.pdf",
        manufacturer: "Kessler Mechatronik",
        models: &["KM-600", "KM-800H"],
    },
];

/// The demo manuals' files in `dir` (the demo folder), each checked to exist.
pub fn demo_manual_paths(dir: &Path) -> Result<Vec<(DemoManual, std::path::PathBuf)>> {
    DEMO_MANUALS
        .iter()
        .map(|m| {
            let path = dir.join("manuals").join(m.file);
            if path.is_file() {
                Ok((*m, path))
            } else {
                Err(CoreError::NotFound(format!(
                    "the demo plant is incomplete: {} is missing; run `python3 assets/demo/generate.py`",
                    path.display()
                )))
            }
        })
        .collect()
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn demo_dir() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo")
    }

    #[test]
    fn every_demo_manual_is_generated_and_names_models_the_demo_plant_has() {
        let dir = demo_dir();
        let found = demo_manual_paths(&dir).map_err(|e| e.to_string());
        assert_eq!(found.map(|f| f.len()), Ok(DEMO_MANUALS.len()));
        let generator =
            std::fs::read_to_string(dir.join("generate_manuals.py")).unwrap_or_default();
        let assets = std::fs::read_to_string(dir.join("assets.csv")).unwrap_or_default();
        for m in DEMO_MANUALS {
            assert!(generator.contains(m.file), "{} is not in MANUALS", m.file);
            for model in m.models {
                let row = format!(",{},{model},", m.manufacturer);
                assert!(assets.contains(&row), "no demo asset is a {row}");
            }
        }
    }

    #[test]
    fn a_missing_demo_manual_says_how_to_make_it() {
        let empty = std::env::temp_dir().join("faultline-no-demo-manuals");
        let err = demo_manual_paths(&empty)
            .map(|_| ())
            .map_err(|e| e.to_string());
        assert!(
            matches!(&err, Err(m) if m.contains("generate.py")),
            "{err:?}"
        );
    }
}
