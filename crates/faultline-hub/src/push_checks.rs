//! What the hub checks of a pushed mutation before it may touch the database, with no database:
//! the envelope (times in range, versions not negative), every text of the payload (no control
//! character PostgreSQL or a record cannot hold, no text longer than the longest a laptop saves),
//! and the payload's canonical hash (how a replay with different content is recognised).
//! The per-field rules of each kind (lengths, units, codes) are checked where the kind is
//! decided (`pg/push_appends.rs`, `pg/field_edits.rs`), with `faultline_core::validate`.

use chrono::{DateTime, Utc};
use faultline_core::validate::{self, Invalid};
use faultline_protocol::{Mutation, MutationEnvelope};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Checks what every mutation carries, whatever its kind: the envelope's time and versions, and
/// each string of the payload (`validate::check_text` at the longest text limit).
pub fn check_envelope(env: &MutationEnvelope, now: DateTime<Utc>) -> Result<(), Invalid> {
    validate::check_time(
        "created_at",
        "the time the change was made",
        env.created_at,
        now,
    )?;
    if env.base_version < 0 {
        return Err(Invalid::new(
            "base_version",
            format!("base version {} is below 0", env.base_version),
        ));
    }
    if env.device_seq < 0 {
        return Err(Invalid::new(
            "device_seq",
            format!("device sequence number {} is below 0", env.device_seq),
        ));
    }
    check_strings("value", &payload(&env.mutation))
}

/// Every string of `v` (object keys included), named by the key it sits under.
fn check_strings(key: &str, v: &Value) -> Result<(), Invalid> {
    match v {
        Value::String(s) => validate::check_text(
            "value",
            &format!("the {}", key.replace('_', " ")),
            s,
            validate::MAX_TEXT_CHARS,
        ),
        Value::Array(items) => items.iter().try_for_each(|i| check_strings(key, i)),
        Value::Object(map) => map.iter().try_for_each(|(k, i)| {
            validate::check_text("value", "a field name", k, validate::MAX_CODE_CHARS)?;
            check_strings(k, i)
        }),
        Value::Null | Value::Bool(_) | Value::Number(_) => Ok(()),
    }
}

/// The mutation as stored in the audit row's `payload`.
pub fn payload(m: &Mutation) -> Value {
    serde_json::to_value(m).unwrap_or(Value::Null)
}

/// SHA-256 of `payload`'s canonical JSON (object keys sorted at every level), so the hash does
/// not depend on field order or on how the value was stored.
pub fn payload_sha256(payload: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    canonical(payload, &mut out);
    Sha256::digest(&out).to_vec()
}

fn canonical(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push(b'{');
            for (i, (k, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                canonical(&Value::String(k.clone()), out);
                out.push(b':');
                canonical(item, out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                canonical(item, out);
            }
            out.push(b']');
        }
        other => out.extend_from_slice(other.to_string().as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;
    use uuid::Uuid;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 6, 10, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn note(text: &str) -> MutationEnvelope {
        MutationEnvelope {
            mutation_id: Uuid::from_u128(1),
            device_seq: 1,
            base_version: 0,
            created_at: now(),
            mutation: Mutation::AddNote {
                note_id: Uuid::from_u128(2),
                work_order_id: Uuid::from_u128(3),
                author: "ana".into(),
                text: text.into(),
                created_at: now(),
            },
        }
    }

    #[test]
    fn any_text_with_a_control_character_or_beyond_the_longest_limit_is_refused() {
        assert!(check_envelope(&note("bearing hot"), now()).is_ok());
        let nul = check_envelope(&note("OC1\u{0}"), now());
        assert!(nul.is_err_and(|e| e.reason.contains("U+0000") && e.reason.contains("the text")));
        let long = "x".repeat(validate::MAX_TEXT_CHARS + 1);
        assert!(check_envelope(&note(&long), now()).is_err());
    }

    #[test]
    fn envelope_times_and_versions_are_checked() {
        let mut e = note("ok");
        e.created_at = Utc
            .with_ymd_and_hms(1900, 1, 1, 0, 0, 0)
            .single()
            .unwrap_or_default();
        assert!(check_envelope(&e, now()).is_err());
        let mut e = note("ok");
        e.base_version = -1;
        assert!(check_envelope(&e, now()).is_err());
    }

    #[test]
    fn the_payload_hash_ignores_key_order_and_sees_any_change() {
        let a = json!({"type": "add_note", "text": "x", "n": {"b": 1, "a": 2.5}});
        let b = json!({"n": {"a": 2.5, "b": 1}, "text": "x", "type": "add_note"});
        assert_eq!(payload_sha256(&a), payload_sha256(&b));
        let c = json!({"type": "add_note", "text": "y", "n": {"b": 1, "a": 2.5}});
        assert_ne!(payload_sha256(&a), payload_sha256(&c));
        assert_eq!(payload_sha256(&a).len(), 32);
    }
}
