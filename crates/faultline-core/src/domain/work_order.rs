//! Work orders and what hangs off them: notes, parts, photos, downtime, failure codes; and the
//! fault events (alarms) machines and operators report.

use super::SyncState;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum WorkOrderType {
    Breakdown,
    Corrective,
    Preventive,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum WorkOrderStatus {
    Open,
    InProgress,
    Completed,
    Closed,
    Cancelled,
}

/// Implements `as_str`/`parse` for a fieldless enum from one table of (variant, text) pairs.
macro_rules! text_enum {
    ($ty:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $text),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                $(if s.eq_ignore_ascii_case($text) { return Some($ty::$variant); })+
                None
            }
            /// Every accepted text, for error messages.
            pub fn choices() -> &'static str {
                concat!($($text, " "),+).trim_ascii_end()
            }
        }
    };
}

text_enum!(WorkOrderType {
    Breakdown = "breakdown",
    Corrective = "corrective",
    Preventive = "preventive",
});

text_enum!(WorkOrderStatus {
    Open = "open",
    InProgress = "in_progress",
    Completed = "completed",
    Closed = "closed",
    Cancelled = "cancelled",
});

text_enum!(FaultSource {
    Machine = "machine",
    Operator = "operator",
});

impl WorkOrderStatus {
    pub fn is_open(self) -> bool {
        matches!(self, WorkOrderStatus::Open | WorkOrderStatus::InProgress)
    }
}

/// Failure codes recorded at closure: Maximo-style hierarchy and ISO 14224 classification.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FailureCodes {
    pub failure_class: Option<String>,
    pub problem_code: Option<String>,
    pub cause_code: Option<String>,
    pub remedy_code: Option<String>,
    pub iso_failure_mode: Option<String>,
    pub iso_failure_mechanism: Option<String>,
    pub iso_failure_cause: Option<String>,
}

/// A work order as listed in histories and shift views.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WorkOrderSummary {
    pub id: Uuid,
    pub number: String,
    pub asset_id: Uuid,
    pub asset_tag: String,
    pub asset_name: String,
    pub wo_type: WorkOrderType,
    pub status: WorkOrderStatus,
    pub priority: u8,
    pub title: String,
    pub fault_code: Option<String>,
    pub reported_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub downtime_start: Option<DateTime<Utc>>,
    pub downtime_end: Option<DateTime<Utc>>,
    /// Minutes between downtime start and end; `None` while the machine is still down or when no
    /// downtime was recorded.
    pub downtime_minutes: Option<i64>,
    pub failure: FailureCodes,
    /// What fixed it, as the technician wrote it at closure.
    pub remedy_text: Option<String>,
    pub note_count: u32,
    pub sync_state: SyncState,
}

/// One work order with everything recorded on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WorkOrder {
    pub summary: WorkOrderSummary,
    pub description: Option<String>,
    pub reported_by: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub cost: Option<f64>,
    /// The record's version as last known from the hub (0 = created on this laptop).
    pub version: i64,
    pub notes: Vec<Note>,
    pub parts: Vec<PartUsed>,
    pub photos: Vec<Photo>,
    /// Every stop/restart interval in time order (the summary's downtime is their sum).
    pub downtime_intervals: Vec<super::DowntimeInterval>,
}

/// An append-only note on a work order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Note {
    pub id: Uuid,
    pub work_order_id: Uuid,
    pub author: String,
    pub text: String,
    pub created_at: DateTime<Utc>,
    pub sync_state: SyncState,
    /// Voided by a correction: shown struck through, counts no more.
    pub voided: bool,
    /// Its corrections, oldest first (the values above are the current ones).
    pub corrections: Vec<super::Correction>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PartUsed {
    pub id: Uuid,
    pub work_order_id: Uuid,
    pub part_number: String,
    pub description: Option<String>,
    pub quantity: f64,
    /// Unit of measure (`ea` for parts recorded before units existed).
    pub unit: String,
    pub created_at: DateTime<Utc>,
    pub sync_state: SyncState,
    /// Voided by a correction: shown struck through, counts no more.
    pub voided: bool,
    /// Its corrections, oldest first (the values above are the current ones).
    pub corrections: Vec<super::Correction>,
}

/// A photo attached to a work order; the bytes live in the blob store under their SHA-256.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Photo {
    pub id: Uuid,
    pub work_order_id: Uuid,
    pub sha256: String,
    pub mime: String,
    pub size_bytes: i64,
    pub caption: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sync_state: SyncState,
    /// Voided by a correction: shown struck through, counts no more.
    pub voided: bool,
    /// Its corrections, oldest first (the values above are the current ones).
    pub corrections: Vec<super::Correction>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FaultSource {
    Machine,
    Operator,
}

/// An alarm a machine or an operator reported. Not every alarm becomes a work order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FaultEvent {
    pub id: Uuid,
    pub asset_id: Uuid,
    pub code: String,
    pub message: Option<String>,
    pub source: FaultSource,
    pub occurred_at: DateTime<Utc>,
}

/// What broke in a shift and what is still open.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ShiftReport {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Breakdowns reported in the shift, newest first.
    pub breakdowns: Vec<WorkOrderSummary>,
    /// Every work order still open or in progress, highest priority first.
    pub still_open: Vec<WorkOrderSummary>,
    /// Downtime inside the shift window, in minutes: the overlap of every machine stop with the
    /// window, also of breakdowns reported before it (a machine down the whole shift counts the
    /// whole shift); a machine still down counts up to now (at most the window's end).
    pub downtime_minutes: i64,
}
