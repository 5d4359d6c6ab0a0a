//! The manual library as the app and the CLI use it: add PDFs (files or folders), extract their
//! text in guarded worker processes, keep the pages in SQLite, index them, and search — with the
//! store behind a mutex that is never held while a worker runs.
//!
//! Order of truth: the PDF is stored (blob) and queued → a worker extracts it → its pages and the
//! `extracted` state commit in one SQLite transaction → the index commits the manual → `indexed`.
//! A kill at any point is repaired at the next start: `extracting` goes back to the queue, and
//! `extracted` manuals are indexed again (an index rebuild reads every page from SQLite).
//!
//! Two kinds of "it did not work": a verdict on the file (encrypted, no text layer, damaged,
//! timeout, …) is kept as `failed` and not retried at every start; a worker *run* that could not
//! be made or finished (no worker could be started, our own cancel killed it, the pipe to it
//! broke) says nothing about the file, so the manual goes back to the queue when the run ends.

use crate::extract::{supervise, Limits, Outcome, WorkerCommand, WorkerError};
use crate::index::{guess_language, ManualIndex, PageDoc, SearchQuery, SearchResults};
use faultline_core::domain::{Manual, ManualState};
use faultline_core::store::IndexPage;
use faultline_core::{CoreError, Store};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use uuid::Uuid;

type Result<T, E = CoreError> = std::result::Result<T, E>;

fn index_err(e: crate::index::IndexError) -> CoreError {
    CoreError::InvalidState(format!("the manual search index failed: {e}"))
}

fn lock(store: &Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    store
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Progress of an import, for a progress bar (the app's `manuals://progress` event).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ImportProgress {
    pub total: usize,
    pub done: usize,
    /// The file being read now.
    pub current: Option<String>,
    /// The manual whose state just changed.
    pub manual_id: Option<Uuid>,
    pub cancelled: bool,
    /// Manuals whose extraction could not be run this time (back in the queue for the next run).
    pub retry_later: usize,
}

/// What adding files started (the app's `manuals_add_files`): files queued, and files already in
/// the library (by content).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ImportStarted {
    pub queued: usize,
    pub duplicates: usize,
}

/// What adding files did.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct AddReport {
    pub queued: usize,
    pub duplicates: usize,
    pub manuals: Vec<Manual>,
}

impl AddReport {
    pub fn started(&self) -> ImportStarted {
        ImportStarted {
            queued: self.queued,
            duplicates: self.duplicates,
        }
    }
}

/// What the owner runs when a search finds the index damaged: start [`Library::rebuild`] on a
/// background thread (the library holds no store of its own to do it).
pub type RebuildHook = Box<dyn Fn() + Send + Sync>;

pub struct Library {
    index: ManualIndex,
    worker: WorkerCommand,
    limits: Limits,
    jobs: usize,
    rebuild_hook: OnceLock<RebuildHook>,
    /// A rebuild was asked for or runs: searches do not ask again.
    rebuild_pending: AtomicBool,
}

impl Library {
    /// Opens the library's index under `DATA_DIR/index`. Extraction runs `worker`.
    pub fn open(data_dir: &Path, worker: WorkerCommand) -> Result<Library> {
        let root = data_dir.join("index");
        // Another process (the app) holds the writer: search read-only; adding must wait.
        let index = match ManualIndex::open(&root) {
            Err(crate::index::IndexError::Locked) => ManualIndex::open_read_only(&root),
            other => other,
        }
        .map_err(index_err)?;
        let jobs = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(Library {
            index,
            worker,
            limits: Limits::default(),
            jobs,
            rebuild_hook: OnceLock::new(),
            rebuild_pending: AtomicBool::new(false),
        })
    }

    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    pub fn index(&self) -> &ManualIndex {
        &self.index
    }

    /// Whether the index must be rebuilt from the store before it can answer fully.
    pub fn needs_rebuild(&self) -> bool {
        matches!(
            self.index.status(),
            crate::index::IndexStatus::NeedsRebuild(_)
        )
    }

    /// Sets what to run when a search finds the index damaged (once; later calls are ignored):
    /// it should start [`Library::rebuild`] on a background thread. Without one, the search
    /// still answers "rebuilding" and the next start rebuilds (the damage fails the checksums).
    pub fn on_rebuild_needed(&self, hook: impl Fn() + Send + Sync + 'static) {
        let _ = self.rebuild_hook.set(Box::new(hook));
    }

    /// Rebuilds the index from every stored page (run off the UI thread).
    pub fn rebuild(
        &self,
        store: &Mutex<Store>,
        progress: impl FnMut(crate::index::RebuildProgress),
        cancel: &AtomicBool,
    ) -> Result<()> {
        self.rebuild_pending.store(true, Ordering::SeqCst);
        let rebuilt = self.rebuild_from_store(store, progress, cancel);
        self.rebuild_pending.store(false, Ordering::SeqCst);
        rebuilt
    }

    fn rebuild_from_store(
        &self,
        store: &Mutex<Store>,
        progress: impl FnMut(crate::index::RebuildProgress),
        cancel: &AtomicBool,
    ) -> Result<()> {
        // Pages are read manual by manual as the index takes them (a whole library's text at
        // once would be hundreds of MB on a laptop), holding the store only per manual.
        let manuals = lock(store).manuals_for_index()?;
        let stop = AtomicBool::new(false);
        let failed: std::cell::RefCell<Option<faultline_core::CoreError>> = Default::default();
        let pages = manuals.into_iter().flat_map(|m| {
            let mut batch = Vec::new();
            if cancel.load(Ordering::SeqCst) || stop.load(Ordering::SeqCst) {
                stop.store(true, Ordering::SeqCst);
                return batch;
            }
            if let Err(e) = lock(store).manual_pages_of(&m, |p| {
                batch.push(page_doc(p));
                Ok(())
            }) {
                // Stop the rebuild (it is discarded, the old index stays) and report why.
                stop.store(true, Ordering::SeqCst);
                *failed.borrow_mut() = Some(e);
                batch.clear();
            }
            batch
        });
        let outcome = self
            .index
            .rebuild(pages, progress, &stop)
            .map_err(index_err);
        if let Some(e) = failed.borrow_mut().take() {
            return Err(e);
        }
        outcome?;
        let mut s = lock(store);
        for m in s.manuals()? {
            if m.state == ManualState::Extracted {
                s.mark_manual_indexed(m.id)?;
            }
        }
        Ok(())
    }

    /// At start: re-queues manuals a killed process left half-extracted and indexes manuals whose
    /// pages were stored but not yet indexed. Returns how many were re-queued.
    /// A read-only library (another process holds the index writer, and so runs any import)
    /// leaves the states alone: that process's `extracting` manuals are not interrupted.
    pub fn recover(&self, store: &Mutex<Store>) -> Result<usize> {
        if self.index.is_read_only() {
            return Ok(0);
        }
        let mut requeued = lock(store).requeue_interrupted_manuals()?;
        requeued += requeue_run_failures(store)?;
        if !self.needs_rebuild() {
            let pending: Vec<Uuid> = lock(store)
                .manuals()?
                .into_iter()
                .filter(|m| m.state == ManualState::Extracted)
                .map(|m| m.id)
                .collect();
            for id in pending {
                self.index_manual(store, id)?;
            }
        }
        Ok(requeued)
    }

    /// Adds PDF files, and every `*.pdf` below the folders given; links them to `model`
    /// (manufacturer, model) when given. Only queues: run [`Library::process_queue`] next.
    pub fn add_paths(
        store: &Mutex<Store>,
        paths: &[PathBuf],
        model: Option<(&str, &str)>,
    ) -> Result<AddReport> {
        let mut files = Vec::new();
        for p in paths {
            collect_pdfs(p, &mut files)?;
        }
        if files.is_empty() {
            return Err(CoreError::InvalidInput(
                "no PDF file found there: pick .pdf files or a folder that holds some".into(),
            ));
        }
        let mut report = AddReport::default();
        for f in files {
            let bytes = std::fs::read(&f)
                .map_err(|e| CoreError::io(format!("cannot read {}", f.display()), e))?;
            let name = f
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let mut s = lock(store);
            let (mut manual, new) = s.add_manual(&name, &bytes)?;
            if let Some((manufacturer, model)) = model {
                manual = s.link_manual_to_model(manual.id, manufacturer, model)?;
            }
            if new {
                report.queued += 1;
            } else {
                report.duplicates += 1;
            }
            report.manuals.push(manual);
        }
        Ok(report)
    }

    /// Extracts and indexes every queued manual, `jobs` at a time. `passwords` are used once for
    /// the manuals they name. Stops taking new manuals when `cancel` is set.
    pub fn process_queue(
        &self,
        store: &Mutex<Store>,
        passwords: &HashMap<Uuid, String>,
        progress: &(dyn Fn(ImportProgress) + Sync),
        cancel: &AtomicBool,
    ) -> Result<ImportProgress> {
        let total = lock(store)
            .manuals()?
            .iter()
            .filter(|m| m.state == ManualState::Queued)
            .count();
        let done = AtomicUsize::new(0);
        // Claimed manuals whose worker run failed: they stay `extracting` (so this run does not
        // claim them again) and go back to the queue when the run ends.
        let retry_later: Mutex<Vec<Uuid>> = Mutex::new(Vec::new());
        let first_error: Mutex<Option<CoreError>> = Mutex::new(None);
        std::thread::scope(|scope| {
            for _ in 0..self.jobs.max(1) {
                scope.spawn(|| loop {
                    if cancel.load(Ordering::Relaxed) {
                        break;
                    }
                    let claimed = match lock(store).claim_queued_manual() {
                        Ok(Some(m)) => m,
                        Ok(None) => break,
                        Err(e) => {
                            first_error
                                .lock()
                                .unwrap_or_else(std::sync::PoisonError::into_inner)
                                .get_or_insert(e);
                            break;
                        }
                    };
                    progress(ImportProgress {
                        total,
                        done: done.load(Ordering::Relaxed),
                        current: Some(claimed.file_name.clone()),
                        manual_id: Some(claimed.id),
                        cancelled: false,
                        retry_later: 0,
                    });
                    match self.process_one(
                        store,
                        &claimed,
                        passwords.get(&claimed.id).map(String::as_str),
                        cancel,
                    ) {
                        Ok(Processed::Done) => {}
                        Ok(Processed::RetryLater(e)) => {
                            tracing::warn!(manual = %claimed.id, "extraction not run, queued again: {e}");
                            retry_later
                                .lock()
                                .unwrap_or_else(std::sync::PoisonError::into_inner)
                                .push(claimed.id);
                        }
                        Err(e) => {
                            tracing::warn!(manual = %claimed.id, "manual import failed: {e}");
                            first_error
                                .lock()
                                .unwrap_or_else(std::sync::PoisonError::into_inner)
                                .get_or_insert(e);
                        }
                    }
                    let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                    progress(ImportProgress {
                        total,
                        done: n,
                        current: None,
                        manual_id: Some(claimed.id),
                        cancelled: false,
                        retry_later: 0,
                    });
                });
            }
        });
        let retry_later = retry_later
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for id in &retry_later {
            requeue(&mut lock(store), *id)?;
        }
        if let Some(e) = first_error
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
        {
            return Err(e);
        }
        let cancelled = cancel.load(Ordering::Relaxed);
        if cancelled {
            // Manuals not started stay queued for the next import.
            tracing::info!("manual import cancelled");
        }
        Ok(ImportProgress {
            total,
            done: done.into_inner(),
            current: None,
            manual_id: None,
            cancelled,
            retry_later: retry_later.len(),
        })
    }

    fn process_one(
        &self,
        store: &Mutex<Store>,
        manual: &Manual,
        password: Option<&str>,
        cancel: &AtomicBool,
    ) -> Result<Processed> {
        let path = {
            let s = lock(store);
            s.blobs()?
                .path_of(&manual.sha256)
                .ok_or_else(|| CoreError::InvalidState("the manual's file is missing".into()))?
        };
        if !path.is_file() {
            // Not worth retrying at every start: only adding the file again brings it back.
            lock(store).mark_manual_failed(
                manual.id,
                "missing_file",
                "the stored copy of this PDF is missing from the data folder: add the file again",
            )?;
            return Ok(Processed::Done);
        }
        match supervise(&self.worker, &path, password, self.limits, Some(cancel)) {
            Err(e) => Ok(Processed::RetryLater(e)),
            Ok(Outcome::Text(ex)) => {
                let sample: String = ex
                    .pages
                    .iter()
                    .take(5)
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join("\n");
                let language = guess_language(&sample);
                lock(store).store_manual_pages(
                    manual.id,
                    &ex.pages,
                    ex.title.as_deref(),
                    language,
                )?;
                self.index_manual(store, manual.id)?;
                Ok(Processed::Done)
            }
            Ok(Outcome::Failed { kind, message }) => {
                lock(store).mark_manual_failed(manual.id, kind.as_str(), &message)?;
                Ok(Processed::Done)
            }
        }
    }

    /// Indexes one manual's stored pages in one commit, then marks it indexed.
    fn index_manual(&self, store: &Mutex<Store>, id: Uuid) -> Result<()> {
        let mut docs = Vec::new();
        {
            let s = lock(store);
            let manual = s.manual(id)?;
            for page in 1..=manual.page_count.unwrap_or(0) {
                docs.push(page_doc(IndexPage {
                    manual_id: id,
                    file_name: manual.file_name.clone(),
                    title: manual.title.clone(),
                    manufacturer: manual.manufacturer.clone(),
                    models: manual.models.clone(),
                    language: manual.language.clone(),
                    page,
                    text: s.manual_page_text(id, page)?,
                }));
            }
        }
        match self.index.add_manual(docs).map_err(index_err)? {
            crate::index::WriteOutcome::Committed => lock(store).mark_manual_indexed(id),
            // The index waits for a rebuild, which reads every stored page.
            crate::index::WriteOutcome::Deferred => Ok(()),
        }
    }

    /// Searches the pages; with an asset, its model's manuals rank higher (others still show).
    pub fn search(
        &self,
        store: &Mutex<Store>,
        text: &str,
        asset_id: Option<Uuid>,
        limit: usize,
    ) -> Result<SearchResults> {
        let boost_models = match asset_id {
            Some(a) => lock(store).asset_model_names(a)?,
            None => Vec::new(),
        };
        let query = SearchQuery {
            text: text.to_string(),
            boost_models,
            limit: limit.clamp(1, 100),
        };
        let results = self.index.search(&query).map_err(index_err)?;
        // The index found damaged (now, or at open before anything rebuilt it): ask the owner
        // to rebuild it, once.
        if results.rebuilding && self.needs_rebuild() && !self.index.is_read_only() {
            if let Some(hook) = self.rebuild_hook.get() {
                if !self.rebuild_pending.swap(true, Ordering::SeqCst) {
                    hook();
                }
            }
        }
        Ok(results)
    }
}

/// What became of one claimed manual.
enum Processed {
    /// Indexed, or failed with a verdict on the file.
    Done,
    /// The worker run could not be made or finished: extract it again in a later run.
    RetryLater(WorkerError),
}

/// The failure kind older builds recorded for a worker run that failed; such a failure said
/// nothing about the file, so [`Library::recover`] puts those manuals back in the queue.
const RUN_FAILED_KIND: &str = "worker_failed";

/// Puts one claimed (`extracting`) manual back in the queue. The store moves a manual to
/// `queued` only from `failed`, so this goes through a `worker_failed` failure, under one lock;
/// a kill in between leaves that failure, which the next [`Library::recover`] re-queues.
fn requeue(store: &mut Store, id: Uuid) -> Result<()> {
    store.mark_manual_failed(
        id,
        RUN_FAILED_KIND,
        "the PDF reader could not be run; it is tried again at the next import",
    )?;
    store.retry_manual(id)?;
    Ok(())
}

/// Re-queues the manuals left `failed` by a worker run that failed. Returns how many.
fn requeue_run_failures(store: &Mutex<Store>) -> Result<usize> {
    let mut s = lock(store);
    let ids: Vec<Uuid> = s
        .manuals()?
        .into_iter()
        .filter(|m| {
            m.state == ManualState::Failed && m.failure_kind.as_deref() == Some(RUN_FAILED_KIND)
        })
        .map(|m| m.id)
        .collect();
    for id in &ids {
        s.retry_manual(*id)?;
    }
    Ok(ids.len())
}

fn page_doc(p: IndexPage) -> PageDoc {
    PageDoc {
        manual_id: p.manual_id,
        page: p.page,
        file_name: p.file_name,
        title: p.title,
        manufacturer: p.manufacturer,
        models: p.models,
        language: p.language.unwrap_or_else(|| "en".into()),
        text: p.text,
    }
}

/// `path` itself when it is a file, else every `*.pdf` below it (sorted, symlinks not followed).
fn collect_pdfs(path: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let meta = std::fs::symlink_metadata(path)
        .map_err(|e| CoreError::io(format!("cannot open {}", path.display()), e))?;
    if meta.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    if !meta.is_dir() {
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| CoreError::io(format!("cannot list {}", path.display()), e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for e in entries {
        let is_pdf = e.extension().is_some_and(|x| x.eq_ignore_ascii_case("pdf"));
        match std::fs::symlink_metadata(&e) {
            Ok(m) if m.is_dir() => collect_pdfs(&e, out)?,
            Ok(m) if m.is_file() && is_pdf => out.push(e),
            _ => {}
        }
    }
    Ok(())
}
