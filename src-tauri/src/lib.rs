//! Faultline desktop app: resolves the data directory, opens the App (crates/faultline-api) on it
//! and hands the window's IPC to it (`call`, `call_bytes`; `ui_ready`, `pick_folder` are the
//! window's own).

pub mod ipc;
pub mod single_instance;
pub mod state;

use tauri::Manager;
use tracing_subscriber::EnvFilter;

pub use state::{AppDataDir, DataDirError};

/// Errors that stop the app before or while it runs.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    DataDir(#[from] DataDirError),
    #[error(transparent)]
    Tauri(#[from] tauri::Error),
}

/// Sends `tracing` output to stderr; `RUST_LOG` overrides the default `info` level.
pub fn init_logging() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // A second call (e.g. from tests) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Logs how far start-up got (`RUST_LOG=faultline::startup=debug`): the phases of a cold start.
fn mark(started: std::time::Instant, phase: &str) {
    tracing::debug!(target: "faultline::startup", ms = started.elapsed().as_millis() as u64, "{phase}");
}

/// Opens the main window (configured in tauri.conf.json, `create: false`) with its web storage
/// (name, theme, unsaved drafts) inside the data directory, so each replica keeps its own.
fn open_main_window(app: &tauri::App, data_dir: &std::path::Path) -> Result<(), tauri::Error> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == "main")
        .cloned()
        .unwrap_or_default();
    tauri::WebviewWindowBuilder::from_config(app.handle(), &config)?
        .data_directory(data_dir.join("webview"))
        .build()?;
    Ok(())
}

/// Brings the main window to the front (a second start on the same data directory asked).
fn focus_main_window(app: &tauri::AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Starts the app and blocks until its last window closes.
pub fn run() -> Result<(), AppError> {
    let started = std::time::Instant::now();
    let requested = state::requested_data_dir(
        std::env::var_os(state::DATA_DIR_ENV),
        std::env::args_os()
            .collect::<Vec<_>>()
            .get(1..)
            .unwrap_or_default()
            .to_vec(),
    )?;
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            mark(started, "setup");
            let dir = match requested {
                Some(dir) => dir,
                None => app.path().app_data_dir()?,
            };
            std::fs::create_dir_all(&dir).map_err(|error| {
                format!("cannot create data directory {}: {error}", dir.display())
            })?;
            let handle = app.handle().clone();
            let instance = match single_instance::acquire_or_wait(
                &dir,
                move || focus_main_window(&handle),
                single_instance::Patience::APP,
            ) {
                Ok(single_instance::Start::Acquired(instance)) => instance,
                Ok(single_instance::Start::AlreadyRunning { focused }) => {
                    // Two copies on one replica would both sync and keep drafts: show the first.
                    println!(
                        "Faultline is already running on {}{}",
                        dir.display(),
                        if focused {
                            ": its window was brought to the front."
                        } else {
                            "."
                        }
                    );
                    std::process::exit(0);
                }
                Err(error) => return Err(error.to_string().into()),
            };
            app.manage(instance);
            tracing::info!(data_dir = %dir.display(), "Faultline starting");
            // This binary's `extract-worker` (main.rs); without its path, extraction fails per file.
            let worker =
                faultline_manuals::extract::WorkerCommand::current_exe().unwrap_or_else(|_| {
                    faultline_manuals::extract::WorkerCommand {
                        exe: "faultline-app".into(),
                        args_before: vec!["extract-worker".into()],
                    }
                });
            let options = faultline_api::AppOptions {
                sync: faultline_api::SyncSettings::from_env(),
                started,
                ..faultline_api::AppOptions::new(env!("CARGO_PKG_VERSION"), worker)
            };
            let sink = std::sync::Arc::new(ipc::WindowSink(app.handle().clone()));
            app.manage(faultline_api::App::open(&dir, options, sink));
            mark(started, "app opened");
            open_main_window(app, &dir)?;
            mark(started, "window built");
            app.state::<faultline_api::App>().start_background();
            mark(started, "background started");
            app.manage(AppDataDir(dir));
            Ok(())
        })
        .on_page_load(move |_, payload| {
            let phase = match payload.event() {
                tauri::webview::PageLoadEvent::Started => "page load started",
                tauri::webview::PageLoadEvent::Finished => "page load finished",
            };
            mark(started, phase);
        })
        .invoke_handler(tauri::generate_handler![
            ipc::call,
            ipc::call_bytes,
            ipc::ui_ready,
            ipc::pick_folder,
        ])
        .run(tauri::generate_context!("../tauri.conf.json"))?;
    Ok(())
}
