//! The Shift screen's commands, the catalogue and procedures, and save_export through
//! `App::call`, with their defaults and events.

use crate::common;

use common::TestResult;
use faultline_api::DataKind;
use serde_json::{json, Value};

#[test]
fn shift_report_covers_the_last_12_hours_by_default() -> TestResult {
    let t = common::open(&[])?;
    let r = t.call("shift_report", Value::Null)?;
    assert_eq!(r["from"], "2026-11-19T22:00:00Z");
    assert_eq!(r["to"], "2026-11-20T10:00:00Z");
    let bad = t.app.call("shift_report", json!({ "from": "yesterday" }));
    assert!(bad.is_err_and(|e| e.message.contains("RFC 3339")));
    Ok(())
}

#[test]
fn handover_notes_are_added_listed_for_24_hours_and_announced() -> TestResult {
    let t = common::open(&[])?;
    let note = t.call(
        "add_handover_note",
        json!({ "input": { "shift_start": "2026-11-20T06:00:00Z",
                           "shift_end": "2026-11-20T14:00:00Z", "author": "Lea",
                           "text": "press 2 runs slow" }}),
    )?;
    assert_eq!(note["text"], "press 2 runs slow");
    assert_eq!(t.sink.data_changed(), vec![vec![DataKind::Shifts]]);
    let listed = t.call("handover_notes", json!({}))?;
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    // The default window, 2026-11-19T10:00..2026-11-20T10:00, overlaps the note's shift.
    let earlier = t.call(
        "handover_notes",
        json!({ "from": "2026-11-18T00:00:00Z", "to": "2026-11-19T00:00:00Z" }),
    )?;
    assert_eq!(earlier.as_array().map(Vec::len), Some(0));
    Ok(())
}

#[test]
fn shift_calendar_and_handover() -> TestResult {
    let t = common::open(&[])?;
    let calendar = t.call("shift_calendar", Value::Null)?;
    let stored = t.call("set_shift_calendar", json!({ "calendar": calendar }))?;
    assert_eq!(stored["shifts"], calendar["shifts"]);
    assert_eq!(t.sink.data_changed(), vec![vec![DataKind::Shifts]]);
    let current = t.call("shift_handover", json!({}))?;
    assert!(current["shift"].is_object(), "{current}");
    let range = t.call(
        "shift_handover",
        json!({ "from": "2026-11-20T00:00:00Z", "to": "2026-11-20T08:00:00Z" }),
    )?;
    assert!(range["shift"].is_null());
    let half = t
        .app
        .call("shift_handover", json!({ "from": "2026-11-20T00:00:00Z" }));
    assert!(half.is_err_and(|e| e.message.contains("both its start and its end")));
    let bad_day = t.app.call(
        "shift_handover",
        json!({ "shift": "Early", "date": "20.11." }),
    );
    assert!(bad_day.is_err_and(|e| e.message.contains("YYYY-MM-DD")));
    Ok(())
}

#[test]
fn catalogue_and_procedures() -> TestResult {
    let t = common::open(&["assets", "failure_codes", "procedures"])?;
    let catalog = t.call("failure_catalog", Value::Null)?;
    assert!(catalog.is_object());
    let page = t.call("asset_page", json!({ "asset_id": t.asset_id("CNC-101")? }))?;
    let code = page["procedures"][0]["code"]
        .as_str()
        .ok_or("no procedure")?
        .to_string();
    let p = t.call("procedure", json!({ "code": code }))?;
    assert_eq!(p["code"], code.as_str());
    let missing = t.app.call("procedure", json!({ "code": "NOPE" }));
    assert!(missing.is_err_and(|e| e.code == faultline_core::ErrorCode::NotFound));
    Ok(())
}

#[test]
fn save_export_writes_into_exports_and_refuses_other_names() -> TestResult {
    let t = common::open(&[])?;
    let path = t.call(
        "save_export",
        json!({ "file_name": "shift-2026-11-20.csv", "text": "a,b\n" }),
    )?;
    let path = path.as_str().ok_or("no path")?;
    assert!(path.ends_with("exports/shift-2026-11-20.csv"));
    assert_eq!(std::fs::read_to_string(path)?, "a,b\n");
    let bad = t.app.call(
        "save_export",
        json!({ "file_name": "../x.csv", "text": "" }),
    );
    assert!(bad.is_err_and(|e| e.code == faultline_core::ErrorCode::InvalidInput));
    Ok(())
}
