//! The CMMS outbound queue on real PostgreSQL, with a recording connector: applied pushes are
//! queued (only on sites with a connector), two drains at once (two pools, as two hub processes)
//! never send a row twice and keep each work order's order, a refused item holds back only its
//! work order until `retry`, a refused key stops the drain without losing anything, and a
//! sender given the laptop gate claims nothing while a laptop request is in flight.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{env, note, Hub};
use faultline_hub::connector::{
    configure, drain, drain_yielding, retry_failed, status, Connector, ConnectorConfig, OutboxItem,
    SendOutcome,
};
use faultline_hub::priority::LaptopGate;
use faultline_hub::PgStore;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use uuid::Uuid;

/// (work order, note text) of one item sent.
type Sent = (Option<Uuid>, String);

/// Records what it was sent; refuses notes whose text starts with "bad", and the key while
/// `key_revoked` is set.
#[derive(Default, Clone)]
struct Recorder {
    sent: Arc<Mutex<Vec<Sent>>>,
    key_revoked: Arc<Mutex<bool>>,
    delay_ms: u64,
}

impl Connector for Recorder {
    async fn send(&self, item: &OutboxItem) -> SendOutcome {
        if *self.key_revoked.lock().unwrap() {
            return SendOutcome::AuthRefused("BMXAA0021E: the API key is not valid".into());
        }
        tokio::time::sleep(Duration::from_millis(self.delay_ms)).await;
        let text = item.payload["text"].as_str().unwrap_or("").to_string();
        if text.starts_with("bad") {
            return SendOutcome::Rejected("BMXAA4195E: the value is not valid".into());
        }
        self.sent.lock().unwrap().push((item.work_order_id, text));
        SendOutcome::Sent {
            external_id: Some(item.mutation_id.to_string()),
            seen: None,
        }
    }
}

fn maximo(site: &str) -> ConnectorConfig {
    ConnectorConfig {
        site: site.into(),
        kind: "maximo".into(),
        url: "http://127.0.0.1:1/maximo".into(),
        api_key: "k1".into(),
        ca_bundle: None,
        cmms_siteid: Some("BEDFORD".into()),
        cmms_orgid: Some("EAGLENA".into()),
    }
}

#[tokio::test]
async fn applied_changes_are_queued_only_where_a_connector_is_configured() {
    let hub = Hub::start().await;
    hub.site("A").await;
    hub.site("B").await;
    configure(&hub.store, &maximo("A")).await.unwrap();
    let (da, db) = (hub.enroll("A", "a").await, hub.enroll("B", "b").await);
    let wa = hub
        .work_order("A", hub.asset("A", "P-1").await, "open")
        .await;
    let wb = hub
        .work_order("B", hub.asset("B", "P-1").await, "open")
        .await;
    hub.push(
        &da.token,
        "A",
        vec![env(0, note(wa, "one")), env(0, note(wa, "two"))],
    )
    .await;
    hub.push(&db.token, "B", vec![env(0, note(wb, "elsewhere"))])
        .await;
    let n = hub
        .count("SELECT count(*) FROM cmms_outbox WHERE site = 'A' AND kind = 'add_note'")
        .await;
    assert_eq!(n, 2);
    assert_eq!(
        hub.count("SELECT count(*) FROM cmms_outbox WHERE site = 'B'")
            .await,
        0
    );
}

#[tokio::test]
async fn a_sender_claims_nothing_while_a_laptop_request_is_in_flight() {
    let hub = Hub::start().await;
    hub.site("S").await;
    configure(&hub.store, &maximo("S")).await.unwrap();
    let dev = hub.enroll("S", "d").await;
    let asset = hub.asset("S", "P-1").await;
    let wo = hub.work_order("S", asset, "open").await;
    let muts = (0..3).map(|i| env(0, note(wo, &format!("n{i}")))).collect();
    hub.push(&dev.token, "S", muts).await;
    let rec = Recorder::default();
    // An hour's bound: the sender can only go on because the request ended.
    let gate = LaptopGate::with_bound(Duration::from_secs(3600));
    let laptop = gate.enter();
    let sender = tokio::spawn({
        let (store, rec, gate) = (hub.store.clone(), rec.clone(), gate.clone());
        async move { drain_yielding(&store, "S", &rec, 1000, 20, Some(&gate)).await }
    });
    // Time enough for an ungated sender to send all three (the recorder answers at once).
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        rec.sent.lock().unwrap().is_empty(),
        "sent while a laptop was in flight"
    );
    assert!(!sender.is_finished());
    drop(laptop);
    let report = sender.await.unwrap().unwrap();
    assert_eq!(report.sent, 3);
    assert_eq!(rec.sent.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn two_drains_at_once_send_every_row_once_in_work_order_order() {
    let hub = Hub::start().await;
    hub.site("S").await;
    configure(&hub.store, &maximo("S")).await.unwrap();
    let dev = hub.enroll("S", "d").await;
    let asset = hub.asset("S", "P-1").await;
    let mut wos = Vec::new();
    for _ in 0..4 {
        wos.push(hub.work_order("S", asset, "open").await);
    }
    for i in 0..10 {
        let muts = wos
            .iter()
            .map(|w| env(0, note(*w, &format!("{i:02}"))))
            .collect();
        hub.push(&dev.token, "S", muts).await;
    }
    let rec = Recorder {
        delay_ms: 5,
        ..Recorder::default()
    };
    // A second store with its own pool: another hub process as far as PostgreSQL can tell.
    let other = PgStore::open(&hub.db.url, 4).await.unwrap();
    let (a, b) = tokio::join!(
        drain(&hub.store, "S", &rec, 1000),
        drain(&other, "S", &rec, 1000)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.sent + b.sent, 40);
    assert!(
        a.sent > 0 && b.sent > 0,
        "both drains took part: {a:?} {b:?}"
    );
    let sent = rec.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 40, "no row sent twice");
    for w in &wos {
        let texts: Vec<&str> = sent
            .iter()
            .filter(|(id, _)| id.as_ref() == Some(w))
            .map(|(_, t)| t.as_str())
            .collect();
        let mut sorted = texts.clone();
        sorted.sort();
        assert_eq!(texts, sorted, "a work order's changes in order");
    }
    let s = status(&hub.store, "S").await.unwrap();
    assert_eq!((s.sent, s.waiting, s.failed), (40, 0, 0));
}

#[tokio::test]
async fn a_refused_item_holds_back_only_its_work_order_until_retry() {
    let hub = Hub::start().await;
    hub.site("S").await;
    configure(&hub.store, &maximo("S")).await.unwrap();
    let dev = hub.enroll("S", "d").await;
    let asset = hub.asset("S", "P-1").await;
    let (w1, w2) = (
        hub.work_order("S", asset, "open").await,
        hub.work_order("S", asset, "open").await,
    );
    hub.push(
        &dev.token,
        "S",
        vec![
            env(0, note(w1, "bad asset")),
            env(0, note(w1, "after the bad one")),
            env(0, note(w2, "other work order")),
        ],
    )
    .await;
    let rec = Recorder::default();
    let r = drain(&hub.store, "S", &rec, 100).await.unwrap();
    assert_eq!((r.sent, r.rejected), (1, 1));
    assert_eq!(rec.sent.lock().unwrap()[0].1, "other work order");
    let s = status(&hub.store, "S").await.unwrap();
    assert_eq!((s.sent, s.waiting, s.failed), (1, 1, 1));
    assert!(s.failures[0].2.contains("BMXAA4195E"), "{:?}", s.failures);
    // A person fixes the cause in the CMMS (here: the recorder accepts it now) and retries.
    let fixed = Recorder::default();
    let _ = retry_failed(&hub.store, "S", None).await.unwrap();
    hub.db
        .client()
        .await
        .execute(
            "UPDATE cmms_outbox SET payload = jsonb_set(payload, '{text}', '\"fixed\"')
             WHERE payload->>'text' = 'bad asset'",
            &[],
        )
        .await
        .unwrap();
    let r = drain(&hub.store, "S", &fixed, 100).await.unwrap();
    assert_eq!(r.sent, 2);
    let texts: Vec<String> = fixed
        .sent
        .lock()
        .unwrap()
        .iter()
        .map(|s| s.1.clone())
        .collect();
    assert_eq!(texts, ["fixed", "after the bad one"]);
}

#[tokio::test]
async fn a_revoked_key_stops_the_drain_loses_nothing_and_resumes_after_configure() {
    let hub = Hub::start().await;
    hub.site("S").await;
    configure(&hub.store, &maximo("S")).await.unwrap();
    let dev = hub.enroll("S", "d").await;
    let w = hub
        .work_order("S", hub.asset("S", "P-1").await, "open")
        .await;
    hub.push(
        &dev.token,
        "S",
        vec![env(0, note(w, "a")), env(0, note(w, "b"))],
    )
    .await;
    let rec = Recorder::default();
    *rec.key_revoked.lock().unwrap() = true;
    let r = drain(&hub.store, "S", &rec, 100).await.unwrap();
    assert!(r.auth_error.is_some());
    assert_eq!(r.sent, 0);
    // Stopped: even with a good key again, nothing is sent until the key is configured.
    *rec.key_revoked.lock().unwrap() = false;
    let r = drain(&hub.store, "S", &rec, 100).await.unwrap();
    assert_eq!(r.sent, 0);
    let s = status(&hub.store, "S").await.unwrap();
    assert_eq!(s.waiting, 2);
    assert!(s.auth_error.unwrap_or_default().contains("BMXAA0021E"));
    let mut again = maximo("S");
    again.api_key = "k2".into();
    configure(&hub.store, &again).await.unwrap();
    let r = drain(&hub.store, "S", &rec, 100).await.unwrap();
    assert_eq!(r.sent, 2);
}

#[tokio::test]
async fn maximo_configure_status_and_retry_from_the_command_line() {
    const BIN: &str = env!("CARGO_BIN_EXE_faultline-hub");
    let hub = Hub::start().await;
    hub.site("PLANT1").await;
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.txt");
    std::fs::write(&key, "secret-key\n").unwrap();
    let run = |args: Vec<String>| {
        let out = std::process::Command::new(BIN)
            .arg("--database-url")
            .arg(&hub.db.url)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let args = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
    let mut configure = args(
        "maximo configure --site PLANT1 --url https://maximo.plant/maximo/ --siteid BEDFORD \
         --orgid EAGLENA --api-key-file",
    );
    configure.push(key.display().to_string());
    run(configure);
    let stored = hub
        .db
        .client()
        .await
        .query_one("SELECT api_key, url FROM cmms_connectors", &[])
        .await
        .unwrap();
    assert_eq!(stored.get::<_, String>(0), "secret-key");
    assert_eq!(stored.get::<_, String>(1), "https://maximo.plant/maximo");
    let dev = hub.enroll("PLANT1", "d").await;
    let w = hub
        .work_order("PLANT1", hub.asset("PLANT1", "P-1").await, "open")
        .await;
    hub.push(&dev.token, "PLANT1", vec![env(0, note(w, "x"))])
        .await;
    let s: serde_json::Value =
        serde_json::from_str(&run(args("maximo status --site PLANT1 --json"))).unwrap();
    assert_eq!(
        (s["waiting"].as_i64(), s["sent"].as_i64()),
        (Some(1), Some(0))
    );
    assert!(run(args("maximo retry --site PLANT1")).contains("1 rows of PLANT1 due again"));
}
