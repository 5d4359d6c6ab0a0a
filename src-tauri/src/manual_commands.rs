//! IPC commands of the manual library (docs/ipc.md, "Manual library"): each converts, calls the
//! library or the store, and returns the value or `{code, message}`. Imports run on a background
//! thread and report through events.

use crate::state::AppState;
use faultline_core::domain::Manual;
use faultline_core::{CoreError, ErrorBody};
use faultline_manuals::index::SearchResults;
use faultline_manuals::library::{ImportStarted, Library};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use tauri::{AppHandle, Emitter, Manager, State};
use uuid::Uuid;

type IpcResult<T> = Result<T, ErrorBody>;

fn err(e: CoreError) -> ErrorBody {
    tracing::warn!(code = ?e.code(), "manual command failed: {e}");
    ErrorBody::from(&e)
}

fn id(s: &str) -> IpcResult<Uuid> {
    Uuid::parse_str(s.trim()).map_err(|_| {
        err(CoreError::InvalidInput(format!(
            "{s:?} is not a valid manual id"
        )))
    })
}

#[derive(Debug, Clone, serde::Serialize)]
struct Changed {
    manual_id: Option<Uuid>,
}

/// Starts the background import runner unless one runs; it takes queued manuals until none is
/// left (so files added while it runs are picked up too).
pub fn start_import(app: &AppHandle, passwords: HashMap<Uuid, String>) {
    let state = app.state::<AppState>();
    if state.importing.swap(true, Ordering::SeqCst) {
        return;
    }
    state.cancel_import.store(false, Ordering::SeqCst);
    let app = app.clone();
    std::thread::spawn(move || {
        let state = app.state::<AppState>();
        if let (Ok(store), Some(library)) = (state.store_mutex(), state.library.as_ref()) {
            let progress = |p: faultline_manuals::library::ImportProgress| {
                let _ = app.emit("manuals://progress", &p);
                let _ = app.emit(
                    "manuals://changed",
                    Changed {
                        manual_id: p.manual_id,
                    },
                );
            };
            match library.process_queue(store, &passwords, &progress, &state.cancel_import) {
                Ok(done) => {
                    let _ = app.emit("manuals://progress", &done);
                }
                Err(e) => tracing::warn!("manual import stopped: {e}"),
            }
        }
        state.importing.store(false, Ordering::SeqCst);
        let _ = app.emit("manuals://changed", Changed { manual_id: None });
    });
}

fn library<'a>(state: &'a State<'_, AppState>) -> IpcResult<&'a Library> {
    state.library.as_ref().ok_or_else(|| {
        err(CoreError::InvalidState(
            "the manual library could not be opened; see the log".into(),
        ))
    })
}

#[tauri::command(rename_all = "snake_case")]
pub async fn manuals_list(state: State<'_, AppState>) -> IpcResult<Vec<Manual>> {
    state.store()?.manuals().map_err(err)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn manuals_add_files(
    app: AppHandle,
    state: State<'_, AppState>,
    paths: Vec<String>,
    model: Option<String>,
) -> IpcResult<ImportStarted> {
    let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
    let model = model.filter(|m| !m.trim().is_empty());
    let split = model.as_deref().map(|m| match m.trim().rsplit_once(' ') {
        Some((manufacturer, model)) => (manufacturer, model),
        None => ("", m.trim()),
    });
    let report = Library::add_paths(state.store_mutex()?, &paths, split).map_err(err)?;
    start_import(&app, HashMap::new());
    Ok(report.started())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn manuals_add_bytes(
    app: AppHandle,
    state: State<'_, AppState>,
    request: tauri::ipc::Request<'_>,
) -> IpcResult<Manual> {
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(err(CoreError::InvalidInput(
            "send the PDF's bytes as the request body".into(),
        )));
    };
    let name = request
        .headers()
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .map(percent_decode)
        .unwrap_or_else(|| "manual.pdf".into());
    let (manual, _) = state.store()?.add_manual(&name, bytes).map_err(err)?;
    start_import(&app, HashMap::new());
    Ok(manual)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn manuals_cancel(state: State<'_, AppState>) -> IpcResult<()> {
    state.cancel_import.store(true, Ordering::SeqCst);
    Ok(())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn manual_link_model(
    state: State<'_, AppState>,
    manual_id: String,
    manufacturer: String,
    model: String,
) -> IpcResult<Manual> {
    let m = id(&manual_id)?;
    state
        .store()?
        .link_manual_to_model(m, &manufacturer, &model)
        .map_err(err)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn manual_retry(
    app: AppHandle,
    state: State<'_, AppState>,
    manual_id: String,
    password: Option<String>,
) -> IpcResult<Manual> {
    let m = id(&manual_id)?;
    let manual = state.store()?.retry_manual(m).map_err(err)?;
    let mut passwords = HashMap::new();
    if let Some(p) = password.filter(|p| !p.is_empty()) {
        passwords.insert(m, p);
    }
    start_import(&app, passwords);
    Ok(manual)
}

/// Opens the system's folder chooser (GTK's on Linux: `webkitdirectory` in WebKitGTK only picks
/// files) and returns the chosen folder, or `None` when the person cancelled.
#[tauri::command(rename_all = "snake_case")]
pub async fn pick_folder(app: AppHandle, title: Option<String>) -> IpcResult<Option<String>> {
    use tauri_plugin_dialog::DialogExt;
    let title = title.unwrap_or_else(|| "Add a folder of manuals".to_string());
    // The dialog blocks until closed: never on the main (event loop) thread.
    let picked = tauri::async_runtime::spawn_blocking(move || {
        app.dialog().file().set_title(title).blocking_pick_folder()
    })
    .await
    .map_err(|e| {
        err(CoreError::InvalidState(format!(
            "the folder chooser failed: {e}"
        )))
    })?;
    match picked {
        None => Ok(None),
        Some(path) => path
            .into_path()
            .map(|p| Some(p.to_string_lossy().into_owned()))
            .map_err(|e| {
                err(CoreError::InvalidInput(format!(
                    "that folder cannot be used: {e}"
                )))
            }),
    }
}

#[tauri::command(rename_all = "snake_case")]
pub async fn manual_pdf(
    state: State<'_, AppState>,
    manual_id: String,
) -> IpcResult<tauri::ipc::Response> {
    let m = id(&manual_id)?;
    let store = state.store()?;
    let manual = store.manual(m).map_err(err)?;
    let bytes = store
        .blobs()
        .and_then(|b| b.get(&manual.sha256))
        .map_err(err)?;
    Ok(tauri::ipc::Response::new(bytes))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn search_manuals(
    state: State<'_, AppState>,
    text: String,
    asset_id: Option<String>,
    limit: Option<u32>,
) -> IpcResult<SearchResults> {
    let asset = asset_id
        .filter(|a| !a.is_empty())
        .map(|a| {
            Uuid::parse_str(&a).map_err(|_| {
                err(CoreError::InvalidInput(format!(
                    "{a:?} is not a valid asset id"
                )))
            })
        })
        .transpose()?;
    let lib = library(&state)?;
    lib.search(
        state.store_mutex()?,
        &text,
        asset,
        limit.unwrap_or(20) as usize,
    )
    .map_err(err)
}

/// Decodes `%XX` escapes (the UI sends file names with encodeURIComponent).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// At start, off the UI thread: re-queue what a killed import left half-done, rebuild the search
/// index from SQLite when it is missing/outdated/corrupt (with `index://rebuild` events), then
/// resume queued imports. Also arranges that a search which finds the index damaged later
/// starts the same rebuild in the background.
pub fn recover_library(app: &AppHandle) {
    if let Some(library) = app.state::<AppState>().library.as_ref() {
        let handle = app.clone();
        library.on_rebuild_needed(move || {
            let app = handle.clone();
            std::thread::spawn(move || {
                rebuild_index(&app);
                start_import(&app, HashMap::new());
            });
        });
    }
    let app = app.clone();
    std::thread::spawn(move || {
        let state = app.state::<AppState>();
        let (Ok(store), Some(library)) = (state.store_mutex(), state.library.as_ref()) else {
            return;
        };
        if let Err(e) = library.recover(store) {
            tracing::warn!("manual library recovery: {e}");
        }
        if library.needs_rebuild() {
            rebuild_index(&app);
        }
        start_import(&app, HashMap::new());
    });
}

/// Rebuilds the search index from the stored pages on the calling thread, reporting progress
/// as `index://rebuild` events.
fn rebuild_index(app: &AppHandle) {
    let state = app.state::<AppState>();
    let (Ok(store), Some(library)) = (state.store_mutex(), state.library.as_ref()) else {
        return;
    };
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let progress = |p: faultline_manuals::index::RebuildProgress| {
        let _ = app.emit(
            "index://rebuild",
            serde_json::json!({ "done": p.pages, "total": 0, "finished": false }),
        );
    };
    if let Err(e) = library.rebuild(store, progress, &cancel) {
        tracing::warn!("search index rebuild failed: {e}");
    }
    let _ = app.emit(
        "index://rebuild",
        serde_json::json!({ "done": 0, "total": 0, "finished": true }),
    );
}
