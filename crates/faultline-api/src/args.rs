//! The argument of each App command: one typed struct per action whose JSON shape is exactly the
//! object the UI sends (snake_case names; optional fields may be left out).

use faultline_core::domain::{
    CloseWorkOrder, ConflictChoice, NewBreakdown, NewCorrection, NewHandoverNote, NewPart,
    ShiftCalendar,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::analytics::{
    AnalyticsArgs, AnalyticsOeeArgs, AnalyticsParetoArgs, AnalyticsRiskArgs, AnalyticsTrendsArgs,
    SetProductionCountsArgs, WorkOrdersBehindArgs,
};
pub use crate::diagnosis::{
    DiagnoseArgs, DiagnosisAnswerArgs, DiagnosisBackArgs, DiagnosisSessionArgs, DiagnosisStartArgs,
};

/// Declares argument structs: Deserialize (from the UI's object), Serialize (for tests and
/// dev tools), exported to TypeScript with optional fields as `name?: T`.
macro_rules! args {
    ($( $(#[$meta:meta])* pub struct $name:ident { $( $(#[$fmeta:meta])* pub $field:ident : $ty:ty ),* $(,)? } )*) => {
        $(
            $(#[$meta])*
            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
            #[ts(export, optional_fields)]
            pub struct $name { $( $(#[$fmeta])* pub $field: $ty ),* }
        )*
    };
}

args! {
    /// `find_assets`: type-ahead (default limit 30).
    pub struct FindAssetsArgs { pub query: String, pub limit: Option<u32> }
    /// `asset_by_tag`: what a barcode scan resolves to.
    pub struct AssetByTagArgs { pub tag: String }
    /// `asset_page` (default history 100 work orders).
    pub struct AssetPageArgs { pub asset_id: String, pub history_limit: Option<u32> }
    /// `work_order`, `back_in_service` without a time.
    pub struct WorkOrderArgs { pub work_order_id: String }
    pub struct LogBreakdownArgs { pub input: NewBreakdown }
    pub struct AddNoteArgs { pub work_order_id: String, pub author: String, pub text: String }
    /// `machine_stopped`: downtime starts at `at` (RFC 3339) or now.
    pub struct MachineStoppedArgs {
        pub work_order_id: String,
        pub at: Option<String>,
        pub confirm_old_stop: Option<bool>,
    }
    /// `back_in_service`: downtime ends at `at` (RFC 3339) or now.
    pub struct BackInServiceArgs { pub work_order_id: String, pub at: Option<String> }
    pub struct CloseWorkOrderArgs { pub input: CloseWorkOrder }
    pub struct AddPartArgs { pub input: NewPart }
    /// `add_photo`: the image as base64.
    pub struct AddPhotoArgs {
        pub work_order_id: String,
        pub data_base64: String,
        pub mime: String,
        pub caption: Option<String>,
    }
    /// `photo` (bytes): a photo by its SHA-256.
    pub struct PhotoArgs { pub sha256: String }
    pub struct ProcedureArgs { pub code: String }
    /// `shift_report`, `handover_notes`: RFC 3339 range (defaults: last 12 h / 24 h).
    pub struct TimeRangeArgs { pub from: Option<String>, pub to: Option<String> }
    pub struct CorrectItemArgs { pub input: NewCorrection }
    pub struct AddHandoverNoteArgs { pub input: NewHandoverNote }
    pub struct SetShiftCalendarArgs { pub calendar: ShiftCalendar }
    /// `shift_handover`: a calendar shift (`current`, `previous`, or a name on `date`) or the
    /// range `from`..`to`; default the current shift.
    pub struct ShiftHandoverArgs {
        pub shift: Option<String>,
        pub date: Option<String>,
        pub from: Option<String>,
        pub to: Option<String>,
    }
    /// `find_work_orders` (default limit 10).
    pub struct FindWorkOrdersArgs { pub query: String, pub limit: Option<u32> }
    /// `save_export`: writes `DATA_DIR/exports/<file_name>`.
    pub struct SaveExportArgs { pub file_name: String, pub text: String }
    /// `manuals_add_files`: files or folders by path; `model` is "Manufacturer Model".
    pub struct ManualsAddFilesArgs { pub paths: Vec<String>, pub model: Option<String> }
    /// `manuals_add_bytes`: one PDF from the file picker, as base64.
    pub struct ManualsAddBytesArgs { pub file_name: String, pub data_base64: String }
    pub struct ManualLinkModelArgs {
        pub manual_id: String,
        pub manufacturer: String,
        pub model: String,
    }
    /// `manual_retry`: the password (encrypted PDF) is used once, never stored.
    pub struct ManualRetryArgs { pub manual_id: String, pub password: Option<String> }
    /// `manual_pdf` (bytes).
    pub struct ManualArgs { pub manual_id: String }
    /// `search_manuals` (default limit 20).
    pub struct SearchManualsArgs {
        pub text: String,
        pub asset_id: Option<String>,
        pub limit: Option<u32>,
    }
    pub struct SyncEnrollArgs {
        pub hub_url: String,
        pub token: String,
        pub ca_bundle: Option<String>,
    }
    pub struct ResolveConflictArgs { pub conflict_id: String, pub choice: ConflictChoice }
}
