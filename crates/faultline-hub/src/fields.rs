//! The work-order fields devices edit (status, finish time, failure codes, remedy text), their
//! values, and the conflict rule: which wanted values are applied and which become conflicts.

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

/// An editable work-order field; its name is the column and the `WorkOrderRecord` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Status,
    FailureClass,
    ProblemCode,
    CauseCode,
    RemedyCode,
    IsoFailureMode,
    IsoFailureMechanism,
    IsoFailureCause,
    RemedyText,
    FinishedAt,
}

impl Field {
    /// Every editable field, in the order a close is checked (the first conflict is answered).
    pub const ALL: [Field; 10] = [
        Field::Status,
        Field::FailureClass,
        Field::ProblemCode,
        Field::CauseCode,
        Field::RemedyCode,
        Field::IsoFailureMode,
        Field::IsoFailureMechanism,
        Field::IsoFailureCause,
        Field::RemedyText,
        Field::FinishedAt,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Field::Status => "status",
            Field::FailureClass => "failure_class",
            Field::ProblemCode => "problem_code",
            Field::CauseCode => "cause_code",
            Field::RemedyCode => "remedy_code",
            Field::IsoFailureMode => "iso_failure_mode",
            Field::IsoFailureMechanism => "iso_failure_mechanism",
            Field::IsoFailureCause => "iso_failure_cause",
            Field::RemedyText => "remedy_text",
            Field::FinishedAt => "finished_at",
        }
    }

    pub fn parse(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    pub fn is_time(self) -> bool {
        self == Field::FinishedAt
    }

    pub fn index(self) -> usize {
        Field::ALL.iter().position(|f| *f == self).unwrap_or(0)
    }
}

/// A field's value: text or a time, either possibly empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    Text(Option<String>),
    Time(Option<DateTime<Utc>>),
}

impl FieldValue {
    /// As it appears in a `WorkOrderRecord` (RFC 3339 times, `null` when empty).
    pub fn to_json(&self) -> Value {
        match self {
            FieldValue::Text(t) => t.clone().map_or(Value::Null, Value::String),
            FieldValue::Time(t) => serde_json::to_value(t).unwrap_or(Value::Null),
        }
    }

    /// Reads a value a person chose for `field` (`ResolveConflict`).
    pub fn from_json(field: Field, value: &Value) -> Result<FieldValue, String> {
        match (field.is_time(), value) {
            (true, Value::Null) => Ok(FieldValue::Time(None)),
            (true, Value::String(s)) => DateTime::parse_from_rfc3339(s)
                .map(|t| FieldValue::Time(Some(t.with_timezone(&Utc))))
                .map_err(|_| format!("{} must be an RFC 3339 time, not {s:?}", field.name())),
            (false, Value::Null) if field != Field::Status => Ok(FieldValue::Text(None)),
            (false, Value::String(s)) => {
                let t = s.trim();
                if field == Field::Status && !crate::transitions::STATUSES.contains(&t) {
                    Err(crate::transitions::refusal("open", t))
                } else if t.is_empty() && field == Field::Status {
                    Err("the status cannot be empty".into())
                } else if t.is_empty() {
                    Ok(FieldValue::Text(None))
                } else {
                    Ok(FieldValue::Text(Some(t.to_string())))
                }
            }
            _ => Err(format!(
                "{} must be {}, not {value}",
                field.name(),
                if field.is_time() {
                    "a time or null"
                } else if field == Field::Status {
                    "a status"
                } else {
                    "text or null"
                }
            )),
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            FieldValue::Text(t) => t.as_deref(),
            FieldValue::Time(_) => None,
        }
    }
}

/// The current value of every editable field of one work order.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldValues(pub [FieldValue; 10]);

impl FieldValues {
    pub fn get(&self, f: Field) -> &FieldValue {
        &self.0[f.index()]
    }
}

/// Who last changed a field, and at which work-order version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastChange {
    pub version: i64,
    /// `None` when the hub itself changed it (an admin load of a corrected export).
    pub device: Option<Uuid>,
}

/// Reads the `field_versions` JSON of a work order.
pub fn last_change(field_versions: &Value, f: Field) -> Option<LastChange> {
    let entry = field_versions.get(f.name())?;
    Some(LastChange {
        version: entry.get("version")?.as_i64()?,
        device: entry
            .get("device")
            .and_then(Value::as_str)
            .and_then(|s| Uuid::parse_str(s).ok()),
    })
}

/// The `field_versions` entry written when `device` changes a field at `version`.
pub fn change_entry(version: i64, device: Uuid) -> Value {
    serde_json::json!({ "version": version, "device": device.to_string() })
}

/// A wanted value that met another device's newer edit.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldConflict {
    pub field: Field,
    pub server: FieldValue,
    pub client: FieldValue,
    pub changed_by: Option<Uuid>,
}

/// What to do with the fields one mutation sets.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EditPlan {
    /// Values that differ from the hub's and may be written.
    pub apply: Vec<(Field, FieldValue)>,
    /// Values kept back because someone else changed the field since `base_version`.
    pub conflicts: Vec<FieldConflict>,
}

/// The conflict rule. A wanted value conflicts when the field's last change is newer than the
/// version the device edited (`base_version`), was made by someone else, and left a different
/// value than the device wants. Values equal to the hub's are no-ops; the rest are applied.
pub fn plan_edit(
    current: &FieldValues,
    field_versions: &Value,
    base_version: i64,
    device: Uuid,
    wanted: Vec<(Field, FieldValue)>,
) -> EditPlan {
    let mut plan = EditPlan::default();
    for (field, value) in wanted {
        let server = current.get(field);
        if *server == value {
            continue;
        }
        let newer_by_other = last_change(field_versions, field)
            .is_some_and(|c| c.version > base_version && c.device != Some(device));
        if newer_by_other {
            plan.conflicts.push(FieldConflict {
                field,
                server: server.clone(),
                client: value,
                changed_by: last_change(field_versions, field).and_then(|c| c.device),
            });
        } else {
            plan.apply.push((field, value));
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn values(status: &str, remedy: Option<&str>) -> FieldValues {
        let mut v: [FieldValue; 10] = std::array::from_fn(|i| {
            if Field::ALL[i].is_time() {
                FieldValue::Time(None)
            } else {
                FieldValue::Text(None)
            }
        });
        v[0] = FieldValue::Text(Some(status.into()));
        v[Field::RemedyCode.index()] = FieldValue::Text(remedy.map(str::to_string));
        FieldValues(v)
    }

    fn text(s: &str) -> FieldValue {
        FieldValue::Text(Some(s.into()))
    }

    #[test]
    fn an_edit_on_a_stale_version_conflicts_only_where_someone_else_left_another_value() {
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        let current = values("closed", Some("REPLACE"));
        let fv = json!({
            "status": {"version": 3, "device": a.to_string()},
            "remedy_code": {"version": 3, "device": a.to_string()},
        });
        let plan = plan_edit(
            &current,
            &fv,
            1,
            b,
            vec![
                (Field::Status, text("closed")),
                (Field::RemedyCode, text("ADJUST")),
                (Field::CauseCode, text("WEAR")),
            ],
        );
        assert_eq!(plan.apply, vec![(Field::CauseCode, text("WEAR"))]);
        assert_eq!(plan.conflicts.len(), 1);
        assert_eq!(plan.conflicts[0].field, Field::RemedyCode);
        assert_eq!(plan.conflicts[0].server, text("REPLACE"));
        assert_eq!(plan.conflicts[0].client, text("ADJUST"));
        assert_eq!(plan.conflicts[0].changed_by, Some(a));

        // The same device editing its own newer value, or an edit on the current version, applies.
        let own = plan_edit(
            &current,
            &fv,
            1,
            a,
            vec![(Field::RemedyCode, text("ADJUST"))],
        );
        assert_eq!(own.apply.len(), 1);
        let fresh = plan_edit(
            &current,
            &fv,
            3,
            b,
            vec![(Field::RemedyCode, text("ADJUST"))],
        );
        assert_eq!(fresh.apply.len(), 1);
        assert!(fresh.conflicts.is_empty());
    }

    #[test]
    fn a_change_made_by_the_hub_itself_counts_as_someone_else() {
        let b = Uuid::from_u128(2);
        let current = values("cancelled", None);
        let fv = json!({"status": {"version": 2}});
        let plan = plan_edit(&current, &fv, 1, b, vec![(Field::Status, text("closed"))]);
        assert_eq!(plan.conflicts.len(), 1);
        assert_eq!(plan.conflicts[0].changed_by, None);
    }

    #[test]
    fn chosen_values_are_read_by_the_field_type() {
        assert_eq!(
            FieldValue::from_json(Field::RemedyCode, &json!("ADJUST")),
            Ok(text("ADJUST"))
        );
        assert_eq!(
            FieldValue::from_json(Field::RemedyCode, &Value::Null),
            Ok(FieldValue::Text(None))
        );
        assert!(FieldValue::from_json(Field::Status, &json!("done")).is_err());
        assert!(FieldValue::from_json(Field::Status, &Value::Null).is_err());
        assert!(FieldValue::from_json(Field::FinishedAt, &json!(5)).is_err());
        let t = FieldValue::from_json(Field::FinishedAt, &json!("2025-01-02T03:04:05Z"));
        assert_eq!(
            t.as_ref().map(FieldValue::to_json),
            Ok(json!("2025-01-02T03:04:05Z"))
        );
        assert_eq!(Field::parse("remedy_text"), Some(Field::RemedyText));
        assert_eq!(Field::parse("cost"), None);
    }
}
