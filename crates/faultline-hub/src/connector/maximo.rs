//! The Maximo connector: one queued mutation → Maximo's JSON API (object structure
//! MXAPIWODETAIL, `lean=1`, header `apikey`). Built to IBM's published REST API documentation,
//! not yet run against a Maximo instance (docs/cmms-connectors.md).
//!
//! Every create and worklog carries the mutation id in `externalrefid` and is looked up first
//! (`oslc.where`), so a retry after a lost answer never doubles a record; updates are
//! `POST` + `x-method-override: PATCH` + `patchtype: MERGE` (a plain PATCH would drop the child
//! rows missing from the payload); status changes go through `wsmethod:changeStatus` with the
//! technician's time, so Maximo's own transition rules apply.
//!
//! Conflicts: the hub keeps each work order's `_rowstamp` and field values as it last read them
//! ([`CmmsSeen`]). A field update compares them with Maximo's record read just before: a field
//! changed in Maximo since, that the change sets to another value, is a [`CmmsConflict`] (both
//! values reach the laptops) and is not sent; the other fields are, with `If-Match` carrying the
//! stamp just read (a 412 "updated by another user" in between is retried, and the retry reads
//! again). A `resolve_conflict` (a person's choice) is sent as it is.

mod bulk;
mod fetch;
mod probe_http;

use super::maximo_rows::{child_row, downtime_row, has_row, remark_row, remedy_text};
use super::{CmmsConflict, CmmsSeen, Connector, ConnectorConfig, OutboxItem, SendOutcome};
use crate::error::{HubError, Result};
use serde_json::{json, Value};
use std::time::Duration;

/// Faultline → Maximo work types and statuses (Maximo's default values).
fn worktype(t: &str) -> &str {
    match t {
        "breakdown" => "EM",
        "preventive" => "PM",
        _ => "CM",
    }
}

/// Faultline's work-order fields the connector sends, with their Maximo attribute.
const FIELDS: [(&str, &str); 7] = [
    ("status", "status"),
    ("started_at", "actstart"),
    ("failure_class", "failurecode"),
    ("problem_code", "problemcode"),
    ("cause_code", "fr1code"),
    ("remedy_code", "fr2code"),
    ("finished_at", "actfinish"),
];

/// What a work-order read asks for (`_rowstamp` comes with every object).
/// Child rows come with their external reference, to be found before they are added again; the
/// failure report rows with their code and type, the remarks with their id and text.
const WO_SELECT: &str = "href,wonum,status,failurecode,problemcode,fr1code,fr2code,actstart,\
     actfinish,worklog{externalrefid},matusetrans{externalrefid},assetstatus{externalrefid},\
     failurereport{failurecode,type},failureremark{failureremarkid,description_longdescription}";

/// The closing codes that are also a failure report row of the work order (`FAILUREREPORT`,
/// `type` PROBLEM/CAUSE/REMEDY; the failure class is the work order's `FAILURECODE`).
const FAILURE_REPORT: [(&str, &str); 3] = [
    ("problem_code", "PROBLEM"),
    ("cause_code", "CAUSE"),
    ("remedy_code", "REMEDY"),
];

/// The failure report rows Maximo lacks for the codes a change sets (`agreed`: field and
/// value, those not in conflict): one per type whose row is missing. A type whose row holds
/// another code is left as it is (open question: whether Maximo takes a second row of a type,
/// or an update of the row).
fn failure_rows(wo: &Value, agreed: &[(&str, Value)]) -> Vec<Value> {
    let rows = wo["failurereport"].as_array().cloned().unwrap_or_default();
    FAILURE_REPORT
        .iter()
        .filter_map(|(field, kind)| {
            let code = agreed.iter().find(|(f, _)| f == field)?.1.as_str()?;
            let has_type = rows.iter().any(|r| r["type"] == *kind);
            (!code.is_empty() && !has_type).then(|| json!({"failurecode": code, "type": kind}))
        })
        .collect()
}

fn attribute(field: &str) -> Option<&'static str> {
    FIELDS.iter().find(|(f, _)| *f == field).map(|(_, a)| *a)
}

/// A Maximo status in Faultline's words (for a conflict a technician reads).
fn status_back(s: &str) -> &str {
    match s {
        "WAPPR" => "open",
        "INPRG" => "in_progress",
        "COMP" => "completed",
        "CLOSE" => "closed",
        "CAN" => "cancelled",
        other => other,
    }
}

/// The same value for Maximo: codes compared without case (Maximo keeps them upper case),
/// times by instant (Maximo answers in its own offset).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => {
            x.eq_ignore_ascii_case(y)
                || matches!(
                    (
                        chrono::DateTime::parse_from_rfc3339(x),
                        chrono::DateTime::parse_from_rfc3339(y)
                    ),
                    (Ok(p), Ok(q)) if p == q
                )
        }
        (Value::Null, Value::String(x)) | (Value::String(x), Value::Null) => x.is_empty(),
        _ => a == b,
    }
}

fn rowstamp(wo: &Value) -> Option<String> {
    match &wo["_rowstamp"] {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A work order as Maximo answered it, as the hub keeps it.
pub(super) fn seen_of(wo: &Value) -> Option<CmmsSeen> {
    let fields: serde_json::Map<String, Value> = FIELDS
        .iter()
        .map(|(_, a)| (a.to_string(), wo[*a].clone()))
        .collect();
    Some(CmmsSeen {
        rowstamp: rowstamp(wo)?,
        fields: Value::Object(fields),
    })
}

/// One field a change sets: its Faultline name, its value in Faultline's terms (what a
/// conflict shows) and the value sent to Maximo.
struct Want {
    field: &'static str,
    ours: Value,
    maximo: Value,
    /// Set only where Maximo has no value (the actual start: the first start counts).
    only_if_empty: bool,
}

impl Want {
    fn code(field: &'static str, v: &Value) -> Want {
        Want {
            field,
            ours: v.clone(),
            maximo: v.clone(),
            only_if_empty: false,
        }
    }

    fn status(ours: &str, maximo: &str) -> Want {
        Want {
            field: "status",
            ours: json!(ours),
            maximo: json!(maximo),
            only_if_empty: false,
        }
    }
}

fn status(s: &str) -> &str {
    match s {
        "open" => "WAPPR",
        "in_progress" => "INPRG",
        "completed" => "COMP",
        "closed" => "CLOSE",
        "cancelled" => "CAN",
        other => other,
    }
}

pub struct Maximo {
    http: reqwest::Client,
    /// Maximo's base URL (`…/maximo`).
    base: String,
    os_url: String,
    key: String,
    siteid: Option<String>,
    orgid: Option<String>,
}

/// A request's failure, already sorted into what the queue does with it.
pub(super) type Step<T> = std::result::Result<T, SendOutcome>;

impl Maximo {
    pub fn new(c: &ConnectorConfig, timeout: Duration) -> Result<Maximo> {
        let mut b = reqwest::Client::builder().timeout(timeout);
        if let Some(pem) = &c.ca_bundle {
            let cert = reqwest::Certificate::from_pem(pem.as_bytes())
                .map_err(|e| HubError::Invalid(format!("the CA bundle is not PEM: {e}")))?;
            b = b.add_root_certificate(cert);
        }
        let http = b
            .build()
            .map_err(|e| HubError::Invalid(format!("cannot build the HTTP client: {e}")))?;
        Ok(Maximo {
            http,
            base: c.url.trim_end_matches('/').to_string(),
            os_url: format!("{}/oslc/os/mxapiwodetail", c.url.trim_end_matches('/')),
            key: c.api_key.clone(),
            siteid: c.cmms_siteid.clone(),
            orgid: c.cmms_orgid.clone(),
        })
    }

    async fn call(&self, req: reqwest::RequestBuilder) -> Step<Value> {
        let resp = req
            .header("apikey", &self.key)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|e| SendOutcome::Retry(format!("Maximo did not answer: {e}")))?;
        let code = resp.status();
        let body: Value = resp.json().await.unwrap_or(Value::Null);
        if code.is_success() {
            return Ok(body);
        }
        Err(refusal(code.as_u16(), &body))
    }

    /// The work orders matching an `oslc.where` clause (lean JSON `member`).
    async fn find(&self, clause: &str, select: &str) -> Step<Vec<Value>> {
        let body = self
            .call(self.http.get(url(
                &self.os_url,
                &[
                    ("lean", "1"),
                    ("oslc.where", clause),
                    ("oslc.select", select),
                ],
            )?))
            .await?;
        Ok(body["member"].as_array().cloned().unwrap_or_default())
    }

    /// The Maximo work order of a queued item: by its number on the configured site.
    async fn work_order(&self, item: &OutboxItem) -> Step<Value> {
        let number = item.work_order_number.as_deref().unwrap_or_default();
        let mut clause = format!("wonum=\"{}\"", quote(number));
        if let Some(s) = &self.siteid {
            clause.push_str(&format!(" and siteid=\"{}\"", quote(s)));
        }
        let found = self.find(&clause, WO_SELECT).await?;
        found.into_iter().next().ok_or_else(|| {
            SendOutcome::Retry(format!(
                "work order {number} is not in Maximo yet (created by an earlier row?)"
            ))
        })
    }

    /// `POST` + `x-method-override: PATCH` + `patchtype: MERGE`, with `If-Match` when a stamp
    /// is given; answers the record (`properties`).
    async fn merge(
        &self,
        href: &str,
        body: Value,
        action: Option<&str>,
        if_match: Option<&str>,
    ) -> Step<Value> {
        self.merge_with(href, body, action, if_match, None).await
    }

    /// [`Maximo::merge`] with a `transactionid` (a child row added).
    async fn merge_with(
        &self,
        href: &str,
        body: Value,
        action: Option<&str>,
        if_match: Option<&str>,
        transaction: Option<&str>,
    ) -> Step<Value> {
        let mut q = vec![("lean", "1")];
        if let Some(a) = action {
            q.push(("action", a));
        }
        let mut req = self
            .http
            .post(url(href, &q)?)
            .header("x-method-override", "PATCH")
            .header("patchtype", "MERGE")
            .header("properties", WO_SELECT);
        if let Some(stamp) = if_match {
            req = req.header("if-match", stamp);
        }
        if let Some(t) = transaction {
            req = req.header("transactionid", t);
        }
        self.call(req.json(&body)).await
    }

    /// Sets work-order fields: those changed in Maximo since the hub last read the record (and
    /// set here to another value) become conflicts unless `force` (a person's choice); the
    /// others are sent, the status last through `changeStatus` at `at`.
    async fn update(
        &self,
        item: &OutboxItem,
        wants: Vec<Want>,
        at: &Value,
        force: bool,
    ) -> Step<SendOutcome> {
        let wo = self.work_order(item).await?;
        self.update_read(item, wo, wants, at, force).await
    }

    /// [`Maximo::update`] of the work order `wo` just read (alone, or with the other work
    /// orders of a batch).
    async fn update_read(
        &self,
        item: &OutboxItem,
        wo: Value,
        wants: Vec<Want>,
        at: &Value,
        force: bool,
    ) -> Step<SendOutcome> {
        let href = href(&wo)?.to_string();
        let moved = item
            .seen
            .as_ref()
            .filter(|s| Some(&s.rowstamp) != rowstamp(&wo).as_ref());
        let mut conflicts = Vec::new();
        let mut fields = serde_json::Map::new();
        let mut new_status = None;
        // The fields not in conflict, with the value Maximo has (or gets).
        let mut agreed = Vec::new();
        for w in wants {
            let Some(attr) = attribute(w.field) else {
                continue;
            };
            let theirs = &wo[attr];
            if same(theirs, &w.maximo) || (w.only_if_empty && !theirs.is_null()) {
                agreed.push((w.field, theirs.clone()));
                continue;
            }
            if let Some(seen) = moved.filter(|_| !force) {
                if !same(&seen.fields[attr], theirs) {
                    let cmms_value = match theirs.as_str() {
                        Some(st) if attr == "status" => json!(status_back(st)),
                        _ => theirs.clone(),
                    };
                    conflicts.push(CmmsConflict {
                        field: w.field.to_string(),
                        cmms_value,
                        our_value: w.ours,
                    });
                    continue;
                }
            }
            agreed.push((w.field, w.maximo.clone()));
            if attr == "status" {
                new_status = Some(w.maximo);
            } else {
                fields.insert(attr.to_string(), w.maximo);
            }
        }
        let reports = failure_rows(&wo, &agreed);
        if !reports.is_empty() {
            fields.insert("failurereport".into(), Value::Array(reports));
        }
        // The remedy text as the failure report's remarks, unless they hold it already.
        if let Some(row) = remedy_text(item).and_then(|text| remark_row(&wo, text, at)) {
            fields.insert("failureremark".into(), json!([row]));
        }
        let mut last = wo;
        if !fields.is_empty() {
            let stamp = rowstamp(&last);
            last = self
                .merge(&href, Value::Object(fields), None, stamp.as_deref())
                .await?;
        }
        if let Some(to) = new_status {
            let stamp = rowstamp(&last);
            let body = json!({"status": to, "date": at,
                              "memo": format!("Faultline {}", item.mutation_id)});
            last = self
                .merge(&href, body, Some("wsmethod:changeStatus"), stamp.as_deref())
                .await?;
        }
        if rowstamp(&last).is_none() {
            // An answer without the record (Maximo without `properties`): read it again.
            last = self.work_order(item).await?;
        }
        let seen = seen_of(&last);
        Ok(if conflicts.is_empty() {
            SendOutcome::Sent {
                external_id: None,
                seen,
            }
        } else {
            SendOutcome::Conflict { conflicts, seen }
        })
    }

    /// Creates the work order unless one carries the mutation id already; `transactionid`
    /// (the mutation id) lets Maximo answer a replay within its window with 409, after which
    /// the record is looked up again.
    async fn create_work_order(&self, item: &OutboxItem) -> Step<SendOutcome> {
        let refid = item.mutation_id.to_string();
        let by_ref = format!("externalrefid=\"{refid}\"");
        if let Some(wo) = self.find(&by_ref, WO_SELECT).await?.first() {
            return Ok(created(wo));
        }
        let body = self.create_body(item);
        let answer = self
            .call(
                self.http
                    .post(url(&self.os_url, &[("lean", "1")])?)
                    .header("properties", WO_SELECT)
                    .header("transactionid", &refid)
                    .json(&body),
            )
            .await;
        match answer {
            Ok(wo) => Ok(created(&wo)),
            Err(SendOutcome::Rejected(why)) if why.starts_with(REPLAYED) => {
                match self.find(&by_ref, WO_SELECT).await?.first() {
                    Some(wo) => Ok(created(wo)),
                    None => Err(SendOutcome::Retry(why)),
                }
            }
            Err(other) => Err(other),
        }
    }

    /// A new work order as Maximo takes it, carrying the mutation id as its external reference.
    fn create_body(&self, item: &OutboxItem) -> Value {
        let p = &item.payload;
        let mut body = json!({
            "wonum": item.work_order_number,
            "assetnum": item.asset_tag,
            "description": p["title"],
            "worktype": worktype(p["wo_type"].as_str().unwrap_or("")),
            "wopriority": p["priority"],
            "reportedby": p["reported_by"],
            "reportdate": p["reported_at"],
            "externalrefid": item.mutation_id.to_string(),
        });
        if let Some(s) = &self.siteid {
            body["siteid"] = json!(s);
        }
        if let Some(o) = &self.orgid {
            body["orgid"] = json!(o);
        }
        if !p["downtime_start"].is_null() {
            // Logged with the machine stopped: the asset goes down with the work order.
            body["assetstatus"] = json!([downtime_row(item, &p["downtime_start"], false)]);
        }
        body
    }

    /// Adds a child row (worklog, actual material, asset status) unless the work order holds
    /// one with the mutation id already; `transactionid` as for a create. Never in conflict:
    /// the stamp the hub keeps moves with it only when Maximo had no change of its own since
    /// (else the next field update must see that change).
    async fn add_child(&self, item: &OutboxItem, child: &str, row: Value) -> Step<SendOutcome> {
        let refid = item.mutation_id.to_string();
        let wo = self.work_order(item).await?;
        let unchanged = item
            .seen
            .as_ref()
            .is_none_or(|s| Some(&s.rowstamp) == rowstamp(&wo).as_ref());
        let mut seen = None;
        if !has_row(&wo, child, &refid) {
            let answer = self
                .merge_with(
                    href(&wo)?,
                    json!({ child: [row] }),
                    None,
                    None,
                    Some(&refid),
                )
                .await;
            let answer = match answer {
                Err(SendOutcome::Rejected(why)) if why.starts_with(REPLAYED) => {
                    self.work_order(item).await?
                }
                other => other?,
            };
            if unchanged {
                seen = seen_of(&answer);
            }
        }
        Ok(SendOutcome::Sent {
            external_id: None,
            seen,
        })
    }

    /// A photo as an attachment of the work order (`doclinks`: the bytes as the body, `slug` =
    /// the file name, which carries the mutation id, so the list of attachments tells whether
    /// it is there already).
    async fn attach(&self, item: &OutboxItem) -> Step<SendOutcome> {
        let Some(bytes) = &item.attachment else {
            return Err(SendOutcome::Rejected(
                "FAULTLINE: the photo's bytes are not on the hub".into(),
            ));
        };
        let wo = self.work_order(item).await?;
        let docs = format!("{}/doclinks", href(&wo)?);
        let p = &item.payload;
        let mime = p["mime"].as_str().unwrap_or("application/octet-stream");
        let name = format!(
            "faultline-{}.{}",
            item.mutation_id,
            mime.rsplit('/').next().unwrap_or("bin")
        );
        let listed = self
            .call(self.http.get(url(
                &docs,
                &[("lean", "1"), ("oslc.select", "describedBy{fileName}")],
            )?))
            .await?;
        let there = listed["member"]
            .as_array()
            .is_some_and(|m| m.iter().any(|d| d["describedBy"]["fileName"] == name));
        if there {
            return Ok(SendOutcome::Sent {
                external_id: None,
                seen: None,
            });
        }
        let added = self
            .call(
                self.http
                    .post(url(&docs, &[("lean", "1")])?)
                    .header("slug", &name)
                    .header("x-document-meta", "Attachments")
                    .header("x-document-description", header_text(&p["caption"]))
                    .header("content-type", mime)
                    .body(bytes.clone()),
            )
            .await?;
        Ok(SendOutcome::Sent {
            external_id: added["href"].as_str().map(str::to_string),
            seen: None,
        })
    }

    /// What a status change, a close or a person's choice sets (`None`: another kind, or a
    /// choice of a field the connector does not send): the fields, the time the status change
    /// carries, and whether a conflict is overridden (a person's choice).
    fn update_wants(item: &OutboxItem) -> Option<(Vec<Want>, Value, bool)> {
        let p = &item.payload;
        match item.kind.as_str() {
            "set_status" => {
                let to = p["status"].as_str().unwrap_or("");
                let mut wants = vec![Want::status(to, status(to))];
                if to == "in_progress" {
                    wants.push(Want {
                        field: "started_at",
                        ours: p["at"].clone(),
                        maximo: p["at"].clone(),
                        only_if_empty: true,
                    });
                }
                Some((wants, p["at"].clone(), false))
            }
            "close_work_order" => Some((Self::close_wants(item), p["finished_at"].clone(), false)),
            "resolve_conflict" => {
                let now =
                    json!(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
                match Self::resolve_want(item) {
                    Some(w) => Some((vec![w], now, true)),
                    // The remedy text chosen: no field of the work order, its remarks.
                    None if remedy_text(item).is_some() => Some((Vec::new(), now, true)),
                    None => None,
                }
            }
            _ => None,
        }
    }

    /// A status change, a close or a person's choice of the work order `wo` read in a batch.
    async fn send_update_read(&self, item: &OutboxItem, wo: Value) -> SendOutcome {
        let Some((wants, at, force)) = Self::update_wants(item) else {
            return SendOutcome::Skipped;
        };
        self.update_read(item, wo, wants, &at, force)
            .await
            .unwrap_or_else(|outcome| outcome)
    }

    fn close_wants(item: &OutboxItem) -> Vec<Want> {
        let p = &item.payload;
        vec![
            Want::code("failure_class", &p["failure_class"]),
            Want::code("problem_code", &p["problem_code"]),
            Want::code("cause_code", &p["cause_code"]),
            Want::code("remedy_code", &p["remedy_code"]),
            Want::code("finished_at", &p["finished_at"]),
            // Closed on the laptop = COMP in Maximo (CLOSE is Maximo's own final step).
            Want::status("closed", "COMP"),
        ]
    }

    /// A person's choice between the two values of a conflict: sent as it is.
    fn resolve_want(item: &OutboxItem) -> Option<Want> {
        let p = &item.payload;
        let field = p["field"]
            .as_str()
            .and_then(|f| FIELDS.iter().find(|(n, _)| *n == f))?;
        let maximo = match p["value"].as_str() {
            Some(v) if field.0 == "status" => json!(status(v)),
            _ => p["value"].clone(),
        };
        Some(Want {
            field: field.0,
            ours: p["value"].clone(),
            maximo,
            only_if_empty: false,
        })
    }
}

/// A caption as a header value: printable ASCII only (a header cannot carry the rest), at most
/// 100 characters; "Faultline photo" when nothing is left.
fn header_text(caption: &Value) -> String {
    let text: String = caption
        .as_str()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .take(100)
        .collect();
    match text.trim() {
        "" => "Faultline photo".into(),
        t => t.to_string(),
    }
}

/// What an answer of HTTP status `code` with Maximo's error JSON (`{"Error": {"reasonCode",
/// "message", "statusCode"}}`) means for the queue: a whole request's or one bulk item's.
fn refusal(code: u16, body: &Value) -> SendOutcome {
    let err = &body["Error"];
    let why = format!(
        "{}: {}",
        err["reasonCode"].as_str().unwrap_or("HTTP"),
        err["message"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| format!("HTTP {code}"))
    );
    match code {
        401 | 403 => SendOutcome::AuthRefused(why),
        // A `transactionid` seen within Maximo's window: the first request committed.
        409 => SendOutcome::Rejected(format!("{REPLAYED}: {why}")),
        // `If-Match` lost a race ("updated by another user"): read again and compare.
        412 => SendOutcome::Retry(why),
        408 | 429 | 500..=599 => SendOutcome::Retry(why),
        _ => SendOutcome::Rejected(why),
    }
}

/// The reason [`Maximo::call`] gives a 409 (a `transactionid` Maximo has seen).
const REPLAYED: &str = "replayed";

/// A created (or found) work order: its href and what the hub now knows of it.
fn created(wo: &Value) -> SendOutcome {
    SendOutcome::Sent {
        external_id: wo["href"].as_str().map(str::to_string),
        seen: seen_of(wo),
    }
}

fn href(wo: &Value) -> Step<&str> {
    wo["href"]
        .as_str()
        .ok_or_else(|| SendOutcome::Retry("Maximo answered a work order without href".into()))
}

/// `base` with the query parameters, encoded.
fn url(base: &str, query: &[(&str, &str)]) -> Step<reqwest::Url> {
    let mut u = reqwest::Url::parse(base)
        .map_err(|e| SendOutcome::Rejected(format!("bad Maximo URL {base:?}: {e}")))?;
    u.query_pairs_mut().extend_pairs(query);
    Ok(u)
}

/// A value inside an `oslc.where` string literal.
fn quote(s: &str) -> String {
    s.replace('"', "\\\"")
}

impl Connector for Maximo {
    async fn send(&self, item: &OutboxItem) -> SendOutcome {
        let done = match item.kind.as_str() {
            "create_work_order" => self.create_work_order(item).await,
            "add_note" | "add_part" | "downtime_start" | "downtime_end" | "record_diagnosis"
            | "diagnosis_summary" => match child_row(item) {
                Some((child, row)) => self.add_child(item, child, row).await,
                None => return SendOutcome::Skipped,
            },
            "set_status" | "close_work_order" | "resolve_conflict" => {
                match Self::update_wants(item) {
                    Some((wants, at, force)) => self.update(item, wants, &at, force).await,
                    None => return SendOutcome::Skipped,
                }
            }
            "add_photo" => self.attach(item).await,
            _ => return SendOutcome::Skipped,
        };
        done.unwrap_or_else(|outcome| outcome)
    }

    /// New work orders in one BULK request, child rows (notes, parts, stops and restarts) of
    /// other work orders in another (each item answered on its own), the work orders of the
    /// status changes, closes and choices read in one query, then those (each a `changeStatus`
    /// of its own, a close's fields first in a MERGE with `If-Match`: IBM's bulk items take
    /// `_action` Add, Update or Delete, no action) and the other kinds one request at a time
    /// (each item is the oldest unsent change of its own work order), so a sender never has more
    /// than one request in flight.
    async fn send_batch(&self, items: &[OutboxItem]) -> Vec<SendOutcome> {
        let is_create = |i: &OutboxItem| i.kind == "create_work_order";
        let is_child = |i: &OutboxItem| child_row(i).is_some();
        let is_update = |i: &OutboxItem| Self::update_wants(i).is_some();
        let creates: Vec<&OutboxItem> = items.iter().filter(|i| is_create(i)).collect();
        let children: Vec<&OutboxItem> = items.iter().filter(|i| is_child(i)).collect();
        let updates: Vec<&OutboxItem> = items.iter().filter(|i| is_update(i)).collect();
        let (creates_in_bulk, children_in_bulk) = (creates.len() > 1, children.len() > 1);
        let mut created = if creates_in_bulk {
            self.bulk_create(&creates).await.into_iter()
        } else {
            Vec::new().into_iter()
        };
        let mut added = if children_in_bulk {
            self.bulk_children(&children).await.into_iter()
        } else {
            Vec::new().into_iter()
        };
        let read = if updates.len() > 1 {
            Some(self.work_orders_of(&updates).await)
        } else {
            None
        };
        let no_answer = || SendOutcome::Retry("no answer for this item".into());
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            out.push(if creates_in_bulk && is_create(item) {
                created.next().unwrap_or_else(no_answer)
            } else if children_in_bulk && is_child(item) {
                added.next().unwrap_or_else(no_answer)
            } else if let (Some(read), true) = (&read, is_update(item)) {
                match read {
                    Ok(found) => match bulk::of_item(found, item) {
                        Ok(wo) => self.send_update_read(item, wo.clone()).await,
                        Err(outcome) => outcome,
                    },
                    Err(outcome) => outcome.clone(),
                }
            } else {
                self.send(item).await
            });
        }
        out
    }
}

#[cfg(test)]
mod failure_report_tests {
    use super::*;

    #[test]
    fn a_failure_report_row_per_code_maximo_lacks() {
        let wo = json!({"failurereport": [{"failurecode": "LEAK", "type": "PROBLEM"}]});
        let agreed = [
            ("problem_code", json!("LEAK")),
            ("cause_code", json!("SEALWORN")),
            ("remedy_code", Value::Null),
            ("status", json!("COMP")),
        ];
        assert_eq!(
            failure_rows(&wo, &agreed),
            [json!({"failurecode": "SEALWORN", "type": "CAUSE"})]
        );
        assert!(failure_rows(&json!({}), &[("status", json!("COMP"))]).is_empty());
    }
}
