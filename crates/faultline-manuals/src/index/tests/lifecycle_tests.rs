//! The index's life cycle: missing, corrupt or outdated indexes report "needs rebuild" and
//! search says "rebuilding" instead of failing; rebuilds (also cancelled ones, and with writes
//! and searches during them) leave a working index; writes commit per manual.

use super::fixtures::{built, library, page, search, top, TestResult, HEATING, SPINDLE, VFD};
use crate::index::{
    IndexStatus, ManualIndex, RebuildOutcome, RebuildReason, SearchQuery, WriteOutcome,
    SCHEMA_VERSION,
};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use uuid::Uuid;

fn current(root: &Path) -> PathBuf {
    root.join(format!("v{SCHEMA_VERSION}"))
}

/// The largest file of a directory (a segment's store or postings).
fn largest_file(dir: &Path) -> TestResult<PathBuf> {
    let mut best: Option<(u64, PathBuf)> = None;
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let len = e.metadata()?.len();
        if best.as_ref().is_none_or(|(l, _)| len > *l) {
            best = Some((len, e.path()));
        }
    }
    Ok(best.ok_or("empty dir")?.1)
}

fn needs_rebuild(index: &ManualIndex) -> Option<RebuildReason> {
    match index.status() {
        IndexStatus::NeedsRebuild(r) => Some(r),
        _ => None,
    }
}

#[test]
fn a_missing_index_needs_a_rebuild_and_search_says_so() -> TestResult {
    let dir = tempfile::tempdir()?;
    let index = ManualIndex::open(dir.path().join("index"))?;
    assert_eq!(needs_rebuild(&index), Some(RebuildReason::Missing));
    let r = index.search(&SearchQuery::new("E.oC.1"))?;
    assert!(r.rebuilding);
    assert!(r.hits.is_empty());
    assert_eq!(index.add_manual(library())?, WriteOutcome::Deferred);
    Ok(())
}

#[test]
fn rebuild_then_search_works_and_survives_a_reopen() -> TestResult {
    let (dir, index) = built()?;
    assert_eq!(index.status(), IndexStatus::Ready);
    assert_eq!(index.num_pages(), library().len() as u64);
    assert_eq!(top(&index, "E.oC.1")?, Some((VFD, 12)));
    let root = index.root().to_path_buf();
    drop(index);
    let index = ManualIndex::open(&root)?;
    assert_eq!(index.status(), IndexStatus::Ready);
    assert_eq!(top(&index, "Err 31")?, Some((SPINDLE, 5)));
    drop(dir);
    Ok(())
}

#[test]
fn a_built_index_compresses_stored_text_in_large_blocks() -> TestResult {
    // The larger store blocks pay for the heading fields' size (docs/benchmarks.md).
    let (dir, index) = built()?;
    let root = index.root().to_path_buf();
    drop(index);
    let tantivy_index = tantivy::Index::open_in_dir(current(&root))?;
    assert_eq!(tantivy_index.settings().docstore_blocksize, 65_536);
    drop(dir);
    Ok(())
}

#[test]
fn a_damaged_segment_file_needs_a_rebuild() -> TestResult {
    let (_dir, index) = built()?;
    let root = index.root().to_path_buf();
    drop(index);
    let victim = largest_file(&current(&root))?;
    let mut bytes = std::fs::read(&victim)?;
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 16] {
        *b ^= 0xA5;
    }
    std::fs::write(&victim, bytes)?;

    let index = ManualIndex::open(&root)?;
    assert!(
        matches!(needs_rebuild(&index), Some(RebuildReason::Corrupt(_))),
        "{:?}",
        index.status()
    );
    let r = index.search(&SearchQuery::new("spindle"))?;
    assert!(r.rebuilding && r.hits.is_empty());
    index.rebuild(library(), |_| {}, &AtomicBool::new(false))?;
    assert_eq!(top(&index, "AL 1021")?, Some((SPINDLE, 5)));
    Ok(())
}

#[test]
fn a_garbled_or_missing_meta_file_needs_a_rebuild() -> TestResult {
    for damage in ["garble", "remove"] {
        let (_dir, index) = built()?;
        let root = index.root().to_path_buf();
        drop(index);
        let meta = current(&root).join("meta.json");
        if damage == "garble" {
            std::fs::write(&meta, b"{\"segments\": [oops")?;
        } else {
            std::fs::remove_file(&meta)?;
        }
        let index = ManualIndex::open(&root)?;
        assert!(
            matches!(needs_rebuild(&index), Some(RebuildReason::Corrupt(_))),
            "{damage}: {:?}",
            index.status()
        );
    }
    Ok(())
}

#[test]
fn an_index_of_another_schema_version_needs_a_rebuild_and_is_removed_after() -> TestResult {
    let (_dir, index) = built()?;
    let root = index.root().to_path_buf();
    drop(index);
    let old = root.join(format!("v{}", SCHEMA_VERSION + 7));
    std::fs::rename(current(&root), &old)?;

    let index = ManualIndex::open(&root)?;
    assert_eq!(
        needs_rebuild(&index),
        Some(RebuildReason::SchemaChanged {
            found: vec![SCHEMA_VERSION + 7]
        })
    );
    assert!(index.search(&SearchQuery::new("spindle"))?.rebuilding);
    let outcome = index.rebuild(library(), |_| {}, &AtomicBool::new(false))?;
    assert_eq!(
        outcome,
        RebuildOutcome::Completed {
            pages: library().len() as u64,
            manuals: 4
        }
    );
    assert!(!old.exists());
    assert!(current(&root).exists());
    assert_eq!(top(&index, "F0002")?, Some((HEATING, 9)));
    Ok(())
}

#[test]
fn a_cancelled_rebuild_changes_nothing() -> TestResult {
    let dir = tempfile::tempdir()?;
    let root = dir.path().join("index");
    let index = ManualIndex::open(&root)?;
    let cancel = AtomicBool::new(false);
    let pages = library().into_iter().enumerate().map(|(i, p)| {
        if i == 5 {
            cancel.store(true, Ordering::Relaxed);
        }
        p
    });
    assert_eq!(
        index.rebuild(pages, |_| {}, &cancel)?,
        RebuildOutcome::Cancelled
    );
    assert_eq!(needs_rebuild(&index), Some(RebuildReason::Missing));
    assert!(!root.join(format!("v{SCHEMA_VERSION}.building")).exists());

    // From a ready index, a cancelled rebuild keeps serving the old one.
    let (_d, ready) = built()?;
    let cancel = AtomicBool::new(true);
    assert_eq!(
        ready.rebuild(Vec::new(), |_| {}, &cancel)?,
        RebuildOutcome::Cancelled
    );
    assert_eq!(ready.status(), IndexStatus::Ready);
    assert_eq!(top(&ready, "E31")?, Some((SPINDLE, 5)));
    Ok(())
}

#[test]
fn searches_and_writes_during_a_rebuild() -> TestResult {
    let (_dir, index) = built()?;
    let during = index.clone();
    let extra = Uuid::from_u128(42);
    let mut seen_rebuilding = false;
    let mut writes = Vec::new();
    let pages: Vec<_> = library();
    let n = pages.len();
    let feed = pages.into_iter().enumerate().map(|(i, p)| {
        if i == n / 2 {
            // The old index still answers, and says a rebuild runs.
            if let Ok(r) = during.search(&SearchQuery::new("E.oC.1")) {
                seen_rebuilding = r.rebuilding && !r.hits.is_empty();
            }
            // An import during the rebuild lands in the new index.
            writes.push(during.add_manual(vec![page(
                extra,
                "late_import.pdf",
                "LT-1",
                "en",
                1,
                "Hydraulic pump cavitation: bleed the air from the suction line.",
            )]));
        }
        p
    });
    let mut reports = 0;
    index.rebuild(feed, |_| reports += 1, &AtomicBool::new(false))?;
    assert!(seen_rebuilding);
    assert!(matches!(writes.as_slice(), [Ok(WriteOutcome::Committed)]));
    assert!(reports >= 1);
    assert_eq!(index.status(), IndexStatus::Ready);
    assert_eq!(top(&index, "cavitation")?, Some((extra, 1)));
    assert_eq!(top(&index, "E.oC.1")?, Some((VFD, 12)));
    assert!(matches!(
        index.rebuild(Vec::new(), |_| {}, &AtomicBool::new(false)),
        Ok(RebuildOutcome::Completed { pages: 0, .. })
    ));
    Ok(())
}

#[test]
fn writes_commit_per_manual_and_replace_previous_pages() -> TestResult {
    let (_dir, index) = built()?;
    let id = Uuid::from_u128(7);
    let doc = |text: &str| page(id, "pump.pdf", "P-1", "en", 3, text);
    assert_eq!(
        index.add_manual(vec![doc("Impeller wear causes low discharge pressure.")])?,
        WriteOutcome::Committed
    );
    assert_eq!(top(&index, "impeller")?, Some((id, 3)));
    // Re-adding the manual replaces its pages instead of duplicating them.
    index.add_manual(vec![doc("Mechanical seal leakage: replace the seal.")])?;
    assert!(search(&index, "impeller")?.is_empty());
    assert_eq!(search(&index, "seal leakage")?.len(), 1);
    assert_eq!(index.delete_manual(id)?, WriteOutcome::Committed);
    assert!(search(&index, "seal leakage")?.is_empty());
    assert_eq!(index.num_pages(), library().len() as u64);
    Ok(())
}

#[test]
fn a_second_rebuild_at_the_same_time_is_refused() -> TestResult {
    let (_dir, index) = built()?;
    let other = index.clone();
    let mut refused = None;
    let feed = library().into_iter().enumerate().map(|(i, p)| {
        if i == 1 {
            refused = Some(other.rebuild(Vec::new(), |_| {}, &AtomicBool::new(false)));
        }
        p
    });
    index.rebuild(feed, |_| {}, &AtomicBool::new(false))?;
    assert!(matches!(
        refused,
        Some(Err(crate::index::IndexError::RebuildInProgress))
    ));
    Ok(())
}

#[test]
fn a_second_writer_is_refused_and_a_read_only_handle_searches() -> TestResult {
    let (_dir, index) = built()?;
    let root = index.root().to_path_buf();
    assert!(matches!(
        ManualIndex::open(&root),
        Err(crate::index::IndexError::Locked)
    ));
    let reader = ManualIndex::open_read_only(&root)?;
    assert_eq!(reader.status(), IndexStatus::Ready);
    assert_eq!(top(&reader, "Err 31")?, Some((SPINDLE, 5)));
    assert!(matches!(
        reader.add_manual(library()),
        Err(crate::index::IndexError::ReadOnly)
    ));
    assert!(matches!(
        reader.rebuild(Vec::new(), |_| {}, &AtomicBool::new(false)),
        Err(crate::index::IndexError::ReadOnly)
    ));
    // Once the writer is gone, a writing handle can be opened again.
    drop(index);
    assert_eq!(ManualIndex::open(&root)?.status(), IndexStatus::Ready);
    Ok(())
}

#[test]
fn handles_are_shareable_between_threads() {
    fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
    assert_send_sync::<ManualIndex>();
}

/// Overwrites the first half of `file` in place (the same inode, as a disk fault or another
/// program would), so that an index that has it open reads the damage.
fn damage_in_place(file: &Path) -> TestResult {
    use std::io::{Seek, SeekFrom, Write};
    let len = std::fs::metadata(file)?.len();
    let mut f = std::fs::OpenOptions::new().write(true).open(file)?;
    f.seek(SeekFrom::Start(0))?;
    f.write_all(&vec![0xA5; usize::try_from(len / 2)?])?;
    f.sync_all()?;
    Ok(())
}

#[test]
fn a_segment_file_damaged_after_opening_is_found_by_search_and_rebuilt() -> TestResult {
    let (_dir, index) = built()?;
    let root = index.root().to_path_buf();
    drop(index);
    let index = ManualIndex::open(&root)?;
    assert_eq!(index.status(), IndexStatus::Ready, "it opened fine");
    let store = std::fs::read_dir(current(&root))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "store"))
        .ok_or("no .store file")?;
    damage_in_place(&store)?;

    // No error: the search says "rebuilding", and the index asks for a rebuild.
    let r = index.search(&SearchQuery::new("spindle bearings"))?;
    assert!(r.rebuilding && r.hits.is_empty(), "{r:?}");
    assert!(
        matches!(needs_rebuild(&index), Some(RebuildReason::Corrupt(_))),
        "{:?}",
        index.status()
    );
    assert!(index.search(&SearchQuery::new("E.oC.1"))?.rebuilding);
    assert_eq!(index.add_manual(library())?, WriteOutcome::Deferred);

    index.rebuild(library(), |_| {}, &AtomicBool::new(false))?;
    assert_eq!(index.status(), IndexStatus::Ready);
    assert_eq!(top(&index, "AL 1021")?, Some((SPINDLE, 5)));
    Ok(())
}

/// Writes at `dir` a tantivy index of the previous schema (version 2: the body, code and meta
/// fields without the heading fields), with one page in it.
fn write_version_2_index(dir: &Path) -> TestResult {
    use tantivy::schema::{Schema, STORED, STRING, TEXT};
    std::fs::create_dir_all(dir)?;
    let mut b = Schema::builder();
    let manual_id = b.add_text_field("manual_id", STRING | STORED);
    let body = b.add_text_field("body_en", TEXT);
    b.add_text_field("code", TEXT);
    b.add_text_field("meta", TEXT);
    let index = tantivy::Index::create_in_dir(dir, b.build())?;
    let mut writer: tantivy::IndexWriter = index.writer(15_000_000)?;
    let mut doc = tantivy::TantivyDocument::default();
    doc.add_text(manual_id, Uuid::from_u128(9).hyphenated().to_string());
    doc.add_text(body, "an old page");
    writer.add_document(doc)?;
    writer.commit()?;
    Ok(())
}

#[test]
fn an_index_of_the_previous_schema_is_rebuilt_in_the_background_with_real_totals() -> TestResult {
    let dir = tempfile::tempdir()?;
    let root = dir.path().join("index");
    let old = root.join(format!("v{}", SCHEMA_VERSION - 1));
    write_version_2_index(&old)?;

    let index = ManualIndex::open(&root)?;
    assert_eq!(
        needs_rebuild(&index),
        Some(RebuildReason::SchemaChanged {
            found: vec![SCHEMA_VERSION - 1]
        })
    );
    assert!(index.search(&SearchQuery::new("old page"))?.rebuilding);
    assert_eq!(index.add_manual(library())?, WriteOutcome::Deferred);

    let background = index.clone();
    let rebuild = std::thread::spawn(move || {
        let mut last = None;
        let outcome = background.rebuild(library(), |p| last = Some(p), &AtomicBool::new(false));
        (outcome, last)
    });
    let (outcome, last) = rebuild.join().map_err(|_| "the rebuild thread panicked")?;
    let pages = library().len() as u64;
    assert_eq!(outcome?, RebuildOutcome::Completed { pages, manuals: 4 });
    let last = last.ok_or("no progress reported")?;
    assert_eq!((last.pages, last.manuals), (pages, 4));
    assert_eq!(index.status(), IndexStatus::Ready);
    assert!(!old.exists(), "the old version's directory is removed");
    assert!(current(&root).exists());
    let r = index.search(&SearchQuery::new("F0002"))?;
    assert!(!r.rebuilding);
    assert_eq!(
        r.hits.first().map(|h| (h.manual_id, h.page)),
        Some((HEATING, 9))
    );
    Ok(())
}
