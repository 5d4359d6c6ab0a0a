//! The outbound queue in PostgreSQL (`cmms_outbox`, migration 0007): configuration, the claim
//! and send loop, status and retry.

use super::diagnosis_log;
use super::feedback::{clear_refusal, record_conflicts, record_refusal, store_seen};
use super::{CmmsSeen, Connector, OutboxItem, SendOutcome};
use crate::error::{HubError, Result};
use crate::priority::LaptopGate;
use crate::PgStore;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tracing::Instrument;

/// A site's connector settings (`faultline-hub maximo configure`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectorConfig {
    pub site: String,
    pub kind: String,
    pub url: String,
    pub api_key: String,
    pub ca_bundle: Option<String>,
    pub cmms_siteid: Option<String>,
    pub cmms_orgid: Option<String>,
}

/// Sets (or replaces) a site's connector; a new key clears a refused-key stop. Changes applied
/// from now on are queued (earlier ones are not: export them with `faultline-hub export`).
pub async fn configure(store: &PgStore, c: &ConnectorConfig) -> Result<()> {
    crate::admin::site_name(store, &c.site).await?;
    store
        .client()
        .await?
        .execute(
            "INSERT INTO cmms_connectors (site, kind, url, api_key, ca_bundle, cmms_siteid,
                 cmms_orgid)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (site) DO UPDATE SET kind = $2, url = $3, api_key = $4, ca_bundle = $5,
                 cmms_siteid = $6, cmms_orgid = $7, configured_at = now(), auth_error = NULL",
            &[
                &c.site,
                &c.kind,
                &c.url,
                &c.api_key,
                &c.ca_bundle,
                &c.cmms_siteid,
                &c.cmms_orgid,
            ],
        )
        .await?;
    Ok(())
}

/// A site's connector settings, if it has one.
pub async fn connector_config(store: &PgStore, site: &str) -> Result<Option<ConnectorConfig>> {
    let row = store
        .client()
        .await?
        .query_opt(
            "SELECT kind, url, api_key, ca_bundle, cmms_siteid, cmms_orgid
             FROM cmms_connectors WHERE site = $1",
            &[&site],
        )
        .await?;
    Ok(match row {
        None => None,
        Some(r) => Some(ConnectorConfig {
            site: site.to_string(),
            kind: r.try_get(0)?,
            url: r.try_get(1)?,
            api_key: r.try_get(2)?,
            ca_bundle: r.try_get(3)?,
            cmms_siteid: r.try_get(4)?,
            cmms_orgid: r.try_get(5)?,
        }),
    })
}

/// What one drain did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DrainReport {
    pub sent: u64,
    pub skipped: u64,
    pub retried: u64,
    pub rejected: u64,
    /// Changes with a field changed in the CMMS meanwhile (kept as conflicts for a person).
    pub conflicts: u64,
    /// Set when the CMMS refused the key: the drain stopped there.
    pub auth_error: Option<String>,
}

/// The claim: the oldest unsent row of the site that is due, whose work order has no older
/// unsent row (in flight in another process, waiting for a retry, or refused; a row whose
/// conflict waits for a person holds nothing back) — older in the order the hub applied them:
/// by push, then the device's sequence number (hub schema 10; the row number among rows queued
/// before it, which have neither) —, skipping rows
/// another process holds. The lock is held while the row is sent; a process killed mid-send
/// releases it and the row is sent again (the connector looks its reference up first).
const CLAIM_SQL: &str = "
    SELECT o.id, o.site, o.mutation_id, o.kind, o.work_order_id, o.payload, o.attempts,
           w.number, a.tag, cw.rowstamp, cw.fields
    FROM cmms_outbox o
    LEFT JOIN work_orders w ON w.site = o.site AND w.id = o.work_order_id
    LEFT JOIN assets a ON a.site = w.site AND a.id = w.asset_id
    LEFT JOIN cmms_work_orders cw ON cw.site = o.site AND cw.work_order_id = o.work_order_id
    WHERE o.site = $1 AND o.state = 'pending' AND o.next_attempt_at <= now()
      AND NOT EXISTS (
          SELECT 1 FROM cmms_outbox p
          WHERE p.site = o.site AND p.work_order_id = o.work_order_id
            AND p.state IN ('pending', 'failed')
            AND (coalesce(p.push_id, 0), coalesce(p.device_seq, 0), p.id)
              < (coalesce(o.push_id, 0), coalesce(o.device_seq, 0), o.id))
    ORDER BY o.id
    LIMIT $2
    FOR UPDATE OF o SKIP LOCKED";

/// Longest wait between two attempts of an unanswered row, in seconds.
const MAX_BACKOFF_SECS: f64 = 300.0;

/// Sends the site's due rows, one at a time, until none is left (or `max` were handled, or the
/// key was refused). Run several at once (in one or several processes) for concurrency.
pub async fn drain<C: Connector>(
    store: &PgStore,
    site: &str,
    connector: &C,
    max: u64,
) -> Result<DrainReport> {
    drain_bulk(store, site, connector, max, 1).await
}

/// [`drain`] claiming up to `bulk` rows at once (each the oldest unsent row of its own work
/// order), handed to [`Connector::send_batch`]; every row's outcome is recorded on its own.
pub async fn drain_bulk<C: Connector>(
    store: &PgStore,
    site: &str,
    connector: &C,
    max: u64,
    bulk: i64,
) -> Result<DrainReport> {
    drain_yielding(store, site, connector, max, bulk, None).await
}

/// [`drain_bulk`] that, given the process's [`LaptopGate`], waits before each claim while
/// laptop pushes or pulls are in flight (at most the gate's bound per claim): laptop sync first.
pub async fn drain_yielding<C: Connector>(
    store: &PgStore,
    site: &str,
    connector: &C,
    max: u64,
    bulk: i64,
    laptops: Option<&LaptopGate>,
) -> Result<DrainReport> {
    let mut report = DrainReport::default();
    let mut client = store.client().await?;
    let refused: Option<Option<String>> = client
        .query_opt(
            "SELECT auth_error FROM cmms_connectors WHERE site = $1",
            &[&site],
        )
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
    match refused {
        None => {
            return Err(HubError::NotFound(format!(
                "site {site} has no CMMS connector (faultline-hub maximo configure)"
            )))
        }
        Some(Some(e)) => {
            report.auth_error = Some(e);
            return Ok(report);
        }
        Some(None) => {}
    }
    let mut handled = 0;
    while handled < max {
        if let Some(gate) = laptops {
            gate.yield_to_laptops().await;
        }
        let tx = client.transaction().await?;
        let rows = tx.query(CLAIM_SQL, &[&site, &bulk.max(1)]).await?;
        if rows.is_empty() {
            tx.commit().await?;
            break;
        }
        let mut items = rows.iter().map(item_of).collect::<Result<Vec<_>>>()?;
        for item in items.iter_mut().filter(|i| i.kind == "add_photo") {
            item.attachment = attachment(&tx, item).await?;
        }
        for item in items.iter_mut().filter(|i| diagnosis_log::wanted(i)) {
            item.diagnosis = diagnosis_log::load(&tx, item).await?;
        }
        handled += items.len() as u64;
        let span = tracing::info_span!("cmms_batch", site, items = items.len());
        let started = std::time::Instant::now();
        let outcomes = connector.send_batch(&items).instrument(span.clone()).await;
        let before = report.clone();
        // A row without an outcome is left as it was (released at commit, sent again).
        for (item, outcome) in items.iter().zip(outcomes) {
            record(&tx, item, outcome, &mut report).await?;
        }
        tx.commit().await?;
        span.in_scope(|| {
            tracing::info!(
                sent = report.sent - before.sent,
                retried = report.retried - before.retried,
                rejected = report.rejected - before.rejected,
                conflicts = report.conflicts - before.conflicts,
                skipped = report.skipped - before.skipped,
                ms = started.elapsed().as_millis() as u64,
                "cmms batch"
            )
        });
        if report.auth_error.is_some() {
            return Ok(report);
        }
    }
    Ok(report)
}

/// A photo's bytes from the hub's blob store (linked to the item's site), in order.
async fn attachment(
    tx: &tokio_postgres::Transaction<'_>,
    item: &OutboxItem,
) -> Result<Option<Vec<u8>>> {
    let Some(sha) = item.payload["sha256"].as_str() else {
        return Ok(None);
    };
    let chunks = tx
        .query(
            "SELECT c.data FROM blob_chunks c
             JOIN blob_sites s ON s.sha256 = c.sha256 AND s.site = $1
             WHERE c.sha256 = $2 ORDER BY c.pos",
            &[&item.site, &sha],
        )
        .await?;
    if chunks.is_empty() {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    for c in &chunks {
        bytes.extend_from_slice(c.try_get::<_, &[u8]>(0)?);
    }
    Ok(Some(bytes))
}

fn item_of(row: &tokio_postgres::Row) -> Result<OutboxItem> {
    Ok(OutboxItem {
        id: row.try_get(0)?,
        site: row.try_get(1)?,
        mutation_id: row.try_get(2)?,
        kind: row.try_get(3)?,
        work_order_id: row.try_get(4)?,
        payload: row.try_get(5)?,
        attempts: row.try_get(6)?,
        work_order_number: row.try_get(7)?,
        asset_tag: row.try_get(8)?,
        seen: match row.try_get::<_, Option<String>>(9)? {
            Some(rowstamp) => Some(CmmsSeen {
                rowstamp,
                fields: row.try_get(10)?,
            }),
            None => None,
        },
        attachment: None,
        diagnosis: None,
    })
}

/// Writes what the CMMS made of one row, in the claim's transaction.
async fn record(
    tx: &tokio_postgres::Transaction<'_>,
    item: &OutboxItem,
    outcome: SendOutcome,
    report: &mut DrainReport,
) -> Result<()> {
    match outcome {
        SendOutcome::Sent { external_id, seen } => {
            tx.execute(
                "UPDATE cmms_outbox SET state = 'sent', sent_at = now(), external_id = $2,
                         attempts = attempts + 1, last_error = NULL WHERE id = $1",
                &[&item.id, &external_id],
            )
            .await?;
            if let Some(seen) = &seen {
                store_seen(tx, item, seen).await?;
            }
            clear_refusal(tx, item).await?;
            report.sent += 1;
        }
        SendOutcome::Conflict { conflicts, seen } => {
            let fields: Vec<&str> = conflicts.iter().map(|c| c.field.as_str()).collect();
            let why = format!("conflict: changed in the CMMS too: {}", fields.join(", "));
            tx.execute(
                "UPDATE cmms_outbox SET state = 'conflict', sent_at = now(),
                         attempts = attempts + 1, last_error = $2 WHERE id = $1",
                &[&item.id, &why],
            )
            .await?;
            record_conflicts(tx, item, &conflicts).await?;
            if let Some(seen) = &seen {
                store_seen(tx, item, seen).await?;
            }
            clear_refusal(tx, item).await?;
            report.conflicts += 1;
        }
        SendOutcome::Skipped => {
            tx.execute(
                "UPDATE cmms_outbox SET state = 'sent', sent_at = now(),
                         last_error = 'not sent: the CMMS takes no such change' WHERE id = $1",
                &[&item.id],
            )
            .await?;
            report.skipped += 1;
        }
        SendOutcome::Retry(reason) => {
            let wait = 2f64.powi(item.attempts.clamp(0, 16)).min(MAX_BACKOFF_SECS);
            tx.execute(
                "UPDATE cmms_outbox SET attempts = attempts + 1, last_error = $2,
                         next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1",
                &[&item.id, &reason, &wait],
            )
            .await?;
            report.retried += 1;
        }
        SendOutcome::Rejected(reason) => {
            tx.execute(
                "UPDATE cmms_outbox SET state = 'failed', attempts = attempts + 1,
                         last_error = $2 WHERE id = $1",
                &[&item.id, &reason],
            )
            .await?;
            record_refusal(tx, item, &reason).await?;
            report.rejected += 1;
        }
        SendOutcome::AuthRefused(reason) => {
            tx.execute(
                "UPDATE cmms_connectors SET auth_error = $2 WHERE site = $1",
                &[&item.site, &reason],
            )
            .await?;
            report.auth_error = Some(reason);
        }
    }
    Ok(())
}

/// The queue of a site, for `maximo status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxStatus {
    pub site: String,
    pub url: String,
    pub sent: i64,
    pub waiting: i64,
    pub failed: i64,
    /// Changes that met a change made in the CMMS (their conflicts wait on the laptops).
    pub conflicts: i64,
    pub oldest_waiting: Option<DateTime<Utc>>,
    /// (mutation id, kind, reason) of every failed row, oldest first (at most 50).
    pub failures: Vec<(String, String, String)>,
    pub last_error: Option<String>,
    pub auth_error: Option<String>,
    /// The inbound fetch, per object structure.
    pub fetch: Vec<FetchStatus>,
    /// (object structure, key, reason) of fetched records the hub refused (at most 50).
    pub fetch_refused: Vec<(String, String, String)>,
    /// When the last reconcile finished, what it did (its report) and why it stopped short.
    pub reconciled_at: Option<DateTime<Utc>>,
    pub reconcile: Option<serde_json::Value>,
    pub reconcile_error: Option<String>,
    /// Work orders Maximo no longer answers for, as reconciles found them (oldest first):
    /// (number, when found). Kept on the hub, not asked for again.
    pub gone: Vec<(String, DateTime<Utc>)>,
}

/// How far the hub has read one object structure of the site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FetchStatus {
    pub object: String,
    /// The highest `_rowstamp` loaded.
    pub position: Option<String>,
    /// When a fetch last reached the end.
    pub fetched_at: Option<DateTime<Utc>>,
    pub rows: i64,
    pub refused: i64,
    pub deferred: i64,
    /// Why the last fetch stopped short.
    pub last_error: Option<String>,
}

pub async fn status(store: &PgStore, site: &str) -> Result<OutboxStatus> {
    let client = store.client().await?;
    let c = client
        .query_opt(
            "SELECT url, auth_error FROM cmms_connectors WHERE site = $1",
            &[&site],
        )
        .await?
        .ok_or_else(|| HubError::NotFound(format!("site {site} has no CMMS connector")))?;
    let counts = client
        .query_one(
            "SELECT count(*) FILTER (WHERE state = 'sent'),
                    count(*) FILTER (WHERE state = 'pending'),
                    count(*) FILTER (WHERE state = 'failed'),
                    count(*) FILTER (WHERE state = 'conflict'),
                    min(queued_at) FILTER (WHERE state = 'pending'),
                    (SELECT last_error FROM cmms_outbox WHERE site = $1 AND state = 'pending'
                       AND last_error IS NOT NULL ORDER BY id LIMIT 1)
             FROM cmms_outbox WHERE site = $1",
            &[&site],
        )
        .await?;
    let failures = client
        .query(
            "SELECT mutation_id::text, kind, coalesce(last_error, '') FROM cmms_outbox
             WHERE site = $1 AND state = 'failed' ORDER BY id LIMIT 50",
            &[&site],
        )
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect::<Result<Vec<_>>>()?;
    let fetch = client
        .query(
            "SELECT object, position, fetched_at, rows, refused, deferred, last_error
             FROM cmms_fetch_positions WHERE site = $1 ORDER BY object",
            &[&site],
        )
        .await?
        .iter()
        .map(|r| {
            Ok(FetchStatus {
                object: r.try_get(0)?,
                position: r.try_get(1)?,
                fetched_at: r.try_get(2)?,
                rows: r.try_get(3)?,
                refused: r.try_get(4)?,
                deferred: r.try_get(5)?,
                last_error: r.try_get(6)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let fetch_refused = client
        .query(
            "SELECT object, key, reason FROM cmms_fetch_refused WHERE site = $1
             ORDER BY refused_at, key LIMIT 50",
            &[&site],
        )
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect::<Result<Vec<_>>>()?;
    let gone = client
        .query(
            "SELECT wonum, found_at FROM cmms_gone WHERE site = $1 ORDER BY found_at, wonum",
            &[&site],
        )
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect::<Result<Vec<_>>>()?;
    let reconciled = client
        .query_opt(
            "SELECT finished_at, report, last_error FROM cmms_reconciles WHERE site = $1",
            &[&site],
        )
        .await?;
    let (reconciled_at, reconcile, reconcile_error) = match reconciled {
        Some(r) => (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?),
        None => (None, None, None),
    };
    Ok(OutboxStatus {
        fetch,
        fetch_refused,
        reconciled_at,
        reconcile,
        reconcile_error,
        gone,
        site: site.to_string(),
        url: c.try_get(0)?,
        auth_error: c.try_get(1)?,
        sent: counts.try_get(0)?,
        waiting: counts.try_get(1)?,
        failed: counts.try_get(2)?,
        conflicts: counts.try_get(3)?,
        oldest_waiting: counts.try_get(4)?,
        last_error: counts.try_get(5)?,
        failures,
    })
}

/// Puts a site's refused rows (or one, by mutation id) back in the queue, due now; returns how
/// many. Also makes unanswered rows due at once.
pub async fn retry_failed(
    store: &PgStore,
    site: &str,
    mutation_id: Option<uuid::Uuid>,
) -> Result<u64> {
    let n = store
        .client()
        .await?
        .execute(
            "UPDATE cmms_outbox SET state = 'pending', next_attempt_at = now()
             WHERE site = $1 AND state IN ('pending', 'failed')
               AND ($2::uuid IS NULL OR mutation_id = $2)",
            &[&site, &mutation_id],
        )
        .await?;
    Ok(n)
}
