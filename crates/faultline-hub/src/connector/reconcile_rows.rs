//! What the reconcile makes of a child row read from a Maximo work order (pure functions): a
//! worklog becomes a note, an actual material issued to the work order a part used, each checked
//! with the same rules a laptop's would meet (`faultline_core::validate`), with an id derived
//! from the site and Maximo's row id so two hubs reading the same row make the same record.
//! Built to IBM's published attribute names (`WORKLOG`, `MATUSETRANS`), checked against
//! `fake_maximo` only.

use chrono::{DateTime, Utc};
use faultline_core::validate;
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The child arrays the reconcile reads: (collection, Maximo's id attribute).
pub const CHILDREN: [(&str, &str); 2] =
    [("worklog", "worklogid"), ("matusetrans", "matusetransid")];

/// `oslc.select` of the reconcile's query: the work order's number and its child arrays only
/// (the failure report rows too: a cause or remedy entered in Maximo's failure reporting does not
/// change the work order's row; and the asset status rows, `reconcile_downtime.rs`).
pub const SELECT: &str = "wonum,\
    worklog{worklogid,logtype,createby,createdate,modifyby,description,\
    description_longdescription,externalrefid},\
    matusetrans{matusetransid,itemnum,description,issuetype,quantity,issueunit,transdate,\
    externalrefid},\
    failurereport{failurecode,type},\
    assetstatus{assetstatusid,isrunning,changedate,code,wonum,externalrefid}";

/// The failure report's types, with the hub's work-order field and Maximo's work-order attribute
/// each stands for.
pub const REPORT_TYPES: [(&str, &str, &str); 3] = [
    ("PROBLEM", "problem_code", "problemcode"),
    ("CAUSE", "cause_code", "fr1code"),
    ("REMEDY", "remedy_code", "fr2code"),
];

/// The codes a work order's `failurereport` rows give: (hub field, Maximo attribute, code) for
/// each type that has a row with a code (the last row of a type when Maximo holds several). A
/// type without a row gives nothing (a code is never cleared from the report).
pub fn report_codes(record: &Value) -> Vec<(&'static str, &'static str, String)> {
    let rows = record["failurereport"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    REPORT_TYPES
        .iter()
        .filter_map(|(kind, field, attr)| {
            let code = rows
                .iter()
                .rev()
                .filter(|r| {
                    r["type"]
                        .as_str()
                        .is_some_and(|t| t.trim().eq_ignore_ascii_case(kind))
                })
                .find_map(|r| {
                    r["failurecode"]
                        .as_str()
                        .map(str::trim)
                        .filter(|c| !c.is_empty())
                })?;
            Some((*field, *attr, code.to_string()))
        })
        .collect()
}

/// A note to add to the hub from a worklog.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteDraft {
    pub author: String,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

/// A part used to add to the hub from an actual material.
#[derive(Debug, Clone, PartialEq)]
pub struct PartDraft {
    pub part_number: String,
    pub description: Option<String>,
    pub quantity: f64,
    pub unit: &'static str,
    pub created_at: DateTime<Utc>,
}

/// What a child row becomes on the hub.
#[derive(Debug, Clone, PartialEq)]
pub enum Draft {
    Note(NoteDraft),
    Part(PartDraft),
}

/// The hub record's id for Maximo's row `maximo_id` of `child` on `site`: the same on every hub.
pub fn child_uuid(site: &str, child: &str, maximo_id: &str) -> Uuid {
    let digest = Sha256::digest(format!("faultline-cmms-child|{site}|{child}|{maximo_id}"));
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// Maximo's long descriptions are rich text: tags dropped (a `<br>`, `<p>` or `<div>` becomes
/// a line break), the common entities decoded.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let tag = rest[open + 1..open + close].trim_start_matches('/');
        let name = tag
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if matches!(name.as_str(), "br" | "p" | "div" | "li") && !out.ends_with('\n') {
            out.push('\n');
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn time(v: &Value) -> Option<DateTime<Utc>> {
    let t = DateTime::parse_from_rfc3339(v.as_str()?).ok()?;
    Some(t.with_timezone(&Utc))
}

/// A worklog as a note: its summary and long description (rich text made plain), its author
/// and time; `Err(reason)` when the hub's rules refuse it.
pub fn note_of(row: &Value) -> Result<NoteDraft, String> {
    let summary = row["description"].as_str().unwrap_or("").trim();
    let long = plain_text(row["description_longdescription"].as_str().unwrap_or(""));
    let long = long.trim();
    let text = match (summary.is_empty(), long.is_empty()) {
        (_, true) => summary.to_string(),
        (true, false) => long.to_string(),
        (false, false) if long.starts_with(summary) => long.to_string(),
        (false, false) => format!("{summary}\n{long}"),
    };
    let text = validate::clean_text("text", "the worklog", &text, validate::MAX_TEXT_CHARS, true)
        .map_err(|e| e.to_string())?
        .unwrap_or_default();
    let author = validate::clean_text(
        "author",
        "the worklog's author",
        row["createby"].as_str().unwrap_or(""),
        validate::MAX_SHORT_TEXT_CHARS,
        false,
    )
    .map_err(|e| e.to_string())?
    .unwrap_or_else(|| "Maximo".to_string());
    let created_at = time(&row["createdate"]).ok_or("the worklog has no createdate")?;
    validate::check_time("created_at", "the worklog's time", created_at, Utc::now())
        .map_err(|e| e.to_string())?;
    Ok(NoteDraft {
        author,
        text,
        created_at,
    })
}

/// An actual material as a part used: an issue (Maximo's negative quantity) of an item, in its
/// issue unit; `Ok(None)` for a return (the hub has no negative use); `Err(reason)` when the
/// hub's rules refuse it.
pub fn part_of(row: &Value) -> Result<Option<PartDraft>, String> {
    let part_number = row["itemnum"].as_str().unwrap_or("").trim();
    if part_number.is_empty() {
        return Err("the actual material has no itemnum".into());
    }
    let q = row["quantity"]
        .as_f64()
        .ok_or("the actual material has no quantity")?;
    let is_return = row["issuetype"]
        .as_str()
        .is_some_and(|t| t.eq_ignore_ascii_case("RETURN"));
    if is_return || q >= 0.0 {
        return Ok(None);
    }
    let unit = row["issueunit"].as_str().map(str::to_ascii_lowercase);
    let unit = validate::check_quantity(-q, unit.as_deref()).map_err(|e| e.to_string())?;
    let created_at = time(&row["transdate"]).ok_or("the actual material has no transdate")?;
    validate::check_time("created_at", "the material's time", created_at, Utc::now())
        .map_err(|e| e.to_string())?;
    let description = row["description"]
        .as_str()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string);
    Ok(Some(PartDraft {
        part_number: part_number.to_string(),
        description,
        quantity: -q,
        unit,
        created_at,
    }))
}

/// The draft a row of `child` becomes (`Ok(None)`: nothing for the hub).
pub fn draft_of(child: &str, row: &Value) -> Result<Option<Draft>, String> {
    match child {
        "worklog" => note_of(row).map(|n| Some(Draft::Note(n))),
        "matusetrans" => part_of(row).map(|p| p.map(Draft::Part)),
        _ => Ok(None),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rich_text_becomes_plain_lines() {
        assert_eq!(
            plain_text("<div>Seal replaced<br/>Pump &amp; motor aligned</div>"),
            "\nSeal replaced\nPump & motor aligned\n"
        );
        assert_eq!(plain_text("no markup"), "no markup");
        assert_eq!(plain_text("a < b"), "a < b");
    }

    #[test]
    fn a_worklog_is_a_note_with_its_summary_and_body() {
        let n = note_of(&json!({"description": "Checked", "createby": "PLANNER",
            "description_longdescription": "<p>Bearing noise at 40 Hz</p>",
            "createdate": "2025-11-23T13:00:00+01:00"}))
        .unwrap();
        assert_eq!(n.text, "Checked\nBearing noise at 40 Hz");
        assert_eq!(n.author, "PLANNER");
        assert_eq!(n.created_at.to_rfc3339(), "2025-11-23T12:00:00+00:00");
        let only = note_of(&json!({"description": "Short", "createdate": "2025-11-23T12:00:00Z"}))
            .unwrap();
        assert_eq!(
            (only.text.as_str(), only.author.as_str()),
            ("Short", "Maximo")
        );
        assert!(
            note_of(&json!({"description": " ", "createdate": "2025-11-23T12:00:00Z"})).is_err()
        );
        assert!(note_of(&json!({"description": "No time"})).is_err());
    }

    #[test]
    fn an_issue_is_a_part_and_a_return_nothing() {
        let p = part_of(
            &json!({"itemnum": "SEAL-22", "quantity": -2.0, "issueunit": "EA",
                                "issuetype": "ISSUE", "transdate": "2025-11-23T12:00:00Z"}),
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (p.part_number.as_str(), p.quantity, p.unit),
            ("SEAL-22", 2.0, "ea")
        );
        let ret = json!({"itemnum": "SEAL-22", "quantity": 1.0, "issuetype": "RETURN",
                         "transdate": "2025-11-23T12:00:00Z"});
        assert_eq!(part_of(&ret).unwrap(), None);
        let odd = json!({"itemnum": "X", "quantity": -1.0, "issueunit": "BARREL",
                         "transdate": "2025-11-23T12:00:00Z"});
        assert!(part_of(&odd).is_err());
    }

    #[test]
    fn failure_report_rows_give_the_codes_of_their_types() {
        let wo = json!({"failurereport": [
            {"failurecode": "LEAK", "type": "PROBLEM"},
            {"failurecode": "SEALWORN", "type": "cause"},
            {"failurecode": "OLD", "type": "REMEDY"},
            {"failurecode": "REPLSEAL", "type": "REMEDY"},
            {"failurecode": " ", "type": "PROBLEM"},
            {"failurecode": "X", "type": "OTHER"}]});
        assert_eq!(
            report_codes(&wo),
            vec![
                ("problem_code", "problemcode", "LEAK".to_string()),
                ("cause_code", "fr1code", "SEALWORN".to_string()),
                ("remedy_code", "fr2code", "REPLSEAL".to_string()),
            ]
        );
        assert!(report_codes(&json!({"wonum": "1"})).is_empty());
    }

    #[test]
    fn a_rows_hub_id_is_the_same_everywhere_and_differs_by_row() {
        let a = child_uuid("PLANT1", "worklog", "17");
        assert_eq!(a, child_uuid("PLANT1", "worklog", "17"));
        assert_ne!(a, child_uuid("PLANT1", "worklog", "18"));
        assert_ne!(a, child_uuid("PLANT2", "worklog", "17"));
        assert_eq!(a.get_version_num(), 4);
    }
}
