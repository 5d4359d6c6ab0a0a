//! Import tests on files: the hand-written bad CSVs (each fails with file, line and column, and
//! keeps nothing), the controls, and the real corpus exports with the mappings in tests/fixtures.

use faultline_core::{CoreError, FixedClock, SequentialIds, Store};
use std::path::{Path, PathBuf};
use std::sync::Arc;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn bad(name: &str) -> (PathBuf, PathBuf) {
    let dir = repo().join("tests/fixtures/bad");
    (
        dir.join(format!("{name}.toml")),
        dir.join(format!("{name}.csv")),
    )
}

/// `../shared/corpus` from the project root, or `FAULTLINE_CORPUS`. Absent only on machines
/// without the corpus; in CI it is always there, so its absence fails the test.
fn corpus() -> Option<PathBuf> {
    let p = std::env::var_os("FAULTLINE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/corpus"));
    if p.join("history").is_dir() {
        return Some(p);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "the corpus is missing at {} in CI",
        p.display()
    );
    eprintln!(
        "SKIPPED: no corpus at {} (set FAULTLINE_CORPUS)",
        p.display()
    );
    None
}

fn store() -> Result<Store, CoreError> {
    let clock = chrono::DateTime::parse_from_rfc3339("2026-11-20T08:00:00Z")
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_default();
    Store::open_in_memory(
        Arc::new(FixedClock::new(clock)),
        Arc::new(SequentialIds::default()),
    )
}

fn with_assets() -> Result<Store, Box<dyn std::error::Error>> {
    let mut s = store()?;
    let (m, c) = bad("base-assets");
    s.import_csv(&m, &c)?;
    Ok(s)
}

#[rstest::rstest]
#[case("missing-column", 1, "REPORTDATE", "does not have")]
#[case("empty-required", 5, "DESCRIPTION", "empty")]
#[case("bad-date", 4, "REPORTDATE", "is not a date")]
#[case("not-utf8", 3, "DESCRIPTION", "windows-1252")]
#[case("unknown-asset", 3, "ASSETNUM", "VFD-9")]
#[case("bad-enum", 5, "WORKTYPE", "banana")]
#[case("bad-priority", 3, "WOPRIORITY", "\"9\"")]
fn a_bad_file_names_file_line_and_column_and_keeps_nothing(
    #[case] name: &str,
    #[case] line: u64,
    #[case] column: &str,
    #[case] words: &str,
) -> TestResult {
    let mut s = with_assets()?;
    let (m, c) = bad(name);
    let err = s.import_csv(&m, &c).err().ok_or("the import must fail")?;
    let text = err.to_string();
    let prefix = format!("{}:{line}: column \"{column}\": ", c.display());
    assert!(
        text.starts_with(&prefix),
        "{text}\n does not start with {prefix}"
    );
    assert!(text.contains(words), "{text}\n does not mention {words}");
    assert_eq!(
        s.counts()?.work_orders,
        0,
        "nothing of a failed import is kept"
    );
    Ok(())
}

#[test]
fn good_files_import_and_reimporting_changes_nothing() -> TestResult {
    let mut s = with_assets()?;
    for name in ["good", "duplicate-keys", "not-utf8-as-windows-1252"] {
        let dir = repo().join("tests/fixtures/bad");
        let csv = if name == "not-utf8-as-windows-1252" {
            "not-utf8"
        } else {
            name
        };
        let (m, c) = (
            dir.join(format!("{name}.toml")),
            dir.join(format!("{csv}.csv")),
        );
        let before = s.counts()?.work_orders;
        let first = s.import_csv(&m, &c)?;
        assert_eq!(first.rows, 4, "{name}");
        let again = s.import_csv(&m, &c)?;
        assert_eq!(
            (again.inserted, again.updated, again.unchanged),
            (0, 0, 4),
            "{name}: {again:?}"
        );
        assert!(s.counts()?.work_orders >= before, "{name}");
    }
    let pmp = s.resolve_asset("PMP-1")?;
    let titles: Vec<String> = s
        .history(pmp.id, 100)?
        .into_iter()
        .map(|w| w.title)
        .collect();
    let vfd = s.resolve_asset("VFD-1")?;
    let vfd_titles: Vec<String> = s
        .history(vfd.id, 100)?
        .into_iter()
        .map(|w| w.title)
        .collect();
    assert!(
        titles
            .iter()
            .chain(vfd_titles.iter())
            .any(|t| t.contains("48°C")),
        "windows-1252 text decoded: {titles:?} {vfd_titles:?}"
    );
    Ok(())
}

#[test]
fn the_real_excavator_and_azure_exports_import_with_their_mappings() -> TestResult {
    let Some(corpus) = corpus() else {
        return Ok(());
    };
    let maps = repo().join("tests/fixtures/mappings");
    let h = corpus.join("history");
    let steps: [(&str, PathBuf, u64); 6] = [
        ("excavator-assets", maps.join("excavator-assets.csv"), 5),
        (
            "excavator-mwo",
            h.join("excavator-mwo/excavators-cleaned.csv"),
            5_485,
        ),
        (
            "azure-pdm-machines",
            h.join("azure-pdm/PdM_machines.csv"),
            100,
        ),
        (
            "azure-pdm-errors",
            h.join("azure-pdm/PdM_errors.csv"),
            2_925,
        ),
        (
            "azure-pdm-failures",
            h.join("azure-pdm/PdM_failures.csv"),
            581,
        ),
        (
            "azure-pdm-maintenance",
            h.join("azure-pdm/PdM_maintenance.csv"),
            2_554,
        ),
    ];
    let mut s = store()?;
    for (mapping, file, rows) in &steps {
        let r = s.import_csv(&maps.join(format!("{mapping}.toml")), file)?;
        assert_eq!((r.rows, r.inserted), (*rows, *rows), "{mapping}: {r:?}");
    }
    let c = s.counts()?;
    assert_eq!(c.assets, 105);
    assert_eq!(c.work_orders, 5_485 + 581 + 2_554);
    assert_eq!(c.fault_events, 2_925);
    for (mapping, file, rows) in &steps {
        let r = s.import_csv(&maps.join(format!("{mapping}.toml")), file)?;
        assert_eq!(
            r.unchanged, *rows,
            "re-import of {mapping} changed something: {r:?}"
        );
    }
    let d = s.resolve_asset("EX-D")?;
    assert_eq!(s.asset_page(d.id, 10)?.history_total, 2_374);
    let pdm = s.resolve_asset("PDM-1")?;
    let page = s.asset_page(pdm.id, 500)?;
    assert!(page.history.iter().any(|w| w.wo_type
        == faultline_core::domain::WorkOrderType::Breakdown
        && w.failure
            .cause_code
            .as_deref()
            .is_some_and(|c| c.starts_with("comp"))));
    assert!(!page.recent_faults.is_empty());
    Ok(())
}

#[test]
fn a_corrected_export_updates_only_the_rows_it_changed() -> TestResult {
    let mut s = with_assets()?;
    let (m, c) = bad("good");
    s.import_csv(&m, &c)?;
    let dir = tempfile::tempdir()?;
    let corrected = dir.path().join("good.csv");
    let text = std::fs::read_to_string(&c)?;
    let first_title = text
        .lines()
        .nth(1)
        .and_then(|l| l.split(',').nth(5))
        .ok_or("no title")?
        .to_string();
    std::fs::write(
        &corrected,
        text.replacen(&first_title, "Pump seal leaking at DE side", 1),
    )?;
    let r = s.import_csv(&m, &corrected)?;
    assert_eq!((r.inserted, r.updated, r.unchanged), (0, 1, 3), "{r:?}");
    assert_eq!(s.counts()?.work_orders, 4);
    Ok(())
}
