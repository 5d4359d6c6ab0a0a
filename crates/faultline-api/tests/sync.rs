//! The sync commands through `App::call` on a laptop that is not enrolled: status, the lists,
//! the refusals with what to do (the hub side is tests/sync/app_manuals.rs).

use crate::common;

use common::TestResult;
use faultline_core::ErrorCode;
use serde_json::{json, Value};

#[test]
fn status_and_lists_of_a_laptop_without_a_hub() -> TestResult {
    let t = common::open(&[])?;
    assert_eq!(t.call("sync_status", Value::Null)?["enrolled"], false);
    assert_eq!(t.call("sync_conflicts", Value::Null)?, json!([]));
    assert_eq!(t.call("rejected_changes", Value::Null)?, json!([]));
    let bad = t.app.call(
        "resolve_conflict",
        json!({ "conflict_id": "x", "choice": "client" }),
    );
    assert!(bad.is_err_and(|e| e.message.contains("not a valid conflict id")));
    Ok(())
}

#[test]
fn sync_now_needs_an_enrollment_and_the_background_sync() -> TestResult {
    let t = common::open(&[])?;
    let e = t.app.call("sync_now", Value::Null);
    assert!(
        e.is_err_and(|e| e.code == ErrorCode::InvalidState && e.message.contains("not enrolled"))
    );
    Ok(())
}

#[test]
fn enrolling_with_an_unreachable_hub_says_so_and_changes_nothing() -> TestResult {
    let t = common::open(&[])?;
    let e = t.app.call(
        "sync_enroll",
        json!({ "hub_url": "http://127.0.0.1:9", "token": "t0k" }),
    );
    assert!(
        e.is_err_and(|e| e.code == ErrorCode::HubUnreachable),
        "refused"
    );
    assert!(t.sink.events().is_empty());
    assert_eq!(t.call("sync_status", Value::Null)?["enrolled"], false);
    Ok(())
}

#[test]
fn a_failed_sync_reports_sync_finished_not_ok_and_data_changed_sync() -> TestResult {
    let t = common::open(&[])?;
    let e = t.app.sync_once();
    assert!(e.is_err(), "not enrolled");
    let events = t.sink.events();
    assert!(events.iter().any(|e| matches!(
        e,
        faultline_api::AppEvent::SyncFinished(f) if !f.ok && f.error.is_some()
    )));
    assert_eq!(
        t.sink.data_changed(),
        vec![vec![faultline_api::DataKind::Sync]]
    );
    Ok(())
}
