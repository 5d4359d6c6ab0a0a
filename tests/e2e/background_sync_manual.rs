// A background sync in the real app window against a real hub on PostgreSQL: while the asset
// page of VFD-202 is open with a manual search that finds nothing, the hub publishes a VX-300
// manual and another laptop reports a breakdown on VFD-202. The app's own sync (the timer, no
// button) brings both: the manual is extracted and indexed without a restart, the open search
// finds it, and the open asset page lists the new work order — no navigation, no reload.

use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use faultline_tests::sync_env::SyncEnv;
use faultline_tests::{e2e_enabled, App, Key};
use serde_json::Value;

/// How long the background sync (every 5 s) plus the manual's extraction may take.
const BACKGROUND_TIMEOUT: Duration = Duration::from_secs(90);

/// Polls a script until its result satisfies `ok`, or fails with what it last saw.
async fn wait_script(
    app: &App,
    what: &str,
    script: &str,
    ok: impl Fn(&Value) -> bool,
) -> Result<Value> {
    let deadline = Instant::now() + BACKGROUND_TIMEOUT;
    let mut last = Value::Null;
    while Instant::now() < deadline {
        last = app
            .client()?
            .execute(script, vec![])
            .await
            .with_context(|| format!("cannot read {what}"))?;
        if ok(&last) {
            return Ok(last);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    bail!(
        "{what} never became as expected; last seen {last}\n{}",
        app.log_tail()
    )
}

/// What the asset page shows: its open work orders' ids and the manual search's state.
const PAGE: &str = "return { \
    tag: document.querySelector('[data-testid=asset-tag]')?.textContent ?? null, \
    open: [...document.querySelectorAll('[data-testid=open-work-orders] [data-testid=wo-row]')] \
      .map((e) => e.getAttribute('data-wo-id')), \
    hits: document.querySelectorAll('[data-testid=manual-hit]').length, \
    none: document.querySelector('[data-testid=manual-no-hits]') !== null };";

#[tokio::test]
async fn a_background_sync_brings_a_searchable_manual_and_refreshes_the_open_asset_page(
) -> Result<()> {
    if !e2e_enabled()? {
        return Ok(());
    }
    let env = SyncEnv::start()?;
    let laptop = env.device("laptop-e2e")?;
    let first = laptop.sync_via(&env.hub.url())?;
    ensure!(first["pending_left"] == 0, "first sync: {first}");

    // The app syncs by itself every 5 s (the first attempt 3 s after start).
    std::env::set_var("FAULTLINE_SYNC_AUTO", "1");
    std::env::set_var("FAULTLINE_SYNC_INTERVAL_SECS", "5");
    let app = App::launch(laptop.path()).await?;
    app.type_into("#tech-name", "Ana Ruiz").await?;
    app.type_into(
        "#asset-search",
        &format!("VFD-202{}", char::from(Key::Enter)),
    )
    .await?;
    app.wait_text("[data-testid=asset-tag]", |t| t == "VFD-202")
        .await?;
    app.type_into("#asset-manual-search", "overcurrent").await?;
    let before = wait_script(&app, "the empty manual search", PAGE, |v| v["none"] == true).await?;

    // Meanwhile on the hub: a manual for the VX-300, and a breakdown another laptop reported.
    env.publish_manual(&SyncEnv::demo_manual(), "Vantor Drives|VX-300")?;
    let other = env.device("laptop-other")?;
    other.sync_via(&env.hub.url())?;
    let wo = other.log_breakdown("VFD-202", "drive trips on start, OC1")?;
    let sent = other.sync_via(&env.hub.url())?;
    ensure!(sent["pending_left"] == 0, "the other laptop's sync: {sent}");
    ensure!(
        before["open"]
            .as_array()
            .is_some_and(|o| !o.iter().any(|id| id == wo.as_str())),
        "the new work order is not on the page yet: {before}"
    );

    // Without touching the window: the search finds the manual and the page lists the breakdown.
    let after = wait_script(
        &app,
        "the asset page after the background sync",
        PAGE,
        |v| {
            v["hits"].as_u64().is_some_and(|n| n > 0)
                && v["open"]
                    .as_array()
                    .is_some_and(|o| o.iter().any(|id| id == wo.as_str()))
        },
    )
    .await?;
    ensure!(
        after["tag"] == "VFD-202",
        "still on the asset page: {after}"
    );
    app.close().await
}
