//! The probe's requests (`connector/probe.rs`): each answers the request as the transcript
//! shows it — method, path and query, never the key (a header) — with the HTTP status and body.

use super::{url, Maximo, Step, WO_SELECT};
use crate::connector::probe::{ProbeMerge, Raw};
use serde_json::Value;

/// `METHOD /path?query` of a request, as the transcript shows it: a record's id in the path
/// (Maximo's `href` ids encode the site and the number) is written `{id}`.
fn shown(method: &str, u: &reqwest::Url) -> String {
    let mut after_os = false;
    let path: Vec<&str> = u
        .path()
        .split('/')
        .map(|seg| {
            let masked = if after_os { "{id}" } else { seg };
            after_os = seg.eq_ignore_ascii_case("mxapiwodetail");
            masked
        })
        .collect();
    let path = path.join("/");
    match u.query() {
        Some(q) => format!("{method} {path}?{q}"),
        None => format!("{method} {path}"),
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

impl Maximo {
    /// The work-order collection (`…/oslc/os/mxapiwodetail`).
    pub(crate) fn probe_collection(&self) -> &str {
        &self.os_url
    }

    async fn raw(&self, req: reqwest::RequestBuilder) -> Raw {
        let resp = req
            .header("apikey", &self.key)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|e| format!("no answer: {e}"))?;
        let code = resp.status().as_u16();
        Ok((code, resp.json().await.unwrap_or(Value::Null)))
    }

    /// `GET` of `href` (a record, or its `doclinks`) with `query`, answered whatever its status.
    pub(crate) async fn probe_raw_get(&self, href: &str, query: &[(&str, &str)]) -> (String, Raw) {
        match url(href, query) {
            Ok(u) => (shown("GET", &u), self.raw(self.http.get(u)).await),
            Err(o) => ("-".into(), Err(format!("{o:?}"))),
        }
    }

    /// A work-order create with `transactionid` (the replay window's step).
    pub(crate) async fn probe_raw_create(&self, transaction: &str, body: &Value) -> (String, Raw) {
        let u = match url(&self.os_url, &[("lean", "1")]) {
            Ok(u) => u,
            Err(o) => return ("-".into(), Err(format!("{o:?}"))),
        };
        let req = self
            .http
            .post(u.clone())
            .header("properties", "href,externalrefid")
            .header("transactionid", transaction)
            .json(body);
        (shown("POST (transactionid)", &u), self.raw(req).await)
    }

    /// `POST` + `x-method-override: PATCH` + `patchtype: MERGE` on `href`, as the connector
    /// sends its updates.
    pub(crate) async fn probe_raw_merge(
        &self,
        href: &str,
        m: &ProbeMerge<'_>,
        body: &Value,
    ) -> (String, Raw) {
        let mut q = vec![("lean", "1")];
        if let Some(a) = m.action {
            q.push(("action", a));
        }
        let u = match url(href, &q) {
            Ok(u) => u,
            Err(o) => return ("-".into(), Err(format!("{o:?}"))),
        };
        let mut req = self
            .http
            .post(u.clone())
            .header("x-method-override", "PATCH")
            .header("patchtype", "MERGE")
            .header("properties", m.properties);
        let mut method = "POST (PATCH, MERGE".to_string();
        if let Some(stamp) = m.if_match {
            req = req.header("if-match", stamp);
            method.push_str(", If-Match");
        }
        method.push(')');
        (shown(&method, &u), self.raw(req.json(body)).await)
    }

    /// An attachment posted to `href`'s `doclinks` as the connector posts a photo.
    pub(crate) async fn probe_attach(
        &self,
        href: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> (String, Raw) {
        let u = match url(&format!("{href}/doclinks"), &[("lean", "1")]) {
            Ok(u) => u,
            Err(o) => return ("-".into(), Err(format!("{o:?}"))),
        };
        let req = self
            .http
            .post(u.clone())
            .header("slug", name)
            .header("x-document-meta", "Attachments")
            .header("x-document-description", "Faultline probe")
            .header("content-type", "text/plain")
            .body(bytes);
        (shown("POST", &u), self.raw(req).await)
    }
}
