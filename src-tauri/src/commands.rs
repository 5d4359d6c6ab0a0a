//! IPC commands the UI calls with `invoke(...)`: each converts its arguments, calls the core and
//! returns the core's value or an `ErrorBody {code, message}`. No logic lives here.

use crate::state::AppState;
use faultline_core::domain::*;
use faultline_core::{CoreError, ErrorBody, Store};
use tauri::State;
use uuid::Uuid;

pub(crate) type IpcResult<T> = Result<T, ErrorBody>;

pub(crate) fn err(e: CoreError) -> ErrorBody {
    tracing::warn!(code = ?e.code(), "command failed: {e}");
    ErrorBody::from(&e)
}

fn invalid(message: String) -> ErrorBody {
    err(CoreError::InvalidInput(message))
}

fn id(s: &str, what: &str) -> IpcResult<Uuid> {
    Uuid::parse_str(s.trim()).map_err(|_| invalid(format!("{s:?} is not a valid {what} id")))
}

pub(crate) fn time(s: Option<String>) -> IpcResult<Option<chrono::DateTime<chrono::Utc>>> {
    s.filter(|t| !t.trim().is_empty())
        .map(|t| {
            chrono::DateTime::parse_from_rfc3339(t.trim())
                .map(|d| d.with_timezone(&chrono::Utc))
                .map_err(|_| invalid(format!("{t:?} is not a time (RFC 3339 expected)")))
        })
        .transpose()
}

/// Runs `f` with the store locked.
pub(crate) fn with_store<T>(
    state: &State<'_, AppState>,
    f: impl FnOnce(&mut Store) -> Result<T, CoreError>,
) -> IpcResult<T> {
    let mut guard = state.store()?;
    f(&mut guard).map_err(err)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn app_info(state: State<'_, AppState>) -> IpcResult<AppInfo> {
    with_store(&state, |s| s.app_info(env!("CARGO_PKG_VERSION")))
}

/// The UI calls this once its first screen is on the display (cold-start measurement).
#[tauri::command(rename_all = "snake_case")]
pub async fn ui_ready(app: tauri::AppHandle, state: State<'_, AppState>) -> IpcResult<()> {
    let ms = state.started.elapsed().as_millis();
    tracing::info!(ms, "first screen rendered");
    if std::env::var_os("FAULTLINE_EXIT_ON_READY").is_some() {
        println!("ready_ms={ms}");
        app.exit(0);
    }
    Ok(())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn find_assets(
    state: State<'_, AppState>,
    query: String,
    limit: Option<u32>,
) -> IpcResult<Vec<AssetSummary>> {
    with_store(&state, |s| {
        s.find_assets(&query, limit.unwrap_or(30) as usize)
    })
}

#[tauri::command(rename_all = "snake_case")]
pub async fn asset_by_tag(state: State<'_, AppState>, tag: String) -> IpcResult<Option<Asset>> {
    with_store(&state, |s| s.asset_by_tag(&tag))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn asset_page(
    state: State<'_, AppState>,
    asset_id: String,
    history_limit: Option<u32>,
) -> IpcResult<AssetPage> {
    let asset_id = id(&asset_id, "asset")?;
    with_store(&state, |s| {
        s.asset_page(asset_id, history_limit.unwrap_or(100) as usize)
    })
}

#[tauri::command(rename_all = "snake_case")]
pub async fn work_order(state: State<'_, AppState>, work_order_id: String) -> IpcResult<WorkOrder> {
    let wo = id(&work_order_id, "work order")?;
    with_store(&state, |s| s.work_order(wo))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn log_breakdown(
    state: State<'_, AppState>,
    input: NewBreakdown,
) -> IpcResult<WorkOrder> {
    with_store(&state, |s| s.log_breakdown(&input))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn add_note(
    state: State<'_, AppState>,
    work_order_id: String,
    author: String,
    text: String,
) -> IpcResult<WorkOrder> {
    let wo = id(&work_order_id, "work order")?;
    with_store(&state, |s| s.add_note(wo, &author, &text))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn machine_stopped(
    state: State<'_, AppState>,
    work_order_id: String,
    at: Option<String>,
    confirm_old_stop: Option<bool>,
) -> IpcResult<WorkOrder> {
    let wo = id(&work_order_id, "work order")?;
    let at = time(at)?;
    let input = faultline_core::domain::StopMachine {
        work_order_id: wo,
        at,
        confirm_old_stop: confirm_old_stop.unwrap_or(false),
    };
    with_store(&state, |s| s.stop_machine(&input))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn back_in_service(
    state: State<'_, AppState>,
    work_order_id: String,
    at: Option<String>,
) -> IpcResult<WorkOrder> {
    let wo = id(&work_order_id, "work order")?;
    let at = time(at)?;
    with_store(&state, |s| s.back_in_service(wo, at))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn close_work_order(
    state: State<'_, AppState>,
    input: CloseWorkOrder,
) -> IpcResult<WorkOrder> {
    with_store(&state, |s| s.close_work_order(&input))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn add_part(state: State<'_, AppState>, input: NewPart) -> IpcResult<WorkOrder> {
    with_store(&state, |s| s.add_part(&input))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn add_photo(
    state: State<'_, AppState>,
    work_order_id: String,
    data_base64: String,
    mime: String,
    caption: Option<String>,
) -> IpcResult<WorkOrder> {
    use base64::Engine;
    let wo = id(&work_order_id, "work order")?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data_base64.as_bytes())
        .map_err(|_| invalid("the photo could not be read: try taking it again".into()))?;
    with_store(&state, |s| {
        s.add_photo(wo, &bytes, &mime, caption.as_deref())
    })
}

/// The bytes of a photo (by its SHA-256) for the work order's thumbnails and viewer.
#[tauri::command(rename_all = "snake_case")]
pub async fn photo(state: State<'_, AppState>, sha256: String) -> IpcResult<tauri::ipc::Response> {
    let bytes = with_store(&state, |s| s.blobs().and_then(|b| b.get(&sha256)))?;
    Ok(tauri::ipc::Response::new(bytes))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn failure_catalog(state: State<'_, AppState>) -> IpcResult<FailureCatalog> {
    with_store(&state, |s| s.failure_catalog())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn procedure(state: State<'_, AppState>, code: String) -> IpcResult<Procedure> {
    with_store(&state, |s| s.procedure(&code))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn shift_report(
    state: State<'_, AppState>,
    from: Option<String>,
    to: Option<String>,
) -> IpcResult<ShiftReport> {
    let to_t = time(to)?;
    let from_t = time(from)?;
    with_store(&state, |s| {
        let to = to_t.unwrap_or_else(|| s.clock().now());
        let from = from_t.unwrap_or(to - chrono::Duration::hours(12));
        s.shift_report(from, to)
    })
}

/// Amends or voids a note, part or photo (append-only; the original stays in its history).
#[tauri::command(rename_all = "snake_case")]
pub async fn correct_item(
    state: State<'_, AppState>,
    input: NewCorrection,
) -> IpcResult<WorkOrder> {
    with_store(&state, |s| s.correct(&input))
}

/// Adds the shift lead's handover note for a shift.
#[tauri::command(rename_all = "snake_case")]
pub async fn add_handover_note(
    state: State<'_, AppState>,
    input: NewHandoverNote,
) -> IpcResult<HandoverNote> {
    with_store(&state, |s| s.add_handover_note(&input))
}

/// The handover notes of the shifts overlapping `from`..`to` (RFC 3339; default the last 24 h).
#[tauri::command(rename_all = "snake_case")]
pub async fn handover_notes(
    state: State<'_, AppState>,
    from: Option<String>,
    to: Option<String>,
) -> IpcResult<Vec<HandoverNote>> {
    let to_t = time(to)?;
    let from_t = time(from)?;
    with_store(&state, |s| {
        let to = to_t.unwrap_or_else(|| s.clock().now());
        let from = from_t.unwrap_or(to - chrono::Duration::hours(24));
        s.handover_notes(from, to)
    })
}
