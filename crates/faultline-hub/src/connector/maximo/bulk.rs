//! New work orders sent to Maximo in one BULK request (`x-method-override: BULK` on the
//! collection, an array of `{"_data": record}`). Maximo answers 200 with one result per item,
//! in order (`_responsemeta.status`, `_responsedata` = the record or its error JSON), so each
//! item is read on its own: one invalid work order is refused and blocks none of the others.
//! Idempotent like a single create: the whole batch is looked up by external reference first
//! (`externalrefid in [...]`), and only the work orders Maximo does not have are sent.

use super::{created, refusal, url, Maximo, WO_SELECT};
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

/// One item of a bulk answer: created, or refused with its own error JSON.
fn item_outcome(answer: &Value) -> SendOutcome {
    let meta = &answer["_responsemeta"]["status"];
    let status = meta
        .as_u64()
        .and_then(|n| u16::try_from(n).ok())
        .or_else(|| meta.as_str().and_then(|s| s.parse().ok()))
        .unwrap_or(0);
    if (200..300).contains(&status) {
        created(&answer["_responsedata"])
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
