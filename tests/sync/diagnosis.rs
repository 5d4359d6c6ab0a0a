//! Guides and a diagnosis session travel through a real hub on a real PostgreSQL: the demo's
//! guides loaded at the hub (`load --kind guides`) reach both laptops; laptop A walks the VX-300
//! OC1 guide on a breakdown (one measurement out of range, taken back
//! and measured again) to its conclusion; laptop B sees the session on the work order with every
//! record, the superseded one marked, and the conclusion's codes.

use anyhow::{Context, Result};
use faultline_tests::hub::hub_admin;
use faultline_tests::sync_env::SyncEnv;
use faultline_tests::workspace_root;

/// The demo plant's guide files, sorted.
fn demo_guides() -> Result<Vec<String>> {
    let dir = workspace_root().join("assets/demo/guides");
    let mut files: Vec<String> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path().to_string_lossy().into_owned()))
        .collect();
    files.sort();
    Ok(files)
}

#[test]
fn a_diagnosis_session_on_a_work_order_reaches_the_other_laptop_whole() -> Result<()> {
    let env = SyncEnv::start()?;
    let files = demo_guides()?;
    let mut args = vec!["load", "--site", "PLANT1", "--kind", "guides"];
    args.extend(files.iter().map(String::as_str));
    let loaded = hub_admin(&env.db, &args)?;
    assert!(loaded.contains("guides: 4 rows: 4 new"), "{loaded}");
    // Loading again changes nothing; a broken guide loads nothing.
    let again = hub_admin(&env.db, &args)?;
    assert!(again.contains("0 new, 0 updated, 4 unchanged"), "{again}");
    let bad = std::env::temp_dir().join(format!("bad-guide-{}.toml", std::process::id()));
    std::fs::write(&bad, "id = \"X\"\ntitle = \"T\"\n")?;
    let refused = hub_admin(
        &env.db,
        &[
            "load",
            "--site",
            "PLANT1",
            "--kind",
            "guides",
            &bad.to_string_lossy(),
        ],
    );
    let _ = std::fs::remove_file(&bad);
    assert!(refused.is_err(), "{refused:?}");

    let a = env.device("laptop-a")?;
    let b = env.device("laptop-b")?;
    for d in [&a, &b] {
        d.sync_via(&env.hub.url())?;
        let list = d.ok(&["guides", "list"])?;
        assert_eq!(list.as_array().map(Vec::len), Some(4), "{list}");
    }

    let wo = a.ok(&[
        "log-breakdown",
        "--asset",
        "VFD-202",
        "--code",
        "OC1",
        "--symptom",
        "conveyor bogs down on start",
    ])?;
    let id = wo["summary"]["id"].as_str().context("no id")?.to_string();
    let s = a.ok(&["diagnosis", "start", "--work-order", &id])?;
    assert_eq!(s["guide"]["id"], "VX300-OC1", "{s}");
    let session = s["session"].as_str().context("no session")?.to_string();
    for (step, answer) in [
        ("read-log", vec!["--done"]),
        ("walk", vec!["--no"]),
        ("shaft", vec!["--choice", "free"]),
        ("insulation", vec!["--value", "0.5"]),
    ] {
        let mut args = vec!["diagnosis", "answer", &session, step];
        args.extend(answer);
        a.ok(&args)?;
    }
    a.ok(&["diagnosis", "back", &session])?;
    a.ok(&[
        "diagnosis",
        "answer",
        &session,
        "insulation",
        "--value",
        "500",
    ])?;
    let done = a.ok(&[
        "diagnosis",
        "answer",
        &session,
        "start-current",
        "--value",
        "180",
    ])?;
    assert_eq!(done["conclusion"]["remedy_code"], "ADJACC", "{done}");

    a.sync_via(&env.hub.url())?;
    assert_eq!(a.pending()?, 0, "everything accepted by the hub");
    b.sync_via(&env.hub.url())?;

    let seen = b.ok(&["diagnosis", "show", "--work-order", &id])?;
    let sessions = seen["sessions"].as_array().context("no sessions")?;
    assert_eq!(sessions.len(), 1, "{seen}");
    let s = &sessions[0];
    assert_eq!(s["session"], session.as_str());
    assert_eq!(s["guide"]["id"], "VX300-OC1");
    assert_eq!(s["concluded"], true);
    assert_eq!(s["conclusion"]["cause_code"], "ACCLOAD");
    let records = s["records"].as_array().context("no records")?;
    let steps: Vec<(&str, bool)> = records
        .iter()
        .map(|r| {
            (
                r["step_id"].as_str().unwrap_or_default(),
                r["superseded"].as_bool().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        vec![
            ("read-log", false),
            ("walk", false),
            ("shaft", false),
            ("insulation", true),
            ("insulation", false),
            ("insulation", false),
            ("start-current", false),
        ]
    );
    assert_eq!(records[3]["answer"]["value"], 0.5);
    assert_eq!(records[0]["recorded_by"], "laptop-a");
    Ok(())
}

/// Two laptops answer the same step of one session before either syncs: both records carry the
/// same `seq`, and both survive on both laptops, in the same order (nothing saved is lost).
#[test]
fn two_laptops_appending_to_one_session_before_syncing_both_keep_every_record() -> Result<()> {
    let env = SyncEnv::start()?;
    let files = demo_guides()?;
    let mut args = vec!["load", "--site", "PLANT1", "--kind", "guides"];
    args.extend(files.iter().map(String::as_str));
    hub_admin(&env.db, &args)?;
    let a = env.device("laptop-a")?;
    let b = env.device("laptop-b")?;
    a.sync_via(&env.hub.url())?;
    let wo = a.ok(&["log-breakdown", "--asset", "VFD-202", "--code", "OC1"])?;
    let id = wo["summary"]["id"].as_str().context("no id")?.to_string();
    let s = a.ok(&["diagnosis", "start", "--work-order", &id])?;
    let session = s["session"].as_str().context("no session")?.to_string();
    a.sync_via(&env.hub.url())?;
    b.sync_via(&env.hub.url())?;
    // Both answer the first step, neither has synced since.
    a.ok(&["diagnosis", "answer", &session, "read-log", "--done"])?;
    b.ok(&["diagnosis", "answer", &session, "read-log", "--done"])?;
    a.sync_via(&env.hub.url())?;
    b.sync_via(&env.hub.url())?;
    a.sync_via(&env.hub.url())?;
    assert_eq!(
        (a.pending()?, b.pending()?),
        (0, 0),
        "both accepted by the hub"
    );
    let mut seen = Vec::new();
    for d in [&a, &b] {
        let shown = d.ok(&["diagnosis", "show", "--work-order", &id])?;
        let records = shown["sessions"][0]["records"]
            .as_array()
            .context("no records")?
            .iter()
            .map(|r| {
                (
                    r["step_id"].as_str().unwrap_or_default().to_string(),
                    r["recorded_by"].as_str().unwrap_or_default().to_string(),
                    r["superseded"].as_bool().unwrap_or_default(),
                )
            })
            .collect::<Vec<_>>();
        seen.push(records);
    }
    assert_eq!(seen[0].len(), 2, "{seen:?}");
    assert_eq!(
        seen[0], seen[1],
        "the same records in the same order on both laptops"
    );
    let mut by: Vec<&str> = seen[0].iter().map(|r| r.1.as_str()).collect();
    by.sort_unstable();
    assert_eq!(by, vec!["laptop-a", "laptop-b"]);
    assert_eq!(
        seen[0].iter().filter(|r| r.2).count(),
        1,
        "the later one is kept, superseded"
    );
    // Laptop B goes on from where both now are; `show WO` carries the session.
    b.ok(&["diagnosis", "answer", &session, "walk", "--no"])?;
    let shown = b.ok(&["show", &id])?;
    let on_wo = shown["diagnosis_sessions"]
        .as_array()
        .context("no diagnosis_sessions")?;
    assert_eq!(on_wo.len(), 1, "{shown}");
    assert_eq!(on_wo[0]["session"], session.as_str());
    assert_eq!(on_wo[0]["records"].as_array().map(Vec::len), Some(3));
    assert_eq!(
        shown["summary"]["id"],
        id.as_str(),
        "the work order's own fields stay"
    );

    // The guide withdrawn at the hub leaves both laptops; the session keeps its copy.
    let out = hub_admin(
        &env.db,
        &["purge", "--site", "PLANT1", "--guide", "VX300-OC1"],
    )?;
    assert!(out.contains("guide VX300-OC1 withdrawn"), "{out}");
    let again = hub_admin(
        &env.db,
        &["purge", "--site", "PLANT1", "--guide", "VX300-OC1"],
    );
    assert!(again.is_err(), "{again:?}");
    for d in [&a, &b] {
        d.sync_via(&env.hub.url())?;
        let list = d.ok(&["guides", "list"])?;
        let ids: Vec<&str> = list
            .as_array()
            .context("no list")?
            .iter()
            .filter_map(|g| g["id"].as_str())
            .collect();
        assert_eq!(ids.len(), 3, "{list}");
        assert!(!ids.contains(&"VX300-OC1"), "{list}");
        let shown = d.ok(&["diagnosis", "show", &session])?;
        assert_eq!(shown["guide"]["id"], "VX300-OC1", "{shown}");
    }
    Ok(())
}

/// (work orders, code keys, texts) still queued for the App's diagnosis tables.
fn diagnosis_pending(app: &faultline_api::App) -> Result<(i64, i64, i64)> {
    let store = app
        .store_mutex()
        .map_err(|e| anyhow::anyhow!(e.message))?
        .lock()
        .map_err(|_| anyhow::anyhow!("store lock poisoned"))?;
    let (totals, codes) = store.diagnosis_pending()?;
    Ok((totals, codes, store.diagnosis_text_pending()?))
}

/// A fresh laptop's first replication queues the whole site for the diagnosis tables; the App
/// brings them up to date after the sync on its own, so the first Diagnose does not do it.
#[test]
fn after_a_sync_the_app_brings_the_diagnosis_tables_up_to_date_without_a_diagnose() -> Result<()> {
    use faultline_api::{App, AppEvent, AppOptions, CollectingSink};
    use faultline_manuals::extract::WorkerCommand;
    use std::time::{Duration, Instant};
    let env = SyncEnv::start()?;
    let laptop = env.device("laptop-fresh")?;
    let sink = std::sync::Arc::new(CollectingSink::default());
    let worker = WorkerCommand {
        exe: faultline_tests::cli_binary()?,
        args_before: vec!["extract-worker".into()],
    };
    let mut options = AppOptions::new("test", worker);
    options.sync.automatic = false;
    let app = App::open(laptop.path(), options, sink.clone());
    app.start_background();
    let until = Instant::now() + Duration::from_secs(60);
    while diagnosis_pending(&app)? != (0, 0, 0) {
        anyhow::ensure!(Instant::now() < until, "start-up catch-up never ended");
        std::thread::sleep(Duration::from_millis(50));
    }
    app.call("sync_now", serde_json::json!({}))
        .map_err(|e| anyhow::anyhow!(e.message))?;
    let until = Instant::now() + Duration::from_secs(120);
    let received = loop {
        let done = sink.events().into_iter().find_map(|e| match e {
            AppEvent::SyncFinished(f) => Some(f),
            _ => None,
        });
        if let Some(f) = done {
            anyhow::ensure!(f.ok, "the sync failed: {f:?}");
            break f.received;
        }
        anyhow::ensure!(
            Instant::now() < until,
            "no SyncFinished: {:?}",
            sink.events()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(received > 800, "the demo site replicated: {received}");
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        let pending = diagnosis_pending(&app)?;
        if pending == (0, 0, 0) {
            break;
        }
        anyhow::ensure!(
            Instant::now() < until,
            "the pulled work orders are still queued: {pending:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}
