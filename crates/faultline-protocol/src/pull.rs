//! Pull: a device asks for what changed on its site after an opaque cursor, page by page.
//!
//! `GET /v1/sites/{site}/changes?cursor=C&limit=N` → [`PullResponse`]. No cursor = from the beginning (initial
//! replication). Each change is the record's full current state, so applying a page twice is
//! harmless. A cursor older than the hub's retained tombstones is answered `410 cursor_expired`:
//! the device drops its cursor and replicates the site again.

use crate::correction::{CorrectionRecord, HandoverNoteRecord};
use crate::push::ConflictInfo;
use crate::records::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    pub changes: Vec<Change>,
    /// Where the next pull starts; store it in the same transaction as the applied page.
    pub next_cursor: String,
    /// True when more changes are waiting right now.
    pub has_more: bool,
}

/// One changed record of the device's site: `{"kind": "...", "record": {...}}`. Read by
/// [`crate::change_decode`], which turns kinds this build does not know into [`Change::Unknown`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "record", rename_all = "snake_case")]
pub enum Change {
    Asset(AssetRecord),
    WorkOrder(WorkOrderRecord),
    Note(NoteRecord),
    Part(PartRecord),
    Photo(PhotoRecord),
    FailureCode(FailureCodeRecord),
    Procedure(ProcedureRecord),
    Manual(ManualRecord),
    Conflict(ConflictInfo),
    /// A correction (amend/void) of a note, part or photo; append-only.
    Correction(CorrectionRecord),
    /// A shift handover note of the site; append-only.
    HandoverNote(HandoverNoteRecord),
    /// A diagnosis session as started on a laptop; append-only.
    DiagnosisSession(crate::DiagnosisSessionRecord),
    /// An answer or "back" of a diagnosis session; append-only.
    DiagnosisRecord(crate::DiagnosisStepRecord),
    /// A troubleshooting guide published on the hub; a newer version replaces it whole.
    Guide(crate::GuideRecord),
    /// A change the hub applied that the plant's CMMS then refused (or, `cleared`, took after
    /// all): the laptop that made it shows it rejected (code `cmms_rejected`).
    CmmsRefusal(crate::CmmsRefusalRecord),
    /// A record deleted on the hub (`entity` = asset | work_order | note | part | photo |
    /// failure_code | procedure | manual; `key` its id, `level|parent|code` for a failure code,
    /// the code for a procedure).
    Tombstone {
        entity: String,
        key: String,
    },
    /// A kind this build does not know (from a newer hub): skipped, and fetched again after an
    /// update (see [`crate::CHANGE_KINDS`]). Never sent.
    Unknown,
}

impl Change {
    /// The id of the record, for logs and tests (failure codes, procedures and manuals have none).
    pub fn record_id(&self) -> Option<Uuid> {
        match self {
            Change::Asset(r) => Some(r.id),
            Change::WorkOrder(r) => Some(r.id),
            Change::Note(r) => Some(r.id),
            Change::Part(r) => Some(r.id),
            Change::Photo(r) => Some(r.id),
            Change::Conflict(c) => Some(c.conflict_id),
            Change::Correction(c) => Some(c.id),
            Change::HandoverNote(n) => Some(n.id),
            Change::DiagnosisSession(s) => Some(s.id),
            Change::DiagnosisRecord(r) => Some(r.id),
            Change::CmmsRefusal(r) => Some(r.mutation_id),
            Change::FailureCode(_)
            | Change::Guide(_)
            | Change::Procedure(_)
            | Change::Manual(_)
            | Change::Tombstone { .. }
            | Change::Unknown => None,
        }
    }
}
