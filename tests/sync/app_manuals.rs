//! The App's rule after a background sync, against a real hub on PostgreSQL: a manual published
//! on the hub reaches the laptop through the App's own sync thread ("Sync now"), is extracted and
//! indexed without a restart, becomes searchable through `App::call`, and the screens hear
//! `SyncFinished`, `DataChanged { manuals }` and `ManualChanged`.

use anyhow::{bail, Context, Result};
use faultline_api::{App, AppEvent, AppOptions, CollectingSink, DataKind};
use faultline_manuals::extract::WorkerCommand;
use faultline_tests::sync_env::SyncEnv;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn wait_for(sink: &CollectingSink, what: &str, done: impl Fn(&[AppEvent]) -> bool) -> Result<()> {
    let until = Instant::now() + Duration::from_secs(120);
    while Instant::now() < until {
        if done(&sink.events()) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    bail!("timed out waiting for {what}; events: {:?}", sink.events())
}

#[test]
fn a_background_sync_in_the_app_makes_a_hub_published_manual_searchable() -> Result<()> {
    let env = SyncEnv::start()?;
    env.publish_manual(&SyncEnv::demo_manual(), "Vantor Drives|VX-300")?;
    let laptop = env.device("laptop-a")?;

    let sink = Arc::new(CollectingSink::default());
    let worker = WorkerCommand {
        exe: faultline_tests::cli_binary()?,
        args_before: vec!["extract-worker".into()],
    };
    let mut options = AppOptions::new("test", worker);
    options.sync.automatic = false;
    let app = App::open(laptop.path(), options, sink.clone());
    app.start_background();
    wait_for(&sink, "the library's first index build", |events| {
        events
            .iter()
            .any(|e| matches!(e, AppEvent::IndexRebuild(r) if r.finished))
    })?;
    let nothing = app
        .call("search_manuals", json!({ "text": "overcurrent" }))
        .map_err(|e| anyhow::anyhow!(e.message))?;
    assert_eq!(nothing["hits"], json!([]), "no manual before the sync");
    sink.clear();

    app.call("sync_now", json!({}))
        .map_err(|e| anyhow::anyhow!(e.message))?;
    wait_for(&sink, "the sync and the import after it", |events| {
        events
            .iter()
            .any(|e| matches!(e, AppEvent::ManualChanged(c) if c.manual_id.is_none()))
    })?;
    let events = sink.events();
    let finished = events
        .iter()
        .find_map(|e| match e {
            AppEvent::SyncFinished(f) => Some(f.clone()),
            _ => None,
        })
        .context("no SyncFinished")?;
    assert!(finished.ok && finished.received > 0, "{finished:?}");
    let changed = sink.data_changed();
    assert!(
        changed
            .first()
            .is_some_and(|w| w.contains(&DataKind::Manuals) && w.contains(&DataKind::WorkOrders)),
        "{changed:?}"
    );
    assert_eq!(
        changed.last(),
        Some(&vec![DataKind::Manuals]),
        "{changed:?}"
    );

    let list = app
        .call("manuals_list", json!({}))
        .map_err(|e| anyhow::anyhow!(e.message))?;
    assert_eq!(list[0]["state"], "indexed", "{list}");
    let vfd = app
        .call("asset_by_tag", json!({ "tag": "VFD-202" }))
        .map_err(|e| anyhow::anyhow!(e.message))?;
    let hits = app
        .call(
            "search_manuals",
            json!({ "text": "overcurrent", "asset_id": vfd["id"] }),
        )
        .map_err(|e| anyhow::anyhow!(e.message))?;
    assert!(
        hits["hits"].as_array().is_some_and(|h| !h.is_empty()),
        "{hits}"
    );
    Ok(())
}
