// End-to-end in the real app window, issue 8's handover and first screen: the first screen lists
// the machines down now and VFD-202's open breakdown 41851 (not an empty search box); the Shift
// screen's previous shift counts a compressor that stopped before that shift began for the whole
// shift (8 h with 8-hour shifts); a handover note added there shows at once; the CSV export is
// written to the data directory's exports folder.

use anyhow::{bail, Context, Result};
use faultline_tests::{e2e_enabled, run_cli, App, Locator};

async fn texts(app: &App, css: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for el in app.client()?.find_all(Locator::Css(css)).await? {
        out.push(el.text().await?);
    }
    Ok(out)
}

#[tokio::test]
async fn the_first_screen_and_the_shift_handover_show_what_is_down() -> Result<()> {
    if !e2e_enabled()? {
        return Ok(());
    }
    let data = faultline_tests::demo_data_dir()?;
    // Three 8-hour shifts every day, in UTC; the compressor stopped 20 hours ago, before the
    // previous shift started (it started at most 16 hours ago).
    run_cli(
        data.path(),
        &[
            "shifts", "set", "--tz", "UTC", "--shift", "A=00:00", "--shift", "B=08:00", "--shift",
            "C=16:00", "--days", "all",
        ],
    )?;
    faultline_tests::compressor_down_since(data.path(), 20, "Ana")?;
    let app = App::launch(data.path()).await?;
    app.type_into("#tech-name", "Lea Shift-Lead").await?;

    // The first screen: down now and open breakdowns by priority, before anyone types.
    app.wait_text("[data-testid=start-screen]", |t| t.contains("CMP-301"))
        .await
        .context("the start screen should list the compressor as down")?;
    let down = texts(&app, "[data-testid=start-down]").await?;
    if !down
        .iter()
        .any(|t| t.contains("CMP-301") && t.contains("down 20 h"))
    {
        bail!("machines down on the first screen: {down:?}");
    }
    let open = texts(&app, "[data-testid=start-breakdown]").await?;
    if !open
        .iter()
        .any(|t| t.contains("VFD-202") && t.contains("41851"))
    {
        bail!("the first screen does not list VFD-202's open breakdown 41851: {open:?}");
    }

    // The Shift screen: the previous shift counts the compressor for the whole 8 hours.
    app.click("[data-testid=nav-shift]").await?;
    app.wait_for("[data-testid=shift-window]").await?;
    app.click("[data-testid=shift-pick-previous]").await?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let rows = texts(&app, "[data-testid=activity-row]").await?;
        if rows
            .iter()
            .any(|t| t.contains("CMP-301") && t.contains("8 h down in the shift"))
        {
            break;
        }
        if std::time::Instant::now() > deadline {
            bail!("the previous shift should count the compressor's 8 hours: {rows:?}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    // The total is every stop's overlap: the compressor's 8 h and the demo's machines down too.
    let total = app.text("[data-testid=shift-downtime]").await?;
    if !(total.contains(" h") || total.contains(" d")) {
        bail!("the previous shift's downtime reads {total:?}, at least the compressor's 8 h");
    }
    app.wait_text("[data-testid=shift-down-now]", |t| t.contains("CMP-301"))
        .await?;

    // A handover note for the next shift shows at once.
    app.type_into(
        "[data-testid=handover-note-text]",
        "CMP-301 waits for the motor; VFD-202 trips on start, check the IGBT",
    )
    .await?;
    app.click("[data-testid=handover-note-add]").await?;
    app.wait_text("[data-testid=handover-note]", |t| {
        t.contains("CMP-301 waits for the motor") && t.contains("Lea Shift-Lead")
    })
    .await?;

    // CSV export: written under DATA_DIR/exports and the path shown.
    app.click("[data-testid=shift-csv]").await?;
    let saved = app
        .wait_text("[data-testid=shift-csv-saved]", |t| t.contains("exports"))
        .await?;
    let dir = data.path().join("exports");
    let file = std::fs::read_dir(&dir)
        .with_context(|| format!("no {}", dir.display()))?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "csv"))
        .with_context(|| format!("no CSV in {} ({saved})", dir.display()))?;
    let csv = std::fs::read_to_string(&file)?;
    if !csv.starts_with("section,asset,work_order")
        || !csv.contains("CMP-301")
        || !csv.contains("handover_note")
    {
        bail!("the CSV misses the handover: {csv}");
    }
    app.close().await
}

/// The top and bottom of `css`'s first element in viewport px (scrolled to the top).
async fn rect_of(app: &App, css: &str) -> Result<(f64, f64)> {
    let v = app
        .client()?
        .execute(
            "window.scrollTo(0, 0); const e = document.querySelector(arguments[0]); \
             if (!e) return [-1, -1]; const r = e.getBoundingClientRect(); return [r.top, r.bottom];",
            vec![css.into()],
        )
        .await?;
    Ok((
        v[0].as_f64().context("no rect")?,
        v[1].as_f64().context("no rect")?,
    ))
}

#[tokio::test]
async fn the_asset_page_shows_what_helps_fix_it_above_the_fold() -> Result<()> {
    if !e2e_enabled()? {
        return Ok(());
    }
    let data = faultline_tests::demo_data_dir()?;
    let app = App::launch(data.path()).await?;
    app.client()?.set_window_size(1024, 600).await?;
    app.type_into("#tech-name", "Ana Ruiz").await?;
    app.type_into(
        "#asset-search",
        &format!("VDF-202{}", char::from(faultline_tests::Key::Enter)),
    )
    .await?;
    // "VDF-202" (a typo) still finds the drive.
    app.wait_text("[data-testid=asset-tag]", |t| t.contains("VFD-202"))
        .await?;
    // Its open OC1 breakdown brings the earlier OC1 fixes, with what fixed them, into sight.
    app.wait_for("[data-testid=same-code-fixes] [data-testid=same-code-fix]")
        .await?;
    let fold = app
        .client()?
        .execute(
            "return document.querySelector('[data-testid=status-line]').getBoundingClientRect().top;",
            vec![],
        )
        .await?
        .as_f64()
        .context("no viewport")?;
    // Log breakdown and the first earlier fix whole, the open work order's first lines.
    for (css, whole) in [
        ("[data-testid=log-breakdown]", true),
        ("[data-testid=same-code-fix]", true),
        ("[data-testid=open-work-orders] [data-testid=wo-row]", false),
    ] {
        let (top, bottom) = rect_of(&app, css).await?;
        let end = if whole { bottom } else { top + 100.0 };
        if top < 0.0 || end > fold {
            bail!("{css} spans {top}..{bottom} px, below the fold ({fold} px) at 1024×600");
        }
    }
    // Repeated alarms are one row per code: "N × OC1 since …".
    let groups = texts(&app, "[data-testid=fault-group]").await?;
    if !groups
        .iter()
        .any(|g| g.contains("× E.OC1") || g.contains("× OC1"))
    {
        bail!("alarm groups: {groups:?}");
    }
    app.close().await
}
