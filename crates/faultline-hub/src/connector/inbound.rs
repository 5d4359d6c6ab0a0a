//! The inbound fetch: records changed in Maximo (assets, failure codes, job plans, work orders)
//! read page by page from the position the hub committed (`cmms_fetch_positions`, one per site
//! and object structure) and loaded through the same path as `faultline-hub load` (the core importer's
//! checks, the hub's sink, one upsert that bumps versions and field versions), so laptops pull
//! them as any loaded change. Only the columns the fetch maps are rewritten: what a laptop
//! logged that Maximo does not hold (downtime, notes, fault code) stays.
//!
//! - The position moves only after a page's rows are committed, to the highest `_rowstamp` of
//!   the page: a fetch stopped between two pages (killed, Maximo down) reads the next page from
//!   there; a page loaded but not yet recorded is read again, and loading the same rows again
//!   changes nothing (the upsert rewrites only rows that differ): no row lost or doubled.
//! - A work order the hub sent comes back onto the hub's own record: matched by its external
//!   reference (the creating mutation's id) or the Maximo href the create answered, after which
//!   it carries its Maximo number as its key. The hub's own changes coming back load as
//!   unchanged rows. (Skipping a record whose `_rowstamp` is the one the hub's last send
//!   answered would be wrong: that answer also carries what a Maximo user changed before it.)
//! - A work order with changes still to send is put off (`cmms_fetch_deferred`) and read again
//!   by key once they are sent: loading it first would undo on the hub what a laptop did.
//! - A loaded work order's `_rowstamp` and sent fields become what the hub has read of it
//!   (`cmms_work_orders`), so a laptop's later change meets a Maximo change made after the
//!   fetch as a conflict.
//! - A record the importer refuses is kept in `cmms_fetch_refused` with the reason; the rest of
//!   its page is loaded.

use super::inbound_rows::{csv_text, later, rowstamp, Inbound, ALL};
use super::maximo::seen_of;
use super::{connector_config, Maximo, SendOutcome, REQUEST_TIMEOUT};
use crate::admin::{load_mapped, Columns, LoadReport};
use crate::error::{HubError, Result};
use crate::PgStore;
use faultline_core::import::{Mapping, RecordKind};
use serde::Serialize;
use serde_json::Value;
use std::path::Path;

/// Records asked for per page.
pub const PAGE_SIZE: u32 = 200;

/// What one fetch of one object structure did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FetchReport {
    pub object: String,
    pub pages: u64,
    /// Records read from Maximo.
    pub records: u64,
    pub inserted: u64,
    pub updated: u64,
    pub refused: u64,
    pub deferred: u64,
    /// The position after the fetch.
    pub position: Option<String>,
    /// Why the fetch stopped before the end (Maximo down, key refused…).
    pub error: Option<String>,
}

/// Fetches every object structure of a site once, to the end (or to `max_pages` each).
pub async fn fetch_site(store: &PgStore, site: &str, page_size: u32) -> Result<Vec<FetchReport>> {
    let config = connector_config(store, site)
        .await?
        .ok_or_else(|| HubError::NotFound(format!("site {site} has no CMMS connector")))?;
    let maximo = Maximo::new(&config, REQUEST_TIMEOUT)?;
    let mut out = Vec::new();
    for spec in ALL {
        let r = fetch(store, site, &maximo, &spec, page_size, u64::MAX).await?;
        let stop = r.error.is_some();
        out.push(r);
        if stop {
            break;
        }
    }
    Ok(out)
}

/// Fetches `spec`'s changes from the committed position, at most `max_pages` pages; Maximo's
/// failure ends the fetch with its reason in the report (and the status), not an error.
pub async fn fetch(
    store: &PgStore,
    site: &str,
    maximo: &Maximo,
    spec: &Inbound,
    page_size: u32,
    max_pages: u64,
) -> Result<FetchReport> {
    use tracing::Instrument;
    let span = tracing::info_span!("cmms_fetch", site, object = spec.os);
    fetch_pages(store, site, maximo, spec, page_size, max_pages)
        .instrument(span)
        .await
}

async fn fetch_pages(
    store: &PgStore,
    site: &str,
    maximo: &Maximo,
    spec: &Inbound,
    page_size: u32,
    max_pages: u64,
) -> Result<FetchReport> {
    let mut report = FetchReport {
        object: spec.os.to_string(),
        ..FetchReport::default()
    };
    let mut pos = position(store, site, spec).await?;
    report.position = pos.clone();
    if spec.kind == RecordKind::WorkOrders {
        if let Err(why) = deferred_again(store, site, maximo, spec, &mut report).await? {
            return stopped(store, site, spec, report, why).await;
        }
    }
    while report.pages < max_pages {
        let page = match maximo.changes(spec, pos.as_deref(), page_size).await {
            Ok(p) => p,
            Err(outcome) => return stopped(store, site, spec, report, reason(outcome)).await,
        };
        report.pages += 1;
        report.records += page.records.len() as u64;
        let top = page.records.iter().map(rowstamp).fold(pos.clone(), later);
        if page.records.is_empty() || top == pos {
            break;
        }
        let before = (
            report.inserted + report.updated,
            report.refused,
            report.deferred,
        );
        load_page(store, site, spec, &page.records, &mut report).await?;
        // The page is committed: the position moves past it.
        save_position(
            store,
            site,
            spec,
            top.as_deref(),
            [
                report.inserted + report.updated - before.0,
                report.refused - before.1,
                report.deferred - before.2,
            ],
        )
        .await?;
        tracing::info!(
            page = report.pages,
            records = page.records.len(),
            position = top.as_deref().unwrap_or(""),
            "cmms fetch page loaded"
        );
        pos = top;
        report.position = pos.clone();
        if !page.more {
            break;
        }
    }
    store
        .client()
        .await?
        .execute(
            "INSERT INTO cmms_fetch_positions (site, object, position, fetched_at)
             VALUES ($1, $2, $3, now())
             ON CONFLICT (site, object) DO UPDATE SET fetched_at = now(), last_error = NULL",
            &[&site, &spec.os, &pos],
        )
        .await?;
    Ok(report)
}

/// A failed request's reason, as the status shows it.
pub(super) fn reason(outcome: SendOutcome) -> String {
    match outcome {
        SendOutcome::Retry(why) => format!("Maximo did not answer: {why}"),
        SendOutcome::AuthRefused(why) => format!("Maximo refused the key: {why}"),
        SendOutcome::Rejected(why) => format!("Maximo refused the query: {why}"),
        other => format!("{other:?}"),
    }
}

/// Records why a fetch stopped short; the position stays where the last committed page left it.
async fn stopped(
    store: &PgStore,
    site: &str,
    spec: &Inbound,
    mut report: FetchReport,
    why: String,
) -> Result<FetchReport> {
    tracing::warn!(site, object = spec.os, "cmms fetch stopped: {why}");
    store
        .client()
        .await?
        .execute(
            "INSERT INTO cmms_fetch_positions (site, object, last_error) VALUES ($1, $2, $3)
             ON CONFLICT (site, object) DO UPDATE SET last_error = $3",
            &[&site, &spec.os, &why],
        )
        .await?;
    report.error = Some(why);
    Ok(report)
}

async fn position(store: &PgStore, site: &str, spec: &Inbound) -> Result<Option<String>> {
    let row = store
        .client()
        .await?
        .query_opt(
            "SELECT position FROM cmms_fetch_positions WHERE site = $1 AND object = $2",
            &[&site, &spec.os],
        )
        .await?;
    Ok(match row {
        Some(r) => r.try_get(0)?,
        None => None,
    })
}

/// Moves the position after a committed page and adds its counts (loaded, refused, deferred).
async fn save_position(
    store: &PgStore,
    site: &str,
    spec: &Inbound,
    top: Option<&str>,
    counts: [u64; 3],
) -> Result<()> {
    let [rows, refused, deferred] = counts.map(|n| i64::try_from(n).unwrap_or(i64::MAX));
    store
        .client()
        .await?
        .execute(
            "INSERT INTO cmms_fetch_positions (site, object, position, rows, refused, deferred)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (site, object) DO UPDATE SET position = $3,
                 rows = cmms_fetch_positions.rows + $4,
                 refused = cmms_fetch_positions.refused + $5,
                 deferred = cmms_fetch_positions.deferred + $6, last_error = NULL",
            &[&site, &spec.os, &top, &rows, &refused, &deferred],
        )
        .await?;
    Ok(())
}

/// How a fetched work order stands on the hub.
enum Known {
    /// Not on the hub, or on it with nothing to hold it back: load it.
    Load,
    /// The hub has changes of it still to send.
    Defer,
}

/// Finds the hub's record of a fetched work order — by its key, else by the external reference
/// or href of the create the hub sent — gives it the key when it has none yet (so the load
/// updates it instead of adding a second one), and says what to do with it.
async fn known_work_order(store: &PgStore, site: &str, key: &str, record: &Value) -> Result<Known> {
    let client = store.client().await?;
    let refid = record["externalrefid"].as_str().unwrap_or("");
    let href = record["href"].as_str().unwrap_or("");
    let row = client
        .query_opt(
            "SELECT w.id, w.external_key,
                    EXISTS (SELECT 1 FROM cmms_outbox p WHERE p.site = w.site
                              AND p.work_order_id = w.id AND p.state IN ('pending', 'failed'))
             FROM work_orders w
             WHERE w.site = $1 AND (w.external_key = $2 OR w.id = (
                 SELECT o.work_order_id FROM cmms_outbox o
                 WHERE o.site = $1 AND o.kind = 'create_work_order'
                   AND (o.mutation_id::text = $3 OR (o.external_id = $4 AND $4 <> ''))
                 ORDER BY o.id LIMIT 1))
             ORDER BY (w.external_key = $2) DESC NULLS LAST LIMIT 1",
            &[&site, &key, &refid, &href],
        )
        .await?;
    let Some(row) = row else {
        return Ok(Known::Load);
    };
    let id: uuid::Uuid = row.try_get(0)?;
    let held_key: Option<String> = row.try_get(1)?;
    let unsent: bool = row.try_get(2)?;
    if held_key.is_none() {
        client
            .execute(
                "UPDATE work_orders SET external_key = $3 WHERE site = $1 AND id = $2
                   AND external_key IS NULL",
                &[&site, &id, &key],
            )
            .await?;
    }
    Ok(if unsent { Known::Defer } else { Known::Load })
}

/// Loads a page: work orders with changes to send put off, the rest through the loader.
async fn load_page(
    store: &PgStore,
    site: &str,
    spec: &Inbound,
    records: &[Value],
    report: &mut FetchReport,
) -> Result<()> {
    if spec.kind == RecordKind::FailureCodes {
        return super::inbound_codes::load_codes(store, site, spec, records, report).await;
    }
    let mut todo = Vec::with_capacity(records.len());
    for r in records {
        let key = r[spec.key].as_str().unwrap_or_default();
        if spec.kind == RecordKind::WorkOrders && !key.is_empty() {
            match known_work_order(store, site, key, r).await? {
                Known::Defer => {
                    store
                        .client()
                        .await?
                        .execute(
                            "INSERT INTO cmms_fetch_deferred (site, object, key)
                             VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                            &[&site, &spec.os, &key],
                        )
                        .await?;
                    report.deferred += 1;
                    continue;
                }
                Known::Load => {}
            }
        }
        todo.push(r);
    }
    load_records(store, site, spec, &todo, report).await
}

/// The deferred work orders whose changes have all been sent, read again by key and loaded.
/// `Err(reason)` when Maximo did not answer.
async fn deferred_again(
    store: &PgStore,
    site: &str,
    maximo: &Maximo,
    spec: &Inbound,
    report: &mut FetchReport,
) -> Result<std::result::Result<(), String>> {
    let keys: Vec<String> = store
        .client()
        .await?
        .query(
            "SELECT d.key FROM cmms_fetch_deferred d
             JOIN work_orders w ON w.site = d.site AND w.external_key = d.key
             WHERE d.site = $1 AND d.object = $2
               AND NOT EXISTS (SELECT 1 FROM cmms_outbox p WHERE p.site = w.site
                     AND p.work_order_id = w.id AND p.state IN ('pending', 'failed'))
             ORDER BY d.key LIMIT 100",
            &[&site, &spec.os],
        )
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<std::result::Result<_, _>>()?;
    if keys.is_empty() {
        return Ok(Ok(()));
    }
    let records = match maximo.by_keys(spec, &keys).await {
        Ok(r) => r,
        Err(outcome) => return Ok(Err(reason(outcome))),
    };
    report.records += records.len() as u64;
    load_page(store, site, spec, &records, report).await?;
    store
        .client()
        .await?
        .execute(
            "DELETE FROM cmms_fetch_deferred WHERE site = $1 AND object = $2
               AND key = ANY($3)
               AND key NOT IN (SELECT w.external_key FROM work_orders w
                     JOIN cmms_outbox p ON p.site = w.site AND p.work_order_id = w.id
                     WHERE w.site = $1 AND p.state IN ('pending', 'failed')
                       AND w.external_key IS NOT NULL)",
            &[&site, &spec.os, &keys],
        )
        .await?;
    Ok(Ok(()))
}

/// Loads records through the loader in one go; when the importer refuses the page, one by one,
/// each refused record kept with its reason.
pub(super) async fn load_records(
    store: &PgStore,
    site: &str,
    spec: &Inbound,
    records: &[&Value],
    report: &mut FetchReport,
) -> Result<()> {
    if records.is_empty() {
        return Ok(());
    }
    let mapping = Mapping::parse(spec.mapping, Path::new(spec.os))
        .map_err(|e| HubError::Invalid(format!("the {} mapping: {e}", spec.os)))?;
    match load_text(store, site, spec, &mapping, records).await {
        Ok(r) => {
            add(report, &r);
            return remember_seen(store, site, spec, records).await;
        }
        Err(HubError::Import(_)) => {}
        Err(e) => return Err(e),
    }
    for record in records {
        let key = match &record[spec.key] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        match load_text(store, site, spec, &mapping, &[record]).await {
            Ok(r) => {
                add(report, &r);
                remember_seen(store, site, spec, &[record]).await?;
                store
                    .client()
                    .await?
                    .execute(
                        "DELETE FROM cmms_fetch_refused WHERE site = $1 AND object = $2
                           AND key = $3",
                        &[&site, &spec.os, &key],
                    )
                    .await?;
            }
            Err(HubError::Import(why)) => {
                refuse(store, site, spec, &key, record, &why).await?;
                report.refused += 1;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Keeps a refused record with its reason (`maximo status` lists it); the rest of its page is
/// loaded.
pub(super) async fn refuse(
    store: &PgStore,
    site: &str,
    spec: &Inbound,
    key: &str,
    record: &Value,
    why: &str,
) -> Result<()> {
    tracing::warn!(site, object = spec.os, key, "cmms fetch: refused: {why}");
    store
        .client()
        .await?
        .execute(
            "INSERT INTO cmms_fetch_refused (site, object, key, rowstamp, reason)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (site, object, key) DO UPDATE
               SET rowstamp = $4, reason = $5, refused_at = now()",
            &[&site, &spec.os, &key, &rowstamp(record), &why],
        )
        .await?;
    Ok(())
}

/// Loaded work orders are what the hub has now read of them in Maximo (`cmms_work_orders`):
/// a laptop's later change of a field Maximo changes after this read becomes a conflict when it
/// is sent, as for a work order the hub sent itself. A newer stamp the hub holds (from its own
/// send meanwhile) is kept. A work order a reconcile marked gone is not gone any more.
async fn remember_seen(
    store: &PgStore,
    site: &str,
    spec: &Inbound,
    records: &[&Value],
) -> Result<()> {
    if spec.kind != RecordKind::WorkOrders {
        return Ok(());
    }
    let client = store.client().await?;
    for record in records {
        let (Some(key), Some(seen)) = (record[spec.key].as_str(), seen_of(record)) else {
            continue;
        };
        client
            .execute(
                "INSERT INTO cmms_work_orders (site, work_order_id, rowstamp, fields)
                 SELECT $1, w.id, $3, $4 FROM work_orders w
                 WHERE w.site = $1 AND w.external_key = $2
                 ON CONFLICT (site, work_order_id) DO UPDATE
                   SET rowstamp = excluded.rowstamp, fields = excluded.fields, read_at = now()
                   WHERE (length(cmms_work_orders.rowstamp), cmms_work_orders.rowstamp)
                       < (length(excluded.rowstamp), excluded.rowstamp)",
                &[&site, &key, &seen.rowstamp, &seen.fields],
            )
            .await?;
        // Read from Maximo again: no longer gone (a reconcile had marked it).
        client
            .execute(
                "DELETE FROM cmms_gone WHERE site = $1 AND wonum = $2",
                &[&site, &key],
            )
            .await?;
    }
    Ok(())
}

fn add(report: &mut FetchReport, r: &LoadReport) {
    report.inserted += r.inserted;
    report.updated += r.updated;
}

/// The records as a CSV file, loaded with the object structure's mapping.
async fn load_text(
    store: &PgStore,
    site: &str,
    spec: &Inbound,
    mapping: &Mapping,
    records: &[&Value],
) -> Result<LoadReport> {
    let text = csv_text(spec, records).map_err(HubError::Internal)?;
    let file = tempfile::Builder::new()
        .prefix("faultline-cmms-")
        .suffix(".csv")
        .tempfile()
        .map_err(|e| HubError::io(std::env::temp_dir(), e))?;
    std::fs::write(file.path(), text).map_err(|e| HubError::io(file.path(), e))?;
    load_mapped(store, site, mapping.clone(), file.path(), Columns::Mapped).await
}
