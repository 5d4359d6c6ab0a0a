//! The probe's requests (`connector/probe.rs`): each answers the request as the transcript
//! shows it — method, path and query, never the key (a header) — with the HTTP status and body.

use super::{url, Maximo, Step, WO_SELECT};
use serde_json::Value;

/// `METHOD /path?query` of a request, as the transcript shows it.
fn shown(method: &str, u: &reqwest::Url) -> String {
    match u.query() {
        Some(q) => format!("{method} {}?{q}", u.path()),
        None => format!("{method} {}", u.path()),
    }
}

impl Maximo {
    async fn status_call(&self, req: reqwest::RequestBuilder) -> Step<(u16, Value)> {
        let resp = req
            .header("apikey", &self.key)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|e| crate::connector::SendOutcome::Retry(format!("no answer: {e}")))?;
        let code = resp.status();
        let body: Value = resp.json().await.unwrap_or(Value::Null);
        if code.is_success() {
            Ok((code.as_u16(), body))
        } else {
            Err(super::refusal(code.as_u16(), &body))
        }
    }

    /// `GET` on an object structure.
    pub(crate) async fn probe_get(
        &self,
        os: &str,
        query: &[(&str, &str)],
    ) -> (String, Step<(u16, Value)>) {
        let u = match url(&format!("{}/oslc/os/{os}", self.base), query) {
            Ok(u) => u,
            Err(o) => return ("-".into(), Err(o)),
        };
        (shown("GET", &u), self.status_call(self.http.get(u)).await)
    }

    /// A create on an object structure, answering the record (`properties`).
    pub(crate) async fn probe_post(
        &self,
        os: &str,
        transaction: Option<&str>,
        body: Value,
    ) -> (String, Step<(u16, Value)>) {
        let u = match url(&format!("{}/oslc/os/{os}", self.base), &[("lean", "1")]) {
            Ok(u) => u,
            Err(o) => return ("-".into(), Err(o)),
        };
        let mut req = self.http.post(u.clone()).header("properties", WO_SELECT);
        if let Some(t) = transaction {
            req = req.header("transactionid", t);
        }
        (shown("POST", &u), self.status_call(req.json(&body)).await)
    }

    /// A MERGE update of the record at `href`.
    pub(crate) async fn probe_post_to(
        &self,
        href: &str,
        body: Value,
    ) -> (String, Step<(u16, Value)>) {
        let u = match url(href, &[("lean", "1")]) {
            Ok(u) => u,
            Err(o) => return ("-".into(), Err(o)),
        };
        let req = self
            .http
            .post(u.clone())
            .header("x-method-override", "PATCH")
            .header("patchtype", "MERGE")
            .header("properties", "worklog{externalrefid}");
        (
            shown("POST (PATCH, MERGE)", &u),
            self.status_call(req.json(&body)).await,
        )
    }
}
