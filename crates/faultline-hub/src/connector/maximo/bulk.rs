//! New work orders sent to Maximo in one BULK request (`x-method-override: BULK` on the
//! collection, an array of `{"_data": record}`). Maximo answers 200 with one result per item,
//! in order (`_responsemeta.status`, `_responsedata` = the record or its error JSON), so each
//! item is read on its own: one invalid work order is refused and blocks none of the others.
//! Idempotent like a single create: the whole batch is looked up by external reference first
//! (`externalrefid in [...]`), and only the work orders Maximo does not have are sent.
//!
//! Child rows (notes, parts used, stops and restarts) of several work orders go the same way:
//! one read of the work orders (`wonum in [...]`), then one BULK request of updates
//! (`{"href", "_action": "Update", child: [row]}` with `patchtype: MERGE`, "Bulk operations"),
//! each answered on its own; a row the work order holds already (its `externalrefid`) is not
//! sent again, so a lost bulk answer adds nothing twice.
//!
//! Status changes, closes and a person's choices of several work orders share one read
//! ([`Maximo::work_orders_of`]); each is then sent on its own: a status change is an action
//! (`wsmethod:changeStatus` with the technician's date), and IBM's REST API guide ("Bulk
//! operations") gives bulk items only `_action` Add, Update or Delete, no action; a close's
//! fields stay a MERGE of their own because `If-Match`, which guards them against a change made
//! in Maximo since the read, is a request header, not an item's.

use super::{created, href, quote, refusal, rowstamp, seen_of, url, Maximo, WO_SELECT};
use crate::connector::maximo_rows::{child_row, has_row};
use crate::connector::{OutboxItem, SendOutcome};
use serde_json::{json, Value};

impl Maximo {
    /// One outcome per item, in order.
    pub(super) async fn bulk_create(&self, items: &[&OutboxItem]) -> Vec<SendOutcome> {
        let refs: Vec<String> = items
            .iter()
            .map(|i| format!("\"{}\"", i.mutation_id))
            .collect();
        let clause = format!("externalrefid in [{}]", refs.join(","));
        let found = match self.find(&clause, WO_SELECT).await {
            Ok(found) => found,
            Err(outcome) => return vec![outcome; items.len()],
        };
        let mut out: Vec<Option<SendOutcome>> = items
            .iter()
            .map(|i| {
                let refid = i.mutation_id.to_string();
                found
                    .iter()
                    .find(|wo| wo["externalrefid"] == refid)
                    .map(created)
            })
            .collect();
        let todo: Vec<usize> = (0..items.len()).filter(|k| out[*k].is_none()).collect();
        if !todo.is_empty() {
            let body: Vec<Value> = todo
                .iter()
                .map(|k| json!({ "_data": self.create_body(items[*k]) }))
                .collect();
            let answers = match url(&self.os_url, &[("lean", "1")]) {
                Ok(u) => {
                    self.call(
                        self.http
                            .post(u)
                            .header("x-method-override", "BULK")
                            .header("properties", WO_SELECT)
                            .json(&body),
                    )
                    .await
                }
                Err(outcome) => Err(outcome),
            };
            for (j, k) in todo.iter().enumerate() {
                out[*k] = Some(match &answers {
                    Ok(Value::Array(a)) => a.get(j).map(item_outcome).unwrap_or_else(|| {
                        SendOutcome::Retry("Maximo's bulk answer has no result for it".into())
                    }),
                    Ok(_) => SendOutcome::Retry("Maximo's bulk answer is not a list".into()),
                    Err(outcome) => outcome.clone(),
                });
            }
        }
        out.into_iter()
            .map(|o| o.unwrap_or_else(|| SendOutcome::Retry("not sent".into())))
            .collect()
    }
}

/// The work order of `item` among those read together (by its number).
pub(super) fn of_item<'a>(found: &'a [Value], item: &OutboxItem) -> Result<&'a Value, SendOutcome> {
    let number = item.work_order_number.as_deref().unwrap_or("");
    found.iter().find(|w| w["wonum"] == number).ok_or_else(|| {
        SendOutcome::Retry(format!(
            "work order {number} is not in Maximo yet (created by an earlier row?)"
        ))
    })
}

impl Maximo {
    /// The work orders of several items, read in one query (`wonum in [...]` on the site).
    pub(super) async fn work_orders_of(
        &self,
        items: &[&OutboxItem],
    ) -> Result<Vec<Value>, SendOutcome> {
        let numbers: Vec<String> = items
            .iter()
            .map(|i| {
                format!(
                    "\"{}\"",
                    quote(i.work_order_number.as_deref().unwrap_or(""))
                )
            })
            .collect();
        let mut clause = format!("wonum in [{}]", numbers.join(","));
        if let Some(s) = &self.siteid {
            clause.push_str(&format!(" and siteid=\"{}\"", quote(s)));
        }
        self.find(&clause, WO_SELECT).await
    }

    /// Child rows of several work orders (one item each), one outcome per item, in order.
    pub(super) async fn bulk_children(&self, items: &[&OutboxItem]) -> Vec<SendOutcome> {
        let found = match self.work_orders_of(items).await {
            Ok(found) => found,
            Err(outcome) => return vec![outcome; items.len()],
        };
        let mut out: Vec<Option<SendOutcome>> = vec![None; items.len()];
        let mut body = Vec::new();
        // (item, whether Maximo had no change of its own since the hub last read the record)
        let mut todo = Vec::new();
        for (k, item) in items.iter().enumerate() {
            let Some((child, row)) = child_row(item) else {
                out[k] = Some(SendOutcome::Skipped);
                continue;
            };
            let wo = match of_item(&found, item) {
                Ok(wo) => wo,
                Err(outcome) => {
                    out[k] = Some(outcome);
                    continue;
                }
            };
            if has_row(wo, child, &item.mutation_id.to_string()) {
                out[k] = Some(SendOutcome::Sent {
                    external_id: None,
                    seen: None,
                });
                continue;
            }
            let href = match href(wo) {
                Ok(h) => h,
                Err(outcome) => {
                    out[k] = Some(outcome);
                    continue;
                }
            };
            let unchanged = item
                .seen
                .as_ref()
                .is_none_or(|s| Some(&s.rowstamp) == rowstamp(wo).as_ref());
            body.push(json!({"href": href, "_action": "Update", child: [row]}));
            todo.push((k, unchanged));
        }
        if !todo.is_empty() {
            let answers = match url(&self.os_url, &[("lean", "1")]) {
                Ok(u) => {
                    self.call(
                        self.http
                            .post(u)
                            .header("x-method-override", "BULK")
                            .header("patchtype", "MERGE")
                            .header("properties", WO_SELECT)
                            .json(&body),
                    )
                    .await
                }
                Err(outcome) => Err(outcome),
            };
            for (j, (k, unchanged)) in todo.iter().enumerate() {
                out[*k] = Some(match &answers {
                    Ok(Value::Array(a)) => a
                        .get(j)
                        .map(|answer| updated(answer, *unchanged))
                        .unwrap_or_else(|| {
                            SendOutcome::Retry("Maximo's bulk answer has no result for it".into())
                        }),
                    Ok(_) => SendOutcome::Retry("Maximo's bulk answer is not a list".into()),
                    Err(outcome) => outcome.clone(),
                });
            }
        }
        out.into_iter()
            .map(|o| o.unwrap_or_else(|| SendOutcome::Retry("not sent".into())))
            .collect()
    }
}

/// The HTTP status of one item of a bulk answer (a number or a numeric string).
fn item_status(answer: &Value) -> u16 {
    let meta = &answer["_responsemeta"]["status"];
    meta.as_u64()
        .and_then(|n| u16::try_from(n).ok())
        .or_else(|| meta.as_str().and_then(|s| s.parse().ok()))
        .unwrap_or(0)
}

/// One item of a bulk answer: created, or refused with its own error JSON.
fn item_outcome(answer: &Value) -> SendOutcome {
    let status = item_status(answer);
    if (200..300).contains(&status) {
        created(&answer["_responsedata"])
    } else {
        refusal(status, &answer["_responsedata"])
    }
}

/// One update of a bulk answer: sent (the record as answered becomes what the hub has seen
/// when Maximo had no change of its own since the hub's last read), or refused on its own.
fn updated(answer: &Value, unchanged: bool) -> SendOutcome {
    let status = item_status(answer);
    if (200..300).contains(&status) {
        SendOutcome::Sent {
            external_id: None,
            seen: if unchanged {
                seen_of(&answer["_responsedata"])
            } else {
                None
            },
        }
    } else {
        refusal(status, &answer["_responsedata"])
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_bulk_item_is_read_on_its_own() {
        let ok = json!({"_responsemeta": {"status": "201"},
                        "_responsedata": {"href": "h/1", "_rowstamp": "7"}});
        assert!(
            matches!(item_outcome(&ok), SendOutcome::Sent { external_id: Some(h), .. } if h == "h/1")
        );
        let bad = json!({"_responsemeta": {"status": 400},
                         "_responsedata": {"Error": {"reasonCode": "BMXAA4195E", "message": "Asset X"}}});
        assert_eq!(
            item_outcome(&bad),
            SendOutcome::Rejected("BMXAA4195E: Asset X".into())
        );
        let busy = json!({"_responsemeta": {"status": "503"}, "_responsedata": {}});
        assert!(matches!(item_outcome(&busy), SendOutcome::Retry(_)));
    }
}
