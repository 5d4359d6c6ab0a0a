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
    /// 1 (highest) to 5; default 2 for a breakdown.
    pub priority: Option<u8>,
    pub author: String,
}

/// Closing a work order with failure codes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CloseWorkOrder {
    pub work_order_id: Uuid,
    pub failure: FailureCodes,
    /// What fixed it, in the technician's words.
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
}
