//! The Maximo connector against `fake_maximo` (tests/fake_maximo; never a real Maximo), with the
//! hub on real PostgreSQL: a breakdown logged on a laptop reaches Maximo as a work order with
//! its worklog, status changes at the technician's times and failure codes; a lost answer after
//! Maximo committed, Maximo down then back, one invalid item, a revoked key.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::fake_maximo;

use common::{close, env, note, set_status};
use fake_maximo::config;
use fake_maximo::plant::{create, plant as setup, Plant as Setup};
use faultline_hub::connector::{configure, drain_bulk, retry_failed, status, Maximo};
use faultline_protocol::{Mutation, Outcome};
use std::time::Duration;
use uuid::Uuid;

impl Setup {
    /// A breakdown logged offline and pushed: create, note, start, close.
    async fn breakdown(&self, number: &str, asset: Uuid) -> (Uuid, Uuid) {
        let wo = Uuid::now_v7();
        let first = env(0, create(wo, number, asset));
        let id = first.mutation_id;
        self.hub
            .push(
                &self.token,
                "PLANT1",
                vec![
                    first,
                    env(1, note(wo, "seal leaking, line 2 stopped")),
                    env(1, set_status(wo, "in_progress")),
                    env(2, close(wo, "REPLACE")),
                ],
            )
            .await;
        (wo, id)
    }
}

#[tokio::test]
async fn a_breakdown_reaches_maximo_with_worklog_statuses_at_their_times_and_codes() {
    let s = setup().await;
    let (_, create_id) = s.breakdown("FL-1", s.asset).await;
    let r = s.drain("key-1").await;
    assert_eq!((r.sent, r.rejected, r.retried), (4, 0, 0), "{r:?}");
    let f = s.fake.lock().unwrap();
    assert_eq!(f.wos.len(), 1);
    let wo = &f.wos[0];
    assert_eq!(wo["wonum"], "FL-1");
    assert_eq!(wo["siteid"], "BEDFORD");
    assert_eq!(wo["worktype"], "EM");
    assert_eq!(wo["externalrefid"], create_id.to_string());
    assert_eq!(
        wo["worklog"][0]["description_longdescription"],
        "seal leaking, line 2 stopped"
    );
    assert_eq!(
        (
            wo["failurecode"].as_str(),
            wo["problemcode"].as_str(),
            wo["fr1code"].as_str(),
            wo["fr2code"].as_str()
        ),
        (
            Some("PUMP"),
            Some("LEAK"),
            Some("SEALWORN"),
            Some("REPLACE")
        )
    );
    assert_eq!(
        wo["failurereport"],
        serde_json::json!([
            {"failurecode": "LEAK", "type": "PROBLEM"},
            {"failurecode": "SEALWORN", "type": "CAUSE"},
            {"failurecode": "REPLACE", "type": "REMEDY"}
        ]),
        "the failure report rows below the class"
    );
    let changes: Vec<(&str, &str)> = f
        .status_changes
        .iter()
        .map(|(_, st, d)| (st.as_str(), d.as_str()))
        .collect();
    assert_eq!(
        changes,
        [
            ("INPRG", "2025-11-23T12:13:40Z"),
            ("COMP", "2025-11-23T13:13:20Z")
        ],
        "the technician's times, in order"
    );
}

#[tokio::test]
async fn a_close_whose_answer_was_lost_adds_its_failure_report_rows_once() {
    let s = setup().await;
    s.breakdown("FL-1", s.asset).await;
    let m = Maximo::new(&config(&s.url, "key-1"), Duration::from_secs(5)).unwrap();
    let r = faultline_hub::connector::drain(&s.hub.store, "PLANT1", &m, 3)
        .await
        .unwrap();
    assert_eq!(r.sent, 3, "create, note, start: {r:?}");
    s.fake.lock().unwrap().lose_next_answer = true;
    let r = s.drain("key-1").await;
    assert_eq!(
        (r.sent, r.retried),
        (0, 1),
        "the close's answer lost: {r:?}"
    );
    s.fake.lock().unwrap().window_passes();
    retry_failed(&s.hub.store, "PLANT1", None).await.unwrap();
    let r = s.drain("key-1").await;
    assert_eq!(r.sent, 1, "{r:?}");
    let f = s.fake.lock().unwrap();
    let wo = f.wo("FL-1");
    let kinds: Vec<&str> = wo["failurereport"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["type"].as_str())
        .collect();
    assert_eq!(kinds, ["PROBLEM", "CAUSE", "REMEDY"], "once each");
    assert_eq!(remarks(wo), ["seal replaced"], "the remedy text once");
    assert_eq!(wo["status"], "COMP");
}

/// The long descriptions of a work order's failure remarks (FAILUREREMARK), in order.
fn remarks(wo: &serde_json::Value) -> Vec<&str> {
    wo["failureremark"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .filter_map(|r| r["description_longdescription"].as_str())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn the_remedy_text_reaches_the_failure_remarks_once_and_a_chosen_edit_updates_them() {
    let s = setup().await;
    let (wo, _) = s.breakdown("FL-1", s.asset).await;
    assert_eq!(s.drain("key-1").await.sent, 4);
    let id = {
        let f = s.fake.lock().unwrap();
        let w = f.wo("FL-1");
        assert_eq!(remarks(w), ["seal replaced"], "{w}");
        assert_eq!(w["failureremark"][0]["description"], "seal replaced");
        w["failureremark"][0]["failureremarkid"].clone()
    };

    // Another laptop closed it too, offline, with another remedy text: a conflict on the hub.
    let other = s.hub.enroll("PLANT1", "laptop-b").await.token;
    let mut close_b = close(wo, "REPLACE");
    if let Mutation::CloseWorkOrder { remedy_text, .. } = &mut close_b {
        *remedy_text = Some("seal and bearing replaced".into());
    }
    let answer = s.hub.push(&other, "PLANT1", vec![env(2, close_b)]).await;
    let conflict = match &answer.results[0].outcome {
        Outcome::Conflict { conflict } => conflict.clone(),
        o => panic!("a conflict on the remedy text: {o:?}"),
    };
    assert_eq!(conflict.field, "remedy_text");
    s.drain("key-1").await;
    assert_eq!(
        remarks(s.fake.lock().unwrap().wo("FL-1")),
        ["seal replaced"],
        "the hub's value stands until a person chooses"
    );

    // A person chooses the other text: Maximo's remarks are updated, not added to.
    let resolve = Mutation::ResolveConflict {
        conflict_id: conflict.conflict_id,
        work_order_id: wo,
        field: "remedy_text".into(),
        value: serde_json::json!("seal and bearing replaced"),
    };
    let answer = s.hub.push(&other, "PLANT1", vec![env(3, resolve)]).await;
    assert!(
        matches!(answer.results[0].outcome, Outcome::Applied { .. }),
        "{answer:?}"
    );
    let r = s.drain("key-1").await;
    assert_eq!((r.sent, r.rejected), (1, 0), "{r:?}");
    let f = s.fake.lock().unwrap();
    let w = f.wo("FL-1");
    assert_eq!(remarks(w), ["seal and bearing replaced"], "{w}");
    assert_eq!(w["failureremark"][0]["failureremarkid"], id, "the same row");
}

#[tokio::test]
async fn a_change_whose_id_sorts_before_its_work_orders_create_is_sent_after_it() {
    // Two mutations made in the same millisecond: their UUIDv7 ids need not sort in the order
    // the laptop made them; the hub applies them in the push's order and so must send them.
    let s = setup().await;
    let wo = Uuid::now_v7();
    let earlier_id = Uuid::now_v7();
    std::thread::sleep(Duration::from_millis(2));
    let mut created = env(0, create(wo, "FL-1", s.asset));
    let mut noted = env(1, note(wo, "seal leaking"));
    noted.mutation_id = earlier_id;
    created.mutation_id = Uuid::now_v7();
    assert!(noted.mutation_id < created.mutation_id);
    s.hub.push(&s.token, "PLANT1", vec![created, noted]).await;
    let r = s.drain("key-1").await;
    assert_eq!((r.sent, r.retried), (2, 0), "{r:?}");
    let f = s.fake.lock().unwrap();
    assert_eq!(f.wo("FL-1")["worklog"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn a_lost_answer_after_maximo_committed_never_doubles_the_work_order() {
    let s = setup().await;
    s.breakdown("FL-1", s.asset).await;
    s.fake.lock().unwrap().lose_next_answer = true;
    let r = s.drain("key-1").await;
    assert_eq!(
        (r.sent, r.retried),
        (0, 1),
        "the create's answer was lost: {r:?}"
    );
    assert_eq!(s.fake.lock().unwrap().wos.len(), 1, "Maximo committed it");
    retry_failed(&s.hub.store, "PLANT1", None).await.unwrap();
    let r = s.drain("key-1").await;
    assert_eq!(r.sent, 4, "{r:?}");
    let f = s.fake.lock().unwrap();
    assert_eq!(
        f.wos.len(),
        1,
        "looked up by its external reference, not created again"
    );
    assert_eq!(f.wos[0]["worklog"].as_array().map(Vec::len), Some(1));
}

/// How many requests carried the create's `transactionid`.
fn creates(f: &fake_maximo::Fake, create_id: Uuid) -> usize {
    let id = create_id.to_string();
    f.transaction_ids.iter().filter(|t| **t == id).count()
}

#[tokio::test]
async fn a_create_replayed_within_maximos_window_is_refused_by_its_transactionid_and_found() {
    let s = setup().await;
    let (_, create_id) = s.breakdown("FL-1", s.asset).await;
    s.fake.lock().unwrap().lose_next_answer = true;
    assert_eq!(s.drain("key-1").await.retried, 1);
    // Maximo committed, but its query does not show the record yet: the create goes again,
    // with the same transactionid, which Maximo answers 409; the connector looks again.
    s.fake.lock().unwrap().blind_queries = 1;
    retry_failed(&s.hub.store, "PLANT1", None).await.unwrap();
    let r = s.drain("key-1").await;
    assert_eq!((r.sent, r.rejected), (4, 0), "{r:?}");
    let f = s.fake.lock().unwrap();
    assert_eq!(f.wos.len(), 1, "no duplicate");
    assert_eq!(creates(&f, create_id), 2, "{:?}", f.transaction_ids);
}

#[tokio::test]
async fn a_retry_after_the_replay_window_is_found_by_its_external_reference() {
    let s = setup().await;
    let (_, create_id) = s.breakdown("FL-1", s.asset).await;
    s.fake.lock().unwrap().lose_next_answer = true;
    assert_eq!(s.drain("key-1").await.retried, 1);
    // A shift later: Maximo no longer remembers the transactionid.
    s.fake.lock().unwrap().window_passes();
    retry_failed(&s.hub.store, "PLANT1", None).await.unwrap();
    assert_eq!(s.drain("key-1").await.sent, 4);
    let f = s.fake.lock().unwrap();
    assert_eq!(
        f.wos.len(),
        1,
        "looked up by externalrefid, not created again"
    );
    assert_eq!(creates(&f, create_id), 1, "one create only");
}

#[tokio::test]
async fn maximo_down_then_back_loses_nothing() {
    let s = setup().await;
    s.breakdown("FL-1", s.asset).await;
    s.fake.lock().unwrap().down = true;
    let r = s.drain("key-1").await;
    assert_eq!((r.sent, r.retried), (0, 1));
    let st = status(&s.hub.store, "PLANT1").await.unwrap();
    assert_eq!(st.waiting, 4);
    assert!(st.last_error.unwrap_or_default().contains("HTTP503"));
    s.fake.lock().unwrap().down = false;
    retry_failed(&s.hub.store, "PLANT1", None).await.unwrap();
    assert_eq!(s.drain("key-1").await.sent, 4);
    assert_eq!(s.fake.lock().unwrap().status_changes.len(), 2);
}

#[tokio::test]
async fn one_invalid_item_is_refused_with_maximos_reason_and_blocks_nothing_else() {
    let s = setup().await;
    s.breakdown("FL-1", s.bad_asset).await;
    s.breakdown("FL-2", s.asset).await;
    let r = s.drain("key-1").await;
    assert_eq!((r.sent, r.rejected), (4, 1), "{r:?}");
    let st = status(&s.hub.store, "PLANT1").await.unwrap();
    assert_eq!((st.failed, st.waiting), (1, 3));
    assert!(
        st.failures[0]
            .2
            .starts_with("BMXAA4195E: Asset NOT-IN-MAXIMO"),
        "{:?}",
        st.failures
    );
    let f = s.fake.lock().unwrap();
    assert_eq!(f.wos.len(), 1);
    assert_eq!(f.wos[0]["wonum"], "FL-2");
}

#[tokio::test]
async fn new_work_orders_go_in_one_bulk_request_read_per_item() {
    let s = setup().await;
    for i in 0..5 {
        s.breakdown(&format!("FL-{i}"), s.asset).await;
    }
    s.breakdown("FL-BAD", s.bad_asset).await;
    let m = Maximo::new(&config(&s.url, "key-1"), Duration::from_secs(5)).unwrap();
    let r = drain_bulk(&s.hub.store, "PLANT1", &m, 1000, 20)
        .await
        .unwrap();
    assert_eq!((r.sent, r.rejected), (20, 1), "{r:?}");
    {
        let f = s.fake.lock().unwrap();
        assert_eq!(f.bulk_requests, 1, "the six creates went together");
        assert_eq!(f.bulk_updates, 1, "the five notes went together");
        assert_eq!(
            f.wos.len(),
            5,
            "the invalid one refused, the others created"
        );
        assert!(f
            .wos
            .iter()
            .all(|w| w["worklog"].as_array().map(Vec::len) == Some(1)));
    }
    let st = status(&s.hub.store, "PLANT1").await.unwrap();
    assert_eq!((st.failed, st.waiting), (1, 3), "only FL-BAD's rows wait");
    assert!(
        st.failures[0]
            .2
            .starts_with("BMXAA4195E: Asset NOT-IN-MAXIMO"),
        "{:?}",
        st.failures
    );
}

#[tokio::test]
async fn a_lost_bulk_answer_creates_nothing_twice() {
    let s = setup().await;
    for i in 0..4 {
        s.breakdown(&format!("FL-{i}"), s.asset).await;
    }
    let m = Maximo::new(&config(&s.url, "key-1"), Duration::from_secs(5)).unwrap();
    s.fake.lock().unwrap().lose_next_answer = true;
    let r = drain_bulk(&s.hub.store, "PLANT1", &m, 4, 20).await.unwrap();
    assert_eq!((r.sent, r.retried), (0, 4), "{r:?}");
    assert_eq!(s.fake.lock().unwrap().wos.len(), 4, "Maximo committed them");
    retry_failed(&s.hub.store, "PLANT1", None).await.unwrap();
    let r = drain_bulk(&s.hub.store, "PLANT1", &m, 1000, 20)
        .await
        .unwrap();
    assert_eq!(r.sent, 16, "{r:?}");
    let f = s.fake.lock().unwrap();
    assert_eq!(
        f.wos.len(),
        4,
        "found by externalrefid in [...], not created again"
    );
    assert_eq!(f.bulk_requests, 1);
}

#[tokio::test]
async fn a_revoked_key_mid_run_stops_clearly_and_resumes_with_a_new_one() {
    let s = setup().await;
    s.breakdown("FL-1", s.asset).await;
    s.fake.lock().unwrap().key = "key-2".into();
    let r = s.drain("key-1").await;
    assert!(
        r.auth_error.as_deref().unwrap_or("").contains("BMXAA7901E"),
        "{r:?}"
    );
    assert_eq!(r.sent, 0);
    assert_eq!(status(&s.hub.store, "PLANT1").await.unwrap().waiting, 4);
    configure(&s.hub.store, &config(&s.url, "key-2"))
        .await
        .unwrap();
    assert_eq!(s.drain("key-2").await.sent, 4);
    assert_eq!(s.fake.lock().unwrap().wos.len(), 1);
}

const BIN: &str = env!("CARGO_BIN_EXE_faultline-hub");

fn drain_process(url: &str) -> tokio::process::Child {
    tokio::process::Command::new(BIN)
        .arg("--database-url")
        .arg(url)
        .args(["maximo", "drain", "--site", "PLANT1", "--concurrency", "2"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

/// Every breakdown once in the fake: one work order, one worklog, two status changes each.
fn assert_each_once(f: &fake_maximo::Fake, n: usize) {
    assert_eq!(f.wos.len(), n, "work orders");
    for wo in &f.wos {
        assert_eq!(wo["worklog"].as_array().map(Vec::len), Some(1), "{wo}");
    }
    assert_eq!(f.status_changes.len(), 2 * n, "{:?}", f.status_changes);
}

#[tokio::test]
async fn two_hub_processes_draining_at_once_send_nothing_twice() {
    let s = setup().await;
    for i in 0..8 {
        s.breakdown(&format!("FL-{i}"), s.asset).await;
    }
    s.fake.lock().unwrap().latency_ms = 10;
    let (mut a, mut b) = (drain_process(&s.hub.db.url), drain_process(&s.hub.db.url));
    let (ra, rb) = tokio::join!(a.wait(), b.wait());
    assert!(ra.unwrap().success() && rb.unwrap().success());
    assert_each_once(&s.fake.lock().unwrap(), 8);
    assert_eq!(status(&s.hub.store, "PLANT1").await.unwrap().sent, 32);
}

#[tokio::test]
async fn a_hub_killed_mid_send_resumes_without_duplicates() {
    let s = setup().await;
    for i in 0..8 {
        s.breakdown(&format!("FL-{i}"), s.asset).await;
    }
    // Slow enough that the kill lands mid-drain (bulk creates and parallel sends are quick).
    s.fake.lock().unwrap().latency_ms = 150;
    let mut killed = drain_process(&s.hub.db.url);
    tokio::time::sleep(Duration::from_millis(700)).await;
    killed.start_kill().unwrap();
    killed.wait().await.unwrap();
    let before = status(&s.hub.store, "PLANT1").await.unwrap();
    assert!(
        before.sent > 0 && before.waiting > 0,
        "the kill landed mid-drain: {before:?}"
    );
    let mut rest = drain_process(&s.hub.db.url);
    assert!(rest.wait().await.unwrap().success());
    assert_each_once(&s.fake.lock().unwrap(), 8);
    assert_eq!(status(&s.hub.store, "PLANT1").await.unwrap().sent, 32);
}
