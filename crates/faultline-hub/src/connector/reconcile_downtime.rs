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
//! Built to IBM's published ASSETSTATUS attribute names, checked against `fake_maximo` only.

use super::reconcile::Own;
use super::reconcile_rows::child_uuid;
use crate::error::Result;
use crate::PgStore;
use chrono::{DateTime, Utc};
use faultline_core::validate;
use serde_json::Value;
use std::collections::HashMap;
use uuid::Uuid;

/// One asset status row as the reconcile reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusRow {
    /// ASSETSTATUSID.
    pub id: String,
    pub running: bool,
    pub at: DateTime<Utc>,
    pub refid: Option<String>,
}

/// A down row and the up row that ended it (`None`: still down).
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub down: StatusRow,
    pub up: Option<StatusRow>,
}

impl Pair {
    pub fn end(&self) -> Option<DateTime<Utc>> {
        self.up.as_ref().map(|u| u.at)
    }
}

/// Maximo's `isrunning`: a boolean in lean JSON, 0/1 or Y/N in some exports.
fn running(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_i64().map(|n| n != 0),
        Value::String(s) => match s.trim().to_ascii_uppercase().as_str() {
            "1" | "Y" | "TRUE" => Some(true),
            "0" | "N" | "FALSE" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// An asset status row; `Ok(None)` for a row without an id (nothing to key it by),
/// `Err(reason)` when the hub's rules refuse it.
pub fn status_row(
    row: &Value,
    now: DateTime<Utc>,
) -> std::result::Result<Option<StatusRow>, String> {
    let Some(id) = super::inbound_rows::id_text(&row["assetstatusid"]) else {
        return Ok(None);
    };
    let running = running(&row["isrunning"]).ok_or("the asset status has no isrunning")?;
    let at = row["changedate"]
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .ok_or("the asset status has no changedate")?
        .with_timezone(&Utc);
    validate::check_time("changedate", "the asset status's time", at, now)
        .map_err(|e| e.to_string())?;
    Ok(Some(StatusRow {
        id,
        running,
        at,
        refid: row["externalrefid"].as_str().map(str::to_string),
    }))
}

/// The rows in time order made into pairs: a down row opens a stop, the next up row ends it; a
/// down row while already down, or an up row while running, adds nothing (Maximo records a
/// change of status only).
pub fn pairs(mut rows: Vec<StatusRow>) -> Vec<Pair> {
    rows.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id)));
    let mut out = Vec::new();
    let mut open: Option<StatusRow> = None;
    for row in rows {
        match (row.running, open.take()) {
            (false, None) => open = Some(row),
            (false, Some(down)) => open = Some(down),
            (true, Some(down)) => out.push(Pair {
                down,
                up: Some(row),
            }),
            (true, None) => {}
        }
    }
    if let Some(down) = open {
        out.push(Pair { down, up: None });
    }
    out
}

/// Whether two stops overlap (`None` end: still down).
fn overlap(
    a: (DateTime<Utc>, Option<DateTime<Utc>>),
    b: (DateTime<Utc>, Option<DateTime<Utc>>),
) -> bool {
    b.1.is_none_or(|end| a.0 < end) && a.1.is_none_or(|end| b.0 < end)
}

/// Where a new stop goes among the work order's current one and its earlier ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The work order had no stop: it becomes the current one.
    Only,
    /// After the current (ended) stop: the current one moves to the earlier ones.
    After,
    /// Before the current stop, overlapping none: an earlier one.
    Before,
    /// Overlaps a stop the hub has: left out.
    Overlaps,
}

/// Where the stop `new` goes given the work order's current stop and earlier ones.
pub fn place_of(
    new: (DateTime<Utc>, Option<DateTime<Utc>>),
    current: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    earlier: &[(DateTime<Utc>, DateTime<Utc>)],
) -> Place {
    if earlier.iter().any(|(s, e)| overlap(new, (*s, Some(*e)))) {
        return Place::Overlaps;
    }
    let Some(start) = current.0 else {
        return Place::Only;
    };
    if overlap(new, (start, current.1)) {
        return Place::Overlaps;
    }
    if new.0 >= start {
        // After the current stop, which has ended (else it would overlap).
        Place::After
    } else {
        Place::Before
    }
}

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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn t(h: u32) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&format!("2025-11-23T{h:02}:00:00Z"))
            .unwrap()
            .with_timezone(&Utc)
    }

    fn row(id: &str, running: bool, h: u32) -> StatusRow {
        StatusRow {
            id: id.into(),
            running,
            at: t(h),
            refid: None,
        }
    }

    #[test]
    fn a_row_reads_its_status_time_and_reference() {
        let now = t(23);
        let r = status_row(
            &json!({"assetstatusid": 7, "isrunning": false,
                    "changedate": "2025-11-23T11:00:00+01:00", "externalrefid": "m1"}),
            now,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (r.id.as_str(), r.running, r.at, r.refid.as_deref()),
            ("7", false, t(10), Some("m1"))
        );
        let y = status_row(
            &json!({"assetstatusid": "8", "isrunning": "Y", "changedate": "2025-11-23T12:00:00Z"}),
            now,
        )
        .unwrap()
        .unwrap();
        assert!(y.running);
        assert_eq!(status_row(&json!({"isrunning": true}), now).unwrap(), None);
        assert!(status_row(&json!({"assetstatusid": 9, "isrunning": true}), now).is_err());
        assert!(status_row(
            &json!({"assetstatusid": 9, "changedate": "2025-11-23T12:00:00Z"}),
            now
        )
        .is_err());
    }

    #[test]
    fn rows_pair_down_with_the_next_up_in_time_order() {
        let p = pairs(vec![
            row("4", true, 14),
            row("1", false, 10),
            row("2", false, 11),
            row("0", true, 9),
            row("3", true, 12),
            row("5", false, 15),
        ]);
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!((p[0].down.id.as_str(), p[0].end()), ("1", Some(t(12))));
        assert_eq!((p[1].down.id.as_str(), p[1].end()), ("5", None));
        assert!(pairs(vec![row("1", true, 9)]).is_empty());
    }

    #[test]
    fn a_stop_goes_after_before_or_not_at_all() {
        let none = (None, None);
        assert_eq!(place_of((t(10), Some(t(11))), none, &[]), Place::Only);
        assert_eq!(place_of((t(10), None), none, &[]), Place::Only);
        let cur = (Some(t(12)), Some(t(13)));
        assert_eq!(place_of((t(14), Some(t(15))), cur, &[]), Place::After);
        assert_eq!(place_of((t(13), None), cur, &[]), Place::After);
        assert_eq!(place_of((t(10), Some(t(11))), cur, &[]), Place::Before);
        assert_eq!(place_of((t(11), Some(t(12))), cur, &[]), Place::Before);
        assert_eq!(place_of((t(11), Some(t(13))), cur, &[]), Place::Overlaps);
        assert_eq!(place_of((t(10), None), cur, &[]), Place::Overlaps);
        let open = (Some(t(12)), None);
        assert_eq!(place_of((t(14), Some(t(15))), open, &[]), Place::Overlaps);
        let earlier = [(t(9), t(10))];
        assert_eq!(
            place_of((t(9), Some(t(11))), cur, &earlier),
            Place::Overlaps
        );
        assert_eq!(place_of((t(10), Some(t(11))), cur, &earlier), Place::Before);
    }
}
