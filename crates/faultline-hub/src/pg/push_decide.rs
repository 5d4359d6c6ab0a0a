//! The hub's push decision, with no IO: what a batch needs read ([`needs`]), then, given the
//! hub's rows it touches (a loaded [`Batch`]) and which of its mutation ids the claim took,
//! every mutation's answer in request order ([`decide`]: applied, rejected with a code, conflict,
//! replayed, replay mismatch, or forgotten until a blob is uploaded) with the rows to write
//! gathered in the batch, and finally the answers and the outcomes to record ([`answers`]).
//! `push.rs` is the IO shell around it (claim, load, decide, write); the tables of
//! `push_decide_tests.rs` test it without PostgreSQL.

use super::push_batch::{rejected, Batch, Decision};
use super::{field_edits, push_appends, push_context, push_corrections};
use crate::error::{HubError, Result};
use crate::push_checks;
use faultline_protocol::push::reject_codes;
use faultline_protocol::{Mutation, MutationEnvelope, MutationResult, Outcome};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// A mutation of the request with its payload (as the audit row stores it) and the payload's
/// hash.
pub struct Sent<'a> {
    pub env: &'a MutationEnvelope,
    pub payload: Value,
    pub hash: Vec<u8>,
}

impl Sent<'_> {
    /// Every mutation of a request, in order, with its payload and hash.
    pub fn all(mutations: &[MutationEnvelope]) -> Vec<Sent<'_>> {
        mutations
            .iter()
            .map(|env| {
                let payload = push_checks::payload(&env.mutation);
                let hash = push_checks::payload_sha256(&payload);
                Sent { env, payload, hash }
            })
            .collect()
    }
}

/// The first occurrence of each mutation id of the request (the ones the push claims).
pub fn firsts<'s, 'a>(sent: &'s [Sent<'a>]) -> Vec<&'s Sent<'a>> {
    let mut seen = HashSet::new();
    sent.iter()
        .filter(|s| seen.insert(s.env.mutation_id))
        .collect()
}

/// For each id the claim found already taken on the site: its stored outcome and payload hash.
pub type Stored = HashMap<Uuid, (Option<Value>, Vec<u8>)>;

/// What the claimed mutations need read before they are decided.
#[derive(Debug, Default, PartialEq)]
pub struct Needs<'a> {
    /// Work orders they update (read under a row lock).
    pub locked: Vec<Uuid>,
    /// Work orders they only add to.
    pub unlocked: Vec<Uuid>,
    /// Assets of the work orders and diagnosis sessions they create (sorted, once each).
    pub assets: Vec<Uuid>,
    /// Blobs of the photos they add (sorted, once each).
    pub shas: Vec<&'a str>,
    /// Conflicts they resolve.
    pub conflicts: Vec<Uuid>,
    /// Failure codes they set, lowercased (`field_edits::codes_of`).
    pub codes: Vec<String>,
    /// Note, part and photo ids they add.
    pub entity_ids: Vec<Uuid>,
    /// (work order, asset when the batch creates it) of the stops they set.
    pub stops: Vec<(Uuid, Option<Uuid>)>,
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

/// What `fresh` (the claimed mutations) need read.
pub fn needs<'a>(fresh: &[&'a MutationEnvelope]) -> Needs<'a> {
    let mut n = Needs::default();
    // A stop on a work order this batch creates is checked against the new one's asset.
    let new_assets: HashMap<Uuid, Uuid> = fresh
        .iter()
        .filter_map(|e| match &e.mutation {
            Mutation::CreateWorkOrder {
                work_order_id,
                asset_id,
                ..
            } => Some((*work_order_id, *asset_id)),
            _ => None,
        })
        .collect();
    for e in fresh {
        field_edits::codes_of(&e.mutation, &mut n.codes);
        n.entity_ids.extend(push_context::entity_id(&e.mutation));
        n.stops.extend(
            push_context::stop_of(&e.mutation)
                .map(|(wo, asset)| (wo, asset.or_else(|| new_assets.get(&wo).copied()))),
        );
        if let Some(wo) = e.mutation.work_order_id() {
            if edits_work_order(&e.mutation) {
                n.locked.push(wo);
            } else {
                n.unlocked.push(wo);
            }
        }
        match &e.mutation {
            Mutation::CreateWorkOrder { asset_id, .. } => n.assets.push(*asset_id),
            Mutation::StartDiagnosis { session } => n.assets.push(session.asset_id),
            Mutation::AddPhoto { sha256, .. } => n.shas.push(sha256),
            Mutation::ResolveConflict { conflict_id, .. } => n.conflicts.push(*conflict_id),
            _ => {}
        }
    }
    n.assets.sort_unstable();
    n.assets.dedup();
    n.shas.sort_unstable();
    n.shas.dedup();
    n
}

/// The answer to one mutation of the request.
pub enum Slot {
    /// Decided by this push (the id's claim row takes the last decision of the id).
    Fresh(Decision),
    Answer(MutationResult),
}

/// Every mutation's answer, in request order, before the conflicts' authors are known.
pub struct Decided {
    pub slots: Vec<Slot>,
    /// The latest decision of each id this push claimed: its slot.
    last: HashMap<Uuid, usize>,
}

/// Decides `sent` in request order against `batch` (the hub's rows, loaded), given the ids the
/// push `claimed` and what the site `stored` for the others. The rows to write accumulate in
/// `batch`.
pub fn decide(
    batch: &mut Batch<'_>,
    sent: &[Sent<'_>],
    claimed: &HashSet<Uuid>,
    stored: &Stored,
) -> Result<Decided> {
    let first_hash: HashMap<Uuid, &[u8]> = firsts(sent)
        .iter()
        .map(|s| (s.env.mutation_id, s.hash.as_slice()))
        .collect();
    let mut slots: Vec<Slot> = Vec::with_capacity(sent.len());
    let mut last: HashMap<Uuid, usize> = HashMap::new();
    for s in sent {
        let env = s.env;
        let id = env.mutation_id;
        let slot = if !claimed.contains(&id) {
            let (outcome, hash) = stored.get(&id).ok_or_else(|| {
                HubError::Internal(format!("the claim of mutation {id} vanished"))
            })?;
            if *hash != s.hash {
                Slot::Answer(replay_mismatch(id))
            } else {
                Slot::Answer(stored_answer(id, outcome.as_ref())?)
            }
        } else if last.contains_key(&id) && first_hash.get(&id) != Some(&s.hash.as_slice()) {
            Slot::Answer(replay_mismatch(id))
        } else {
            match last.get(&id).map(|i| &slots[*i]) {
                // The same id again in this batch: the answer already recorded, as a replay.
                Some(Slot::Fresh(Decision::Record(outcome))) => Slot::Answer(MutationResult {
                    mutation_id: id,
                    replayed: true,
                    outcome: outcome.clone(),
                }),
                // First time, or forgotten (missing_blob) just before: applied (again).
                _ => {
                    last.insert(id, slots.len());
                    Slot::Fresh(apply(batch, env))
                }
            }
        };
        slots.push(slot);
    }
    Ok(Decided { slots, last })
}

/// The push's answers, and what its claim rows record.
#[derive(Debug, Default)]
pub struct Answers {
    pub results: Vec<MutationResult>,
    /// The claimed ids whose outcome is kept, with the outcome (the last decision of each).
    pub outcome_ids: Vec<Uuid>,
    pub outcome_values: Vec<Value>,
    /// The claimed ids forgotten (`missing_blob`): their claims are deleted.
    pub forget: Vec<Uuid>,
}

/// The answers to `sent` from `decided`, each conflict answered with the name of the device that
/// made the hub's value (`conflict_names`, by mutation id, known once the conflict rows are
/// written).
pub fn answers(
    sent: &[Sent<'_>],
    decided: Decided,
    conflict_names: &HashMap<Uuid, Option<String>>,
) -> Answers {
    let mut out = Answers {
        results: Vec::with_capacity(decided.slots.len()),
        ..Answers::default()
    };
    for (i, (s, slot)) in sent.iter().zip(decided.slots).enumerate() {
        let id = s.env.mutation_id;
        let result = match slot {
            Slot::Answer(r) => r,
            Slot::Fresh(decision) => {
                let last = decided.last.get(&id) == Some(&i);
                let outcome = match decision {
                    Decision::Record(mut outcome) => {
                        if let Outcome::Conflict { conflict } = &mut outcome {
                            conflict.server_changed_by = conflict_names.get(&id).cloned().flatten();
                        }
                        if last {
                            out.outcome_ids.push(id);
                            out.outcome_values
                                .push(serde_json::to_value(&outcome).unwrap_or(Value::Null));
                        }
                        outcome
                    }
                    Decision::Forget(outcome) => {
                        if last {
                            out.forget.push(id);
                        }
                        outcome
                    }
                };
                MutationResult {
                    mutation_id: id,
                    replayed: false,
                    outcome,
                }
            }
        };
        out.results.push(result);
    }
    // A replay within the batch answers the outcome as completed (with its conflict's author).
    for r in &mut out.results {
        if r.replayed {
            if let Outcome::Conflict { conflict } = &mut r.outcome {
                if conflict.server_changed_by.is_none() {
                    if let Some(name) = conflict_names.get(&r.mutation_id) {
                        conflict.server_changed_by.clone_from(name);
                    }
                }
            }
        }
    }
    out
}

/// The answer for a mutation id seen before on this site whose payload differs.
fn replay_mismatch(mutation_id: Uuid) -> MutationResult {
    MutationResult {
        mutation_id,
        replayed: false,
        outcome: rejected(
            reject_codes::REPLAY_MISMATCH,
            format!("mutation id {mutation_id} was already used on this site for a different change: a replay must carry the same change; record it again as a new change"),
        ),
    }
}

/// The answer for a mutation id the site has seen: the stored outcome. (Ids are scoped by site:
/// another site's use of an id is never looked at.)
fn stored_answer(mutation_id: Uuid, outcome: Option<&Value>) -> Result<MutationResult> {
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

fn apply(b: &mut Batch<'_>, env: &MutationEnvelope) -> Decision {
    match &env.mutation {
        Mutation::CreateWorkOrder { .. } => push_appends::create_work_order(b, &env.mutation),
        Mutation::AddNote {
            note_id,
            work_order_id,
            author,
            text,
            created_at,
        } => push_appends::add_note(b, *work_order_id, *note_id, author, text, *created_at),
        Mutation::AddPart { .. } => push_appends::add_part(b, &env.mutation),
        Mutation::AddPhoto { .. } => push_appends::add_photo(b, &env.mutation),
        Mutation::DowntimeStart { work_order_id, at } => {
            push_appends::downtime(b, *work_order_id, *at, true)
        }
        Mutation::DowntimeEnd { work_order_id, at } => {
            push_appends::downtime(b, *work_order_id, *at, false)
        }
        Mutation::SetStatus { .. } | Mutation::CloseWorkOrder { .. } => field_edits::edit(b, env),
        Mutation::ResolveConflict {
            conflict_id,
            work_order_id,
            field,
            value,
        } => field_edits::resolve(b, *conflict_id, *work_order_id, field, value),
        Mutation::Correct { correction } => push_corrections::correct(b, correction),
        Mutation::AddHandoverNote { .. } => push_corrections::handover_note(b, &env.mutation),
        Mutation::StartDiagnosis { session } => super::push_diagnosis::start(b, session),
        Mutation::RecordDiagnosis { record } => super::push_diagnosis::record(b, record),
    }
}

#[cfg(test)]
#[path = "push_decide_tests.rs"]
mod tests;
