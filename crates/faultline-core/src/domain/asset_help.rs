//! What the asset page puts above the fold to help fix the machine now: earlier breakdowns with
//! the same code as the open one and what fixed them, alarms grouped by code, and the open work
//! of the asset's children.

use super::WorkOrderSummary;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Repeated alarms of one code: "20 × OC1 since 3 Nov".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FaultGroup {
    pub code: String,
    /// The newest alarm's message.
    pub message: Option<String>,
    pub count: u32,
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
}

/// The asset page's help for the job at hand.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AssetHelp {
    /// The code the open breakdown is matched on (its fault code, else its problem code).
    pub matched_code: Option<String>,
    /// Finished breakdowns of this asset with that code, newest first, with what fixed them.
    pub same_code_fixes: Vec<WorkOrderSummary>,
    /// The asset's recent alarms grouped by code, most recent group first.
    pub fault_groups: Vec<FaultGroup>,
    /// Open work on the asset's children (and their children), highest priority first.
    pub children_open_work: Vec<WorkOrderSummary>,
}
