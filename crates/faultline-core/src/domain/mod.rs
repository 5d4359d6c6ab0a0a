//! Domain types: what the store returns and what the UI, the CLI and the tests see. Serialised as
//! snake_case JSON; the TypeScript types in `ui/src/lib/bindings` are generated from these.

mod asset;
mod asset_help;
mod catalog;
mod correction;
mod diagnosis_session;
mod guide;
mod inputs;
mod manual;
mod procedure;
mod shift_calendar;
mod shift_downtime;
mod shift_handover;
mod sync;
mod work_order;

pub use asset::*;
pub use asset_help::*;
pub use catalog::*;
pub use correction::*;
pub use diagnosis_session::*;
pub use guide::*;
pub use inputs::*;
pub use manual::*;
pub use procedure::*;
pub use shift_calendar::*;
pub use shift_downtime::*;
pub use shift_handover::*;
pub use sync::*;
pub use work_order::*;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where a local record stands with respect to the central CMMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SyncState {
    /// Changed on this laptop and not yet accepted by the hub.
    Pending,
    /// Same as the hub's copy (or imported from the CMMS).
    Synced,
    /// The hub refused a change to it; the reason is shown with the record.
    Rejected,
    /// The hub kept another person's value of a field this laptop also changed: a person
    /// chooses between the two.
    Conflict,
}

impl SyncState {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => SyncState::Pending,
            "synced" => SyncState::Synced,
            "rejected" => SyncState::Rejected,
            "conflict" => SyncState::Conflict,
            _ => return None,
        })
    }
}

/// What the app shows about itself on its status line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub device_id: String,
    pub schema_version: i64,
    pub assets: u32,
    pub work_orders: u32,
    /// Local changes not yet accepted by the hub.
    pub pending_changes: u32,
}
