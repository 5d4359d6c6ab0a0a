//! The mutations a device records while offline: one variant per kind of local change.

use crate::correction::CorrectionRecord;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One queued local change with the bookkeeping sync needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MutationEnvelope {
    /// Client-made UUIDv7; the idempotency key of the change.
    pub mutation_id: Uuid,
    /// The device's own sequence number (1, 2, 3… without gaps).
    pub device_seq: i64,
    /// Version of the record the change was made on (0 for a record created on this device).
    pub base_version: i64,
    pub created_at: DateTime<Utc>,
    pub mutation: Mutation,
}

/// What changed. Notes, downtime, parts and photos are append-only facts; field edits carry the
/// base version they were made on so the hub can detect a conflict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Mutation {
    CreateWorkOrder {
        work_order_id: Uuid,
        number: String,
        asset_id: Uuid,
        wo_type: String,
        priority: u8,
        title: String,
        fault_code: Option<String>,
        reported_by: String,
        reported_at: DateTime<Utc>,
        downtime_start: Option<DateTime<Utc>>,
    },
    AddNote {
        note_id: Uuid,
        work_order_id: Uuid,
        author: String,
        text: String,
        created_at: DateTime<Utc>,
    },
    SetStatus {
        work_order_id: Uuid,
        status: String,
        at: DateTime<Utc>,
    },
    DowntimeStart {
        work_order_id: Uuid,
        at: DateTime<Utc>,
    },
    DowntimeEnd {
        work_order_id: Uuid,
        at: DateTime<Utc>,
    },
    AddPart {
        part_id: Uuid,
        work_order_id: Uuid,
        part_number: String,
        description: Option<String>,
        quantity: f64,
        /// Unit of measure (`ea`, `m`, `kg`, …; see `faultline_core::validate::UNITS`); absent
        /// from peers built before units, read as `ea`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
        created_at: DateTime<Utc>,
    },
    AddPhoto {
        photo_id: Uuid,
        work_order_id: Uuid,
        sha256: String,
        mime: String,
        size_bytes: i64,
        caption: Option<String>,
        created_at: DateTime<Utc>,
    },
    CloseWorkOrder {
        work_order_id: Uuid,
        finished_at: DateTime<Utc>,
        failure_class: Option<String>,
        problem_code: Option<String>,
        cause_code: Option<String>,
        remedy_code: Option<String>,
        iso_failure_mode: Option<String>,
        iso_failure_mechanism: Option<String>,
        iso_failure_cause: Option<String>,
        remedy_text: Option<String>,
    },
    /// A person chose the value of a conflicting field (one of the two shown, or a new one).
    ResolveConflict {
        conflict_id: Uuid,
        work_order_id: Uuid,
        field: String,
        value: serde_json::Value,
    },
    /// A note, part or photo amended or voided (append-only; the original stays in its history).
    Correct { correction: CorrectionRecord },
    /// A shift handover note: it belongs to the site's shift, not to a work order.
    AddHandoverNote {
        note_id: Uuid,
        shift_start: DateTime<Utc>,
        shift_end: DateTime<Utc>,
        author: String,
        text: String,
        created_at: DateTime<Utc>,
    },
    /// A diagnosis session started (its records follow as `RecordDiagnosis`).
    StartDiagnosis {
        session: crate::DiagnosisSessionRecord,
    },
    /// An answer or a "back" of a diagnosis session (append-only).
    RecordDiagnosis { record: crate::DiagnosisStepRecord },
}

impl Mutation {
    /// The work order the change belongs to (`None` for a shift handover note).
    pub fn work_order_id(&self) -> Option<Uuid> {
        match self {
            Mutation::CreateWorkOrder { work_order_id, .. }
            | Mutation::AddNote { work_order_id, .. }
            | Mutation::SetStatus { work_order_id, .. }
            | Mutation::DowntimeStart { work_order_id, .. }
            | Mutation::DowntimeEnd { work_order_id, .. }
            | Mutation::AddPart { work_order_id, .. }
            | Mutation::AddPhoto { work_order_id, .. }
            | Mutation::CloseWorkOrder { work_order_id, .. }
            | Mutation::ResolveConflict { work_order_id, .. } => Some(*work_order_id),
            Mutation::Correct { correction } => Some(correction.work_order_id),
            Mutation::StartDiagnosis { session } => session.work_order_id,
            Mutation::AddHandoverNote { .. } | Mutation::RecordDiagnosis { .. } => None,
        }
    }

    /// A short stable name of the kind of change, as stored in the outbox.
    pub fn kind(&self) -> &'static str {
        match self {
            Mutation::CreateWorkOrder { .. } => "create_work_order",
            Mutation::AddNote { .. } => "add_note",
            Mutation::SetStatus { .. } => "set_status",
            Mutation::DowntimeStart { .. } => "downtime_start",
            Mutation::DowntimeEnd { .. } => "downtime_end",
            Mutation::AddPart { .. } => "add_part",
            Mutation::AddPhoto { .. } => "add_photo",
            Mutation::CloseWorkOrder { .. } => "close_work_order",
            Mutation::ResolveConflict { .. } => "resolve_conflict",
            Mutation::Correct { .. } => "correct",
            Mutation::AddHandoverNote { .. } => "add_handover_note",
            Mutation::StartDiagnosis { .. } => "start_diagnosis",
            Mutation::RecordDiagnosis { .. } => "record_diagnosis",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mutation_round_trips_through_json_with_its_type_tag() {
        let m = Mutation::AddNote {
            note_id: Uuid::nil(),
            work_order_id: Uuid::max(),
            author: "ana".into(),
            text: "bearing hot".into(),
            created_at: DateTime::<Utc>::from_timestamp(1_700_000_000, 0).unwrap_or_default(),
        };
        let json = serde_json::to_string(&m).unwrap_or_default();
        assert!(json.contains("\"type\":\"add_note\""), "{json}");
        let back: Mutation = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, m);
        assert_eq!(back.work_order_id(), Some(Uuid::max()));
        assert_eq!(back.kind(), "add_note");
    }
}
