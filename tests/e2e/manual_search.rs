// End-to-end story in the real app window: a real OEM manual (from ../shared/corpus) is in the
// library; a technician on an asset page searches for a symptom, taps the hit, and the original
// PDF page opens in the viewer at that page; next page works.

use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use faultline_tests::{e2e_enabled, run_cli, workspace_root, App, Key};

fn corpus_manual() -> Result<Option<std::path::PathBuf>> {
    let corpus = std::env::var_os("FAULTLINE_CORPUS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared/corpus"));
    let pdf = corpus.join("manuals/RobertOlechowski_Huanyang_VFD__HY_Series_Inverter_20100627.pdf");
    if pdf.is_file() {
        return Ok(Some(pdf));
    }
    if std::env::var_os("CI").is_some() {
        bail!("the corpus manual {} is missing in CI", pdf.display());
    }
    eprintln!(
        "SKIPPED: no corpus at {} (set FAULTLINE_CORPUS)",
        corpus.display()
    );
    Ok(None)
}

#[tokio::test]
async fn a_symptom_search_on_an_asset_opens_the_manual_page() -> Result<()> {
    if !e2e_enabled()? {
        return Ok(());
    }
    let Some(pdf) = corpus_manual()? else {
        return Ok(());
    };
    let data = faultline_tests::demo_data_dir()?;
    run_cli(
        data.path(),
        &[
            "manuals",
            "add",
            &pdf.display().to_string(),
            "--manufacturer",
            "Vantor Drives",
            "--model",
            "VX-300",
        ],
    )?;

    let app = App::launch(data.path()).await?;
    app.type_into(
        "#asset-search",
        &format!("VFD-201{}", char::from(Key::Enter)),
    )
    .await?;
    app.wait_text("[data-testid=asset-tag]", |t| t.contains("VFD-201"))
        .await?;
    app.type_into("#asset-manual-search", "motor stalls under load")
        .await?;
    let hit = app
        .wait_for_timeout("[data-testid=manual-hit]", Duration::from_secs(15))
        .await?;
    let page: u32 = hit
        .attr("data-page")
        .await?
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    if page == 0 {
        bail!("the hit has no page number");
    }
    app.click("[data-testid=manual-hit]").await?;
    app.wait_for_timeout("[data-testid=pdf-viewer] canvas", Duration::from_secs(20))
        .await?;
    app.wait_text("[data-testid=pdf-page]", |t| {
        t.contains(&format!("Page {page} of"))
    })
    .await?;
    // Paging is disabled while a page renders: wait until "Next" can be pressed.
    let deadline = Instant::now() + Duration::from_secs(15);
    while !app
        .wait_for("[data-testid=pdf-next]")
        .await?
        .is_enabled()
        .await?
    {
        if Instant::now() > deadline {
            bail!("\"Next page\" never became enabled");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.click("[data-testid=pdf-next]").await?;
    app.wait_text("[data-testid=pdf-page]", |t| {
        t.contains(&format!("Page {} of", page + 1))
    })
    .await?;
    app.close().await
}
