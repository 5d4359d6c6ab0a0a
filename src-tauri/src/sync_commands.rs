//! Sync IPC commands and the background sync: enrollment, "Sync now", status, conflicts and
//! refused changes. The engine (faultline-sync) runs on its own thread; progress reaches the UI
//! as `sync://progress` events and the end of each attempt as `sync://finished`.

use crate::state::AppState;
use faultline_core::domain::{
    ConflictChoice, RejectedChange, SyncConflict, SyncFinished, SyncStatus,
};
use faultline_core::{CoreError, ErrorBody};
use faultline_sync::{AutoSync, AutoSyncEvent, ClientOptions, EnrollRequest, SyncOptions};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager, State};
use uuid::Uuid;

type IpcResult<T> = Result<T, ErrorBody>;

/// Seconds between syncs while the hub is reachable (`FAULTLINE_SYNC_INTERVAL_SECS` overrides).
const DEFAULT_INTERVAL_SECS: u64 = 120;

/// The background sync thread, managed by Tauri.
pub struct SyncRunner(Mutex<Option<AutoSync>>);

fn err(e: CoreError) -> ErrorBody {
    tracing::warn!(code = ?e.code(), "sync command failed: {e}");
    ErrorBody::from(&e)
}

/// Starts the background sync (first attempt a few seconds after start, off the cold path).
pub fn start(app: &AppHandle) {
    let interval = std::env::var("FAULTLINE_SYNC_INTERVAL_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_INTERVAL_SECS);
    // FAULTLINE_SYNC_AUTO=0: sync only on "Sync now" (tests that must see the button work).
    let automatic = std::env::var("FAULTLINE_SYNC_AUTO").map_or(true, |v| v != "0");
    let store_app = app.clone();
    let events = app.clone();
    let runner = AutoSync::spawn(
        Box::new(move |f| {
            let state = store_app.state::<AppState>();
            if let Ok(m) = state.store_mutex() {
                f(m);
            }
        }),
        SyncOptions {
            user: std::env::var("USER").unwrap_or_else(|_| "technician".into()),
            ..SyncOptions::default()
        },
        automatic.then(|| Duration::from_secs(interval.max(5))),
        Duration::from_secs(3),
        move |ev| {
            let _ = match ev {
                AutoSyncEvent::Progress(p) => events.emit("sync://progress", &p),
                AutoSyncEvent::Finished(r) => events.emit(
                    "sync://finished",
                    &SyncFinished {
                        ok: true,
                        error: None,
                        retry_in_secs: None,
                        sent: r.pushed.applied + r.pushed.rejected + r.pushed.conflicts,
                        received: r.pulled.applied,
                        rejected: r.pushed.rejected,
                        conflicts: r.pushed.conflicts,
                    },
                ),
                AutoSyncEvent::Failed { error, retry_in } => events.emit(
                    "sync://finished",
                    &SyncFinished {
                        ok: false,
                        error: Some(error),
                        retry_in_secs: retry_in
                            .map(|d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX)),
                        sent: 0,
                        received: 0,
                        rejected: 0,
                        conflicts: 0,
                    },
                ),
            };
        },
    );
    match runner {
        Ok(r) => {
            app.manage(SyncRunner(Mutex::new(Some(r))));
        }
        Err(e) => {
            tracing::error!("cannot start the background sync: {e}");
            app.manage(SyncRunner(Mutex::new(None)));
        }
    }
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_status(state: State<'_, AppState>) -> IpcResult<SyncStatus> {
    state.store()?.sync_status().map_err(err)
}

/// Starts a sync now; progress and the result arrive as events.
#[tauri::command(rename_all = "snake_case")]
pub async fn sync_now(state: State<'_, AppState>, runner: State<'_, SyncRunner>) -> IpcResult<()> {
    if state.store()?.enrollment().map_err(err)?.is_none() {
        return Err(err(CoreError::InvalidState(
            "this laptop is not enrolled with a hub: enter the hub address and the device token \
             plant IT gave you"
                .into(),
        )));
    }
    match runner.0.lock().map(|g| g.as_ref().map(AutoSync::sync_now)) {
        Ok(Some(())) => Ok(()),
        _ => Err(err(CoreError::InvalidState(
            "the background sync is not running: restart Faultline".into(),
        ))),
    }
}

/// Enrolls this laptop with a hub (checks the token with the hub first).
#[tauri::command(rename_all = "snake_case")]
pub async fn sync_enroll(
    app: AppHandle,
    hub_url: String,
    token: String,
    ca_bundle: Option<String>,
) -> IpcResult<SyncStatus> {
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        let store = state.store_mutex()?;
        faultline_sync::enroll(
            store,
            &EnrollRequest {
                hub_url,
                token,
                options: ClientOptions {
                    ca_bundle: ca_bundle
                        .filter(|c| !c.trim().is_empty())
                        .map(PathBuf::from),
                    proxy: None,
                    timeout: None,
                },
            },
        )
        .map_err(|e| err(e.into()))?;
        let status = state.store()?.sync_status().map_err(err)?;
        if let Ok(guard) = app.state::<SyncRunner>().0.lock() {
            if let Some(runner) = guard.as_ref() {
                runner.sync_now();
            }
        }
        Ok(status)
    })
    .await
    .map_err(|e| err(CoreError::InvalidState(format!("enrollment stopped: {e}"))))?
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_conflicts(state: State<'_, AppState>) -> IpcResult<Vec<SyncConflict>> {
    state.store()?.conflicts(true).map_err(err)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn resolve_conflict(
    state: State<'_, AppState>,
    conflict_id: String,
    choice: ConflictChoice,
) -> IpcResult<Vec<SyncConflict>> {
    let id = Uuid::parse_str(conflict_id.trim()).map_err(|_| {
        err(CoreError::InvalidInput(format!(
            "{conflict_id:?} is not a conflict id"
        )))
    })?;
    let mut store = state.store()?;
    store.resolve_conflict(id, choice).map_err(err)?;
    store.conflicts(true).map_err(err)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn rejected_changes(state: State<'_, AppState>) -> IpcResult<Vec<RejectedChange>> {
    state.store()?.rejected_changes(100).map_err(err)
}
