//! `faultline diagnosis start|answer|back|show`: a diagnosis session driven from the CLI (the
//! same store calls as the Diagnose screen), so a session can be scripted and tested. Each
//! answer is committed before its acknowledgement is printed.

use crate::args::Who;
use crate::print::Printer;
use clap::Subcommand;
use faultline_core::domain::{DiagnosisSession, GuideAnswer, GuideStep, StepKind};
use faultline_core::store::NewDiagnosisSession;
use faultline_core::{CoreError, Store};
use faultline_diagnosis::Query;
use serde_json::{json, Value};

type Result<T> = std::result::Result<T, CoreError>;

#[derive(Debug, Subcommand)]
pub enum DiagnosisCommand {
    /// Start a session on a work order (its asset and fault code) or an asset: the guide for
    /// its model/class and codes, else a checklist from the likely causes.
    Start {
        /// The work order (number or id).
        #[arg(long, required_unless_present = "asset", conflicts_with = "asset")]
        work_order: Option<String>,
        /// The asset (tag or id).
        #[arg(long)]
        asset: Option<String>,
        /// A code on the display, any spelling; repeat for more (default: the work order's
        /// fault code, else the asset's alarms of the last 48 hours).
        #[arg(long = "code")]
        codes: Vec<String>,
        #[arg(long)]
        symptom: Option<String>,
        /// Walk this guide (by id) instead of the one selected.
        #[arg(long)]
        guide: Option<String>,
        #[command(flatten)]
        who: Who,
    },
    /// Answer the session's current step.
    Answer {
        session: String,
        step: String,
        #[arg(long, group = "answer")]
        yes: bool,
        #[arg(long, group = "answer")]
        no: bool,
        /// A question's choice (its value).
        #[arg(long, group = "answer")]
        choice: Option<String>,
        /// A measured value in the step's unit.
        #[arg(long, group = "answer", allow_hyphen_values = true)]
        value: Option<f64>,
        /// An instruction or check done.
        #[arg(long, group = "answer")]
        done: bool,
        #[command(flatten)]
        who: Who,
    },
    /// Go back one step (the earlier answer stays in the record, marked superseded).
    Back {
        session: String,
        #[command(flatten)]
        who: Who,
    },
    /// Answer from stdin, one line each (`STEP done|yes|no|value V|choice X`, or `back`);
    /// prints `saved RECORD STEP NEXT` once each line is committed (for scripts and tests).
    Stream {
        session: String,
        #[command(flatten)]
        who: Who,
    },
    /// A session, or every session on a work order.
    Show {
        #[arg(required_unless_present = "work_order", conflicts_with = "work_order")]
        session: Option<String>,
        #[arg(long)]
        work_order: Option<String>,
    },
}

pub fn diagnosis(store: &mut Store, out: &Printer, cmd: DiagnosisCommand) -> Result<()> {
    match cmd {
        DiagnosisCommand::Start {
            work_order,
            asset,
            codes,
            symptom,
            guide,
            who,
        } => {
            let by = crate::run::author(&who)?;
            let s = start(store, work_order, asset, codes, symptom, guide, by)?;
            out.emit(&session_json(&s), || session_text(&s))
        }
        DiagnosisCommand::Answer {
            session,
            step,
            yes,
            no,
            choice,
            value,
            done,
            who,
        } => {
            let by = crate::run::author(&who)?;
            let answer = match (yes, no, choice, value, done) {
                (true, ..) => GuideAnswer::Choice {
                    value: "yes".into(),
                },
                (_, true, ..) => GuideAnswer::Choice { value: "no".into() },
                (_, _, Some(c), ..) => GuideAnswer::Choice { value: c },
                (_, _, _, Some(v), _) => GuideAnswer::Value { value: v },
                (.., true) => GuideAnswer::Done,
                _ => {
                    return Err(CoreError::InvalidInput(
                        "give the answer: --done, --yes, --no, --choice X or --value V".into(),
                    ))
                }
            };
            let s = store.answer_diagnosis_step(&session, &step, &answer, &by)?;
            out.emit(&session_json(&s), || session_text(&s))
        }
        DiagnosisCommand::Back { session, who } => {
            let by = crate::run::author(&who)?;
            let s = store.diagnosis_back(&session, &by)?;
            out.emit(&session_json(&s), || session_text(&s))
        }
        DiagnosisCommand::Stream { session, who } => {
            let by = crate::run::author(&who)?;
            stream(store, &session, &by)
        }
        DiagnosisCommand::Show {
            session,
            work_order,
        } => match (session, work_order) {
            (Some(id), _) => {
                let s = store.diagnosis_session(&id)?;
                out.emit(&session_json(&s), || session_text(&s))
            }
            (None, Some(n)) => {
                let wo = store.resolve_work_order(&n)?;
                let list = store.diagnosis_sessions_for_work_order(&wo.to_string())?;
                let v = json!({
                    "work_order_id": wo,
                    "sessions": list.iter().map(session_json).collect::<Vec<_>>(),
                });
                out.emit(&v, || {
                    if list.is_empty() {
                        return "no diagnosis session on this work order".into();
                    }
                    list.iter()
                        .map(session_text)
                        .collect::<Vec<_>>()
                        .join("\n\n")
                })
            }
            (None, None) => Err(CoreError::InvalidInput(
                "name a session or --work-order N".into(),
            )),
        },
    }
}

/// One stdin line as a step and its answer (`None` step: back).
fn parse_line(line: &str) -> Result<Option<(String, GuideAnswer)>> {
    let mut words = line.split_whitespace();
    let bad = || CoreError::InvalidInput(format!("cannot read the answer line {line:?}"));
    let step = words.next().ok_or_else(bad)?;
    if step == "back" {
        return Ok(None);
    }
    let answer = match (words.next(), words.next()) {
        (Some("done"), None) => GuideAnswer::Done,
        (Some(v @ ("yes" | "no")), None) => GuideAnswer::Choice { value: v.into() },
        (Some("choice"), Some(c)) => GuideAnswer::Choice { value: c.into() },
        (Some("value"), Some(v)) => GuideAnswer::Value {
            value: v.parse().map_err(|_| bad())?,
        },
        _ => return Err(bad()),
    };
    Ok(Some((step.to_string(), answer)))
}

fn stream(store: &mut Store, session: &str, by: &str) -> Result<()> {
    use std::io::{BufRead, Write};
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let line = line.map_err(|e| CoreError::InvalidInput(format!("stdin: {e}")))?;
        if line.trim().is_empty() {
            continue;
        }
        let s = match parse_line(&line)? {
            Some((step, answer)) => store.answer_diagnosis_step(session, &step, &answer, by)?,
            None => store.diagnosis_back(session, by)?,
        };
        if let Some(r) = s.records.last() {
            let ok = writeln!(out, "saved {} {} {}", r.id, r.step_id, s.current_step);
            if ok.and_then(|()| out.flush()).is_err() {
                break;
            }
        }
    }
    Ok(())
}

fn start(
    store: &mut Store,
    work_order: Option<String>,
    asset: Option<String>,
    mut codes: Vec<String>,
    symptom: Option<String>,
    guide: Option<String>,
    by: String,
) -> Result<DiagnosisSession> {
    let (asset, work_order_id) = match (work_order, asset) {
        (Some(n), named) => {
            let id = store.resolve_work_order(&n)?;
            let wo = store.work_order(id)?;
            if codes.is_empty() {
                codes.extend(wo.summary.fault_code.clone());
            }
            // Both named: they must agree (core refuses the session otherwise).
            let asset = match named {
                Some(tag) => store.resolve_asset(&tag)?,
                None => store.resolve_asset(&wo.summary.asset_id.to_string())?,
            };
            (asset, Some(id.to_string()))
        }
        (None, Some(tag)) => (store.resolve_asset(&tag)?, None),
        (None, None) => {
            return Err(CoreError::InvalidInput(
                "name the work order (--work-order N) or the asset (--asset TAG)".into(),
            ))
        }
    };
    let q = Query {
        asset_tag: asset.tag.clone(),
        codes,
        symptom: symptom.clone(),
        at: store.clock().now().timestamp_millis(),
        window_hours: 48,
        limit: faultline_diagnosis::guide::CHECKLIST_CAUSES,
    };
    crate::progress::catch_up(store)?;
    let d = faultline_diagnosis::diagnose_store(store, &q).map_err(crate::diagnose::core_error)?;
    let (guide, generated) = match guide {
        Some(id) => (store.guide(&id)?, false),
        None => faultline_diagnosis::guide::guide_for(
            store,
            &asset,
            &d.codes,
            symptom.as_deref(),
            &d.causes,
        )?,
    };
    store.start_diagnosis_session(&NewDiagnosisSession {
        asset_id: asset.id.to_string(),
        work_order_id,
        guide,
        generated,
        codes: d.codes,
        started_by: by,
    })
}

/// The step as the technician sees it (all its fields, with its kind's branches).
pub fn step_json(step: Option<&GuideStep>) -> Value {
    step.and_then(|s| serde_json::to_value(s).ok())
        .unwrap_or(Value::Null)
}

pub fn session_json(s: &DiagnosisSession) -> Value {
    json!({
        "session": s.id,
        "asset_id": s.asset_id,
        "asset": s.asset_tag,
        "work_order_id": s.work_order_id,
        "guide": {
            "id": s.guide.id,
            "version": s.guide.version,
            "title": s.guide.title,
            "generated": s.generated,
        },
        "codes": s.codes,
        "started_by": s.started_by,
        "started_at": s.started_at,
        "current_step": step_json(s.guide.step(&s.current_step)),
        "concluded": s.conclusion.is_some(),
        "conclusion": s.conclusion,
        "records": s.records,
    })
}

fn answer_text(a: &Option<GuideAnswer>) -> String {
    match a {
        Some(GuideAnswer::Done) => "done".into(),
        Some(GuideAnswer::Choice { value }) => value.clone(),
        Some(GuideAnswer::Value { value }) => value.to_string(),
        None => "back".into(),
    }
}

fn session_text(s: &DiagnosisSession) -> String {
    let mut t = format!(
        "session {} on {} — {}{}\n",
        s.id,
        s.asset_tag.as_deref().unwrap_or(&s.asset_id),
        s.guide.title,
        if s.generated { " (generated)" } else { "" }
    );
    for r in &s.records {
        t.push_str(&format!(
            "  {:>2}. {:<12} {:<10}{}\n",
            r.seq,
            r.step_id,
            answer_text(&r.answer),
            if r.superseded { "  (superseded)" } else { "" }
        ));
    }
    let Some(step) = s.guide.step(&s.current_step) else {
        return t.trim_end().to_string();
    };
    if let Some(c) = &step.caution {
        t.push_str(&format!("CAUTION: {c}\n"));
    }
    t.push_str(&format!("[{}] {}\n", step.id, step.text));
    if let Some(m) = &step.manual {
        t.push_str(&format!("  manual: {} p. {}\n", m.manual, m.page));
    }
    if let Some(j) = &step.job_plan {
        t.push_str(&format!("  job plan: {j}\n"));
    }
    match &step.kind {
        StepKind::Instruction { .. } | StepKind::Check { .. } => t.push_str("  answer: --done"),
        StepKind::Question { choices } => {
            let c: Vec<&str> = choices.iter().map(|c| c.value.as_str()).collect();
            t.push_str(&format!("  answer: --choice {}", c.join("|")));
        }
        StepKind::Measurement { unit, min, max, .. } => t.push_str(&format!(
            "  answer: --value V (in {unit}; expected {} .. {})",
            min.map_or("-".into(), |v| v.to_string()),
            max.map_or("-".into(), |v| v.to_string())
        )),
        StepKind::Conclusion { .. } => {
            let c = s.conclusion.clone().unwrap_or_default();
            let codes: Vec<String> = [c.failure_class, c.problem_code, c.cause_code, c.remedy_code]
                .into_iter()
                .flatten()
                .collect();
            t.push_str(&format!(
                "  conclusion codes for Close: {}",
                codes.join(" > ")
            ));
        }
    }
    t
}

/// `faultline show WO`: the work order with its diagnosis sessions (JSON: the work order's
/// fields plus `diagnosis_sessions`; text: one line per session after the work order).
pub fn show_work_order(
    out: &Printer,
    w: &faultline_core::domain::WorkOrder,
    sessions: &[DiagnosisSession],
) -> Result<()> {
    if out.json {
        let mut v = serde_json::to_value(w)
            .map_err(|e| CoreError::InvalidState(format!("cannot encode output: {e}")))?;
        if let Some(o) = v.as_object_mut() {
            o.insert(
                "diagnosis_sessions".into(),
                Value::Array(sessions.iter().map(session_json).collect()),
            );
        }
        return out.emit(&v, String::new);
    }
    out.work_order(w)?;
    if sessions.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = sessions.iter().map(session_line).collect();
    out.emit(&Value::Null, || format!("diagnosis:\n{}", lines.join("\n")))
}

/// One session in a line: who walked which guide when, how far, and the conclusion reached.
fn session_line(s: &DiagnosisSession) -> String {
    let answers = s.answers_in_force().count();
    let end = match &s.conclusion {
        Some(c) => format!(
            "concluded {} / {} / {} / {}",
            c.failure_class.as_deref().unwrap_or("-"),
            c.problem_code.as_deref().unwrap_or("-"),
            c.cause_code.as_deref().unwrap_or("-"),
            c.remedy_code.as_deref().unwrap_or("-")
        ),
        None => format!("at step {}", s.current_step),
    };
    format!(
        "  {} {} — {}{}: {answers} answers ({} records), {end}  session {}",
        s.started_at.format("%Y-%m-%d %H:%M"),
        s.started_by,
        s.guide.title,
        if s.generated { " (generated)" } else { "" },
        s.records.len(),
        s.id
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use faultline_core::domain::NewBreakdown;
    use faultline_core::{FixedClock, SequentialIds};
    use std::sync::Arc;

    #[test]
    fn diagnosis_start_refuses_a_work_order_of_another_asset_saying_what_to_do() {
        let clock = Arc::new(FixedClock::new(chrono::Utc::now()));
        let mut store = match Store::open_in_memory(clock, Arc::new(SequentialIds::default())) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        let demo = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo");
        if let Err(e) = faultline_core::demo::load_demo(&mut store, &demo) {
            panic!("{e}");
        }
        let Ok(vfd) = store.resolve_asset("VFD-202") else {
            panic!("no VFD-202");
        };
        let wo = store.log_breakdown(&NewBreakdown {
            asset_id: vfd.id,
            fault_code: Some("OC1".into()),
            symptom: "trips on start".into(),
            note: None,
            machine_stopped: false,
            stopped_at: None,
            confirm_old_stop: false,
            priority: None,
            author: "Lea".into(),
        });
        let Ok(wo) = wo else {
            panic!("breakdown: {wo:?}");
        };
        let number = wo.summary.number.clone();
        let start_on = |store: &mut Store, tag: &str| {
            start(
                store,
                Some(number.clone()),
                Some(tag.to_string()),
                Vec::new(),
                None,
                None,
                "Lea".into(),
            )
        };
        match start_on(&mut store, "CNC-101") {
            Err(CoreError::InvalidInput(m)) => {
                assert!(
                    m.contains(&format!(
                        "work order {number} is on asset VFD-202, not CNC-101"
                    )),
                    "{m}"
                );
                assert!(m.contains("name only the work order"), "{m}");
            }
            other => panic!("refused expected, got {other:?}"),
        }
        let ok = start_on(&mut store, "VFD-202");
        assert!(ok
            .is_ok_and(|s| s.work_order_id.as_deref() == Some(wo.summary.id.to_string().as_str())));
    }
}
