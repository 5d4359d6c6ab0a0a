//! What the analytics integration tests share: the Azure PdM history imported into a fresh
//! replica through the core importer and tests/fixtures/mappings/azure-pdm-*.toml.

use faultline_core::Store;
use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The Azure PdM corpus (`../shared/corpus/history/azure-pdm` from the project root, or
/// `$FAULTLINE_CORPUS/history/azure-pdm`). Its absence fails the test, saying where to put it:
/// `make test` needs the corpus anyway (the relevance guard), so a skip would only hide a test.
pub fn azure_corpus() -> Result<PathBuf, String> {
    let base = std::env::var_os("FAULTLINE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/corpus"));
    let corpus = base.join("history/azure-pdm");
    if corpus.join("PdM_failures.csv").exists() {
        Ok(corpus)
    } else {
        Err(format!(
            "the Azure PdM history is not at {}: put the corpus at ../shared/corpus next to \
             the project or set FAULTLINE_CORPUS",
            corpus.display()
        ))
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
