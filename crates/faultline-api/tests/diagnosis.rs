//! The Diagnose screen's commands through `App::call` on the demo plant: `diagnose` (causes with
//! explanation and evidence, similar work orders, the authored guide, no event), a session on a
//! breakdown walked to its conclusion (a measurement out of range), back a step, the session on
//! the work order after the App is opened again, and `DataChanged { work_orders }` per write.

use crate::common;

use common::{TestApp, TestResult};
use faultline_api::DataKind;
use serde_json::{json, Value};

type R<T> = Result<T, Box<dyn std::error::Error>>;

/// The demo plant (assets, catalogue, history, alarms) and its VX-300 OC1 guide.
fn demo() -> R<TestApp> {
    let t = common::open(&["assets", "failure_codes", "work_orders", "fault_events"])?;
    let text = std::fs::read_to_string(common::demo_dir().join("guides/vx300-oc1.toml"))?;
    {
        let mut store = t
            .app
            .store_mutex()
            .map_err(|e| e.message.clone())?
            .lock()
            .map_err(|_| "lock")?;
        let catalog = store.failure_catalog()?;
        let guide = faultline_diagnosis::guide::check("vx300-oc1.toml", &text, Some(&catalog))
            .map_err(|e| format!("{e:?}"))?;
        store.put_guide(&guide, Some(&text))?;
    }
    Ok(t)
}

fn breakdown(t: &TestApp, tag: &str) -> R<String> {
    let asset_id = t.asset_id(tag)?;
    let wo = t.call(
        "log_breakdown",
        json!({ "input": {
            "asset_id": asset_id, "fault_code": "OC1", "symptom": "trips on start",
            "note": null, "machine_stopped": true, "stopped_at": null, "priority": 2,
            "author": "Lea"
        }}),
    )?;
    t.sink.clear();
    Ok(wo["summary"]["id"].as_str().ok_or("no id")?.to_string())
}

fn changed_work_orders(t: &TestApp) {
    assert_eq!(t.sink.data_changed(), vec![vec![DataKind::WorkOrders]]);
    t.sink.clear();
}

fn answer(t: &TestApp, s: &Value, answer: Value) -> R<Value> {
    t.call(
        "diagnosis_answer",
        json!({ "session_id": s["id"], "step_id": s["current_step"], "answer": answer, "by": "Lea" }),
    )
}

#[test]
fn diagnose_answers_causes_with_evidence_similar_work_orders_and_the_guide() -> TestResult {
    let t = demo()?;
    let asset_id = t.asset_id("VFD-202")?;
    t.sink.clear();
    let d = t.call(
        "diagnose",
        json!({ "asset_id": asset_id, "codes": ["oc 1"], "symptom": "trips on start" }),
    )?;
    assert_eq!(d["asset_tag"], "VFD-202");
    assert_eq!(d["codes"], json!(["oc 1"]));
    let causes = d["causes"].as_array().ok_or("causes")?;
    assert!(!causes.is_empty(), "{d}");
    assert!(causes[0]["explanation"]
        .as_str()
        .is_some_and(|e| !e.is_empty()));
    assert!(causes[0]["levels"]
        .as_array()
        .is_some_and(|l| !l.is_empty()));
    assert!(d["similar_work_orders"]
        .as_array()
        .is_some_and(|w| !w.is_empty()));
    assert_eq!(d["guide"]["id"], "VX300-OC1", "the model's guide for OC1");
    assert_eq!(d["generated"], false);
    assert!(d["manual_pages"].is_array());
    assert!(t.sink.events().is_empty(), "a read emits nothing");

    // No codes given: the asset's recent alarms are the codes (none in the last 48 h here).
    let without = t.call("diagnose", json!({ "asset_id": asset_id }))?;
    assert!(without["codes"].is_array());
    // A bad asset id is the caller's mistake, named.
    let bad = t.app.call("diagnose", json!({ "asset_id": "nope" }));
    assert!(bad.is_err_and(|e| e.message.contains("asset")));
    Ok(())
}

#[test]
fn a_session_on_a_breakdown_walks_to_its_conclusion_and_is_on_the_work_order_again() -> TestResult {
    let t = demo()?;
    let wo = breakdown(&t, "VFD-202")?;
    let s = t.call(
        "diagnosis_start",
        json!({ "work_order_id": wo, "by": "Lea" }),
    )?;
    changed_work_orders(&t);
    assert_eq!(
        s["guide"]["id"], "VX300-OC1",
        "the work order's fault code selects it"
    );
    assert_eq!(s["work_order_id"], json!(wo));
    assert_eq!(s["current_step"], "read-log");

    let s = answer(&t, &s, json!({ "type": "done" }))?;
    changed_work_orders(&t);
    let s = answer(&t, &s, json!({ "type": "choice", "value": "no" }))?;
    let s = answer(&t, &s, json!({ "type": "choice", "value": "free" }))?;
    assert_eq!(s["current_step"], "insulation");
    // Out of range (min 100 MOhm) → the cable conclusion.
    let s = answer(&t, &s, json!({ "type": "value", "value": 2.5 }))?;
    assert_eq!(s["current_step"], "cable");
    assert_eq!(s["conclusion"]["cause_code"], "CBLDMG");
    assert_eq!(s["conclusion"]["remedy_code"], "REPLCABLE");
    t.sink.clear();

    // Back a step: the measurement is to answer again; forward once more.
    let s = t.call(
        "diagnosis_back",
        json!({ "session_id": s["id"], "by": "Lea" }),
    )?;
    changed_work_orders(&t);
    assert_eq!(s["current_step"], "insulation");
    assert!(s["conclusion"].is_null());
    let s = answer(&t, &s, json!({ "type": "value", "value": 3.0 }))?;
    assert_eq!(s["current_step"], "cable");
    // A wrong step is refused and emits nothing.
    t.sink.clear();
    let late = t.app.call(
        "diagnosis_answer",
        json!({ "session_id": s["id"], "step_id": "walk", "answer": { "type": "done" }, "by": "Lea" }),
    );
    assert!(late.is_err());
    assert!(t.sink.events().is_empty());

    // The session lives in the store: an App opened again on the same directory has it.
    let dir = t.dir;
    let mut options = faultline_api::AppOptions::new("9.9.9", common::worker());
    options.sync.automatic = false;
    drop(t.app);
    let again = faultline_api::App::open(
        dir.path(),
        options,
        std::sync::Arc::new(faultline_api::CollectingSink::default()),
    );
    let list = again
        .call("diagnosis_session", json!({ "work_order_id": wo }))
        .map_err(|e| e.message)?;
    let list = list.as_array().ok_or("a list")?;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], s["id"]);
    assert_eq!(list[0]["conclusion"]["cause_code"], "CBLDMG");
    let one = again
        .call("diagnosis_session", json!({ "session_id": s["id"] }))
        .map_err(|e| e.message)?;
    assert_eq!(one[0]["current_step"], "cable");
    assert!(again.call("diagnosis_session", json!({})).is_err());
    Ok(())
}

#[test]
fn a_session_on_an_asset_without_a_guide_walks_the_generated_checklist() -> TestResult {
    let t = demo()?;
    let asset_id = t.asset_id("CNC-101")?;
    t.sink.clear();
    let s = t.call(
        "diagnosis_start",
        json!({ "asset_id": asset_id, "codes": ["ZZ-NOPE"], "by": "Lea" }),
    )?;
    changed_work_orders(&t);
    assert_eq!(s["generated"], true);
    assert!(s["work_order_id"].is_null());
    // Nobody named: refused before anything is written.
    let anon = t.app.call(
        "diagnosis_start",
        json!({ "asset_id": asset_id, "by": " " }),
    );
    assert!(anon.is_err());
    let nothing = t.app.call("diagnosis_start", json!({ "by": "Lea" }));
    assert!(nothing.is_err_and(|e| e.message.contains("work order")));
    assert!(t.sink.events().is_empty());
    Ok(())
}

#[test]
fn a_diagnosis_session_on_a_work_order_of_another_asset_is_refused_saying_what_to_do() -> TestResult
{
    let t = demo()?;
    let wo = breakdown(&t, "VFD-202")?;
    let other = t.asset_id("CNC-101")?;
    let refused = t.app.call(
        "diagnosis_start",
        json!({ "work_order_id": wo, "asset_id": other, "by": "Lea" }),
    );
    let Err(e) = refused else {
        panic!("a session on CNC-101 for a VFD-202 work order was started");
    };
    assert!(
        e.message.contains("is on asset VFD-202, not CNC-101"),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("name only the work order"),
        "{}",
        e.message
    );
    assert!(t.sink.events().is_empty());
    // The same work order with its own asset is fine.
    let own = t.asset_id("VFD-202")?;
    let s = t.call(
        "diagnosis_start",
        json!({ "work_order_id": wo, "asset_id": own, "by": "Lea" }),
    )?;
    assert_eq!(s["work_order_id"], json!(wo));
    Ok(())
}

#[test]
fn diagnose_answers_manual_pages_the_models_manual_first() -> TestResult {
    let t = common::open_started(&["assets", "failure_codes", "work_orders"])?;
    t.call(
        "manuals_add_files",
        json!({ "paths": [common::demo_pdf()], "model": "Vantor Drives VX-300" }),
    )?;
    common::wait_for(&t.sink, "the import to end", |events| {
        events.iter().any(
            |e| matches!(e, faultline_api::AppEvent::ManualChanged(c) if c.manual_id.is_none()),
        )
    })?;
    let manual_id = t.call("manuals_list", Value::Null)?[0]["id"].clone();
    let asset_id = t.asset_id("VFD-202")?;
    let d = t.call(
        "diagnose",
        json!({ "asset_id": asset_id, "codes": ["OC1"], "symptom": "overcurrent" }),
    )?;
    let pages = d["manual_pages"].as_array().ok_or("pages")?;
    assert!(!pages.is_empty(), "{d}");
    assert_eq!(pages[0]["manual_id"], manual_id);
    assert!(pages[0]["page"].as_u64().is_some_and(|p| p >= 1));
    // Neither codes nor symptom: nothing to look up in the manuals.
    let none = t.call(
        "diagnose",
        json!({ "asset_id": t.asset_id("CNC-101")?, "codes": [] }),
    )?;
    assert_eq!(none["manual_pages"], json!([]));
    Ok(())
}

#[test]
fn the_background_work_brings_the_diagnosis_tables_up_to_date_after_an_upgrade() -> TestResult {
    let t = demo()?;
    let pending = |t: &TestApp| -> R<(i64, i64, i64)> {
        let store = t
            .app
            .store_mutex()
            .map_err(|e| e.message.clone())?
            .lock()
            .map_err(|_| "lock")?;
        let (totals, codes) = store.diagnosis_pending()?;
        Ok((totals, codes, store.diagnosis_text_pending()?))
    };
    // The migrations queued the imported history; nothing has read it yet.
    let before = pending(&t)?;
    assert!(before.0 > 0 && before.2 > 0, "{before:?}");
    t.app.start_background();
    let began = std::time::Instant::now();
    while pending(&t)? != (0, 0, 0) {
        assert!(
            began.elapsed() < std::time::Duration::from_secs(60),
            "still pending: {:?}",
            pending(&t)?
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // And a diagnosis then reads what was prepared.
    let asset_id = t.asset_id("VFD-202")?;
    let d = t.call(
        "diagnose",
        json!({ "asset_id": asset_id, "codes": ["OC1"] }),
    )?;
    assert!(!d["causes"].as_array().ok_or("causes")?.is_empty());
    Ok(())
}
