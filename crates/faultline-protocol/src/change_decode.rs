//! Reading a [`Change`]: the kind first, then its record read straight into its type; a kind this
//! build does not know is read past and becomes [`Change::Unknown`], so a newer hub's page still
//! applies. (serde's derived form cannot skip an unknown kind's record.)

use crate::pull::Change;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// The kinds this build reads (their number is [`crate::CHANGE_KINDS`]).
const KNOWN: [&str; 16] = [
    "asset",
    "work_order",
    "note",
    "part",
    "photo",
    "failure_code",
    "procedure",
    "manual",
    "conflict",
    "tombstone",
    "correction",
    "handover_note",
    "diagnosis_session",
    "diagnosis_record",
    "guide",
    "cmms_refusal",
];

#[derive(Deserialize)]
struct Tombstone {
    entity: String,
    key: String,
}

/// Reads the record of `kind` as the map's next value.
fn record<'de, A: MapAccess<'de>>(kind: &str, map: &mut A) -> Result<Change, A::Error> {
    Ok(match kind {
        "asset" => Change::Asset(map.next_value()?),
        "work_order" => Change::WorkOrder(map.next_value()?),
        "note" => Change::Note(map.next_value()?),
        "part" => Change::Part(map.next_value()?),
        "photo" => Change::Photo(map.next_value()?),
        "failure_code" => Change::FailureCode(map.next_value()?),
        "procedure" => Change::Procedure(map.next_value()?),
        "manual" => Change::Manual(map.next_value()?),
        "conflict" => Change::Conflict(map.next_value()?),
        "correction" => Change::Correction(map.next_value()?),
        "handover_note" => Change::HandoverNote(map.next_value()?),
        "diagnosis_session" => Change::DiagnosisSession(map.next_value()?),
        "diagnosis_record" => Change::DiagnosisRecord(map.next_value()?),
        "guide" => Change::Guide(map.next_value()?),
        "cmms_refusal" => Change::CmmsRefusal(map.next_value()?),
        "tombstone" => {
            let t: Tombstone = map.next_value()?;
            Change::Tombstone {
                entity: t.entity,
                key: t.key,
            }
        }
        _ => {
            map.next_value::<IgnoredAny>()?;
            Change::Unknown
        }
    })
}

struct ChangeVisitor;

impl<'de> Visitor<'de> for ChangeVisitor {
    type Value = Change;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a change: {\"kind\": ..., \"record\": {...}}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Change, A::Error> {
        let mut kind: Option<String> = None;
        let mut change: Option<Change> = None;
        // A record that came before its kind (not what a hub sends) is held as JSON.
        let mut early: Option<serde_json::Value> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "kind" => kind = Some(map.next_value()?),
                "record" => match &kind {
                    Some(k) => change = Some(record(k, &mut map)?),
                    None => early = Some(map.next_value()?),
                },
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let kind = kind.ok_or_else(|| de::Error::missing_field("kind"))?;
        if let Some(c) = change {
            return Ok(c);
        }
        if let Some(record) = early {
            // Re-read in the usual order: a JSON object's keys come out sorted, "kind" first.
            let ordered = serde_json::json!({ "kind": kind, "record": record });
            return serde_json::from_value(ordered).map_err(de::Error::custom);
        }
        if KNOWN.contains(&kind.as_str()) {
            Err(de::Error::missing_field("record"))
        } else {
            Ok(Change::Unknown)
        }
    }
}

impl<'de> Deserialize<'de> for Change {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ChangeVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pull::PullResponse;
    use crate::records::FailureCodeRecord;

    fn parse(json: &str) -> Result<Change, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn a_kind_from_a_newer_hub_reads_as_unknown_and_the_page_still_parses() {
        let page = r#"{"changes":[
            {"kind":"gizmo","record":{"id":"x","parts":[1,2,{"deep":true}]}},
            {"kind":"failure_code","record":{"level":"class","parent":"","code":"P","description":"Pumps"}}
        ],"next_cursor":"c9","has_more":false}"#;
        let parsed: Result<PullResponse, _> = serde_json::from_str(page);
        let changes = parsed.map(|p| p.changes).map_err(|e| e.to_string());
        assert!(
            matches!(
                changes.as_deref(),
                Ok([Change::Unknown, Change::FailureCode(_)])
            ),
            "{changes:?}"
        );
    }

    #[test]
    fn change_kinds_counts_the_kinds_this_build_reads() {
        assert_eq!(KNOWN.len(), crate::CHANGE_KINDS as usize);
    }

    #[test]
    fn every_kind_reads_back_what_was_written() {
        let code = Change::FailureCode(FailureCodeRecord {
            level: "class".into(),
            parent: String::new(),
            code: "PUMP".into(),
            description: "Pumps".into(),
        });
        let gone = Change::Tombstone {
            entity: "procedure".into(),
            key: "JP-1".into(),
        };
        for c in [code, gone] {
            let text = serde_json::to_string(&c).map_err(|e| e.to_string());
            assert_eq!(text.and_then(|t| parse(&t)), Ok(c));
        }
    }

    #[test]
    fn a_record_before_its_kind_and_a_broken_change_are_handled() {
        let late_kind = r#"{"record":{"entity":"note","key":"n1"},"kind":"tombstone"}"#;
        assert_eq!(
            parse(late_kind),
            Ok(Change::Tombstone {
                entity: "note".into(),
                key: "n1".into()
            })
        );
        assert_eq!(parse(r#"{"kind":"gizmo"}"#), Ok(Change::Unknown));
        let no_record = parse(r#"{"kind":"asset"}"#).err().unwrap_or_default();
        assert!(no_record.contains("missing field `record`"), "{no_record}");
        let no_kind = parse(r#"{"record":{}}"#).err().unwrap_or_default();
        assert!(no_kind.contains("missing field `kind`"), "{no_kind}");
        let bad_record = parse(r#"{"kind":"asset","record":{"id":3}}"#)
            .err()
            .unwrap_or_default();
        assert!(!bad_record.is_empty());
    }
}
