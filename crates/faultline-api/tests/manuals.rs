//! The manual library through `App::call`: an import runs in the background and reports progress
//! with real totals, `ManualChanged` and `DataChanged { manuals }`; search, the PDF's bytes,
//! linking, adding bytes; an index rebuild at start reports real page totals.

use crate::common;

use common::{TestApp, TestResult};
use faultline_api::{AppEvent, DataKind};
use serde_json::{json, Value};

fn import_ended(events: &[AppEvent]) -> bool {
    events
        .iter()
        .any(|e| matches!(e, AppEvent::ManualChanged(c) if c.manual_id.is_none()))
}

/// Imports the demo drive manual and waits until the import ended.
fn import_demo_manual(t: &TestApp) -> Result<Value, Box<dyn std::error::Error>> {
    let started = t.call(
        "manuals_add_files",
        json!({ "paths": [common::demo_pdf()], "model": "Vantor VX-300" }),
    )?;
    common::wait_for(&t.sink, "the import to end", import_ended)?;
    Ok(started)
}

#[test]
fn an_import_reports_progress_with_totals_and_makes_the_manual_searchable() -> TestResult {
    let t = common::open_started(&["assets"])?;
    let started = import_demo_manual(&t)?;
    assert_eq!(started, json!({ "queued": 1, "duplicates": 0 }));
    let events = t.sink.events();
    let progress: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            AppEvent::ImportProgress(p) => Some(p.clone()),
            _ => None,
        })
        .collect();
    assert!(progress.iter().all(|p| p.total == 1), "{progress:?}");
    assert!(progress.last().is_some_and(|p| p.done == 1), "{progress:?}");
    assert!(events
        .iter()
        .any(|e| matches!(e, AppEvent::ManualChanged(c) if c.manual_id.is_some())));
    assert_eq!(
        t.sink.data_changed().first(),
        Some(&vec![DataKind::Manuals]),
        "adding"
    );
    assert_eq!(
        t.sink.data_changed().last(),
        Some(&vec![DataKind::Manuals]),
        "imported"
    );

    let list = t.call("manuals_list", Value::Null)?;
    assert_eq!(list[0]["state"], "indexed");
    let id = list[0]["id"].as_str().ok_or("no id")?.to_string();
    let hits = t.call("search_manuals", json!({ "text": "overcurrent" }))?;
    assert!(
        hits["hits"].as_array().is_some_and(|h| !h.is_empty()),
        "{hits}"
    );
    let pdf = t
        .app
        .call_bytes("manual_pdf", json!({ "manual_id": id }))
        .map_err(|e| e.message)?;
    assert!(pdf.starts_with(b"%PDF"));
    Ok(())
}

#[test]
fn link_add_bytes_retry_and_cancel() -> TestResult {
    let t = common::open_started(&["assets"])?;
    import_demo_manual(&t)?;
    let id = t.call("manuals_list", Value::Null)?[0]["id"].clone();
    t.sink.clear();
    let linked = t.call(
        "manual_link_model",
        json!({ "manual_id": id, "manufacturer": "Vantor", "model": "VX-310" }),
    )?;
    assert!(
        linked["models"].as_array().is_some_and(|m| m.len() == 2),
        "{linked}"
    );
    assert_eq!(t.sink.data_changed(), vec![vec![DataKind::Manuals]]);

    use base64::Engine;
    let bytes = std::fs::read(common::demo_pdf())?;
    let same = t.call(
        "manuals_add_bytes",
        json!({ "file_name": "copy.pdf",
                "data_base64": base64::engine::general_purpose::STANDARD.encode(bytes) }),
    )?;
    assert_eq!(same["id"], id, "the same PDF is the same manual");
    let not_base64 = t.app.call(
        "manuals_add_bytes",
        json!({ "file_name": "x.pdf", "data_base64": "***" }),
    );
    assert!(not_base64.is_err());
    let retry = t.app.call("manual_retry", json!({ "manual_id": "nope" }));
    assert!(retry.is_err_and(|e| e.message.contains("not a valid manual id")));
    t.call("manuals_cancel", Value::Null)?;
    Ok(())
}

#[test]
fn a_rebuild_at_start_reports_real_page_totals() -> TestResult {
    let t = common::open_started(&["assets"])?;
    import_demo_manual(&t)?;
    let pages = t.call("manuals_list", Value::Null)?[0]["page_count"]
        .as_u64()
        .ok_or("no page count")?;
    let dir = t.dir.path().to_path_buf();
    let common::TestApp { app, dir: keep, .. } = t;
    drop(app);
    std::fs::remove_dir_all(dir.join("index"))?;

    let sink = std::sync::Arc::new(faultline_api::CollectingSink::default());
    let mut options = faultline_api::AppOptions::new("9.9.9", common::worker());
    options.sync.automatic = false;
    let app = faultline_api::App::open(&dir, options, sink.clone());
    app.start_background();
    common::wait_for(&sink, "the rebuild to finish", |events| {
        events
            .iter()
            .any(|e| matches!(e, AppEvent::IndexRebuild(r) if r.finished))
    })?;
    let rebuild: Vec<_> = sink
        .events()
        .into_iter()
        .filter_map(|e| match e {
            AppEvent::IndexRebuild(r) => Some(r),
            _ => None,
        })
        .collect();
    assert!(
        rebuild.iter().all(|r| u64::from(r.total) == pages),
        "{rebuild:?}"
    );
    assert!(rebuild.iter().all(|r| r.done <= r.total), "{rebuild:?}");
    assert!(rebuild
        .last()
        .is_some_and(|r| r.finished && r.done == r.total));
    let hits = app
        .call("search_manuals", json!({ "text": "overcurrent" }))
        .map_err(|e| e.message)?;
    assert!(hits["hits"].as_array().is_some_and(|h| !h.is_empty()));
    drop(app);
    drop(keep);
    Ok(())
}
