//! The probe's further write steps (`--allow-writes`), each on the test work order the probe
//! created (or on a second one, for the replay window) and each settling an open question of
//! docs/cmms-connectors.md: `changeStatus` with a date; `If-Match` with the `_rowstamp` as it is
//! and with a stale one; failure report rows (from the codes, added by MERGE, a second row of a
//! type); the `transactionid` replay window; a `doclinks` attachment. The transcript keeps the
//! answers' shapes: HTTP statuses, Maximo's reason codes (never its sentence, which can name a
//! record or a person), counts and yes/no.

use super::{ProbeMerge, ProbeStep, Raw};
use crate::connector::Maximo;
use serde_json::{json, Value};
use std::time::Duration;

/// What the write steps need besides the test work order.
#[derive(Debug, Clone, Default)]
pub struct ProbeWrites {
    /// The asset of the test work orders.
    pub asset: Option<String>,
    /// A failure class and a problem code of it in the pilot's hierarchy (the failure report
    /// step runs only with both).
    pub failure_class: Option<String>,
    pub problem_code: Option<String>,
    /// Time between the two creates of the replay-window step.
    pub replay_wait: Duration,
}

/// Maximo's reason code in an error answer (lean `Error`, or `oslc:Error`), never its sentence.
fn reason(body: &Value) -> String {
    let err = if body["Error"].is_null() {
        &body["oslc:Error"]
    } else {
        &body["Error"]
    };
    err["reasonCode"]
        .as_str()
        .or_else(|| err["oslc:reasonCode"].as_str())
        .unwrap_or("none given")
        .to_string()
}

fn yes(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// One step of the transcript: `finding` reads any answered status; no answer is written as
/// such.
fn step(
    question: &str,
    request: String,
    answer: &Raw,
    finding: impl Fn(u16, &Value) -> String,
) -> ProbeStep {
    let (status, finding) = match answer {
        Ok((code, body)) => (code.to_string(), finding(*code, body)),
        Err(why) => ("-".into(), why.clone()),
    };
    ProbeStep {
        question: question.into(),
        request,
        status,
        finding,
    }
}

/// "refused with reason code X" for an error status, else `ok(body)`.
fn or_refused(code: u16, body: &Value, ok: impl Fn(&Value) -> String) -> String {
    if (200..300).contains(&code) {
        ok(body)
    } else {
        format!("refused, reason code {}", reason(body))
    }
}

/// The rows of `wo`'s `failurereport` of `kind`.
fn rows_of(wo: &Value, kind: &str) -> usize {
    wo["failurereport"]
        .as_array()
        .map_or(0, |r| r.iter().filter(|r| r["type"] == kind).count())
}

/// The test work order as Maximo has it now (`select`), if it answers.
async fn read(m: &Maximo, href: &str, select: &str) -> Option<Value> {
    let (_, answer) = m
        .probe_raw_get(href, &[("lean", "1"), ("oslc.select", select)])
        .await;
    match answer {
        Ok((200, body)) => Some(body),
        _ => None,
    }
}

fn rowstamp(v: &Value) -> Option<String> {
    match &v["_rowstamp"] {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The further steps on the test work order at `href`, whose `_rowstamp` at creation was
/// `created_stamp` (stale by now: a worklog was added since).
pub(super) async fn further_steps(
    m: &Maximo,
    href: &str,
    created_stamp: Option<String>,
    body_of_create: &Value,
    w: &ProbeWrites,
    steps: &mut Vec<ProbeStep>,
) {
    change_status(m, href, steps).await;
    if_match(m, href, created_stamp, steps).await;
    failure_report(m, href, w, steps).await;
    replay_window(m, body_of_create, w, steps).await;
    attachment(m, href, steps).await;
}

async fn change_status(m: &Maximo, href: &str, steps: &mut Vec<ProbeStep>) {
    let date = (chrono::Utc::now() - chrono::Duration::hours(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let merge = ProbeMerge {
        action: Some("wsmethod:changeStatus"),
        if_match: None,
        properties: "status,statusdate",
    };
    let body = json!({"status": "INPRG", "date": date, "memo": "Faultline probe"});
    let (request, answer) = m.probe_raw_merge(href, &merge, &body).await;
    let now = read(m, href, "status,statusdate")
        .await
        .unwrap_or(Value::Null);
    steps.push(step(
        "Does `wsmethod:changeStatus` with a `date` (an hour ago) move the test work order to INPRG, and does its status date take the date given?",
        request,
        &answer,
        |code, body| {
            or_refused(code, body, |_| {
                let date_kept = match now["statusdate"].as_str() {
                    None => "absent from the record".to_string(),
                    Some(d) => yes(chrono::DateTime::parse_from_rfc3339(d)
                        .ok()
                        .zip(chrono::DateTime::parse_from_rfc3339(&date).ok())
                        .is_some_and(|(a, b)| a == b))
                    .to_string(),
                };
                format!(
                    "status now INPRG: {}; status date = the date given: {date_kept}",
                    yes(now["status"] == "INPRG")
                )
            })
        },
    ));
}

async fn if_match(m: &Maximo, href: &str, stale: Option<String>, steps: &mut Vec<ProbeStep>) {
    let now = read(m, href, "description").await.unwrap_or(Value::Null);
    // The same description again: the record's content does not change.
    let body = json!({"description": now["description"]});
    let fresh = rowstamp(&now);
    let merge = ProbeMerge {
        action: None,
        if_match: fresh.as_deref(),
        properties: "description",
    };
    let (request, answer) = m.probe_raw_merge(href, &merge, &body).await;
    steps.push(step(
        "Does an update with `If-Match` = the record's `_rowstamp` as it is (just read) go through?",
        request,
        &answer,
        |code, body| {
            if fresh.is_none() {
                return "the record answered no `_rowstamp`: nothing to send".into();
            }
            or_refused(code, body, |_| "taken: `If-Match` takes the `_rowstamp` as it is".into())
        },
    ));
    let merge = ProbeMerge {
        action: None,
        if_match: stale.as_deref(),
        properties: "description",
    };
    let (request, answer) = m.probe_raw_merge(href, &merge, &body).await;
    steps.push(step(
        "Is an update with `If-Match` = a stale `_rowstamp` (the one answered at the create, before the worklog) refused, with which status and reason code?",
        request,
        &answer,
        |code, body| match code {
            412 => format!(
                "refused with 412 (precondition failed), reason code {}",
                reason(body)
            ),
            200..=299 => "taken: a stale stamp is NOT refused".into(),
            _ => format!("refused with {code}, reason code {}", reason(body)),
        },
    ));
}

async fn failure_report(m: &Maximo, href: &str, w: &ProbeWrites, steps: &mut Vec<ProbeStep>) {
    let (Some(class), Some(problem)) = (&w.failure_class, &w.problem_code) else {
        steps.push(ProbeStep {
            question: "Failure report rows".into(),
            request: "-".into(),
            status: "-".into(),
            finding: "not run: pass --failure-class and --problem-code (a class of the site's failure hierarchy and a problem below it)".into(),
        });
        return;
    };
    let props = "failurecode,problemcode,failurereport{failurecode,type}";
    let codes = ProbeMerge {
        action: None,
        if_match: None,
        properties: props,
    };
    let body = json!({"failurecode": class, "problemcode": problem});
    let (request, answer) = m.probe_raw_merge(href, &codes, &body).await;
    let now = read(m, href, props).await.unwrap_or(Value::Null);
    steps.push(step(
        "Does setting the work order's `failurecode` and `problemcode` alone make `FAILUREREPORT` rows?",
        request,
        &answer,
        |code, body| {
            or_refused(code, body, |_| {
                format!(
                    "failure report rows after: {} (PROBLEM: {})",
                    now["failurereport"].as_array().map_or(0, Vec::len),
                    rows_of(&now, "PROBLEM")
                )
            })
        },
    ));
    let before = rows_of(&now, "PROBLEM");
    let row = json!({"failurereport": [{"failurecode": problem, "type": "PROBLEM"}]});
    let (request, answer) = m.probe_raw_merge(href, &codes, &row).await;
    let after = read(m, href, props)
        .await
        .map_or(0, |wo| rows_of(&wo, "PROBLEM"));
    steps.push(step(
        "Is a `failurereport` row (`failurecode`, `type` PROBLEM) taken by MERGE, and if the work order had one of that type, is a second row added, the row updated, or the request refused?",
        request,
        &answer,
        |code, body| {
            or_refused(code, body, |_| {
                let what = match (before, after) {
                    (0, 1) => "one row added (there was none)",
                    (b, a) if a > b => "a second row of the type added",
                    (b, a) if a == b && b > 0 => "no new row: the existing row kept or updated",
                    _ => "no row added",
                };
                format!("PROBLEM rows before {before}, after {after}: {what}")
            })
        },
    ));
}

async fn replay_window(m: &Maximo, create: &Value, w: &ProbeWrites, steps: &mut Vec<ProbeStep>) {
    let refid = uuid::Uuid::now_v7().to_string();
    let transaction = uuid::Uuid::now_v7().to_string();
    let mut body = create.clone();
    body["externalrefid"] = json!(refid);
    let (request, first) = m.probe_raw_create(&transaction, &body).await;
    tokio::time::sleep(w.replay_wait).await;
    let (_, second) = m.probe_raw_create(&transaction, &body).await;
    let clause = format!("externalrefid=\"{refid}\"");
    let (_, found) = m
        .probe_raw_get(
            m.probe_collection(),
            &[
                ("lean", "1"),
                ("oslc.select", "wonum"),
                ("oslc.where", &clause),
            ],
        )
        .await;
    let made = found
        .as_ref()
        .ok()
        .and_then(|(_, b)| b["member"].as_array().map(Vec::len));
    let wait = w.replay_wait.as_secs();
    steps.push(step(
        &format!("The `transactionid` replay window: the same create with the same `transactionid` sent twice, {wait} s apart — what does the second answer, and how many work orders carry the reference after?"),
        request,
        &first,
        |code, body| {
            let first = or_refused(code, body, |_| "created".into());
            let second = match &second {
                Ok((c, _)) if (200..300).contains(c) => format!("{c}: created again"),
                Ok((c, b)) => format!("{c}, reason code {}", reason(b)),
                Err(why) => why.clone(),
            };
            let made = made.map_or("the query did not answer".to_string(), |n| n.to_string());
            format!("first: {first}; second, {wait} s later: {second}; work orders with the reference: {made} (a second test work order if 2)")
        },
    ));
}

async fn attachment(m: &Maximo, href: &str, steps: &mut Vec<ProbeStep>) {
    let name = format!("faultline-probe-{}.txt", uuid::Uuid::now_v7());
    let bytes = b"Faultline probe: test attachment, delete me\n".to_vec();
    let (request, answer) = m.probe_attach(href, &name, bytes).await;
    let (_, listed) = m
        .probe_raw_get(
            &format!("{href}/doclinks"),
            &[
                ("lean", "1"),
                ("oslc.select", "describedBy{fileName,description}"),
            ],
        )
        .await;
    let docs = listed
        .ok()
        .and_then(|(_, b)| b["member"].as_array().cloned())
        .unwrap_or_default();
    steps.push(step(
        "Does `doclinks` take the raw bytes with `slug` (the file name), `x-document-meta: Attachments` and `x-document-description`, and list the file under its name?",
        request,
        &answer,
        |code, body| {
            or_refused(code, body, |_| {
                let ours = docs
                    .iter()
                    .find(|d| d["describedBy"]["fileName"] == name.as_str());
                format!(
                    "attachments listed: {}; ours listed under its name: {}; attributes of its `describedBy`: {}",
                    docs.len(),
                    yes(ours.is_some()),
                    ours.and_then(|d| d["describedBy"].as_object())
                        .map(|o| o.keys().cloned().collect::<Vec<_>>().join(", "))
                        .unwrap_or_else(|| "-".into())
                )
            })
        },
    ));
}
