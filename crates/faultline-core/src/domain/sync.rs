//! What the app and the CLI show about sync: the laptop's enrollment, counts of pending,
//! rejected and conflicting changes, and each conflict with both values.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

/// Where this laptop stands with its hub.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncStatus {
    /// False until `faultline enroll` (or the app's enrollment) has run.
    pub enrolled: bool,
    pub hub_url: Option<String>,
    pub site_code: Option<String>,
    pub site_name: Option<String>,
    pub device_name: Option<String>,
    /// Local changes not yet answered by the hub.
    pub pending: u32,
    /// Changes the hub refused (each shown with its reason).
    pub rejected: u32,
    /// Conflicts waiting for a person to choose.
    pub conflicts: u32,
    pub last_sync_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed (cleared by a successful sync).
    pub last_error: Option<String>,
}

/// A field two people changed: the hub's value (kept for now) and this laptop's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncConflict {
    pub id: Uuid,
    pub work_order_id: Uuid,
    pub work_order_number: Option<String>,
    pub asset_tag: Option<String>,
    pub field: String,
    /// The hub's value, as a person reads it.
    pub server_value: String,
    /// This laptop's value, as a person reads it.
    pub client_value: String,
    pub server_changed_by: Option<String>,
    /// Which value a person chose ("server" or "client"), once chosen.
    pub resolution: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A local change the hub refused, with its reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RejectedChange {
    pub mutation_id: Uuid,
    pub work_order_id: Uuid,
    pub kind: String,
    pub code: String,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

/// Which of the two values of a conflict a person keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ConflictChoice {
    /// Keep the hub's value (drop this laptop's).
    Server,
    /// Keep this laptop's value (it replaces the hub's).
    Client,
}

/// Progress of a running sync, for the progress bar: what is left, sent and received so far.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncProgress {
    /// "connecting", "uploading photos", "sending", "receiving" or "done".
    pub phase: String,
    /// Local changes not yet answered.
    pub pending: u32,
    /// Local changes answered by the hub in this sync.
    pub sent: u32,
    /// Hub records received in this sync.
    pub received: u32,
}

/// The end of one sync attempt, as the app's UI hears it (`sync://finished`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncFinished {
    pub ok: bool,
    /// Why it failed, for a person.
    pub error: Option<String>,
    /// Seconds until the next attempt starts by itself.
    pub retry_in_secs: Option<u32>,
    pub sent: u32,
    pub received: u32,
    pub rejected: u32,
    pub conflicts: u32,
}
