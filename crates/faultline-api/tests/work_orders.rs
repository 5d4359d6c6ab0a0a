//! Every work order action through `App::call`: what it answers and that each write emits
//! `DataChanged { work_orders }` (reads emit nothing).

use crate::common;

use common::{TestApp, TestResult};
use faultline_api::DataKind;
use serde_json::{json, Value};

const PNG_1X1: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

fn breakdown(t: &TestApp) -> Result<Value, Box<dyn std::error::Error>> {
    let asset_id = t.asset_id("CNC-101")?;
    t.sink.clear();
    t.call(
        "log_breakdown",
        json!({ "input": {
            "asset_id": asset_id, "fault_code": "OC1", "symptom": "spindle stops",
            "note": null, "machine_stopped": true, "stopped_at": null, "priority": 2,
            "author": "Lea"
        }}),
    )
}

fn wo_id(wo: &Value) -> Result<String, Box<dyn std::error::Error>> {
    Ok(wo["summary"]["id"].as_str().ok_or("no id")?.to_string())
}

/// The write emitted exactly one `DataChanged { work_orders }`; the sink is cleared.
fn changed_work_orders(t: &TestApp) {
    assert_eq!(t.sink.data_changed(), vec![vec![DataKind::WorkOrders]]);
    t.sink.clear();
}

#[test]
fn log_breakdown_emits_data_changed_work_orders() -> TestResult {
    let t = common::open(&["assets"])?;
    let wo = breakdown(&t)?;
    assert_eq!(wo["summary"]["title"], "spindle stops");
    changed_work_orders(&t);
    let read = t.call("work_order", json!({ "work_order_id": wo_id(&wo)? }))?;
    assert_eq!(read["summary"]["id"], wo["summary"]["id"]);
    assert!(t.sink.events().is_empty(), "a read emits nothing");
    Ok(())
}

#[test]
fn a_breakdown_the_core_refuses_emits_nothing() -> TestResult {
    let t = common::open(&["assets"])?;
    let asset_id = t.asset_id("CNC-101")?;
    let refused = t.app.call(
        "log_breakdown",
        json!({ "input": { "asset_id": asset_id, "symptom": "", "machine_stopped": false,
                           "author": "Lea" }}),
    );
    assert!(refused.is_err());
    assert!(t.sink.events().is_empty());
    Ok(())
}

#[test]
fn notes_downtime_parts_photos_corrections_and_close() -> TestResult {
    let t = common::open(&["assets"])?;
    let id = wo_id(&breakdown(&t)?)?;
    t.sink.clear();

    let wo = t.call(
        "add_note",
        json!({ "work_order_id": id, "author": "Lea", "text": "fan blocked" }),
    )?;
    let note_id = wo["notes"][0]["id"].clone();
    changed_work_orders(&t);

    t.clock.advance(chrono::Duration::minutes(30));
    let wo = t.call("back_in_service", json!({ "work_order_id": id }))?;
    assert_eq!(wo["downtime_intervals"].as_array().map(Vec::len), Some(1));
    changed_work_orders(&t);

    t.clock.advance(chrono::Duration::minutes(5));
    t.call("machine_stopped", json!({ "work_order_id": id }))?;
    changed_work_orders(&t);
    t.clock.advance(chrono::Duration::minutes(5));
    t.call(
        "back_in_service",
        json!({ "work_order_id": id, "at": "2026-11-20T10:39:00Z" }),
    )?;
    changed_work_orders(&t);

    let wo = t.call(
        "add_part",
        json!({ "input": { "work_order_id": id, "part_number": "6205-2RS",
                           "description": null, "quantity": 2.0 }}),
    )?;
    assert_eq!(wo["parts"][0]["part_number"], "6205-2RS");
    changed_work_orders(&t);

    let wo = t.call(
        "add_photo",
        json!({ "work_order_id": id, "data_base64": PNG_1X1, "mime": "image/png" }),
    )?;
    let sha = wo["photos"][0]["sha256"]
        .as_str()
        .ok_or("no photo")?
        .to_string();
    changed_work_orders(&t);
    let bytes = t
        .app
        .call_bytes("photo", json!({ "sha256": sha }))
        .map_err(|e| e.message)?;
    assert!(bytes.starts_with(b"\x89PNG"));
    let bad = t.app.call(
        "add_photo",
        json!({ "work_order_id": id, "data_base64": "***", "mime": "image/png" }),
    );
    assert!(bad.is_err_and(|e| e.message.contains("photo could not be read")));

    let wo = t.call(
        "correct_item",
        json!({ "input": { "target": "note", "target_id": note_id, "action": "amend",
                           "author": "Lea", "text": "fan blocked by swarf" }}),
    )?;
    assert_eq!(wo["notes"][0]["text"], "fan blocked by swarf");
    changed_work_orders(&t);

    let wo = t.call(
        "close_work_order",
        json!({ "input": { "work_order_id": id, "failure": {}, "remedy_text": "cleaned",
                           "finished_at": null, "author": "Lea" }}),
    )?;
    assert_eq!(wo["summary"]["status"], "closed");
    changed_work_orders(&t);
    Ok(())
}

#[test]
fn find_work_orders_and_the_start_screen() -> TestResult {
    let t = common::open(&["assets"])?;
    let wo = breakdown(&t)?;
    let number = wo["summary"]["number"]
        .as_str()
        .ok_or("no number")?
        .to_string();
    let found = t.call("find_work_orders", json!({ "query": number }))?;
    assert_eq!(found[0]["number"], number.as_str());
    let start = t.call("start_screen", Value::Null)?;
    assert_eq!(start["down_now"].as_array().map(Vec::len), Some(1));
    Ok(())
}
