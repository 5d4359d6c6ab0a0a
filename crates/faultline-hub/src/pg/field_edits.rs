//! Field edits of a work order (SetStatus, CloseWorkOrder) and conflict resolution: the
//! conflict rule of [`crate::fields::plan_edit`], status transitions, conflict rows. Decided in
//! memory against the batch's locked view of the work order; written at the end of the push.
//! Values are checked first (times, lengths), and the failure codes the work order would hold
//! after the field-level merge must form a Maximo hierarchy found in the site's catalogue.

use super::push_batch::{rejected, Batch, Decision, NewConflict};
use super::push_context;
use super::Tx as Transaction;
use crate::error::Result;
use crate::fields::{change_entry, plan_edit, Field, FieldValue, FieldValues};
use crate::transitions;
use chrono::{DateTime, Utc};
use faultline_core::validate::{self, Invalid, MAX_CODE_CHARS, MAX_TEXT_CHARS};
use faultline_protocol::push::{reject_codes, ConflictInfo};
use faultline_protocol::{Mutation, MutationEnvelope, Outcome};
use serde_json::Value;
use std::collections::HashSet;
use uuid::Uuid;

fn text(value: &Option<String>) -> FieldValue {
    FieldValue::Text(
        value
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
    )
}

/// The fields a mutation sets, in the order they are checked.
pub(super) fn wanted(mutation: &Mutation) -> Vec<(Field, FieldValue)> {
    match mutation {
        Mutation::SetStatus { status, .. } => {
            vec![(
                Field::Status,
                FieldValue::Text(Some(status.trim().to_string())),
            )]
        }
        Mutation::CloseWorkOrder {
            finished_at,
            failure_class,
            problem_code,
            cause_code,
            remedy_code,
            iso_failure_mode,
            iso_failure_mechanism,
            iso_failure_cause,
            remedy_text,
            ..
        } => vec![
            (Field::Status, FieldValue::Text(Some("closed".into()))),
            (Field::FailureClass, text(failure_class)),
            (Field::ProblemCode, text(problem_code)),
            (Field::CauseCode, text(cause_code)),
            (Field::RemedyCode, text(remedy_code)),
            (Field::IsoFailureMode, text(iso_failure_mode)),
            (Field::IsoFailureMechanism, text(iso_failure_mechanism)),
            (Field::IsoFailureCause, text(iso_failure_cause)),
            (Field::RemedyText, text(remedy_text)),
            (Field::FinishedAt, FieldValue::Time(Some(*finished_at))),
        ],
        _ => Vec::new(),
    }
}

/// The codes a mutation may set, lowercased (what `push_context::read_catalog` looks for).
pub fn codes_of(m: &Mutation, out: &mut Vec<String>) {
    if let Mutation::ResolveConflict { value, .. } = m {
        out.extend(value.as_str().map(|s| s.trim().to_lowercase()));
    }
    for (field, value) in wanted(m) {
        if let (true, Some(code)) = (push_context::is_code(field), value.as_text()) {
            out.push(code.to_lowercase());
        }
    }
}

/// Sets `fields` on the batch's work order `wo_id` at a new version, recording `device` as their
/// last editor; returns the new version.
fn write_fields(b: &mut Batch<'_>, wo_id: Uuid, fields: &[(Field, FieldValue)]) -> Option<i64> {
    let device = b.device.id;
    let w = b.wos.get_mut(&wo_id)?;
    w.st.version += 1;
    let version = w.st.version;
    for (field, value) in fields {
        let i = Field::ALL.iter().position(|f| f == field).unwrap_or(0);
        w.st.values.0[i] = value.clone();
        if *field == Field::Status {
            w.st.status = value.as_text().unwrap_or_default().to_string();
        }
        if let Value::Object(map) = &mut w.st.field_versions {
            map.insert(field.name().to_string(), change_entry(version, device));
        } else {
            let mut map = serde_json::Map::new();
            map.insert(field.name().to_string(), change_entry(version, device));
            w.st.field_versions = Value::Object(map);
        }
    }
    w.dirty = true;
    Some(version)
}

/// The values of a SetStatus or CloseWorkOrder on their own: times and text lengths.
fn check_values(m: &Mutation, now: DateTime<Utc>) -> Result<(), Invalid> {
    if let Mutation::SetStatus { at, .. } = m {
        validate::check_time("at", "the time of the status change", *at, now)?;
    }
    wanted(m)
        .iter()
        .try_for_each(|(field, value)| check_chosen(*field, value, now))
}

/// A value wanted for `field` (by a close, or chosen in a ResolveConflict) against the field's
/// limits.
fn check_chosen(field: Field, value: &FieldValue, now: DateTime<Utc>) -> Result<(), Invalid> {
    match value {
        FieldValue::Time(Some(t)) => validate::check_time("value", "the chosen time", *t, now),
        FieldValue::Text(Some(t)) => {
            let max = if field == Field::RemedyText {
                MAX_TEXT_CHARS
            } else {
                MAX_CODE_CHARS
            };
            validate::check_text("value", "the chosen value", t, max)
        }
        _ => Ok(()),
    }
}

/// The work order's values with `apply` set, checked by the catalogue; `apply` is rewritten with
/// the codes in the catalogue's spelling.
fn check_merged(
    b: &Batch<'_>,
    current: &FieldValues,
    apply: &mut [(Field, FieldValue)],
) -> Result<(), Invalid> {
    if !apply.iter().any(|(f, _)| push_context::is_code(*f)) {
        return Ok(());
    }
    let mut merged = current.clone();
    for (f, v) in apply.iter() {
        merged.0[f.index()] = v.clone();
    }
    let spelled = b.catalog.check_codes(current, &merged)?;
    for (f, v) in apply.iter_mut() {
        if push_context::is_code(*f) {
            *v = spelled.get(*f).clone();
        }
    }
    Ok(())
}

/// SetStatus or CloseWorkOrder: applies what does not conflict, records a conflict row for
/// every field that does, and answers the first conflict (or the new version). The answer of a
/// conflict gets its `server_changed_by` when the conflict rows are written.
pub fn edit(b: &mut Batch<'_>, env: &MutationEnvelope) -> Decision {
    let Some(wo_id) = env.mutation.work_order_id() else {
        return Decision::Record(rejected(
            reject_codes::INVALID_VALUE,
            "not a work-order edit",
        ));
    };
    if let Err(e) = check_values(&env.mutation, b.now) {
        return Decision::Record(rejected(reject_codes::INVALID_VALUE, e.reason));
    }
    if let Mutation::SetStatus { status, .. } = &env.mutation {
        if !transitions::STATUSES.contains(&status.trim()) {
            return Decision::Record(rejected(
                reject_codes::INVALID_VALUE,
                transitions::refusal("open", status.trim()),
            ));
        }
    }
    let Some(w) = b.wos.get(&wo_id) else {
        return Decision::Record(unknown_work_order(wo_id, b.site()));
    };
    let mut plan = plan_edit(
        &w.st.values,
        &w.st.field_versions,
        env.base_version,
        b.device.id,
        wanted(&env.mutation),
    );
    if let Err(e) = check_merged(b, &w.st.values, &mut plan.apply) {
        return Decision::Record(rejected(reject_codes::INVALID_VALUE, e.reason));
    }
    if let Some((_, to)) = plan.apply.iter().find(|(f, _)| *f == Field::Status) {
        let to = to.as_text().unwrap_or_default();
        if !transitions::allowed(&w.st.status, to) {
            return Decision::Record(rejected(
                reject_codes::INVALID_TRANSITION,
                transitions::refusal(&w.st.status, to),
            ));
        }
    }
    let mut version = w.st.version;
    if !plan.apply.is_empty() {
        version = write_fields(b, wo_id, &plan.apply).unwrap_or(version);
    }
    let mut first = None;
    for c in &plan.conflicts {
        let info = ConflictInfo {
            conflict_id: Uuid::now_v7(),
            work_order_id: wo_id,
            field: c.field.name().to_string(),
            server_value: c.server.to_json(),
            client_value: c.client.to_json(),
            server_version: version,
            server_changed_by: None,
            resolution: None,
        };
        b.conflicts.push(NewConflict {
            info: info.clone(),
            changed_by: c.changed_by,
            mutation_id: env.mutation_id,
            answers: first.is_none(),
        });
        first.get_or_insert(info);
    }
    Decision::Record(match first {
        Some(conflict) => Outcome::Conflict { conflict },
        None => Outcome::Applied { version },
    })
}

fn unknown_work_order(id: Uuid, site: &str) -> Outcome {
    rejected(
        reject_codes::UNKNOWN_RECORD,
        format!("work order {id} is not on site {site}"),
    )
}

/// Inserts one conflict row; returns the name of the device that made the hub's value.
pub async fn insert_conflict(
    tx: &Transaction<'_>,
    b: &Batch<'_>,
    c: &NewConflict,
) -> Result<Option<String>> {
    let stmt = tx
        .prepare_cached(
            "INSERT INTO conflicts (id, site, work_order_id, field, server_value, client_value,
                 server_version, server_changed_by, mutation_id, device_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT name FROM devices WHERE id = $8), $9, $10)
             RETURNING server_changed_by",
        )
        .await?;
    let row = tx
        .query_one(
            &stmt,
            &[
                &c.info.conflict_id,
                &b.site(),
                &c.info.work_order_id,
                &c.info.field,
                &c.info.server_value,
                &c.info.client_value,
                &c.info.server_version,
                &c.changed_by,
                &c.mutation_id,
                &b.device.id,
            ],
        )
        .await?;
    Ok(row.get(0))
}

/// Locks the site's conflicts among `ids` (in id order) that a ResolveConflict of the batch
/// names; returns (conflict, work order, field) of each.
pub async fn lock_conflicts(
    tx: &Transaction<'_>,
    site: &str,
    mut ids: Vec<Uuid>,
) -> Result<HashSet<(Uuid, Uuid, String)>> {
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    ids.sort_unstable();
    ids.dedup();
    let rows = tx
        .query(
            "SELECT id, work_order_id, field FROM conflicts WHERE site = $1 AND id = ANY($2)
             ORDER BY id FOR UPDATE",
            &[&site, &ids],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect())
}

/// ResolveConflict: a person chose the value; it is written (no transition check: the choice is
/// deliberate) and the conflict is marked resolved. Never conflicts itself.
pub fn resolve(
    b: &mut Batch<'_>,
    conflict_id: Uuid,
    wo_id: Uuid,
    field_name: &str,
    value: &Value,
) -> Decision {
    let site = b.site().to_string();
    let Some(field) = Field::parse(field_name) else {
        return Decision::Record(rejected(
            reject_codes::INVALID_VALUE,
            format!("{field_name:?} is not a work-order field that can be in conflict"),
        ));
    };
    if !b
        .open_conflicts
        .contains(&(conflict_id, wo_id, field_name.to_string()))
    {
        return Decision::Record(rejected(
            reject_codes::UNKNOWN_RECORD,
            format!("there is no conflict {conflict_id} on field {field_name} of work order {wo_id} on site {site}"),
        ));
    }
    let chosen = match FieldValue::from_json(field, value) {
        Ok(v) => v,
        Err(reason) => {
            return Decision::Record(rejected(reject_codes::INVALID_VALUE, reason));
        }
    };
    let Some(w) = b.wos.get(&wo_id) else {
        return Decision::Record(unknown_work_order(wo_id, &site));
    };
    let mut apply = [(field, chosen)];
    if let Err(e) = check_chosen(field, &apply[0].1, b.now)
        .and_then(|()| check_merged(b, &w.st.values, &mut apply))
    {
        return Decision::Record(rejected(reject_codes::INVALID_VALUE, e.reason));
    }
    let [(_, chosen)] = apply;
    let mut version = w.st.version;
    if *w.st.values.get(field) != chosen {
        version = write_fields(b, wo_id, &[(field, chosen.clone())]).unwrap_or(version);
    }
    b.resolutions.push((conflict_id, chosen.to_json()));
    Decision::Record(Outcome::Applied { version })
}

/// Marks the batch's resolved conflicts, in request order.
pub async fn write_resolutions(tx: &Transaction<'_>, b: &Batch<'_>) -> Result<()> {
    for (id, chosen) in &b.resolutions {
        tx.execute(
            "UPDATE conflicts SET resolution = $2, resolved_by = $3, resolved_at = now() WHERE id = $1",
            &[id, chosen, &b.device.id],
        )
        .await?;
    }
    Ok(())
}
