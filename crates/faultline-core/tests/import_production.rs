//! The `production` import kind (counts for OEE): a good file imports and reads back, a second
//! import changes nothing, and each kind of bad row is refused with its file, line and column,
//! keeping nothing of the file.

use faultline_core::{FixedClock, SequentialIds, Store};
use std::path::Path;
use std::sync::Arc;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const MAPPING: &str = r#"kind = "production"
[fields]
line = "{LINE}"
asset_tag = "{ASSET}"
shift = "{SHIFT}"
period_start = "{START}"
period_end = "{END}"
planned_busy_hours = "{PBT}"
actual_production_hours = "{APT}"
run_time_per_unit_s = "{CYCLE_S}"
produced = "{MADE}"
good = "{GOOD}"
scrap = "{SCRAP}"
"#;

const HEADER: &str = "LINE,ASSET,SHIFT,START,END,PBT,APT,CYCLE_S,MADE,GOOD,SCRAP\n";
const GOOD_ROWS: &str = "\
L1,,A,2026-03-02 06:00:00,2026-03-02 14:00:00,7.5,,30,720,702,18
l1,,B,2026-03-02 14:00:00,2026-03-02 22:00:00,7.5,7,30,700,,10
,P-1,A,2026-03-02 06:00:00,2026-03-02 14:00:00,8,,12,2000,1990,
";

fn store_with_assets(dir: &Path) -> Result<Store, Box<dyn std::error::Error>> {
    let mut store = Store::open_in_memory(
        Arc::new(FixedClock::new(chrono::DateTime::UNIX_EPOCH)),
        Arc::new(SequentialIds::default()),
    )?;
    let am = dir.join("a.toml");
    std::fs::write(
        &am,
        "kind = \"assets\"\n[fields]\ntag = \"{T}\"\nname = \"{T}\"\nlocation = \"{L}\"\n",
    )?;
    let ac = dir.join("a.csv");
    std::fs::write(&ac, "T,L\nP-1,L1\nP-2,L1\n")?;
    store.import_csv(&am, &ac)?;
    std::fs::write(dir.join("p.toml"), MAPPING)?;
    Ok(store)
}

#[test]
fn a_good_file_imports_reads_back_and_imports_again_unchanged() -> TestResult {
    let dir = tempfile::tempdir()?;
    let mut store = store_with_assets(dir.path())?;
    let csv = dir.path().join("p.csv");
    std::fs::write(&csv, format!("{HEADER}{GOOD_ROWS}"))?;
    let m = dir.path().join("p.toml");
    let r = store.import_csv(&m, &csv)?;
    assert_eq!((r.kind.as_str(), r.rows, r.inserted), ("production", 3, 3));
    let again = store.import_csv(&m, &csv)?;
    assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 3));

    let line = store.production_counts("line", "L1", 0, i64::MAX)?;
    assert_eq!(line.len(), 2);
    assert_eq!(line[0].shift.as_deref(), Some("A"));
    assert_eq!(line[0].scope_code, "L1");
    assert_eq!((line[0].produced, line[0].good), (720.0, 702.0));
    // Good from produced − scrap; the actual production time kept when given.
    assert_eq!(
        (line[1].good, line[1].actual_production_hours),
        (690.0, Some(7.0))
    );
    assert_eq!(line[1].period_end - line[1].period_start, 8 * 3_600_000);
    let asset = store.production_counts("asset", "p-1", 0, i64::MAX)?;
    assert_eq!(asset.len(), 1);
    assert_eq!(asset[0].run_time_per_unit_s, 12.0);

    // A corrected export updates the one shift it changed.
    std::fs::write(
        &csv,
        format!(
            "{HEADER}{}",
            GOOD_ROWS.replace(",720,702,18", ",720,700,20")
        ),
    )?;
    let fixed = store.import_csv(&m, &csv)?;
    assert_eq!((fixed.inserted, fixed.updated, fixed.unchanged), (0, 1, 2));
    Ok(())
}

#[rstest::rstest]
#[case(
    "L9,,A,2026-03-03 06:00:00,2026-03-03 14:00:00,7,,30,10,10,",
    "LINE",
    "not a location"
)]
#[case(
    ",P-9,A,2026-03-03 06:00:00,2026-03-03 14:00:00,7,,30,10,10,",
    "ASSET",
    "P-9"
)]
#[case(
    "L1,P-1,A,2026-03-03 06:00:00,2026-03-03 14:00:00,7,,30,10,10,",
    "LINE",
    "names both"
)]
#[case(
    ",,A,2026-03-03 06:00:00,2026-03-03 14:00:00,7,,30,10,10,",
    "ASSET",
    "both empty"
)]
#[case(
    "L1,,A,2026-03-03 06:00:00,2026-03-03 05:00:00,7,,30,10,10,",
    "END",
    "ends before"
)]
#[case(
    "L1,,A,2026-03-03 06:00:00,2026-03-03 14:00:00,9,,30,10,10,",
    "PBT",
    "within the period"
)]
#[case(
    "L1,,A,2026-03-03 06:00:00,2026-03-03 14:00:00,7,7.5,30,10,10,",
    "APT",
    "between 0"
)]
#[case(
    "L1,,A,2026-03-03 06:00:00,2026-03-03 14:00:00,7,,0,10,10,",
    "CYCLE_S",
    "above 0"
)]
#[case(
    "L1,,A,2026-03-03 06:00:00,2026-03-03 14:00:00,7,,30,ten,10,",
    "MADE",
    "is not a number"
)]
#[case(
    "L1,,A,2026-03-03 06:00:00,2026-03-03 14:00:00,7,,30,10,11,",
    "GOOD",
    "to the produced"
)]
#[case(
    "L1,,A,2026-03-03 06:00:00,2026-03-03 14:00:00,7,,30,10,8,1",
    "SCRAP",
    "is not the produced"
)]
#[case(
    "L1,,A,2026-03-03 06:00:00,2026-03-03 14:00:00,7,,30,10,,",
    "GOOD",
    "both empty"
)]
#[case(
    "L1,,A,2026-03-02 06:00:00,2026-03-02 14:00:00,7,,30,10,10,",
    "START",
    "already on line 2"
)]
#[case(
    "L1,,A,not a day,2026-03-02 14:00:00,7,,30,10,10,",
    "START",
    "is not a date"
)]
fn a_bad_row_is_refused_with_line_and_column_and_nothing_is_kept(
    #[case] bad_row: &str,
    #[case] column: &str,
    #[case] words: &str,
) -> TestResult {
    let dir = tempfile::tempdir()?;
    let mut store = store_with_assets(dir.path())?;
    let csv = dir.path().join("p.csv");
    // Line 2 is a good row; the bad row is line 3.
    let first = GOOD_ROWS.lines().next().unwrap_or_default();
    std::fs::write(&csv, format!("{HEADER}{first}\n{bad_row}\n"))?;
    let err = store
        .import_csv(&dir.path().join("p.toml"), &csv)
        .err()
        .ok_or("the import must fail")?
        .to_string();
    let prefix = format!("{}:3: column \"{column}\": ", csv.display());
    assert!(err.starts_with(&prefix), "{err}\nexpected {prefix}");
    assert!(err.contains(words), "{err}");
    assert!(store
        .production_counts("line", "L1", 0, i64::MAX)?
        .is_empty());
    Ok(())
}
