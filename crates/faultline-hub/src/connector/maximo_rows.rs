//! The child rows a queued change adds to a Maximo work order (object structure MXAPIWODETAIL,
//! lean JSON), built from the mutation as the laptop sent it: notes as `worklog`, parts used as
//! actual materials (`matusetrans`), machine stops and restarts as asset status rows
//! (`assetstatus`: down at the stop, up at the restart), diagnosis sessions as worklogs
//! (`diagnosis_log.rs`). Each row carries the mutation id as
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
    fn a_row_is_found_by_its_external_reference() {
        let wo = json!({"worklog": [{"externalrefid": "a"}], "matusetrans": []});
        assert!(has_row(&wo, "worklog", "a"));
        assert!(!has_row(&wo, "matusetrans", "a"));
        assert!(!has_row(&wo, "assetstatus", "a"));
    }
}
