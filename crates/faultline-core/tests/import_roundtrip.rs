//! Property: whatever text a CMMS export holds in a cell (quotes, delimiters, line breaks,
//! any script), a CSV written by a standard writer imports to exactly that text, trimmed.

use faultline_core::{FixedClock, SequentialIds, Store};
use proptest::prelude::*;
use std::sync::Arc;

fn import_titles(titles: &[String]) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let mut store = Store::open_in_memory(
        Arc::new(FixedClock::new(chrono::DateTime::UNIX_EPOCH)),
        Arc::new(SequentialIds::default()),
    )?;
    let am = dir.path().join("a.toml");
    std::fs::write(
        &am,
        "kind = \"assets\"\n[fields]\ntag = \"P-1\"\nname = \"Pump\"\n",
    )?;
    let ac = dir.path().join("a.csv");
    std::fs::write(&ac, "x\n1\n")?;
    store.import_csv(&am, &ac)?;
    let wm = dir.path().join("w.toml");
    std::fs::write(
        &wm,
        "kind = \"work_orders\"\n[csv]\nnull_values = []\n[fields]\nkey = \"{n}\"\nasset_tag = \"P-1\"\nwo_type = \"corrective\"\ntitle = \"{t}\"\nreported_at = \"2020-01-01\"\n",
    )?;
    let wc = dir.path().join("w.csv");
    let mut w = csv::Writer::from_path(&wc)?;
    w.write_record(["n", "t"])?;
    for (i, t) in titles.iter().enumerate() {
        w.write_record([i.to_string().as_str(), t.as_str()])?;
    }
    w.flush()?;
    drop(w);
    store.import_csv(&wm, &wc)?;
    let asset = store.resolve_asset("P-1")?;
    let mut hist = store.history(asset.id, 10_000)?;
    hist.sort_by_key(|w| w.number.parse::<usize>().unwrap_or(usize::MAX));
    Ok(hist.into_iter().map(|w| w.title).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_cell_text_survives_the_round_trip(titles in prop::collection::vec(".{0,40}", 1..8)) {
        // An empty (or blank) title is a required field left empty: the import must refuse it.
        // Control characters are cleaned on import (faultline_core::validate::clean_controls).
        let clean = |t: &str| faultline_core::validate::clean_controls(t).trim().to_string();
        let blank = titles.iter().any(|t| clean(t).is_empty());
        match import_titles(&titles) {
            Ok(got) => {
                prop_assert!(!blank, "a blank title was accepted");
                let want: Vec<String> = titles.iter().map(|t| clean(t)).collect();
                prop_assert_eq!(got, want);
            }
            Err(e) => prop_assert!(blank, "import failed: {}", e),
        }
    }
}

#[test]
fn control_characters_in_an_export_are_cleaned_not_stored() -> Result<(), Box<dyn std::error::Error>>
{
    let got = import_titles(&[
        "Pump\u{0} leaks\u{1b}".to_string(),
        "ok\r\nline".to_string(),
    ])?;
    assert_eq!(got, vec!["Pump leaks".to_string(), "ok\nline".to_string()]);
    Ok(())
}
