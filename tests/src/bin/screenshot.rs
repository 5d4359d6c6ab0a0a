//! Takes the README's screenshots: the demo plant in the real app window, on the asset page of
//! the conveyor drive with repeated OC1 trips (`screenshot OUT.png`), on one of its job plans
//! (`screenshot OUT.png JP-VX-OC1`), or with a compressor down since yesterday on the first screen
//! (`screenshot OUT.png start`) or the Shift screen (`screenshot OUT.png shift`), or the
//! Analytics screen with "Faultline introduced" set (`screenshot OUT.png analytics`), or the
//! Diagnose screen of VFD-202 with OC1, its guide at the insulation measurement
//! (`screenshot OUT.png diagnose`). Run under a display: `make screenshot`.

use anyhow::{Context, Result};
use faultline_tests::{workspace_root, App, Key};

#[tokio::main]
async fn main() -> Result<()> {
    let out = std::env::args()
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("docs/screenshot.png"));
    let procedure = std::env::args().nth(2);
    let data = faultline_tests::demo_data_dir()?;
    let overview = matches!(procedure.as_deref(), Some("start" | "shift"));
    if overview {
        faultline_tests::compressor_down_since(data.path(), 20, "D. Nguyen")?;
    }
    let app = App::launch(data.path()).await?;
    app.type_into("#tech-name", "Ana Ruiz").await?;
    if procedure.as_deref() == Some("analytics") {
        app.wait_for("[data-testid=start-screen]").await?;
        app.client()?
            .execute(
                "localStorage.setItem('faultline.analytics.marker', '2026-06-01');",
                vec![],
            )
            .await?;
        app.click("[data-testid=nav-analytics]").await?;
        app.wait_for("[data-testid=risk-row] [data-testid=sparkline]")
            .await?;
        app.wait_for("[data-testid=trend-marker]").await?;
        // The plots rather than the figures: the Pareto and the risk list, at three quarters of
        // the size so that both are in the picture.
        app.client()?
            .execute(
                "document.documentElement.style.zoom = '0.75'; \
                 document.querySelector('[data-testid=pareto]').scrollIntoView({block: 'start'});",
                vec![],
            )
            .await?;
        return snap(app, &out).await;
    }
    if procedure.as_deref() == Some("diagnose") {
        return diagnose(app, &out).await;
    }
    if overview {
        app.wait_for("[data-testid=start-screen]").await?;
        if procedure.as_deref() == Some("shift") {
            app.click("[data-testid=nav-shift]").await?;
            app.wait_for("[data-testid=shift-window]").await?;
        }
        return snap(app, &out).await;
    }
    app.type_into(
        "#asset-search",
        &format!("VFD-202{}", char::from(Key::Enter)),
    )
    .await?;
    app.wait_for("[data-testid=history] [data-testid=wo-row]")
        .await?;
    if let Some(code) = &procedure {
        app.click(&format!("[data-testid=procedure-row][data-code='{code}']"))
            .await?;
        app.wait_for("[data-testid=procedure-step]").await?;
        app.click(
            "[data-testid=procedure-step][data-number='1'] [data-testid=procedure-step-done]",
        )
        .await?;
    }
    snap(app, &out).await
}

async fn snap(app: App, out: &std::path::Path) -> Result<()> {
    // Let the page settle (fonts, layout) before the picture.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let png = app
        .client()?
        .screenshot()
        .await
        .context("cannot take the screenshot")?;
    std::fs::write(out, png).with_context(|| format!("cannot write {}", out.display()))?;
    println!("wrote {}", out.display());
    app.close().await
}

/// VFD-202 with OC1 on the Diagnose screen, its guide walked to the insulation measurement with
/// an out-of-range reading typed.
async fn diagnose(app: App, out: &std::path::Path) -> Result<()> {
    app.type_into(
        "#asset-search",
        &format!("VFD-202{}", char::from(Key::Enter)),
    )
    .await?;
    app.click("[data-testid=asset-diagnose]").await?;
    app.type_into(
        "[data-testid=diag-code]",
        &format!("OC1{}", char::from(Key::Enter)),
    )
    .await?;
    app.type_into("#diag-symptom", "trips on start").await?;
    app.wait_for("[data-testid=diag-causes]").await?;
    app.click("[data-testid=diag-start]").await?;
    for click in [
        "[data-testid=diag-done]",
        "[data-testid=diag-understood]",
        "[data-testid=diag-choice-no]",
        "[data-testid=diag-understood]",
        "[data-testid=diag-choice-free]",
        "[data-testid=diag-understood]",
    ] {
        app.click(click).await?;
    }
    app.type_into("[data-testid=diag-value]", "2.5").await?;
    app.wait_for("[data-testid=diag-out]").await?;
    app.client()?
        .execute(
            "document.querySelector('[data-testid=diag-guide]')?.scrollIntoView()",
            vec![],
        )
        .await?;
    snap(app, out).await
}
