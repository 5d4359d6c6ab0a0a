//! IPC commands of the Shift screen and the first screen: the plant's shift calendar, the shift
//! handover for a calendar shift or a range, the start screen, work orders by number.

use crate::commands::{err, time, with_store, IpcResult};
use crate::state::AppState;
use faultline_core::domain::{ShiftCalendar, ShiftHandover, StartScreen, WorkOrderSummary};
use faultline_core::CoreError;
use tauri::State;

#[tauri::command(rename_all = "snake_case")]
pub async fn shift_calendar(state: State<'_, AppState>) -> IpcResult<ShiftCalendar> {
    with_store(&state, |s| s.shift_calendar())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_shift_calendar(
    state: State<'_, AppState>,
    calendar: ShiftCalendar,
) -> IpcResult<ShiftCalendar> {
    with_store(&state, |s| s.set_shift_calendar(calendar))
}

/// The handover of a calendar shift (`shift`: "current", "previous" or a shift's name, with
/// `date` YYYY-MM-DD for a name) or of the range `from`..`to` (RFC 3339); default: the current
/// shift.
#[tauri::command(rename_all = "snake_case")]
pub async fn shift_handover(
    state: State<'_, AppState>,
    shift: Option<String>,
    date: Option<String>,
    from: Option<String>,
    to: Option<String>,
) -> IpcResult<ShiftHandover> {
    let (from, to) = (time(from)?, time(to)?);
    let date = date
        .filter(|d| !d.trim().is_empty())
        .map(|d| {
            chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(|_| {
                err(CoreError::InvalidInput(format!(
                    "{d:?} is not a date (YYYY-MM-DD expected)"
                )))
            })
        })
        .transpose()?;
    with_store(&state, |s| {
        let now = s.clock().now();
        match (from, to) {
            (Some(from), Some(to)) => s.shift_handover(from, to, now),
            (None, None) => {
                let which = shift.as_deref().unwrap_or("current");
                let w = s.shift_calendar()?.pick(which, date, now)?;
                let mut h = s.shift_handover(w.from, w.to, now)?;
                h.shift = Some(w);
                Ok(h)
            }
            _ => Err(CoreError::InvalidInput(
                "a custom range needs both its start and its end".into(),
            )),
        }
    })
}

#[tauri::command(rename_all = "snake_case")]
pub async fn start_screen(state: State<'_, AppState>) -> IpcResult<StartScreen> {
    with_store(&state, |s| {
        let now = s.clock().now();
        s.start_screen(now)
    })
}

#[tauri::command(rename_all = "snake_case")]
pub async fn find_work_orders(
    state: State<'_, AppState>,
    query: String,
    limit: Option<usize>,
) -> IpcResult<Vec<WorkOrderSummary>> {
    with_store(&state, |s| s.find_work_orders(&query, limit.unwrap_or(10)))
}

/// A file name safe to create in the exports folder: letters, digits, `.`, `-`, `_`; ends in
/// `.csv`; no leading dot.
fn export_name(name: &str) -> Option<&str> {
    let ok = !name.is_empty()
        && name.len() <= 120
        && !name.starts_with('.')
        && name.ends_with(".csv")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    ok.then_some(name)
}

/// Writes an export the UI made (the shift handover as CSV) to `DATA_DIR/exports/NAME` and
/// answers the full path, which the UI shows (WebKitGTK has no download manager to hand a Blob
/// to).
#[tauri::command(rename_all = "snake_case")]
pub async fn save_export(
    state: State<'_, AppState>,
    file_name: String,
    text: String,
) -> IpcResult<String> {
    let name = export_name(file_name.trim()).ok_or_else(|| {
        err(CoreError::InvalidInput(format!(
            "{file_name:?} is not a usable export name (letters, digits, . - _, ending in .csv)"
        )))
    })?;
    let dir = with_store(&state, |s| {
        s.data_dir()
            .map(|d| d.join("exports"))
            .ok_or_else(|| CoreError::InvalidState("this replica has no data directory".into()))
    })?;
    let path = dir.join(name);
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(&dir)?;
        std::fs::write(&path, text.as_bytes())
    };
    write().map_err(|e| err(CoreError::io(format!("cannot write {}", path.display()), e)))?;
    Ok(path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::export_name;

    #[test]
    fn only_plain_csv_names_are_written() {
        assert_eq!(
            export_name("shift-2026-11-20-Early.csv"),
            Some("shift-2026-11-20-Early.csv")
        );
        assert_eq!(export_name("../etc/passwd.csv"), None);
        assert_eq!(export_name(".hidden.csv"), None);
        assert_eq!(export_name("shift.exe"), None);
        assert_eq!(export_name("a/b.csv"), None);
    }
}
