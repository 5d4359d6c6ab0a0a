// End-to-end in the real app window, issue 13's Analytics screen on the demo plant: the figures
// with their definitions, the downtime Pareto and the at-risk list with sparklines show; a bar
// opens the work orders behind it (as many as the bar counts); the OEE waterfall of a line with
// the demo's production counts; the Pareto's CSV is written to DATA_DIR/exports; a breakdown
// logged and back in service changes the failure count at once (DataChanged, no reopen). Prints
// the screen's first paint (docs/benchmarks.md).

use anyhow::{bail, Context, Result};
use faultline_tests::{e2e_enabled, App, Key, Locator};
use serde_json::json;

async fn attr(app: &App, css: &str, name: &str) -> Result<Option<String>> {
    let el = app.wait_for(css).await?;
    Ok(el.attr(name).await?)
}

/// A paint time the Analytics screen records on itself (`data-first-paint-ms`: figures and
/// Pareto shown, the risk panel with its list or "computing…"; `data-risk-ready-ms`: the risk
/// list shown), waited for up to `secs`.
async fn paint_ms(app: &App, name: &str, secs: u64) -> Result<String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        if let Some(ms) = attr(app, "[data-testid=analytics]", name).await? {
            return Ok(ms);
        }
        if std::time::Instant::now() > deadline {
            bail!("the screen never recorded {name}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn analytics_shows_pareto_risk_and_the_work_orders_behind_a_bar() -> Result<()> {
    if !e2e_enabled()? {
        return Ok(());
    }
    let data = faultline_tests::demo_data_dir()?;
    let app = App::launch(data.path()).await?;
    app.wait_for("[data-testid=start-screen]").await?;

    app.click("[data-testid=nav-analytics]").await?;
    app.wait_for("[data-testid=pareto-bar]")
        .await
        .context("the Pareto should show bars on the demo plant")?;
    let risk_rows = app
        .client()?
        .find_all(Locator::Css("[data-testid=risk-row]"))
        .await?;
    if risk_rows.is_empty() {
        app.wait_for("[data-testid=risk-row]").await?;
    }
    app.wait_for("[data-testid=risk-row] [data-testid=sparkline]")
        .await?;
    let mttr = app.text("[data-testid=figure-mttr_hours]").await?;
    if !mttr.contains("MTTR") || !mttr.contains(" h") && !mttr.contains(" min") {
        bail!("the MTTR figure reads {mttr:?}");
    }
    let definitions = app.text("[data-testid=analytics]").await?;
    if !definitions.contains("Mean time to restore") {
        bail!("the MTTR definition is not shown next to it");
    }

    // First paint: from the screen's creation to the first frame with figures and Pareto (the
    // risk panel with its list or "computing…"), and to the first frame with the risk list.
    let paint = paint_ms(&app, "data-first-paint-ms", 10).await?;
    let risk = paint_ms(&app, "data-risk-ready-ms", 10).await?;
    println!("analytics first paint: {paint} ms, risk list: {risk} ms");

    // The work orders behind the first bar: as many as the bar counts.
    let label = attr(&app, "[data-testid=pareto-bar]", "aria-label")
        .await?
        .unwrap_or_default();
    let count: usize = label
        .split(", ")
        .find_map(|p| p.strip_suffix(" breakdowns"))
        .and_then(|n| n.trim().parse().ok())
        .with_context(|| format!("no count in the bar's label {label:?}"))?;
    // The bar is an SVG element: reach it as a keyboard user does (focus, Enter); WebKitWebDriver
    // cannot "click" SVG groups, so a click event is the fallback.
    let bar = app.wait_for("[data-testid=pareto-bar]").await?;
    let bar_arg = serde_json::to_value(&bar)?;
    app.client()?
        .execute(
            "arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();",
            vec![bar_arg.clone()],
        )
        .await?;
    let enter = char::from(Key::Enter).to_string();
    let pressed = match app.client()?.active_element().await {
        Ok(el) => el.send_keys(&enter).await.is_ok(),
        Err(_) => false,
    };
    if !pressed {
        app.client()?
            .execute(
                "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}));",
                vec![bar_arg],
            )
            .await?;
    }
    println!(
        "the bar was opened with {}",
        if pressed { "Enter" } else { "a click event" }
    );
    app.wait_for("[data-testid=behind] [data-testid=wo-row]")
        .await?;
    let rows = app
        .client()?
        .find_all(Locator::Css("[data-testid=behind] [data-testid=wo-row]"))
        .await?;
    if rows.len() != count {
        bail!(
            "the bar {label:?} counts {count} breakdowns, {} work orders were listed",
            rows.len()
        );
    }

    // OEE of a demo line (production counts ship with the demo).
    app.wait_for("[data-testid=oee-waterfall]").await?;

    // The table behind the Pareto as CSV under DATA_DIR/exports.
    app.click("[data-testid=pareto-csv]").await?;
    app.wait_text("[data-testid=analytics-csv-saved]", |t| {
        t.contains("exports")
    })
    .await?;
    let csv_file = std::fs::read_dir(data.path().join("exports"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("analytics-pareto-cause"))
        })
        .context("no analytics-pareto-cause CSV in exports")?;
    let csv = std::fs::read_to_string(&csv_file)?;
    if !csv.starts_with("by,key,hours,count") {
        bail!("the Pareto CSV reads {csv:?}");
    }

    // A breakdown logged and back in service: the failure count follows at once.
    let failures = |t: &str| -> Option<u64> {
        let words: Vec<&str> = t.split_whitespace().collect();
        words
            .windows(2)
            .find(|w| w[1] == "failures")
            .and_then(|w| w[0].parse().ok())
    };
    let before_text = app.text("[data-testid=figure-mtbf_hours]").await?;
    let before = failures(&before_text).with_context(|| format!("MTBF reads {before_text:?}"))?;
    let asset = app
        .invoke("asset_by_tag", json!({ "tag": "CMP-301" }))
        .await?;
    let asset_id = asset["id"].as_str().context("no CMP-301")?;
    // Logged early in a second, so the screen's quiet reload (150 ms after the event) falls in
    // the same second: the case that failed while the period ended at the window's clock rounded
    // down to the second (issue 13).
    while chrono::Utc::now().timestamp_subsec_millis() > 100 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let stopped = (chrono::Utc::now() - chrono::Duration::minutes(40)).to_rfc3339();
    let wo = app
        .invoke(
            "log_breakdown",
            json!({ "input": { "asset_id": asset_id, "fault_code": "AL 7", "symptom": "trips",
                               "machine_stopped": true, "stopped_at": stopped, "priority": 2,
                               "author": "E2E" } }),
        )
        .await?;
    let wo_id = wo["summary"]["id"].as_str().context("no work order id")?;
    app.invoke("back_in_service", json!({ "work_order_id": wo_id }))
        .await?;
    // The open screen reads again on `DataChanged` (issue 13: its rolling period used to end at the
    // window's clock rounded down to the second, before a breakdown logged in that second).
    app.wait_text("[data-testid=figure-mtbf_hours]", |t| {
        failures(t) == Some(before + 1)
    })
    .await
    .context("the open screen should count the new breakdown without a reopen")?;
    app.close().await
}

/// The first paint on a data directory of your choice, e.g. a copy of the 1M-work-order replica
/// (the app writes to its data directory: never point it at `target/bench/replica-faultline`
/// itself), or the demo plant without one. Opens Analytics `FAULTLINE_E2E_WAIT_SECS` (default 5
/// with a given directory, 0 on the demo) after the start screen (the App ranks the assets in the
/// background meanwhile), then a second time via Assets; both opens must record their paints:
/// `cp -r target/bench/replica-faultline target/tmp/replica && FAULTLINE_E2E_DATA_DIR=target/tmp/replica
/// xvfb-run -a cargo test -p faultline-tests --test e2e_analytics analytics_first_paint -- --nocapture`.
#[tokio::test]
async fn analytics_first_paint_on_a_given_data_dir() -> Result<()> {
    if !e2e_enabled()? {
        return Ok(());
    }
    // Without FAULTLINE_E2E_DATA_DIR (as in `make test`): a fresh copy of the demo plant, opened
    // at once after start (the risk list ranked on demand).
    let given = std::env::var_os("FAULTLINE_E2E_DATA_DIR");
    let demo = match &given {
        Some(_) => None,
        None => Some(faultline_tests::demo_data_dir()?),
    };
    let dir: std::path::PathBuf = match (&given, &demo) {
        (Some(d), _) => d.into(),
        (None, Some(d)) => d.path().to_path_buf(),
        (None, None) => bail!("no data directory"),
    };
    let wait: u64 = std::env::var("FAULTLINE_E2E_WAIT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if given.is_some() { 5 } else { 0 });
    let app = App::launch(&dir).await?;
    app.wait_for("[data-testid=start-screen]").await?;
    tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
    for open in ["first", "second"] {
        app.click("[data-testid=nav-analytics]").await?;
        let paint = paint_ms(&app, "data-first-paint-ms", 60).await?;
        let risk = paint_ms(&app, "data-risk-ready-ms", 60).await?;
        println!("analytics first paint ({open} open, {wait} s after start): {paint} ms, risk list: {risk} ms");
        // With RUST_LOG=info,faultline::startup=debug: each App call's arrival and duration.
        if std::env::var_os("FAULTLINE_E2E_PRINT_LOG").is_some() {
            println!("{}", app.log_tail());
        }
        app.click("[data-testid=nav-assets]").await?;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    app.close().await
}
