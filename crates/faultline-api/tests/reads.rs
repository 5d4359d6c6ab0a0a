//! The read commands through `App::call`, with the defaults the UI relies on.

use crate::common;

use common::TestResult;
use serde_json::json;

#[test]
fn app_info_reports_the_version_and_counts() -> TestResult {
    let t = common::open(&["assets"])?;
    let info = t.call("app_info", serde_json::Value::Null)?;
    assert_eq!(info["version"], "9.9.9");
    assert!(info["assets"].as_u64().is_some_and(|n| n > 30));
    Ok(())
}

#[test]
fn find_assets_answers_30_by_default() -> TestResult {
    let t = common::open(&["assets"])?;
    let all = t.call("find_assets", json!({ "query": "" }))?;
    let some = t.call("find_assets", json!({ "query": "", "limit": 2 }))?;
    assert_eq!(all.as_array().map(Vec::len), Some(30));
    assert_eq!(some.as_array().map(Vec::len), Some(2));
    Ok(())
}

#[test]
fn asset_by_tag_and_asset_page() -> TestResult {
    let t = common::open(&["assets"])?;
    assert_eq!(
        t.call("asset_by_tag", json!({ "tag": "NOPE-1" }))?,
        json!(null)
    );
    let id = t.asset_id("CNC-101")?;
    let page = t.call("asset_page", json!({ "asset_id": id }))?;
    assert_eq!(page["asset"]["tag"], "CNC-101");
    let bad = t.app.call("asset_page", json!({ "asset_id": "x" }));
    assert!(bad.is_err_and(|e| e.message.contains("not a valid asset id")));
    Ok(())
}

#[test]
fn work_order_of_a_missing_id_is_not_found() -> TestResult {
    let t = common::open(&[])?;
    let e = t.app.call(
        "work_order",
        json!({ "work_order_id": "018f0000-0000-7000-8000-000000000000" }),
    );
    assert!(e.is_err_and(|e| e.code == faultline_core::ErrorCode::NotFound));
    Ok(())
}
