//! The manual library's commands: list, add (paths or bytes), cancel, link to a model, retry,
//! the PDF's bytes and search. Adding starts the background import runner (one at a time; it
//! takes queued manuals until none is left, so files added while it runs are picked up too).

use crate::app::{App, Shared};
use crate::args::*;
use crate::convert::{err, id, invalid, ApiResult};
use crate::events::{AppEvent, DataKind};
use crate::library_jobs;
use faultline_core::domain::Manual;
use faultline_manuals::index::SearchResults;
use faultline_manuals::library::{ImportStarted, Library};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use uuid::Uuid;

/// `search_manuals` answers this many hits when the UI names no limit.
pub const SEARCH_MANUALS_LIMIT: u32 = 20;

const MANUALS: &[DataKind] = &[DataKind::Manuals];

/// Starts the import runner on a background thread unless one runs.
pub(crate) fn start_import(shared: &Arc<Shared>, passwords: HashMap<Uuid, String>) {
    if shared.importing.swap(true, Ordering::SeqCst) {
        return;
    }
    shared.cancel_import.store(false, Ordering::SeqCst);
    let shared = shared.clone();
    let spawned = std::thread::Builder::new()
        .name("faultline-import".into())
        .spawn(move || loop {
            // Manuals whose worker could not run go back to the queue for a later import.
            let left_for_later = run_import(&shared, &passwords);
            shared.importing.store(false, Ordering::SeqCst);
            // A file queued after the runner's last look found `importing` still set and
            // started no runner of its own: look once more, or it would wait for the next start.
            let cancelled = shared.cancel_import.load(Ordering::SeqCst);
            let newly_queued = queued(&shared) > left_for_later;
            if cancelled || !newly_queued || shared.importing.swap(true, Ordering::SeqCst) {
                break;
            }
        });
    if let Err(e) = spawned {
        tracing::error!("cannot start the manual import: {e}");
    }
}

/// How many manuals wait in the queue (0 when the store cannot be read).
fn queued(shared: &Shared) -> usize {
    shared
        .store_mutex()
        .ok()
        .and_then(|store| library_jobs::queued_manuals(store).ok())
        .unwrap_or(0)
}

/// Runs the queue now, on the calling thread (the runner's body), and answers how many manuals
/// it put back for a later import. An empty queue reports nothing: a runner that found no work
/// must not look like an import that ended.
fn run_import(shared: &Shared, passwords: &HashMap<Uuid, String>) -> usize {
    let (Ok(store), Some(library)) = (shared.store_mutex(), shared.library.as_ref()) else {
        return 0;
    };
    let waiting = queued(shared);
    if waiting == 0 {
        return 0;
    }
    let emit = |e: AppEvent| shared.emit(e);
    match library_jobs::import_queue(library, store, passwords, &emit, &shared.cancel_import) {
        Ok(last) => last.retry_later,
        Err(e) => {
            tracing::warn!("manual import stopped: {e}");
            // Stop looking again: what is still queued waits for the next import.
            usize::MAX
        }
    }
}

/// At start, off the UI thread: recovers the library (re-queue half-done manuals, rebuild the
/// index when it needs it, with real totals), then resumes queued imports. Also arranges that a
/// search which finds the index damaged later starts the same rebuild in the background.
pub(crate) fn recover_in_background(shared: &Arc<Shared>) {
    let Some(library) = shared.library.as_ref() else {
        return;
    };
    let weak = Arc::downgrade(shared);
    library.on_rebuild_needed(move || {
        let Some(shared) = weak.upgrade() else {
            return;
        };
        let spawned = std::thread::Builder::new()
            .name("faultline-reindex".into())
            .spawn(move || {
                rebuild_now(&shared);
                start_import(&shared, HashMap::new());
            });
        if let Err(e) = spawned {
            tracing::error!("cannot start the index rebuild: {e}");
        }
    });
    let shared = shared.clone();
    let spawned = std::thread::Builder::new()
        .name("faultline-recover".into())
        .spawn(move || {
            let began = std::time::Instant::now();
            if let (Ok(store), Some(library)) = (shared.store_mutex(), shared.library.as_ref()) {
                let emit = |e: AppEvent| shared.emit(e);
                if let Err(e) = library_jobs::recover(library, store, &emit) {
                    tracing::warn!("manual library recovery: {e}");
                }
            }
            tracing::debug!(target: "faultline::startup", took_us = began.elapsed().as_micros() as u64, "library recovered");
            start_import(&shared, HashMap::new());
            tracing::debug!(target: "faultline::startup", took_us = began.elapsed().as_micros() as u64, "import runner checked");
        });
    if let Err(e) = spawned {
        tracing::error!("cannot start the manual library recovery: {e}");
    }
}

fn rebuild_now(shared: &Shared) {
    let (Ok(store), Some(library)) = (shared.store_mutex(), shared.library.as_ref()) else {
        return;
    };
    let emit = |e: AppEvent| shared.emit(e);
    let cancel = std::sync::atomic::AtomicBool::new(false);
    if let Err(e) = library_jobs::rebuild_index(library, store, &emit, &cancel) {
        tracing::warn!("search index rebuild failed: {e}");
    }
}

/// "Manufacturer Model" → (manufacturer, model); one word is a model without manufacturer.
fn split_model(m: &str) -> (&str, &str) {
    match m.trim().rsplit_once(' ') {
        Some((manufacturer, model)) => (manufacturer, model),
        None => ("", m.trim()),
    }
}

impl App {
    /// The library, newest first.
    pub fn manuals_list(&self) -> ApiResult<Vec<Manual>> {
        self.with_store(|s| s.manuals())
    }

    /// Adds files or folders by path (folders are searched for PDFs) and starts the import.
    pub fn manuals_add_files(&self, a: ManualsAddFilesArgs) -> ApiResult<ImportStarted> {
        let paths: Vec<PathBuf> = a.paths.into_iter().map(PathBuf::from).collect();
        let model = a.model.filter(|m| !m.trim().is_empty());
        let report = Library::add_paths(
            self.shared.store_mutex()?,
            &paths,
            model.as_deref().map(split_model),
        )
        .map_err(err)?;
        self.shared.changed(MANUALS);
        start_import(&self.shared, HashMap::new());
        Ok(report.started())
    }

    /// Adds one PDF from its base64 bytes (the file picker) and starts the import.
    pub fn manuals_add_bytes(&self, a: ManualsAddBytesArgs) -> ApiResult<Manual> {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(a.data_base64.as_bytes())
            .map_err(|_| invalid("the PDF could not be read: pick it again".into()))?;
        self.add_manual_bytes(&a.file_name, &bytes)
    }

    /// Adds one PDF from its bytes and starts the import (the window sends them as a raw body).
    pub fn add_manual_bytes(&self, file_name: &str, bytes: &[u8]) -> ApiResult<Manual> {
        let name = if file_name.trim().is_empty() {
            "manual.pdf"
        } else {
            file_name
        };
        let (manual, _) = self.write(MANUALS, |s| s.add_manual(name, bytes))?;
        start_import(&self.shared, HashMap::new());
        Ok(manual)
    }

    /// Stops the import: running extractions stop and their manuals wait for the next import.
    pub fn manuals_cancel(&self) -> ApiResult<()> {
        self.shared.cancel_import.store(true, Ordering::SeqCst);
        Ok(())
    }

    pub fn manual_link_model(&self, a: ManualLinkModelArgs) -> ApiResult<Manual> {
        let m = id(&a.manual_id, "manual")?;
        self.write(MANUALS, |s| {
            s.link_manual_to_model(m, &a.manufacturer, &a.model)
        })
    }

    /// Queues a failed manual again; the password (encrypted PDF) is used once, never stored.
    pub fn manual_retry(&self, a: ManualRetryArgs) -> ApiResult<Manual> {
        let m = id(&a.manual_id, "manual")?;
        let manual = self.write(MANUALS, |s| s.retry_manual(m))?;
        let mut passwords = HashMap::new();
        if let Some(p) = a.password.filter(|p| !p.is_empty()) {
            passwords.insert(m, p);
        }
        start_import(&self.shared, passwords);
        Ok(manual)
    }

    /// The original PDF's bytes.
    pub fn manual_pdf(&self, a: ManualArgs) -> ApiResult<Vec<u8>> {
        let m = id(&a.manual_id, "manual")?;
        self.with_store(|s| {
            let manual = s.manual(m)?;
            s.blobs().and_then(|b| b.get(&manual.sha256))
        })
    }

    /// Searches the manuals' pages; the text is never parsed as query syntax.
    pub fn search_manuals(&self, a: SearchManualsArgs) -> ApiResult<SearchResults> {
        let asset = a
            .asset_id
            .filter(|s| !s.is_empty())
            .map(|s| id(&s, "asset"))
            .transpose()?;
        let limit = a.limit.unwrap_or(SEARCH_MANUALS_LIMIT) as usize;
        self.shared
            .library()?
            .search(self.shared.store_mutex()?, &a.text, asset, limit)
            .map_err(err)
    }

    /// Whether a manual import runs now.
    pub fn importing(&self) -> bool {
        self.shared.importing.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::split_model;

    #[test]
    fn model_text_splits_at_the_last_space() {
        assert_eq!(
            split_model("Vantor Drives VX-300"),
            ("Vantor Drives", "VX-300")
        );
        assert_eq!(split_model(" VX-300 "), ("", "VX-300"));
    }
}
