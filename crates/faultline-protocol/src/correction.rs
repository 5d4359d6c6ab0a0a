//! Corrections and shift handover notes: append-only records a person adds on top of what was
//! recorded before. A correction amends or voids a note, a part or a photo; the original stays,
//! and the corrections of one item, in the hub's order, are its history (the last one is current).
//! A handover note belongs to a shift of the site, not to a work order.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a correction is about ([`CorrectionRecord::target`]).
pub mod targets {
    pub const NOTE: &str = "note";
    pub const PART: &str = "part";
    pub const PHOTO: &str = "photo";
    pub const ALL: [&str; 3] = [NOTE, PART, PHOTO];
}

/// What a correction does ([`CorrectionRecord::action`]).
pub mod actions {
    /// New values (text / part number + quantity / caption).
    pub const AMEND: &str = "amend";
    /// The item no longer counts; `reason` says why.
    pub const VOID: &str = "void";
    pub const ALL: [&str; 2] = [AMEND, VOID];
}

/// One correction of a note, part or photo, as pushed (inside `Mutation::Correct`) and pulled
/// (`Change::Correction`). Only the fields of its target and action are set: `text` (note),
/// `part_number` + `quantity` (+ `unit`) (part), `caption` (photo, `None` clears it), `reason`
/// (void). Target and action are plain strings so that a newer peer's kinds still parse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CorrectionRecord {
    pub id: Uuid,
    pub work_order_id: Uuid,
    /// `note` | `part` | `photo` ([`targets`]).
    pub target: String,
    pub target_id: Uuid,
    /// `amend` | `void` ([`actions`]).
    pub action: String,
    /// Who corrected it (anyone on the site may).
    pub author: String,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The correction's place in the hub's order (set in a pull; 0 in a push). Of two
    /// corrections of the same item, the one later in this order is current.
    #[serde(default)]
    pub hub_order: i64,
}

/// A shift lead's handover note for a shift of the site (append-only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverNoteRecord {
    pub id: Uuid,
    pub shift_start: DateTime<Utc>,
    pub shift_end: DateTime<Utc>,
    pub author: String,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Change, Mutation};

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(s, 0).unwrap_or_default()
    }

    fn void_part() -> CorrectionRecord {
        CorrectionRecord {
            id: Uuid::from_u128(1),
            work_order_id: Uuid::from_u128(2),
            target: targets::PART.into(),
            target_id: Uuid::from_u128(3),
            action: actions::VOID.into(),
            author: "ana".into(),
            created_at: at(1_700_000_000),
            text: None,
            part_number: None,
            quantity: None,
            unit: None,
            caption: None,
            reason: Some("wrong work order".into()),
            hub_order: 0,
        }
    }

    #[test]
    fn a_correction_mutation_round_trips_and_names_its_work_order() {
        let m = Mutation::Correct {
            correction: void_part(),
        };
        let json = serde_json::to_string(&m).unwrap_or_default();
        assert!(json.contains("\"type\":\"correct\""), "{json}");
        assert!(
            !json.contains("\"text\""),
            "unset fields are left out: {json}"
        );
        let back: Mutation = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, m);
        assert_eq!(back.work_order_id(), Some(Uuid::from_u128(2)));
        assert_eq!(back.kind(), "correct");
    }

    #[test]
    fn a_handover_note_belongs_to_no_work_order() {
        let m = Mutation::AddHandoverNote {
            note_id: Uuid::from_u128(9),
            shift_start: at(1_700_000_000),
            shift_end: at(1_700_028_800),
            author: "lead".into(),
            text: "press 4 trips on OC1, watch it".into(),
            created_at: at(1_700_028_000),
        };
        let json = serde_json::to_string(&m).unwrap_or_default();
        let back: Mutation = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, m);
        assert_eq!(back.work_order_id(), None);
        assert_eq!(back.kind(), "add_handover_note");
    }

    #[test]
    fn a_work_order_from_a_hub_without_intervals_still_parses_and_one_stop_sends_no_list() {
        let old = r#"{"kind":"work_order","record":{"id":"00000000-0000-0000-0000-000000000001",
            "external_key":null,"number":"41851","asset_id":"00000000-0000-0000-0000-000000000002",
            "wo_type":"breakdown","status":"open","priority":2,"title":"trips","description":null,
            "fault_code":"OC1","reported_by":null,"reported_at":"2026-11-25T10:00:00Z",
            "started_at":null,"finished_at":null,"downtime_start":"2026-11-25T10:00:00Z",
            "downtime_end":null,"failure_class":null,"problem_code":null,"cause_code":null,
            "remedy_code":null,"iso_failure_mode":null,"iso_failure_mechanism":null,
            "iso_failure_cause":null,"remedy_text":null,"cost":null,"version":3}}"#;
        let parsed = serde_json::from_str::<Change>(old).map_err(|e| e.to_string());
        let Ok(Change::WorkOrder(w)) = parsed else {
            panic!("{parsed:?}")
        };
        assert!(w.downtime_intervals.is_empty());
        let again = serde_json::to_string(&Change::WorkOrder(w)).unwrap_or_default();
        assert!(!again.contains("downtime_intervals"), "{again}");
    }

    #[test]
    fn the_new_change_kinds_read_back_what_was_written() {
        let mut pulled = void_part();
        pulled.hub_order = 42;
        let changes = [
            Change::Correction(pulled),
            Change::HandoverNote(HandoverNoteRecord {
                id: Uuid::from_u128(5),
                shift_start: at(1_700_000_000),
                shift_end: at(1_700_028_800),
                author: "lead".into(),
                text: "all quiet".into(),
                created_at: at(1_700_028_000),
            }),
        ];
        for c in changes {
            let text = serde_json::to_string(&c).map_err(|e| e.to_string());
            let back =
                text.and_then(|t| serde_json::from_str::<Change>(&t).map_err(|e| e.to_string()));
            assert_eq!(back, Ok(c));
        }
    }
}
