//! Machine stops recorded in Maximo, for the reconcile: a work order's asset status rows
//! (`assetstatus`, ASSETSTATUS: the asset down or up at `changedate`, reported against the
//! work order's `wonum`; what the connector writes for a laptop's stop and restart,
//! `maximo_rows.rs`) read back in pairs — a down row and the next up row — and a pair made in
//! Maximo placed on the hub's work order as a stop/restart interval, the same record a laptop's
//! `DowntimeStart`/`DowntimeEnd` give it (the current interval in `work_orders`, earlier ones in
//! `downtime_intervals`), so laptops pull it with the work order.
//!
//! - A pair whose down row is the hub's own (its `externalrefid` a queued mutation's id, or its
//!   time to the second one of the work order's stops) is never placed: it is the laptop's stop
//!   come back. An up row made in Maximo for such a stop is not taken either (the technician
//!   records the restart).
//! - An open pair (a down row with no up row yet: the machine is still down in Maximo) is placed
//!   as an open stop; when its up row appears, the next reconcile gives the stop its end.
//! - A pair that overlaps a stop the hub already has is left out (logged and counted): the hub
//!   keeps the laptop's record, and the two are probably the same stop entered twice.
//! - A pair whose times change in Maximo is taken away and placed again; a pair whose down row
//!   is deleted in Maximo is taken away (its interval removed; the work order's version moves,
//!   so laptops pull the work order without it).
//!
//! The rows, their pairing and where a stop goes: `reconcile_stop_rows.rs`. Built to IBM's
//! published ASSETSTATUS attribute names, checked against `fake_maximo` only.

use super::reconcile::Own;
use super::reconcile_rows::child_uuid;
use super::reconcile_stop_rows::{pairs, place_of, status_row, Pair, Place};
use crate::error::Result;
use crate::PgStore;
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::HashMap;
use uuid::Uuid;

type Tx<'a> = deadpool_postgres::Transaction<'a>;

/// The work order's current stop, locked for this transaction, and its earlier ones.
async fn stops(
    tx: &Tx<'_>,
    site: &str,
    wo: Uuid,
) -> Result<(
    (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    Vec<(DateTime<Utc>, DateTime<Utc>)>,
)> {
    let row = tx
        .query_one(
            "SELECT downtime_start, downtime_end FROM work_orders WHERE site = $1 AND id = $2
             FOR UPDATE",
            &[&site, &wo],
        )
        .await?;
    let earlier = tx
        .query(
            "SELECT start_at, end_at FROM downtime_intervals WHERE site = $1 AND work_order_id = $2
             ORDER BY start_at",
            &[&site, &wo],
        )
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(((row.try_get(0)?, row.try_get(1)?), earlier))
}

/// Sets the current stop and moves the work order's version, so laptops pull it.
async fn set_current(
    tx: &Tx<'_>,
    site: &str,
    wo: Uuid,
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
) -> Result<()> {
    tx.execute(
        "UPDATE work_orders SET downtime_start = $3, downtime_end = $4, version = version + 1
         WHERE site = $1 AND id = $2",
        &[&site, &wo, &start, &end],
    )
    .await?;
    Ok(())
}

async fn add_earlier(
    tx: &Tx<'_>,
    site: &str,
    wo: Uuid,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO downtime_intervals (site, work_order_id, start_at, end_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        &[&site, &wo, &start, &end],
    )
    .await?;
    Ok(())
}

/// Places the stop (`start`, `end`) on the work order; false when it overlaps one the hub has
/// (nothing changed).
pub async fn place(
    tx: &Tx<'_>,
    site: &str,
    wo: Uuid,
    start: DateTime<Utc>,
    end: Option<DateTime<Utc>>,
) -> Result<bool> {
    let (current, earlier) = stops(tx, site, wo).await?;
    match place_of((start, end), current, &earlier) {
        Place::Overlaps => return Ok(false),
        Place::Only => set_current(tx, site, wo, Some(start), end).await?,
        Place::After => {
            if let (Some(s), Some(e)) = current {
                add_earlier(tx, site, wo, s, e).await?;
            }
            set_current(tx, site, wo, Some(start), end).await?;
        }
        Place::Before => {
            // An earlier stop has an end: an open one before the current stop would overlap it.
            let Some(end) = end else { return Ok(false) };
            add_earlier(tx, site, wo, start, end).await?;
            set_current(tx, site, wo, current.0, current.1).await?;
        }
    }
    Ok(true)
}

/// Takes the stop that began at `start` away from the work order: the current one (the latest
/// earlier stop becomes current again, if any) or an earlier one. False when the work order
/// has no stop beginning then.
pub async fn take_away(tx: &Tx<'_>, site: &str, wo: Uuid, start: DateTime<Utc>) -> Result<bool> {
    let (current, earlier) = stops(tx, site, wo).await?;
    if current.0 == Some(start) {
        let (s, e) = match earlier.last() {
            Some((s, e)) => {
                tx.execute(
                    "DELETE FROM downtime_intervals
                     WHERE site = $1 AND work_order_id = $2 AND start_at = $3",
                    &[&site, &wo, s],
                )
                .await?;
                (Some(*s), Some(*e))
            }
            None => (None, None),
        };
        set_current(tx, site, wo, s, e).await?;
        return Ok(true);
    }
    let n = tx
        .execute(
            "DELETE FROM downtime_intervals
             WHERE site = $1 AND work_order_id = $2 AND start_at = $3",
            &[&site, &wo, &start],
        )
        .await?;
    if n > 0 {
        set_current(tx, site, wo, current.0, current.1).await?;
    }
    Ok(n > 0)
}

/// What the reconcile of one work order's stops did.
#[derive(Debug, Default)]
pub struct Tally {
    pub added: u64,
    pub changed: u64,
    pub removed: u64,
    pub overlapping: u64,
    pub refused: u64,
}

/// A pair the reconcile placed (or left out) before: (its stop as then read, whether placed).
type Claim = (Option<DateTime<Utc>>, Option<DateTime<Utc>>, bool);

const CHILD: &str = "assetstatus";

/// The work order's asset status rows as Maximo answered them (`record["assetstatus"]`): new
/// pairs made in Maximo placed, changed ones placed again, gone ones taken away.
pub async fn reconcile_stops(
    store: &PgStore,
    site: &str,
    wo: Uuid,
    record: &Value,
    own: &Own,
) -> Result<Tally> {
    let mut tally = Tally::default();
    let now = Utc::now();
    let mut rows = Vec::new();
    for row in record[CHILD]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        match status_row(row, now) {
            Ok(Some(r)) => rows.push(r),
            Ok(None) => {}
            Err(why) => {
                tracing::warn!(site, %wo, "cmms reconcile: asset status refused: {why}");
                tally.refused += 1;
            }
        }
    }
    let pairs = pairs(rows);
    let client = store.client().await?;
    let claims: HashMap<String, Claim> = client
        .query(
            "SELECT maximo_id, start_at, end_at, coalesce(placed, false) FROM cmms_children
             WHERE site = $1 AND work_order_id = $2 AND child = $3",
            &[&site, &wo, &CHILD],
        )
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, (r.try_get(1)?, r.try_get(2)?, r.try_get(3)?))))
        .collect::<Result<_>>()?;
    let hub_starts: Vec<DateTime<Utc>> = client
        .query(
            "SELECT downtime_start FROM work_orders
             WHERE site = $1 AND id = $2 AND downtime_start IS NOT NULL
             UNION ALL
             SELECT start_at FROM downtime_intervals WHERE site = $1 AND work_order_id = $2",
            &[&site, &wo],
        )
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<std::result::Result<_, _>>()?;
    drop(client);
    for pair in &pairs {
        let (start, end) = (pair.down.at, pair.end());
        match claims.get(&pair.down.id) {
            Some(claim) if (claim.0, claim.1) == (Some(start), end) => {}
            Some(claim) => {
                if let Some(placed) = again(store, site, wo, &pair.down.id, claim, pair).await? {
                    if placed {
                        tally.changed += 1;
                    } else {
                        tally.overlapping += 1;
                    }
                }
            }
            None => {
                let near = |at: &DateTime<Utc>| (*at - start).num_milliseconds().abs() < 1000;
                let hubs = pair
                    .down
                    .refid
                    .as_ref()
                    .is_some_and(|r| own.refids.contains(r))
                    || hub_starts.iter().any(near);
                if hubs {
                    continue;
                }
                if let Some(placed) = first(store, site, wo, &pair.down.id, pair).await? {
                    if placed {
                        tally.added += 1;
                    } else {
                        tracing::warn!(
                            site,
                            %wo,
                            maximo_id = pair.down.id,
                            "cmms reconcile: a stop made in Maximo overlaps one the hub has; \
                             the hub's is kept"
                        );
                        tally.overlapping += 1;
                    }
                }
            }
        }
    }
    for (id, claim) in &claims {
        if !pairs.iter().any(|p| &p.down.id == id) && gone(store, site, wo, id, claim).await? {
            tally.removed += 1;
        }
    }
    Ok(tally)
}

/// A new pair: claimed, then placed; `None` when another run claimed it first.
async fn first(
    store: &PgStore,
    site: &str,
    wo: Uuid,
    maximo_id: &str,
    pair: &Pair,
) -> Result<Option<bool>> {
    let mut client = store.client().await?;
    let tx = client.transaction().await?;
    let claimed = claim_pair(&tx, site, wo, maximo_id, pair).await?;
    if claimed == 0 {
        return Ok(None);
    }
    let placed = place(&tx, site, wo, pair.down.at, pair.end()).await?;
    mark_placed(&tx, site, maximo_id, placed).await?;
    tx.commit().await?;
    Ok(Some(placed))
}

/// Claims the pair for this run (0: another run did).
async fn claim_pair(
    tx: &Tx<'_>,
    site: &str,
    wo: Uuid,
    maximo_id: &str,
    pair: &Pair,
) -> Result<u64> {
    Ok(tx
        .execute(
            "INSERT INTO cmms_children (site, work_order_id, child, maximo_id, hub_id, start_at,
                                        end_at, placed)
             VALUES ($1, $2, $3, $4, $5, $6, $7, false) ON CONFLICT DO NOTHING",
            &[
                &site,
                &wo,
                &CHILD,
                &maximo_id,
                &child_uuid(site, CHILD, maximo_id),
                &pair.down.at,
                &pair.end(),
            ],
        )
        .await?)
}

async fn mark_placed(tx: &Tx<'_>, site: &str, maximo_id: &str, placed: bool) -> Result<()> {
    tx.execute(
        "UPDATE cmms_children SET placed = $4 WHERE site = $1 AND child = $2 AND maximo_id = $3",
        &[&site, &CHILD, &maximo_id, &placed],
    )
    .await?;
    Ok(())
}

/// Takes the claim as it was read (false: another run changed it meanwhile).
async fn release(tx: &Tx<'_>, site: &str, maximo_id: &str, claim: &Claim) -> Result<bool> {
    let n = tx
        .execute(
            "DELETE FROM cmms_children WHERE site = $1 AND child = $2 AND maximo_id = $3
               AND start_at IS NOT DISTINCT FROM $4 AND end_at IS NOT DISTINCT FROM $5",
            &[&site, &CHILD, &maximo_id, &claim.0, &claim.1],
        )
        .await?;
    Ok(n > 0)
}

/// A pair whose times changed in Maximo: its old stop taken away, the new one placed; `None`
/// when another run did it first.
async fn again(
    store: &PgStore,
    site: &str,
    wo: Uuid,
    maximo_id: &str,
    claim: &Claim,
    pair: &Pair,
) -> Result<Option<bool>> {
    let mut client = store.client().await?;
    let tx = client.transaction().await?;
    if !release(&tx, site, maximo_id, claim).await? {
        return Ok(None);
    }
    if let (Some(old), true) = (claim.0, claim.2) {
        take_away(&tx, site, wo, old).await?;
    }
    claim_pair(&tx, site, wo, maximo_id, pair).await?;
    let placed = place(&tx, site, wo, pair.down.at, pair.end()).await?;
    mark_placed(&tx, site, maximo_id, placed).await?;
    tx.commit().await?;
    Ok(Some(placed))
}

/// A pair whose down row is gone from Maximo: its stop taken away; true when this run took a
/// placed stop away.
async fn gone(
    store: &PgStore,
    site: &str,
    wo: Uuid,
    maximo_id: &str,
    claim: &Claim,
) -> Result<bool> {
    let mut client = store.client().await?;
    let tx = client.transaction().await?;
    if !release(&tx, site, maximo_id, claim).await? {
        return Ok(false);
    }
    let took = match (claim.0, claim.2) {
        (Some(start), true) => take_away(&tx, site, wo, start).await?,
        _ => false,
    };
    tx.commit().await?;
    Ok(took)
}
