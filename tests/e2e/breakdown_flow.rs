// End-to-end story in the real app window: a technician scans an asset tag, logs a breakdown,
// adds a note, records the machine back in service, closes the work order with failure codes
// from the catalogue; after a restart of the app everything is still there.

use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use faultline_tests::{e2e_enabled, run_cli, App, Key, Locator};

async fn count(app: &App, css: &str) -> Result<usize> {
    Ok(app.client()?.find_all(Locator::Css(css)).await?.len())
}

async fn select(app: &App, css: &str, value: &str) -> Result<()> {
    let el = app.wait_for(css).await?;
    el.select_by_value(value)
        .await
        .with_context(|| format!("cannot choose {value} in {css}"))
}

/// What a barcode scanner does: types the tag and Enter, fast.
async fn scan(app: &App, tag: &str) -> Result<()> {
    app.type_into("#asset-search", &format!("{tag}{}", char::from(Key::Enter)))
        .await
}

#[tokio::test]
async fn a_breakdown_logged_noted_and_closed_survives_a_restart() -> Result<()> {
    if !e2e_enabled()? {
        return Ok(());
    }
    let data = faultline_tests::demo_data_dir()?;
    let mut app = App::launch(data.path()).await?;

    app.type_into("#tech-name", "Ana Ruiz").await?;
    scan(&app, "VFD-201").await?;
    app.wait_text("[data-testid=asset-tag]", |t| t.contains("VFD-201"))
        .await?;

    app.click("[data-testid=log-breakdown]").await?;
    app.type_into("#bd-fault-code", "OC1").await?;
    app.type_into("#bd-symptom", "Conveyor drive trips on start under load")
        .await?;
    app.type_into("#bd-note", "Reset twice, trips again at 2 s")
        .await?;
    app.click("[data-testid=bd-submit]").await?;

    let number = app
        .wait_text("[data-testid=wo-number]", |t| !t.trim().is_empty())
        .await?;
    app.wait_text("[data-testid=wo-status]", |t| t.trim() == "Open")
        .await?;
    app.wait_text("[data-testid=sync-state]", |t| t.contains("Not yet synced"))
        .await?;

    app.type_into(
        "#note-text",
        "Accel time was 1.5 s, set P1.03 to 5 s; runs clean",
    )
    .await?;
    app.click("[data-testid=note-add]").await?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while count(&app, "[data-testid=note]").await? < 2 {
        if Instant::now() > deadline {
            bail!("the second note never appeared");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    app.click("[data-testid=back-in-service]").await?;
    app.wait_for("[data-testid=downtime-end]").await?;

    app.click("[data-testid=wo-close]").await?;
    select(&app, "#close-class", "VFD").await?;
    select(&app, "#close-problem", "OVERCURR").await?;
    select(&app, "#close-cause", "ACCLOAD").await?;
    select(&app, "#close-remedy", "ADJACC").await?;
    app.type_into("#close-remedy-text", "Lengthened accel ramp to 5 s")
        .await?;
    app.click("[data-testid=close-submit]").await?;
    app.wait_text("[data-testid=wo-status]", |t| t.trim() == "Closed")
        .await?;

    // Close the app and start it again on the same data directory.
    app.restart().await?;
    scan(&app, "VFD-201").await?;
    app.wait_text("[data-testid=asset-tag]", |t| t.contains("VFD-201"))
        .await?;
    let history = app
        .wait_text("[data-testid=history]", |t| t.contains(number.trim()))
        .await?;
    if !history.contains("Lengthened accel ramp to 5 s") {
        bail!("the history does not show the fix: {history}");
    }
    let row = app
        .client()?
        .find_all(Locator::Css("[data-testid=history] [data-testid=wo-row]"))
        .await?
        .into_iter()
        .next()
        .context("no work order row in the history")?;
    row.click().await?;
    app.wait_text("[data-testid=wo-status]", |t| t.trim() == "Closed")
        .await?;
    if count(&app, "[data-testid=note]").await? != 2 {
        bail!("the notes did not survive the restart");
    }

    // The same record, seen through the CLI: closed, codes kept, 3+ changes queued for sync.
    let out = run_cli(data.path(), &["--json", "show", number.trim()])?;
    let wo: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    anyhow::ensure!(wo["summary"]["status"] == "closed", "{wo}");
    anyhow::ensure!(wo["summary"]["failure"]["remedy_code"] == "ADJACC", "{wo}");
    anyhow::ensure!(wo["summary"]["sync_state"] == "pending", "{wo}");
    app.close().await
}
