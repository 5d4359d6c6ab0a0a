// Smoke e2e test: the built app starts on a fresh data directory and shows "Faultline".

use anyhow::{ensure, Result};
use faultline_tests::{e2e_enabled, temp_data_dir, App};

#[tokio::test]
async fn app_starts_and_shows_faultline() -> Result<()> {
    if !e2e_enabled()? {
        return Ok(());
    }
    let data_dir = temp_data_dir()?;
    let mut app = App::launch(data_dir.path()).await?;

    app.wait_for("body *").await?;
    let title = app.title().await?;
    if !title.contains("Faultline") {
        let heading = app.text("h1").await?;
        ensure!(
            heading.contains("Faultline"),
            "neither the title {title:?} nor the heading {heading:?} mentions Faultline"
        );
    }

    // The data directory reached the app through tauri-driver's environment.
    let info = app.invoke("app_info", serde_json::json!({})).await?;
    eprintln!("title={title:?} app_info={info}");
    let expected = app.data_dir().display().to_string();
    ensure!(
        info["data_dir"] == expected.as_str(),
        "app_info reports {info}, expected data_dir {expected:?}"
    );

    // A restart on the same data directory brings the window back.
    app.restart().await?;
    app.wait_for("body *").await?;
    app.close().await
}
