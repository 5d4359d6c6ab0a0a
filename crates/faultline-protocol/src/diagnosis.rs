//! Diagnosis sessions on the wire (append-only): a session as started on a laptop, with the guide
//! it walks copied in, and each record of it (an answer or a "back"), in the laptop's order.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A diagnosis session as started (`Mutation::StartDiagnosis`, `Change::DiagnosisSession`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiagnosisSessionRecord {
    pub id: Uuid,
    pub asset_id: Uuid,
    pub work_order_id: Option<Uuid>,
    pub guide_id: String,
    pub guide_version: u32,
    /// A checklist generated from the likely causes (no authored guide matched).
    pub generated: bool,
    /// The guide as it was at the start (the app's `Guide` as JSON).
    pub guide: serde_json::Value,
    pub codes: Vec<String>,
    pub started_by: String,
    pub started_at: DateTime<Utc>,
}

/// A troubleshooting guide as the hub publishes it to its site (`Change::Guide`): the checked
/// guide as JSON (the app's `Guide`), replaced whole by a newer version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GuideRecord {
    pub id: String,
    pub version: u32,
    pub title: String,
    pub guide: serde_json::Value,
}

/// One record of a session (`Mutation::RecordDiagnosis`, `Change::DiagnosisRecord`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiagnosisStepRecord {
    pub id: Uuid,
    pub session_id: Uuid,
    /// 1, 2, 3… in the order the laptop wrote them.
    pub seq: u32,
    /// `answer` or `back`.
    pub kind: String,
    pub step_id: String,
    /// The app's `GuideAnswer` as JSON (`None` for `back`).
    pub answer: Option<serde_json::Value>,
    pub next_step: Option<String>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Change, Mutation};

    #[test]
    fn a_session_record_round_trips_as_mutation_and_as_change() {
        let r = DiagnosisStepRecord {
            id: Uuid::nil(),
            session_id: Uuid::max(),
            seq: 3,
            kind: "answer".into(),
            step_id: "insulation".into(),
            answer: Some(serde_json::json!({"type": "value", "value": 0.5})),
            next_step: Some("cable".into()),
            recorded_by: "ana".into(),
            recorded_at: DateTime::<Utc>::from_timestamp(1_700_000_000, 0).unwrap_or_default(),
        };
        let m = Mutation::RecordDiagnosis { record: r.clone() };
        let json = serde_json::to_string(&m).unwrap_or_default();
        assert!(json.contains("\"type\":\"record_diagnosis\""), "{json}");
        let back: Mutation = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (back.kind(), back.work_order_id()),
            ("record_diagnosis", None)
        );
        let c = serde_json::to_string(&Change::DiagnosisRecord(r.clone())).unwrap_or_default();
        assert!(c.contains("\"kind\":\"diagnosis_record\""), "{c}");
        let back: Change = serde_json::from_str(&c).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, Change::DiagnosisRecord(r));
    }
}
