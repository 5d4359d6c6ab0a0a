//! `faultline manuals …` and `faultline search`: the manual library from the command line.
//! Extraction runs in worker processes of this same binary (`faultline extract-worker`).

use crate::args::ManualsCommand;
use crate::print::Printer;
use faultline_api::{library_jobs, AppEvent};
use faultline_core::{CoreError, Store};
use faultline_manuals::extract::WorkerCommand;
use faultline_manuals::library::{ImportProgress, Library};
use faultline_sync::SyncReport;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Mutex;

type Result<T> = std::result::Result<T, CoreError>;

/// The environment variable that carries a PDF password for `manuals retry`.
pub const PASSWORD_VAR: &str = "FAULTLINE_PDF_PASSWORD";

pub(crate) fn open_library(dir: &Path, store: &Mutex<Store>, out: &Printer) -> Result<Library> {
    let worker = WorkerCommand::current_exe()
        .map_err(|e| CoreError::io("cannot find the faultline binary", e))?;
    library_jobs::open_library(dir, worker, store, &progress(out))
}

/// What the App's library work reports, as the CLI shows it (on stderr).
fn progress(out: &Printer) -> impl Fn(AppEvent) + Sync + '_ {
    move |event: AppEvent| match event {
        AppEvent::ImportProgress(ImportProgress {
            current: Some(file),
            done,
            total,
            ..
        }) => out.note(&format!("[{}/{total}] reading {file}", done + 1)),
        AppEvent::IndexRebuild(r) if r.done == 0 && !r.finished => {
            out.note("building the manual search index from the stored pages…")
        }
        _ => {}
    }
}

/// Extracts and indexes the queued manuals, as the App does in the background.
fn import_queue(
    library: &Library,
    store: &Mutex<Store>,
    passwords: &HashMap<uuid::Uuid, String>,
    out: &Printer,
) -> Result<ImportProgress> {
    library_jobs::import_queue(
        library,
        store,
        passwords,
        &progress(out),
        &AtomicBool::new(false),
    )
}

pub fn manuals(dir: &Path, store: Store, out: &Printer, cmd: ManualsCommand) -> Result<()> {
    let store = Mutex::new(store);
    let lock = || {
        store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    match cmd {
        ManualsCommand::List => out.manuals(&lock().manuals()?),
        ManualsCommand::Add {
            paths,
            model,
            manufacturer,
        } => {
            let library = open_library(dir, &store, out)?;
            let link = model.as_deref().map(|m| (manufacturer.as_str(), m));
            let report = Library::add_paths(&store, &paths, link)?;
            out.note(&format!(
                "{} new, {} already in the library",
                report.queued, report.duplicates
            ));
            import_queue(&library, &store, &HashMap::new(), out)?;
            let ids: Vec<_> = report.manuals.iter().map(|m| m.id).collect();
            let all = lock().manuals()?;
            out.manuals(
                &all.into_iter()
                    .filter(|m| ids.contains(&m.id))
                    .collect::<Vec<_>>(),
            )
        }
        ManualsCommand::Retry { manual } => {
            let library = open_library(dir, &store, out)?;
            let id = uuid::Uuid::parse_str(manual.trim()).map_err(|_| {
                CoreError::InvalidInput(format!(
                    "{manual:?} is not a manual id: see `faultline manuals list`"
                ))
            })?;
            lock().retry_manual(id)?;
            let mut passwords = HashMap::new();
            if let Ok(p) = std::env::var(PASSWORD_VAR) {
                passwords.insert(id, p);
            }
            import_queue(&library, &store, &passwords, out)?;
            out.manuals(&[lock().manual(id)?])
        }
        ManualsCommand::Reindex => {
            let library = open_library(dir, &store, out)?;
            library_jobs::rebuild_index(&library, &store, &progress(out), &AtomicBool::new(false))?;
            out.manuals(&lock().manuals()?)
        }
    }
}

/// After a sync: what `library_jobs::after_sync` does in the app — manuals the hub published are
/// extracted and indexed now, like `manuals add`.
pub fn after_sync(
    dir: &Path,
    store: &Mutex<Store>,
    out: &Printer,
    report: &SyncReport,
) -> Result<()> {
    let library = match report.manuals_added {
        0 => None,
        _ => Some(open_library(dir, store, out)?),
    };
    library_jobs::after_sync(
        report,
        library.as_ref(),
        store,
        &progress(out),
        &AtomicBool::new(false),
    )
}

/// `demo-load`'s second half: adds the demo plant's OEM manuals (from `demo/manuals/`), linked
/// to their asset models, and extracts and indexes them like `manuals add`. Loading the demo
/// again finds them already in the library.
pub fn add_demo_manuals(dir: &Path, store: Store, out: &Printer, demo: &Path) -> Result<()> {
    let files = faultline_core::demo::demo_manual_paths(demo)?;
    let store = Mutex::new(store);
    let library = open_library(dir, &store, out)?;
    let mut ids = Vec::new();
    for (manual, path) in &files {
        let (first, more) = manual.models.split_first().ok_or_else(|| {
            CoreError::InvalidInput(format!("demo manual {} names no model", manual.file))
        })?;
        let report = Library::add_paths(
            &store,
            std::slice::from_ref(path),
            Some((manual.manufacturer, first)),
        )?;
        for m in &report.manuals {
            for model in more {
                lock_store(&store).link_manual_to_model(m.id, manual.manufacturer, model)?;
            }
            ids.push(m.id);
        }
    }
    import_queue(&library, &store, &HashMap::new(), out)?;
    for id in ids {
        let m = lock_store(&store).manual(id)?;
        let pages = m
            .page_count
            .map(|n| format!(", {n} pages"))
            .unwrap_or_default();
        out.note(&format!(
            "manual {}: {}{pages} ({})",
            m.file_name,
            m.state.as_str(),
            m.models.join(", ")
        ));
        if let Some(why) = m.failure_message {
            return Err(CoreError::InvalidInput(format!(
                "the demo manual {} could not be read: {why}",
                m.file_name
            )));
        }
    }
    Ok(())
}

fn lock_store(store: &Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    store
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub fn search(
    dir: &Path,
    store: Store,
    out: &Printer,
    text: &str,
    asset: Option<&str>,
    limit: usize,
) -> Result<()> {
    let asset_id = match asset {
        Some(a) => Some(store.resolve_asset(a)?.id),
        None => None,
    };
    let store = Mutex::new(store);
    let library = open_library(dir, &store, out)?;
    out.search(&library.search(&store, text, asset_id, limit)?)
}
