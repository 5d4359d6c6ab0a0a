//! A push: one PostgreSQL transaction that answers every mutation of the batch in order.
//!
//! Each mutation id is first claimed in `applied_mutations` (`INSERT … ON CONFLICT DO NOTHING`):
//! a second push of the same id — later, or at the same moment from another connection, which
//! waits on the claim — finds the row and is answered with the stored outcome, `replayed: true`,
//! changing nothing. The claim row then receives the outcome, and is the audit record of the
//! mutation (device, user, time). The one outcome not kept is `missing_blob`: the device uploads
//! the photo and pushes the same mutation again.

use super::Tx as Transaction;
use super::{field_edits, push_appends, wo_state, PgStore};
use crate::error::{HubError, Result};
use crate::store::Device;
use faultline_protocol::push::reject_codes;
use faultline_protocol::{
    Mutation, MutationEnvelope, MutationResult, Outcome, PushRequest, PushResponse,
};
use serde_json::Value;
use std::collections::HashMap;
use std::time::Duration;
use uuid::Uuid;

/// How many times a push that hit a deadlock or serialization failure is run again.
const RETRIES: u32 = 3;

/// What to do with an outcome: keep it as the mutation's answer, or forget the mutation id so
/// the device can push it again once it has fixed the cause (an upload).
pub enum Decision {
    Record(Outcome),
    Forget(Outcome),
}

pub fn rejected(code: &str, reason: impl Into<String>) -> Outcome {
    Outcome::Rejected {
        code: code.to_string(),
        reason: reason.into(),
    }
}

pub async fn push(store: &PgStore, device: &Device, request: &PushRequest) -> Result<PushResponse> {
    let mut attempt = 0;
    loop {
        let mut client = store.client().await?;
        match push_once(&mut client, device, request).await {
            Err(e) if e.is_retryable() && attempt < RETRIES => {
                attempt += 1;
                tracing::info!(device = %device.id, attempt, "push retried after {e}");
                tokio::time::sleep(Duration::from_millis(5 * u64::from(attempt))).await;
            }
            other => return other,
        }
    }
}

async fn push_once(
    client: &mut deadpool_postgres::Object,
    device: &Device,
    request: &PushRequest,
) -> Result<PushResponse> {
    let tx = client.transaction().await?;
    let ids: Vec<Uuid> = request.mutations.iter().map(|m| m.mutation_id).collect();
    // Replays known before this push started: one round trip for the whole batch.
    let known: HashMap<Uuid, (String, Option<Value>)> = tx
        .query(
            "SELECT mutation_id, site, outcome FROM applied_mutations WHERE mutation_id = ANY($1)",
            &[&ids],
        )
        .await?
        .into_iter()
        .map(|r| (r.get(0), (r.get(1), r.get(2))))
        .collect();
    let edited: Vec<Uuid> = request
        .mutations
        .iter()
        .filter(|m| !known.contains_key(&m.mutation_id) && edits_work_order(&m.mutation))
        .map(|m| m.mutation.work_order_id())
        .collect();
    wo_state::lock_in_order(&tx, &device.site_code, edited).await?;
    let mut results = Vec::with_capacity(request.mutations.len());
    for env in &request.mutations {
        if let Some((site, outcome)) = known.get(&env.mutation_id) {
            results.push(stored_answer(
                env.mutation_id,
                site,
                outcome.as_ref(),
                device,
            )?);
            continue;
        }
        if !claim(&tx, device, &request.user, env).await? {
            let row = tx
                .query_one(
                    "SELECT site, outcome FROM applied_mutations WHERE mutation_id = $1",
                    &[&env.mutation_id],
                )
                .await?;
            let (site, outcome): (String, Option<Value>) = (row.get(0), row.get(1));
            results.push(stored_answer(
                env.mutation_id,
                &site,
                outcome.as_ref(),
                device,
            )?);
            continue;
        }
        let outcome = match apply(&tx, device, env).await? {
            Decision::Record(outcome) => {
                let json = serde_json::to_value(&outcome).unwrap_or(Value::Null);
                tx.execute(
                    "UPDATE applied_mutations SET outcome = $2 WHERE mutation_id = $1",
                    &[&env.mutation_id, &json],
                )
                .await?;
                outcome
            }
            Decision::Forget(outcome) => {
                tx.execute(
                    "DELETE FROM applied_mutations WHERE mutation_id = $1",
                    &[&env.mutation_id],
                )
                .await?;
                outcome
            }
        };
        results.push(MutationResult {
            mutation_id: env.mutation_id,
            replayed: false,
            outcome,
        });
    }
    tx.commit().await?;
    Ok(PushResponse { results })
}

/// True for mutations that update their work order's row (and so lock it).
fn edits_work_order(m: &Mutation) -> bool {
    matches!(
        m,
        Mutation::SetStatus { .. }
            | Mutation::CloseWorkOrder { .. }
            | Mutation::ResolveConflict { .. }
            | Mutation::DowntimeStart { .. }
            | Mutation::DowntimeEnd { .. }
    )
}

/// Claims the mutation id; false when it is already taken (applied before, or just now by a
/// concurrent push, whose commit this waits for).
async fn claim(
    tx: &Transaction<'_>,
    device: &Device,
    user: &str,
    env: &MutationEnvelope,
) -> Result<bool> {
    let payload = serde_json::to_value(&env.mutation).unwrap_or(Value::Null);
    let stmt = tx
        .prepare_cached(
            "INSERT INTO applied_mutations (mutation_id, site, device_id, device_seq, kind,
                 work_order_id, base_version, payload, user_name, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (mutation_id) DO NOTHING
             RETURNING 1",
        )
        .await?;
    let row = tx
        .query_opt(
            &stmt,
            &[
                &env.mutation_id,
                &device.site_code,
                &device.id,
                &env.device_seq,
                &env.mutation.kind(),
                &env.mutation.work_order_id(),
                &env.base_version,
                &payload,
                &user,
                &env.created_at,
            ],
        )
        .await?;
    Ok(row.is_some())
}

/// The answer for a mutation id the hub has seen: the stored outcome, unless the id was used
/// on another site (then nothing about it is told).
fn stored_answer(
    mutation_id: Uuid,
    site: &str,
    outcome: Option<&Value>,
    device: &Device,
) -> Result<MutationResult> {
    if site != device.site_code {
        return Ok(MutationResult {
            mutation_id,
            replayed: false,
            outcome: rejected(
                reject_codes::WRONG_SITE,
                "this mutation id belongs to another site's device: make a new change",
            ),
        });
    }
    let outcome = outcome
        .and_then(|v| serde_json::from_value::<Outcome>(v.clone()).ok())
        .ok_or_else(|| {
            HubError::Internal(format!(
                "the stored outcome of mutation {mutation_id} is unreadable"
            ))
        })?;
    Ok(MutationResult {
        mutation_id,
        replayed: true,
        outcome,
    })
}

async fn apply(tx: &Transaction<'_>, device: &Device, env: &MutationEnvelope) -> Result<Decision> {
    let site = device.site_code.as_str();
    match &env.mutation {
        Mutation::CreateWorkOrder { .. } => {
            push_appends::create_work_order(tx, device, &env.mutation).await
        }
        Mutation::AddNote {
            note_id,
            work_order_id,
            author,
            text,
            created_at,
        } => {
            push_appends::add_note(
                tx,
                device,
                *work_order_id,
                *note_id,
                author,
                text,
                *created_at,
            )
            .await
        }
        Mutation::AddPart { .. } => push_appends::add_part(tx, device, &env.mutation).await,
        Mutation::AddPhoto { .. } => push_appends::add_photo(tx, device, &env.mutation).await,
        Mutation::DowntimeStart { work_order_id, at } => {
            push_appends::downtime(tx, site, *work_order_id, *at, true).await
        }
        Mutation::DowntimeEnd { work_order_id, at } => {
            push_appends::downtime(tx, site, *work_order_id, *at, false).await
        }
        Mutation::SetStatus { .. } | Mutation::CloseWorkOrder { .. } => {
            field_edits::edit(tx, device, env).await
        }
        Mutation::ResolveConflict {
            conflict_id,
            work_order_id,
            field,
            value,
        } => field_edits::resolve(tx, device, *conflict_id, *work_order_id, field, value).await,
    }
}
