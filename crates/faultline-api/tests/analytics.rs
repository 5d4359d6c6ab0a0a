//! The Analytics screen's commands through `App::call` on a known history: the figures by hand
//! (MTTR, MTBF, MTTF, availability, Pareto bars, OEE), the work orders behind a bar, MTTR
//! changing at once when a breakdown's machine is back in service, and typed production counts
//! (validated, all or none, `DataChanged { production }`).

use crate::common;

use common::{TestApp, TestResult};
use faultline_api::DataKind;
use serde_json::{json, Value};

/// Two breakdowns of VFD-202 (4 h and 2 h down), a preventive job with 5 h down (never a
/// failure) and a cancelled breakdown, all in October 2026, in the demo's Maximo format.
const HISTORY: &str = "\
WONUM,ASSETNUM,WORKTYPE,STATUS,WOPRIORITY,DESCRIPTION,LONGDESCRIPTION,FAULTCODE,REPORTEDBY,REPORTDATE,ACTSTART,ACTFINISH,DOWNSTART,DOWNEND,FAILURECLASS,PROBLEMCODE,CAUSE,REMEDY,ISOMODE,ISOMECHANISM,ISOCAUSE,FAILUREREMARK,ACTTOTALCOST
900001,VFD-202,EM,CLOSE,1,OC trip,,OC1,A. Test,2026-10-02T00:00:00,2026-10-02T00:30:00,2026-10-02T03:30:00,2026-10-02T00:00:00,2026-10-02T04:00:00,VFD,OVERCURR,ACCSHORT,ADJACC,,,,,10
900002,VFD-202,EM,CLOSE,1,OU trip,,OU,A. Test,2026-10-05T00:00:00,2026-10-05T00:15:00,2026-10-05T01:45:00,2026-10-05T00:00:00,2026-10-05T02:00:00,VFD,OVERVOLT,DECSHORT,ADJDEC,,,,,10
900003,VFD-202,PM,CLOSE,3,PM,,,A. Test,2026-10-07T00:00:00,2026-10-07T00:00:00,2026-10-07T05:00:00,2026-10-07T00:00:00,2026-10-07T05:00:00,,,,,,,,,10
900004,VFD-202,EM,CAN,1,duplicate,,OC1,A. Test,2026-10-02T00:05:00,,,2026-10-08T00:00:00,2026-10-08T09:00:00,VFD,OVERCURR,ACCSHORT,,,,,,0
";

const OCT: (&str, &str) = ("2026-10-01T00:00:00Z", "2026-10-11T00:00:00Z");

fn with_history() -> Result<TestApp, Box<dyn std::error::Error>> {
    let t = common::open(&["assets"])?;
    let csv = t.dir.path().join("known.csv");
    std::fs::write(&csv, HISTORY)?;
    {
        let mut store = t
            .app
            .store_mutex()
            .map_err(|e| e.message.clone())?
            .lock()
            .map_err(|_| "lock")?;
        store.import_csv(&common::demo_dir().join("work_orders.toml"), &csv)?;
    }
    Ok(t)
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn metrics_of_a_known_history_by_hand() -> TestResult {
    let t = with_history()?;
    let m = t.call(
        "analytics_metrics",
        json!({ "asset": "vfd-202", "from": OCT.0, "to": OCT.1 }),
    )?;
    // 2 failures (the PM and the cancelled one never count), 6 h down over 240 h.
    assert_eq!(m["breakdowns"], 2);
    assert!(close(f(&m["downtime_hours"]), 6.0), "{m}");
    assert!(close(f(&m["mttr_hours"]), 3.0));
    assert!(close(f(&m["mtbf_hours"]), 120.0));
    assert!(close(f(&m["mttf_hours"]), 117.0));
    assert!(close(f(&m["availability"]), 234.0 / 240.0));
    // Active repair: 3 h and 1.5 h.
    assert!(close(f(&m["active_repair_hours"]), 2.25));
    assert_eq!(m["work_orders"], json!(["900001", "900002"]));
    assert!(m["definitions"]["mttr_hours"].is_string());
    assert!(t.sink.events().is_empty(), "a read emits nothing");

    // The same scope by line: L2-ASSY holds VFD-202 and other machines (more calendar time).
    let line = t.call(
        "analytics_metrics",
        json!({ "line": "L2-ASSY", "from": OCT.0, "to": OCT.1 }),
    )?;
    assert_eq!(line["breakdowns"], 2);
    assert!(f(&line["calendar_hours"]) > 240.0);
    Ok(())
}

#[test]
fn pareto_bars_and_the_work_orders_behind_a_bar() -> TestResult {
    let t = with_history()?;
    let p = t.call(
        "analytics_pareto",
        json!({ "by": "cause", "asset": "VFD-202", "from": OCT.0, "to": OCT.1 }),
    )?;
    let bars = p["bars"].as_array().ok_or("no bars")?;
    assert_eq!(bars.len(), 2, "{p}");
    assert_eq!(bars[0]["key"], "ACCSHORT");
    assert!(close(f(&bars[0]["hours"]), 4.0));
    assert_eq!(bars[1]["key"], "DECSHORT");
    assert!(close(f(&bars[1]["cumulative_share"]), 1.0));
    let behind = t.call(
        "work_orders_behind",
        json!({ "numbers": bars[0]["work_orders"] }),
    )?;
    let numbers: Vec<&str> = behind
        .as_array()
        .ok_or("not a list")?
        .iter()
        .filter_map(|w| w["number"].as_str())
        .collect();
    assert_eq!(numbers, vec!["900001"]);
    // Unknown numbers are left out; a figure with too many is refused.
    let none = t.call("work_orders_behind", json!({ "numbers": ["nope-1"] }))?;
    assert_eq!(none, json!([]));
    let many: Vec<String> = (0..501).map(|i| i.to_string()).collect();
    assert!(t
        .app
        .call("work_orders_behind", json!({ "numbers": many }))
        .is_err());
    assert!(t
        .app
        .call("analytics_pareto", json!({ "by": "colour" }))
        .is_err_and(|e| e.message.contains("cause, problem, class or asset")));
    Ok(())
}

#[test]
fn trends_with_a_marker_and_scope_errors() -> TestResult {
    let t = with_history()?;
    let tr = t.call(
        "analytics_trends",
        json!({ "asset": "VFD-202", "from": "2026-09-01T00:00:00Z", "to": "2026-11-01T00:00:00Z",
                "marker": "2026-10-04T00:00:00Z" }),
    )?;
    let months: Vec<&str> = tr["months"]
        .as_array()
        .ok_or("no months")?
        .iter()
        .filter_map(|m| m["month"].as_str())
        .collect();
    assert_eq!(months, vec!["2026-09", "2026-10"]);
    assert_eq!(tr["months"][1]["breakdowns"], 2);
    let ba = &tr["before_after"];
    assert!(close(f(&ba["before_mttr_hours"]), 4.0));
    assert!(close(f(&ba["after_mttr_hours"]), 2.0));
    assert!(close(f(&ba["difference_hours"]), -2.0));
    assert!(
        ba["interval_95"].is_null(),
        "one restored failure per side: no interval"
    );
    let outside = t.app.call(
        "analytics_trends",
        json!({ "from": OCT.0, "to": OCT.1, "marker": "2026-12-01T00:00:00Z" }),
    );
    assert!(outside.is_err());
    let two = t.app.call(
        "analytics_metrics",
        json!({ "line": "L2-ASSY", "asset": "VFD-202" }),
    );
    assert!(two.is_err_and(|e| e.message.contains("one of site, line")));
    Ok(())
}

#[test]
fn closing_a_breakdown_changes_mttr_at_once() -> TestResult {
    // The fixed clock is 2026-11-20 10:00 UTC.
    let t = common::open(&["assets"])?;
    let asset_id = t.asset_id("VFD-202")?;
    let wo = t.call(
        "log_breakdown",
        json!({ "input": {
            "asset_id": asset_id, "fault_code": "OC1", "symptom": "trips on start",
            "machine_stopped": true, "stopped_at": "2026-11-20T09:00:00Z", "author": "Lea"
        }}),
    )?;
    let period = json!({ "asset": "VFD-202", "from": "2026-11-20T00:00:00Z",
                         "to": "2026-11-20T12:00:00Z" });
    let open = t.call("analytics_metrics", period.clone())?;
    assert_eq!(open["open_breakdowns"], 1);
    assert!(open["mttr_hours"].is_null());
    t.sink.clear();
    let id = wo["summary"]["id"].as_str().ok_or("no id")?;
    t.call("back_in_service", json!({ "work_order_id": id }))?;
    assert_eq!(t.sink.data_changed(), vec![vec![DataKind::WorkOrders]]);
    let restored = t.call("analytics_metrics", period)?;
    assert_eq!(restored["open_breakdowns"], 0);
    assert!(close(f(&restored["mttr_hours"]), 1.0), "{restored}");
    Ok(())
}

fn shift_count(line: &str, scrap: u32) -> Value {
    json!({ "line": line, "shift": "A", "period_start": "2026-11-19T05:00:00Z",
            "period_end": "2026-11-19T13:00:00Z", "planned_busy_hours": 7.5,
            "run_time_per_unit_s": 90.0, "produced": 272.0, "scrap": scrap })
}

#[test]
fn typed_production_counts_give_oee_by_hand() -> TestResult {
    let t = common::open(&["assets"])?;
    let saved = t.call(
        "set_production_counts",
        json!({ "counts": [shift_count("l1-mach", 1)] }),
    )?;
    assert_eq!(saved, 1);
    assert_eq!(t.sink.data_changed(), vec![vec![DataKind::Production]]);
    let period = json!({ "line": "L1-MACH", "from": "2026-11-19T00:00:00Z",
                         "to": "2026-11-20T00:00:00Z", "by": "shift" });
    let r = t.call("analytics_oee", period.clone())?;
    // No breakdown: availability 1; performance 90 s × 272 / 7.5 h; quality 271/272;
    // OEE = 90 s × 271 / 7.5 h.
    let total = &r["total"];
    assert!(close(f(&total["availability"]), 1.0), "{r}");
    assert!(close(
        f(&total["effectiveness"]),
        90.0 * 272.0 / 3600.0 / 7.5
    ));
    assert!(close(f(&total["quality_rate"]), 271.0 / 272.0));
    assert!(close(f(&total["oee"]), 90.0 * 271.0 / 3600.0 / 7.5));
    assert_eq!(r["rows"].as_array().map(Vec::len), Some(1));

    // Typed again for the same shift: the count is corrected, not doubled.
    t.call(
        "set_production_counts",
        json!({ "counts": [shift_count("L1-MACH", 2)] }),
    )?;
    let again = t.call("analytics_oee", period)?;
    assert_eq!(again["total"]["good"], 270.0);
    assert_eq!(again["total"]["counts"], 1);

    // An asset's count (typed in another case): the pickers offer it (one read of the targets).
    let mut asset_count = shift_count("", 0);
    if let Some(o) = asset_count.as_object_mut() {
        o.remove("line");
        o.insert("asset".into(), json!("vfd-202"));
    }
    t.call("set_production_counts", json!({ "counts": [asset_count] }))?;
    let scopes = t.call("analytics_scopes", json!({}))?;
    assert_eq!(scopes["production_lines"], json!(["L1-MACH"]));
    assert_eq!(scopes["production_assets"], json!(["VFD-202"]));
    assert!(scopes["lines"]
        .as_array()
        .is_some_and(|l| l.contains(&json!("L2-ASSY"))));
    Ok(())
}

#[test]
fn bad_counts_are_refused_all_or_none() -> TestResult {
    let t = common::open(&["assets"])?;
    let mut bad = shift_count("L2-ASSY", 1);
    bad["good"] = json!(200.0);
    let refused = t.app.call(
        "set_production_counts",
        json!({ "counts": [shift_count("L3-PACK", 0), bad] }),
    );
    assert!(refused.is_err_and(
        |e| e.message.contains("count 2") && e.message.contains("not the produced quantity")
    ));
    let unknown = shift_count("L9-NONE", 0);
    assert!(t
        .app
        .call("set_production_counts", json!({ "counts": [unknown] }))
        .is_err_and(|e| e.message.contains("not in the replica")));
    let future = json!({ "line": "L3-PACK", "period_start": "2027-01-01T05:00:00Z",
                         "period_end": "2027-01-01T13:00:00Z", "planned_busy_hours": 7.5,
                         "run_time_per_unit_s": 20.0, "produced": 10.0, "good": 10.0 });
    assert!(t
        .app
        .call("set_production_counts", json!({ "counts": [future] }))
        .is_err_and(|e| e.message.contains("future")));
    assert!(
        t.sink.data_changed().is_empty(),
        "nothing saved, nothing changed"
    );
    let none = t.app.call(
        "analytics_oee",
        json!({ "line": "L3-PACK", "from": "2026-11-19T00:00:00Z", "to": "2026-11-20T00:00:00Z" }),
    );
    assert!(none.is_err_and(|e| e.code == faultline_core::ErrorCode::NotFound));
    Ok(())
}

#[test]
fn risk_on_the_demo_plant_lists_the_scope_riskiest_first() -> TestResult {
    let t = common::open(&["assets", "work_orders", "fault_events"])?;
    let all = t.call("analytics_risk", json!({}))?;
    let assets = all["assets"].as_array().ok_or("no assets")?;
    assert!(assets.len() > 10);
    let scores: Vec<f64> = assets.iter().map(|a| f(&a["score"])).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]));
    let line = t.call("analytics_risk", json!({ "line": "L2-ASSY", "limit": 3 }))?;
    let tags: Vec<&str> = line["assets"]
        .as_array()
        .ok_or("no assets")?
        .iter()
        .filter_map(|a| a["asset_tag"].as_str())
        .collect();
    assert!(!tags.is_empty() && tags.len() <= 3);
    let demo_assets = std::fs::read_to_string(common::demo_dir().join("assets.csv"))?;
    for tag in &tags {
        assert!(
            demo_assets
                .lines()
                .any(|l| l.starts_with(&format!("{tag},")) && l.contains(",L2-ASSY,")),
            "{tag} is not on L2-ASSY"
        );
    }
    let store_line = t.call("analytics_scopes", json!({}))?;
    assert!(store_line["now"]
        .as_str()
        .is_some_and(|n| n.starts_with("2026-11-20")));
    assert!(t
        .app
        .call("analytics_risk", json!({ "horizon_days": 0 }))
        .is_err());
    Ok(())
}
