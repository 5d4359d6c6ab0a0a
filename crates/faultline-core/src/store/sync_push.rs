//! Push bookkeeping: which queued changes go up next, and what the hub answered for each, written
//! in one transaction per answered batch (a crash between push and record just replays the
//! batch, which the hub answers as the first time).

use super::rows::{from_ms, DbUuid};
use super::Store;
use crate::domain::RejectedChange;
use crate::error::Result;
use faultline_protocol::{MutationEnvelope, MutationResult, Outcome};
use rusqlite::{params, OptionalExtension};
use std::collections::BTreeSet;

/// What one answered batch did, for progress and the CLI's report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct PushTally {
    pub applied: u32,
    pub rejected: u32,
    pub conflicts: u32,
    /// Answers for mutation ids this laptop does not have (ignored).
    pub unknown: u32,
}

/// Batches add up to a sync's tally.
impl std::ops::AddAssign for PushTally {
    fn add_assign(&mut self, t: PushTally) {
        self.applied += t.applied;
        self.rejected += t.rejected;
        self.conflicts += t.conflicts;
        self.unknown += t.unknown;
    }
}

impl Store {
    /// The oldest `limit` changes not yet answered by the hub, in device order.
    pub fn pending_envelopes(&self, limit: usize) -> Result<Vec<MutationEnvelope>> {
        Ok(self
            .outbox(true, limit)?
            .into_iter()
            .map(|e| e.envelope)
            .collect())
    }

    /// Records the hub's answers: synced, rejected (with the reason) or in conflict (with both
    /// values). Applied answers raise the work order's known hub version. Once a work order has
    /// no pending change left, the hub copy pulled meanwhile (if any) is applied.
    pub fn record_push_results(&mut self, results: &[MutationResult]) -> Result<PushTally> {
        let now = self.clock().now().timestamp_millis();
        let mut tally = PushTally::default();
        let tx = self.conn_mut().transaction()?;
        let mut touched = BTreeSet::new();
        for r in results {
            let id = r.mutation_id.to_string();
            let wo: Option<String> = tx
                .prepare_cached("SELECT work_order_id FROM outbox WHERE mutation_id = ?1")?
                .query_row(params![id], |row| row.get(0))
                .optional()?;
            let Some(wo) = wo else {
                tally.unknown += 1;
                continue;
            };
            let (state, code, message) = match &r.outcome {
                Outcome::Applied { version } => {
                    tx.prepare_cached(
                        "UPDATE work_orders SET version = max(version, ?1) WHERE id = ?2",
                    )?
                    .execute(params![version, wo])?;
                    tally.applied += 1;
                    ("synced", None, None)
                }
                Outcome::Rejected { code, reason } => {
                    tally.rejected += 1;
                    ("rejected", Some(code.clone()), Some(reason.clone()))
                }
                Outcome::Conflict { conflict } => {
                    super::hub_conflicts::insert_conflict(&tx, conflict, now)?;
                    tally.conflicts += 1;
                    (
                        "conflict",
                        Some("conflict".to_string()),
                        Some(format!("{} was changed on the hub too", conflict.field)),
                    )
                }
            };
            tx.prepare_cached(
                "UPDATE outbox SET state = ?1, outcome_code = ?2, outcome_message = ?3,
                     answered_at = ?4 WHERE mutation_id = ?5 AND state = 'pending'",
            )?
            .execute(params![state, code, message, now, id])?;
            touched.insert(wo);
        }
        for wo in touched {
            super::sync_pull::apply_shadow_if_settled(&tx, &wo, now)?;
        }
        tx.commit()?;
        Ok(tally)
    }

    /// Changes the hub refused, newest first, with their reasons.
    pub fn rejected_changes(&self, limit: usize) -> Result<Vec<RejectedChange>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut stmt = self.conn().prepare_cached(
            "SELECT mutation_id, work_order_id, kind, coalesce(outcome_code, ''),
                    coalesce(outcome_message, ''), created_at
             FROM outbox WHERE state = 'rejected' ORDER BY seq DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit], |r| {
            Ok(RejectedChange {
                mutation_id: r.get::<_, DbUuid>(0)?.0,
                work_order_id: r.get::<_, DbUuid>(1)?.0,
                kind: r.get(2)?,
                code: r.get(3)?,
                reason: r.get(4)?,
                created_at: from_ms(r.get(5)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
