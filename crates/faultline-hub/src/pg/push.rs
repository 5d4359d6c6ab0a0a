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
//! 3. The mutations are decided in request order, in memory, by `push_decide` (no IO: versions,
//!    fields, transitions and conflicts as if each were applied on its own; table-tested
//!    without PostgreSQL in `push_decide_tests.rs`).
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

use super::push_batch::{rejected, Batch, SimWo};
use super::push_decide::{self, Sent, Stored};
use super::Tx as Transaction;
use super::{
    field_edits, push_appends, push_context, push_corrections, push_extra, wo_state, PgStore,
};
use crate::error::{HubError, Result};
use crate::push_checks;
use crate::store::Device;
use chrono::{DateTime, Utc};
use faultline_protocol::push::reject_codes;
use faultline_protocol::{MutationEnvelope, MutationResult, PushRequest, PushResponse};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::time::Duration;
use uuid::Uuid;

/// How many times a push that hit a deadlock or serialization failure is run again.
const RETRIES: u32 = 3;

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

/// The stored outcome and payload hash of each of `taken` (ids the site had already claimed).
async fn read_stored(tx: &Transaction<'_>, site: &str, taken: &[Uuid]) -> Result<Stored> {
    let mut stored = Stored::new();
    if taken.is_empty() {
        return Ok(stored);
    }
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
    Ok(stored)
}

/// Reads what `fresh` (the claimed mutations) need, pipelined, into a batch at `now`.
async fn load<'d>(
    tx: &Transaction<'_>,
    device: &'d Device,
    now: DateTime<Utc>,
    fresh: &[&MutationEnvelope],
) -> Result<Batch<'d>> {
    let site = device.site_code.as_str();
    let n = push_decide::needs(fresh);
    let (states, assets, blobs, open_conflicts, catalog, taken_ids, back_in_service, extra) = tokio::try_join!(
        wo_state::read(tx, site, n.locked, n.unlocked),
        push_appends::known_assets(tx, site, &n.assets),
        push_appends::site_blobs(tx, site, &n.shas),
        field_edits::lock_conflicts(tx, site, n.conflicts),
        push_context::read_catalog(tx, site, n.codes),
        push_context::taken_entity_ids(tx, site, n.entity_ids),
        push_context::back_in_service(tx, site, n.stops),
        push_extra::Extra::read(tx, site, fresh),
    )?;
    Ok(Batch {
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
        extra,
    })
}

/// One attempt at the push: claim, load, decide (`push_decide`, no IO), write. `None` when a
/// work order it creates appeared meanwhile (rolled back; run it again).
async fn push_once(
    client: &mut deadpool_postgres::Object,
    device: &Device,
    request: &PushRequest,
) -> Result<Option<PushResponse>> {
    let tx = client.transaction().await?;
    let site = device.site_code.as_str();
    let now = Utc::now();
    let sent = Sent::all(&request.mutations);
    let firsts = push_decide::firsts(&sent);
    let claimed = claim(&tx, device, &request.user, sent.len(), &firsts).await?;
    // Ids taken before on this site (or by a concurrent push, now committed): their stored
    // outcomes and payload hashes.
    let taken: Vec<Uuid> = firsts
        .iter()
        .map(|s| s.env.mutation_id)
        .filter(|id| !claimed.contains(id))
        .collect();
    let stored = read_stored(&tx, site, &taken).await?;
    let fresh: Vec<&MutationEnvelope> = firsts
        .iter()
        .filter(|s| claimed.contains(&s.env.mutation_id))
        .map(|s| s.env)
        .collect();
    let mut batch = load(&tx, device, now, &fresh).await?;
    let decided = push_decide::decide(&mut batch, &sent, &claimed, &stored)?;

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
    let answers = push_decide::answers(&sent, decided, &conflict_names);
    let outcomes = async {
        if answers.outcome_ids.is_empty() {
            return Ok(0);
        }
        let stmt = tx
            .prepare_cached(
                "UPDATE applied_mutations a SET outcome = u.outcome
                 FROM unnest($2::uuid[], $3::jsonb[]) AS u(id, outcome)
                 WHERE a.site = $1 AND a.mutation_id = u.id",
            )
            .await?;
        tx.execute(
            &stmt,
            &[&site, &answers.outcome_ids, &answers.outcome_values],
        )
        .await
    };
    let forgotten = async {
        if answers.forget.is_empty() {
            return Ok(0);
        }
        tx.execute(
            "DELETE FROM applied_mutations WHERE site = $1 AND mutation_id = ANY($2)",
            &[&site, &answers.forget],
        )
        .await
    };
    tokio::try_join!(outcomes, forgotten)?;
    tx.commit().await?;
    Ok(Some(PushResponse {
        results: answers.results,
    }))
}
