// End-to-end in the real app window at 1024×600 (a small laptop): tabbing never leaves the
// focused control behind the status line; Escape is Back and Back keeps the scroll position;
// logging a breakdown on a machine that already has an open one offers to add to it; a work
// order's photos show as thumbnails that open full size. (The native folder chooser behind "Add a
// folder" is a GTK dialog outside the page: WebDriver cannot drive it.)

use anyhow::{bail, Context, Result};
use faultline_tests::{e2e_enabled, App, Key};
use serde_json::{json, Value};

/// The focused element's rect and the status line's top, in viewport px.
async fn focus_vs_bar(app: &App) -> Result<(String, f64, f64)> {
    let v = app
        .client()?
        .execute(
            "const a = document.activeElement; const r = a.getBoundingClientRect(); \
             const bar = document.querySelector('[data-testid=status-line]').getBoundingClientRect(); \
             return [a.getAttribute('data-testid') || a.id || a.tagName, r.bottom, bar.top];",
            vec![],
        )
        .await?;
    let who = v[0].as_str().unwrap_or_default().to_string();
    Ok((
        who,
        v[1].as_f64().context("no rect")?,
        v[2].as_f64().context("no bar")?,
    ))
}

/// Presses Tab until the focused element is `testid_or_id` (at most 40 times); each focused
/// control on the way must be clear of the status line.
async fn tab_to(app: &App, testid_or_id: &str) -> Result<()> {
    let mut path = Vec::new();
    for _ in 0..40 {
        app.client()?
            .active_element()
            .await?
            .send_keys(&char::from(Key::Tab).to_string())
            .await?;
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        let (who, bottom, bar_top) = focus_vs_bar(app).await?;
        if bottom > bar_top + 0.5 {
            bail!("`{who}` has focus but ends at {bottom} px, below the status line's top {bar_top} px");
        }
        if who == testid_or_id {
            return Ok(());
        }
        path.push(who);
    }
    bail!("Tab never reached `{testid_or_id}`; focus went {path:?}")
}

async fn scroll_y(app: &App) -> Result<f64> {
    let v = app
        .client()?
        .execute("return window.scrollY;", vec![])
        .await?;
    v.as_f64().context("no scrollY")
}

async fn escape(app: &App) -> Result<()> {
    app.client()?
        .active_element()
        .await?
        .send_keys(&char::from(Key::Escape).to_string())
        .await?;
    Ok(())
}

/// A 2×2 PNG.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEUlEQVR4nGP4z8DA8B+MgBgAHfAD/dPQfSYAAAAASUVORK5CYII=";

#[tokio::test]
async fn a_small_screen_keeps_focus_in_sight_escape_goes_back_and_photos_open() -> Result<()> {
    if !e2e_enabled()? {
        return Ok(());
    }
    let data = faultline_tests::demo_data_dir()?;
    let app = App::launch(data.path()).await?;
    app.client()?.set_window_size(1024, 600).await?;
    app.type_into("#tech-name", "Ana Ruiz").await?;

    // VFD-202 has the open breakdown 41851.
    app.type_into(
        "#asset-search",
        &format!("VFD-202{}", char::from(Key::Enter)),
    )
    .await?;
    app.wait_text("[data-testid=asset-tag]", |t| t.contains("VFD-202"))
        .await?;

    // Tabbing down the asset page to its manual search box: every control in sight.
    app.wait_for("#asset-manual-search").await?;
    app.client()?
        .execute(
            "window.scrollTo(0, 0); document.querySelector('[data-testid=log-breakdown]').focus();",
            vec![],
        )
        .await?;
    tab_to(&app, "asset-manual-search").await?;

    // Back keeps the scroll position: scroll to the history, open a work order, Escape.
    app.wait_for("[data-testid=history] [data-testid=wo-row]")
        .await?;
    let before = app
        .client()?
        .execute(
            "const rows = document.querySelectorAll('[data-testid=history] [data-testid=wo-row]'); \
             const row = rows[rows.length - 1]; row.scrollIntoView({block: 'center'}); \
             const y = window.scrollY; row.click(); return y;",
            vec![],
        )
        .await?
        .as_f64()
        .context("no scroll position")?;
    if before < 100.0 {
        bail!("the asset page is too short at 1024×600 to test the scroll position ({before} px)");
    }
    app.wait_for("[data-testid=wo-number]").await?;
    escape(&app).await?;
    app.wait_text("[data-testid=asset-tag]", |t| t.contains("VFD-202"))
        .await?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let now = scroll_y(&app).await?;
        if (now - before).abs() <= 4.0 {
            break;
        }
        if std::time::Instant::now() > deadline {
            bail!("Back returned to scroll position {now} px, the page was at {before} px");
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // Log breakdown: the open one is offered; tabbing to the submit button keeps it in sight.
    app.click("[data-testid=log-breakdown]").await?;
    app.wait_text("[data-testid=bd-open-notice]", |t| t.contains("41851"))
        .await?;
    // From the priority: WebDriver's keys sent to the date field go into its parts and stay.
    app.client()?
        .execute(
            "window.scrollTo(0, 0); \
             document.querySelector('input[name=bd-priority]:checked').focus();",
            vec![],
        )
        .await?;
    tab_to(&app, "bd-submit").await?;

    // A validation message goes once the field is fixed.
    app.click("[data-testid=bd-submit]").await?;
    app.wait_text("[data-testid=bd-problem]", |t| t.contains("symptom"))
        .await?;
    app.type_into("#bd-symptom", "trips again on start").await?;
    let gone = app
        .client()?
        .execute(
            "return document.querySelector('[data-testid=bd-problem]') === null;",
            vec![],
        )
        .await?;
    if gone != Value::Bool(true) {
        bail!("the symptom message stayed after the symptom was typed");
    }

    // Add it to the open breakdown instead: a note on 41851, no second work order.
    app.click("[data-testid=bd-add-to-open]").await?;
    app.wait_text("[data-testid=wo-number]", |t| t.contains("41851"))
        .await?;
    app.wait_text("[data-testid=note-text]", |t| {
        t.contains("Seen again: trips again on start")
    })
    .await?;
    let status = app.text("[data-testid=wo-status]").await?;
    if status.contains('_') {
        bail!("raw status on the badge: {status:?}");
    }

    // A photo: a thumbnail that opens full size; Escape closes the viewer, not the work order.
    let wo_id: String = app
        .client()?
        .execute("return location.hash.split('/').pop();", vec![])
        .await?
        .as_str()
        .context("no work order in the URL")?
        .to_string();
    app.invoke(
        "add_photo",
        json!({ "work_order_id": wo_id, "data_base64": PNG, "mime": "image/png", "caption": "Burnt terminal" }),
    )
    .await?;
    app.client()?
        .execute("location.hash = '#/'; ", vec![])
        .await?;
    app.client()?
        .execute(&format!("location.hash = '#/wo/{wo_id}';"), vec![])
        .await?;
    let loaded = "const img = document.querySelector(arguments[0]); \
                  return img !== null && img.complete && img.naturalWidth === 2;";
    let wait_img = |css: &'static str| {
        let app = &app;
        async move {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
            loop {
                let ok = app.client()?.execute(loaded, vec![json!(css)]).await?;
                if ok == Value::Bool(true) {
                    return Ok::<(), anyhow::Error>(());
                }
                if std::time::Instant::now() > deadline {
                    let seen = app
                        .client()?
                        .execute(
                            "const t = document.querySelector('[data-testid=photo]'); \
                             return t ? t.outerHTML : document.body.innerText.slice(0, 400);",
                            vec![],
                        )
                        .await?;
                    bail!("`{css}` never showed the photo; the page has {seen}");
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
    };
    // Scrolled into sight as a person would (thumbnails load lazily).
    app.wait_for("[data-testid=photo-thumb]").await?;
    app.client()?
        .execute(
            "document.querySelector('[data-testid=photo-thumb]').scrollIntoView({block: 'center'});",
            vec![],
        )
        .await?;
    wait_img("[data-testid=photo-thumb] img").await?;
    app.click("[data-testid=photo-thumb]").await?;
    wait_img("[data-testid=photo-full]").await?;
    escape(&app).await?;
    let viewer_gone = app
        .client()?
        .execute(
            "return document.querySelector('[data-testid=photo-viewer]') === null;",
            vec![],
        )
        .await?;
    if viewer_gone != Value::Bool(true) {
        bail!("Escape did not close the photo viewer");
    }
    app.wait_text("[data-testid=wo-number]", |t| t.contains("41851"))
        .await?;
    app.close().await
}
