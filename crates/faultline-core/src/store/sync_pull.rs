//! Pull: applies one page of the hub's changes and advances the cursor in the same transaction,
//! so a crash or a dropped connection either keeps the whole page and its cursor or neither.
//!
//! Records may arrive before their parent (the hub sends them in commit order, and a work order
//! edited later moves behind its notes): such a record waits in `sync_orphans` and is applied
//! when its parent arrives. A work order with local changes still pending is not overwritten: the
//! hub's copy waits in `sync_shadows` until those changes are answered.
//!
//! A page with many work orders and notes (a first replication) is a bulk write: the diagnosis
//! queue's per-row triggers are out of the schema while it is applied and what it wrote is
//! queued after it, in the same transaction (`diag_bulk.rs`); a change of another kind that may
//! write work orders puts them back first.

use super::diag_bulk::{BulkKind, BulkQueue};
use super::Store;
use crate::domain::{Procedure, ProcedureStep};
use crate::error::{CoreError, Result};
use faultline_protocol::records::*;
use faultline_protocol::Change;
use rusqlite::{params, OptionalExtension, Transaction};

/// What one applied page did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct PullTally {
    pub applied: u32,
    /// Records parked until their parent arrives.
    pub waiting: u32,
    /// Work orders kept as they are because local changes to them are still pending.
    pub deferred: u32,
    pub deleted: u32,
    /// Changes of a kind this build does not know (from a newer hub).
    pub skipped: u32,
}

/// Pages add up to a pull's tally.
impl std::ops::AddAssign for PullTally {
    fn add_assign(&mut self, t: PullTally) {
        self.applied += t.applied;
        self.waiting += t.waiting;
        self.deferred += t.deferred;
        self.deleted += t.deleted;
        self.skipped += t.skipped;
    }
}

/// What one page's writes can skip: checks that are the same for every record of the page.
struct PageCtx {
    /// Any local change pending at all? (If not, no pulled work order needs holding back.)
    pending_any: bool,
    /// Any work order held in `sync_shadows`? (If not, there is none to clear.)
    shadows_any: bool,
    /// Asset id → rid, for the work orders of the page.
    asset_rids: std::collections::HashMap<uuid::Uuid, i64>,
    /// The store clock's time for the page (ms), stamped on the conflicts it brings.
    now: i64,
    /// The diagnosis queue of a bulk page, while its triggers are out.
    diag: Option<BulkQueue>,
}

/// A page with at least this many work orders and notes is applied as a bulk write.
const BULK_PAGE_ROWS: usize = 100;

fn bulk_page(changes: &[Change]) -> bool {
    changes
        .iter()
        .filter(|c| matches!(c, Change::WorkOrder(_) | Change::Note(_)))
        .count()
        >= BULK_PAGE_ROWS
}

/// Whether [`Store::apply_pulled`] applies `changes` as a bulk write (for tests).
#[cfg(test)]
pub(crate) fn is_bulk(changes: &[Change]) -> bool {
    bulk_page(changes)
}

/// Whether applying `change` writes work orders and notes only in ways the bulk queue records
/// (or by deletes, whose triggers stay).
fn bulk_safe(change: &Change) -> bool {
    matches!(
        change,
        Change::Asset(_)
            | Change::WorkOrder(_)
            | Change::Note(_)
            | Change::Part(_)
            | Change::Photo(_)
            | Change::FailureCode(_)
            | Change::Procedure(_)
            | Change::Manual(_)
            | Change::Unknown
            | Change::HandoverNote(_)
            | Change::Tombstone { .. }
    )
}

impl PageCtx {
    fn read(tx: &Transaction<'_>, now: i64) -> Result<Self> {
        Ok(PageCtx {
            pending_any: tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM outbox WHERE state = 'pending')",
                [],
                |r| r.get(0),
            )?,
            shadows_any: tx.query_row("SELECT EXISTS (SELECT 1 FROM sync_shadows)", [], |r| {
                r.get(0)
            })?,
            asset_rids: std::collections::HashMap::new(),
            now,
            diag: None,
        })
    }

    /// Queues what the bulk page wrote and puts the triggers back (nothing when not bulk).
    fn end_bulk(&mut self, tx: &Transaction<'_>) -> Result<()> {
        match self.diag.take() {
            Some(q) => q.finish(tx),
            None => Ok(()),
        }
    }
}

enum Applied {
    Done,
    /// The parent (`parent_id`) is not here yet.
    Orphan(String),
    Deferred,
}

fn ms(t: chrono::DateTime<chrono::Utc>) -> i64 {
    t.timestamp_millis()
}

fn encode<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| CoreError::InvalidState(format!("cannot encode: {e}")))
}

impl Store {
    /// Applies a pulled page and stores `next_cursor`, in one transaction.
    pub fn apply_pulled(&mut self, changes: &[Change], next_cursor: &str) -> Result<PullTally> {
        let mut tally = PullTally::default();
        let now = self.clock().now().timestamp_millis();
        let tx = self.conn_mut().transaction()?;
        let resyncing = resyncing(&tx)?;
        let mut ctx = PageCtx::read(&tx, now)?;
        if bulk_page(changes) {
            ctx.diag = Some(BulkQueue::start(&tx, BulkKind::WorkOrdersAndNotes)?);
        }
        for change in changes {
            apply_one(&tx, change, &mut tally, &mut ctx)?;
            if resyncing {
                let seen = match change {
                    Change::Procedure(p) => Some(format!("procedure:{}", p.code)),
                    other => other.record_id().map(|id| id.to_string()),
                };
                if let Some(seen) = seen {
                    tx.prepare_cached("INSERT OR IGNORE INTO sync_seen (id) VALUES (?1)")?
                        .execute(params![seen])?;
                }
            }
        }
        ctx.end_bulk(&tx)?;
        tx.execute(
            "UPDATE sync_state SET cursor = ?1 WHERE id = 1",
            params![next_cursor],
        )?;
        tx.commit()?;
        Ok(tally)
    }

    /// Ends a resync once the whole site has been pulled again: removes the records the hub no
    /// longer has (work orders, their notes, parts and photos, assets, procedures), except those
    /// with local changes still pending. Returns how many went.
    pub fn finish_resync(&mut self) -> Result<u64> {
        let tx = self.conn_mut().transaction()?;
        let resyncing = resyncing(&tx)?;
        if !resyncing {
            return Ok(0);
        }
        let keep = "NOT EXISTS (SELECT 1 FROM sync_seen s WHERE s.id = x.id)
                    AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.state = 'pending'
                                    AND (o.entity_id = x.id OR o.work_order_id = x.id))";
        tx.execute_batch(&format!(
            "CREATE TEMP TABLE gone AS SELECT x.rid FROM work_orders x WHERE {keep};"
        ))?;
        let mut removed = 0u64;
        for child in ["notes", "parts_used", "photos"] {
            removed += tx.execute(
                &format!(
                    "DELETE FROM {child} WHERE work_order_rid IN (SELECT rid FROM gone)
                        OR rid IN (SELECT x.rid FROM {child} x WHERE {keep})"
                ),
                [],
            )? as u64;
        }
        removed += tx.execute(
            "DELETE FROM work_orders WHERE rid IN (SELECT rid FROM gone)",
            [],
        )? as u64;
        tx.execute_batch("DROP TABLE gone;")?;
        removed += tx.execute(
            &format!(
                "DELETE FROM assets WHERE rid IN (SELECT x.rid FROM assets x WHERE {keep}
                     AND NOT EXISTS (SELECT 1 FROM work_orders w WHERE w.asset_rid = x.rid)
                     AND NOT EXISTS (SELECT 1 FROM fault_events f WHERE f.asset_rid = x.rid)
                     AND NOT EXISTS (SELECT 1 FROM assets c WHERE c.parent_rid = x.rid))"
            ),
            [],
        )? as u64;
        removed += tx.execute(
            "DELETE FROM procedures WHERE NOT EXISTS
                 (SELECT 1 FROM sync_seen s WHERE s.id = 'procedure:' || procedures.code)",
            [],
        )? as u64;
        tx.execute("DELETE FROM sync_seen", [])?;
        tx.execute("UPDATE sync_state SET resyncing = 0 WHERE id = 1", [])?;
        tx.commit()?;
        Ok(removed)
    }

    /// Pulled records still waiting for their parent (0 after a complete pull).
    pub fn sync_orphan_count(&self) -> Result<u64> {
        let n: i64 = self
            .conn()
            .query_row("SELECT count(*) FROM sync_orphans", [], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

/// Whether a resync (after an expired cursor) is under way.
fn resyncing(tx: &Transaction<'_>) -> Result<bool> {
    Ok(tx
        .query_row("SELECT resyncing FROM sync_state WHERE id = 1", [], |r| {
            r.get(0)
        })
        .optional()?
        .unwrap_or(false))
}

/// The plant's CMMS refused a change the hub had applied: this laptop's own change (another
/// laptop's is not in its outbox) shows as rejected with the CMMS's code and sentence, like a
/// refusal of the hub's; `cleared` (sent after all) makes it synced again.
fn apply_cmms_refusal(
    tx: &Transaction<'_>,
    r: &faultline_protocol::CmmsRefusalRecord,
) -> Result<()> {
    use faultline_protocol::push::reject_codes::CMMS_REJECTED;
    let id = r.mutation_id.to_string();
    if r.cleared {
        tx.prepare_cached(
            "UPDATE outbox SET state = 'synced', outcome_code = NULL, outcome_message = NULL
             WHERE mutation_id = ?1 AND state = 'rejected' AND outcome_code = ?2",
        )?
        .execute(params![id, CMMS_REJECTED])?;
    } else {
        let why = format!(
            "the plant's CMMS refused it ({}): {}",
            r.cmms_code, r.reason
        );
        tx.prepare_cached(
            "UPDATE outbox SET state = 'rejected', outcome_code = ?2, outcome_message = ?3
             WHERE mutation_id = ?1 AND state = 'synced'",
        )?
        .execute(params![id, CMMS_REJECTED, why])?;
    }
    Ok(())
}

fn apply_one(
    tx: &Transaction<'_>,
    change: &Change,
    tally: &mut PullTally,
    ctx: &mut PageCtx,
) -> Result<()> {
    if !bulk_safe(change) {
        ctx.end_bulk(tx)?;
    }
    let (outcome, parked_key) = match change {
        Change::Asset(a) => (apply_asset(tx, a)?, format!("asset:{}", a.id)),
        Change::WorkOrder(w) => (apply_work_order(tx, w, false, ctx)?, format!("wo:{}", w.id)),
        Change::Note(n) => (apply_note(tx, n, ctx)?, format!("note:{}", n.id)),
        Change::Part(p) => (apply_part(tx, p)?, format!("part:{}", p.id)),
        Change::Photo(p) => (apply_photo(tx, p)?, format!("photo:{}", p.id)),
        Change::FailureCode(f) => {
            tx.prepare_cached(
                "INSERT INTO failure_codes (level, parent, code, description) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(level, parent, code) DO UPDATE SET description = excluded.description",
            )?
            .execute(params![f.level, f.parent, f.code, f.description])?;
            (Applied::Done, String::new())
        }
        Change::Procedure(p) => {
            let proc = procedure_from(p);
            match proc.check() {
                Ok(()) => {
                    super::upsert_procedure(tx, &proc)?;
                }
                // The hub checks procedures when it loads them; one it should not have sent is
                // skipped rather than stopping the whole pull.
                Err(why) => tracing::warn!(code = %p.code, why, "pulled procedure skipped"),
            }
            (Applied::Done, String::new())
        }
        Change::Manual(_) => {
            // Manuals are fetched by the sync engine (it owns the library); nothing to store here.
            (Applied::Done, String::new())
        }
        Change::Unknown => {
            // A kind from a newer hub: fetched again once this laptop's Faultline is updated
            // (`Store::catch_up_change_kinds`).
            tally.skipped += 1;
            (Applied::Done, String::new())
        }
        Change::Correction(c) => {
            let stored = super::corrections::apply_pulled(tx, c)?;
            let outcome = if stored {
                Applied::Done
            } else {
                Applied::Orphan(c.work_order_id.to_string())
            };
            (outcome, format!("correction:{}", c.id))
        }
        Change::HandoverNote(n) => {
            super::handover::apply_pulled(tx, n)?;
            (Applied::Done, String::new())
        }
        Change::Guide(g) => {
            // The hub checks guides when it loads them; one this build cannot store is skipped
            // rather than stopping the whole pull.
            if let Err(why) = super::guides::apply_pulled_guide(tx, g) {
                tracing::warn!(id = %g.id, %why, "pulled guide skipped");
            }
            (Applied::Done, String::new())
        }
        Change::DiagnosisSession(s) => {
            super::diagnosis_sessions::apply_pulled_session(tx, s)?;
            (Applied::Done, String::new())
        }
        Change::DiagnosisRecord(r) => {
            // A record whose session is not here (or that is here already) is left out.
            super::diagnosis_sessions::apply_pulled_record(tx, r)?;
            (Applied::Done, String::new())
        }
        Change::Conflict(c) => {
            super::hub_conflicts::insert_conflict(tx, c, ctx.now)?;
            (Applied::Done, String::new())
        }
        Change::CmmsRefusal(r) => {
            apply_cmms_refusal(tx, r)?;
            (Applied::Done, String::new())
        }
        Change::Tombstone { entity, key } => {
            ctx.asset_rids.clear();
            tally.deleted += u32::from(delete_record(tx, entity, key)?);
            (Applied::Done, String::new())
        }
    };
    match outcome {
        Applied::Done => {
            tally.applied += 1;
            if let Some(id) = change.record_id() {
                tx.prepare_cached("DELETE FROM sync_orphans WHERE key = ?1")?
                    .execute(params![parked_key])?;
                adopt_orphans(tx, &id.to_string(), tally, ctx)?;
            }
        }
        Applied::Orphan(parent) => {
            tx.prepare_cached(
                "INSERT INTO sync_orphans (key, parent_id, payload) VALUES (?1, ?2, ?3)
                 ON CONFLICT(key) DO UPDATE SET parent_id = excluded.parent_id,
                     payload = excluded.payload",
            )?
            .execute(params![parked_key, parent, encode(change)?])?;
            tally.waiting += 1;
        }
        Applied::Deferred => tally.deferred += 1,
    }
    Ok(())
}

/// Applies the records that were waiting for `parent_id`.
fn adopt_orphans(
    tx: &Transaction<'_>,
    parent_id: &str,
    tally: &mut PullTally,
    ctx: &mut PageCtx,
) -> Result<()> {
    let waiting: Vec<(String, String)> = tx
        .prepare_cached("SELECT key, payload FROM sync_orphans WHERE parent_id = ?1")?
        .query_map(params![parent_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (key, payload) in waiting {
        tx.prepare_cached("DELETE FROM sync_orphans WHERE key = ?1")?
            .execute(params![key])?;
        let change: Change = serde_json::from_str(&payload)
            .map_err(|e| CoreError::InvalidState(format!("a parked record is unreadable: {e}")))?;
        tally.waiting = tally.waiting.saturating_sub(1);
        apply_one(tx, &change, tally, ctx)?;
    }
    Ok(())
}

fn procedure_from(p: &ProcedureRecord) -> Procedure {
    Procedure {
        code: p.code.clone(),
        title: p.title.clone(),
        manufacturer: p.manufacturer.clone(),
        model: p.model.clone(),
        equipment_class: p.equipment_class.clone(),
        problem_code: p.problem_code.clone(),
        steps: p
            .steps
            .iter()
            .map(|s| ProcedureStep {
                number: s.number,
                instruction: s.instruction.clone(),
                caution: s.caution.clone(),
            })
            .collect(),
    }
}

fn rid_of(tx: &Transaction<'_>, table: &str, id: &str) -> Result<Option<i64>> {
    Ok(tx
        .prepare_cached(&format!("SELECT rid FROM {table} WHERE id = ?1"))?
        .query_row(params![id], |r| r.get(0))
        .optional()?)
}

fn apply_asset(tx: &Transaction<'_>, a: &AssetRecord) -> Result<Applied> {
    tx.prepare_cached("INSERT INTO sites (code, name) VALUES (?1, ?1) ON CONFLICT DO NOTHING")?
        .execute(params![a.site_code])?;
    let location_id: Option<i64> = match &a.location_code {
        None => None,
        Some(code) => Some(
            tx.prepare_cached(
                "INSERT INTO locations (site_code, code, name) VALUES (?1, ?2, ?3)
                 ON CONFLICT(site_code, code) DO UPDATE SET name = excluded.name RETURNING id",
            )?
            .query_row(
                params![
                    a.site_code,
                    code,
                    a.location_name.as_deref().unwrap_or(code)
                ],
                |r| r.get(0),
            )?,
        ),
    };
    let model_id: Option<i64> = match (&a.manufacturer, &a.model) {
        (None, None) => None,
        (m, md) => Some(
            tx.prepare_cached(
                "INSERT INTO asset_models (manufacturer, model) VALUES (?1, ?2)
                 ON CONFLICT(manufacturer, model) DO UPDATE SET model = excluded.model RETURNING id",
            )?
            .query_row(
                params![m.as_deref().unwrap_or(""), md.as_deref().unwrap_or("")],
                |r| r.get(0),
            )?,
        ),
    };
    let parent_rid = match a.parent_id {
        None => None,
        Some(p) => match rid_of(tx, "assets", &p.to_string())? {
            Some(rid) => Some(rid),
            None => return Ok(Applied::Orphan(p.to_string())),
        },
    };
    tx.prepare_cached(
        "INSERT INTO assets (id, external_key, tag, name, site_code, location_id, parent_rid,
             model_id, equipment_class, criticality, serial_number, description, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT(id) DO UPDATE SET external_key = excluded.external_key, tag = excluded.tag,
             name = excluded.name, site_code = excluded.site_code,
             location_id = excluded.location_id, parent_rid = excluded.parent_rid,
             model_id = excluded.model_id, equipment_class = excluded.equipment_class,
             criticality = excluded.criticality, serial_number = excluded.serial_number,
             description = excluded.description, version = excluded.version
         WHERE excluded.version >= assets.version",
    )?
    .execute(params![
        a.id.to_string(),
        a.external_key,
        a.tag,
        a.name,
        a.site_code,
        location_id,
        parent_rid,
        model_id,
        a.equipment_class,
        a.criticality,
        a.serial_number,
        a.description,
        a.version
    ])?;
    Ok(Applied::Done)
}

/// Applies a pulled work order; with local changes pending it waits in `sync_shadows` instead
/// (unless `settled`, used when those changes have just been answered).
fn apply_work_order(
    tx: &Transaction<'_>,
    w: &WorkOrderRecord,
    settled: bool,
    ctx: &mut PageCtx,
) -> Result<Applied> {
    let id = w.id.to_string();
    if !settled && ctx.pending_any {
        let pending: bool = tx
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM outbox WHERE work_order_id = ?1 AND state = 'pending')",
            )?
            .query_row(params![id], |r| r.get(0))?;
        if pending {
            tx.prepare_cached(
                "INSERT INTO sync_shadows (work_order_id, version, payload) VALUES (?1, ?2, ?3)
                 ON CONFLICT(work_order_id) DO UPDATE SET version = excluded.version,
                     payload = excluded.payload WHERE excluded.version >= sync_shadows.version",
            )?
            .execute(params![id, w.version, encode(w)?])?;
            return Ok(Applied::Deferred);
        }
    }
    let asset_rid = match ctx.asset_rids.get(&w.asset_id) {
        Some(rid) => *rid,
        None => match rid_of(tx, "assets", &w.asset_id.to_string())? {
            Some(rid) => {
                ctx.asset_rids.insert(w.asset_id, rid);
                rid
            }
            None => return Ok(Applied::Orphan(w.asset_id.to_string())),
        },
    };
    let changed = write_work_order(tx, w, &id, asset_rid)?;
    if let Some(rid) = changed {
        if let Some(diag) = &mut ctx.diag {
            diag.work_order(Some(rid), w.fault_code.as_deref());
        }
        super::downtime::apply_pulled(tx, rid, &w.downtime_intervals)?;
    }
    if ctx.shadows_any {
        tx.prepare_cached("DELETE FROM sync_shadows WHERE work_order_id = ?1 AND version <= ?2")?
            .execute(params![id, w.version])?;
    }
    Ok(Applied::Done)
}

/// A pulled work order's columns as ?1 to ?26 of [`write_work_order`]'s statements (then any
/// `extra`).
macro_rules! work_order_values {
    ($w:expr, $id:expr, $asset_rid:expr $(, $extra:expr)*) => {
        params![
            $id,
            $w.external_key,
            $w.number,
            $asset_rid,
            $w.wo_type,
            $w.status,
            $w.priority,
            $w.title,
            $w.description,
            $w.fault_code,
            $w.reported_by,
            ms($w.reported_at),
            $w.started_at.map(ms),
            $w.finished_at.map(ms),
            $w.downtime_start.map(ms),
            $w.downtime_end.map(ms),
            $w.failure_class,
            $w.problem_code,
            $w.cause_code,
            $w.remedy_code,
            $w.iso_failure_mode,
            $w.iso_failure_mechanism,
            $w.iso_failure_cause,
            $w.remedy_text,
            $w.cost,
            $w.version
            $(, $extra)*
        ]
    };
}

/// Writes a pulled work order: inserted when new, updated when its version is not older than
/// the stored one. Returns its rid when it was written, `None` when an older version was kept.
///
/// A lookup of the id and then a plain `INSERT` or `UPDATE`, rather than one
/// `INSERT … ON CONFLICT(id) DO UPDATE … RETURNING rid`: with foreign keys on, SQLite runs
/// that upsert with a statement journal (a copy of each page it touches, 15 B-trees for a
/// work order), about 5 µs of the laptop's CPU per work order of a first replication
/// (docs/benchmarks.md). Same rows, same triggers (insert or update).
fn write_work_order(
    tx: &Transaction<'_>,
    w: &WorkOrderRecord,
    id: &str,
    asset_rid: i64,
) -> Result<Option<i64>> {
    match rid_of(tx, "work_orders", id)? {
        None => {
            tx.prepare_cached(
                "INSERT INTO work_orders (id, external_key, number, asset_rid, wo_type, status,
                     priority, title, description, fault_code, reported_by, reported_at,
                     started_at, finished_at, downtime_start, downtime_end, failure_class,
                     problem_code, cause_code, remedy_code, iso_failure_mode,
                     iso_failure_mechanism, iso_failure_cause, remedy_text, cost, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                     ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)",
            )?
            .execute(work_order_values!(w, id, asset_rid))?;
            Ok(Some(tx.last_insert_rowid()))
        }
        Some(rid) => {
            let n = tx
                .prepare_cached(
                    "UPDATE work_orders SET external_key = ?2, number = ?3, asset_rid = ?4,
                         wo_type = ?5, status = ?6, priority = ?7, title = ?8, description = ?9,
                         fault_code = ?10, reported_by = ?11, reported_at = ?12,
                         started_at = ?13, finished_at = ?14, downtime_start = ?15,
                         downtime_end = ?16, failure_class = ?17, problem_code = ?18,
                         cause_code = ?19, remedy_code = ?20, iso_failure_mode = ?21,
                         iso_failure_mechanism = ?22, iso_failure_cause = ?23,
                         remedy_text = ?24, cost = ?25, version = ?26
                     WHERE rid = ?27 AND ?26 >= version",
                )?
                .execute(work_order_values!(w, id, asset_rid, rid))?;
            Ok((n > 0).then_some(rid))
        }
    }
}

/// After a work order's pending changes were answered: applies the hub copy pulled meanwhile.
pub(super) fn apply_shadow_if_settled(
    tx: &Transaction<'_>,
    work_order_id: &str,
    now: i64,
) -> Result<()> {
    let still_pending: bool = tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE work_order_id = ?1 AND state = 'pending')",
        )?
        .query_row(params![work_order_id], |r| r.get(0))?;
    if still_pending {
        return Ok(());
    }
    let shadow: Option<String> = tx
        .prepare_cached("SELECT payload FROM sync_shadows WHERE work_order_id = ?1")?
        .query_row(params![work_order_id], |r| r.get(0))
        .optional()?;
    if let Some(payload) = shadow {
        tx.prepare_cached("DELETE FROM sync_shadows WHERE work_order_id = ?1")?
            .execute(params![work_order_id])?;
        let w: WorkOrderRecord = serde_json::from_str(&payload).map_err(|e| {
            CoreError::InvalidState(format!("a held work order is unreadable: {e}"))
        })?;
        let mut ctx = PageCtx {
            pending_any: true,
            shadows_any: true,
            asset_rids: std::collections::HashMap::new(),
            now,
            diag: None,
        };
        apply_work_order(tx, &w, true, &mut ctx)?;
    }
    Ok(())
}

fn wo_rid(tx: &Transaction<'_>, id: uuid::Uuid) -> Result<std::result::Result<i64, Applied>> {
    Ok(match rid_of(tx, "work_orders", &id.to_string())? {
        Some(rid) => Ok(rid),
        None => Err(Applied::Orphan(id.to_string())),
    })
}

fn apply_note(tx: &Transaction<'_>, n: &NoteRecord, ctx: &mut PageCtx) -> Result<Applied> {
    let rid = match wo_rid(tx, n.work_order_id)? {
        Ok(rid) => rid,
        Err(wait) => return Ok(wait),
    };
    let inserted = tx
        .prepare_cached(
            "INSERT INTO notes (id, work_order_rid, author, text, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO NOTHING",
        )?
        .execute(params![
            n.id.to_string(),
            rid,
            n.author,
            n.text,
            ms(n.created_at)
        ])?;
    if inserted > 0 {
        if let Some(diag) = &mut ctx.diag {
            diag.note(rid);
        }
    }
    Ok(Applied::Done)
}

fn apply_part(tx: &Transaction<'_>, p: &PartRecord) -> Result<Applied> {
    let rid = match wo_rid(tx, p.work_order_id)? {
        Ok(rid) => rid,
        Err(wait) => return Ok(wait),
    };
    tx.prepare_cached(
        "INSERT INTO parts_used (id, work_order_rid, part_number, description, quantity, created_at, unit)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(id) DO NOTHING",
    )?
    .execute(params![
        p.id.to_string(),
        rid,
        p.part_number,
        p.description,
        p.quantity,
        ms(p.created_at),
        p.unit
    ])?;
    Ok(Applied::Done)
}

fn apply_photo(tx: &Transaction<'_>, p: &PhotoRecord) -> Result<Applied> {
    let rid = match wo_rid(tx, p.work_order_id)? {
        Ok(rid) => rid,
        Err(wait) => return Ok(wait),
    };
    tx.prepare_cached(
        "INSERT INTO photos (id, work_order_rid, sha256, mime, size_bytes, caption, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(id) DO NOTHING",
    )?
    .execute(params![
        p.id.to_string(),
        rid,
        p.sha256,
        p.mime,
        p.size_bytes,
        p.caption,
        ms(p.created_at)
    ])?;
    Ok(Applied::Done)
}

/// Deletes a record the hub deleted (with what hangs off it). Returns whether anything went.
fn delete_record(tx: &Transaction<'_>, entity: &str, key: &str) -> Result<bool> {
    let n = match entity {
        "note" => tx.execute("DELETE FROM notes WHERE id = ?1", params![key])?,
        "part" => tx.execute("DELETE FROM parts_used WHERE id = ?1", params![key])?,
        "photo" => tx.execute("DELETE FROM photos WHERE id = ?1", params![key])?,
        "work_order" => {
            for child in ["notes", "parts_used", "photos"] {
                tx.execute(
                    &format!(
                        "DELETE FROM {child} WHERE work_order_rid IN
                         (SELECT rid FROM work_orders WHERE id = ?1)"
                    ),
                    params![key],
                )?;
            }
            tx.execute("DELETE FROM work_orders WHERE id = ?1", params![key])?
        }
        "asset" => {
            let has_history: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM work_orders w JOIN assets a ON a.rid = w.asset_rid
                                WHERE a.id = ?1)",
                params![key],
                |r| r.get(0),
            )?;
            if has_history {
                // The hub sends the work orders' tombstones first; any left are local history
                // this laptop still needs, so the asset stays.
                0
            } else {
                tx.execute(
                    "UPDATE assets SET parent_rid = NULL WHERE parent_rid IN
                     (SELECT rid FROM assets WHERE id = ?1)",
                    params![key],
                )?;
                tx.execute("DELETE FROM assets WHERE id = ?1", params![key])?
            }
        }
        "procedure" => usize::from(super::delete_procedure(tx, key)?),
        // A guide withdrawn at the hub; sessions keep the copy they started with.
        "guide" => tx.execute("DELETE FROM guides WHERE id = ?1", params![key])?,
        "failure_code" => {
            let mut parts = key.splitn(3, '|');
            let (l, p, c) = (parts.next(), parts.next(), parts.next());
            match (l, p, c) {
                (Some(l), Some(p), Some(c)) => tx.execute(
                    "DELETE FROM failure_codes WHERE level = ?1 AND parent = ?2 AND code = ?3",
                    params![l, p, c],
                )?,
                _ => 0,
            }
        }
        _ => 0,
    };
    Ok(n > 0)
}
