//! What callers hand the store to change something: one struct per user action.

use super::FailureCodes;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

/// "Log a breakdown": the one-screen form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewBreakdown {
    pub asset_id: Uuid,
    /// The code the machine shows, e.g. "OC1" or "E.oC.1".
    pub fault_code: Option<String>,
    /// What the technician sees, in their words; becomes the title.
    pub symptom: String,
    /// A first note, if any.
    pub note: Option<String>,
    /// Is the machine stopped? Downtime starts at `stopped_at` (or now).
    pub machine_stopped: bool,
    /// When it stopped, if earlier than now.
    pub stopped_at: Option<DateTime<Utc>>,
    /// The person confirmed a stop more than `validate::PLAUSIBLE_STOP_DAYS` before now (without
    /// it such a stop is refused with a message asking for the confirmation).
    #[serde(default)]
    pub confirm_old_stop: bool,
    /// 1 (highest) to 5; default 2 for a breakdown.
    pub priority: Option<u8>,
    pub author: String,
}

/// "The machine stopped" on an open work order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StopMachine {
    pub work_order_id: Uuid,
    /// Defaults to now.
    pub at: Option<DateTime<Utc>>,
    /// See [`NewBreakdown::confirm_old_stop`].
    #[serde(default)]
    pub confirm_old_stop: bool,
}

/// One failure-code field of a work order, to name it in [`CloseWorkOrder::clear`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FailureField {
    FailureClass,
    ProblemCode,
    CauseCode,
    RemedyCode,
    IsoFailureMode,
    IsoFailureMechanism,
    IsoFailureCause,
}

/// Closing a work order with failure codes. The work order keeps the codes it has: a code in
/// `failure` sets (or changes) that field, `None` keeps it, and only the fields listed in
/// `clear` are emptied. The resulting set must form the Maximo hierarchy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CloseWorkOrder {
    pub work_order_id: Uuid,
    /// Codes to set; `None` = keep the work order's code.
    pub failure: FailureCodes,
    /// Fields to empty (a field both set and cleared is refused).
    #[serde(default)]
    pub clear: Vec<FailureField>,
    /// What fixed it, in the technician's words; `None` keeps the text the work order has.
    pub remedy_text: Option<String>,
    /// Defaults to now.
    pub finished_at: Option<DateTime<Utc>>,
    pub author: String,
}

/// A part used on a work order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewPart {
    pub work_order_id: Uuid,
    pub part_number: String,
    pub description: Option<String>,
    pub quantity: f64,
    /// Unit of measure (`ea`, `m`, `kg`, …; `validate::UNITS`); `None` = `ea`. The quantity is
    /// bounded per unit.
    #[serde(default)]
    #[ts(optional)]
    pub unit: Option<String>,
}
