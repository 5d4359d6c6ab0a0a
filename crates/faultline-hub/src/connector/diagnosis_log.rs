//! Diagnosis sessions as the CMMS's work log (docs/cmms-connectors.md, "Diagnosis records"): a
//! planner reads one worklog per session on the work order — written when a record brings the
//! session to its conclusion (the record's mutation id as its reference), or, for a session
//! that never got there, when the work order is closed (a `diagnosis_summary` queue row, hub
//! migration 13, the session id as its reference). The text: "Diagnosis: <guide> → <conclusion>",
//! the steps with their answers, measured values with unit, range and time, answers taken back
//! marked superseded, and the conclusion's codes (sent as the failure report by the close).
//!
//! A session that grows after its worklog was sent adds another worklog when it reaches a
//! conclusion again (a new record, a new reference); the first one is never rewritten: a work
//! log is a log, and an update of a child row would need its Maximo row id, which nothing the
//! hub sends has — appending keeps both versions readable, in order, each as it was concluded.

use super::OutboxItem;
use crate::error::Result;
use faultline_core::domain::{
    DiagnosisSession, Guide, GuideAnswer, SessionRecord, SessionRecordKind, StepKind,
};
use serde_json::{json, Value};
use uuid::Uuid;

/// The kinds whose queue rows carry their session ([`load`]).
pub fn wanted(item: &OutboxItem) -> bool {
    matches!(item.kind.as_str(), "record_diagnosis" | "diagnosis_summary")
}

/// The session of a queued row.
fn session_id(item: &OutboxItem) -> Option<Uuid> {
    let p = &item.payload;
    let id = match item.kind.as_str() {
        "record_diagnosis" => &p["record"]["session_id"],
        _ => &p["session_id"],
    };
    id.as_str().and_then(|s| Uuid::parse_str(s).ok())
}

/// The session of `item` as the hub has it now (every record, in the order the laptops
/// replay them); `None` when the hub lacks it or its guide is not one the app could walk.
pub async fn load(
    tx: &tokio_postgres::Transaction<'_>,
    item: &OutboxItem,
) -> Result<Option<DiagnosisSession>> {
    let Some(id) = session_id(item) else {
        return Ok(None);
    };
    let Some(s) = tx
        .query_opt(
            "SELECT guide, codes, started_by, started_at, asset_id, work_order_id, generated
             FROM diagnosis_sessions WHERE site = $1 AND id = $2",
            &[&item.site, &id],
        )
        .await?
    else {
        return Ok(None);
    };
    let guide = match serde_json::from_value::<Guide>(s.try_get(0)?) {
        Ok(guide) => guide,
        Err(e) => {
            tracing::warn!(site = %item.site, session = %id, error = %e,
                "diagnosis session's stored guide unreadable: no worklog is sent for it");
            return Ok(None);
        }
    };
    let codes: Value = s.try_get(1)?;
    let records = tx
        .query(
            "SELECT id, seq, kind, step_id, answer, next_step, recorded_by, recorded_at
             FROM diagnosis_records WHERE site = $1 AND session_id = $2
             ORDER BY seq, recorded_at, id",
            &[&item.site, &id],
        )
        .await?
        .iter()
        .map(|r| {
            let answer: Option<Value> = r.try_get(4)?;
            Ok(SessionRecord {
                id: r.try_get::<_, Uuid>(0)?.to_string(),
                seq: u32::try_from(r.try_get::<_, i32>(1)?).unwrap_or(0),
                kind: SessionRecordKind::parse(r.try_get(2)?).unwrap_or(SessionRecordKind::Back),
                step_id: r.try_get(3)?,
                answer: answer.and_then(|a| serde_json::from_value(a).ok()),
                next_step: r.try_get(5)?,
                recorded_by: r.try_get(6)?,
                recorded_at: r.try_get(7)?,
                superseded: false,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(DiagnosisSession {
        id: id.to_string(),
        asset_id: s.try_get::<_, Uuid>(4)?.to_string(),
        asset_tag: item.asset_tag.clone(),
        work_order_id: s.try_get::<_, Option<Uuid>>(5)?.map(|w| w.to_string()),
        guide,
        generated: s.try_get(6)?,
        codes: serde_json::from_value(codes).unwrap_or_default(),
        started_by: s.try_get(2)?,
        started_at: s.try_get(3)?,
        records,
        current_step: String::new(),
        conclusion: None,
    }))
}

/// Maximo's work log type of a diagnosis worklog: `WORK`, a value of Maximo's default LOGTYPE
/// domain (a value outside a site's domain is refused, and a refusal holds the work order's
/// later changes back); the description's "Diagnosis:" tells it from a note.
pub const DIAGNOSIS_LOGTYPE: &str = "WORK";

/// Maximo's worklog description holds 100 characters.
const DESCRIPTION_CHARS: usize = 100;

/// The worklog row of a queued diagnosis row, or `None`: a record that does not conclude its
/// session, a session concluded already at the close (its conclusion wrote it), a session the
/// hub lacks or a work order the session has none of.
pub fn worklog(item: &OutboxItem) -> Option<Value> {
    let mut s = item.diagnosis.clone()?;
    item.work_order_id?;
    let (by, at, finished) = match item.kind.as_str() {
        "record_diagnosis" => {
            let rid = item.payload["record"]["id"].as_str()?;
            let k = s.records.iter().position(|r| r.id == rid)?;
            s.records.truncate(k + 1);
            s.derive();
            let r = s.records.last()?;
            if r.kind != SessionRecordKind::Answer || r.superseded || s.conclusion.is_none() {
                return None;
            }
            (r.recorded_by.clone(), r.recorded_at, true)
        }
        "diagnosis_summary" => {
            s.derive();
            if s.conclusion.is_some() {
                return None;
            }
            let at = s.records.last().map_or(s.started_at, |r| r.recorded_at);
            (s.started_by.clone(), at, false)
        }
        _ => return None,
    };
    let step_text = s
        .guide
        .step(&s.current_step)
        .map_or(s.current_step.clone(), |st| st.text.clone());
    let title = if finished {
        format!("Diagnosis: {} → {}", s.guide.title, step_text)
    } else {
        format!("Diagnosis: {} (paused at: {})", s.guide.title, step_text)
    };
    Some(json!({
        "logtype": DIAGNOSIS_LOGTYPE,
        "createby": by,
        "createdate": at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "description": title.chars().take(DESCRIPTION_CHARS).collect::<String>(),
        "description_longdescription": long_text(&s, finished),
        "externalrefid": item.mutation_id.to_string(),
    }))
}

fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn number(v: f64) -> String {
    let s = format!("{v}");
    s.strip_suffix(".0").map_or(s.clone(), str::to_string)
}

/// An answer in the technician's words: a choice's label, a value with its unit and whether
/// it was in the step's range.
fn answer_text(guide: &Guide, r: &SessionRecord) -> String {
    let kind = guide.step(&r.step_id).map(|s| &s.kind);
    match (&r.answer, kind) {
        (Some(GuideAnswer::Done), _) => "done".into(),
        (Some(GuideAnswer::Choice { value }), Some(StepKind::Question { choices })) => choices
            .iter()
            .find(|c| c.value.eq_ignore_ascii_case(value))
            .map_or(value.clone(), |c| c.label.clone()),
        (Some(GuideAnswer::Choice { value }), _) => value.clone(),
        (
            Some(GuideAnswer::Value { value }),
            Some(StepKind::Measurement { unit, min, max, .. }),
        ) => {
            let inside = min.is_none_or(|m| *value >= m) && max.is_none_or(|m| *value <= m);
            let range = format!(
                "{} to {}",
                min.map_or("-".into(), number),
                max.map_or("-".into(), number)
            );
            format!(
                "{} {unit} ({} {range} {unit})",
                number(*value),
                if inside { "within" } else { "outside" }
            )
        }
        (Some(GuideAnswer::Value { value }), _) => number(*value),
        (None, _) => String::new(),
    }
}

/// The worklog's long description: the guide, what was shown, every record in order and where
/// the session stands.
fn long_text(s: &DiagnosisSession, finished: bool) -> String {
    let g = &s.guide;
    let mut out = vec![format!(
        "Guide: {} ({} v{}{})",
        g.title,
        g.id,
        g.version,
        if s.generated {
            ", a checklist generated from the likely causes"
        } else {
            ""
        }
    )];
    if !s.codes.is_empty() {
        out.push(format!("Codes shown: {}", s.codes.join(", ")));
    }
    out.push(format!(
        "Started by {} at {}",
        s.started_by,
        when(s.started_at)
    ));
    for (n, r) in s.records.iter().enumerate() {
        let step = g.step(&r.step_id).map_or(r.step_id.as_str(), |st| &st.text);
        out.push(match r.kind {
            SessionRecordKind::Back => format!(
                "{}. Back from: {step} ({}, {})",
                n + 1,
                r.recorded_by,
                when(r.recorded_at)
            ),
            SessionRecordKind::Answer => format!(
                "{}. {}{step}: {} ({}, {})",
                n + 1,
                if r.superseded { "[superseded] " } else { "" },
                answer_text(g, r),
                r.recorded_by,
                when(r.recorded_at)
            ),
        });
    }
    let here = g
        .step(&s.current_step)
        .map_or(s.current_step.as_str(), |st| &st.text);
    match (&s.conclusion, finished) {
        (Some(c), true) => {
            let codes: Vec<String> = [
                ("failure class", &c.failure_class),
                ("problem", &c.problem_code),
                ("cause", &c.cause_code),
                ("remedy", &c.remedy_code),
            ]
            .iter()
            .filter_map(|(name, v)| v.as_ref().map(|v| format!("{name} {v}")))
            .collect();
            out.push(format!("Conclusion: {here}"));
            if !codes.is_empty() {
                out.push(format!("Conclusion codes: {}", codes.join(", ")));
            }
        }
        _ => out.push(format!("Not concluded; paused at: {here}")),
    }
    out.push(format!("Faultline diagnosis session {}", s.id));
    out.join("\n")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::{DateTime, TimeZone, Utc};

    fn t(min: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_763_900_000 + 60 * min, 0).unwrap()
    }

    /// Dripping? → yes → flush pressure (≥ 1.5 bar) → below: "Seal worn: replace it" (the
    /// fixture the connector's integration test walks too).
    fn guide() -> Guide {
        serde_json::from_str(include_str!("../../tests/fixtures/pump_seal_guide.json")).unwrap()
    }

    fn rec(
        seq: u32,
        kind: SessionRecordKind,
        step: &str,
        a: Option<GuideAnswer>,
        next: Option<&str>,
    ) -> SessionRecord {
        SessionRecord {
            seq,
            id: format!("r{seq}"),
            kind,
            step_id: step.into(),
            answer: a,
            next_step: next.map(str::to_string),
            recorded_by: "ana".into(),
            recorded_at: t(i64::from(seq)),
            superseded: false,
        }
    }

    /// yes → 2.0 bar (in range) → back → 0.8 bar (out of range) → conclusion "worn".
    fn session() -> DiagnosisSession {
        use SessionRecordKind::{Answer, Back};
        let yes = GuideAnswer::Choice {
            value: "yes".into(),
        };
        DiagnosisSession {
            id: "s1".into(),
            asset_id: "a".into(),
            asset_tag: Some("P-101".into()),
            work_order_id: Some("w".into()),
            guide: guide(),
            generated: false,
            codes: vec!["E31".into()],
            started_by: "ana".into(),
            started_at: t(0),
            records: vec![
                rec(1, Answer, "leak", Some(yes), Some("pressure")),
                rec(
                    2,
                    Answer,
                    "pressure",
                    Some(GuideAnswer::Value { value: 2.0 }),
                    Some("other"),
                ),
                rec(3, Back, "pressure", None, None),
                rec(
                    4,
                    Answer,
                    "pressure",
                    Some(GuideAnswer::Value { value: 0.8 }),
                    Some("worn"),
                ),
            ],
            current_step: String::new(),
            conclusion: None,
        }
    }

    fn item(kind: &str, payload: Value, s: DiagnosisSession) -> OutboxItem {
        let mut i = crate::connector::maximo_rows::tests::item(kind, payload);
        i.diagnosis = Some(s);
        i
    }

    fn record_item(rid: &str) -> OutboxItem {
        item(
            "record_diagnosis",
            json!({"type": "record_diagnosis", "record": {"id": rid, "session_id": "s1"}}),
            session(),
        )
    }

    #[test]
    fn the_record_that_concludes_writes_the_whole_walk() {
        let row = worklog(&record_item("r4")).unwrap();
        assert_eq!(row["logtype"], "WORK");
        assert_eq!(
            row["description"],
            "Diagnosis: Pump seal leak → Seal worn: replace it"
        );
        assert_eq!(row["createdate"], "2025-11-23T12:17:20Z");
        assert_eq!(row["externalrefid"], Uuid::nil().to_string());
        let long = row["description_longdescription"].as_str().unwrap();
        assert_eq!(
            long,
            "Guide: Pump seal leak (P-SEAL v1)\n\
             Codes shown: E31\n\
             Started by ana at 2025-11-23 12:13 UTC\n\
             1. Is the seal dripping?: Yes, dripping (ana, 2025-11-23 12:14 UTC)\n\
             2. [superseded] Measure the seal flush pressure: 2 bar (within 1.5 to - bar) (ana, 2025-11-23 12:15 UTC)\n\
             3. Back from: Measure the seal flush pressure (ana, 2025-11-23 12:16 UTC)\n\
             4. Measure the seal flush pressure: 0.8 bar (outside 1.5 to - bar) (ana, 2025-11-23 12:17 UTC)\n\
             Conclusion: Seal worn: replace it\n\
             Conclusion codes: failure class PUMP, problem LEAK, cause SEALWORN, remedy REPLACE\n\
             Faultline diagnosis session s1"
        );
    }

    #[test]
    fn a_record_short_of_the_conclusion_or_taken_back_writes_nothing() {
        // r2 led to the "other" conclusion as it was recorded: a worklog of that walk.
        let r2 = worklog(&record_item("r2")).unwrap();
        assert_eq!(
            r2["description"],
            "Diagnosis: Pump seal leak → Not the seal"
        );
        assert!(!r2["description_longdescription"]
            .as_str()
            .unwrap()
            .contains("Back from"));
        for rid in ["r1", "r3", "unknown"] {
            assert!(worklog(&record_item(rid)).is_none(), "{rid}");
        }
        let mut no_wo = record_item("r4");
        no_wo.work_order_id = None;
        assert!(worklog(&no_wo).is_none(), "a session on an asset only");
    }

    #[test]
    fn the_close_writes_a_session_left_short_of_its_conclusion_only() {
        let summary = json!({"type": "diagnosis_summary", "session_id": "s1"});
        assert!(
            worklog(&item("diagnosis_summary", summary.clone(), session())).is_none(),
            "concluded: its conclusion wrote it"
        );
        let mut paused = session();
        paused.records.truncate(3);
        let row = worklog(&item("diagnosis_summary", summary, paused)).unwrap();
        assert_eq!(
            row["description"],
            "Diagnosis: Pump seal leak (paused at: Measure the seal flush pressure)"
        );
        let long = row["description_longdescription"].as_str().unwrap();
        assert!(
            long.contains("Not concluded; paused at: Measure the seal flush pressure"),
            "{long}"
        );
        assert_eq!(row["createdate"], "2025-11-23T12:16:20Z");
    }

    #[test]
    fn a_long_title_is_cut_to_maximos_description() {
        let mut s = session();
        s.guide.title = "x".repeat(150);
        let mut i = record_item("r4");
        i.diagnosis = Some(s);
        let row = worklog(&i).unwrap();
        assert_eq!(row["description"].as_str().unwrap().chars().count(), 100);
    }
}
