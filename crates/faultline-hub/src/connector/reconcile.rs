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
//! - follows an edit of a Maximo-made worklog: its note gets a correction (`amend`, the new
//!   text; laptops pull it and show the note amended), once per edit (`cmms_children.body`
//!   holds the text last taken). A worklog the hub sent (a technician's note) edited in Maximo
//!   does not change the note: the technician's note is the laptop's record; it is logged and
//!   counted (`own_edits_kept`) at each run while the worklog differs from every text the note
//!   has had.
//! - reads the work orders' asset status rows (`assetstatus{…}`): a down/up pair made in
//!   Maximo becomes a stop/restart of the hub's work order, as a laptop's would
//!   (`reconcile_downtime.rs`: the hub's own rows, open pairs, overlaps, edits and deletions).
//!
//! - reads the work orders' failure report rows (`failurereport{failurecode,type}` in the same
//!   query): when a PROBLEM, CAUSE or REMEDY row holds another code than the hub's, the work
//!   order is read again as the fetch reads it, given the report's codes and loaded through the
//!   fetch's load path, so laptops pull the codes; a work order with changes still queued to
//!   Maximo is put off to the next reconcile (the fetch's conflict rule). A type without a row
//!   clears nothing.
//!
//! - keeps a work order Maximo no longer answers for (deleted there, or moved out of the
//!   site; asked for a second time to be sure): the hub never deletes a technician's work; it
//!   is marked in `cmms_gone` (listed by `maximo status` with the time it was found), listed in
//!   the report's `gone` of the run that found it and logged, and not asked for again (a fetch
//!   that reads it from Maximo again clears the mark).
//!
//! A row the hub's rules refuse (an empty worklog, a unit Faultline does not know) is counted
//! and logged, and read again next time. Two runs at once add nothing twice: a record's id is
//! derived from Maximo's row id and `cmms_children` holds one row per Maximo row.

use super::inbound::{load_records, reason, FetchReport};
use super::inbound_codes::{sweep_codes, CodeSweep};
use super::inbound_rows::{id_text, WORK_ORDERS};
use super::reconcile_downtime::reconcile_stops;
use super::reconcile_rows::{
    child_uuid, draft_of, report_codes, Draft, NoteDraft, CHILDREN, SELECT,
};
use super::{connector_config, Maximo, PAGE_SIZE, REQUEST_TIMEOUT};
use crate::error::{HubError, Result};
use crate::PgStore;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
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
    /// Notes of Maximo-made worklogs edited there since, given a correction with the new text.
    pub notes_updated: u64,
    /// Worklogs the hub sent (technicians' notes) edited in Maximo: the notes are kept (logged).
    pub own_edits_kept: u64,
    pub parts_added: u64,
    /// Down/up pairs made in Maximo placed on their work order as a stop and restart.
    pub downtime_added: u64,
    /// Pairs placed earlier whose times changed in Maximo (an up row added to an open pair…),
    /// placed again.
    pub downtime_changed: u64,
    /// Pairs placed earlier whose down row is gone from Maximo: their stop taken away.
    pub downtime_removed: u64,
    /// Pairs made in Maximo overlapping a stop the hub has: left out (logged).
    pub downtime_overlapping: u64,
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
    /// (deleted there), found by this run: kept on the hub, marked (`maximo status` lists every
    /// marked one) and logged.
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
            notes_updated = report.notes_updated,
            own_edits_kept = report.own_edits_kept,
            parts_added = report.parts_added,
            downtime_added = report.downtime_added,
            downtime_changed = report.downtime_changed,
            downtime_removed = report.downtime_removed,
            downtime_overlapping = report.downtime_overlapping,
            gone = report.gone.len(),
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
        let missing: Vec<&(Uuid, String)> = chunk
            .iter()
            .filter(|(_, wonum)| {
                !records
                    .iter()
                    .any(|r| r["wonum"].as_str() == Some(wonum.as_str()))
            })
            .collect();
        if let Err(why) = mark_gone(store, site, maximo, &missing, report).await? {
            report.error = Some(why);
            return Ok(());
        }
        if let Err(why) = apply_reports(store, site, maximo, &reported, report).await? {
            report.error = Some(why);
            return Ok(());
        }
    }
    Ok(())
}

/// Work orders the children query did not answer for, asked for again; those still missing
/// are marked gone (`cmms_gone`) and listed in the report when this run marked them.
/// `Err(reason)` when Maximo did not answer.
async fn mark_gone(
    store: &PgStore,
    site: &str,
    maximo: &Maximo,
    missing: &[&(Uuid, String)],
    report: &mut ReconcileReport,
) -> Result<std::result::Result<(), String>> {
    if missing.is_empty() {
        return Ok(Ok(()));
    }
    let keys: Vec<String> = missing.iter().map(|(_, k)| k.clone()).collect();
    let again = match maximo.work_order_children(&keys, "wonum").await {
        Ok(r) => r,
        Err(outcome) => return Ok(Err(reason(outcome))),
    };
    let client = store.client().await?;
    for (id, wonum) in missing {
        if again
            .iter()
            .any(|r| r["wonum"].as_str() == Some(wonum.as_str()))
        {
            continue;
        }
        let marked = client
            .execute(
                "INSERT INTO cmms_gone (site, work_order_id, wonum) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
                &[&site, id, wonum],
            )
            .await?;
        if marked > 0 {
            tracing::warn!(
                site,
                wonum,
                "cmms reconcile: gone from Maximo; kept on the hub"
            );
            report.gone.push(wonum.clone());
        }
    }
    Ok(Ok(()))
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
/// which gave Maximo the hub's number) that are open or were closed lately and not marked gone:
/// (id, wonum).
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
               AND NOT EXISTS (SELECT 1 FROM cmms_gone g
                               WHERE g.site = w.site AND g.work_order_id = w.id)
             ORDER BY 2",
            &[&site, &RECENT_DAYS],
        )
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

/// The hub's own rows of a work order: its queued mutations' ids, its notes (text, time) and
/// its parts (number, quantity, time); the texts each note it sent has had (its own and its
/// amendments), by the sending mutation's id.
pub(super) struct Own {
    pub(super) refids: HashSet<String>,
    notes: Vec<(String, DateTime<Utc>)>,
    parts: Vec<(String, f64, DateTime<Utc>)>,
    sent_notes: HashMap<String, Vec<String>>,
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
        let mut sent_notes: HashMap<String, Vec<String>> = HashMap::new();
        for r in client
            .query(
                "SELECT o.mutation_id::text, n.text FROM cmms_outbox o
                 JOIN notes n ON n.site = o.site AND n.id::text = o.payload->>'note_id'
                 WHERE o.site = $1 AND o.work_order_id = $2 AND o.kind = 'add_note'
                 UNION ALL
                 SELECT o.mutation_id::text, c.text FROM cmms_outbox o
                 JOIN corrections c ON c.site = o.site AND c.target = 'note'
                      AND c.target_id::text = o.payload->>'note_id' AND c.text IS NOT NULL
                 WHERE o.site = $1 AND o.work_order_id = $2 AND o.kind = 'add_note'",
                &[&site, &wo],
            )
            .await?
        {
            sent_notes
                .entry(r.try_get(0)?)
                .or_default()
                .push(r.try_get(1)?);
        }
        Ok(Own {
            refids,
            notes,
            parts,
            sent_notes,
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
    let claims = claims(store, site, wo).await?;
    for (child, id_attr) in CHILDREN {
        let rows = record[child].as_array().cloned().unwrap_or_default();
        let mut present = Vec::with_capacity(rows.len());
        for row in &rows {
            let Some(maximo_id) = id_text(&row[id_attr]) else {
                continue;
            };
            present.push(maximo_id.clone());
            if let Some(refid) = row["externalrefid"]
                .as_str()
                .filter(|r| own.refids.contains(*r))
            {
                if let Some(texts) = own.sent_notes.get(refid) {
                    own_note_edited(site, wo, &maximo_id, row, texts, report);
                }
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
            if let Some(claim) = claims.get(&(child.to_string(), maximo_id.clone())) {
                if let Draft::Note(n) = &draft {
                    if note_edited(store, site, wo, &maximo_id, claim, n, row).await? {
                        report.notes_updated += 1;
                    }
                }
                continue;
            }
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
    let stops = reconcile_stops(store, site, wo, record, &own).await?;
    report.downtime_added += stops.added;
    report.downtime_changed += stops.changed;
    report.downtime_removed += stops.removed;
    report.downtime_overlapping += stops.overlapping;
    report.refused += stops.refused;
    Ok(())
}

/// A Maximo-made row the reconcile turned into a hub record: (its hub id, the text it last
/// took from it), by (child, Maximo's id).
type Claims = HashMap<(String, String), (Uuid, Option<String>)>;

async fn claims(store: &PgStore, site: &str, wo: Uuid) -> Result<Claims> {
    store
        .client()
        .await?
        .query(
            "SELECT child, maximo_id, hub_id, body FROM cmms_children
             WHERE site = $1 AND work_order_id = $2 AND child <> 'assetstatus'",
            &[&site, &wo],
        )
        .await?
        .iter()
        .map(|r| {
            Ok((
                (r.try_get(0)?, r.try_get(1)?),
                (r.try_get(2)?, r.try_get(3)?),
            ))
        })
        .collect()
}

/// A worklog the hub sent, edited in Maximo (its text none the note has had): the
/// technician's note is kept, the edit logged and counted.
fn own_note_edited(
    site: &str,
    wo: Uuid,
    maximo_id: &str,
    row: &Value,
    texts: &[String],
    report: &mut ReconcileReport,
) {
    let Ok(Some(Draft::Note(n))) = draft_of("worklog", row) else {
        return;
    };
    if texts.iter().any(|t| same_text(t.trim(), &n.text)) {
        return;
    }
    tracing::warn!(
        site,
        %wo,
        maximo_id,
        "cmms reconcile: a technician's worklog was edited in Maximo; the note is kept as the \
         laptop wrote it"
    );
    report.own_edits_kept += 1;
}

/// The note of a Maximo-made worklog given a correction with the worklog's text when it was
/// edited in Maximo since the reconcile last took it; true when this run did it (the claim's
/// `body` moves first, so two runs amend once).
async fn note_edited(
    store: &PgStore,
    site: &str,
    wo: Uuid,
    maximo_id: &str,
    (hub_id, body): &(Uuid, Option<String>),
    n: &NoteDraft,
    row: &Value,
) -> Result<bool> {
    let mut client = store.client().await?;
    let last = match body {
        Some(b) => b.clone(),
        // Taken before schema 14: the note's current text.
        None => client
            .query_opt(
                "SELECT coalesce((SELECT c.text FROM corrections c
                                  WHERE c.site = n.site AND c.target = 'note'
                                    AND c.target_id = n.id AND c.text IS NOT NULL
                                  ORDER BY c.hub_order DESC LIMIT 1), n.text)
                 FROM notes n WHERE n.site = $1 AND n.id = $2",
                &[&site, hub_id],
            )
            .await?
            .map(|r| r.try_get(0))
            .transpose()?
            .unwrap_or_default(),
    };
    if last == n.text {
        return Ok(false);
    }
    let author = faultline_core::validate::clean_text(
        "author",
        "the worklog's editor",
        row["modifyby"].as_str().unwrap_or(""),
        faultline_core::validate::MAX_SHORT_TEXT_CHARS,
        false,
    )
    .ok()
    .flatten()
    .unwrap_or_else(|| super::feedback::CMMS_EDITOR.to_string());
    let tx = client.transaction().await?;
    let moved = tx
        .execute(
            "UPDATE cmms_children SET body = $4
             WHERE site = $1 AND child = 'worklog' AND maximo_id = $2
               AND body IS NOT DISTINCT FROM $3",
            &[&site, &maximo_id, body, &n.text],
        )
        .await?;
    if moved == 0 {
        return Ok(false);
    }
    tx.execute(
        "INSERT INTO corrections (site, id, work_order_id, target, target_id, action, author,
                                  created_at, text)
         SELECT $1, $2, $3, 'note', $4, 'amend', $5, now(), $6
         WHERE EXISTS (SELECT 1 FROM notes WHERE site = $1 AND id = $4)",
        &[&site, &Uuid::now_v7(), &wo, hub_id, &author, &n.text],
    )
    .await?;
    tx.commit().await?;
    tracing::info!(site, %wo, maximo_id, "cmms reconcile: a worklog edited in Maximo amends its note");
    Ok(true)
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
    let body = match draft {
        Draft::Note(n) => Some(n.text.as_str()),
        Draft::Part(_) => None,
    };
    let claimed = tx
        .execute(
            "INSERT INTO cmms_children (site, work_order_id, child, maximo_id, hub_id, body)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            &[&site, &wo, &child, &maximo_id, &id, &body],
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
