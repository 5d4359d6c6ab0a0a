//! The periodic reconcile: worklogs and materials added in `fake_maximo` under a work order the
//! hub knows, without a change of the work order, become notes and parts laptops pull; removed
//! there, they are deleted on the hub and the laptop; the hub's own rows never come back as
//! copies; failure report rows made there give the hub's work order their codes. Real
//! PostgreSQL, `fake_maximo` (never a real Maximo).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::fake_maximo;

use fake_maximo::config;
use fake_maximo::laptop::a_breakdown_in_maximo;
use fake_maximo::plant::Plant;
use faultline_hub::connector::{reconcile, run_reconciles, status, Maximo, ReconcileReport};
use serde_json::{json, Value};
use std::time::Duration;

async fn run(s: &Plant) -> ReconcileReport {
    let m = Maximo::new(&config(&s.url, "key-1"), Duration::from_secs(5)).unwrap();
    reconcile(&s.hub.store, "PLANT1", &m).await.unwrap()
}

/// A Maximo user adds a row to a child array of work order `wonum`: the work order's own row
/// (and its `_rowstamp`) does not change.
fn add_child(s: &Plant, wonum: &str, child: &str, row: Value) {
    let mut f = s.fake.lock().unwrap();
    let wo = f.wos.iter_mut().find(|w| w["wonum"] == wonum).unwrap();
    let mut rows = wo[child].as_array().cloned().unwrap_or_default();
    rows.push(row);
    wo[child] = json!(rows);
}

fn remove_child(s: &Plant, wonum: &str, child: &str, id_attr: &str, id: u64) {
    let mut f = s.fake.lock().unwrap();
    let wo = f.wos.iter_mut().find(|w| w["wonum"] == wonum).unwrap();
    if let Some(rows) = wo[child].as_array_mut() {
        rows.retain(|r| r[id_attr] != id);
    }
}

async fn hub_notes(s: &Plant) -> Vec<String> {
    s.hub
        .db
        .client()
        .await
        .query(
            "SELECT author || ': ' || text FROM notes WHERE site = 'PLANT1' ORDER BY created_at",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[tokio::test]
async fn children_made_in_maximo_reach_the_laptop_and_leave_it_when_removed() {
    let (s, mut laptop, _wo, number) = a_breakdown_in_maximo().await;
    let rowstamp = s.fake.lock().unwrap().wo(&number)["_rowstamp"].clone();
    assert_eq!(hub_notes(&s).await.len(), 1, "the laptop's note");
    add_child(
        &s,
        &number,
        "worklog",
        json!({"worklogid": 901, "logtype": "WORK", "createby": "PLANNER",
               "createdate": "2025-11-23T14:00:00+01:00", "description": "Spare seal ordered",
               "description_longdescription": "<div>Arrives <b>Tuesday</b> &amp; fitted then</div>"}),
    );
    add_child(
        &s,
        &number,
        "matusetrans",
        json!({"matusetransid": 77, "itemnum": "SEAL-22", "description": "Mechanical seal",
               "issuetype": "ISSUE", "quantity": -2.0, "issueunit": "EA",
               "transdate": "2025-11-23T15:00:00Z"}),
    );
    // A return and a worklog with nothing in it: nothing for the hub (the second is refused).
    add_child(
        &s,
        &number,
        "matusetrans",
        json!({"matusetransid": 78, "itemnum": "SEAL-22", "issuetype": "RETURN",
               "quantity": 1.0, "issueunit": "EA", "transdate": "2025-11-23T16:00:00Z"}),
    );
    add_child(
        &s,
        &number,
        "worklog",
        json!({"worklogid": 902, "createby": "PLANNER", "description": " ",
               "createdate": "2025-11-23T14:30:00Z"}),
    );
    assert_eq!(
        s.fake.lock().unwrap().wo(&number)["_rowstamp"],
        rowstamp,
        "no change of the work order itself"
    );

    let r = run(&s).await;
    assert_eq!(
        (
            r.work_orders,
            r.notes_added,
            r.parts_added,
            r.refused,
            r.removed
        ),
        (1, 1, 1, 1, 0),
        "{r:?}"
    );
    assert!(r.error.is_none(), "{r:?}");
    {
        let f = s.fake.lock().unwrap();
        let q = f
            .queries
            .iter()
            .rev()
            .find(|q| {
                q.get("oslc.select")
                    .is_some_and(|s| s.starts_with("wonum,worklog{"))
            })
            .unwrap();
        assert_eq!(
            q.get("oslc.where").unwrap(),
            &format!("wonum in [\"{number}\"] and siteid=\"BEDFORD\""),
        );
        // Not the work order's own attributes (its `status`): the child arrays only.
        assert!(
            !q.get("oslc.select")
                .unwrap()
                .split(',')
                .any(|a| a == "status"),
            "{q:?}"
        );
    }
    let notes = hub_notes(&s).await;
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes.contains(&"PLANNER: Spare seal ordered\nArrives Tuesday & fitted then".to_string()),
        "{notes:?}"
    );
    let parts = s
        .hub
        .count("SELECT count(*) FROM parts WHERE site = 'PLANT1' AND part_number = 'SEAL-22' AND quantity = 2 AND unit = 'ea'")
        .await;
    assert_eq!(parts, 1);
    let before = laptop.store.counts().unwrap().notes;
    laptop.sync(&s.hub).await;
    assert_eq!(laptop.store.counts().unwrap().notes, before + 1);

    // Read again: nothing added twice, and nothing sent back to Maximo.
    let r = run(&s).await;
    assert_eq!(
        (r.notes_added, r.parts_added, r.removed),
        (0, 0, 0),
        "{r:?}"
    );
    assert_eq!(
        s.hub
            .count("SELECT count(*) FROM cmms_outbox WHERE site = 'PLANT1' AND state <> 'sent'")
            .await,
        0,
        "a Maximo-made row is not queued for Maximo"
    );

    // Removed in Maximo: deleted on the hub and the laptop; the laptop's own note stays.
    remove_child(&s, &number, "worklog", "worklogid", 901);
    remove_child(&s, &number, "matusetrans", "matusetransid", 77);
    let r = run(&s).await;
    assert_eq!(r.removed, 2, "{r:?}");
    assert_eq!(hub_notes(&s).await.len(), 1);
    laptop.sync(&s.hub).await;
    assert_eq!(laptop.store.counts().unwrap().notes, before);
    let st = status(&s.hub.store, "PLANT1").await.unwrap();
    assert!(st.reconciled_at.is_some(), "{st:?}");
    assert_eq!(st.reconcile.unwrap()["removed"], 2);
}

#[tokio::test]
async fn the_hubs_own_rows_never_come_back_as_copies() {
    let (s, _laptop, _wo, number) = a_breakdown_in_maximo().await;
    // Maximo gave the hub's worklog an id; a second copy of it whose reference a site's Maximo
    // cut to 10 characters (its text and time are the note's).
    let sent = {
        let mut f = s.fake.lock().unwrap();
        let wo = f.wos.iter_mut().find(|w| w["wonum"] == number).unwrap();
        let log = &mut wo["worklog"][0];
        log["worklogid"] = json!(500);
        log.clone()
    };
    let mut cut = sent.clone();
    cut["worklogid"] = json!(501);
    cut["externalrefid"] = json!(sent["externalrefid"].as_str().unwrap()[..10].to_string());
    add_child(&s, &number, "worklog", cut);
    let r = run(&s).await;
    assert_eq!((r.work_orders, r.notes_added), (1, 0), "{r:?}");
    assert_eq!(hub_notes(&s).await.len(), 1);
    // The hub's row deleted in Maximo: the technician's note stays.
    remove_child(&s, &number, "worklog", "worklogid", 500);
    let r = run(&s).await;
    assert_eq!((r.notes_added, r.removed), (0, 0), "{r:?}");
    assert_eq!(hub_notes(&s).await.len(), 1);
}

#[tokio::test]
async fn maximo_down_changes_nothing_and_two_runs_at_once_add_once() {
    let (s, _laptop, _wo, number) = a_breakdown_in_maximo().await;
    add_child(
        &s,
        &number,
        "worklog",
        json!({"worklogid": 903, "createby": "PLANNER", "description": "Checked the coupling",
               "createdate": "2025-11-23T14:00:00Z"}),
    );
    s.fake.lock().unwrap().down = true;
    let r = run(&s).await;
    assert!(
        r.error.as_deref().unwrap_or("").contains("did not answer"),
        "{r:?}"
    );
    assert_eq!((r.notes_added, r.codes.retired), (0, 0), "{r:?}");
    let st = status(&s.hub.store, "PLANT1").await.unwrap();
    assert!(st.reconcile_error.is_some(), "{st:?}");
    s.fake.lock().unwrap().down = false;
    let (a, b) = tokio::join!(run(&s), run(&s));
    assert_eq!(a.notes_added + b.notes_added, 1, "{a:?} {b:?}");
    assert_eq!(hub_notes(&s).await.len(), 2);
}

#[tokio::test]
async fn maximo_reconcile_runs_from_the_command_line() {
    const BIN: &str = env!("CARGO_BIN_EXE_faultline-hub");
    let (s, _laptop, _wo, number) = a_breakdown_in_maximo().await;
    add_child(
        &s,
        &number,
        "worklog",
        json!({"worklogid": 904, "createby": "PLANNER", "description": "Guard refitted",
               "createdate": "2025-11-23T14:00:00Z"}),
    );
    let url = s.hub.db.url.clone();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(BIN)
            .arg("--database-url")
            .arg(&url)
            .args(["maximo", "reconcile", "--site", "PLANT1", "--json"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["notes_added"], 1, "{r}");
    assert_eq!(hub_notes(&s).await.len(), 2);
}

#[tokio::test]
async fn two_serve_loops_reconcile_a_site_once_per_interval() {
    let (s, _laptop, _wo, number) = a_breakdown_in_maximo().await;
    add_child(
        &s,
        &number,
        "worklog",
        json!({"worklogid": 905, "createby": "PLANNER", "description": "Belt tension checked",
               "createdate": "2025-11-23T14:00:00Z"}),
    );
    // The loops use the connector as configured (the plant's fake, key-1).
    let every = Duration::from_secs(3600);
    let a = tokio::spawn(run_reconciles(s.hub.store.clone(), every));
    let b = tokio::spawn(run_reconciles(s.hub.store.clone(), every));
    let mut done = false;
    for _ in 0..200 {
        done = status(&s.hub.store, "PLANT1")
            .await
            .unwrap()
            .reconciled_at
            .is_some();
        if done {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(done, "a loop reconciled the site");
    tokio::time::sleep(Duration::from_millis(500)).await;
    a.abort();
    b.abort();
    let reads = s
        .fake
        .lock()
        .unwrap()
        .queries
        .iter()
        .filter(|q| {
            q.get("oslc.select")
                .is_some_and(|s| s.starts_with("wonum,worklog{"))
        })
        .count();
    assert_eq!(reads, 1, "one reconcile of the site for both loops");
    assert_eq!(hub_notes(&s).await.len(), 2);
}

async fn hub_codes(s: &Plant) -> (Option<String>, Option<String>, Option<String>) {
    let row = s
        .hub
        .db
        .client()
        .await
        .query_one(
            "SELECT problem_code, cause_code, remedy_code FROM work_orders WHERE site = 'PLANT1'
             AND asset_id = $1",
            &[&s.asset],
        )
        .await
        .unwrap();
    (row.get(0), row.get(1), row.get(2))
}

#[tokio::test]
async fn failure_report_rows_made_in_maximo_reach_the_hub_and_the_laptop() {
    let (s, mut laptop, wo, number) = a_breakdown_in_maximo().await;
    let rowstamp = s.fake.lock().unwrap().wo(&number)["_rowstamp"].clone();
    // A planner enters the problem and cause in Maximo's failure reporting only.
    add_child(
        &s,
        &number,
        "failurereport",
        json!({"failurecode": "LEAK", "type": "PROBLEM"}),
    );
    add_child(
        &s,
        &number,
        "failurereport",
        json!({"failurecode": "SEALWORN", "type": "CAUSE"}),
    );
    assert_eq!(s.fake.lock().unwrap().wo(&number)["_rowstamp"], rowstamp);

    // A change of the work order still queued to Maximo: put off, nothing applied.
    laptop
        .store
        .add_note(wo, "ana", "waiting for the seal")
        .unwrap();
    laptop.sync(&s.hub).await;
    let r = run(&s).await;
    assert_eq!(
        (r.failure_reports_applied, r.failure_reports_deferred),
        (0, 1),
        "{r:?}"
    );
    assert_eq!(hub_codes(&s).await, (None, None, None));

    // Sent: the next reconcile applies the report's codes.
    s.drain("key-1").await;
    let r = run(&s).await;
    assert!(r.error.is_none(), "{r:?}");
    assert_eq!(
        (r.failure_reports_applied, r.failure_reports_deferred),
        (1, 0),
        "{r:?}"
    );
    assert_eq!(
        hub_codes(&s).await,
        (Some("LEAK".into()), Some("SEALWORN".into()), None)
    );
    assert_eq!(
        s.hub
            .count("SELECT count(*) FROM work_orders WHERE site = 'PLANT1'")
            .await,
        1,
        "the hub's work order updated, not a second one"
    );
    laptop.sync(&s.hub).await;
    let f = laptop.store.work_order(wo).unwrap().summary.failure;
    assert_eq!(
        (f.problem_code.as_deref(), f.cause_code.as_deref()),
        (Some("LEAK"), Some("SEALWORN"))
    );

    // Read again: nothing changes, nothing is sent to Maximo.
    let r = run(&s).await;
    assert_eq!(
        (r.failure_reports_applied, r.failure_reports_deferred),
        (0, 0),
        "{r:?}"
    );
    assert_eq!(
        s.hub
            .count("SELECT count(*) FROM cmms_outbox WHERE site = 'PLANT1' AND state <> 'sent'")
            .await,
        0
    );
}

#[tokio::test]
async fn a_work_order_deleted_in_maximo_is_kept_and_listed() {
    let (s, mut laptop, wo, number) = a_breakdown_in_maximo().await;
    s.fake.lock().unwrap().wos.retain(|w| w["wonum"] != number);
    let r = run(&s).await;
    assert!(r.error.is_none(), "{r:?}");
    assert_eq!((r.work_orders, r.removed), (0, 0), "{r:?}");
    assert_eq!(r.gone, vec![number.clone()], "{r:?}");
    assert_eq!(
        s.hub
            .count("SELECT count(*) FROM work_orders WHERE site = 'PLANT1'")
            .await,
        1,
        "the technician's work order stays"
    );
    assert_eq!(hub_notes(&s).await.len(), 1, "and its note");
    laptop.sync(&s.hub).await;
    assert_eq!(laptop.store.work_order(wo).unwrap().notes.len(), 1);
    let st = status(&s.hub.store, "PLANT1").await.unwrap();
    assert_eq!(st.reconcile.clone().unwrap()["gone"], json!([number]));
    assert_eq!(st.gone.len(), 1, "{st:?}");
    assert_eq!(st.gone[0].0, number);

    // The mark is kept: the next run lists nothing new and does not ask Maximo for it again.
    let asked = |s: &Plant| {
        s.fake
            .lock()
            .unwrap()
            .queries
            .iter()
            .filter(|q| {
                q.get("oslc.where")
                    .is_some_and(|w| w.contains(&format!("\"{number}\"")))
            })
            .count()
    };
    let before = asked(&s);
    let r = run(&s).await;
    assert!(r.error.is_none(), "{r:?}");
    assert!(r.gone.is_empty(), "{r:?}");
    assert_eq!(asked(&s), before, "not asked for again");
    let again = status(&s.hub.store, "PLANT1").await.unwrap();
    assert_eq!(again.gone, st.gone, "listed with the time it was found");
}
