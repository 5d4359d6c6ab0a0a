// End-to-end in the real app window: a technician scans a drive's tag, sees the job plans for
// its model first, then the one for every asset; opens the model's overcurrent plan, reads a
// caution before its step, ticks steps off; Back returns to the asset. The open breakdown on
// the drive offers the plan for its problem code first.

use anyhow::{bail, Context, Result};
use faultline_tests::{e2e_enabled, App, Key, Locator};

async fn attr_list(app: &App, css: &str, attr: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for el in app.client()?.find_all(Locator::Css(css)).await? {
        out.push(el.attr(attr).await?.unwrap_or_default());
    }
    Ok(out)
}

#[tokio::test]
async fn an_asset_shows_its_procedures_and_a_procedure_is_followed_step_by_step() -> Result<()> {
    if !e2e_enabled()? {
        return Ok(());
    }
    let data = faultline_tests::demo_data_dir()?;
    let app = App::launch(data.path()).await?;

    app.type_into("#tech-name", "Ana Ruiz").await?;
    app.type_into(
        "#asset-search",
        &format!("VFD-202{}", char::from(Key::Enter)),
    )
    .await?;
    app.wait_text("[data-testid=asset-tag]", |t| t.contains("VFD-202"))
        .await?;
    app.wait_for("[data-testid=asset-procedures] [data-testid=procedure-row]")
        .await?;
    let codes = attr_list(&app, "[data-testid=procedure-row]", "data-code").await?;
    // Written for the VX-300 first, then the one for every asset; no pump or robot plans.
    if codes != ["JP-VX-OC1", "JP-VX-OH", "JP-LOTO"] {
        bail!("procedures on VFD-202: {codes:?}");
    }

    app.click("[data-testid=procedure-row][data-code=JP-VX-OC1]")
        .await?;
    app.wait_text("[data-testid=procedure-title]", |t| {
        t.contains("VX-300 overcurrent on acceleration")
    })
    .await?;
    let steps = app
        .client()?
        .find_all(Locator::Css("[data-testid=procedure-step]"))
        .await?;
    if steps.len() != 7 {
        bail!("JP-VX-OC1 shows {} steps, the plan has 7", steps.len());
    }
    // Step 2 (walking the conveyor) carries its lockout caution above the instruction.
    let step2 = steps.get(1).context("no second step")?;
    let text = step2.text().await?;
    let (caution_at, walk_at) = (text.find("lock out"), text.find("Walk the conveyor"));
    match (caution_at, walk_at) {
        (Some(c), Some(w)) if c < w => {}
        _ => bail!("step 2 should show its caution before the instruction: {text:?}"),
    }
    app.wait_text("[data-testid=procedure-progress]", |t| t.contains("0 of 7"))
        .await?;
    app.click("[data-testid=procedure-step][data-number='1'] [data-testid=procedure-step-done]")
        .await?;
    app.click("[data-testid=procedure-step][data-number='2'] [data-testid=procedure-step-done]")
        .await?;
    app.wait_text("[data-testid=procedure-progress]", |t| t.contains("2 of 7"))
        .await?;

    app.click("[data-testid=back]").await?;
    app.wait_text("[data-testid=asset-tag]", |t| t.contains("VFD-202"))
        .await?;

    // The open breakdown 41851 (problem OVERCURR) offers the matching plan first.
    app.click("[data-testid=open-work-orders] [data-testid=wo-row]")
        .await?;
    app.wait_text("[data-testid=wo-number]", |t| t.contains("41851"))
        .await?;
    app.wait_for("[data-testid=wo-procedures] [data-testid=procedure-row]")
        .await?;
    let codes = attr_list(
        &app,
        "[data-testid=wo-procedures] [data-testid=procedure-row]",
        "data-code",
    )
    .await?;
    if codes.first().map(String::as_str) != Some("JP-VX-OC1") {
        bail!("procedures on work order 41851: {codes:?}");
    }
    let matched = app
        .text("[data-testid=wo-procedures] [data-code=JP-VX-OC1] [data-testid=procedure-match]")
        .await?;
    if matched.trim() != "Matches problem OVERCURR" {
        bail!("the matching plan is marked {matched:?}");
    }
    app.click("[data-testid=wo-procedures] [data-code=JP-VX-OC1]")
        .await?;
    app.wait_text("[data-testid=procedure-title]", |t| t.contains("VX-300"))
        .await?;
    app.click("[data-testid=back]").await?;
    app.wait_text("[data-testid=wo-number]", |t| t.contains("41851"))
        .await?;
    app.close().await
}
