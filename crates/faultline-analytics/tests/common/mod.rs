//! What the analytics integration tests share: the Azure PdM history imported into a fresh
//! replica through the core importer and tests/fixtures/mappings/azure-pdm-*.toml.

use faultline_core::Store;
use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The Azure PdM corpus (../shared/corpus/history/azure-pdm), or `None` (said on stderr)
/// where it is not present.
pub fn azure_corpus() -> Option<PathBuf> {
    let corpus = root().join("../shared/corpus/history/azure-pdm");
    if corpus.join("PdM_failures.csv").exists() {
        Some(corpus)
    } else {
        eprintln!("skipped: {} not present", corpus.display());
        None
    }
}

/// A replica in a temporary directory named after `name` with the corpus imported: machines,
/// failures, maintenance and errors. Returns the directory (to remove) and the store.
pub fn azure_store(
    corpus: &Path,
    name: &str,
) -> Result<(PathBuf, Store), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("faultline-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut store = Store::open(&dir)?;
    let maps = root().join("tests/fixtures/mappings");
    for (m, c) in [
        ("azure-pdm-machines.toml", "PdM_machines.csv"),
        ("azure-pdm-failures.toml", "PdM_failures.csv"),
        ("azure-pdm-maintenance.toml", "PdM_maintenance.csv"),
        ("azure-pdm-errors.toml", "PdM_errors.csv"),
    ] {
        store.import_csv(&maps.join(m), &corpus.join(c))?;
    }
    Ok((dir, store))
}
