//! Pushed diagnosis sessions and their records (append-only, like handover notes): checked with
//! the laptop's text and time rules, a session only on an asset and work order of the site, a
//! record only for a session the site has (on the hub or earlier in the batch), written at the
//! end of the push; an id already there is left alone.

use super::push_appends::text;
use super::push_batch::{rejected, Batch, Decision};
use super::Tx as Transaction;
use crate::error::Result;
use faultline_core::validate::{self, Invalid, MAX_CODE_CHARS, MAX_SHORT_TEXT_CHARS};
use faultline_protocol::push::reject_codes;
use faultline_protocol::{DiagnosisSessionRecord, DiagnosisStepRecord, Outcome};
use tokio_postgres::types::Json;

fn invalid(reason: impl Into<String>) -> Decision {
    Decision::Record(rejected(reject_codes::INVALID_VALUE, reason))
}

fn check_session(s: &DiagnosisSessionRecord, b: &Batch<'_>) -> std::result::Result<(), Invalid> {
    text(
        "guide_id",
        "the guide id",
        &s.guide_id,
        MAX_CODE_CHARS + 64,
        true,
    )?;
    text(
        "started_by",
        "the technician's name",
        &s.started_by,
        MAX_SHORT_TEXT_CHARS,
        true,
    )?;
    for c in &s.codes {
        text("codes", "a code", c, MAX_CODE_CHARS, false)?;
    }
    if !s.guide.is_object() {
        return Err(Invalid::new("guide", "the session's guide is not a guide"));
    }
    validate::check_time("started_at", "the session's start", s.started_at, b.now)
}

fn check_record(r: &DiagnosisStepRecord, b: &Batch<'_>) -> std::result::Result<(), Invalid> {
    if !matches!(r.kind.as_str(), "answer" | "back") || r.seq == 0 {
        return Err(Invalid::new(
            "kind",
            format!("{:?} #{} is not a session record", r.kind, r.seq),
        ));
    }
    text("step_id", "the step id", &r.step_id, MAX_CODE_CHARS, true)?;
    if let Some(n) = &r.next_step {
        text("next_step", "the next step id", n, MAX_CODE_CHARS, true)?;
    }
    text(
        "recorded_by",
        "the technician's name",
        &r.recorded_by,
        MAX_SHORT_TEXT_CHARS,
        true,
    )?;
    validate::check_time("recorded_at", "the answer's time", r.recorded_at, b.now)
}

/// Decides a session start: its asset, and its work order when it names one, must be the
/// site's (on the hub or created earlier in the batch).
pub fn start(b: &mut Batch<'_>, s: &DiagnosisSessionRecord) -> Decision {
    if let Err(e) = check_session(s, b) {
        return invalid(e.reason);
    }
    if !b.assets.contains(&s.asset_id) {
        return Decision::Record(rejected(
            reject_codes::UNKNOWN_RECORD,
            format!(
                "diagnosis session {}: asset {} is not on site {}",
                s.id,
                s.asset_id,
                b.site()
            ),
        ));
    }
    if let Some(wo) = s.work_order_id.filter(|wo| !b.wos.contains_key(wo)) {
        return Decision::Record(rejected(
            reject_codes::UNKNOWN_RECORD,
            format!(
                "diagnosis session {}: work order {wo} is not on site {}",
                s.id,
                b.site()
            ),
        ));
    }
    if b.extra.diagnosis.known.insert(s.id) {
        b.extra.diagnosis.sessions.push(s.clone());
    }
    Decision::Record(Outcome::Applied { version: 0 })
}

/// Decides a session record: its session must be the site's.
pub fn record(b: &mut Batch<'_>, r: &DiagnosisStepRecord) -> Decision {
    if let Err(e) = check_record(r, b) {
        return invalid(e.reason);
    }
    if !b.extra.diagnosis.known.contains(&r.session_id) {
        return Decision::Record(rejected(
            reject_codes::UNKNOWN_RECORD,
            format!(
                "diagnosis session {} is not on site {}",
                r.session_id,
                b.site()
            ),
        ));
    }
    if !b.extra.diagnosis.records.iter().any(|x| x.id == r.id) {
        b.extra.diagnosis.records.push(r.clone());
    }
    Decision::Record(Outcome::Applied { version: 0 })
}

/// Writes the batch's sessions, then their records.
pub async fn write(tx: &Transaction<'_>, b: &Batch<'_>) -> Result<()> {
    let (site, device, d) = (b.site(), b.device.id, &b.extra.diagnosis);
    if !d.sessions.is_empty() {
        let stmt = tx
            .prepare_cached(
                "INSERT INTO diagnosis_sessions (site, device_id, id, asset_id, work_order_id,
                     guide_id, guide_version, generated, guide, codes, started_by, started_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                 ON CONFLICT (site, id) DO NOTHING",
            )
            .await?;
        for s in &d.sessions {
            let version = i32::try_from(s.guide_version).unwrap_or(i32::MAX);
            tx.execute(
                &stmt,
                &[
                    &site,
                    &device,
                    &s.id,
                    &s.asset_id,
                    &s.work_order_id,
                    &s.guide_id,
                    &version,
                    &s.generated,
                    &Json(&s.guide),
                    &Json(&s.codes),
                    &s.started_by,
                    &s.started_at,
                ],
            )
            .await?;
        }
    }
    if !d.records.is_empty() {
        let stmt = tx
            .prepare_cached(
                "INSERT INTO diagnosis_records (site, device_id, id, session_id, seq, kind,
                     step_id, answer, next_step, recorded_by, recorded_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                 ON CONFLICT (site, id) DO NOTHING",
            )
            .await?;
        for r in &d.records {
            let seq = i32::try_from(r.seq).unwrap_or(i32::MAX);
            tx.execute(
                &stmt,
                &[
                    &site,
                    &device,
                    &r.id,
                    &r.session_id,
                    &seq,
                    &r.kind,
                    &r.step_id,
                    &r.answer.as_ref().map(Json),
                    &r.next_step,
                    &r.recorded_by,
                    &r.recorded_at,
                ],
            )
            .await?;
        }
    }
    Ok(())
}
