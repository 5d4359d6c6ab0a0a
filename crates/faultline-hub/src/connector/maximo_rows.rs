//! The child rows a queued change adds to a Maximo work order (object structure MXAPIWODETAIL,
//! lean JSON), built from the mutation as the laptop sent it: notes as `worklog`, parts used as
//! actual materials (`matusetrans`), machine stops and restarts as asset status rows
//! (`assetstatus`: down at the stop, up at the restart), diagnosis sessions as worklogs
//! (`diagnosis_log.rs`); the remedy text as the failure report's remarks (`failureremark`,
//! one per work order, updated in place). Each row carries the mutation id as
//! `externalrefid`, so it is looked up before it is added again. Built to IBM's published field
//! names and checked against `fake_maximo` only (docs/cmms-connectors.md, open questions).

use super::OutboxItem;
use serde_json::{json, Value};

/// The child collection a change of `kind` adds to, and its row; `None` for other kinds.
pub fn child_row(item: &OutboxItem) -> Option<(&'static str, Value)> {
    let p = &item.payload;
    let refid = item.mutation_id.to_string();
    Some(match item.kind.as_str() {
        "add_note" => (
            "worklog",
            json!({
                "logtype": "WORK",
                "createby": p["author"],
                "createdate": p["created_at"],
                "description": "Faultline note",
                "description_longdescription": p["text"],
                "externalrefid": refid,
            }),
        ),
        "add_part" => (
            "matusetrans",
            json!({
                "itemnum": p["part_number"],
                "description": p["description"],
                // An issue to the work order: Maximo stores issues as negative quantities
                // (to confirm with the probe: see the open questions).
                "issuetype": "ISSUE",
                "quantity": -p["quantity"].as_f64().unwrap_or(0.0),
                "issueunit": p["unit"].as_str().unwrap_or("ea").to_uppercase(),
                "transdate": p["created_at"],
                "externalrefid": refid,
            }),
        ),
        "downtime_start" | "downtime_end" => (
            "assetstatus",
            downtime_row(item, &p["at"], item.kind == "downtime_end"),
        ),
        // A session concluded, or left short of it at the close: one worklog each.
        "record_diagnosis" | "diagnosis_summary" => {
            ("worklog", super::diagnosis_log::worklog(item)?)
        }
        _ => return None,
    })
}

/// A machine stop (`running` false) or restart at `at`, of the work order's asset.
pub fn downtime_row(item: &OutboxItem, at: &Value, running: bool) -> Value {
    json!({
        "assetnum": item.asset_tag,
        "isrunning": running,
        "changedate": at,
        "wonum": item.work_order_number,
        "externalrefid": item.mutation_id.to_string(),
    })
}

/// The remedy text a change gives the work order's failure report: a close's `remedy_text`,
/// or a person's choice of it in a conflict; `None` when it gives none (or only blanks).
pub fn remedy_text(item: &OutboxItem) -> Option<&str> {
    let p = &item.payload;
    let text = match item.kind.as_str() {
        "close_work_order" => p["remedy_text"].as_str(),
        "resolve_conflict" if p["field"] == "remedy_text" => p["value"].as_str(),
        _ => None,
    }?;
    (!text.trim().is_empty()).then_some(text)
}

/// The failure report's remarks row (`failureremark`: Maximo's FAILUREREMARK, the Remarks of
/// the work order's Failure Reporting, a short `description` and its long description) that
/// gives the work order `wo` the remedy `text` at `at`; `None` when its remarks hold that text
/// already (a re-send changes nothing). A work order that has remarks gets them updated: the
/// row carries their `failureremarkid`, so a MERGE updates that row rather than adding one.
pub fn remark_row(wo: &Value, text: &str, at: &Value) -> Option<Value> {
    let current = wo["failureremark"].as_array().and_then(|rows| rows.first());
    if current.is_some_and(|r| r["description_longdescription"] == text) {
        return None;
    }
    let first_line = text.trim().lines().next().unwrap_or("");
    let mut row = json!({
        "description": first_line.chars().take(REMARK_DESCRIPTION_CHARS).collect::<String>(),
        "description_longdescription": text,
        "enterdate": at,
    });
    if let Some(id) = current
        .map(|r| &r["failureremarkid"])
        .filter(|id| !id.is_null())
    {
        row["failureremarkid"] = id.clone();
    }
    Some(row)
}

/// The length of Maximo's `DESCRIPTION` attributes (the rest is in the long description).
const REMARK_DESCRIPTION_CHARS: usize = 100;

/// Does the work order already hold the row `refid` in `child`?
pub fn has_row(wo: &Value, child: &str, refid: &str) -> bool {
    wo[child]
        .as_array()
        .is_some_and(|rows| rows.iter().any(|r| r["externalrefid"] == refid))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(super) mod tests {
    use super::*;
    use uuid::Uuid;

    /// A queued item of `kind` on work order FL-1 of asset P-101 (also the diagnosis tests').
    pub(crate) fn item(kind: &str, payload: Value) -> OutboxItem {
        OutboxItem {
            id: 1,
            site: "PLANT1".into(),
            mutation_id: Uuid::nil(),
            kind: kind.into(),
            work_order_id: Some(Uuid::nil()),
            work_order_number: Some("FL-1".into()),
            asset_tag: Some("P-101".into()),
            payload,
            attempts: 0,
            seen: None,
            attachment: None,
            diagnosis: None,
        }
    }

    #[test]
    fn a_part_is_an_issue_of_its_quantity_in_its_unit() {
        let i = item(
            "add_part",
            json!({"part_number": "SEAL-22", "description": null, "quantity": 2.5,
                   "unit": "m", "created_at": "2025-11-23T12:00:00Z"}),
        );
        let (child, row) = child_row(&i).unwrap();
        assert_eq!(child, "matusetrans");
        assert_eq!(
            (
                row["itemnum"].as_str(),
                row["quantity"].as_f64(),
                row["issueunit"].as_str()
            ),
            (Some("SEAL-22"), Some(-2.5), Some("M"))
        );
        assert_eq!(row["externalrefid"], Uuid::nil().to_string());
    }

    #[test]
    fn a_stop_is_down_and_a_restart_up_on_the_work_orders_asset() {
        let at = json!({"at": "2025-11-23T12:00:00Z"});
        let (_, stop) = child_row(&item("downtime_start", at.clone())).unwrap();
        let (child, start) = child_row(&item("downtime_end", at)).unwrap();
        assert_eq!(child, "assetstatus");
        assert_eq!(
            (stop["isrunning"].as_bool(), start["isrunning"].as_bool()),
            (Some(false), Some(true))
        );
        assert_eq!(
            (stop["assetnum"].as_str(), stop["wonum"].as_str()),
            (Some("P-101"), Some("FL-1"))
        );
        assert!(child_row(&item("set_status", json!({}))).is_none());
    }

    #[test]
    fn the_remedy_text_is_a_remark_added_once_and_updated_in_its_row() {
        let close = item(
            "close_work_order",
            json!({"remedy_text": "Seal replaced\nshaft sleeve worn, ordered"}),
        );
        let text = remedy_text(&close).unwrap();
        let at = json!("2025-11-23T13:00:00Z");
        let row = remark_row(&json!({}), text, &at).unwrap();
        assert_eq!(row["description"], "Seal replaced");
        assert_eq!(row["description_longdescription"], text);
        assert!(row["failureremarkid"].is_null(), "a new row: {row}");
        let wo = json!({"failureremark": [{"failureremarkid": 7,
                                           "description_longdescription": text}]});
        assert_eq!(remark_row(&wo, text, &at), None, "already there");
        let row = remark_row(&wo, "Seal and bearing replaced", &at).unwrap();
        assert_eq!(row["failureremarkid"], 7, "the row updated: {row}");
        let long = "x".repeat(300);
        let row = remark_row(&json!({}), &long, &at).unwrap();
        assert_eq!(row["description"].as_str().map(str::len), Some(100));

        let chosen = item(
            "resolve_conflict",
            json!({"field": "remedy_text", "value": "Seal and bearing replaced"}),
        );
        assert_eq!(remedy_text(&chosen), Some("Seal and bearing replaced"));
        let blank = item("close_work_order", json!({"remedy_text": "  "}));
        assert_eq!(remedy_text(&blank), None);
        let other = item(
            "resolve_conflict",
            json!({"field": "cause_code", "value": "X"}),
        );
        assert_eq!(remedy_text(&other), None);
    }

    #[test]
    fn a_row_is_found_by_its_external_reference() {
        let wo = json!({"worklog": [{"externalrefid": "a"}], "matusetrans": []});
        assert!(has_row(&wo, "worklog", "a"));
        assert!(!has_row(&wo, "matusetrans", "a"));
        assert!(!has_row(&wo, "assetstatus", "a"));
    }
}
