//! Push: a device sends a batch of its queued mutations; the hub answers each one on its own.
//!
//! `POST /v1/sites/{site}/push` with a [`PushRequest`] → [`PushResponse`], one [`MutationResult`] per mutation
//! in the request's order. A rejected or conflicting mutation never blocks the ones after it.
//! A mutation id the hub has seen before is answered with the stored outcome of the first time
//! (`replayed: true`) and changes nothing.

use crate::mutation::MutationEnvelope;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    /// The person signed in on the laptop, recorded in the hub's audit table.
    pub user: String,
    pub mutations: Vec<MutationEnvelope>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    pub results: Vec<MutationResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MutationResult {
    pub mutation_id: Uuid,
    /// True when the hub had already applied this mutation id; `outcome` is the first answer.
    pub replayed: bool,
    pub outcome: Outcome,
}

/// What the hub did with one mutation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Outcome {
    /// Applied; the work order it belongs to is now at `version`.
    Applied { version: i64 },
    /// Not applied, for a reason a person can act on (`code` is stable, `reason` is a sentence).
    Rejected { code: String, reason: String },
    /// A field edit made on a stale base version met someone else's edit of the same field.
    /// The hub kept its value and recorded both; a person chooses (see `Mutation::ResolveConflict`).
    Conflict { conflict: ConflictInfo },
}

/// Both values of a conflicting field edit, for a person to choose between.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConflictInfo {
    pub conflict_id: Uuid,
    pub work_order_id: Uuid,
    /// The work-order field, as named in `WorkOrderRecord` (`status`, `remedy_code`…).
    pub field: String,
    /// The hub's value, kept for now.
    pub server_value: serde_json::Value,
    /// The value this device wanted.
    pub client_value: serde_json::Value,
    /// The work order's version on the hub when the conflict was found.
    pub server_version: i64,
    /// Who made the hub's value (device name), when known.
    pub server_changed_by: Option<String>,
    /// Unresolved, or the value a person chose.
    pub resolution: Option<serde_json::Value>,
}

/// Stable codes of [`Outcome::Rejected`].
pub mod reject_codes {
    /// The status change is not allowed from the hub's current status.
    pub const INVALID_TRANSITION: &str = "invalid_transition";
    /// The work order, asset or conflict it refers to is unknown on this site.
    pub const UNKNOWN_RECORD: &str = "unknown_record";
    /// A value is out of range or empty where it must not be.
    pub const INVALID_VALUE: &str = "invalid_value";
    /// A photo's blob has not been uploaded (upload it, then push again).
    pub const MISSING_BLOB: &str = "missing_blob";
    /// The record belongs to another site.
    pub const WRONG_SITE: &str = "wrong_site";
    /// The mutation id was already used for a change with different content (a true replay
    /// carries the same payload): make a new change.
    pub const REPLAY_MISMATCH: &str = "replay_mismatch";
    /// The note, part, photo or work-order id is already taken on the site by another mutation.
    pub const DUPLICATE_ID: &str = "duplicate_id";
    /// Applied by the hub, then refused by the plant's CMMS (pulled as a `cmms_refusal`, never
    /// a push answer): the reason is the CMMS's code and sentence.
    pub const CMMS_REJECTED: &str = "cmms_rejected";
}
