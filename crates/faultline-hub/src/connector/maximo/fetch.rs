//! The inbound side of the Maximo client: one page of an object structure's records changed
//! since a row stamp. Built to IBM's published REST API documentation, not yet run against a
//! Maximo instance (docs/cmms-connectors.md, open questions):
//!
//! - `lean=1`, `oslc.select`, `oslc.where=siteid="…"` ("Filtering data"), with an object
//!   structure's own clause (`status="ACTIVE"`: a job plan's active revision);
//! - `oslc.pageSize` ("Sorting and paging": the answer's `responseInfo.nextPage` says there is
//!   more);
//! - `oslc.orderBy=+rowstamp` and the delta parameters `fetchmodedelta=1&lastfetchts=STAMP`
//!   (records whose row stamp is above STAMP), so pages come in row-stamp order.
//!
//! The fetch reads the first page of the delta each time, from the position the hub committed,
//! instead of following `nextPage`: an offset page is taken again from the current data, so a
//! record changed between two page reads moves to the end and shifts the others one place back,
//! and one record would be skipped for good; a new query from the last committed stamp cannot
//! skip one. `nextPage` only tells whether there is more.

use super::{url, Maximo, Step};
use crate::connector::inbound_rows::Inbound;
use serde_json::Value;

/// One page of changed records, in row-stamp order.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub records: Vec<Value>,
    /// Maximo says there is a next page.
    pub more: bool,
}

impl Maximo {
    /// The records of `spec` changed since `since` (all of them without), at most `size`.
    pub(crate) async fn changes(
        &self,
        spec: &Inbound,
        since: Option<&str>,
        size: u32,
    ) -> Step<Page> {
        let size = size.max(1).to_string();
        let mut q = vec![
            ("lean", "1"),
            ("oslc.select", spec.select),
            ("oslc.pageSize", size.as_str()),
            ("oslc.orderBy", "+rowstamp"),
            ("fetchmodedelta", "1"),
        ];
        if let Some(s) = since {
            q.push(("lastfetchts", s));
        }
        let scope = self.scope(spec);
        if !scope.is_empty() {
            q.push(("oslc.where", scope.as_str()));
        }
        let endpoint = format!("{}/oslc/os/{}", self.base, spec.os);
        let body = self.call(self.http.get(url(&endpoint, &q)?)).await?;
        let next = &body["responseInfo"]["nextPage"];
        Ok(Page {
            records: body["member"].as_array().cloned().unwrap_or_default(),
            more: next.is_object() || next.is_string(),
        })
    }

    /// The records of `spec` whose key is one of `keys` (a deferred record read again).
    pub(crate) async fn by_keys(&self, spec: &Inbound, keys: &[String]) -> Step<Vec<Value>> {
        let list: Vec<String> = keys
            .iter()
            .map(|k| format!("\"{}\"", super::quote(k)))
            .collect();
        let mut clause = format!("{} in [{}]", spec.key, list.join(","));
        let scope = self.scope(spec);
        if !scope.is_empty() {
            clause.push_str(" and ");
            clause.push_str(&scope);
        }
        let endpoint = format!("{}/oslc/os/{}", self.base, spec.os);
        let body = self
            .call(self.http.get(url(
                &endpoint,
                &[
                    ("lean", "1"),
                    ("oslc.select", spec.select),
                    ("oslc.where", &clause),
                ],
            )?))
            .await?;
        Ok(body["member"].as_array().cloned().unwrap_or_default())
    }

    /// The child rows of the work orders `wonums` (`oslc.select` of the child arrays only:
    /// `worklog{…}`, `matusetrans{…}`), one page of at most `wonums.len()` records.
    pub(crate) async fn work_order_children(
        &self,
        wonums: &[String],
        select: &str,
    ) -> Step<Vec<Value>> {
        let list: Vec<String> = wonums
            .iter()
            .map(|k| format!("\"{}\"", super::quote(k)))
            .collect();
        let mut clause = format!("wonum in [{}]", list.join(","));
        if let Some(site) = &self.siteid {
            clause.push_str(&format!(" and siteid=\"{}\"", super::quote(site)));
        }
        let size = wonums.len().max(1).to_string();
        let endpoint = format!("{}/oslc/os/mxapiwodetail", self.base);
        let body = self
            .call(self.http.get(url(
                &endpoint,
                &[
                    ("lean", "1"),
                    ("oslc.select", select),
                    ("oslc.where", &clause),
                    ("oslc.pageSize", &size),
                ],
            )?))
            .await?;
        Ok(body["member"].as_array().cloned().unwrap_or_default())
    }

    /// The `oslc.where` clause keeping `spec`'s records to the configured site or organization
    /// and to its own clause (a job plan's ACTIVE revision); empty when there is none.
    fn scope(&self, spec: &Inbound) -> String {
        let place = match (spec.by_site, &self.siteid, spec.by_org, &self.orgid) {
            (true, Some(site), _, _) => Some(format!("siteid=\"{}\"", super::quote(site))),
            (_, _, true, Some(org)) => Some(format!("orgid=\"{}\"", super::quote(org))),
            _ => None,
        };
        place
            .into_iter()
            .chain(spec.only.map(str::to_string))
            .collect::<Vec<_>>()
            .join(" and ")
    }
}
