//! Corrections of what was recorded on a work order (a note, a part or a photo amended or
//! voided, append-only), the stop/restart intervals of a breakdown, and the shift handover note.

use super::SyncState;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

/// One correction in an item's history, oldest first; the last one is current.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Correction {
    pub id: Uuid,
    /// `amend` or `void`.
    pub action: String,
    pub author: String,
    pub created_at: DateTime<Utc>,
    /// The item's value before this correction, as a person reads it ("3 ea 6205-2RS", the
    /// note's text, the caption).
    pub was: String,
    /// The value it set (amend), as a person reads it; `None` for a void.
    pub now: Option<String>,
    /// Why it was voided.
    pub reason: Option<String>,
    pub sync_state: SyncState,
}

/// What a person corrects: `target` (`note` | `part` | `photo`) `target_id`, `action`
/// (`amend` | `void`), and the new values of an amend (`text` for a note; `part_number`,
/// `quantity`, `unit` for a part; `caption` for a photo) or the `reason` of a void.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewCorrection {
    pub target: String,
    pub target_id: Uuid,
    pub action: String,
    pub author: String,
    pub text: Option<String>,
    pub part_number: Option<String>,
    pub quantity: Option<f64>,
    pub unit: Option<String>,
    pub caption: Option<String>,
    pub reason: Option<String>,
}

/// One stop/restart interval of a breakdown (`end` is `None` while the machine is down).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DowntimeInterval {
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
}

/// A shift lead's handover note for a shift (synced to the site, append-only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HandoverNote {
    pub id: Uuid,
    pub shift_start: DateTime<Utc>,
    pub shift_end: DateTime<Utc>,
    pub author: String,
    pub text: String,
    pub created_at: DateTime<Utc>,
    pub sync_state: SyncState,
}

/// "Add a handover note" for the shift `shift_start`..`shift_end`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewHandoverNote {
    pub shift_start: DateTime<Utc>,
    pub shift_end: DateTime<Utc>,
    pub author: String,
    pub text: String,
}
