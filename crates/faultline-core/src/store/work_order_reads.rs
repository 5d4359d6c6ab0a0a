//! Work order reads: history lists, one work order with its notes/parts/photos, recent alarms.

use super::rows::{from_ms, opt_from_ms, parse_enum, DbUuid};
use super::Store;
use crate::domain::{
    FailureCodes, FaultEvent, FaultSource, Note, PartUsed, Photo, SyncState, WorkOrder,
    WorkOrderStatus, WorkOrderSummary, WorkOrderType,
};
use crate::error::{CoreError, Result};
use rusqlite::{params, OptionalExtension, Row};
use uuid::Uuid;

/// Columns of a [`WorkOrderSummary`], in the order `summary_row` reads them.
pub(super) const SUMMARY_SELECT: &str = "SELECT w.id, w.number, a.id, a.tag, a.name,
        w.wo_type, w.status, w.priority, w.title, w.fault_code, w.reported_at, w.finished_at,
        w.downtime_start, w.downtime_end, w.failure_class, w.problem_code, w.cause_code,
        w.remedy_code, w.iso_failure_mode, w.iso_failure_mechanism, w.iso_failure_cause,
        w.remedy_text,
        (SELECT count(*) FROM notes n WHERE n.work_order_rid = w.rid),
        CASE WHEN EXISTS (SELECT 1 FROM outbox o WHERE o.work_order_id = w.id AND o.state = 'pending')
             THEN 'pending'
             WHEN EXISTS (SELECT 1 FROM sync_conflicts c
                          WHERE c.work_order_id = w.id AND c.resolution IS NULL)
             THEN 'conflict'
             WHEN EXISTS (SELECT 1 FROM outbox o WHERE o.work_order_id = w.id AND o.state = 'rejected')
             THEN 'rejected'
             ELSE 'synced' END,
        (SELECT min(d.start_at) FROM downtime_intervals d WHERE d.work_order_rid = w.rid),
        (SELECT sum(d.end_at - d.start_at) FROM downtime_intervals d WHERE d.work_order_rid = w.rid)
    FROM work_orders w JOIN assets a ON a.rid = w.asset_rid";

/// Where an appended record (note, part, photo) stands: pending, rejected, or synced.
pub(super) const ENTITY_SYNC_STATE: &str = "CASE
        WHEN EXISTS (SELECT 1 FROM outbox o WHERE o.entity_id = x.id AND o.state = 'pending')
        THEN 'pending'
        WHEN EXISTS (SELECT 1 FROM outbox o WHERE o.entity_id = x.id AND o.state = 'rejected')
        THEN 'rejected'
        ELSE 'synced' END";

fn sync_state(state: String) -> rusqlite::Result<SyncState> {
    parse_enum(state, SyncState::parse)
}

pub(super) fn summary_row(r: &Row<'_>) -> rusqlite::Result<WorkOrderSummary> {
    let current_start: Option<i64> = r.get(12)?;
    let downtime_end: Option<i64> = r.get(13)?;
    // Earlier stop/restart intervals (store/downtime.rs): the first start is theirs, and the
    // downtime is their sum plus the current interval's.
    let earlier_start: Option<i64> = r.get(24)?;
    let earlier_ms: Option<i64> = r.get(25)?;
    let downtime_start = earlier_start.or(current_start);
    let downtime_minutes = match (current_start, downtime_end) {
        (Some(s), Some(e)) => Some(((e - s).max(0) + earlier_ms.unwrap_or(0)) / 60_000),
        _ => None,
    };
    Ok(WorkOrderSummary {
        id: r.get::<_, DbUuid>(0)?.0,
        number: r.get(1)?,
        asset_id: r.get::<_, DbUuid>(2)?.0,
        asset_tag: r.get(3)?,
        asset_name: r.get(4)?,
        wo_type: parse_enum(r.get(5)?, WorkOrderType::parse)?,
        status: parse_enum(r.get(6)?, WorkOrderStatus::parse)?,
        priority: r.get(7)?,
        title: r.get(8)?,
        fault_code: r.get(9)?,
        reported_at: from_ms(r.get(10)?),
        finished_at: opt_from_ms(r.get(11)?),
        downtime_start: opt_from_ms(downtime_start),
        downtime_end: opt_from_ms(downtime_end),
        downtime_minutes,
        failure: FailureCodes {
            failure_class: r.get(14)?,
            problem_code: r.get(15)?,
            cause_code: r.get(16)?,
            remedy_code: r.get(17)?,
            iso_failure_mode: r.get(18)?,
            iso_failure_mechanism: r.get(19)?,
            iso_failure_cause: r.get(20)?,
        },
        remedy_text: r.get(21)?,
        note_count: r.get(22)?,
        sync_state: sync_state(r.get(23)?)?,
    })
}

impl Store {
    pub(crate) fn work_order_rid(&self, id: Uuid) -> Result<i64> {
        self.conn()
            .prepare_cached("SELECT rid FROM work_orders WHERE id = ?1")?
            .query_row(params![id.to_string()], |r| r.get(0))
            .optional()?
            .ok_or_else(|| CoreError::NotFound(format!("no work order with id {id}")))
    }

    /// Resolves a work order id or number as a person or a script gives it.
    pub fn resolve_work_order(&self, id_or_number: &str) -> Result<Uuid> {
        let s = id_or_number.trim();
        if let Ok(id) = Uuid::parse_str(s) {
            self.work_order_rid(id)?;
            return Ok(id);
        }
        let found: Option<DbUuid> = self
            .conn()
            .prepare_cached(
                "SELECT id FROM work_orders WHERE number = ?1 ORDER BY rid DESC LIMIT 1",
            )?
            .query_row(params![s], |r| r.get(0))
            .optional()?;
        found.map(|d| d.0).ok_or_else(|| {
            CoreError::NotFound(format!(
                "no work order numbered {s:?}: use the number or id shown in the asset's history"
            ))
        })
    }

    /// An asset's work orders, newest first.
    pub fn history(&self, asset_id: Uuid, limit: usize) -> Result<Vec<WorkOrderSummary>> {
        let rid = self.asset_rid(asset_id)?;
        self.history_of(rid, limit)
    }

    pub(super) fn history_of(&self, asset_rid: i64, limit: usize) -> Result<Vec<WorkOrderSummary>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "{SUMMARY_SELECT} WHERE w.asset_rid = ?1 ORDER BY w.reported_at DESC LIMIT ?2"
        ))?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![asset_rid, limit], summary_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(super) fn open_work_orders_of(&self, asset_rid: i64) -> Result<Vec<WorkOrderSummary>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "{SUMMARY_SELECT} WHERE w.asset_rid = ?1 AND w.status IN ('open', 'in_progress')
             ORDER BY w.priority, w.reported_at DESC"
        ))?;
        let rows = stmt.query_map(params![asset_rid], summary_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(super) fn recent_faults_of(&self, asset_rid: i64, limit: i64) -> Result<Vec<FaultEvent>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT f.id, a.id, f.code, f.message, f.source, f.occurred_at
             FROM fault_events f JOIN assets a ON a.rid = f.asset_rid
             WHERE f.asset_rid = ?1 ORDER BY f.occurred_at DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![asset_rid, limit], |r| {
            Ok(FaultEvent {
                id: r.get::<_, DbUuid>(0)?.0,
                asset_id: r.get::<_, DbUuid>(1)?.0,
                code: r.get(2)?,
                message: r.get(3)?,
                source: parse_enum(r.get(4)?, FaultSource::parse)?,
                occurred_at: from_ms(r.get(5)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One work order with its notes, parts and photos.
    pub fn work_order(&self, id: Uuid) -> Result<WorkOrder> {
        let rid = self.work_order_rid(id)?;
        let conn = self.conn();
        let summary = conn
            .prepare_cached(&format!("{SUMMARY_SELECT} WHERE w.rid = ?1"))?
            .query_row(params![rid], summary_row)?;
        let (description, reported_by, started_at, cost, version) = conn
            .prepare_cached(
                "SELECT description, reported_by, started_at, cost, version
                 FROM work_orders WHERE rid = ?1",
            )?
            .query_row(params![rid], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    opt_from_ms(r.get(2)?),
                    r.get(3)?,
                    r.get(4)?,
                ))
            })?;
        let pending = ENTITY_SYNC_STATE;
        let notes = conn
            .prepare_cached(&format!(
                "SELECT x.id, x.author, x.text, x.created_at, {pending}
                 FROM notes x WHERE x.work_order_rid = ?1 ORDER BY x.created_at, x.rid"
            ))?
            .query_map(params![rid], |r| {
                Ok(Note {
                    id: r.get::<_, DbUuid>(0)?.0,
                    work_order_id: id,
                    author: r.get(1)?,
                    text: r.get(2)?,
                    created_at: from_ms(r.get(3)?),
                    sync_state: sync_state(r.get(4)?)?,
                    voided: false,
                    corrections: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let parts = conn
            .prepare_cached(&format!(
                "SELECT x.id, x.part_number, x.description, x.quantity, x.created_at, {pending},
                        coalesce(x.unit, 'ea')
                 FROM parts_used x WHERE x.work_order_rid = ?1 ORDER BY x.created_at, x.rid"
            ))?
            .query_map(params![rid], |r| {
                Ok(PartUsed {
                    id: r.get::<_, DbUuid>(0)?.0,
                    work_order_id: id,
                    part_number: r.get(1)?,
                    description: r.get(2)?,
                    quantity: r.get(3)?,
                    unit: r.get(6)?,
                    created_at: from_ms(r.get(4)?),
                    sync_state: sync_state(r.get(5)?)?,
                    voided: false,
                    corrections: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let photos = conn
            .prepare_cached(&format!(
                "SELECT x.id, x.sha256, x.mime, x.size_bytes, x.caption, x.created_at, {pending}
                 FROM photos x WHERE x.work_order_rid = ?1 ORDER BY x.created_at, x.rid"
            ))?
            .query_map(params![rid], |r| {
                Ok(Photo {
                    id: r.get::<_, DbUuid>(0)?.0,
                    work_order_id: id,
                    sha256: r.get(1)?,
                    mime: r.get(2)?,
                    size_bytes: r.get(3)?,
                    caption: r.get(4)?,
                    created_at: from_ms(r.get(5)?),
                    sync_state: sync_state(r.get(6)?)?,
                    voided: false,
                    corrections: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut wo = WorkOrder {
            summary,
            description,
            reported_by,
            started_at,
            cost,
            version,
            notes,
            parts,
            photos,
            downtime_intervals: self.intervals_of(rid)?,
        };
        self.attach_corrections(rid, &mut wo)?;
        Ok(wo)
    }
}
