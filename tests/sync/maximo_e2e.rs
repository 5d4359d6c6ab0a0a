//! Laptop → hub → `fake_maximo` end to end, through the real sync engine (issue 14, "End to
//! end"): a real `faultline-hub serve` (release binary) on a real PostgreSQL, site PLANT1
//! connected with `faultline-hub maximo configure` to a `fake_maximo` served in this process
//! (never a real Maximo), a laptop that is the faultline CLI. The laptop logs a breakdown while
//! the hub is down — a note, a photo, a part, the machine stopped and back in service, closed
//! with its codes —; the hub comes up, the laptop syncs, and the fake receives the work order,
//! the worklog, the attachment, the actual material, the asset status rows, the failure report
//! and the status change, in the order the technician made them (read from the fake's request
//! log). Then a planner's edit in the fake reaches the laptop after the hub's fetch and a sync,
//! and the hub's `GET /metrics` (scrape token) says everything was sent, timed, and fetched.

use anyhow::{bail, ensure, Context, Result};
use faultline_fake_maximo::{Logged, Shared};
use faultline_tests::hub::{hub_admin, Hub};
use faultline_tests::sync_env::{SyncEnv, SITE};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const KEY: &str = "e2e-key-1";
/// The scrape token of the hub's `GET /metrics`.
const METRICS_TOKEN: &str = "e2e-metrics-token-0123456789abcdef012345";

/// The value of the sample `name{labels}` in a metrics page, if there is one.
fn sample(text: &str, name_and_labels: &str) -> Option<f64> {
    text.lines().find_map(|l| {
        l.strip_prefix(name_and_labels)?
            .strip_prefix(' ')?
            .parse()
            .ok()
    })
}

/// The hub's `GET /metrics` page, with the scrape token.
fn scrape(runtime: &tokio::runtime::Runtime, hub: &Hub) -> Result<String> {
    runtime.block_on(async {
        let r = reqwest::Client::new()
            .get(format!("{}/metrics", hub.url()))
            .bearer_auth(METRICS_TOKEN)
            .send()
            .await?;
        ensure!(r.status().is_success(), "GET /metrics: {}", r.status());
        Ok(r.text().await?)
    })
}

/// What one committed write of the fake's log put into the work order: `create`, `status:X`,
/// a child collection's name (`worklog`, `matusetrans`, `assetstatus`, `failurereport`) or
/// `attachment`. A BULK request gives one entry per item.
fn writes(log: &[Logged]) -> Vec<String> {
    let children = |body: &Value| -> Vec<String> {
        ["worklog", "matusetrans", "assetstatus", "failurereport"]
            .iter()
            .filter(|c| body[**c].as_array().is_some_and(|a| !a.is_empty()))
            .map(|c| c.to_string())
            .collect()
    };
    let mut out = Vec::new();
    for r in log.iter().filter(|r| r.is_committed_write()) {
        if r.path.ends_with("/doclinks") {
            out.push("attachment".into());
        } else if r.path.ends_with("/mxapiwodetail") {
            match r.body.as_array() {
                // BULK: creates (`_data`) or updates of child rows.
                Some(items) => {
                    for item in items {
                        if item["_action"] == "Update" {
                            out.extend(children(item));
                        } else {
                            out.push("create".into());
                        }
                    }
                }
                None => out.push("create".into()),
            }
        } else if r.query.contains("changeStatus") {
            out.push(format!(
                "status:{}",
                r.body["status"].as_str().unwrap_or("?")
            ));
        } else {
            out.extend(children(&r.body));
        }
    }
    out
}

/// Position of the first `what` in `seen`.
fn first(seen: &[String], what: &str) -> Result<usize> {
    seen.iter()
        .position(|s| s == what)
        .with_context(|| format!("no {what} reached the fake: {seen:?}"))
}

/// Waits (60 s at most) until `done` holds for the fake's state.
fn wait_for(
    fake: &Shared,
    what: &str,
    done: impl Fn(&faultline_fake_maximo::Fake) -> bool,
) -> Result<()> {
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        {
            let f = fake
                .lock()
                .map_err(|_| anyhow::anyhow!("fake lock poisoned"))?;
            if done(&f) {
                return Ok(());
            }
            if Instant::now() > until {
                bail!("{what}: not reached in 60 s; work orders {:?}", f.wos);
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_breakdown_logged_offline_reaches_the_fake_in_order_and_an_edit_there_comes_back() -> Result<()>
{
    let mut env = SyncEnv::start()?;
    let runtime = tokio::runtime::Runtime::new()?;
    let (url, fake) = runtime.block_on(faultline_fake_maximo::start(KEY, &["VFD-202"]))?;
    let dir = tempfile::tempdir()?;
    let key = dir.path().join("key.txt");
    std::fs::write(&key, format!("{KEY}\n"))?;
    let out = hub_admin(
        &env.db,
        &[
            "maximo",
            "configure",
            "--site",
            SITE,
            "--url",
            &url,
            "--api-key-file",
            &key.to_string_lossy(),
            "--siteid",
            "BEDFORD",
            "--orgid",
            "EAGLENA",
        ],
    )?;
    assert!(out.contains("connected to Maximo"), "{out}");
    assert!(!out.contains(KEY), "the key is not printed: {out}");

    // The laptop has the site, then the hub goes away: everything below is logged offline.
    let laptop = env.device("laptop-e2e")?;
    laptop.sync_via(&env.hub.url())?;
    let port = env.hub.port();
    env.hub.kill();
    let now = chrono::Utc::now();
    let stopped = (now - chrono::Duration::minutes(40)).to_rfc3339();
    let running = (now - chrono::Duration::minutes(5)).to_rfc3339();
    let wo = laptop.ok(&[
        "log-breakdown",
        "--asset",
        "VFD-202",
        "--code",
        "OC1",
        "--symptom",
        "conveyor drive trips on start",
        "--stopped-at",
        &stopped,
    ])?;
    let id = wo["summary"]["id"].as_str().context("no id")?.to_string();
    laptop.ok(&[
        "note",
        &id,
        "accel ramp was 2 s, load jammed at the transfer",
    ])?;
    let (photo, bytes) = laptop.photo_file("drive.jpg", 120_000)?;
    laptop.ok(&[
        "add-photo",
        &id,
        &photo.to_string_lossy(),
        "--caption",
        "jam at the transfer",
    ])?;
    laptop.ok(&["add-part", &id, "--part", "FUSE-10A", "--qty", "2"])?;
    laptop.ok(&["back-in-service", &id, "--at", &running])?;
    laptop.ok(&[
        "close",
        &id,
        "--class",
        "VFD",
        "--problem",
        "OVERCURR",
        "--cause",
        "ACCLOAD",
        "--remedy",
        "ADJACC",
        "--fixed",
        "ramp lengthened to 5 s",
    ])?;
    let offline = laptop.run(&["sync", "--hub", &env.hub.url()])?;
    assert!(!offline.status.success(), "the hub is down: the sync fails");
    assert!(laptop.pending()? >= 6, "everything waits on the laptop");
    {
        let f = fake
            .lock()
            .map_err(|_| anyhow::anyhow!("fake lock poisoned"))?;
        assert!(f.wos.is_empty(), "nothing reached the fake while offline");
    }

    // The hub comes back (sending to the CMMS every second), the laptop syncs.
    let token_file = dir.path().join("metrics-token");
    std::fs::write(&token_file, format!("{METRICS_TOKEN}\n"))?;
    let token_file = token_file.to_string_lossy().into_owned();
    let hub = Hub::start_with(
        &env.db.url,
        port,
        &[
            "--cmms-every-secs",
            "1",
            "--metrics-token-file",
            &token_file,
        ],
    )?;
    laptop.sync_via(&hub.url())?;
    assert_eq!(laptop.pending()?, 0, "everything accepted by the hub");
    wait_for(
        &fake,
        "the closed work order with its failure report",
        |f| {
            f.wos.len() == 1
                && f.wos[0]["status"] == "COMP"
                && f.wos[0]["failurereport"].as_array().map(Vec::len) == Some(3)
                && !f.attachments.is_empty()
        },
    )?;

    let (wonum, log) = {
        let f = fake
            .lock()
            .map_err(|_| anyhow::anyhow!("fake lock poisoned"))?;
        let w = &f.wos[0];
        assert_eq!(w["assetnum"], "VFD-202");
        assert_eq!(w["siteid"], "BEDFORD");
        assert_eq!(w["worktype"], "EM");
        assert_eq!(w["description"], "conveyor drive trips on start");
        let logs = w["worklog"].as_array().context("no worklog")?;
        assert_eq!(logs.len(), 1, "{w}");
        assert!(
            logs[0]["description_longdescription"]
                .as_str()
                .is_some_and(|d| d.contains("accel ramp")),
            "{w}"
        );
        assert_eq!(
            w["failureremark"][0]["description_longdescription"], "ramp lengthened to 5 s",
            "the remedy text as the failure remarks: {w}"
        );
        let parts = w["matusetrans"].as_array().context("no parts")?;
        assert_eq!(parts.len(), 1, "{w}");
        assert_eq!(
            (&parts[0]["itemnum"], &parts[0]["quantity"]),
            (&json!("FUSE-10A"), &json!(-2.0))
        );
        let downtime: Vec<bool> = w["assetstatus"]
            .as_array()
            .context("no asset status")?
            .iter()
            .filter_map(|r| r["isrunning"].as_bool())
            .collect();
        assert_eq!(
            downtime,
            [false, true],
            "down at the stop, up at the restart"
        );
        assert_eq!(
            (
                &w["failurecode"],
                &w["problemcode"],
                &w["fr1code"],
                &w["fr2code"]
            ),
            (
                &json!("VFD"),
                &json!("OVERCURR"),
                &json!("ACCLOAD"),
                &json!("ADJACC")
            )
        );
        let report: Vec<(&str, &str)> = w["failurereport"]
            .as_array()
            .context("no failure report")?
            .iter()
            .map(|r| {
                (
                    r["type"].as_str().unwrap_or(""),
                    r["failurecode"].as_str().unwrap_or(""),
                )
            })
            .collect();
        assert!(report.contains(&("PROBLEM", "OVERCURR")), "{report:?}");
        assert!(report.contains(&("CAUSE", "ACCLOAD")), "{report:?}");
        assert!(report.contains(&("REMEDY", "ADJACC")), "{report:?}");
        assert_eq!(f.attachments.len(), 1, "the photo once");
        assert_eq!(f.attachments[0].bytes, bytes, "the photo whole");
        assert_eq!(f.attachments[0].description, "jam at the transfer");
        let comp = f
            .status_changes
            .iter()
            .find(|(_, s, _)| s == "COMP")
            .context("no COMP status change")?;
        assert!(
            !comp.2.is_empty(),
            "the status carries the technician's time"
        );
        (
            w["wonum"].as_str().context("no wonum")?.to_string(),
            f.log.clone(),
        )
    };

    // In the order the technician made them.
    let seen = writes(&log);
    let order = [
        "create",
        "worklog",
        "attachment",
        "matusetrans",
        "assetstatus",
        "failurereport",
        "status:COMP",
    ];
    let at: Vec<usize> = order
        .iter()
        .map(|w| first(&seen, w))
        .collect::<Result<_>>()?;
    ensure!(
        at.windows(2).all(|p| p[0] < p[1]),
        "out of order: {order:?} at {at:?} in {seen:?}"
    );
    ensure!(
        seen.iter().filter(|s| *s == "create").count() == 1,
        "one create: {seen:?}"
    );

    // A planner edits the work order in the fake; the hub's fetch and a sync bring it back.
    {
        let mut f = fake
            .lock()
            .map_err(|_| anyhow::anyhow!("fake lock poisoned"))?;
        f.edit(
            &wonum,
            "description",
            json!("VFD-202 trips on start, planner checked ramp"),
        );
        f.edit(&wonum, "wopriority", json!(1));
    }
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        laptop.sync_via(&hub.url())?;
        let shown = laptop.ok(&["show", &id])?;
        if shown["summary"]["title"] == "VFD-202 trips on start, planner checked ramp" {
            assert_eq!(shown["summary"]["priority"], 1, "{shown}");
            assert_eq!(shown["notes"].as_array().map(Vec::len), Some(1), "{shown}");
            break;
        }
        ensure!(
            Instant::now() < until,
            "the edit made in the fake never reached the laptop: {shown}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    // The serve process's metrics say what the connector did: everything sent, through its
    // own drain (timed), and fetched.
    let l = r#"{site="PLANT1",connector="maximo""#;
    let until = Instant::now() + Duration::from_secs(30);
    let page = loop {
        let page = scrape(&runtime, &hub)?;
        let pending = sample(
            &page,
            &format!("faultline_cmms_changes{l},state=\"pending\"}}"),
        );
        if pending == Some(0.0) {
            break page;
        }
        ensure!(Instant::now() < until, "changes still waiting:\n{page}");
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(
        sample(
            &page,
            &format!("faultline_cmms_changes{l},state=\"sent\"}}")
        ),
        Some(6.0),
        "{page}"
    );
    assert!(
        sample(&page, &format!("faultline_cmms_send_seconds_count{l}}}")).is_some_and(|n| n >= 1.0),
        "{page}"
    );
    assert!(
        sample(
            &page,
            &format!("faultline_cmms_last_fetch_timestamp_seconds{l},object=\"mxapiwodetail\"}}")
        )
        .is_some(),
        "{page}"
    );
    assert!(!page.contains(KEY), "never the API key");

    let status = hub_admin(&env.db, &["maximo", "status", "--site", SITE, "--json"])?;
    let status: Value = serde_json::from_str(status.trim())?;
    assert!(!status.to_string().contains(KEY), "{status}");
    drop(hub);
    drop(runtime);
    Ok(())
}
