//! The Shift screen and the first screen: shift report, handover notes, the shift calendar, the
//! shift handover, the start screen, work orders by number, and writing an export.

use crate::app::App;
use crate::args::*;
use crate::convert::{date, err, invalid, time, ApiResult};
use crate::events::DataKind;
use faultline_core::domain::{
    HandoverNote, ShiftCalendar, ShiftHandover, ShiftReport, StartScreen, WorkOrderSummary,
};
use faultline_core::CoreError;

/// `shift_report` covers this many hours back from now when the UI names no range.
pub const SHIFT_REPORT_HOURS: i64 = 12;
/// `handover_notes` covers this many hours back from now when the UI names no range.
pub const HANDOVER_NOTES_HOURS: i64 = 24;
/// `find_work_orders` answers this many when the UI names no limit.
pub const FIND_WORK_ORDERS_LIMIT: u32 = 10;

impl App {
    /// The shift report of `from`..`to` (default the last 12 hours).
    pub fn shift_report(&self, a: TimeRangeArgs) -> ApiResult<ShiftReport> {
        let (from, to) = (time(a.from.as_deref())?, time(a.to.as_deref())?);
        self.with_store(|s| {
            let to = to.unwrap_or_else(|| s.clock().now());
            let from = from.unwrap_or(to - chrono::Duration::hours(SHIFT_REPORT_HOURS));
            s.shift_report(from, to)
        })
    }

    /// Adds the shift lead's handover note for a shift.
    pub fn add_handover_note(&self, a: AddHandoverNoteArgs) -> ApiResult<HandoverNote> {
        self.write(&[DataKind::Shifts], |s| s.add_handover_note(&a.input))
    }

    /// The handover notes of the shifts overlapping `from`..`to` (default the last 24 h).
    pub fn handover_notes(&self, a: TimeRangeArgs) -> ApiResult<Vec<HandoverNote>> {
        let (from, to) = (time(a.from.as_deref())?, time(a.to.as_deref())?);
        self.with_store(|s| {
            let to = to.unwrap_or_else(|| s.clock().now());
            let from = from.unwrap_or(to - chrono::Duration::hours(HANDOVER_NOTES_HOURS));
            s.handover_notes(from, to)
        })
    }

    pub fn shift_calendar(&self) -> ApiResult<ShiftCalendar> {
        self.with_store(|s| s.shift_calendar())
    }

    pub fn set_shift_calendar(&self, a: SetShiftCalendarArgs) -> ApiResult<ShiftCalendar> {
        self.write(&[DataKind::Shifts], |s| s.set_shift_calendar(a.calendar))
    }

    /// The handover of a calendar shift (`current`, `previous` or a name on `date`) or of the
    /// range `from`..`to`; default the current shift.
    pub fn shift_handover(&self, a: ShiftHandoverArgs) -> ApiResult<ShiftHandover> {
        let (from, to) = (time(a.from.as_deref())?, time(a.to.as_deref())?);
        let day = date(a.date.as_deref())?;
        self.with_store(|s| {
            let now = s.clock().now();
            match (from, to) {
                (Some(from), Some(to)) => s.shift_handover(from, to, now),
                (None, None) => {
                    let which = a.shift.as_deref().unwrap_or("current");
                    let w = s.shift_calendar()?.pick(which, day, now)?;
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

    /// The first screen: machines down now and open breakdowns by priority.
    pub fn start_screen(&self) -> ApiResult<StartScreen> {
        self.with_store(|s| {
            let now = s.clock().now();
            s.start_screen(now)
        })
    }

    /// Work orders whose number is or starts with the query.
    pub fn find_work_orders(&self, a: FindWorkOrdersArgs) -> ApiResult<Vec<WorkOrderSummary>> {
        let limit = a.limit.unwrap_or(FIND_WORK_ORDERS_LIMIT) as usize;
        self.with_store(|s| s.find_work_orders(&a.query, limit))
    }

    /// Writes an export the UI made (the shift handover as CSV) to `DATA_DIR/exports/NAME` and
    /// answers the full path (WebKitGTK has no download manager to hand a Blob to).
    pub fn save_export(&self, a: SaveExportArgs) -> ApiResult<String> {
        let name = export_name(a.file_name.trim()).ok_or_else(|| {
            invalid(format!(
                "{:?} is not a usable export name (letters, digits, . - _, ending in .csv)",
                a.file_name
            ))
        })?;
        let dir = self.with_store(|s| {
            s.data_dir()
                .map(|d| d.join("exports"))
                .ok_or_else(|| CoreError::InvalidState("this replica has no data directory".into()))
        })?;
        let path = dir.join(name);
        let write = || -> std::io::Result<()> {
            std::fs::create_dir_all(&dir)?;
            std::fs::write(&path, a.text.as_bytes())
        };
        write().map_err(|e| err(CoreError::io(format!("cannot write {}", path.display()), e)))?;
        Ok(path.display().to_string())
    }
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
