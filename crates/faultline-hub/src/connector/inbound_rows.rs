//! What the inbound fetch reads from Maximo and how a page of it becomes a file the hub's loader
//! takes: per object structure the attributes asked for (`oslc.select`), the columns of the CSV
//! written from a page (one row per record, one per job-plan task) and the mapping file it is
//! loaded with — the same mapping language, importer and checks as `faultline-hub load`.
//! Built to IBM's published attribute names, checked against `fake_maximo` only.

use faultline_core::import::RecordKind;
use serde_json::Value;

/// One object structure the hub reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inbound {
    /// The object structure (`/oslc/os/{os}`), also the name of its fetch position.
    pub os: &'static str,
    pub kind: RecordKind,
    /// `oslc.select`.
    pub select: &'static str,
    /// The CSV columns: a record's attribute each (`jobtask.x`: a task's).
    pub columns: &'static [&'static str],
    /// The attribute that keys a record (what `cmms_fetch_refused` and a deferral name).
    pub key: &'static str,
    /// The mapping file the page is loaded with (its `{column}` templates name `columns`).
    pub mapping: &'static str,
    /// Whether the object structure has a `siteid` to filter on.
    pub by_site: bool,
    /// Whether it has an `orgid` to filter on (records kept per organization, as failure codes).
    pub by_org: bool,
    /// A clause every query of it adds to `oslc.where` (`None`: none), as the job plans' active
    /// revision.
    pub only: Option<&'static str>,
}

/// Maximo statuses and work types back into Faultline's words: the reverse of what the
/// connector sends, so a record the hub sent comes back unchanged (closed on a laptop is sent
/// as COMP, so COMP reads back as closed).
const WO_MAPPING: &str = r#"
kind = "work_orders"
[csv]
date_formats = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%.3f"]
timezone = "UTC"
null_values = [""]
[fields]
key = "{wonum}"
number = "{wonum}"
asset_tag = "{assetnum}"
wo_type = "{worktype}"
status = "{status}"
priority = "{wopriority}"
title = "{description}"
reported_by = "{reportedby}"
reported_at = "{reportdate}"
started_at = "{actstart}"
finished_at = "{actfinish}"
failure_class = "{failurecode}"
problem_code = "{problemcode}"
cause_code = "{fr1code}"
remedy_code = "{fr2code}"
[values.wo_type]
EM = "breakdown"
CM = "corrective"
PM = "preventive"
[values.status]
WAPPR = "open"
APPR = "open"
WSCH = "open"
WMATL = "open"
WPCOND = "open"
INPRG = "in_progress"
COMP = "closed"
CLOSE = "closed"
CAN = "cancelled"
"#;

const ASSET_MAPPING: &str = r#"
kind = "assets"
[csv]
null_values = [""]
[fields]
key = "{assetnum}"
tag = "{assetnum}"
name = "{description}"
location = "{location}"
parent_tag = "{parent}"
manufacturer = "{manufacturer}"
model = "{modelnum}"
serial_number = "{serialnum}"
"#;

const JOBPLAN_MAPPING: &str = r#"
kind = "procedures"
[csv]
null_values = [""]
[fields]
code = "{jpnum}"
title = "{description}"
step = "{jobtask.jptask}"
instruction = "{jobtask.description}"
"#;

pub const WORK_ORDERS: Inbound = Inbound {
    os: "mxapiwodetail",
    kind: RecordKind::WorkOrders,
    select: "href,wonum,siteid,assetnum,worktype,status,wopriority,description,reportedby,\
             reportdate,actstart,actfinish,failurecode,problemcode,fr1code,fr2code,externalrefid",
    columns: &[
        "wonum",
        "assetnum",
        "worktype",
        "status",
        "wopriority",
        "description",
        "reportedby",
        "reportdate",
        "actstart",
        "actfinish",
        "failurecode",
        "problemcode",
        "fr1code",
        "fr2code",
    ],
    key: "wonum",
    mapping: WO_MAPPING,
    by_site: true,
    by_org: false,
    only: None,
};

pub const ASSETS: Inbound = Inbound {
    os: "mxapiasset",
    kind: RecordKind::Assets,
    // The model as Maximo's asset import mapping reads it (`MODELNUM`,
    // assets/demo/assets.toml): diagnosis and manual scoping on the laptops go by it.
    select: "assetnum,siteid,description,location,parent,manufacturer,modelnum,serialnum",
    columns: &[
        "assetnum",
        "description",
        "location",
        "parent",
        "manufacturer",
        "modelnum",
        "serialnum",
    ],
    key: "assetnum",
    mapping: ASSET_MAPPING,
    by_site: true,
    by_org: false,
    only: None,
};

/// Job plans: Maximo keeps each revision of a job plan as its own record (`pluscrevnum`), one
/// of them ACTIVE, the others DRAFT, PNDREV, REVISED or INACTIVE; the hub reads only the ACTIVE
/// one, so a revision being drafted never reaches the laptops, and the revision activated next
/// comes under the same `jpnum` and replaces the hub's procedure (title and steps) in place.
pub const JOB_PLANS: Inbound = Inbound {
    os: "mxapijobplan",
    kind: RecordKind::Procedures,
    select: "jpnum,pluscrevnum,status,description,jobtask{jptask,description}",
    columns: &[
        "jpnum",
        "description",
        "jobtask.jptask",
        "jobtask.description",
    ],
    key: "jpnum",
    mapping: JOBPLAN_MAPPING,
    by_site: false,
    by_org: false,
    only: Some("status=\"ACTIVE\""),
};

/// The failure-code hierarchy: Maximo's FAILURELIST rows (IBM's Failure Codes application: a
/// failure class, then problem, cause and remedy codes, each row naming its parent row's id;
/// the codes are kept per organization). The columns are those of the rows the hub derives from
/// them (`inbound_codes.rs`: the level from `type`, the parent's code from its row), loaded as
/// `faultline-hub load` loads a `failure_codes` file. `description` is the failure code's
/// (FAILURECODE.DESCRIPTION): whether the object structure answers it under that name is an
/// open question for the probe (docs/cmms-connectors.md).
pub const FAILURE_CODES: Inbound = Inbound {
    os: "mxapifailurelist",
    kind: RecordKind::FailureCodes,
    select: "failurelist,failurecode,parent,type,orgid,description",
    columns: &["level", "parentcode", "failurecode", "description"],
    key: "failurelist",
    mapping: CODES_MAPPING,
    by_site: false,
    by_org: true,
    only: None,
};

const CODES_MAPPING: &str = r#"
kind = "failure_codes"
[csv]
null_values = [""]
[fields]
level = "{level}"
parent = "{parentcode}"
code = "{failurecode}"
description = "{description}"
"#;

/// Every object structure the hub reads, in the order they are fetched (assets and failure codes
/// before the work orders that name them).
pub const ALL: [Inbound; 4] = [ASSETS, FAILURE_CODES, JOB_PLANS, WORK_ORDERS];

/// A failure-list row's level in the hub's catalogue, from its FAILURELIST `type` (none: the
/// failure class); `None` for a type the catalogue has no level for.
pub fn code_level(kind: &Value) -> Option<&'static str> {
    match kind.as_str().map(str::to_ascii_uppercase).as_deref() {
        None | Some("") => Some("class"),
        Some("PROBLEM") => Some("problem"),
        Some("CAUSE") => Some("cause"),
        Some("REMEDY") => Some("remedy"),
        Some(_) => None,
    }
}

/// An id attribute (a number or a string) as text; `None` when absent.
pub fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A record's attribute as CSV text: a time in UTC without an offset (Maximo answers in its own
/// offset; milliseconds kept when there are some, as the hub keeps them, so a time the hub sent
/// reads back equal), a number or a boolean as written, nothing for null.
fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => match chrono::DateTime::parse_from_rfc3339(s) {
            Ok(t) => {
                let t = t.with_timezone(&chrono::Utc);
                let format = if t.timestamp_subsec_millis() == 0 {
                    "%Y-%m-%dT%H:%M:%S"
                } else {
                    "%Y-%m-%dT%H:%M:%S%.3f"
                };
                t.format(format).to_string()
            }
            Err(_) => s.clone(),
        },
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

/// A record's CSV rows: one, or one per task of a job plan (`jobtask.x` columns).
pub fn csv_rows(spec: &Inbound, record: &Value) -> Vec<Vec<String>> {
    let child = spec
        .columns
        .iter()
        .find_map(|c| c.split_once('.').map(|(child, _)| child));
    let row = |sub: Option<&Value>| -> Vec<String> {
        spec.columns
            .iter()
            .map(|c| match (c.split_once('.'), sub) {
                (Some((_, attr)), Some(s)) => cell(&s[attr]),
                (Some(_), None) => String::new(),
                (None, _) => cell(&record[*c]),
            })
            .collect()
    };
    match child.map(|c| &record[c]) {
        Some(Value::Array(subs)) if !subs.is_empty() => subs.iter().map(|s| row(Some(s))).collect(),
        _ => vec![row(None)],
    }
}

/// A page's records as one CSV text (header first).
pub fn csv_text(spec: &Inbound, records: &[&Value]) -> std::result::Result<String, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let write =
        |w: &mut csv::Writer<Vec<u8>>, r: &[String]| w.write_record(r).map_err(|e| e.to_string());
    let header: Vec<String> = spec.columns.iter().map(|c| c.to_string()).collect();
    write(&mut w, &header)?;
    for rec in records {
        for r in csv_rows(spec, rec) {
            write(&mut w, &r)?;
        }
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

/// A record's `_rowstamp` (a number or a numeric string).
pub fn rowstamp(record: &Value) -> Option<String> {
    match &record["_rowstamp"] {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The later of two row stamps: numerically when both are numbers (Maximo's are).
pub fn later(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(x), Some(y)) => {
            let newer = match (x.parse::<u128>(), y.parse::<u128>()) {
                (Ok(p), Ok(q)) => q > p,
                _ => (y.len(), &y) > (x.len(), &x),
            };
            Some(if newer { y } else { x })
        }
        (x, y) => x.or(y),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use faultline_core::import::Mapping;
    use serde_json::json;
    use std::path::Path;

    #[test]
    fn every_mapping_is_valid_for_its_kind() {
        for spec in ALL {
            let m = Mapping::parse(spec.mapping, Path::new(spec.os)).unwrap();
            assert_eq!(m.kind, spec.kind, "{}", spec.os);
        }
    }

    #[test]
    fn a_work_order_is_one_row_with_times_in_utc() {
        let wo = json!({"wonum": "1001", "assetnum": "P-101", "status": "INPRG",
                        "wopriority": 2, "reportdate": "2025-11-23T13:00:00+01:00",
                        "actstart": null, "_rowstamp": "77"});
        let rows = csv_rows(&WORK_ORDERS, &wo);
        assert_eq!(rows.len(), 1);
        let at = |c: &str| {
            let i = WORK_ORDERS.columns.iter().position(|x| *x == c).unwrap();
            rows[0][i].clone()
        };
        assert_eq!(at("reportdate"), "2025-11-23T12:00:00");
        let ms = csv_rows(
            &WORK_ORDERS,
            &json!({"reportdate": "2025-11-23T12:00:00.250Z"}),
        );
        assert_eq!(ms[0][7], "2025-11-23T12:00:00.250");
        assert_eq!(at("wopriority"), "2");
        assert_eq!(at("actstart"), "");
        assert_eq!(at("wonum"), "1001");
    }

    #[test]
    fn a_job_plan_is_a_row_per_task() {
        let jp = json!({"jpnum": "JP-1", "description": "Reseal",
                        "jobtask": [{"jptask": 10, "description": "Isolate"},
                                    {"jptask": 20, "description": "Replace seal"}]});
        let text = csv_text(&JOB_PLANS, &[&jp]).unwrap();
        assert_eq!(
            text,
            "jpnum,description,jobtask.jptask,jobtask.description\n\
             JP-1,Reseal,10,Isolate\nJP-1,Reseal,20,Replace seal\n"
        );
    }

    #[test]
    fn the_later_stamp_is_the_larger_number() {
        assert_eq!(
            later(Some("9".into()), Some("10".into())),
            Some("10".into())
        );
        assert_eq!(later(Some("10".into()), None), Some("10".into()));
        assert_eq!(later(None, Some("3".into())), Some("3".into()));
        assert_eq!(rowstamp(&json!({"_rowstamp": 12})), Some("12".into()));
    }
}
