// End-to-end sync in the real app window against a real hub on PostgreSQL: a laptop that got the
// plant from the hub adds a note while the hub is down; "Sync now" then shows the error and the
// note stays pending; once the hub is back, "Sync now" sends it: the note reads "Synced", the
// status line counts 0 changes waiting, and the hub's database holds the note.

use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use faultline_tests::sync_env::SyncEnv;
use faultline_tests::{e2e_enabled, App, Key};
use serde_json::{json, Value};

const NOTE: &str = "Seal weeping at the drive end; tightened the gland, watch at next round";

/// How long one sync attempt in the window may take (connect, push, pull).
const SYNC_TIMEOUT: Duration = Duration::from_secs(60);

/// Polls a script until its result satisfies `ok`, or fails with what it last saw.
async fn wait_script(
    app: &App,
    what: &str,
    script: &str,
    args: Vec<Value>,
    timeout: Duration,
    ok: impl Fn(&Value) -> bool,
) -> Result<Value> {
    let deadline = Instant::now() + timeout;
    let mut last = Value::Null;
    while Instant::now() < deadline {
        last = app
            .client()?
            .execute(script, args.clone())
            .await
            .with_context(|| format!("cannot read {what}"))?;
        if ok(&last) {
            return Ok(last);
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    bail!(
        "{what} never became as expected; last seen {last}\n{}",
        app.log_tail()
    )
}

/// The note with exactly this text: its id and its sync badge's state (null until it is shown).
const NOTE_STATE: &str = "const [text] = arguments; \
    const n = [...document.querySelectorAll('[data-testid=note]')] \
      .find((e) => e.querySelector('[data-testid=note-text]')?.textContent === text); \
    if (!n) return null; \
    const badge = n.querySelector('[data-testid=sync-state]'); \
    return { id: n.getAttribute('data-note-id'), state: badge?.getAttribute('data-state'), \
             words: badge?.textContent };";

/// The status line's sync area and pending count.
const STATUS_LINE: &str = "const area = document.querySelector('[data-testid=sync-area]'); \
    const pending = document.querySelector('[data-testid=pending-changes]'); \
    const error = document.querySelector('[data-testid=sync-error]'); \
    const button = document.querySelector('[data-testid=sync-now]'); \
    return { running: area?.getAttribute('data-running'), \
             pending: pending ? Number(pending.getAttribute('data-count')) : null, \
             error: error ? error.textContent : null, \
             button: button ? { disabled: button.disabled, text: button.textContent.trim() } : null, \
             last: document.querySelector('[data-testid=sync-last]')?.textContent ?? null };";

async fn note_state(app: &App, want: &str) -> Result<Value> {
    wait_script(
        app,
        &format!("the note's sync badge ({want})"),
        NOTE_STATE,
        vec![json!(NOTE)],
        SYNC_TIMEOUT,
        |v| v["state"] == want,
    )
    .await
}

/// Presses "Sync now" once it can be pressed (a sync the app started by itself may be running).
async fn press_sync_now(app: &App) -> Result<()> {
    wait_script(
        app,
        "the Sync now button",
        STATUS_LINE,
        vec![],
        SYNC_TIMEOUT,
        |v| v["button"]["disabled"] == false,
    )
    .await?;
    app.click("[data-testid=sync-now]").await
}

#[tokio::test]
async fn a_note_waits_while_the_hub_is_down_and_syncs_on_sync_now_when_it_is_back() -> Result<()> {
    if !e2e_enabled()? {
        return Ok(());
    }
    // A laptop that has the plant from the hub (CLI enroll + first sync).
    let mut env = SyncEnv::start()?;
    let laptop = env.device("laptop-e2e")?;
    let first = laptop.sync_via(&env.hub.url())?;
    ensure!(first["pending_left"] == 0, "first sync: {first}");
    let page = laptop.ok(&["history", "PMP-302"])?;
    let wo = page["open_work_orders"]
        .as_array()
        .and_then(|a| a.first())
        .and_then(|w| w["id"].as_str())
        .map(str::to_string)
        .with_context(|| format!("no open work order on PMP-302 after the first sync: {page}"))?;

    // The hub goes away; the app starts with only "Sync now" starting a sync (no timer, no
    // retries by itself), so what follows is the button's doing.
    env.hub.kill();
    std::env::set_var("FAULTLINE_SYNC_AUTO", "0");
    let app = App::launch(laptop.path()).await?;

    app.type_into("#tech-name", "Ana Ruiz").await?;
    app.type_into(
        "#asset-search",
        &format!("PMP-302{}", char::from(Key::Enter)),
    )
    .await?;
    app.click(&format!(
        "[data-testid=open-work-orders] [data-testid=wo-row][data-wo-id=\"{wo}\"]"
    ))
    .await?;
    app.wait_for("[data-testid=wo-number]").await?;

    // A note added in the window is saved at once and waits for the hub.
    app.type_into("#note-text", NOTE).await?;
    app.click("[data-testid=note-add]").await?;
    let note = note_state(&app, "pending").await?;
    ensure!(
        note["words"] == "Not yet synced",
        "badge of a new note: {note}"
    );
    let note_id = note["id"]
        .as_str()
        .context("the note has no data-note-id")?
        .to_string();

    // "Sync now" with the hub down: the error in plain words (no next try is planned: automatic
    // retries are off in this test); still pending.
    press_sync_now(&app).await?;
    let status = wait_script(
        &app,
        "the status line after a failed sync",
        STATUS_LINE,
        vec![],
        SYNC_TIMEOUT,
        |v| v["running"] == "false" && v["error"].is_string(),
    )
    .await?;
    let error = status["error"].as_str().unwrap_or_default();
    ensure!(
        error.contains("Cannot reach the hub") && !error.contains("next try in"),
        "the status line should say the hub is unreachable (and plan no retry): {status}"
    );
    ensure!(
        status["pending"].as_i64().is_some_and(|n| n >= 1),
        "the note must still be counted as not synced: {status}"
    );
    let note = note_state(&app, "pending").await?;
    ensure!(note["id"] == note_id.as_str(), "{note}");
    let hub_notes = |env: &SyncEnv| {
        env.db.count(&format!(
            "SELECT count(*) FROM notes WHERE id = '{note_id}'"
        ))
    };
    let sync_status = app.invoke("sync_status", json!({})).await?;
    ensure!(
        sync_status["last_error"].is_string() && sync_status["pending"].as_i64() >= Some(1),
        "the app's sync status after the failure: {sync_status}"
    );

    // The hub is back on the same address: "Sync now" sends the note.
    env.hub.restart()?;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    ensure!(
        hub_notes(&env)? == 0,
        "the hub got the note before anyone pressed Sync now"
    );
    note_state(&app, "pending").await?;
    press_sync_now(&app).await?;
    let note = note_state(&app, "synced").await?;
    ensure!(note["words"] == "Synced", "badge of a synced note: {note}");
    let status = wait_script(
        &app,
        "the status line after the sync",
        STATUS_LINE,
        vec![],
        SYNC_TIMEOUT,
        |v| v["pending"] == 0 && v["error"].is_null(),
    )
    .await?;
    ensure!(
        status["last"]
            .as_str()
            .is_some_and(|t| t.starts_with("Synced")),
        "the status line should say when it last synced: {status}"
    );
    ensure!(
        hub_notes(&env)? == 1,
        "the hub does not have the note {note_id}"
    );
    let on_hub = env.db.query(&format!(
        "SELECT work_order_id::text || '|' || author || '|' || text FROM notes WHERE id = '{note_id}'"
    ))?;
    ensure!(
        on_hub == format!("{wo}|Ana Ruiz|{NOTE}"),
        "the hub's copy of the note: {on_hub:?}"
    );
    app.close().await
}
