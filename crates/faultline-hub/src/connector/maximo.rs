//! The Maximo connector: one queued mutation → Maximo's JSON API (object structure
//! MXAPIWODETAIL, `lean=1`, header `apikey`). Built to IBM's published REST API documentation,
//! not yet run against a Maximo instance (docs/cmms-connectors.md).
//!
//! Every create and worklog carries the mutation id in `externalrefid` and is looked up first
//! (`oslc.where`), so a retry after a lost answer never doubles a record; updates are
//! `POST` + `x-method-override: PATCH` + `patchtype: MERGE` (a plain PATCH would drop the child
//! rows missing from the payload); status changes go through `wsmethod:changeStatus` with the
//! technician's time, so Maximo's own transition rules apply.

use super::{Connector, ConnectorConfig, OutboxItem, SendOutcome};
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
    os_url: String,
    key: String,
    siteid: Option<String>,
    orgid: Option<String>,
}

/// A request's failure, already sorted into what the queue does with it.
type Step<T> = std::result::Result<T, SendOutcome>;

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
        // Maximo's error JSON: {"Error": {"reasonCode", "message", "statusCode"}}.
        let err = &body["Error"];
        let why = format!(
            "{}: {}",
            err["reasonCode"].as_str().unwrap_or("HTTP"),
            err["message"].as_str().unwrap_or(code.as_str())
        );
        Err(match code.as_u16() {
            401 | 403 => SendOutcome::AuthRefused(why),
            408 | 429 | 500..=599 => SendOutcome::Retry(why),
            _ => SendOutcome::Rejected(why),
        })
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
        let found = self
            .find(&clause, "href,wonum,status,worklog{externalrefid}")
            .await?;
        found.into_iter().next().ok_or_else(|| {
            SendOutcome::Retry(format!(
                "work order {number} is not in Maximo yet (created by an earlier row?)"
            ))
        })
    }

    async fn merge(&self, href: &str, body: Value, action: Option<&str>) -> Step<Value> {
        let mut q = vec![("lean", "1")];
        if let Some(a) = action {
            q.push(("action", a));
        }
        self.call(
            self.http
                .post(url(href, &q)?)
                .header("x-method-override", "PATCH")
                .header("patchtype", "MERGE")
                .json(&body),
        )
        .await
    }

    async fn create_work_order(&self, item: &OutboxItem) -> Step<Option<String>> {
        let refid = item.mutation_id.to_string();
        let found = self
            .find(&format!("externalrefid=\"{refid}\""), "href,wonum")
            .await?;
        if let Some(wo) = found.first() {
            return Ok(wo["href"].as_str().map(str::to_string));
        }
        let p = &item.payload;
        let mut body = json!({
            "wonum": item.work_order_number,
            "assetnum": item.asset_tag,
            "description": p["title"],
            "worktype": worktype(p["wo_type"].as_str().unwrap_or("")),
            "wopriority": p["priority"],
            "reportedby": p["reported_by"],
            "reportdate": p["reported_at"],
            "externalrefid": refid,
        });
        if let Some(s) = &self.siteid {
            body["siteid"] = json!(s);
        }
        if let Some(o) = &self.orgid {
            body["orgid"] = json!(o);
        }
        let created = self
            .call(
                self.http
                    .post(url(&self.os_url, &[("lean", "1")])?)
                    .header("properties", "href,wonum")
                    .json(&body),
            )
            .await?;
        Ok(created["href"].as_str().map(str::to_string))
    }

    async fn add_note(&self, item: &OutboxItem) -> Step<Option<String>> {
        let refid = item.mutation_id.to_string();
        let wo = self.work_order(item).await?;
        let logged = wo["worklog"]
            .as_array()
            .is_some_and(|l| l.iter().any(|w| w["externalrefid"] == json!(refid)));
        if !logged {
            let p = &item.payload;
            let body = json!({"worklog": [{
                "logtype": "WORK",
                "createby": p["author"],
                "createdate": p["created_at"],
                "description": "Faultline note",
                "description_longdescription": p["text"],
                "externalrefid": refid,
            }]});
            self.merge(href(&wo)?, body, None).await?;
        }
        Ok(None)
    }

    async fn change_status(&self, item: &OutboxItem, to: &str, at: &Value) -> Step<()> {
        let wo = self.work_order(item).await?;
        if wo["status"].as_str() == Some(to) {
            return Ok(());
        }
        let body =
            json!({"status": to, "date": at, "memo": format!("Faultline {}", item.mutation_id)});
        self.merge(href(&wo)?, body, Some("wsmethod:changeStatus"))
            .await
            .map(|_| ())
    }

    async fn close(&self, item: &OutboxItem) -> Step<Option<String>> {
        let p = &item.payload;
        let wo = self.work_order(item).await?;
        let body = json!({
            "failurecode": p["failure_class"],
            "problemcode": p["problem_code"],
            "fr1code": p["cause_code"],
            "fr2code": p["remedy_code"],
            "actfinish": p["finished_at"],
        });
        self.merge(href(&wo)?, body, None).await?;
        self.change_status(item, "COMP", &p["finished_at"]).await?;
        Ok(None)
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
        let p = &item.payload;
        let done = match item.kind.as_str() {
            "create_work_order" => self.create_work_order(item).await,
            "add_note" => self.add_note(item).await,
            "set_status" => self
                .change_status(item, status(p["status"].as_str().unwrap_or("")), &p["at"])
                .await
                .map(|_| None),
            "close_work_order" => self.close(item).await,
            _ => return SendOutcome::Skipped,
        };
        match done {
            Ok(external_id) => SendOutcome::Sent { external_id },
            Err(outcome) => outcome,
        }
    }
}
