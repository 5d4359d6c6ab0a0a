//! A push: one PostgreSQL transaction that answers every mutation of the batch in order, in a
//! handful of statements whatever the batch's size.
//!
//! 1. The push gets one `pushes` row (device, user, time, count) and every mutation id of the
//!    batch is claimed in `applied_mutations` under it, with its payload and the payload's hash,
//!    in the same statement (`WITH p AS (INSERT INTO pushes …) INSERT … SELECT FROM unnest(…)
//!    ON CONFLICT DO NOTHING RETURNING`; ids in sorted order, so two pushes sharing ids claim
//!    them in the same order). Ids are scoped by site. An id already taken — applied before, or
//!    at the same moment by a concurrent push, whose commit the insert waits for — is answered
//!    with the stored outcome, `replayed: true`, and changes nothing; if its payload hash
//!    differs it is `rejected` (`replay_mismatch`).
//! 2. What the claimed mutations need is read at once, pipelined: the work orders they update,
//!    locked `FOR NO KEY UPDATE` in id order; the ones they only add to, unlocked; their assets,
//!    blobs and conflicts; and what their values are checked against (`push_context`: the
//!    site's catalogue, the note/part/photo ids taken, when each machine was last back in
//!    service).
//! 3. The mutations are decided in request order, in memory (versions, fields, transitions and
//!    conflicts as if each were applied on its own).
//! 4. The result is written: new work orders (with their state after the batch) in one insert,
//!    edited ones in one update, notes, parts and photos in one insert per table, then every
//!    outcome into its claim row in one update — the claim row and its push row are the audit
//!    record of the mutation (device, user, time). The one outcome not kept is `missing_blob`:
//!    its claim is deleted, and the device uploads the photo and pushes the same mutation again.
//!
//! Should a work order this push creates appear meanwhile from another transaction (its insert
//! finds the row), the whole transaction is rolled back and run again, now seeing it.
//!
//! No single mutation fails the batch: every value is checked before it is written (a failed
//! check is that mutation's `rejected` answer), and should PostgreSQL still refuse a row with a
//! data or constraint error (SQLSTATE class 22 or 23), the batch is rolled back and run again
//! one mutation per transaction, the refused one answered `rejected` (`invalid_value`).

use super::Tx as Transaction;
use super::{field_edits, push_appends, push_context, push_corrections, wo_state, PgStore};
use crate::error::{HubError, Result};
use crate::push_checks;
use crate::store::Device;
use chrono::{DateTime, Utc};
use faultline_protocol::push::reject_codes;
use faultline_protocol::{
    Mutation, MutationEnvelope, MutationResult, Outcome, PushRequest, PushResponse,
};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
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

/// A work order as the batch sees it while deciding its mutations.
pub struct SimWo {
    pub st: wo_state::WoState,
    /// Changed by the batch (written back at the end, unless the batch creates it).
    pub dirty: bool,
    /// Created by the batch.
    pub created: Option<wo_state::NewWo>,
}

pub struct NewNote {
    pub id: Uuid,
    pub work_order_id: Uuid,
    pub author: String,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

pub struct NewPart {
    pub id: Uuid,
    pub work_order_id: Uuid,
    pub part_number: String,
    pub description: Option<String>,
    pub quantity: f64,
    /// The unit in its canonical spelling (`validate::check_quantity`).
    pub unit: String,
    pub created_at: DateTime<Utc>,
}

pub struct NewPhoto {
    pub id: Uuid,
    pub work_order_id: Uuid,
    pub sha256: String,
    pub mime: String,
    pub size_bytes: i64,
    pub caption: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub struct NewConflict {
    pub info: faultline_protocol::push::ConflictInfo,
    /// The device that made the hub's value, when known.
    pub changed_by: Option<Uuid>,
    pub mutation_id: Uuid,
    /// True for the first conflict of its mutation, the one the mutation is answered with.
    pub answers: bool,
}

/// The batch's view of the hub while its mutations are decided, and the rows they add.
pub struct Batch<'a> {
    pub device: &'a Device,
    /// The work orders the batch touches that exist (at this point of the batch).
    pub wos: HashMap<Uuid, SimWo>,
    pub assets: HashSet<Uuid>,
    /// Blob sizes, by sha256, of the photos' blobs the site may use.
    pub blobs: HashMap<String, i64>,
    /// (conflict, work order, field) of the conflicts the batch resolves, locked.
    pub open_conflicts: HashSet<(Uuid, Uuid, String)>,
    pub notes: Vec<NewNote>,
    pub parts: Vec<NewPart>,
    pub photos: Vec<NewPhoto>,
    pub conflicts: Vec<NewConflict>,
    pub resolutions: Vec<(Uuid, Value)>,
    /// The hub's clock for this push (times beyond it plus the skew tolerance are refused).
    pub now: DateTime<Utc>,
    /// The site's catalogue entries for the codes the batch sets.
    pub catalog: push_context::Catalog,
    /// Note, part and photo ids taken on the site (before the batch, and by it so far).
    pub taken_ids: HashSet<Uuid>,
    /// When the machine of each work order the batch stops was last back in service.
    pub back_in_service: HashMap<Uuid, DateTime<Utc>>,
    /// Corrections, handover notes and finished downtime intervals (`push_corrections`).
    pub extra: push_corrections::Extra,
}

impl Batch<'_> {
    pub fn site(&self) -> &str {
        &self.device.site_code
    }

    pub fn version(&self, wo: Uuid) -> Option<i64> {
        self.wos.get(&wo).map(|w| w.st.version)
    }
}

/// The message of a database error that one record's value caused (SQLSTATE class 22, data
/// exception, or 23, integrity constraint violation), as a sentence for the device.
fn data_error(e: &HubError) -> Option<String> {
    let HubError::Db(db) = e else { return None };
    let d = db.as_db_error()?;
    let code = d.code().code();
    (code.starts_with("22") || code.starts_with("23")).then(|| {
        format!(
            "the hub's database cannot store this change ({}, SQLSTATE {code}): correct the value and make the change again",
            d.message()
        )
    })
}

/// Applies the batch in one transaction; should a value still be refused by the database, runs
/// it again one mutation per transaction so that only that mutation is rejected.
pub async fn push(store: &PgStore, device: &Device, request: &PushRequest) -> Result<PushResponse> {
    let whole = push_retrying(store, device, request).await;
    let Err(e) = whole else { return whole };
    let Some(reason) = data_error(&e) else {
        return Err(e);
    };
    tracing::warn!(device = %device.id, "push refused by the database ({reason}); applying its mutations one by one");
    let mut results = Vec::with_capacity(request.mutations.len());
    for env in &request.mutations {
        let one = PushRequest {
            user: request.user.clone(),
            mutations: vec![env.clone()],
        };
        match push_retrying(store, device, &one).await {
            Ok(r) => results.extend(r.results),
            Err(e) => {
                let Some(reason) = data_error(&e) else {
                    return Err(e);
                };
                results.push(MutationResult {
                    mutation_id: env.mutation_id,
                    replayed: false,
                    outcome: rejected(reject_codes::INVALID_VALUE, reason),
                });
            }
        }
    }
    Ok(PushResponse { results })
}

async fn push_retrying(
    store: &PgStore,
    device: &Device,
    request: &PushRequest,
) -> Result<PushResponse> {
    let mut attempt = 0;
    let mut raced = 0;
    loop {
        let mut client = store.client().await?;
        match push_once(&mut client, device, request).await {
            Err(e) if e.is_retryable() && attempt < RETRIES => {
                attempt += 1;
                tracing::info!(device = %device.id, attempt, "push retried after {e}");
                tokio::time::sleep(Duration::from_millis(5 * u64::from(attempt))).await;
            }
            // Rolled back: a work order the push creates was created meanwhile elsewhere.
            Ok(None) if raced < RETRIES => raced += 1,
            Ok(None) => {
                return Err(HubError::Internal(
                    "a work order of this push kept being created by another push meanwhile".into(),
                ))
            }
            Ok(Some(response)) => return Ok(response),
            Err(e) => return Err(e),
        }
    }
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

/// Claims the mutation ids of `envs` (each once); returns those taken now (the others were
/// already taken: applied before, or just now by a concurrent push, whose commit this waits for).
/// A mutation of the request with its payload and the payload's hash.
struct Sent<'a> {
    env: &'a MutationEnvelope,
    payload: Value,
    hash: Vec<u8>,
}

/// Records the push (one `pushes` row: device, user, time, `count` mutations) and claims the
/// mutation ids of `sent` under it (each once); returns those taken now (the others were
/// already taken on the site: applied before, or just now by a concurrent push, whose commit
/// this waits for).
async fn claim(
    tx: &Transaction<'_>,
    device: &Device,
    user: &str,
    count: usize,
    sent: &[&Sent<'_>],
) -> Result<HashSet<Uuid>> {
    let mut sorted: Vec<&Sent<'_>> = sent.to_vec();
    sorted.sort_unstable_by_key(|s| s.env.mutation_id);
    let ids: Vec<Uuid> = sorted.iter().map(|s| s.env.mutation_id).collect();
    let seqs: Vec<i64> = sorted.iter().map(|s| s.env.device_seq).collect();
    let kinds: Vec<&str> = sorted.iter().map(|s| s.env.mutation.kind()).collect();
    let wos: Vec<Option<Uuid>> = sorted
        .iter()
        .map(|s| s.env.mutation.work_order_id())
        .collect();
    let bases: Vec<i64> = sorted.iter().map(|s| s.env.base_version).collect();
    let payloads: Vec<&Value> = sorted.iter().map(|s| &s.payload).collect();
    let hashes: Vec<&[u8]> = sorted.iter().map(|s| s.hash.as_slice()).collect();
    let created: Vec<DateTime<Utc>> = sorted.iter().map(|s| s.env.created_at).collect();
    let count = i32::try_from(count).unwrap_or(i32::MAX);
    let stmt = tx
        .prepare_cached(
            "WITH p AS (
                 INSERT INTO pushes (site, device_id, user_name, mutation_count)
                 VALUES ($1, $2, $3, $4) RETURNING id)
             INSERT INTO applied_mutations (site, device_id, push_id, mutation_id, device_seq,
                 kind, work_order_id, base_version, payload, payload_sha256, created_at)
             SELECT $1::text, $2::uuid, p.id, u.id, u.seq, u.kind, u.wo, u.base, u.payload,
                 u.hash, u.created
             FROM p, unnest($5::uuid[], $6::int8[], $7::text[], $8::uuid[], $9::int8[],
                 $10::jsonb[], $11::bytea[], $12::timestamptz[])
                 WITH ORDINALITY AS u(id, seq, kind, wo, base, payload, hash, created, n)
             ORDER BY u.n
             ON CONFLICT (site, mutation_id) DO NOTHING
             RETURNING mutation_id",
        )
        .await?;
    let rows = tx
        .query(
            &stmt,
            &[
                &device.site_code,
                &device.id,
                &user,
                &count,
                &ids,
                &seqs,
                &kinds,
                &wos,
                &bases,
                &payloads,
                &hashes,
                &created,
            ],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// The answer to one mutation of the request.
enum Slot {
    /// Decided by this push (the id's claim row takes the last decision of the id).
    Fresh(Decision),
    Answer(MutationResult),
}

async fn push_once(
    client: &mut deadpool_postgres::Object,
    device: &Device,
    request: &PushRequest,
) -> Result<Option<PushResponse>> {
    let tx = client.transaction().await?;
    let site = device.site_code.as_str();
    let now = Utc::now();
    let sent: Vec<Sent<'_>> = request
        .mutations
        .iter()
        .map(|env| {
            let payload = push_checks::payload(&env.mutation);
            let hash = push_checks::payload_sha256(&payload);
            Sent { env, payload, hash }
        })
        .collect();
    let mut seen = HashSet::new();
    let firsts: Vec<&Sent<'_>> = sent
        .iter()
        .filter(|s| seen.insert(s.env.mutation_id))
        .collect();
    let first_hash: HashMap<Uuid, &[u8]> = firsts
        .iter()
        .map(|s| (s.env.mutation_id, s.hash.as_slice()))
        .collect();
    let claimed = claim(&tx, device, &request.user, sent.len(), &firsts).await?;
    // Ids taken before on this site (or by a concurrent push, now committed): their stored
    // outcomes and payload hashes.
    let taken: Vec<Uuid> = firsts
        .iter()
        .map(|s| s.env.mutation_id)
        .filter(|id| !claimed.contains(id))
        .collect();
    let mut stored: HashMap<Uuid, (Option<Value>, Vec<u8>)> = HashMap::new();
    if !taken.is_empty() {
        let stmt = tx
            .prepare_cached(
                "SELECT mutation_id, outcome, payload_sha256,
                     CASE WHEN payload_sha256 IS NULL THEN payload END
                 FROM applied_mutations WHERE site = $1 AND mutation_id = ANY($2)",
            )
            .await?;
        for r in tx.query(&stmt, &[&site, &taken]).await? {
            let hash = r.get::<_, Option<Vec<u8>>>(2).unwrap_or_else(|| {
                push_checks::payload_sha256(&r.get::<_, Option<Value>>(3).unwrap_or(Value::Null))
            });
            stored.insert(r.get(0), (r.get(1), hash));
        }
    }
    let fresh: Vec<&MutationEnvelope> = firsts
        .iter()
        .filter(|s| claimed.contains(&s.env.mutation_id))
        .map(|s| s.env)
        .collect();

    // Everything the claimed mutations read, pipelined.
    let mut locked = Vec::new();
    let mut unlocked = Vec::new();
    let mut asset_ids = Vec::new();
    let mut shas: Vec<&str> = Vec::new();
    let mut conflict_ids = Vec::new();
    let mut codes = Vec::new();
    let mut entity_ids = Vec::new();
    let mut stops = Vec::new();
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
    for e in &fresh {
        push_context::codes_of(&e.mutation, &mut codes);
        entity_ids.extend(push_context::entity_id(&e.mutation));
        stops.extend(
            push_context::stop_of(&e.mutation)
                .map(|(wo, asset)| (wo, asset.or_else(|| new_assets.get(&wo).copied()))),
        );
        if let Some(wo) = e.mutation.work_order_id() {
            if edits_work_order(&e.mutation) {
                locked.push(wo);
            } else {
                unlocked.push(wo);
            }
        }
        match &e.mutation {
            Mutation::CreateWorkOrder { asset_id, .. } => asset_ids.push(*asset_id),
            Mutation::AddPhoto { sha256, .. } => shas.push(sha256),
            Mutation::ResolveConflict { conflict_id, .. } => conflict_ids.push(*conflict_id),
            _ => {}
        }
    }
    asset_ids.sort_unstable();
    asset_ids.dedup();
    shas.sort_unstable();
    shas.dedup();
    let (states, assets, blobs, open_conflicts, catalog, taken_ids, back_in_service) = tokio::try_join!(
        wo_state::read(&tx, site, locked, unlocked),
        push_appends::known_assets(&tx, site, &asset_ids),
        push_appends::site_blobs(&tx, site, &shas),
        field_edits::lock_conflicts(&tx, site, conflict_ids),
        push_context::read_catalog(&tx, site, codes),
        push_context::taken_entity_ids(&tx, site, entity_ids),
        push_context::back_in_service(&tx, site, stops),
    )?;
    let mut batch = Batch {
        device,
        wos: states
            .into_iter()
            .map(|(id, st)| {
                (
                    id,
                    SimWo {
                        st,
                        dirty: false,
                        created: None,
                    },
                )
            })
            .collect(),
        assets,
        blobs,
        open_conflicts,
        notes: Vec::new(),
        parts: Vec::new(),
        photos: Vec::new(),
        conflicts: Vec::new(),
        resolutions: Vec::new(),
        now,
        catalog,
        taken_ids,
        back_in_service,
        extra: push_corrections::Extra::read(&tx, site, &fresh).await?,
    };

    // Decide, in request order.
    let mut slots: Vec<Slot> = Vec::with_capacity(request.mutations.len());
    // The latest decision of each id this push claimed: its slot.
    let mut decided: HashMap<Uuid, usize> = HashMap::new();
    for s in &sent {
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
        } else if decided.contains_key(&id) && first_hash.get(&id) != Some(&s.hash.as_slice()) {
            Slot::Answer(replay_mismatch(id))
        } else {
            match decided.get(&id).map(|i| &slots[*i]) {
                // The same id again in this batch: the answer already recorded, as a replay.
                Some(Slot::Fresh(Decision::Record(outcome))) => Slot::Answer(MutationResult {
                    mutation_id: id,
                    replayed: true,
                    outcome: outcome.clone(),
                }),
                // First time, or forgotten (missing_blob) just before: applied (again).
                _ => {
                    decided.insert(id, slots.len());
                    Slot::Fresh(apply(&mut batch, env))
                }
            }
        };
        slots.push(slot);
    }

    // Write. New work orders first (every other row refers to them).
    let created: Vec<(&wo_state::NewWo, &wo_state::WoState)> = batch
        .wos
        .values()
        .filter_map(|w| w.created.as_ref().map(|c| (c, &w.st)))
        .collect();
    let inserted = wo_state::insert(&tx, site, device.id, &created).await?;
    if inserted.len() != created.len() {
        tx.rollback().await?;
        return Ok(None);
    }
    let edited: Vec<(Uuid, &wo_state::WoState)> = batch
        .wos
        .iter()
        .filter(|(_, w)| w.dirty && w.created.is_none())
        .map(|(id, w)| (*id, &w.st))
        .collect();
    let mut conflict_names = HashMap::new();
    let appends = async {
        push_appends::write(&tx, &batch).await?;
        for c in &batch.conflicts {
            let name = field_edits::insert_conflict(&tx, &batch, c).await?;
            if c.answers {
                conflict_names.insert(c.mutation_id, name);
            }
        }
        field_edits::write_resolutions(&tx, &batch).await?;
        push_corrections::write(&tx, &batch).await
    };
    tokio::try_join!(wo_state::update(&tx, site, &edited), appends)?;

    // Outcomes into the claim rows; forgotten claims deleted.
    let mut results = Vec::with_capacity(slots.len());
    let mut outcome_ids = Vec::new();
    let mut outcome_values = Vec::new();
    let mut forget = Vec::new();
    for (i, (env, slot)) in request.mutations.iter().zip(slots).enumerate() {
        let id = env.mutation_id;
        let result = match slot {
            Slot::Answer(r) => r,
            Slot::Fresh(decision) => {
                let last = decided.get(&id) == Some(&i);
                let outcome = match decision {
                    Decision::Record(mut outcome) => {
                        if let Outcome::Conflict { conflict } = &mut outcome {
                            conflict.server_changed_by = conflict_names.get(&id).cloned().flatten();
                        }
                        if last {
                            outcome_ids.push(id);
                            outcome_values
                                .push(serde_json::to_value(&outcome).unwrap_or(Value::Null));
                        }
                        outcome
                    }
                    Decision::Forget(outcome) => {
                        if last {
                            forget.push(id);
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
        results.push(result);
    }
    // A replay within the batch answers the outcome as completed (with its conflict's author).
    for r in &mut results {
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
    let outcomes = async {
        if outcome_ids.is_empty() {
            return Ok(0);
        }
        let stmt = tx
            .prepare_cached(
                "UPDATE applied_mutations a SET outcome = u.outcome
                 FROM unnest($2::uuid[], $3::jsonb[]) AS u(id, outcome)
                 WHERE a.site = $1 AND a.mutation_id = u.id",
            )
            .await?;
        tx.execute(&stmt, &[&site, &outcome_ids, &outcome_values])
            .await
    };
    let forgotten = async {
        if forget.is_empty() {
            return Ok(0);
        }
        tx.execute(
            "DELETE FROM applied_mutations WHERE site = $1 AND mutation_id = ANY($2)",
            &[&site, &forget],
        )
        .await
    };
    tokio::try_join!(outcomes, forgotten)?;
    tx.commit().await?;
    Ok(Some(PushResponse { results }))
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
    }
}
