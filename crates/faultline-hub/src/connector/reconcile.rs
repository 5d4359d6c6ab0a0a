//! The periodic reconcile: what a row-stamp delta of the work orders cannot show. A worklog or
//! an actual material added in Maximo does not change its work order's row, and a failure-code
//! row removed from its hierarchy is simply gone; so every `--cmms-reconcile-every` (default
//! one hour, one `serve` process per site at a time, claimed through `cmms_reconciles`) or on
//! `faultline-hub maximo reconcile --site S`, the hub:
//!
//! - reads the whole failure-code hierarchy ([`sweep_codes`]: removed codes retired);
//! - re-reads the child arrays (`oslc.select` of `worklog{…}`, `matusetrans{…}` and
//!   `failurereport{…}` only) of the
//!   work orders Maximo knows that are open or were closed in the last [`RECENT_DAYS`] days,
//!   [`KEYS_PER_QUERY`] work orders a query;
//! - turns a child row made in Maximo into a hub record laptops pull (a worklog → a note, an
//!   issue of material → a part used), never one the hub sent itself: a row whose
//!   `externalrefid` is one of the work order's queued mutations is the hub's own, and so is a
//!   row with the text and time (to the second) of one of the work order's notes, or the part,
//!   quantity and time of one of its parts (an external reference a site's Maximo cut short);
//! - deletes, with a tombstone laptops pull, the hub record of a Maximo-made row that is gone
//!   from Maximo. A row the hub sent that is deleted in Maximo stays on the hub: it is the
//!   technician's record.
//!
//! - reads the work orders' failure report rows (`failurereport{failurecode,type}` in the same
//!   query): when a PROBLEM, CAUSE or REMEDY row holds another code than the hub's, the work
//!   order is read again as the fetch reads it, given the report's codes and loaded through the
//!   fetch's load path, so laptops pull the codes; a work order with changes still queued to
//!   Maximo is put off to the next reconcile (the fetch's conflict rule). A type without a row
//!   clears nothing.
//!
//! - keeps a work order Maximo no longer answers for (deleted there, or moved out of the
//!   site): the hub never deletes a technician's work; its number is listed in the report's
//!   `gone` (`maximo status`) and logged, each run while it stays known.
//!
//! A row the hub's rules refuse (an empty worklog, a unit Faultline does not know) is counted
//! and logged, and read again next time. Two runs at once add nothing twice: a record's id is
//! derived from Maximo's row id and `cmms_children` holds one row per Maximo row.

use super::inbound::{load_records, reason, FetchReport};
use super::inbound_codes::{sweep_codes, CodeSweep};
use super::inbound_rows::{id_text, WORK_ORDERS};
use super::reconcile_rows::{child_uuid, draft_of, report_codes, Draft, CHILDREN, SELECT};
use super::{connector_config, Maximo, PAGE_SIZE, REQUEST_TIMEOUT};
use crate::error::{HubError, Result};
use crate::PgStore;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashSet;
use std::time::Duration;
use uuid::Uuid;

/// How often `serve` reconciles a site, by default.
pub const RECONCILE_EVERY: Duration = Duration::from_secs(3600);

/// A closed work order's children are read again for this many days after it was closed.
pub const RECENT_DAYS: i32 = 14;

/// Work orders asked for in one query.
pub const KEYS_PER_QUERY: usize = 50;

/// What one reconcile of a site did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReconcileReport {
    /// Work orders whose children were read.
    pub work_orders: u64,
    pub notes_added: u64,
    pub parts_added: u64,
    /// Hub records of Maximo-made rows gone from Maximo, deleted.
    pub removed: u64,
    /// Maximo-made rows the hub's rules refused (logged).
    pub refused: u64,
    /// Work orders given the codes of failure report rows made in Maximo.
    pub failure_reports_applied: u64,
    /// Work orders whose failure report differs but with changes still queued to Maximo: put off
    /// to the next reconcile.
    pub failure_reports_deferred: u64,
    /// Numbers of work orders the hub knows as Maximo's that Maximo no longer answers for
    /// (deleted there): kept on the hub, listed here and logged.
    pub gone: Vec<String>,
    /// The full read of the failure-code hierarchy.
    pub codes: CodeSweep,
    /// Why the run stopped short (Maximo down, key refused).
    pub error: Option<String>,
}

/// Reconciles a site once with its configured connector.
pub async fn reconcile_site(store: &PgStore, site: &str) -> Result<ReconcileReport> {
    let config = connector_config(store, site)
        .await?
        .ok_or_else(|| HubError::NotFound(format!("site {site} has no CMMS connector")))?;
    let maximo = Maximo::new(&config, REQUEST_TIMEOUT)?;
    reconcile(store, site, &maximo).await
}

/// Reconciles a site once: failure codes, then the known work orders' child rows; what it did
/// goes to `cmms_reconciles` (`maximo status`).
pub async fn reconcile(store: &PgStore, site: &str, maximo: &Maximo) -> Result<ReconcileReport> {
    use tracing::Instrument;
    let span = tracing::info_span!("cmms_reconcile", site);
    async {
        store
            .client()
            .await?
            .execute(
                "INSERT INTO cmms_reconciles (site, started_at) VALUES ($1, now())
                 ON CONFLICT (site) DO UPDATE SET started_at = now()",
                &[&site],
            )
            .await?;
        let mut report = ReconcileReport {
            codes: sweep_codes(store, site, maximo, PAGE_SIZE).await?,
            ..ReconcileReport::default()
        };
        report.error = report.codes.error.clone();
        if report.error.is_none() {
            children(store, site, maximo, &mut report).await?;
        }
        let json = serde_json::to_value(&report).map_err(|e| HubError::Internal(e.to_string()))?;
        store
            .client()
            .await?
            .execute(
                "UPDATE cmms_reconciles SET finished_at = now(), report = $2, last_error = $3
                 WHERE site = $1",
                &[&site, &json, &report.error],
            )
            .await?;
        tracing::info!(
            work_orders = report.work_orders,
            notes_added = report.notes_added,
            parts_added = report.parts_added,
            removed = report.removed,
            refused = report.refused,
            codes_retired = report.codes.retired,
            error = report.error.as_deref().unwrap_or(""),
            "cmms reconcile"
        );
        Ok(report)
    }
    .instrument(span)
    .await
}

/// The known work orders' child rows, [`KEYS_PER_QUERY`] work orders a query.
async fn children(
    store: &PgStore,
    site: &str,
    maximo: &Maximo,
    report: &mut ReconcileReport,
) -> Result<()> {
    let known = known_work_orders(store, site).await?;
    for chunk in known.chunks(KEYS_PER_QUERY) {
        let keys: Vec<String> = chunk.iter().map(|(_, k)| k.clone()).collect();
        let records = match maximo.work_order_children(&keys, SELECT).await {
            Ok(r) => r,
            Err(outcome) => {
                report.error = Some(reason(outcome));
                return Ok(());
            }
        };
        let mut reported = Vec::new();
        for record in &records {
            let wonum = record["wonum"].as_str().unwrap_or_default();
            if let Some((id, _)) = chunk.iter().find(|(_, k)| k == wonum) {
                report.work_orders += 1;
                work_order(store, site, *id, record, report).await?;
                if let Some(codes) = failure_report(store, site, *id, record, report).await? {
                    reported.push((*id, wonum.to_string(), codes));
                }
            }
        }
        for (_, wonum) in chunk {
            if !records
                .iter()
                .any(|r| r["wonum"].as_str() == Some(wonum.as_str()))
            {
                tracing::warn!(
                    site,
                    wonum,
                    "cmms reconcile: gone from Maximo; kept on the hub"
                );
                report.gone.push(wonum.clone());
            }
        }
        if let Err(why) = apply_reports(store, site, maximo, &reported, report).await? {
            report.error = Some(why);
            return Ok(());
        }
    }
    Ok(())
}

/// A work order's failure report codes as `report_codes` gives them.
type Codes = Vec<(&'static str, &'static str, String)>;

/// The codes of the work order's failure report when one differs from the hub's and nothing of
/// the work order is still to be sent to Maximo (then it is counted as put off).
async fn failure_report(
    store: &PgStore,
    site: &str,
    wo: Uuid,
    record: &Value,
    report: &mut ReconcileReport,
) -> Result<Option<Codes>> {
    let codes = report_codes(record);
    if codes.is_empty() {
        return Ok(None);
    }
    let row = store
        .client()
        .await?
        .query_one(
            "SELECT w.problem_code, w.cause_code, w.remedy_code,
                    EXISTS (SELECT 1 FROM cmms_outbox p WHERE p.site = w.site
                              AND p.work_order_id = w.id AND p.state IN ('pending', 'failed'))
             FROM work_orders w WHERE w.site = $1 AND w.id = $2",
            &[&site, &wo],
        )
        .await?;
    let mut differs = false;
    for (field, _, code) in &codes {
        let held: Option<String> = row.try_get(*field)?;
        differs |= held.as_deref() != Some(code.as_str());
    }
    if !differs {
        return Ok(None);
    }
    if row.try_get::<_, bool>(3)? {
        tracing::info!(site, %wo, "cmms reconcile: failure report put off (changes to send)");
        report.failure_reports_deferred += 1;
        return Ok(None);
    }
    Ok(Some(codes))
}

/// The work orders whose failure report differs, read again as the fetch reads them, given the
/// report's codes and loaded as the fetch loads them. `Err(reason)` when Maximo did not answer.
async fn apply_reports(
    store: &PgStore,
    site: &str,
    maximo: &Maximo,
    reported: &[(Uuid, String, Codes)],
    report: &mut ReconcileReport,
) -> Result<std::result::Result<(), String>> {
    if reported.is_empty() {
        return Ok(Ok(()));
    }
    let keys: Vec<String> = reported.iter().map(|(_, k, _)| k.clone()).collect();
    let mut records = match maximo.by_keys(&WORK_ORDERS, &keys).await {
        Ok(r) => r,
        Err(outcome) => return Ok(Err(reason(outcome))),
    };
    let client = store.client().await?;
    let mut todo = Vec::with_capacity(records.len());
    for record in &mut records {
        let wonum = record["wonum"].as_str().unwrap_or_default().to_string();
        let Some((id, _, codes)) = reported.iter().find(|(_, k, _)| *k == wonum) else {
            continue;
        };
        // A work order the hub created is found by its number: the load updates it by key.
        client
            .execute(
                "UPDATE work_orders SET external_key = $3 WHERE site = $1 AND id = $2
                   AND external_key IS NULL",
                &[&site, id, &wonum],
            )
            .await?;
        for (_, attr, code) in codes {
            record[*attr] = Value::String(code.clone());
        }
        todo.push(&*record);
    }
    let mut loaded = FetchReport::default();
    load_records(store, site, &WORK_ORDERS, &todo, &mut loaded).await?;
    report.failure_reports_applied += loaded.updated + loaded.inserted;
    report.refused += loaded.refused;
    Ok(Ok(()))
}

/// The site's work orders Maximo knows (fetched from it, or created by the hub's sent create,
/// which gave Maximo the hub's number) that are open or were closed lately: (id, wonum).
async fn known_work_orders(store: &PgStore, site: &str) -> Result<Vec<(Uuid, String)>> {
    let rows = store
        .client()
        .await?
        .query(
            "SELECT w.id, coalesce(w.external_key, w.number) FROM work_orders w
             WHERE w.site = $1
               AND (w.external_key IS NOT NULL OR EXISTS (SELECT 1 FROM cmms_outbox o
                      WHERE o.site = w.site AND o.work_order_id = w.id
                        AND o.kind = 'create_work_order' AND o.state = 'sent'))
               AND (w.status IN ('open', 'in_progress')
                    OR coalesce(w.finished_at, w.reported_at)
                       > now() - make_interval(days => $2))
             ORDER BY 2",
            &[&site, &RECENT_DAYS],
        )
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

/// The hub's own rows of a work order: its queued mutations' ids, its notes (text, time) and
/// its parts (number, quantity, time).
struct Own {
    refids: HashSet<String>,
    notes: Vec<(String, DateTime<Utc>)>,
    parts: Vec<(String, f64, DateTime<Utc>)>,
}

impl Own {
    async fn of(store: &PgStore, site: &str, wo: Uuid) -> Result<Own> {
        let client = store.client().await?;
        let refids = client
            .query(
                "SELECT mutation_id::text FROM cmms_outbox WHERE site = $1 AND work_order_id = $2",
                &[&site, &wo],
            )
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<std::result::Result<_, _>>()?;
        let notes = client
            .query(
                "SELECT text, created_at FROM notes WHERE site = $1 AND work_order_id = $2",
                &[&site, &wo],
            )
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<_>>()?;
        let parts = client
            .query(
                "SELECT part_number, quantity, created_at FROM parts
                 WHERE site = $1 AND work_order_id = $2",
                &[&site, &wo],
            )
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect::<Result<_>>()?;
        Ok(Own {
            refids,
            notes,
            parts,
        })
    }

    /// Whether the draft is one of the hub's own records come back without its reference.
    fn has(&self, draft: &Draft) -> bool {
        let near = |a: DateTime<Utc>, b: DateTime<Utc>| (a - b).num_milliseconds().abs() < 1000;
        match draft {
            Draft::Note(n) => self
                .notes
                .iter()
                .any(|(t, at)| same_text(t.trim(), &n.text) && near(*at, n.created_at)),
            Draft::Part(p) => self.parts.iter().any(|(num, q, at)| {
                num == &p.part_number && (q - p.quantity).abs() < 1e-9 && near(*at, p.created_at)
            }),
        }
    }
}

/// A note's text and a worklog's as the reconcile reads it: equal, or the worklog's summary line
/// (the hub sends "Faultline note") followed by the note.
fn same_text(note: &str, worklog: &str) -> bool {
    worklog == note
        || worklog
            .strip_suffix(note)
            .is_some_and(|head| head.ends_with('\n'))
}

/// One work order's children as Maximo answered them: new Maximo-made rows added, gone ones
/// removed. A child array Maximo leaves out is read as empty (its lean JSON omits empty ones).
async fn work_order(
    store: &PgStore,
    site: &str,
    wo: Uuid,
    record: &Value,
    report: &mut ReconcileReport,
) -> Result<()> {
    let own = Own::of(store, site, wo).await?;
    for (child, id_attr) in CHILDREN {
        let rows = record[child].as_array().cloned().unwrap_or_default();
        let mut present = Vec::with_capacity(rows.len());
        for row in &rows {
            let Some(maximo_id) = id_text(&row[id_attr]) else {
                continue;
            };
            present.push(maximo_id.clone());
            if row["externalrefid"]
                .as_str()
                .is_some_and(|r| own.refids.contains(r))
            {
                continue;
            }
            let draft = match draft_of(child, row) {
                Ok(Some(d)) => d,
                Ok(None) => continue,
                Err(why) => {
                    tracing::warn!(site, child, maximo_id, "cmms reconcile: refused: {why}");
                    report.refused += 1;
                    continue;
                }
            };
            if own.has(&draft) {
                continue;
            }
            if add(store, site, wo, child, &maximo_id, &draft).await? {
                match draft {
                    Draft::Note(_) => report.notes_added += 1,
                    Draft::Part(_) => report.parts_added += 1,
                }
            }
        }
        report.removed += remove_gone(store, site, wo, child, &present).await?;
    }
    Ok(())
}

/// Adds the record a Maximo-made row becomes, once (false: already added, by this or another
/// hub).
async fn add(
    store: &PgStore,
    site: &str,
    wo: Uuid,
    child: &str,
    maximo_id: &str,
    draft: &Draft,
) -> Result<bool> {
    let id = child_uuid(site, child, maximo_id);
    let mut client = store.client().await?;
    let tx = client.transaction().await?;
    let claimed = tx
        .execute(
            "INSERT INTO cmms_children (site, work_order_id, child, maximo_id, hub_id)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            &[&site, &wo, &child, &maximo_id, &id],
        )
        .await?;
    if claimed == 0 {
        return Ok(false);
    }
    match draft {
        Draft::Note(n) => {
            tx.execute(
                "INSERT INTO notes (site, id, work_order_id, author, text, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                &[&site, &id, &wo, &n.author, &n.text, &n.created_at],
            )
            .await?;
        }
        Draft::Part(p) => {
            tx.execute(
                "INSERT INTO parts (site, id, work_order_id, part_number, description, quantity,
                                    unit, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
                &[
                    &site,
                    &id,
                    &wo,
                    &p.part_number,
                    &p.description,
                    &p.quantity,
                    &p.unit,
                    &p.created_at,
                ],
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(true)
}

/// Deletes the hub records of the work order's Maximo-made `child` rows not in `present`, each
/// with a tombstone; returns how many.
async fn remove_gone(
    store: &PgStore,
    site: &str,
    wo: Uuid,
    child: &str,
    present: &[String],
) -> Result<u64> {
    let (table, entity) = match child {
        "worklog" => ("notes", "note"),
        _ => ("parts", "part"),
    };
    let mut client = store.client().await?;
    let tx = client.transaction().await?;
    let gone = tx
        .query(
            "DELETE FROM cmms_children WHERE site = $1 AND work_order_id = $2 AND child = $3
               AND NOT (maximo_id = ANY($4))
             RETURNING hub_id",
            &[&site, &wo, &child, &present],
        )
        .await?;
    let mut n = 0;
    for g in &gone {
        let id: Uuid = g.try_get(0)?;
        n += tx
            .execute(
                &format!("DELETE FROM {table} WHERE site = $1 AND id = $2"),
                &[&site, &id],
            )
            .await?;
        tx.execute(
            "INSERT INTO tombstones (site, entity, key) VALUES ($1, $2, $3)
             ON CONFLICT (site, entity, key) DO UPDATE SET deleted_at = now()",
            &[&site, &entity, &id.to_string()],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(n)
}

/// Every minute, reconciles each site with a connector whose key was not refused and whose last
/// reconcile started more than `every` ago — one `serve` process per site at a time (the claim
/// is one UPDATE). Never returns.
pub async fn run_reconciles(store: PgStore, every: Duration) {
    let secs = every.as_secs_f64().max(1.0);
    loop {
        match super::run::sites(&store).await {
            Ok(sites) => {
                for site in sites {
                    match claim(&store, &site, secs).await {
                        Ok(true) => {
                            if let Err(e) = reconcile_site(&store, &site).await {
                                tracing::warn!(site, "cmms reconcile: {e}");
                            }
                        }
                        Ok(false) => {}
                        Err(e) => tracing::warn!(site, "cmms reconcile: {e}"),
                    }
                }
            }
            Err(e) => tracing::warn!("cmms reconcile: cannot list sites: {e}"),
        }
        tokio::time::sleep(every.min(Duration::from_secs(60))).await;
    }
}

/// Takes the site's reconcile when its last one started more than `secs` ago.
async fn claim(store: &PgStore, site: &str, secs: f64) -> Result<bool> {
    let n = store
        .client()
        .await?
        .execute(
            "INSERT INTO cmms_reconciles (site, started_at) VALUES ($1, now())
             ON CONFLICT (site) DO UPDATE SET started_at = now()
             WHERE cmms_reconciles.started_at IS NULL
                OR cmms_reconciles.started_at < now() - make_interval(secs => $2)",
            &[&site, &secs],
        )
        .await?;
    Ok(n > 0)
}
