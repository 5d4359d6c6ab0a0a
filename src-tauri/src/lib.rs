//! Faultline desktop app: resolves the data directory, manages state and registers IPC commands.

pub mod commands;
pub mod manual_commands;
pub mod shift_commands;
pub mod single_instance;
pub mod state;
pub mod sync_commands;

use tauri::Manager;
use tracing_subscriber::EnvFilter;

pub use state::{AppDataDir, AppState, DataDirError};

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
            let dir = match requested {
                Some(dir) => dir,
                None => app.path().app_data_dir()?,
            };
            std::fs::create_dir_all(&dir).map_err(|error| {
                format!("cannot create data directory {}: {error}", dir.display())
            })?;
            let handle = app.handle().clone();
            let instance = match single_instance::acquire(&dir, move || focus_main_window(&handle))
            {
                Ok(instance) => instance,
                Err(single_instance::InstanceError::Running(dir)) => {
                    // Two copies on one replica would both sync and keep drafts: show the first.
                    let focused = single_instance::ask_running_to_focus(&dir).is_ok();
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
            app.manage(AppState::open(&dir, started));
            open_main_window(app, &dir)?;
            manual_commands::recover_library(app.handle());
            sync_commands::start(app.handle());
            app.manage(AppDataDir(dir));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::ui_ready,
            commands::find_assets,
            commands::asset_by_tag,
            commands::asset_page,
            commands::work_order,
            commands::log_breakdown,
            commands::add_note,
            commands::machine_stopped,
            commands::back_in_service,
            commands::close_work_order,
            commands::add_part,
            commands::add_photo,
            commands::photo,
            commands::failure_catalog,
            commands::procedure,
            commands::shift_report,
            commands::correct_item,
            commands::add_handover_note,
            commands::handover_notes,
            shift_commands::shift_calendar,
            shift_commands::set_shift_calendar,
            shift_commands::shift_handover,
            shift_commands::start_screen,
            shift_commands::find_work_orders,
            shift_commands::save_export,
            manual_commands::manuals_list,
            manual_commands::manuals_add_files,
            manual_commands::manuals_add_bytes,
            manual_commands::manuals_cancel,
            manual_commands::pick_folder,
            manual_commands::manual_link_model,
            manual_commands::manual_retry,
            manual_commands::manual_pdf,
            manual_commands::search_manuals,
            sync_commands::sync_status,
            sync_commands::sync_now,
            sync_commands::sync_enroll,
            sync_commands::sync_conflicts,
            sync_commands::resolve_conflict,
            sync_commands::rejected_changes,
        ])
        .run(tauri::generate_context!("../tauri.conf.json"))?;
    Ok(())
}
