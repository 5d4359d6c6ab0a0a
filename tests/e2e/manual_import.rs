// End-to-end manual import in the real app window: PDFs picked with the file picker are sent to
// the app, extracted and indexed with a progress bar, and listed as indexed; a folder handed to
// the app by path (what a drop on the window does) imports with the "Importing" bar and its
// summary; the imported manuals are then searchable.

use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use faultline_tests::{e2e_enabled, workspace_root, App};
use serde_json::{json, Value};

const PICKED: [&str; 2] = [
    "RobertOlechowski_Huanyang_VFD__HY_Series_Inverter_20100627.pdf",
    "bigtreetech_BIGTREETECH-TMC2209-V1.2__TMC2209-V1.2-manual.pdf",
];

fn corpus() -> Result<Option<std::path::PathBuf>> {
    let corpus = std::env::var_os("FAULTLINE_CORPUS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared/corpus"));
    if corpus.join("manuals").join(PICKED[0]).is_file() {
        return Ok(Some(corpus));
    }
    if std::env::var_os("CI").is_some() {
        bail!(
            "the corpus manuals are missing in CI ({})",
            corpus.display()
        );
    }
    eprintln!(
        "SKIPPED: no corpus at {} (set FAULTLINE_CORPUS)",
        corpus.display()
    );
    Ok(None)
}

/// The demo plant's own manuals, in the library from `demo-load` on.
const DEMO: usize = faultline_core::demo::DEMO_MANUALS.len();

/// The manuals the window lists: (file name, state) of each row.
const ROWS: &str = "return [...document.querySelectorAll('[data-testid=manual-row]')] \
    .map((r) => [r.querySelector('[data-testid=manual-name]')?.textContent ?? '', \
                 r.getAttribute('data-state')]);";

/// Polls `script` until its result satisfies `ok`.
async fn poll(
    app: &App,
    script: &str,
    timeout: Duration,
    ok: impl Fn(&Value) -> bool,
) -> Result<Value> {
    let deadline = Instant::now() + timeout;
    let mut last = Value::Null;
    while Instant::now() < deadline {
        last = app.client()?.execute(script, vec![]).await?;
        if ok(&last) {
            return Ok(last);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("never as expected; last seen {last}\n{}", app.log_tail())
}

#[tokio::test]
async fn manuals_picked_or_handed_over_by_path_import_with_progress_and_become_searchable(
) -> Result<()> {
    if !e2e_enabled()? {
        return Ok(());
    }
    let Some(corpus) = corpus()? else {
        return Ok(());
    };
    let data = faultline_tests::demo_data_dir()?;
    let app = App::launch(data.path()).await?;
    app.client()?
        .execute("location.hash = '#/manuals';", vec![])
        .await?;
    let input = app.wait_for("[data-testid=manual-file]").await?;
    // The picker's input is visually hidden behind its big label; WebDriver types into it.
    app.client()?
        .execute(
            "const i = document.querySelector('[data-testid=manual-file]'); \
             i.classList.remove('visually-hidden'); i.style.opacity = '1';",
            vec![],
        )
        .await?;
    let paths: Vec<String> = PICKED
        .iter()
        .map(|f| corpus.join("manuals").join(f).display().to_string())
        .collect();
    input
        .send_keys(&paths.join("\n"))
        .await
        .context("cannot hand the files to the picker")?;
    let rows = poll(&app, ROWS, Duration::from_secs(120), |v| {
        v.as_array()
            .is_some_and(|rows| rows.len() == DEMO + 2 && rows.iter().all(|r| r[1] == "indexed"))
    })
    .await
    .context("the picked manuals never showed as indexed")?;
    eprintln!("picked: {rows}");

    // A folder by path, as a drop on the window sends it: the app runs the import and reports
    // progress; the summary says what happened.
    let folder = tempfile::tempdir()?;
    std::fs::copy(
        corpus.join("manuals/Teknic-Inc_ClearCore-library__ClearCoreCommandProtocol_UserGuide.pdf"),
        folder.path().join("clearcore.pdf"),
    )?;
    std::fs::copy(
        corpus.join("manuals").join(PICKED[0]),
        folder.path().join("duplicate-of-huanyang.pdf"),
    )?;
    let started = app
        .invoke(
            "manuals_add_files",
            json!({"paths": [folder.path().display().to_string()], "model": null}),
        )
        .await?;
    eprintln!("started: {started}");
    let summary = poll(
        &app,
        "return document.querySelector('[data-testid=import-summary]')?.textContent ?? null;",
        Duration::from_secs(120),
        |v| v.is_string(),
    )
    .await?;
    eprintln!("summary: {summary}");
    poll(&app, ROWS, Duration::from_secs(120), |v| {
        v.as_array()
            .is_some_and(|rows| rows.len() == DEMO + 3 && rows.iter().all(|r| r[1] == "indexed"))
    })
    .await
    .context(
        "the folder's new manual never showed as indexed (the duplicate must not add a row)",
    )?;

    let hits = app
        .invoke(
            "search_manuals",
            json!({"text": "ClearCore", "asset_id": null, "limit": 5}),
        )
        .await?;
    anyhow::ensure!(
        hits["hits"].as_array().is_some_and(|h| !h.is_empty()),
        "no hit for ClearCore after the import: {hits}"
    );
    app.close().await
}
