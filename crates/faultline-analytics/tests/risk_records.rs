//! The risk ranking's lean read (`RiskRecords::load`: breakdowns, replacements, first work
//! orders and the alarm windows, through indexes) against the whole-history read it replaces:
//! the same records and the same ranking on the demo plant and on the Azure PdM history (with
//! its alarms and component replacements; skipped with a message where the corpus is absent).

use crate::common;

use faultline_analytics::risk::records::RiskRecords;
use faultline_analytics::risk::{rank, rank_records};
use faultline_analytics::History;
use faultline_core::Store;
use std::path::PathBuf;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const DAY_MS: i64 = 24 * 3_600_000;

fn temp_store(name: &str) -> Result<(PathBuf, Store), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("faultline-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store = Store::open(&dir)?;
    Ok((dir, store))
}

/// At each time and horizon: the lean read equals the records cut out of the whole history,
/// and both rank as `rank` on the whole history. Answers how many rankings were fitted.
fn same_both_ways(store: &Store, times: &[i64], horizons: &[u32]) -> Result<usize, String> {
    let mut fitted = 0;
    for &at in times {
        let h = History::load(store, Some(at)).map_err(|e| e.to_string())?;
        for &horizon in horizons {
            let lean = RiskRecords::load(store, at, horizon).map_err(|e| e.to_string())?;
            let cut = RiskRecords::from_history(&h, at, horizon);
            let differ: Vec<&str> = [
                ("breakdowns", lean.breakdowns == cut.breakdowns),
                ("replacements", lean.replacements == cut.replacements),
                (
                    "first work orders",
                    lean.first_work_orders == cut.first_work_orders,
                ),
                ("alarms", lean.alarms == cut.alarms),
            ]
            .into_iter()
            .filter_map(|(what, same)| (!same).then_some(what))
            .collect();
            if !differ.is_empty() {
                return Err(format!("at {at} horizon {horizon}: {differ:?} differ"));
            }
            if lean != cut {
                return Err(format!("at {at} horizon {horizon}: the records differ"));
            }
            let full = serde_json::to_value(rank(&h, at, horizon)).map_err(|e| e.to_string())?;
            let fast = serde_json::to_value(rank_records(&lean)).map_err(|e| e.to_string())?;
            if full != fast {
                return Err(format!("at {at} horizon {horizon}: the rankings differ"));
            }
            if full["model"]["fitted"] == serde_json::Value::Bool(true) {
                fitted += 1;
            }
        }
    }
    Ok(fitted)
}

#[test]
fn the_demo_plant_ranks_the_same_on_the_lean_read() -> TestResult {
    let (dir, mut store) = temp_store("risk-records-demo")?;
    faultline_core::demo::load_demo(&mut store, &common::root().join("assets/demo"))?;
    let h = History::load(&store, None)?;
    let (Some(first), Some(last)) = (h.work_orders.first(), h.work_orders.last()) else {
        return Err("the demo plant has no work orders".into());
    };
    assert!(!h.alarms.is_empty(), "the demo plant has alarms");
    let (t0, t1) = (first.reported_at, last.reported_at + DAY_MS);
    let times: Vec<i64> = (1..=4).map(|i| t0 + (t1 - t0) * i / 4).collect();
    let fitted = same_both_ways(&store, &times, &[7, 30])?;
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(fitted > 0, "some rankings were fitted, not priors");
    Ok(())
}

#[test]
fn the_azure_history_ranks_the_same_on_the_lean_read() -> TestResult {
    let corpus = common::azure_corpus()?;
    let (dir, store) = common::azure_store(&corpus, "risk-records-azure")?;
    // 2015-07-01 and 2015-09-24 (UTC), inside the back-test's span: component replacements
    // from two files and alarms (errors) of every machine.
    let times = [1_435_708_800_000, 1_443_052_800_000];
    let fitted = same_both_ways(&store, &times, &[7, 14])?;
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(fitted, 4, "the Azure rankings are fitted");
    Ok(())
}
