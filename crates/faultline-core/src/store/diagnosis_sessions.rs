//! Diagnosis sessions on the laptop: start one on an asset (and its work order) with the guide
//! copied in, then each answer or "back" is one append-only record written in its own
//! transaction at once, so a crash or kill loses nothing acknowledged.

use super::outbox::append;
use super::Store;
use crate::domain::{
    replay, DiagnosisSession, Guide, GuideAnswer, SessionRecord, SessionRecordKind,
};
use crate::error::{CoreError, Result};
use crate::validate::{self, MAX_SHORT_TEXT_CHARS};
use chrono::{DateTime, Utc};
use faultline_protocol::{DiagnosisSessionRecord, DiagnosisStepRecord, Mutation};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use uuid::Uuid;

/// What a session starts from.
#[derive(Debug, Clone)]
pub struct NewDiagnosisSession {
    pub asset_id: String,
    pub work_order_id: Option<String>,
    pub guide: Guide,
    pub generated: bool,
    pub codes: Vec<String>,
    pub started_by: String,
}

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| CoreError::InvalidState(format!("session JSON: {e}")))
}

fn who(by: &str) -> Result<String> {
    let by = by.trim();
    if by.is_empty() {
        return Err(CoreError::InvalidInput(
            "who is answering? give the technician's name".into(),
        ));
    }
    validate::check_text("author", "the technician's name", by, MAX_SHORT_TEXT_CHARS)?;
    Ok(by.to_string())
}

/// A session's work order must be on the session's asset: refused, saying what to do, when the
/// work order is on another asset (a work order not in the replica is not checked here).
fn work_order_on_asset(conn: &Connection, work_order_id: &str, asset_id: &str) -> Result<()> {
    let on: Option<(String, String, String)> = conn
        .prepare_cached(
            "SELECT w.number, a.id, a.tag FROM work_orders w JOIN assets a ON a.rid = w.asset_rid
             WHERE w.id = ?1",
        )?
        .query_row(params![work_order_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((number, on_id, on_tag)) = on else {
        return Ok(());
    };
    if on_id.eq_ignore_ascii_case(asset_id.trim()) {
        return Ok(());
    }
    let asked: String = conn
        .prepare_cached("SELECT tag FROM assets WHERE id = ?1")?
        .query_row(params![asset_id.trim()], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| asset_id.trim().to_string());
    Err(CoreError::InvalidInput(format!(
        "work order {number} is on asset {on_tag}, not {asked}: diagnose it on {on_tag} (name \
         only the work order), or start the session on {asked} without that work order"
    )))
}

impl Store {
    /// Starts a session (one transaction) and returns it, at its first step. Refused when the
    /// work order is on another asset than the session's.
    pub fn start_diagnosis_session(&mut self, s: &NewDiagnosisSession) -> Result<DiagnosisSession> {
        s.guide.well_formed().map_err(CoreError::InvalidInput)?;
        let by = who(&s.started_by)?;
        let uuid = |what: &str, v: &str| {
            Uuid::parse_str(v.trim()).map_err(|_| {
                CoreError::InvalidInput(format!("{what} {v:?} is not an id: name it by its id"))
            })
        };
        let asset_id = uuid("the asset", &s.asset_id)?;
        let work_order_id = s
            .work_order_id
            .as_deref()
            .map(|w| uuid("the work order", w))
            .transpose()?;
        if let Some(w) = &s.work_order_id {
            work_order_on_asset(self.conn(), w.trim(), &s.asset_id)?;
        }
        let (uid, mutation_id) = (self.ids().new_id(), self.ids().new_id());
        let id = uid.to_string();
        let at = self.clock().now();
        let now = ms(at);
        let guide_json = serde_json::to_value(&s.guide)
            .map_err(|e| CoreError::InvalidState(format!("session JSON: {e}")))?;
        let tx = self.conn_mut().transaction()?;
        tx.prepare_cached(
            "INSERT INTO diagnosis_sessions (id, asset_id, work_order_id, guide_id, guide_version,
                 generated, guide, codes, started_by, started_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
            id,
            s.asset_id,
            s.work_order_id,
            s.guide.id,
            s.guide.version,
            s.generated,
            to_json(&s.guide)?,
            to_json(&s.codes)?,
            by,
            now
        ])?;
        let m = Mutation::StartDiagnosis {
            session: DiagnosisSessionRecord {
                id: uid,
                asset_id,
                work_order_id,
                guide_id: s.guide.id.clone(),
                guide_version: s.guide.version,
                generated: s.generated,
                guide: guide_json,
                codes: s.codes.clone(),
                started_by: by.clone(),
                started_at: at,
            },
        };
        append(&tx, mutation_id, uid, 0, at, &m)?;
        tx.commit()?;
        self.diagnosis_session(&id)
    }

    /// Answers the session's current step: refused when `step_id` is not the step to answer
    /// now or the answer does not fit it. One transaction, committed before this returns.
    pub fn answer_diagnosis_step(
        &mut self,
        session_id: &str,
        step_id: &str,
        answer: &GuideAnswer,
        by: &str,
    ) -> Result<DiagnosisSession> {
        self.append_record(session_id, by, |s| {
            if s.conclusion.is_some() {
                return Err(CoreError::InvalidState(format!(
                    "session {} has reached its conclusion ({}): go back to change an answer",
                    s.id, s.current_step
                )));
            }
            if s.current_step != step_id.trim() {
                return Err(CoreError::InvalidState(format!(
                    "step {step_id} is not the one to answer now: the session is at step {}",
                    s.current_step
                )));
            }
            let next = s
                .guide
                .next(&s.current_step, answer)
                .map_err(CoreError::InvalidInput)?;
            Ok((
                SessionRecordKind::Answer,
                s.current_step.clone(),
                Some(answer.clone()),
                Some(next),
            ))
        })
    }

    /// Goes back one step: the latest answer in force is marked superseded (kept in the record).
    pub fn diagnosis_back(&mut self, session_id: &str, by: &str) -> Result<DiagnosisSession> {
        self.append_record(session_id, by, |s| match s.answers_in_force().last() {
            Some(r) => Ok((SessionRecordKind::Back, r.step_id.clone(), None, None)),
            None => Err(CoreError::InvalidState(format!(
                "session {} is at its first step: there is nothing to go back to",
                s.id
            ))),
        })
    }

    /// Reads the session inside an immediate transaction, lets `decide` make the record from
    /// it, writes the record and commits.
    fn append_record(
        &mut self,
        session_id: &str,
        by: &str,
        decide: impl FnOnce(
            &DiagnosisSession,
        ) -> Result<(
            SessionRecordKind,
            String,
            Option<GuideAnswer>,
            Option<String>,
        )>,
    ) -> Result<DiagnosisSession> {
        let by = who(by)?;
        let (record_uuid, mutation_id) = (self.ids().new_id(), self.ids().new_id());
        let record_id = record_uuid.to_string();
        let at = self.clock().now();
        let now = ms(at);
        let tx = self
            .conn_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(mut s) = read_session(&tx, session_id)? else {
            return Err(not_found(session_id));
        };
        let session_uuid = Uuid::parse_str(&s.id)
            .map_err(|_| CoreError::InvalidState(format!("session id {:?}", s.id)))?;
        let (kind, step_id, answer, next_step) = decide(&s)?;
        let record = SessionRecord {
            // A Lamport number: one more than the highest this laptop knows for the session
            // (another laptop's concurrent record may carry the same seq; the id keeps both).
            seq: s
                .records
                .iter()
                .map(|r| r.seq)
                .max()
                .unwrap_or(0)
                .saturating_add(1),
            id: record_id,
            kind,
            step_id,
            answer,
            next_step,
            recorded_by: by,
            recorded_at: time(now),
            superseded: false,
        };
        insert_record(&tx, session_id, &record)?;
        let m = Mutation::RecordDiagnosis {
            record: DiagnosisStepRecord {
                id: record_uuid,
                session_id: session_uuid,
                seq: record.seq,
                kind: record.kind.as_str().to_string(),
                step_id: record.step_id.clone(),
                answer: record
                    .answer
                    .as_ref()
                    .map(serde_json::to_value)
                    .transpose()
                    .map_err(|e| CoreError::InvalidState(format!("answer JSON: {e}")))?,
                next_step: record.next_step.clone(),
                recorded_by: record.recorded_by.clone(),
                recorded_at: at,
            },
        };
        append(&tx, mutation_id, record_uuid, 0, at, &m)?;
        tx.commit()?;
        s.records.push(record);
        s.derive();
        Ok(s)
    }

    /// One session with its records.
    pub fn diagnosis_session(&self, id: &str) -> Result<DiagnosisSession> {
        read_session(self.conn(), id)?.ok_or_else(|| not_found(id))
    }

    /// The sessions on a work order, oldest first.
    pub fn diagnosis_sessions_for_work_order(
        &self,
        work_order_id: &str,
    ) -> Result<Vec<DiagnosisSession>> {
        let ids: Vec<String> = self
            .conn()
            .prepare_cached(
                "SELECT id FROM diagnosis_sessions WHERE work_order_id = ?1 ORDER BY started_at, rid",
            )?
            .query_map(params![work_order_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.iter().map(|id| self.diagnosis_session(id)).collect()
    }
}

/// Stores a session pulled from the hub (one another laptop started); one already here stays.
pub(super) fn apply_pulled_session(conn: &Connection, s: &DiagnosisSessionRecord) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO diagnosis_sessions (id, asset_id, work_order_id, guide_id, guide_version,
             generated, guide, codes, started_by, started_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(id) DO NOTHING",
    )?
    .execute(params![
        s.id.to_string(),
        s.asset_id.to_string(),
        s.work_order_id.map(|w| w.to_string()),
        s.guide_id,
        s.guide_version,
        s.generated,
        to_json(&s.guide)?,
        to_json(&s.codes)?,
        s.started_by,
        ms(s.started_at)
    ])?;
    Ok(())
}

/// Stores a pulled session record; `false` when its session is not on this laptop (or the
/// record is already here: the same id). A record of another laptop with a seq taken here is kept.
pub(super) fn apply_pulled_record(conn: &Connection, r: &DiagnosisStepRecord) -> Result<bool> {
    let kind = SessionRecordKind::parse(&r.kind)
        .ok_or_else(|| CoreError::InvalidState(format!("record kind {:?}", r.kind)))?;
    let answer = r.answer.as_ref().map(to_json).transpose()?;
    let n = conn
        .prepare_cached(
            "INSERT INTO diagnosis_records (session_rid, seq, id, kind, step_id, answer,
                 next_step, recorded_by, recorded_at)
             SELECT rid, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 FROM diagnosis_sessions WHERE id = ?1
             ON CONFLICT DO NOTHING",
        )?
        .execute(params![
            r.session_id.to_string(),
            r.seq,
            r.id.to_string(),
            kind.as_str(),
            r.step_id,
            answer,
            r.next_step,
            r.recorded_by,
            ms(r.recorded_at)
        ])?;
    Ok(n > 0)
}

fn not_found(id: &str) -> CoreError {
    CoreError::NotFound(format!("no diagnosis session {id:?} on this laptop"))
}

fn insert_record(conn: &Connection, session_id: &str, r: &SessionRecord) -> Result<()> {
    let answer = r.answer.as_ref().map(to_json).transpose()?;
    conn.prepare_cached(
        "INSERT INTO diagnosis_records (session_rid, seq, id, kind, step_id, answer, next_step,
             recorded_by, recorded_at)
         SELECT rid, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 FROM diagnosis_sessions WHERE id = ?1",
    )?
    .execute(params![
        session_id,
        r.seq,
        r.id,
        r.kind.as_str(),
        r.step_id,
        answer,
        r.next_step,
        r.recorded_by,
        ms(r.recorded_at)
    ])?;
    Ok(())
}

fn read_session(conn: &Connection, id: &str) -> Result<Option<DiagnosisSession>> {
    let row = conn
        .prepare_cached(
            "SELECT s.rid, s.id, s.asset_id, a.tag, s.work_order_id, s.generated, s.guide,
                    s.codes, s.started_by, s.started_at
             FROM diagnosis_sessions s LEFT JOIN assets a ON a.id = s.asset_id
             WHERE s.id = ?1",
        )?
        .query_row(params![id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, bool>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, i64>(9)?,
            ))
        })
        .optional()?;
    let Some((rid, id, asset_id, asset_tag, work_order_id, generated, guide, codes, by, at)) = row
    else {
        return Ok(None);
    };
    let bad = |what: &str, e: serde_json::Error| {
        CoreError::InvalidState(format!(
            "session {id}: the stored {what} is unreadable: {e}"
        ))
    };
    let guide: Guide = serde_json::from_str(&guide).map_err(|e| bad("guide", e))?;
    let codes: Vec<String> = serde_json::from_str(&codes).map_err(|e| bad("codes", e))?;
    let mut stmt = conn.prepare_cached(
        "SELECT seq, id, kind, step_id, answer, next_step, recorded_by, recorded_at
         FROM diagnosis_records WHERE session_rid = ?1 ORDER BY seq, recorded_at, id",
    )?;
    let raw = stmt
        .query_map(params![rid], |r| {
            Ok((
                r.get::<_, u32>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, i64>(7)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut records = Vec::with_capacity(raw.len());
    for (seq, rid, kind, step_id, answer, next_step, recorded_by, recorded_at) in raw {
        let kind = SessionRecordKind::parse(&kind)
            .ok_or_else(|| CoreError::InvalidState(format!("session {id}: record kind {kind}")))?;
        let answer = answer
            .map(|a| serde_json::from_str::<GuideAnswer>(&a))
            .transpose()
            .map_err(|e| bad("answer", e))?;
        records.push(SessionRecord {
            seq,
            id: rid,
            kind,
            step_id,
            answer,
            next_step,
            recorded_by,
            recorded_at: time(recorded_at),
            superseded: false,
        });
    }
    let (_, current_step) = replay(&guide, &records);
    let mut s = DiagnosisSession {
        id,
        asset_id,
        asset_tag,
        work_order_id,
        guide,
        generated,
        codes,
        started_by: by,
        started_at: time(at),
        records,
        current_step,
        conclusion: None,
    };
    s.derive();
    Ok(Some(s))
}

#[cfg(test)]
mod tests {
    use super::super::guides_tests::guide;
    use super::super::test_support::demo_store;
    use super::NewDiagnosisSession;
    use crate::error::CoreError;
    use rusqlite::params;

    #[test]
    fn a_session_whose_work_order_is_on_another_asset_is_refused_saying_what_to_do() {
        let mut store = demo_store();
        // A work order and its asset, and another asset.
        let pick = |sql: &str| -> (String, String, String) {
            store
                .conn()
                .query_row(sql, params![], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap_or_default()
        };
        let (wo, number, on) = pick(
            "SELECT w.id, w.number, a.id FROM work_orders w JOIN assets a ON a.rid = w.asset_rid
             ORDER BY w.rid LIMIT 1",
        );
        let (other, other_tag, _) = pick(&format!(
            "SELECT id, tag, '' FROM assets WHERE id <> '{on}' ORDER BY rid LIMIT 1"
        ));
        assert!(!wo.is_empty() && !other.is_empty(), "the demo has both");
        let session = |asset: &str| NewDiagnosisSession {
            asset_id: asset.into(),
            work_order_id: Some(wo.clone()),
            guide: guide("G1", 1, &["VX-300"], &[]),
            generated: false,
            codes: vec!["OC1".into()],
            started_by: "ana".into(),
        };
        match store.start_diagnosis_session(&session(&other)) {
            Err(CoreError::InvalidInput(m)) => {
                assert!(
                    m.contains(&format!("work order {number} is on asset")),
                    "{m}"
                );
                assert!(m.contains(&format!("not {other_tag}")), "{m}");
                assert!(m.contains("name only the work order"), "{m}");
            }
            other => panic!("refused expected, got {other:?}"),
        }
        let none: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM diagnosis_sessions", params![], |r| {
                r.get(0)
            })
            .unwrap_or(-1);
        assert_eq!(none, 0, "nothing written");
        assert!(store.start_diagnosis_session(&session(&on)).is_ok());
    }
}
