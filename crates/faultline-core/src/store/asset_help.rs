//! The asset page's help for the job at hand: earlier fixes of the open breakdown's code, alarms
//! grouped by code, and the open work of the asset's children.

use super::rows::from_ms;
use super::work_order_reads::{summary_row, SUMMARY_SELECT};
use super::Store;
use crate::domain::{AssetHelp, FaultGroup, WorkOrderSummary};
use crate::error::Result;
use rusqlite::params;

/// Earlier fixes listed.
const MAX_FIXES: i64 = 5;
/// Alarms looked at for grouping (the newest).
const ALARM_WINDOW: i64 = 500;
/// Children's open work orders listed.
const MAX_CHILD_WORK: i64 = 50;

impl Store {
    /// Help for the asset `rid` given its open work orders (as the asset page read them).
    pub(super) fn asset_help(&self, rid: i64, open: &[WorkOrderSummary]) -> Result<AssetHelp> {
        let conn = self.conn();
        let current = open
            .iter()
            .find(|w| w.wo_type == crate::domain::WorkOrderType::Breakdown)
            .or(open.first());
        let fault = current.and_then(|w| w.fault_code.clone());
        let problem = current.and_then(|w| w.failure.problem_code.clone());
        let same_code_fixes = if fault.is_some() || problem.is_some() {
            conn.prepare_cached(&format!(
                "{SUMMARY_SELECT} WHERE w.asset_rid = ?1
                   AND w.status IN ('completed', 'closed')
                   AND ((?2 IS NOT NULL AND w.fault_code = ?2 COLLATE NOCASE)
                        OR (?3 IS NOT NULL AND w.problem_code = ?3))
                 ORDER BY w.reported_at DESC LIMIT ?4"
            ))?
            .query_map(params![rid, fault, problem, MAX_FIXES], summary_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?
        } else {
            Vec::new()
        };
        let fault_groups = conn
            .prepare_cached(
                "SELECT code, count(*), min(occurred_at), max(occurred_at),
                        (SELECT message FROM fault_events g WHERE g.asset_rid = ?1 AND g.code = f.code
                          ORDER BY g.occurred_at DESC LIMIT 1)
                 FROM (SELECT code, occurred_at FROM fault_events WHERE asset_rid = ?1
                       ORDER BY occurred_at DESC LIMIT ?2) f
                 GROUP BY code ORDER BY max(occurred_at) DESC",
            )?
            .query_map(params![rid, ALARM_WINDOW], |r| {
                Ok(FaultGroup {
                    code: r.get(0)?,
                    count: r.get(1)?,
                    first: from_ms(r.get(2)?),
                    last: from_ms(r.get(3)?),
                    message: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let children_open_work = conn
            .prepare_cached(&format!(
                "WITH RECURSIVE below(rid, depth) AS (
                     SELECT rid, 1 FROM assets WHERE parent_rid = ?1
                     UNION SELECT a.rid, b.depth + 1 FROM assets a JOIN below b ON a.parent_rid = b.rid
                      WHERE b.depth < 8)
                 {SUMMARY_SELECT} WHERE w.asset_rid IN (SELECT rid FROM below)
                   AND w.status IN ('open', 'in_progress')
                 ORDER BY w.priority, w.reported_at DESC LIMIT ?2"
            ))?
            .query_map(params![rid, MAX_CHILD_WORK], summary_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(AssetHelp {
            matched_code: fault.or(problem),
            same_code_fixes,
            fault_groups,
            children_open_work,
        })
    }
}
