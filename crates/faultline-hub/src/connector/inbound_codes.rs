//! Maximo's failure-code hierarchy on the hub: FAILURELIST rows (a failure class, then problem,
//! cause and remedy codes, each naming its parent row by id) fetched by the same row-stamp
//! delta, pages and committed position as the other object structures (`inbound.rs`), turned
//! into the hub's catalogue entries (level, the parent's code, code, description) and loaded
//! through `faultline-hub load`'s `failure_codes` path, so laptops pull them as any loaded code.
//!
//! - The rows read are kept (`cmms_failure_list`, hub migration 0011): a row read before its
//!   parent (the parent edited later, so later in row-stamp order) becomes a catalogue entry
//!   when the parent arrives; loading a page again changes nothing.
//! - A row removed in Maximo is gone from FAILURELIST, which no row-stamp delta can show: the
//!   periodic full read ([`sweep_codes`], run by the reconcile) reads every row and retires the
//!   codes of the rows it no longer finds as the hub's catalogue retires any code — the entry
//!   deleted with a `failure_code` tombstone, so laptops drop it (work orders keep the codes
//!   they were closed with). An entry another remaining row still gives is kept. A full read
//!   that stops short, or finds no row at all, retires nothing.
//! - The full read also brings a code's changed description (FAILURECODE, whose row stamp the
//!   FAILURELIST delta does not see).

use super::inbound::{load_records, reason, refuse, FetchReport};
use super::inbound_rows::{code_level, id_text, later, rowstamp, Inbound, FAILURE_CODES};
use super::Maximo;
use crate::error::Result;
use crate::PgStore;
use serde::Serialize;
use serde_json::{json, Value};

/// Keeps a page's FAILURELIST rows, places every row of the page (and any waiting child of
/// them) in the catalogue and loads those entries; a row of a type the catalogue has no level
/// for is refused with its reason.
pub(super) async fn load_codes(
    store: &PgStore,
    site: &str,
    spec: &Inbound,
    records: &[Value],
    report: &mut FetchReport,
) -> Result<()> {
    let client = store.client().await?;
    let mut ids = Vec::with_capacity(records.len());
    for r in records {
        let Some(id) = id_text(&r["failurelist"]) else {
            continue;
        };
        let code = r["failurecode"].as_str().unwrap_or_default().trim();
        let Some(level) = code_level(&r["type"]).filter(|_| !code.is_empty()) else {
            let why = format!(
                "failure-list row {id}: {} is not a level of the catalogue \
                 (class, PROBLEM, CAUSE, REMEDY) or it has no code",
                r["type"]
            );
            refuse(store, site, spec, &id, r, &why).await?;
            report.refused += 1;
            continue;
        };
        let description = match r["description"].as_str().map(str::trim) {
            Some(d) if !d.is_empty() => d,
            _ => code,
        };
        let parent = id_text(&r["parent"]);
        client
            .execute(
                "INSERT INTO cmms_failure_list (site, failurelist, parent, type, code,
                                                description, level)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (site, failurelist) DO UPDATE
                   SET parent = $3, type = $4, code = $5, description = $6, level = $7,
                       seen_at = now()",
                &[
                    &site,
                    &id,
                    &parent,
                    &r["type"].as_str(),
                    &code,
                    &description,
                    &level,
                ],
            )
            .await?;
        ids.push(id);
    }
    if ids.is_empty() {
        return Ok(());
    }
    // The page's rows and their children read earlier take their parent's code (a class: none).
    let placed = client
        .query(
            "UPDATE cmms_failure_list c SET parent_code = CASE WHEN c.parent IS NULL THEN ''
                 ELSE (SELECT p.code FROM cmms_failure_list p
                       WHERE p.site = c.site AND p.failurelist = c.parent) END
             WHERE c.site = $1 AND (c.failurelist = ANY($2) OR c.parent = ANY($2))
             RETURNING c.failurelist, c.level, c.parent_code, c.code, c.description",
            &[&site, &ids],
        )
        .await?;
    let mut entries = Vec::with_capacity(placed.len());
    for row in &placed {
        let parent_code: Option<String> = row.try_get(2)?;
        let Some(parent_code) = parent_code else {
            continue; // its parent is not read yet
        };
        entries.push(json!({
            "failurelist": row.try_get::<_, String>(0)?,
            "level": row.try_get::<_, String>(1)?,
            "parentcode": parent_code,
            "failurecode": row.try_get::<_, String>(3)?,
            "description": row.try_get::<_, String>(4)?,
        }));
    }
    let refs: Vec<&Value> = entries.iter().collect();
    load_records(store, site, spec, &refs, report).await
}

/// What one full read of the hierarchy did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CodeSweep {
    /// FAILURELIST rows read.
    pub rows: u64,
    /// Catalogue entries written (a changed description, a row the delta had not brought).
    pub loaded: u64,
    /// Catalogue entries retired (their rows are gone from Maximo).
    pub retired: u64,
    /// Why the read stopped short (then nothing was retired).
    pub error: Option<String>,
}

/// Reads every FAILURELIST row (pages in row-stamp order, each a new query from the last stamp
/// read, so a row edited meanwhile is read again later, never skipped), loads them, and retires
/// the catalogue entries of the rows Maximo no longer has.
pub async fn sweep_codes(
    store: &PgStore,
    site: &str,
    maximo: &Maximo,
    page_size: u32,
) -> Result<CodeSweep> {
    let spec = FAILURE_CODES;
    let mut out = CodeSweep::default();
    let mut report = FetchReport::default();
    let mut seen: Vec<String> = Vec::new();
    let mut pos: Option<String> = None;
    loop {
        let page = match maximo.changes(&spec, pos.as_deref(), page_size).await {
            Ok(p) => p,
            Err(outcome) => {
                out.error = Some(reason(outcome));
                tracing::warn!(
                    site,
                    "cmms code sweep stopped, nothing retired: {:?}",
                    out.error
                );
                return Ok(out);
            }
        };
        out.rows += page.records.len() as u64;
        seen.extend(
            page.records
                .iter()
                .filter_map(|r| id_text(&r["failurelist"])),
        );
        let top = page.records.iter().map(rowstamp).fold(pos.clone(), later);
        if page.records.is_empty() || top == pos {
            break;
        }
        load_codes(store, site, &spec, &page.records, &mut report).await?;
        pos = top;
        if !page.more {
            break;
        }
    }
    out.loaded = report.inserted + report.updated;
    if seen.is_empty() {
        tracing::warn!(
            site,
            "cmms code sweep: Maximo answered no failure-list row; nothing retired"
        );
        return Ok(out);
    }
    out.retired = retire_missing(store, site, &seen).await?;
    Ok(out)
}

/// Deletes the kept rows not in `seen` and, in the same transaction, the catalogue entries only
/// they gave, each with a `failure_code` tombstone laptops pull.
async fn retire_missing(store: &PgStore, site: &str, seen: &[String]) -> Result<u64> {
    let mut client = store.client().await?;
    let tx = client.transaction().await?;
    let keys = tx
        .query(
            "SELECT DISTINCT g.level, g.parent_code, g.code FROM cmms_failure_list g
             WHERE g.site = $1 AND NOT (g.failurelist = ANY($2))
               AND g.level IS NOT NULL AND g.parent_code IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM cmms_failure_list k
                     WHERE k.site = $1 AND k.failurelist = ANY($2) AND k.level = g.level
                       AND k.parent_code = g.parent_code AND k.code = g.code)",
            &[&site, &seen],
        )
        .await?;
    tx.execute(
        "DELETE FROM cmms_failure_list WHERE site = $1 AND NOT (failurelist = ANY($2))",
        &[&site, &seen],
    )
    .await?;
    let mut retired = 0;
    for k in &keys {
        let (level, parent, code): (String, String, String) =
            (k.try_get(0)?, k.try_get(1)?, k.try_get(2)?);
        let n = tx
            .execute(
                "DELETE FROM failure_codes
                 WHERE site = $1 AND level = $2 AND parent = $3 AND code = $4",
                &[&site, &level, &parent, &code],
            )
            .await?;
        if n > 0 {
            tx.execute(
                "INSERT INTO tombstones (site, entity, key) VALUES ($1, 'failure_code', $2)
                 ON CONFLICT (site, entity, key) DO UPDATE SET deleted_at = now()",
                &[&site, &format!("{level}|{parent}|{code}")],
            )
            .await?;
            retired += n;
        }
    }
    tx.commit().await?;
    if retired > 0 {
        tracing::info!(
            site,
            retired,
            "cmms code sweep: codes removed in Maximo retired"
        );
    }
    Ok(retired)
}
