//! The Azure PdM history (../shared/corpus/history/azure-pdm) imported through the core
//! importer with tests/fixtures/mappings/azure-pdm-*.toml: failures count once although each
//! also comes as a replacement row, same-instant component failures are one stoppage, and a
//! replacement recorded by both files is one replacement. Skipped (with a message) where the
//! corpus is not present.

use crate::common;

use faultline_analytics::risk::facts::Facts;
use faultline_analytics::{metrics, History, Scope};
use std::collections::HashSet;
use std::path::Path;

fn rows(csv: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(csv).unwrap_or_default();
    text.lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

#[test]
fn failures_and_their_replacements_count_once() -> Result<(), Box<dyn std::error::Error>> {
    let corpus = common::azure_corpus()?;
    let (dir, store) = common::azure_store(&corpus, "azure-test")?;
    // 2015-10-01T00:00:00Z: every row of this copy is before it.
    let end = 1_443_657_600_000;
    let h = History::load(&store, Some(end))?;
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);

    let failures = rows(&corpus.join("PdM_failures.csv"));
    let stoppages: HashSet<(String, String)> = failures
        .iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    let m = metrics(&h, &Scope::Site("AZPDM".into()), 0, end);
    assert_eq!(m.breakdown_work_orders, failures.len());
    assert_eq!(m.breakdowns, stoppages.len());
    assert!(m.breakdowns < failures.len(), "same-instant failures exist");
    assert_eq!(m.assets, 100);

    let maint = rows(&corpus.join("PdM_maintenance.csv"));
    let replacements: HashSet<(String, String, String)> = failures
        .iter()
        .chain(&maint)
        .map(|r| (r[0].clone(), r[1].clone(), r[2].clone()))
        .collect();
    let facts = Facts::new(&h, end);
    let counted: usize = facts.assets.iter().map(|a| a.replacements.len()).sum();
    assert_eq!(counted, replacements.len());
    assert!(counted < failures.len() + maint.len());
    Ok(())
}
