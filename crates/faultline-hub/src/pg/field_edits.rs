//! Field edits of a work order (SetStatus, CloseWorkOrder) and conflict resolution: the
//! conflict rule of [`crate::fields::plan_edit`], status transitions, conflict rows.

use super::push::{rejected, Decision};
use super::wo_state::{self, WoState};
use super::Tx as Transaction;
use crate::error::Result;
use crate::fields::{plan_edit, Field, FieldConflict, FieldValue};
use crate::store::Device;
use crate::transitions;
use faultline_protocol::push::{reject_codes, ConflictInfo};
use faultline_protocol::{Mutation, MutationEnvelope, Outcome};
use serde_json::Value;
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
fn wanted(mutation: &Mutation) -> Vec<(Field, FieldValue)> {
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

/// SetStatus or CloseWorkOrder: applies what does not conflict, records a conflict row for
/// every field that does, and answers the first conflict (or the new version).
pub async fn edit(
    tx: &Transaction<'_>,
    device: &Device,
    env: &MutationEnvelope,
) -> Result<Decision> {
    let site = device.site_code.as_str();
    let wo_id = env.mutation.work_order_id();
    if let Mutation::SetStatus { status, .. } = &env.mutation {
        if !transitions::STATUSES.contains(&status.trim()) {
            return Ok(Decision::Record(rejected(
                reject_codes::INVALID_VALUE,
                transitions::refusal("open", status.trim()),
            )));
        }
    }
    let Some(st) = wo_state::lock(tx, site, wo_id).await? else {
        return Ok(Decision::Record(unknown_work_order(wo_id, site)));
    };
    let plan = plan_edit(
        &st.values,
        &st.field_versions,
        env.base_version,
        device.id,
        wanted(&env.mutation),
    );
    if let Some((_, to)) = plan.apply.iter().find(|(f, _)| *f == Field::Status) {
        let to = to.as_text().unwrap_or_default();
        if !transitions::allowed(&st.status, to) {
            return Ok(Decision::Record(rejected(
                reject_codes::INVALID_TRANSITION,
                transitions::refusal(&st.status, to),
            )));
        }
    }
    let mut version = st.version;
    if !plan.apply.is_empty() {
        version += 1;
        wo_state::write_fields(tx, site, wo_id, device.id, version, &plan.apply).await?;
    }
    let mut first = None;
    for c in &plan.conflicts {
        let info = insert_conflict(tx, device, env.mutation_id, wo_id, version, c).await?;
        first.get_or_insert(info);
    }
    Ok(Decision::Record(match first {
        Some(conflict) => Outcome::Conflict { conflict },
        None => Outcome::Applied { version },
    }))
}

fn unknown_work_order(id: Uuid, site: &str) -> Outcome {
    rejected(
        reject_codes::UNKNOWN_RECORD,
        format!("work order {id} is not on site {site}"),
    )
}

async fn insert_conflict(
    tx: &Transaction<'_>,
    device: &Device,
    mutation_id: Uuid,
    wo_id: Uuid,
    server_version: i64,
    c: &FieldConflict,
) -> Result<ConflictInfo> {
    let id = Uuid::now_v7();
    let server_value = c.server.to_json();
    let client_value = c.client.to_json();
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
                &id,
                &device.site_code,
                &wo_id,
                &c.field.name(),
                &server_value,
                &client_value,
                &server_version,
                &c.changed_by,
                &mutation_id,
                &device.id,
            ],
        )
        .await?;
    Ok(ConflictInfo {
        conflict_id: id,
        work_order_id: wo_id,
        field: c.field.name().to_string(),
        server_value,
        client_value,
        server_version,
        server_changed_by: row.get(0),
        resolution: None,
    })
}

/// ResolveConflict: a person chose the value; it is written (no transition check: the choice is
/// deliberate) and the conflict is marked resolved. Never conflicts itself.
pub async fn resolve(
    tx: &Transaction<'_>,
    device: &Device,
    conflict_id: Uuid,
    wo_id: Uuid,
    field_name: &str,
    value: &Value,
) -> Result<Decision> {
    let site = device.site_code.as_str();
    let Some(field) = Field::parse(field_name) else {
        return Ok(Decision::Record(rejected(
            reject_codes::INVALID_VALUE,
            format!("{field_name:?} is not a work-order field that can be in conflict"),
        )));
    };
    let found = tx
        .query_opt(
            "SELECT 1 FROM conflicts WHERE id = $1 AND site = $2 AND work_order_id = $3 AND field = $4
             FOR UPDATE",
            &[&conflict_id, &site, &wo_id, &field_name],
        )
        .await?;
    if found.is_none() {
        return Ok(Decision::Record(rejected(
            reject_codes::UNKNOWN_RECORD,
            format!("there is no conflict {conflict_id} on field {field_name} of work order {wo_id} on site {site}"),
        )));
    }
    let chosen = match FieldValue::from_json(field, value) {
        Ok(v) => v,
        Err(reason) => {
            return Ok(Decision::Record(rejected(
                reject_codes::INVALID_VALUE,
                reason,
            )));
        }
    };
    let Some(WoState {
        version: current_version,
        values,
        ..
    }) = wo_state::lock(tx, site, wo_id).await?
    else {
        return Ok(Decision::Record(unknown_work_order(wo_id, site)));
    };
    let mut version = current_version;
    if *values.get(field) != chosen {
        version += 1;
        wo_state::write_fields(
            tx,
            site,
            wo_id,
            device.id,
            version,
            &[(field, chosen.clone())],
        )
        .await?;
    }
    tx.execute(
        "UPDATE conflicts SET resolution = $2, resolved_by = $3, resolved_at = now() WHERE id = $1",
        &[&conflict_id, &chosen.to_json(), &device.id],
    )
    .await?;
    Ok(Decision::Record(Outcome::Applied { version }))
}
