//! The feed rows of diagnosis sessions, their records and guides (see `pull_rows::FEEDS`).

use faultline_protocol::{Change, DiagnosisSessionRecord, DiagnosisStepRecord, GuideRecord};
use tokio_postgres::types::Json;
use tokio_postgres::{Error, Row};

pub const SESSION_COLUMNS: &str = "id, asset_id, work_order_id, guide_id, guide_version,
    generated, guide, codes, started_by, started_at";

pub const RECORD_COLUMNS: &str =
    "id, session_id, seq, kind, step_id, answer, next_step, recorded_by, recorded_at";

pub fn session(r: &Row) -> Result<Change, Error> {
    let version: i32 = r.try_get(6)?;
    let Json(guide): Json<serde_json::Value> = r.try_get(8)?;
    let Json(codes): Json<Vec<String>> = r.try_get(9)?;
    Ok(Change::DiagnosisSession(DiagnosisSessionRecord {
        id: r.try_get(2)?,
        asset_id: r.try_get(3)?,
        work_order_id: r.try_get(4)?,
        guide_id: r.try_get(5)?,
        guide_version: u32::try_from(version).unwrap_or_default(),
        generated: r.try_get(7)?,
        guide,
        codes,
        started_by: r.try_get(10)?,
        started_at: r.try_get(11)?,
    }))
}

pub fn record(r: &Row) -> Result<Change, Error> {
    let seq: i32 = r.try_get(4)?;
    let answer: Option<Json<serde_json::Value>> = r.try_get(7)?;
    Ok(Change::DiagnosisRecord(DiagnosisStepRecord {
        id: r.try_get(2)?,
        session_id: r.try_get(3)?,
        seq: u32::try_from(seq).unwrap_or_default(),
        kind: r.try_get(5)?,
        step_id: r.try_get(6)?,
        answer: answer.map(|Json(a)| a),
        next_step: r.try_get(8)?,
        recorded_by: r.try_get(9)?,
        recorded_at: r.try_get(10)?,
    }))
}

pub const GUIDE_COLUMNS: &str = "id, version, title, guide";

pub fn guide(r: &Row) -> Result<Change, Error> {
    let version: i32 = r.try_get(3)?;
    let Json(guide): Json<serde_json::Value> = r.try_get(5)?;
    Ok(Change::Guide(GuideRecord {
        id: r.try_get(2)?,
        version: u32::try_from(version).unwrap_or_default(),
        title: r.try_get(4)?,
        guide,
    }))
}
