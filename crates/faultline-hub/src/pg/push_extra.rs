//! What a push batch reads besides its work orders (`push_context`): the targets its
//! corrections name and the diagnosis sessions its records name. Plain data and its reads, so
//! `push_batch` can hold it without importing the files that decide on it (`push_corrections`,
//! `push_diagnosis`), which import `push_batch` themselves.

use super::Tx as Transaction;
use crate::error::Result;
use chrono::{DateTime, Utc};
use faultline_protocol::correction::targets;
use faultline_protocol::{
    CorrectionRecord, DiagnosisSessionRecord, DiagnosisStepRecord, HandoverNoteRecord, Mutation,
    MutationEnvelope,
};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// What corrections, handover notes and restarted downtime add to a batch.
#[derive(Default)]
pub struct Extra {
    /// Target id → (target kind, work order) of the site's notes, parts and photos the batch's
    /// corrections name.
    pub targets: HashMap<Uuid, (&'static str, Uuid)>,
    pub corrections: Vec<CorrectionRecord>,
    pub handover_notes: Vec<HandoverNoteRecord>,
    /// (work order, start, end) of downtime intervals that a new stop finished.
    pub past_intervals: Vec<(Uuid, DateTime<Utc>, DateTime<Utc>)>,
    /// Diagnosis sessions and their records (`push_diagnosis`).
    pub diagnosis: Diagnosis,
}

impl Extra {
    /// Reads the targets the corrections among `fresh` name.
    pub async fn read(
        tx: &Transaction<'_>,
        site: &str,
        fresh: &[&MutationEnvelope],
    ) -> Result<Extra> {
        let mut ids: Vec<Uuid> = fresh
            .iter()
            .filter_map(|e| match &e.mutation {
                Mutation::Correct { correction } => Some(correction.target_id),
                _ => None,
            })
            .collect();
        let mut extra = Extra {
            diagnosis: Diagnosis::read(tx, site, fresh).await?,
            ..Extra::default()
        };
        if ids.is_empty() {
            return Ok(extra);
        }
        ids.sort_unstable();
        ids.dedup();
        let stmt = tx
            .prepare_cached(
                "SELECT id, 0::int2, work_order_id FROM notes WHERE site = $1 AND id = ANY($2)
                 UNION ALL
                 SELECT id, 1::int2, work_order_id FROM parts WHERE site = $1 AND id = ANY($2)
                 UNION ALL
                 SELECT id, 2::int2, work_order_id FROM photos WHERE site = $1 AND id = ANY($2)",
            )
            .await?;
        for r in tx.query(&stmt, &[&site, &ids]).await? {
            let kind = match r.get::<_, i16>(1) {
                0 => targets::NOTE,
                1 => targets::PART,
                _ => targets::PHOTO,
            };
            extra.targets.insert(r.get(0), (kind, r.get(2)));
        }
        Ok(extra)
    }
}

/// What diagnosis sessions add to a batch.
#[derive(Default)]
pub struct Diagnosis {
    /// Sessions of the site the batch's records name, as found on the hub, plus the batch's own.
    pub known: HashSet<Uuid>,
    pub sessions: Vec<DiagnosisSessionRecord>,
    pub records: Vec<DiagnosisStepRecord>,
}

impl Diagnosis {
    /// Reads which of the sessions the batch's records name the site has.
    pub async fn read(
        tx: &Transaction<'_>,
        site: &str,
        fresh: &[&MutationEnvelope],
    ) -> Result<Diagnosis> {
        let mut ids: Vec<Uuid> = fresh
            .iter()
            .filter_map(|e| match &e.mutation {
                Mutation::RecordDiagnosis { record } => Some(record.session_id),
                _ => None,
            })
            .collect();
        let mut d = Diagnosis::default();
        if ids.is_empty() {
            return Ok(d);
        }
        ids.sort_unstable();
        ids.dedup();
        let stmt = tx
            .prepare_cached("SELECT id FROM diagnosis_sessions WHERE site = $1 AND id = ANY($2)")
            .await?;
        for r in tx.query(&stmt, &[&site, &ids]).await? {
            d.known.insert(r.get(0));
        }
        Ok(d)
    }
}
