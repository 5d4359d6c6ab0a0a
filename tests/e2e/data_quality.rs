// End-to-end in the real app window, issue 8's data-quality bugs: the close form starts from the
// codes breakdown 41851 was imported with (VFD / OVERCURR / FTS) and keeps them when a cause and
// remedy are picked (also after a restart); "Stopped at" 01/01/1900 is refused with a message,
// and a stop 10 days ago shows its downtime and asks for a confirmation before it is saved.

use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use faultline_tests::{e2e_enabled, run_cli, App, Key, Locator};

async fn scan(app: &App, tag: &str) -> Result<()> {
    app.type_into("#asset-search", &format!("{tag}{}", char::from(Key::Enter)))
        .await?;
    app.wait_text("[data-testid=asset-tag]", |t| t.contains(tag))
        .await
        .map(|_| ())
}

/// Waits until the select `css` shows `want` (the form fills in once the catalogue is loaded).
async fn wait_selected(app: &App, css: &str, want: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let el = app.wait_for(css).await?;
        let value = el.prop("value").await?.unwrap_or_default();
        if value == want {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("{css} shows {value:?}, expected {want:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn select(app: &App, css: &str, value: &str) -> Result<()> {
    app.wait_for(css)
        .await?
        .select_by_value(value)
        .await
        .with_context(|| format!("cannot choose {value} in {css}"))
}

/// Sets a datetime-local input the way a person's typing ends up (value + input event), in the
/// input's own format (YYYY-MM-DDTHH:MM), independent of the display locale.
async fn set_datetime(app: &App, css: &str, value: &str) -> Result<()> {
    app.wait_for(css).await?;
    let script = "const [css, value] = arguments; const el = document.querySelector(css); \
        el.value = value; el.dispatchEvent(new Event('input', { bubbles: true })); \
        el.dispatchEvent(new Event('change', { bubbles: true }));";
    app.client()?
        .execute(script, vec![css.into(), value.into()])
        .await
        .with_context(|| format!("cannot set {css}"))?;
    Ok(())
}

#[tokio::test]
async fn closing_41851_keeps_its_imported_codes() -> Result<()> {
    if !e2e_enabled()? {
        return Ok(());
    }
    let data = faultline_tests::demo_data_dir()?;
    let mut app = App::launch(data.path()).await?;
    app.type_into("#tech-name", "Ana Ruiz").await?;
    scan(&app, "VFD-202").await?;
    app.click("[data-testid=open-work-orders] [data-testid=wo-row]")
        .await?;
    app.wait_text("[data-testid=wo-number]", |t| t.contains("41851"))
        .await?;

    app.click("[data-testid=wo-close]").await?;
    wait_selected(&app, "#close-class", "VFD").await?;
    wait_selected(&app, "#close-problem", "OVERCURR").await?;
    wait_selected(&app, "#close-iso-mode", "FTS").await?;
    select(&app, "#close-cause", "IGBTFAIL").await?;
    select(&app, "#close-remedy", "REPLIGBT").await?;
    app.type_into("#close-remedy-text", "Replaced the IGBT module")
        .await?;
    app.click("[data-testid=close-submit]").await?;
    app.wait_text("[data-testid=wo-status]", |t| t.trim() == "Closed")
        .await?;

    app.restart().await?;
    scan(&app, "VFD-202").await?;
    app.click("[data-testid=history] [data-testid=wo-row]")
        .await?;
    let codes = app
        .wait_text("[data-testid=failure-codes]", |t| t.contains("IGBTFAIL"))
        .await?;
    for code in ["VFD", "OVERCURR", "IGBTFAIL", "REPLIGBT", "FTS"] {
        if !codes.contains(code) {
            bail!("after the close and a restart 41851 lacks {code}: {codes}");
        }
    }
    let out = run_cli(data.path(), &["--json", "show", "41851"])?;
    let wo: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let f = &wo["summary"]["failure"];
    anyhow::ensure!(
        f["failure_class"] == "VFD"
            && f["problem_code"] == "OVERCURR"
            && f["iso_failure_mode"] == "FTS",
        "{wo}"
    );
    app.close().await
}

#[tokio::test]
async fn a_stop_in_1900_is_refused_and_one_10_days_ago_asks_to_confirm() -> Result<()> {
    if !e2e_enabled()? {
        return Ok(());
    }
    let data = faultline_tests::demo_data_dir()?;
    let app = App::launch(data.path()).await?;
    app.type_into("#tech-name", "Ana Ruiz").await?;
    scan(&app, "PMP-301").await?;
    app.click("[data-testid=log-breakdown]").await?;
    app.type_into("#bd-symptom", "No flow, motor hums").await?;

    set_datetime(&app, "#bd-stopped-at", "1900-01-01T06:00").await?;
    app.click("[data-testid=bd-submit]").await?;
    app.wait_text("[data-testid=bd-problem]", |t| t.contains("before 1970"))
        .await?;

    let ten_days_ago = chrono::Local::now() - chrono::Duration::days(10);
    set_datetime(
        &app,
        "#bd-stopped-at",
        &ten_days_ago.format("%Y-%m-%dT%H:%M").to_string(),
    )
    .await?;
    app.wait_text("[data-testid=bd-downtime-preview]", |t| {
        t.contains("down for 10 d")
    })
    .await?;
    app.click("[data-testid=bd-submit]").await?;
    app.wait_text("[data-testid=bd-problem]", |t| {
        t.contains("Yes, it stopped then")
    })
    .await?;
    let listed = app
        .client()?
        .find_all(Locator::Css("[data-testid=wo-number]"))
        .await?;
    if !listed.is_empty() {
        bail!("an unconfirmed old stop was saved");
    }
    app.click("[data-testid=bd-confirm-old-stop]").await?;
    app.click("[data-testid=bd-submit]").await?;
    app.wait_text("[data-testid=wo-status]", |t| t.trim() == "Open")
        .await?;
    app.close().await
}

#[tokio::test]
async fn the_work_orders_stop_control_asks_to_confirm_and_parts_are_bounded_per_unit() -> Result<()>
{
    if !e2e_enabled()? {
        return Ok(());
    }
    let data = faultline_tests::demo_data_dir()?;
    let app = App::launch(data.path()).await?;
    app.type_into("#tech-name", "Ana Ruiz").await?;
    scan(&app, "PMP-301").await?;
    app.click("[data-testid=log-breakdown]").await?;
    app.type_into("#bd-symptom", "Seal drips, still running")
        .await?;
    app.click("#bd-stopped").await?;
    app.click("[data-testid=bd-submit]").await?;
    app.wait_text("[data-testid=wo-status]", |t| t.trim() == "Open")
        .await?;

    // "Machine stopped" 10 days ago: the downtime is shown and a confirmation asked first.
    let ten_days_ago = chrono::Local::now() - chrono::Duration::days(10);
    let at = ten_days_ago.format("%Y-%m-%dT%H:%M").to_string();
    set_datetime(&app, "#downtime-at", &at).await?;
    app.wait_text("[data-testid=downtime-preview]", |t| {
        t.contains("down for 10 d")
    })
    .await?;
    app.click("[data-testid=machine-stopped]").await?;
    app.wait_text(".downtime .problem", |t| t.contains("Yes, it stopped then"))
        .await?;
    app.click("[data-testid=downtime-confirm-old-stop]").await?;
    app.click("[data-testid=machine-stopped]").await?;
    app.wait_text("[data-testid=downtime-end]", |t| t.contains("not yet"))
        .await?;

    // 99,999,999,999 of a part is refused naming the bound; 12.5 m is kept with its unit.
    app.type_into("#part-number", "CABLE-4G1.5").await?;
    app.type_into("#part-qty", "99999999999").await?;
    app.click("[data-testid=part-add]").await?;
    app.wait_text("[data-testid=part-problem]", |t| {
        t.contains("at most 1000 ea")
    })
    .await?;
    let qty = app.wait_for("#part-qty").await?;
    qty.clear().await?;
    qty.send_keys("12.5").await?;
    select(&app, "#part-unit", "m").await?;
    app.click("[data-testid=part-add]").await?;
    app.wait_text("[data-testid=part-qty]", |t| t.contains("12.5 m"))
        .await?;
    app.close().await
}
