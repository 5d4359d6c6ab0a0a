//! `faultline-hub maximo-probe`: a read-mostly check of a pilot's Maximo test instance that
//! settles the connector's open questions (docs/cmms-connectors.md), written as a transcript a
//! pilot can send back: each request's method, path and query (never the API key: it travels in
//! a header the transcript leaves out) and its HTTP status, and of each answer only its shape —
//! counts, attribute names, whether a paging link or a row stamp is there — never a value, so no
//! personal data leaves the site. Writes only with `--allow-writes`: one test work order (its
//! description says so) with a worklog, then the further steps of `probe/writes.rs` on it
//! (`changeStatus` with a date, `If-Match`, failure report rows, the `transactionid` window — a
//! second test work order when Maximo has none —, an attachment).

use super::maximo::{Maximo, Step};
use super::{ConnectorConfig, SendOutcome};
use crate::error::Result;
use serde_json::{json, Value};
use std::fmt::Write as _;

mod writes;

pub use writes::ProbeWrites;

/// What a probe request answered: the HTTP status and the body (JSON, else `Null`), whatever
/// the status — or why no answer came.
pub(crate) type Raw = std::result::Result<(u16, Value), String>;

/// A MERGE update of a record for the probe's further steps (`maximo/probe_http.rs`).
pub(crate) struct ProbeMerge<'a> {
    /// `wsmethod:changeStatus` and the like.
    pub action: Option<&'a str>,
    pub if_match: Option<&'a str>,
    /// The `properties` the answer should carry.
    pub properties: &'a str,
}

/// One request of the probe and what its answer showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeStep {
    pub question: String,
    /// `GET /oslc/os/…?…` (no key).
    pub request: String,
    /// The HTTP status, or why there was none.
    pub status: String,
    pub finding: String,
}

/// Attribute names of a record (its shape, no values).
fn shape(record: &Value) -> String {
    match record.as_object() {
        Some(o) => o.keys().cloned().collect::<Vec<_>>().join(", "),
        None => "(not an object)".into(),
    }
}

fn outcome_text(o: &SendOutcome) -> String {
    // Maximo's sentence can name a record or a person: only its reason code is written.
    let code = |why: &str| why.split(':').next().unwrap_or("").trim().to_string();
    match o {
        SendOutcome::Retry(why) => format!("no answer or a server error: {}", code(why)),
        SendOutcome::Rejected(why) => format!("refused, reason code {}", code(why)),
        SendOutcome::AuthRefused(why) => format!("the key was refused: {}", code(why)),
        other => format!("{other:?}"),
    }
}

/// Runs the probe against the configured Maximo; with `writes`, the write steps too (the test
/// work orders on `writes.asset` when one is given).
pub async fn probe(
    config: &ConnectorConfig,
    writes: Option<&ProbeWrites>,
) -> Result<Vec<ProbeStep>> {
    let maximo = Maximo::new(config, super::REQUEST_TIMEOUT)?;
    let mut steps = Vec::new();
    let mut record = |question: &str,
                      request: String,
                      answer: &Step<(u16, Value)>,
                      f: &dyn Fn(&Value) -> String| {
        let (status, finding) = match answer {
            Ok((code, body)) => (code.to_string(), f(body)),
            Err(o) => ("-".to_string(), outcome_text(o)),
        };
        steps.push(ProbeStep {
            question: question.into(),
            request,
            status,
            finding,
        });
    };

    // Paging and row stamps.
    let q = [("lean", "1"), ("oslc.select", "*"), ("oslc.pageSize", "2")];
    let (request, answer) = maximo.probe_get("mxapiwodetail", &q).await;
    record(
        "Does a work-order query page (`oslc.pageSize`, `responseInfo.nextPage`) and carry `_rowstamp` on every record? Which attributes does MXAPIWODETAIL answer?",
        request,
        &answer,
        &|body| {
            let members = body["member"].as_array().cloned().unwrap_or_default();
            let stamped = members.iter().all(|m| !m["_rowstamp"].is_null());
            format!(
                "{} records; `_rowstamp` on every record: {}; `responseInfo.nextPage`: {}; attributes of the first: {}",
                members.len(),
                if stamped { "yes" } else { "no" },
                if body["responseInfo"]["nextPage"].is_null() { "absent" } else { "present" },
                members.first().map(shape).unwrap_or_else(|| "-".into())
            )
        },
    );
    let top = answer
        .as_ref()
        .ok()
        .and_then(|(_, b)| b["member"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(super::inbound_rows::rowstamp)
        .fold(None, |a, b| super::inbound_rows::later(a, Some(b)));

    // The delta form the fetch uses.
    let since = top.unwrap_or_else(|| "0".into());
    let q = [
        ("lean", "1"),
        ("oslc.select", "wonum"),
        ("oslc.pageSize", "5"),
        ("oslc.orderBy", "+rowstamp"),
        ("fetchmodedelta", "1"),
        ("lastfetchts", since.as_str()),
    ];
    let (request, answer) = maximo.probe_get("mxapiwodetail", &q).await;
    record(
        "Does the delta query the fetch uses (`oslc.orderBy=+rowstamp`, `fetchmodedelta=1`, `lastfetchts`) answer only records changed after the stamp, in stamp order?",
        request,
        &answer,
        &|body| {
            let stamps: Vec<u128> = body["member"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .filter_map(super::inbound_rows::rowstamp)
                .filter_map(|s| s.parse().ok())
                .collect();
            let after = since.parse::<u128>().is_ok_and(|s| stamps.iter().all(|x| *x > s));
            let ordered = stamps.windows(2).all(|w| w[0] <= w[1]);
            format!(
                "{} records; all after the stamp given: {}; in stamp order: {}",
                stamps.len(),
                if after { "yes" } else { "no" },
                if ordered { "yes" } else { "no" }
            )
        },
    );

    let Some(writes) = writes else {
        steps.push(ProbeStep {
            question: "Create, worklog (writes)".into(),
            request: "-".into(),
            status: "-".into(),
            finding: "not run: pass --allow-writes to create one test work order".into(),
        });
        return Ok(steps);
    };
    let refid = uuid::Uuid::now_v7().to_string();
    let body = json!({
        "description": "Faultline probe: test work order, delete me",
        "externalrefid": refid,
        "siteid": config.cmms_siteid,
        "worktype": "CM",
        "assetnum": writes.asset,
    });
    let (request, answer) = maximo.probe_post("mxapiwodetail", None, body.clone()).await;
    record(
        "Does a create with `externalrefid` (a 36-character id) and `properties` answer the record?",
        request,
        &answer,
        &|body| {
            format!(
                "external reference kept whole: {}; attributes answered: {}",
                if body["externalrefid"] == refid.as_str() { "yes" } else { "no" },
                shape(body)
            )
        },
    );
    if let Some(href) = answer
        .as_ref()
        .ok()
        .and_then(|(_, b)| b["href"].as_str().map(str::to_string))
    {
        let created_stamp = answer
            .as_ref()
            .ok()
            .and_then(|(_, b)| super::inbound_rows::rowstamp(b));
        let log = json!({"worklog": [{"logtype": "WORK", "description": "Faultline probe",
                                      "externalrefid": refid}]});
        let (request, answer) = maximo.probe_post_to(&href, log).await;
        record(
            "Does a worklog added by MERGE keep the other worklogs and take an `externalrefid`?",
            request,
            &answer,
            &|body| {
                let logs = body["worklog"].as_array().cloned().unwrap_or_default();
                format!(
                    "{} worklogs answered; the new one carries the reference: {}",
                    logs.len(),
                    if logs.iter().any(|l| l["externalrefid"] == refid.as_str()) {
                        "yes"
                    } else {
                        "no"
                    }
                )
            },
        );
        writes::further_steps(&maximo, &href, created_stamp, &body, writes, &mut steps).await;
    }
    Ok(steps)
}

/// The transcript: markdown, the answers' shapes only.
pub fn transcript(url: &str, steps: &[ProbeStep]) -> String {
    let mut out = format!(
        "# Maximo probe transcript\n\nMaximo: {url} (the API key is not in this file; answers \
         are summarised by their shape, no values)\n\n"
    );
    for (n, s) in steps.iter().enumerate() {
        let _ = write!(
            out,
            "## {}. {}\n\n- request: `{}`\n- status: {}\n- finding: {}\n\n",
            n + 1,
            s.question,
            s.request,
            s.status,
            s.finding
        );
    }
    out
}
