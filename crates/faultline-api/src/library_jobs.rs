//! The manual library's background work, written once for every front end: open and recover
//! the library (rebuilding the index with real page totals), run the import queue with progress,
//! and the rule for a sync that brought manuals. The App runs these on its threads and the CLI
//! calls them in the foreground; both report through the same `AppEvent`s.

use crate::events::{AppEvent, DataKind, IndexRebuild, ManualChanged};
use faultline_core::domain::ManualState;
use faultline_core::{CoreError, Store};
use faultline_manuals::extract::WorkerCommand;
use faultline_manuals::library::{ImportProgress, Library};
use faultline_sync::SyncReport;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Mutex;
use uuid::Uuid;

/// Where events go (the App's sink, or the CLI's printer).
pub type Emit<'a> = &'a (dyn Fn(AppEvent) + Sync);

fn lock(store: &Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    store
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Opens the library in `dir` and brings it up to date: re-queues what a killed import left
/// half-done and rebuilds the index when it is missing, outdated or damaged.
pub fn open_library(
    dir: &Path,
    worker: WorkerCommand,
    store: &Mutex<Store>,
    emit: Emit<'_>,
) -> Result<Library, CoreError> {
    let library = Library::open(dir, worker)?;
    recover(&library, store, emit)?;
    Ok(library)
}

/// Re-queues half-done manuals and rebuilds the index when it needs it.
pub fn recover(library: &Library, store: &Mutex<Store>, emit: Emit<'_>) -> Result<(), CoreError> {
    library.recover(store)?;
    if library.needs_rebuild() {
        rebuild_index(library, store, emit, &AtomicBool::new(false))?;
    }
    Ok(())
}

/// How many pages an index rebuild will read (the manuals whose pages are stored).
pub fn pages_to_index(store: &Mutex<Store>) -> Result<u32, CoreError> {
    Ok(lock(store)
        .manuals_for_index()?
        .iter()
        .map(|m| m.page_count.unwrap_or(0))
        .sum())
}

/// Rebuilds the search index from the stored pages on the calling thread, reporting
/// `IndexRebuild { done, total }` with the real total, then `finished`.
pub fn rebuild_index(
    library: &Library,
    store: &Mutex<Store>,
    emit: Emit<'_>,
    cancel: &AtomicBool,
) -> Result<(), CoreError> {
    let total = pages_to_index(store)?;
    emit(AppEvent::IndexRebuild(IndexRebuild {
        done: 0,
        total,
        finished: false,
    }));
    let progress = |p: faultline_manuals::index::RebuildProgress| {
        if p.pages == 0 {
            return; // the start was reported above
        }
        let done = u32::try_from(p.pages).unwrap_or(u32::MAX);
        emit(AppEvent::IndexRebuild(IndexRebuild {
            done,
            total: total.max(done),
            finished: false,
        }));
    };
    let rebuilt = library.rebuild(store, progress, cancel);
    emit(AppEvent::IndexRebuild(IndexRebuild {
        done: total,
        total,
        finished: true,
    }));
    emit(AppEvent::data_changed(&[DataKind::Manuals]));
    rebuilt
}

/// Extracts and indexes every queued manual (files added while it runs too), reporting
/// `ImportProgress` and `ManualChanged` for each manual, then the last progress,
/// `ManualChanged { null }` and `DataChanged { manuals }`. Stops taking manuals on `cancel`.
pub fn import_queue(
    library: &Library,
    store: &Mutex<Store>,
    passwords: &HashMap<Uuid, String>,
    emit: Emit<'_>,
    cancel: &AtomicBool,
) -> Result<ImportProgress, CoreError> {
    let progress = |p: ImportProgress| {
        let manual_id = p.manual_id;
        emit(AppEvent::ImportProgress(p));
        emit(AppEvent::ManualChanged(ManualChanged { manual_id }));
    };
    let done = library.process_queue(store, passwords, &progress, cancel);
    if let Ok(last) = &done {
        emit(AppEvent::ImportProgress(last.clone()));
    }
    emit(AppEvent::ManualChanged(ManualChanged { manual_id: None }));
    emit(AppEvent::data_changed(&[DataKind::Manuals]));
    done
}

/// Whether manuals wait in the queue (a sync brought some, or an import was interrupted).
pub fn queued_manuals(store: &Mutex<Store>) -> Result<usize, CoreError> {
    Ok(lock(store)
        .manuals()?
        .iter()
        .filter(|m| m.state == ManualState::Queued)
        .count())
}

/// What a finished sync changed, for `DataChanged`: the sync status always; work orders when
/// anything went up (their sync state) or came down; the plant and the catalogue when records
/// came down or the site was replicated again; the library when the hub published manuals.
pub fn changed_by_sync(report: &SyncReport) -> Vec<DataKind> {
    let mut what = vec![DataKind::Sync];
    let pushed = report.pushed.applied + report.pushed.rejected + report.pushed.conflicts;
    let pulled = report.pulled.applied + report.pulled.deleted > 0 || report.resynced;
    if pushed > 0 || pulled || report.photos_uploaded + report.photos_downloaded > 0 {
        what.push(DataKind::WorkOrders);
    }
    if pulled {
        what.extend([DataKind::Assets, DataKind::Catalog, DataKind::Shifts]);
    }
    if report.manuals_added > 0 {
        what.push(DataKind::Manuals);
    }
    what
}

/// Whether a sync queued manuals to extract and index (the hub published some).
pub fn imports_after_sync(report: &SyncReport) -> bool {
    report.manuals_added > 0
}

/// The rule after every sync, in the foreground (the CLI): tell what changed, and when the hub
/// published manuals, extract and index them now (like `manuals add`), which reports
/// `ManualChanged` and `DataChanged { manuals }` as they become searchable. The App does the same
/// with its import runner (`sync.rs`), so a running import takes them and the sync thread is free.
pub fn after_sync(
    report: &SyncReport,
    library: Option<&Library>,
    store: &Mutex<Store>,
    emit: Emit<'_>,
    cancel: &AtomicBool,
) -> Result<(), CoreError> {
    emit(AppEvent::data_changed(&changed_by_sync(report)));
    match library {
        Some(library) if imports_after_sync(report) => {
            import_queue(library, store, &HashMap::new(), emit, cancel).map(|_| ())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sync_names_what_it_changed() {
        let mut r = SyncReport::default();
        assert_eq!(changed_by_sync(&r), vec![DataKind::Sync]);
        r.pushed.applied = 2;
        assert_eq!(
            changed_by_sync(&r),
            vec![DataKind::Sync, DataKind::WorkOrders]
        );
        r.pulled.applied = 1;
        r.manuals_added = 1;
        let what = changed_by_sync(&r);
        for kind in [DataKind::Assets, DataKind::Catalog, DataKind::Manuals] {
            assert!(what.contains(&kind), "{kind:?} in {what:?}");
        }
    }
}
