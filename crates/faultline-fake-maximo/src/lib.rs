//! `fake_maximo`: a contract fake of Maximo's JSON API for the hub connector's tests and the
//! CMMS drain bench (axum on 127.0.0.1, never a real Maximo; test support, not shipped). Each
//! behaviour follows a section of IBM's published Maximo REST API guide ("Maximo JSON API"), from
//! its documented field names; no IBM JSON is copied, the records are written here.
//!
//! - Authentication: the `apikey` header; a wrong or revoked key answers 401 with the error JSON.
//! - Querying (`oslc.where`, `oslc.select`, `lean=1`): `wonum="…"`, `siteid="…"`,
//!   `externalrefid="…"`, `status="ACTIVE"` (any attribute `="…"`) joined by `and`; answers `{"member": [...]}` with `href` and
//!   `_rowstamp` on every object.
//! - Creating resources: `POST /oslc/os/mxapiwodetail`, 201 with the `properties` asked for.
//! - Updating resources: `POST {href}` with `x-method-override: PATCH`; with
//!   `patchtype: MERGE` child rows (worklog) are added to, without it they are replaced by the
//!   payload's (the documented reason the connector always sends MERGE).
//! - Actions: `action=wsmethod:changeStatus` with `status`, `date`, `memo` (the work order's
//!   `statusdate` becomes `date`); a transition out of CLOSE or CAN is refused (Maximo's own
//!   rule, simplified).
//! - Querying a resource: `GET {href}` answers the one work order (`record.rs`).
//! - Errors: `{"Error": {"reasonCode", "message", "statusCode"}}` with a BMXAA-shaped code; the
//!   codes here are chosen by the fake, not taken from Maximo's message catalogue.
//! - Optimistic locking ("Concurrency control": `_rowstamp` renewed by every change, an update
//!   with `If-Match` naming an older stamp refused with 412, "updated by another user").
//! - `transactionid` header on a create or an update ("Transaction ID"): the same id again
//!   within the window is answered 409 and changes nothing; [`Fake::window_passes`] forgets
//!   the ids.
//! - Bulk ("Bulk operations"): `x-method-override: BULK` on the collection, an array of
//!   `{"_data": …}` creates or of `{"href", "_action": "Update", …}` updates (child rows added
//!   to with `patchtype: MERGE`), answered 200 with one result per item (an invalid item
//!   carries its error JSON and blocks no other); `oslc.where` with `attr in ["a","b"]`.
//! - Attachments ("Attachments"): `GET {href}/doclinks` lists them (`describedBy` with
//!   `fileName`, `description`); `POST {href}/doclinks` with the file as the body, `slug` = its
//!   name, `x-document-meta` = the folder (required here), `x-document-description`.
//! - Child collections (`worklog`, `matusetrans`, `assetstatus`, `failurereport`) are arrays of
//!   the work order, added to by a MERGE, replaced without it. A `failurereport` row needs a
//!   `failurecode` and a `type` of PROBLEM, CAUSE or REMEDY (the failure hierarchy below the
//!   class, which is the work order's `failurecode`). A new row of `worklog`, `matusetrans` or
//!   `assetstatus` is given its unique id attribute (`worklogid`, `matusetransid`,
//!   `assetstatusid`): child objects are created inside their parent's payload ("Creating
//!   resources", "Updating resources" above) and their ids are Maximo's to give. An asset
//!   status row (ASSETSTATUS: `isrunning`, `changedate`, `code`, `wonum`, the asset's up/down
//!   history that the work order's downtime report writes) needs `isrunning` and `changedate`.
//! - Failure remarks (`failureremark`: the FAILUREREMARK record behind the Remarks of the
//!   Failure Reporting tab in Work Order Tracking, IBM Maximo User's Guide, "Work Order
//!   Tracking": a `description`, its long description and `enterdate` against the work order):
//!   a child collection like the others, its rows given `failureremarkid`. That MXAPIWODETAIL
//!   carries it under this name is the hub's assumption, for the probe to confirm.
//! - A child row in a MERGE that names the id attribute of a row the work order has is an
//!   update of that row ("Updating resources": child objects are matched by their key, merged
//!   when found, added when not); a row without one is added.
//! - A user working in Maximo's own screens: [`Fake::add_child`], [`Fake::edit_child`] and
//!   [`Fake::remove_child`] change a child row without changing the work order's own row or its
//!   `_rowstamp` (why the hub's reconcile reads the child arrays again).
//! - A user editing a work order in Maximo: [`Fake::edit`] (a new `_rowstamp`); a record
//!   created in Maximo: [`Fake::add`] (any object structure: `GET /oslc/os/{os}`).
//! - Paging ("Sorting and paging"): `oslc.pageSize` (and `pageno`, 1 first), the answer's
//!   `responseInfo.nextPage.href` when there is more; `oslc.orderBy=+rowstamp`.
//! - Delta queries (`fetchmodedelta=1&lastfetchts=STAMP`: the records whose `_rowstamp` is above
//!   STAMP), the form described in the open questions of docs/cmms-connectors.md.
//!
//! Fault knobs: `latency_ms`, `down` (503 to everything), `lose_next_answer` (commit, then answer 504 as a
//! gateway whose upstream answer was lost), `key` (the accepted API key), `valid_assets`,
//! `blind_queries` (the next N queries find nothing: a record not yet visible to queries),
//! `queries_left` (that many more queries are answered, then Maximo is down).
// A test fixture: its state's lock and the helpers for tests panic on misuse, by design.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

mod record;
mod request_log;
pub use request_log::Logged;

#[derive(Debug, Default)]
pub struct Fake {
    pub key: String,
    pub down: bool,
    pub lose_next_answer: bool,
    pub valid_assets: Vec<String>,
    /// Simulated Maximo latency, before every answer.
    pub latency_ms: u64,
    /// Work orders, as lean JSON objects (`workorderid`, `wonum`, `status`, `worklog`…).
    pub wos: Vec<Value>,
    /// (wonum, status, date) of every status change, in order.
    pub status_changes: Vec<(String, String, String)>,
    pub requests: u64,
    pub blind_queries: u32,
    /// BULK requests of creates received.
    pub bulk_requests: u32,
    /// BULK requests of updates received.
    pub bulk_updates: u32,
    /// Item numbers not in the item master: an actual material of one is refused.
    pub unknown_items: Vec<String>,
    /// Attachments (`doclinks`) of the work orders.
    pub attachments: Vec<Attachment>,
    /// `transactionid` of every create, in order (repeats included).
    pub transaction_ids: Vec<String>,
    /// Records of other object structures (`mxapiasset`, `mxapijobplan`…), by name.
    pub objects: HashMap<String, Vec<Value>>,
    /// Queries (GET) answered before Maximo goes down (`None`: no limit).
    pub queries_left: Option<u32>,
    /// Queries (GET) received, with their parameters.
    pub queries: Vec<HashMap<String, String>>,
    /// Every request answered, in the order its answer left ([`Logged`]).
    pub log: Vec<Logged>,
    /// Ids within the replay window.
    window: Vec<String>,
    rowstamp: u64,
    /// The last child row id given.
    child_id: u64,
    base: String,
}

impl Fake {
    /// A Maximo user sets `attr` of work order `wonum` (a new `_rowstamp`).
    pub fn edit(&mut self, wonum: &str, attr: &str, value: Value) {
        let rs = next_rowstamp(self);
        let wo = self.wo_mut(wonum);
        wo[attr] = value;
        wo["_rowstamp"] = json!(rs);
    }

    fn wo_mut(&mut self, wonum: &str) -> &mut Value {
        self.wos
            .iter_mut()
            .find(|w| w["wonum"] == wonum)
            .expect("work order in the fake")
    }

    /// A Maximo user adds a row to the child collection `child` of work order `wonum` (its id
    /// attribute given when the row has none); the work order's own row and `_rowstamp` do not
    /// change. Returns the row's id.
    pub fn add_child(&mut self, wonum: &str, child: &str, mut row: Value) -> u64 {
        give_id(self, child, &mut row);
        let id = id_attr(child)
            .and_then(|a| row[a].as_u64())
            .unwrap_or_default();
        let wo = self.wo_mut(wonum);
        let mut rows = wo[child].as_array().cloned().unwrap_or_default();
        rows.push(row);
        wo[child] = json!(rows);
        id
    }

    /// A Maximo user sets `attr` of the row `id` of `child` of work order `wonum` (the work
    /// order's `_rowstamp` does not change).
    pub fn edit_child(&mut self, wonum: &str, child: &str, id: u64, attr: &str, value: Value) {
        let key = id_attr(child).expect("a child collection with ids");
        let wo = self.wo_mut(wonum);
        let row = wo[child]
            .as_array_mut()
            .and_then(|rows| rows.iter_mut().find(|r| r[key] == id))
            .expect("child row in the fake");
        row[attr] = value;
    }

    /// A Maximo user deletes the row `id` of `child` of work order `wonum`.
    pub fn remove_child(&mut self, wonum: &str, child: &str, id: u64) {
        let key = id_attr(child).expect("a child collection with ids");
        let wo = self.wo_mut(wonum);
        if let Some(rows) = wo[child].as_array_mut() {
            rows.retain(|r| r[key] != id);
        }
    }

    /// A record created in Maximo by a user (a work order when `os` is `mxapiwodetail`): it gets
    /// an `href` and a `_rowstamp`.
    pub fn add(&mut self, os: &str, mut record: Value) {
        let rs = next_rowstamp(self);
        record["_rowstamp"] = json!(rs);
        if os == "mxapiwodetail" {
            let id = self.wos.len() + 1;
            record["workorderid"] = json!(id);
            record["href"] = json!(format!("{}/oslc/os/mxapiwodetail/{id}", self.base));
            self.wos.push(record);
        } else {
            self.objects.entry(os.to_string()).or_default().push(record);
        }
    }

    /// A Maximo user sets `attr` of the record of `os` whose `key_attr` is `key`.
    pub fn edit_object(&mut self, os: &str, key_attr: &str, key: &str, attr: &str, value: Value) {
        let rs = next_rowstamp(self);
        let r = self
            .objects
            .get_mut(os)
            .and_then(|rs| rs.iter_mut().find(|r| r[key_attr] == key))
            .expect("record in the fake");
        r[attr] = value;
        r["_rowstamp"] = json!(rs);
    }

    /// The `transactionid` replay window is over: ids are forgotten.
    pub fn window_passes(&mut self) {
        self.window.clear();
    }

    pub fn wo(&self, wonum: &str) -> &Value {
        self.wos
            .iter()
            .find(|w| w["wonum"] == wonum)
            .expect("work order in the fake")
    }
}

#[derive(Debug, Clone)]
pub struct Attachment {
    pub wonum: String,
    pub file_name: String,
    pub mime: String,
    pub description: String,
    pub bytes: Vec<u8>,
}

pub type Shared = Arc<Mutex<Fake>>;

/// Serves the fake on a free loopback port; returns its base URL (…/maximo) and its state.
pub async fn start(key: &str, assets: &[&str]) -> std::io::Result<(String, Shared)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr: SocketAddr = listener.local_addr()?;
    let base = format!("http://{addr}/maximo");
    let state = Arc::new(Mutex::new(Fake {
        key: key.into(),
        valid_assets: assets.iter().map(|s| s.to_string()).collect(),
        base: base.clone(),
        ..Fake::default()
    }));
    let app = Router::new()
        .route("/maximo/oslc/os/mxapiwodetail", get(query).post(create))
        .route("/maximo/oslc/os/{os}", get(query_other))
        .route(
            "/maximo/oslc/os/mxapiwodetail/{id}",
            get(record::read_one).post(update),
        )
        .route(
            "/maximo/oslc/os/mxapiwodetail/{id}/doclinks",
            get(doclinks).post(attach),
        )
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            request_log::log_requests,
        ))
        .with_state(state.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((base, state))
}

/// Waits the simulated latency (without holding the state).
async fn pause(s: &Shared) {
    let ms = s.lock().unwrap().latency_ms;
    if ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({"Error": {"reasonCode": code, "message": message,
                              "statusCode": status.as_u16().to_string()}})),
    )
        .into_response()
}

/// Down, key: the checks before any request is looked at.
fn gate(f: &mut Fake, headers: &HeaderMap) -> Option<Response> {
    f.requests += 1;
    if f.down {
        return Some(error(
            StatusCode::SERVICE_UNAVAILABLE,
            "HTTP503",
            "Maximo is down",
        ));
    }
    if headers.get("apikey").and_then(|v| v.to_str().ok()) != Some(f.key.as_str()) {
        return Some(error(
            StatusCode::UNAUTHORIZED,
            "BMXAA7901E",
            "You cannot log in at this time: the API key is not valid.",
        ));
    }
    None
}

/// After a commit: the answer is lost once when asked to.
fn answer(f: &mut Fake, status: StatusCode, body: Value) -> Response {
    if std::mem::take(&mut f.lose_next_answer) {
        return error(
            StatusCode::GATEWAY_TIMEOUT,
            "HTTP504",
            "upstream answer lost",
        );
    }
    (status, Json(body)).into_response()
}

/// A `transactionid` within the window: 409, nothing changes.
fn replayed(f: &mut Fake, headers: &HeaderMap) -> Option<Response> {
    let t = headers.get("transactionid")?.to_str().ok()?.to_string();
    f.transaction_ids.push(t.clone());
    f.window.contains(&t).then(|| {
        error(
            StatusCode::CONFLICT,
            "BMXAA9549E",
            &format!("The transaction {t} was already processed."),
        )
    })
}

/// A committed request's `transactionid` enters the window.
fn remember(f: &mut Fake, headers: &HeaderMap) {
    if let Some(t) = headers.get("transactionid").and_then(|v| v.to_str().ok()) {
        f.window.push(t.to_string());
    }
}

/// The unique id attribute of a child collection's rows.
fn id_attr(child: &str) -> Option<&'static str> {
    match child {
        "worklog" => Some("worklogid"),
        "matusetrans" => Some("matusetransid"),
        "assetstatus" => Some("assetstatusid"),
        "failureremark" => Some("failureremarkid"),
        _ => None,
    }
}

/// A new child row's id attribute, when its collection has one and the row none yet.
fn give_id(f: &mut Fake, child: &str, row: &mut Value) {
    if let Some(attr) = id_attr(child) {
        if row.is_object() && row[attr].is_null() {
            f.child_id += 1;
            row[attr] = json!(1000 + f.child_id);
        }
    }
}

fn next_rowstamp(f: &mut Fake) -> String {
    f.rowstamp += 1;
    f.rowstamp.to_string()
}

/// `a="x" and b in ["y","z"]` → [(a, [x]), (b, [y, z])]: an attribute and the values it may
/// take ("Filtering data": `=` and `in`).
fn clauses(w: &str) -> Vec<(String, Vec<String>)> {
    let value = |v: &str| v.trim().trim_matches('"').replace("\\\"", "\"");
    w.split(" and ")
        .filter_map(|c| {
            if let Some((k, list)) = c.split_once(" in ") {
                let list = list.trim().trim_start_matches('[').trim_end_matches(']');
                return Some((
                    k.trim().to_lowercase(),
                    list.split(',').map(value).collect(),
                ));
            }
            let (k, v) = c.split_once('=')?;
            Some((k.trim().to_lowercase(), vec![value(v)]))
        })
        .collect()
}

async fn query(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    query_os(s, "mxapiwodetail", headers, q).await
}

async fn query_other(
    State(s): State<Shared>,
    Path(os): Path<String>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    query_os(s, &os, headers, q).await
}

fn stamp(r: &Value) -> u64 {
    match &r["_rowstamp"] {
        Value::String(s) => s.parse().unwrap_or(0),
        other => other.as_u64().unwrap_or(0),
    }
}

/// A query of an object structure: `oslc.where`, the delta (`fetchmodedelta`, `lastfetchts`),
/// `oslc.orderBy=+rowstamp`, paging (`oslc.pageSize`, `pageno`, `responseInfo.nextPage`).
async fn query_os(s: Shared, os: &str, headers: HeaderMap, q: HashMap<String, String>) -> Response {
    pause(&s).await;
    let mut f = s.lock().unwrap();
    if let Some(r) = gate(&mut f, &headers) {
        return r;
    }
    f.queries.push(q.clone());
    if let Some(n) = f.queries_left {
        if n == 0 {
            return error(StatusCode::SERVICE_UNAVAILABLE, "HTTP503", "Maximo is down");
        }
        f.queries_left = Some(n - 1);
    }
    if f.blind_queries > 0 {
        f.blind_queries -= 1;
        return (StatusCode::OK, Json(json!({ "member": [] }))).into_response();
    }
    let wanted = clauses(q.get("oslc.where").map(String::as_str).unwrap_or(""));
    let since: Option<u64> = match (q.get("fetchmodedelta"), q.get("lastfetchts")) {
        (Some(_), Some(ts)) => ts.parse().ok(),
        _ => None,
    };
    let records = if os == "mxapiwodetail" {
        &f.wos
    } else {
        match f.objects.get(os) {
            Some(r) => r,
            None => return (StatusCode::OK, Json(json!({ "member": [] }))).into_response(),
        }
    };
    let mut member: Vec<Value> = records
        .iter()
        .filter(|wo| {
            wanted
                .iter()
                .all(|(k, vs)| vs.iter().any(|v| wo[k.as_str()].as_str() == Some(v)))
        })
        .filter(|r| since.is_none_or(|ts| stamp(r) > ts))
        .cloned()
        .collect();
    if q.get("oslc.orderBy").map(String::as_str) == Some("+rowstamp") {
        member.sort_by_key(stamp);
    }
    let mut info = json!({});
    if let Some(size) = q.get("oslc.pageSize").and_then(|n| n.parse::<usize>().ok()) {
        let page: usize = q.get("pageno").and_then(|n| n.parse().ok()).unwrap_or(1);
        let from = (page.max(1) - 1) * size.max(1);
        let more = member.len() > from + size;
        member = member.into_iter().skip(from).take(size).collect();
        if more {
            info["nextPage"] =
                json!({"href": format!("{}/oslc/os/{os}?pageno={}", f.base, page + 1)});
        }
        info["pagenum"] = json!(page);
    }
    (
        StatusCode::OK,
        Json(json!({ "member": member, "responseInfo": info })),
    )
        .into_response()
}

async fn create(State(s): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    pause(&s).await;
    let mut f = s.lock().unwrap();
    if let Some(r) = gate(&mut f, &headers) {
        return r;
    }
    let Ok(mut wo) = serde_json::from_slice::<Value>(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "BMXAA0001E",
            "the body is not JSON",
        );
    };
    if headers
        .get("x-method-override")
        .and_then(|v| v.to_str().ok())
        == Some("BULK")
    {
        let merge = headers.get("patchtype").and_then(|v| v.to_str().ok()) == Some("MERGE");
        return bulk(&mut f, wo, merge);
    }
    if let Some(r) = replayed(&mut f, &headers) {
        return r;
    }
    match create_one(&mut f, &mut wo) {
        Ok(()) => {
            remember(&mut f, &headers);
            answer(&mut f, StatusCode::CREATED, wo)
        }
        Err((code, reason, message)) => error(code, reason, &message),
    }
}

type Refusal = (StatusCode, &'static str, String);

/// Checks and stores one new work order.
fn create_one(f: &mut Fake, wo: &mut Value) -> Result<(), Refusal> {
    let asset = wo["assetnum"].as_str().unwrap_or("").to_string();
    if !f.valid_assets.contains(&asset) {
        return Err((
            StatusCode::BAD_REQUEST,
            "BMXAA4195E",
            format!("Asset {asset} is not a valid asset in the site."),
        ));
    }
    let id = f.wos.len() + 1;
    if wo["wonum"].as_str().is_none_or(str::is_empty) {
        // "Creating resources": without a number, Maximo numbers the work order (autokey).
        wo["wonum"] = json!(format!("{}", 1000 + id));
    }
    wo["workorderid"] = json!(id);
    wo["href"] = json!(format!("{}/oslc/os/mxapiwodetail/{id}", f.base));
    wo["status"] = json!("WAPPR");
    wo["worklog"] = json!([]);
    for child in ["matusetrans", "assetstatus"] {
        if let Some(rows) = wo[child].as_array_mut() {
            for row in rows.iter_mut() {
                give_id(f, child, row);
            }
        }
    }
    wo["_rowstamp"] = json!(next_rowstamp(f));
    f.wos.push(wo.clone());
    Ok(())
}

/// `x-method-override: BULK` ("Bulk operations"): an array of `{"_data": record}`, each created
/// on its own, or of `{"href", "_action": "Update", …attributes}`, each an update of the work
/// order at `href` (child collections added to with `patchtype: MERGE` on the request); the
/// answer is 200 with one `{"_responsemeta": {"status"}, "_responsedata"}` per item, in order,
/// an item's error JSON in its `_responsedata`.
fn bulk(f: &mut Fake, items: Value, merge: bool) -> Response {
    let Some(items) = items.as_array().cloned() else {
        return error(StatusCode::BAD_REQUEST, "BMXAA0003E", "BULK takes an array");
    };
    if items.iter().any(|i| i["_action"] == "Update") {
        f.bulk_updates += 1;
    } else {
        f.bulk_requests += 1;
    }
    let answers: Vec<Value> = items
        .into_iter()
        .map(|item| {
            if item["_action"] == "Update" {
                return bulk_update(f, &item, merge);
            }
            let mut wo = item["_data"].clone();
            match create_one(f, &mut wo) {
                Ok(()) => json!({"_responsemeta": {"status": "201"}, "_responsedata": wo}),
                Err((code, reason, message)) => json!({
                    "_responsemeta": {"status": code.as_u16().to_string()},
                    "_responsedata": {"Error": {"reasonCode": reason, "message": message,
                                                "statusCode": code.as_u16().to_string()}},
                }),
            }
        })
        .collect();
    answer(f, StatusCode::OK, json!(answers))
}

async fn update(
    State(s): State<Shared>,
    Path(id): Path<usize>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    pause(&s).await;
    let mut f = s.lock().unwrap();
    if let Some(r) = gate(&mut f, &headers) {
        return r;
    }
    if headers
        .get("x-method-override")
        .and_then(|v| v.to_str().ok())
        != Some("PATCH")
    {
        return error(
            StatusCode::BAD_REQUEST,
            "BMXAA0002E",
            "POST on a resource needs x-method-override",
        );
    }
    let merge = headers.get("patchtype").and_then(|v| v.to_str().ok()) == Some("MERGE");
    let Ok(patch) = serde_json::from_slice::<Value>(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "BMXAA0001E",
            "the body is not JSON",
        );
    };
    let i = match wo_index(&f, id) {
        Ok(i) => i,
        Err(r) => return *r,
    };
    if let Some(stamp) = headers.get("if-match").and_then(|v| v.to_str().ok()) {
        if f.wos[i]["_rowstamp"].as_str() != Some(stamp) {
            return error(
                StatusCode::PRECONDITION_FAILED,
                "BMXAA8229W",
                "The record has been updated by another user. Refresh and try again.",
            );
        }
    }
    if let Some(r) = replayed(&mut f, &headers) {
        return r;
    }
    if let Err((code, reason, message)) = check_children(&f, &patch) {
        return error(code, reason, &message);
    }
    if q.get("action").map(String::as_str) == Some("wsmethod:changeStatus") {
        let from = f.wos[i]["status"].as_str().unwrap_or("").to_string();
        let to = patch["status"].as_str().unwrap_or("").to_string();
        if from == "CLOSE" || from == "CAN" {
            return error(
                StatusCode::BAD_REQUEST,
                "BMXAA4590E",
                &format!("The status cannot be changed from {from} to {to}."),
            );
        }
        let wonum = f.wos[i]["wonum"].as_str().unwrap_or("").to_string();
        let date = patch["date"].as_str().unwrap_or("").to_string();
        // "Actions": the work order's status date is the date the change was made.
        f.wos[i]["statusdate"] = json!(date.clone());
        f.status_changes.push((wonum, to.clone(), date));
        f.wos[i]["status"] = json!(to);
    } else {
        apply(&mut f, i, &patch, merge);
    }
    remember(&mut f, &headers);
    let rs = next_rowstamp(&mut f);
    f.wos[i]["_rowstamp"] = json!(rs);
    let wo = f.wos[i].clone();
    answer(&mut f, StatusCode::OK, wo)
}

/// The child rows of an update Maximo would refuse: a failure report row without a code or
/// with another type; an asset status row without `isrunning` or `changedate`; an actual
/// material whose item is not in the item master ([`Fake::unknown_items`]).
fn check_children(f: &Fake, patch: &Value) -> Result<(), Refusal> {
    let rows = |child: &str| patch[child].as_array().cloned().unwrap_or_default();
    if let Some(r) = rows("failurereport").iter().find(|r| {
        !matches!(r["type"].as_str(), Some("PROBLEM" | "CAUSE" | "REMEDY"))
            || r["failurecode"].as_str().is_none_or(str::is_empty)
    }) {
        return Err((
            StatusCode::BAD_REQUEST,
            "BMXAA4197E",
            format!("The failure report row {r} needs a failure code and a type."),
        ));
    }
    if let Some(r) = rows("assetstatus")
        .iter()
        .find(|r| !r["isrunning"].is_boolean() || r["changedate"].as_str().is_none())
    {
        return Err((
            StatusCode::BAD_REQUEST,
            "BMXAA4198E",
            format!("The asset status row {r} needs isrunning and a changedate."),
        ));
    }
    if let Some(item) = rows("matusetrans")
        .iter()
        .filter_map(|r| r["itemnum"].as_str())
        .find(|i| f.unknown_items.iter().any(|u| u == i))
    {
        return Err((
            StatusCode::BAD_REQUEST,
            "BMXAA4191E",
            format!("Item {item} is not in the item master."),
        ));
    }
    Ok(())
}

/// A patch's attributes set on work order `i`; child collections (arrays) added to with
/// `merge`, replaced without.
fn apply(f: &mut Fake, i: usize, patch: &Value, merge: bool) {
    let Some(obj) = patch.as_object() else {
        return;
    };
    for (k, v) in obj {
        if k.starts_with('_') || k == "href" {
            continue;
        }
        if let Some(rows) = v.as_array() {
            // A child collection (worklog, matusetrans, assetstatus, failurereport).
            let mut all = if merge {
                f.wos[i][k.as_str()].as_array().cloned().unwrap_or_default()
            } else {
                Vec::new()
            };
            for row in rows {
                // A row naming the id of one the work order has: that row updated.
                let known = id_attr(k).and_then(|attr| {
                    let id = &row[attr];
                    all.iter().position(|r| !id.is_null() && r[attr] == *id)
                });
                if let (Some(at), Some(fields)) = (known, row.as_object()) {
                    for (attr, v) in fields {
                        all[at][attr.as_str()] = v.clone();
                    }
                    continue;
                }
                let mut row = row.clone();
                give_id(f, k, &mut row);
                all.push(row);
            }
            f.wos[i][k.as_str()] = json!(all);
        } else {
            f.wos[i][k.as_str()] = v.clone();
        }
    }
}

/// One update of a BULK request, answered on its own.
fn bulk_update(f: &mut Fake, item: &Value, merge: bool) -> Value {
    let id = item["href"]
        .as_str()
        .and_then(|h| h.rsplit('/').next())
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    let done = match wo_index(f, id) {
        Err(_) => Err((
            StatusCode::NOT_FOUND,
            "BMXAA8727E",
            "The record does not exist.".to_string(),
        )),
        Ok(i) => check_children(f, item).map(|()| i),
    };
    match done {
        Ok(i) => {
            apply(f, i, item, merge);
            let rs = next_rowstamp(f);
            f.wos[i]["_rowstamp"] = json!(rs);
            json!({"_responsemeta": {"status": "200"}, "_responsedata": f.wos[i].clone()})
        }
        Err((code, reason, message)) => json!({
            "_responsemeta": {"status": code.as_u16().to_string()},
            "_responsedata": {"Error": {"reasonCode": reason, "message": message,
                                        "statusCode": code.as_u16().to_string()}},
        }),
    }
}

/// The work order of an `/{id}` path, by position; 404 with the error JSON when there is none.
fn wo_index(f: &Fake, id: usize) -> Result<usize, Box<Response>> {
    id.checked_sub(1)
        .filter(|i| *i < f.wos.len())
        .ok_or_else(|| {
            Box::new(error(
                StatusCode::NOT_FOUND,
                "BMXAA8727E",
                "The record does not exist.",
            ))
        })
}

async fn doclinks(State(s): State<Shared>, Path(id): Path<usize>, headers: HeaderMap) -> Response {
    pause(&s).await;
    let mut f = s.lock().unwrap();
    if let Some(r) = gate(&mut f, &headers) {
        return r;
    }
    let i = match wo_index(&f, id) {
        Ok(i) => i,
        Err(r) => return *r,
    };
    let wonum = f.wos[i]["wonum"].clone();
    let member: Vec<Value> = f
        .attachments
        .iter()
        .enumerate()
        .filter(|(_, a)| wonum == a.wonum.as_str())
        .map(|(n, a)| {
            json!({"href": format!("{}/oslc/os/mxapiwodetail/{id}/doclinks/{n}", f.base),
                   "describedBy": {"fileName": a.file_name, "description": a.description}})
        })
        .collect();
    (StatusCode::OK, Json(json!({ "member": member }))).into_response()
}

async fn attach(
    State(s): State<Shared>,
    Path(id): Path<usize>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    pause(&s).await;
    let mut f = s.lock().unwrap();
    if let Some(r) = gate(&mut f, &headers) {
        return r;
    }
    let i = match wo_index(&f, id) {
        Ok(i) => i,
        Err(r) => return *r,
    };
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (Some(file_name), Some(_folder)) = (header("slug"), header("x-document-meta")) else {
        return error(
            StatusCode::BAD_REQUEST,
            "BMXAA0004E",
            "an attachment needs slug and x-document-meta",
        );
    };
    let n = f.attachments.len();
    let wonum = f.wos[i]["wonum"].as_str().unwrap_or("").to_string();
    f.attachments.push(Attachment {
        wonum,
        file_name,
        mime: header("content-type").unwrap_or_default(),
        description: header("x-document-description").unwrap_or_default(),
        bytes: body.to_vec(),
    });
    let href = format!("{}/oslc/os/mxapiwodetail/{id}/doclinks/{n}", f.base);
    answer(&mut f, StatusCode::CREATED, json!({ "href": href }))
}
