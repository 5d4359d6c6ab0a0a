//! The window's IPC: `call` and `call_bytes` run any App command (crates/faultline-api
//! `COMMANDS`), `ui_ready` and `pick_folder` are the window's own; every `AppEvent` is emitted on
//! `APP_EVENT_CHANNEL`. No logic lives here.

use faultline_api::{App, AppEvent, ErrorBody, EventSink, APP_EVENT_CHANNEL};
use faultline_core::ErrorCode;
use serde_json::Value;
use tauri::{AppHandle, Emitter, Manager};

type IpcResult<T> = Result<T, ErrorBody>;

fn failed(code: ErrorCode, message: String) -> ErrorBody {
    tracing::warn!(?code, "command failed: {message}");
    ErrorBody { code, message }
}

/// Runs `f` with the App off the async runtime (commands read SQLite, some reach the hub).
async fn blocking<T: Send + 'static>(
    handle: AppHandle,
    f: impl FnOnce(&App) -> IpcResult<T> + Send + 'static,
) -> IpcResult<T> {
    tauri::async_runtime::spawn_blocking(move || f(&handle.state::<App>()))
        .await
        .map_err(|e| failed(ErrorCode::InvalidState, format!("the command stopped: {e}")))?
}

/// Any JSON command of the App, by name, with the object the UI sends.
#[tauri::command(rename_all = "snake_case")]
pub async fn call(handle: AppHandle, command: String, args: Option<Value>) -> IpcResult<Value> {
    blocking(handle, move |app| {
        let began = std::time::Instant::now();
        let answer = app.call(&command, args.unwrap_or(Value::Null));
        tracing::debug!(
            target: "faultline::startup",
            at_ms = began.duration_since(app.options().started).as_millis() as u64,
            took_us = began.elapsed().as_micros() as u64,
            "call {command}"
        );
        answer
    })
    .await
}

/// Any byte command of the App (`photo`, `manual_pdf`), answered as raw bytes.
#[tauri::command(rename_all = "snake_case")]
pub async fn call_bytes(
    handle: AppHandle,
    command: String,
    args: Option<Value>,
) -> IpcResult<tauri::ipc::Response> {
    let bytes = blocking(handle, move |app| {
        app.call_bytes(&command, args.unwrap_or(Value::Null))
    })
    .await?;
    Ok(tauri::ipc::Response::new(bytes))
}

/// The UI calls this once its first screen is on the display (cold-start measurement).
#[tauri::command(rename_all = "snake_case")]
pub async fn ui_ready(handle: AppHandle) -> IpcResult<()> {
    let ms = handle
        .state::<App>()
        .options()
        .started
        .elapsed()
        .as_millis();
    tracing::info!(ms, "first screen rendered");
    // The risk ranking of the Analytics screen, off the cold path (about 0.5 s on 20,000 assets).
    handle.state::<App>().prepare_analytics();
    if std::env::var_os("FAULTLINE_EXIT_ON_READY").is_some() {
        println!("ready_ms={ms}");
        handle.exit(0);
    }
    Ok(())
}

/// Opens the system's folder chooser (GTK's on Linux: `webkitdirectory` in WebKitGTK only picks
/// files) and returns the chosen folder, or `None` when the person cancelled.
#[tauri::command(rename_all = "snake_case")]
pub async fn pick_folder(handle: AppHandle, title: Option<String>) -> IpcResult<Option<String>> {
    use tauri_plugin_dialog::DialogExt;
    let title = title.unwrap_or_else(|| "Add a folder of manuals".to_string());
    // The dialog blocks until closed: never on the main (event loop) thread.
    let picked = tauri::async_runtime::spawn_blocking(move || {
        handle
            .dialog()
            .file()
            .set_title(title)
            .blocking_pick_folder()
    })
    .await
    .map_err(|e| {
        failed(
            ErrorCode::InvalidState,
            format!("the folder chooser failed: {e}"),
        )
    })?;
    match picked {
        None => Ok(None),
        Some(path) => path
            .into_path()
            .map(|p| Some(p.to_string_lossy().into_owned()))
            .map_err(|e| {
                failed(
                    ErrorCode::InvalidInput,
                    format!("that folder cannot be used: {e}"),
                )
            }),
    }
}

/// Emits the App's events to the window on `APP_EVENT_CHANNEL`.
pub struct WindowSink(pub AppHandle);

impl EventSink for WindowSink {
    fn emit(&self, event: &AppEvent) {
        if let Err(e) = self.0.emit(APP_EVENT_CHANNEL, event) {
            tracing::debug!("event not delivered: {e}");
        }
    }
}
