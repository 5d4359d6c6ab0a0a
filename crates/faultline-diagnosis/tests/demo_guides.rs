//! The demo plant's guides (assets/demo/guides) pass every check against the demo plant's
//! failure catalogue, and the diagnosis of its machines selects them.

use faultline_core::{FixedClock, SequentialIds, Store};
use faultline_diagnosis::guide::{check, guide_for};
use std::path::PathBuf;
use std::sync::Arc;

fn demo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo")
}

fn demo_store() -> Store {
    let clock = Arc::new(FixedClock::new(chrono::DateTime::UNIX_EPOCH));
    let mut store = match Store::open_in_memory(clock, Arc::new(SequentialIds::default())) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    if let Err(e) = faultline_core::demo::load_demo(&mut store, &demo()) {
        panic!("{e}");
    }
    store
}

#[test]
fn every_demo_guide_passes_the_checks_and_is_selected_for_its_machine() {
    let mut store = demo_store();
    let catalog = match store.failure_catalog() {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(demo().join("guides"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    assert!(files.len() >= 4, "{files:?}");
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        match check(&f.display().to_string(), &text, Some(&catalog)) {
            Ok(g) => {
                assert!(store.put_guide(&g, Some(&text)).is_ok());
            }
            Err(errors) => panic!("{}: {errors:#?}", f.display()),
        }
    }
    for (tag, code, guide) in [
        ("VFD-202", "oc 1", "VX300-OC1"),
        ("CMP-301", "E101", "NSC-E101"),
        ("PMP-302", "VIB HI", "PUMP-VIB"),
        ("CNC-101", "AL2040", "KM600-AL2040"),
    ] {
        let asset = match store.resolve_asset(tag) {
            Ok(a) => a,
            Err(e) => panic!("{e}"),
        };
        let found = guide_for(&store, &asset, &[code.to_string()], None, &[]);
        let found = found.map(|(g, generated)| (g.id, generated)).ok();
        assert_eq!(found, Some((guide.to_string(), false)), "{tag} {code}");
    }
    let vfd = match store.resolve_asset("VFD-202") {
        Ok(a) => a,
        Err(e) => panic!("{e}"),
    };
    let none = guide_for(&store, &vfd, &["OH".to_string()], None, &[]);
    assert_eq!(none.map(|(_, generated)| generated).ok(), Some(true));
}
