//! The inbound fetch: records changed in Maximo reach the hub page by page and laptops pull
//! them; a stop between pages loses and doubles nothing; a work order the hub sent comes back
//! onto its own record. Real PostgreSQL, `fake_maximo` (never a real Maximo).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::fake_maximo;

use fake_maximo::config;
use fake_maximo::laptop::a_breakdown_in_maximo;
use fake_maximo::plant::{plant as setup, Plant};
use faultline_hub::connector::inbound_rows::{Inbound, WORK_ORDERS};
use faultline_hub::connector::{fetch, fetch_site, status, FetchReport, Maximo};
use serde_json::json;
use std::time::Duration;

/// A work order created by a Maximo user.
fn maximo_wo(wonum: &str, asset: &str) -> serde_json::Value {
    json!({"wonum": wonum, "siteid": "BEDFORD", "assetnum": asset, "worktype": "CM",
           "status": "WAPPR", "wopriority": 2, "description": format!("Inspect {asset}"),
           "reportedby": "PLANNER", "reportdate": "2025-11-20T08:00:00+01:00"})
}

async fn fetch_of(s: &Plant, spec: &Inbound, page_size: u32) -> FetchReport {
    let m = Maximo::new(&config(&s.url, "key-1"), Duration::from_secs(5)).unwrap();
    fetch(&s.hub.store, "PLANT1", &m, spec, page_size, u64::MAX)
        .await
        .unwrap()
}

async fn position(s: &Plant, os: &str) -> Option<String> {
    s.hub
        .db
        .client()
        .await
        .query_opt(
            "SELECT position FROM cmms_fetch_positions WHERE site = 'PLANT1' AND object = $1",
            &[&os],
        )
        .await
        .unwrap()
        .and_then(|r| r.get(0))
}

async fn maximo_wos(s: &Plant) -> i64 {
    s.hub
        .count("SELECT count(*) FROM work_orders WHERE site = 'PLANT1' AND number LIKE 'MX-%'")
        .await
}

#[tokio::test]
async fn pages_are_loaded_one_by_one_and_a_failed_page_loses_and_doubles_nothing() {
    let s = setup().await;
    {
        let mut f = s.fake.lock().unwrap();
        for n in 1..=5 {
            f.add("mxapiwodetail", maximo_wo(&format!("MX-{n}"), "P-101"));
        }
        // The first page is answered, then Maximo goes down.
        f.queries_left = Some(1);
    }
    let r = fetch_of(&s, &WORK_ORDERS, 2).await;
    assert_eq!((r.pages, r.records, r.inserted), (1, 2, 2), "{r:?}");
    assert!(
        r.error.as_deref().unwrap_or("").contains("did not answer"),
        "{r:?}"
    );
    assert_eq!(maximo_wos(&s).await, 2);
    let after_first = position(&s, "mxapiwodetail").await;
    let second_stamp = s.fake.lock().unwrap().wo("MX-2")["_rowstamp"].clone();
    assert_eq!(
        after_first.as_deref(),
        second_stamp.as_str(),
        "moved past page 1 only"
    );
    let st = status(&s.hub.store, "PLANT1").await.unwrap();
    let wo = st
        .fetch
        .iter()
        .find(|f| f.object == "mxapiwodetail")
        .unwrap();
    assert_eq!((wo.rows, wo.fetched_at), (2, None), "{wo:?}");
    assert!(
        wo.last_error.as_deref().unwrap_or("").contains("HTTP503"),
        "{wo:?}"
    );

    s.fake.lock().unwrap().queries_left = None;
    let r = fetch_of(&s, &WORK_ORDERS, 2).await;
    assert_eq!(
        (r.pages, r.records, r.inserted, r.updated),
        (2, 3, 3, 0),
        "{r:?}"
    );
    assert!(r.error.is_none(), "{r:?}");
    assert_eq!(maximo_wos(&s).await, 5, "every work order once");
    let st = status(&s.hub.store, "PLANT1").await.unwrap();
    let wo = st
        .fetch
        .iter()
        .find(|f| f.object == "mxapiwodetail")
        .unwrap();
    assert_eq!((wo.rows, wo.last_error.as_deref()), (5, None), "{wo:?}");
    assert!(wo.fetched_at.is_some(), "{wo:?}");
    {
        let f = s.fake.lock().unwrap();
        let resumed = &f.queries[f.queries.len() - 2];
        assert_eq!(
            resumed.get("lastfetchts"),
            after_first.as_ref(),
            "{resumed:?}"
        );
        assert_eq!(resumed.get("oslc.pageSize").map(String::as_str), Some("2"));
        assert_eq!(
            resumed.get("oslc.where").map(String::as_str),
            Some("siteid=\"BEDFORD\"")
        );
    }

    // Nothing new: nothing read.
    let r = fetch_of(&s, &WORK_ORDERS, 2).await;
    assert_eq!((r.records, r.inserted, r.updated), (0, 0, 0), "{r:?}");

    // A page committed whose position was not recorded (a kill in between) is read again and
    // changes nothing.
    s.hub
        .db
        .client()
        .await
        .execute("UPDATE cmms_fetch_positions SET position = NULL", &[])
        .await
        .unwrap();
    let r = fetch_of(&s, &WORK_ORDERS, 10).await;
    assert_eq!((r.records, r.inserted, r.updated), (5, 0, 0), "{r:?}");
    assert_eq!(maximo_wos(&s).await, 5);
    let versions = s
        .hub
        .count("SELECT max(version) FROM work_orders WHERE site = 'PLANT1'")
        .await;
    assert_eq!(versions, 0, "an unchanged row is not rewritten");
}

#[tokio::test]
async fn a_work_order_the_hub_sent_comes_back_onto_its_own_record_and_an_edit_reaches_the_laptop() {
    let (s, mut laptop, wo, number) = a_breakdown_in_maximo().await;
    // The laptop's stop time, which Maximo's work order does not hold.
    s.hub
        .db
        .client()
        .await
        .execute(
            "UPDATE work_orders SET downtime_start = '2025-11-23T10:00:00Z' WHERE id = $1",
            &[&wo],
        )
        .await
        .unwrap();

    // Its own send coming back: nothing changes, no second work order.
    let r = fetch_of(&s, &WORK_ORDERS, 50).await;
    assert_eq!((r.records, r.inserted, r.updated), (1, 0, 0), "{r:?}");
    let all = "SELECT count(*) FROM work_orders WHERE site = 'PLANT1'";
    assert_eq!(s.hub.count(all).await, 1);

    // A planner edits it in Maximo: the hub's record changes, the laptop pulls it.
    s.fake.lock().unwrap().edit(
        &number,
        "description",
        json!("Seal leak at P-101, planner checked"),
    );
    s.fake.lock().unwrap().edit(&number, "wopriority", json!(1));
    let r = fetch_of(&s, &WORK_ORDERS, 50).await;
    assert_eq!((r.records, r.inserted, r.updated), (1, 0, 1), "{r:?}");
    assert_eq!(s.hub.count(all).await, 1, "no duplicate");
    let row = s
        .hub
        .db
        .client()
        .await
        .query_one(
            "SELECT id, external_key, title, priority, downtime_start IS NOT NULL
             FROM work_orders WHERE site = 'PLANT1'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, uuid::Uuid>(0), wo, "the laptop's own record");
    assert_eq!(row.get::<_, Option<String>>(1), Some(number.clone()));
    assert_eq!(
        row.get::<_, String>(2),
        "Seal leak at P-101, planner checked"
    );
    assert_eq!(row.get::<_, i16>(3), 1);
    assert!(row.get::<_, bool>(4), "what Maximo does not hold is kept");

    laptop.sync(&s.hub).await;
    let seen = laptop.store.work_order(wo).unwrap();
    assert_eq!(seen.summary.title, "Seal leak at P-101, planner checked");
    assert_eq!(seen.summary.priority, 1);
}

#[tokio::test]
async fn a_work_order_with_changes_to_send_is_loaded_once_they_are_sent() {
    let (s, mut laptop, wo, number) = a_breakdown_in_maximo().await;
    // The laptop closes it (queued on the hub, not sent yet); a planner edits the title.
    laptop.close(wo, "RESEAL");
    laptop.sync(&s.hub).await;
    s.fake
        .lock()
        .unwrap()
        .edit(&number, "description", json!("Seal leak (planner)"));
    let r = fetch_of(&s, &WORK_ORDERS, 50).await;
    assert_eq!((r.deferred, r.updated), (1, 0), "{r:?}");
    let status = "SELECT status FROM work_orders WHERE site = 'PLANT1'";
    let read = |sql: &'static str| {
        let db = &s.hub.db;
        async move {
            db.client()
                .await
                .query_one(sql, &[])
                .await
                .unwrap()
                .get::<_, String>(0)
        }
    };
    assert_eq!(
        read(status).await,
        "closed",
        "the laptop's close is not undone"
    );

    assert_eq!(s.drain("key-1").await.sent, 1);
    let r = fetch_of(&s, &WORK_ORDERS, 50).await;
    assert_eq!(r.updated, 1, "{r:?}");
    assert_eq!(
        read("SELECT title FROM work_orders WHERE site = 'PLANT1'").await,
        "Seal leak (planner)"
    );
    assert_eq!(read(status).await, "closed", "COMP reads back as closed");
    assert_eq!(
        s.hub
            .count("SELECT count(*) FROM cmms_fetch_deferred")
            .await,
        0
    );
}

#[tokio::test]
async fn a_fetched_work_order_changed_in_maximo_and_on_a_laptop_is_a_conflict() {
    let s = setup().await;
    s.fake
        .lock()
        .unwrap()
        .add("mxapiwodetail", maximo_wo("MX-1", "P-101"));
    fetch_of(&s, &WORK_ORDERS, 50).await;
    let mut laptop = fake_maximo::laptop::Laptop::enroll(&s.hub).await;
    let wo: uuid::Uuid = s
        .hub
        .db
        .client()
        .await
        .query_one("SELECT id FROM work_orders WHERE number = 'MX-1'", &[])
        .await
        .unwrap()
        .get(0);
    // The technician closes it; meanwhile a planner sets another remedy in Maximo.
    laptop.close(wo, "RESEAL");
    laptop.sync(&s.hub).await;
    s.fake
        .lock()
        .unwrap()
        .edit("MX-1", "fr2code", json!("ADJUST"));
    let r = s.drain("key-1").await;
    assert_eq!(r.conflicts, 1, "{r:?}");
    assert_eq!(
        s.fake.lock().unwrap().wo("MX-1")["fr2code"],
        "ADJUST",
        "Maximo keeps its value"
    );
    laptop.sync(&s.hub).await;
    assert_eq!(laptop.store.conflicts(true).unwrap().len(), 1);
}

#[tokio::test]
async fn a_record_the_importer_refuses_blocks_nothing_else_and_is_kept_with_its_reason() {
    let s = setup().await;
    {
        let mut f = s.fake.lock().unwrap();
        f.add("mxapiwodetail", maximo_wo("MX-1", "P-101"));
        f.add("mxapiwodetail", maximo_wo("MX-2", "NOT-ON-THE-HUB"));
        f.add("mxapiwodetail", maximo_wo("MX-3", "P-101"));
    }
    let r = fetch_of(&s, &WORK_ORDERS, 50).await;
    assert_eq!((r.inserted, r.refused), (2, 1), "{r:?}");
    let reason: String = s
        .hub
        .db
        .client()
        .await
        .query_one(
            "SELECT reason FROM cmms_fetch_refused WHERE key = 'MX-2'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(reason.contains("NOT-ON-THE-HUB"), "{reason}");
    let st = status(&s.hub.store, "PLANT1").await.unwrap();
    assert_eq!(st.fetch_refused.len(), 1, "{st:?}");
    assert_eq!(st.fetch_refused[0].1, "MX-2");
    assert_eq!(maximo_wos(&s).await, 2);
}

#[tokio::test]
async fn assets_and_job_plans_made_in_maximo_reach_the_hub() {
    let s = setup().await;
    {
        let mut f = s.fake.lock().unwrap();
        f.add(
            "mxapiasset",
            json!({"assetnum": "P-202", "siteid": "BEDFORD", "description": "Feed pump 2",
                   "location": "LINE2", "manufacturer": "KSB"}),
        );
        f.add(
            "mxapijobplan",
            json!({"jpnum": "JP-SEAL", "pluscrevnum": 0, "status": "ACTIVE",
                   "description": "Replace a pump seal",
                   "jobtask": [{"jptask": 10, "description": "Isolate the pump"},
                               {"jptask": 20, "description": "Replace the seal"}]}),
        );
        f.add("mxapiwodetail", maximo_wo("MX-1", "P-202"));
    }
    let reports = fetch_site(&s.hub.store, "PLANT1", 50).await.unwrap();
    let by = |os: &str| by_name(&reports, os);
    assert_eq!(by("mxapiasset").inserted, 1, "{reports:?}");
    assert_eq!(by("mxapijobplan").inserted, 1, "{reports:?}");
    assert_eq!(
        by("mxapiwodetail").inserted,
        1,
        "the asset came first: {reports:?}"
    );
    let steps: serde_json::Value = s
        .hub
        .db
        .client()
        .await
        .query_one("SELECT steps FROM procedures WHERE code = 'JP-SEAL'", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(steps.as_array().map(Vec::len), Some(2), "{steps}");

    // The asset renamed in Maximo: the hub's record is updated, its id kept.
    let id = asset_id(&s, "P-202").await;
    s.fake.lock().unwrap().edit_object(
        "mxapiasset",
        "assetnum",
        "P-202",
        "description",
        json!("Feed pump 2 (rebuilt)"),
    );
    let reports = fetch_site(&s.hub.store, "PLANT1", 50).await.unwrap();
    assert_eq!(by_name(&reports, "mxapiasset").updated, 1, "{reports:?}");
    assert_eq!(asset_id(&s, "P-202").await, id);
}

#[tokio::test]
async fn a_model_set_or_changed_in_maximo_reaches_the_hubs_asset_and_the_laptop() {
    let s = setup().await;
    let mut laptop = fake_maximo::laptop::Laptop::enroll(&s.hub).await;
    s.fake.lock().unwrap().add(
        "mxapiasset",
        json!({"assetnum": "P-202", "siteid": "BEDFORD", "description": "Feed pump 2",
               "manufacturer": "KSB", "modelnum": "ETANORM 50-200"}),
    );
    fetch_site(&s.hub.store, "PLANT1", 50).await.unwrap();
    assert_eq!(
        model(&s).await,
        (Some("KSB".into()), Some("ETANORM 50-200".into()))
    );
    let id = asset_id(&s, "P-202").await;
    laptop.sync(&s.hub).await;
    let on_laptop = laptop.store.asset(id).unwrap();
    assert_eq!(on_laptop.model.as_deref(), Some("ETANORM 50-200"));

    // The model changed in Maximo (the pump replaced by another size): hub and laptop follow.
    s.fake.lock().unwrap().edit_object(
        "mxapiasset",
        "assetnum",
        "P-202",
        "modelnum",
        json!("ETANORM 65-250"),
    );
    let reports = fetch_site(&s.hub.store, "PLANT1", 50).await.unwrap();
    assert_eq!(by_name(&reports, "mxapiasset").updated, 1, "{reports:?}");
    assert_eq!(model(&s).await.1.as_deref(), Some("ETANORM 65-250"));
    laptop.sync(&s.hub).await;
    assert_eq!(
        laptop.store.asset(id).unwrap().model.as_deref(),
        Some("ETANORM 65-250")
    );
}

/// The hub's manufacturer and model of asset P-202.
async fn model(s: &Plant) -> (Option<String>, Option<String>) {
    let r = s
        .hub
        .db
        .client()
        .await
        .query_one(
            "SELECT manufacturer, model FROM assets WHERE site = 'PLANT1' AND tag = 'P-202'",
            &[],
        )
        .await
        .unwrap();
    (r.get(0), r.get(1))
}

/// The hub's procedures under `code`: (title, number of steps) of each.
async fn procedures(s: &Plant, code: &str) -> Vec<(String, usize)> {
    s.hub
        .db
        .client()
        .await
        .query(
            "SELECT title, steps FROM procedures WHERE code LIKE $1 || '%' ORDER BY code",
            &[&code],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let steps: serde_json::Value = r.get(1);
            (r.get(0), steps.as_array().map_or(0, Vec::len))
        })
        .collect()
}

#[tokio::test]
async fn only_a_job_plans_active_revision_is_fetched_and_a_new_active_one_replaces_it() {
    let s = setup().await;
    {
        // Revision 0 in use; revision 1 being drafted (later, so later in row-stamp order).
        let mut f = s.fake.lock().unwrap();
        f.add(
            "mxapijobplan",
            json!({"jpnum": "JP-SEAL", "pluscrevnum": 0, "status": "ACTIVE",
                   "description": "Replace a pump seal",
                   "jobtask": [{"jptask": 10, "description": "Isolate the pump"},
                               {"jptask": 20, "description": "Replace the seal"}]}),
        );
        f.add(
            "mxapijobplan",
            json!({"jpnum": "JP-SEAL", "pluscrevnum": 1, "status": "DRAFT",
                   "description": "Replace a pump seal (cartridge)",
                   "jobtask": [{"jptask": 10, "description": "Isolate and drain the pump"},
                               {"jptask": 20, "description": "Fit the cartridge seal"},
                               {"jptask": 30, "description": "Leak test at duty pressure"}]}),
        );
    }
    let reports = fetch_site(&s.hub.store, "PLANT1", 50).await.unwrap();
    assert_eq!(by_name(&reports, "mxapijobplan").inserted, 1, "{reports:?}");
    assert_eq!(
        procedures(&s, "JP-SEAL").await,
        [("Replace a pump seal".to_string(), 2)],
        "the active revision only, not the draft"
    );

    // Revision 1 activated: Maximo marks revision 0 REVISED.
    {
        let mut f = s.fake.lock().unwrap();
        let by_title = "description";
        f.edit_object(
            "mxapijobplan",
            by_title,
            "Replace a pump seal",
            "status",
            json!("REVISED"),
        );
        f.edit_object(
            "mxapijobplan",
            by_title,
            "Replace a pump seal (cartridge)",
            "status",
            json!("ACTIVE"),
        );
    }
    let reports = fetch_site(&s.hub.store, "PLANT1", 50).await.unwrap();
    assert_eq!(by_name(&reports, "mxapijobplan").updated, 1, "{reports:?}");
    assert_eq!(
        procedures(&s, "JP-SEAL").await,
        [("Replace a pump seal (cartridge)".to_string(), 3)],
        "the new active revision in place of the old, not a second procedure"
    );
    // Nothing changed since: the next fetch reads nothing more.
    let reports = fetch_site(&s.hub.store, "PLANT1", 50).await.unwrap();
    let jp = by_name(&reports, "mxapijobplan");
    assert_eq!((jp.inserted, jp.updated), (0, 0), "{reports:?}");
}

async fn asset_id(s: &Plant, tag: &str) -> uuid::Uuid {
    s.hub
        .db
        .client()
        .await
        .query_one(
            "SELECT id FROM assets WHERE site = 'PLANT1' AND tag = $1",
            &[&tag],
        )
        .await
        .unwrap()
        .get(0)
}

fn by_name(reports: &[FetchReport], os: &str) -> FetchReport {
    reports.iter().find(|r| r.object == os).unwrap().clone()
}

#[tokio::test]
async fn a_fetch_killed_mid_run_resumes_from_its_position_and_nothing_is_lost_or_doubled() {
    const BIN: &str = env!("CARGO_BIN_EXE_faultline-hub");
    let s = setup().await;
    {
        let mut f = s.fake.lock().unwrap();
        for n in 1..=20 {
            f.add("mxapiwodetail", maximo_wo(&format!("MX-{n}"), "P-101"));
        }
        f.latency_ms = 60;
    }
    let fetch_cmd = || {
        let mut c = std::process::Command::new(BIN);
        c.arg("--database-url")
            .arg(&s.hub.db.url)
            .args(["maximo", "fetch", "--site", "PLANT1", "--page-size", "1"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        c
    };
    let mut child = fetch_cmd().spawn().unwrap();
    let mut loaded = 0;
    for _ in 0..400 {
        loaded = maximo_wos(&s).await;
        if loaded >= 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let at_kill = maximo_wos(&s).await;
    assert!(
        (4..20).contains(&at_kill),
        "killed mid-run: {loaded} / {at_kill}"
    );
    let pos = position(&s, "mxapiwodetail").await;

    s.fake.lock().unwrap().latency_ms = 0;
    let queries_before = s.fake.lock().unwrap().queries.len();
    // Waited for off the runtime, which serves the fake.
    let mut again = fetch_cmd();
    let status = tokio::task::spawn_blocking(move || again.status())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success());
    assert_eq!(maximo_wos(&s).await, 20, "every work order");
    let mut st = std::process::Command::new(BIN);
    st.arg("--database-url")
        .arg(&s.hub.db.url)
        .args(["maximo", "status", "--site", "PLANT1"]);
    let out = tokio::task::spawn_blocking(move || st.output())
        .await
        .unwrap()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let line = text
        .lines()
        .find(|l| l.starts_with("fetch mxapiwodetail: position "))
        .unwrap_or_else(|| panic!("{text}"));
    // The last record's stamp; the loaded count may miss a page the killed process committed
    // but did not count (read again, it changed nothing).
    assert!(line.contains("position 20,"), "{line}");
    assert!(
        !line.contains("never") && !line.contains("stopped"),
        "{line}"
    );
    let versions = s
        .hub
        .count("SELECT max(version) FROM work_orders WHERE site = 'PLANT1'")
        .await;
    assert_eq!(versions, 0, "none loaded twice with a change");
    let f = s.fake.lock().unwrap();
    let resumed = f.queries[queries_before..]
        .iter()
        .find(|q| {
            q.get("oslc.orderBy").is_some()
                && q.get("oslc.select").is_some_and(|s| s.contains("wonum"))
        })
        .cloned()
        .unwrap();
    assert_eq!(
        resumed.get("lastfetchts"),
        pos.as_ref(),
        "resumed from the position"
    );
    let st_rows = f.queries[queries_before..].len();
    // The pages left, and one query each of assets, failure codes and job plans.
    assert!(
        st_rows <= 20 - at_kill as usize + 4,
        "{st_rows} queries to finish"
    );
}
