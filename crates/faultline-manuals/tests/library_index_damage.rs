//! An index that opened fine and is found damaged by a search (a segment file changed on disk
//! afterwards): the search answers "rebuilding" instead of an error, asks its owner once to
//! rebuild from SQLite, and after that rebuild the pages are found again.

use crate::common;

use common::library::{open, run_queue};
use common::pdf::write_pdf;
use common::{limits, worker, TestResult};
use faultline_manuals::index::{IndexStatus, RebuildReason, SCHEMA_VERSION};
use faultline_manuals::library::Library;
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc;

/// Overwrites the first half of every `.store` file of the index in place (same inode).
fn damage_stores(data: &Path) -> TestResult {
    let dir = data.join("index").join(format!("v{SCHEMA_VERSION}"));
    let mut damaged = 0;
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|x| x == "store") {
            let len = std::fs::metadata(&path)?.len();
            let mut f = std::fs::OpenOptions::new().write(true).open(&path)?;
            f.seek(SeekFrom::Start(0))?;
            f.write_all(&vec![0x5A; usize::try_from(len / 2)?])?;
            f.sync_all()?;
            damaged += 1;
        }
    }
    assert!(damaged > 0, "no .store file in {}", dir.display());
    Ok(())
}

#[test]
fn a_damage_found_by_search_asks_for_one_rebuild_and_search_says_rebuilding() -> TestResult {
    let files = tempfile::tempdir()?;
    let data = tempfile::tempdir()?;
    let a = files.path().join("drive.pdf");
    let b = files.path().join("pump.pdf");
    write_pdf(&a, &["Fault OC1: overcurrent during acceleration"])?;
    write_pdf(&b, &["Pump cavitation: check the suction strainer"])?;
    {
        let (store, library) = open(data.path(), worker(), limits())?;
        Library::add_paths(&store, &[a, b], None)?;
        run_queue(&library, &store)?;
    }
    // Opens fine (checksums verified), then a segment file is damaged on disk.
    let (store, library) = open(data.path(), worker(), limits())?;
    assert_eq!(library.index().status(), IndexStatus::Ready);
    let (asked, rebuild_asked) = mpsc::channel();
    library.on_rebuild_needed(move || {
        let _ = asked.send(());
    });
    damage_stores(data.path())?;

    for _ in 0..3 {
        let r = library.search(&store, "cavitation strainer", None, 5)?;
        assert!(r.rebuilding && r.hits.is_empty(), "{r:?}");
    }
    assert!(matches!(
        library.index().status(),
        IndexStatus::NeedsRebuild(RebuildReason::Corrupt(_))
    ));
    assert_eq!(rebuild_asked.try_iter().count(), 1, "asked once");

    // What the app's background thread does when asked.
    library.rebuild(&store, |_| {}, &AtomicBool::new(false))?;
    let r = library.search(&store, "cavitation strainer", None, 5)?;
    assert!(!r.rebuilding);
    assert_eq!(
        r.hits.first().map(|h| h.file_name.as_str()),
        Some("pump.pdf")
    );
    assert_eq!(rebuild_asked.try_iter().count(), 0);
    Ok(())
}
