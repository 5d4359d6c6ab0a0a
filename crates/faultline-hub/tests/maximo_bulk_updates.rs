//! Child rows of several work orders (notes, parts used) reach `fake_maximo` (never a real
//! Maximo) in one BULK request of updates, each item read on its own: one refused item blocks
//! no other, and a lost bulk answer adds no row twice. Status changes and closes of several
//! work orders share one read, then go one `changeStatus` each. Real PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::fake_maximo;

use common::{close, env, note, set_status, t};
use fake_maximo::config;
use fake_maximo::plant::{create, plant, Plant};
use faultline_hub::connector::{drain_bulk, retry_failed, status, DrainReport, Maximo};
use faultline_protocol::Mutation;
use serde_json::json;
use std::time::Duration;
use uuid::Uuid;

fn part(wo: Uuid, number: &str) -> Mutation {
    Mutation::AddPart {
        part_id: Uuid::now_v7(),
        work_order_id: wo,
        part_number: number.into(),
        description: None,
        quantity: 1.0,
        unit: None,
        created_at: t(600),
    }
}

/// Three work orders pushed, then one more change of each (`then`, by work order position).
async fn three_with(s: &Plant, then: impl Fn(usize, Uuid) -> Mutation) {
    let wos: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
    // Envelopes made in order: the hub queues by mutation id (UUIDv7).
    let mut batch: Vec<_> = wos
        .iter()
        .enumerate()
        .map(|(k, wo)| env(0, create(*wo, &format!("FL-{k}"), s.asset)))
        .collect();
    batch.extend(wos.iter().enumerate().map(|(k, wo)| env(1, then(k, *wo))));
    s.hub.push(&s.token, "PLANT1", batch).await;
}

async fn drain(s: &Plant, max: u64) -> DrainReport {
    let m = Maximo::new(&config(&s.url, "key-1"), Duration::from_secs(5)).unwrap();
    drain_bulk(&s.hub.store, "PLANT1", &m, max, 20)
        .await
        .unwrap()
}

#[tokio::test]
async fn parts_of_several_work_orders_go_in_one_bulk_update_and_a_refused_one_blocks_no_other() {
    let s = plant().await;
    s.fake.lock().unwrap().unknown_items = vec!["NOPE-1".into()];
    three_with(&s, |k, wo| {
        part(wo, if k == 1 { "NOPE-1" } else { "SEAL-22" })
    })
    .await;
    let r = drain(&s, 1000).await;
    assert_eq!((r.sent, r.rejected), (5, 1), "{r:?}");
    {
        let f = s.fake.lock().unwrap();
        assert_eq!(
            (f.bulk_requests, f.bulk_updates),
            (1, 1),
            "creates, then parts"
        );
        let parts = |n: &str| f.wo(n)["matusetrans"].as_array().map_or(0, Vec::len);
        assert_eq!((parts("FL-0"), parts("FL-1"), parts("FL-2")), (1, 0, 1));
    }
    let st = status(&s.hub.store, "PLANT1").await.unwrap();
    assert_eq!(st.failed, 1);
    assert!(
        st.failures[0].2.starts_with("BMXAA4191E: Item NOPE-1"),
        "{:?}",
        st.failures
    );
}

#[tokio::test]
async fn a_lost_bulk_answer_adds_no_note_twice() {
    let s = plant().await;
    three_with(&s, |k, wo| note(wo, &format!("note {k}"))).await;
    assert_eq!(drain(&s, 3).await.sent, 3, "the creates");
    s.fake.lock().unwrap().lose_next_answer = true;
    let r = drain(&s, 3).await;
    assert_eq!((r.sent, r.retried), (0, 3), "{r:?}");
    retry_failed(&s.hub.store, "PLANT1", None).await.unwrap();
    let r = drain(&s, 1000).await;
    assert_eq!(r.sent, 3, "{r:?}");
    let f = s.fake.lock().unwrap();
    assert_eq!(
        f.bulk_updates, 1,
        "found on the second read, not sent again"
    );
    for n in ["FL-0", "FL-1", "FL-2"] {
        assert_eq!(f.wo(n)["worklog"].as_array().map(Vec::len), Some(1), "{n}");
    }
}

/// The `oslc.where` of the queries the fake received since `from`.
fn reads_since(s: &Plant, from: usize) -> Vec<String> {
    let f = s.fake.lock().unwrap();
    f.queries[from..]
        .iter()
        .filter_map(|q| q.get("oslc.where").cloned())
        .collect()
}

#[tokio::test]
async fn status_changes_of_several_work_orders_share_one_read_and_a_refused_one_blocks_no_other() {
    let s = plant().await;
    three_with(&s, |_, wo| set_status(wo, "in_progress")).await;
    assert_eq!(drain(&s, 3).await.sent, 3, "the creates");
    {
        // Cancelled in Maximo as the hub last read it (same row stamp): Maximo refuses to
        // move it out of CAN.
        let mut f = s.fake.lock().unwrap();
        let wo = f.wos.iter_mut().find(|w| w["wonum"] == "FL-1").unwrap();
        wo["status"] = json!("CAN");
    }
    let from = s.fake.lock().unwrap().queries.len();
    let r = drain(&s, 1000).await;
    assert_eq!((r.sent, r.rejected), (2, 1), "{r:?}");
    let reads = reads_since(&s, from);
    assert_eq!(reads.len(), 1, "one read for the three: {reads:?}");
    assert!(reads[0].starts_with("wonum in [\"FL-"), "{reads:?}");
    let at = serde_json::to_value(t(20)).unwrap();
    let changed = s.fake.lock().unwrap().status_changes.clone();
    assert_eq!(changed.len(), 2, "{changed:?}");
    for (wonum, to, date) in &changed {
        assert_ne!(wonum, "FL-1");
        assert_eq!((to.as_str(), Some(date.as_str())), ("INPRG", at.as_str()));
    }
    let st = status(&s.hub.store, "PLANT1").await.unwrap();
    assert!(
        st.failures[0].2.starts_with("BMXAA4590E"),
        "{:?}",
        st.failures
    );
}

#[tokio::test]
async fn closes_of_several_work_orders_share_one_read_and_a_lost_answer_doubles_nothing() {
    let s = plant().await;
    three_with(&s, |_, wo| close(wo, "RESEAL")).await;
    assert_eq!(drain(&s, 3).await.sent, 3, "the creates");
    // The answer to the first close's fields is lost after the fake committed them.
    s.fake.lock().unwrap().lose_next_answer = true;
    let from = s.fake.lock().unwrap().queries.len();
    let r = drain(&s, 3).await;
    assert_eq!((r.sent, r.retried), (2, 1), "{r:?}");
    assert_eq!(reads_since(&s, from).len(), 1, "one read for the three");
    retry_failed(&s.hub.store, "PLANT1", None).await.unwrap();
    let r = drain(&s, 1000).await;
    assert_eq!(r.sent, 1, "{r:?}");
    let f = s.fake.lock().unwrap();
    assert_eq!(f.status_changes.len(), 3, "{:?}", f.status_changes);
    for n in ["FL-0", "FL-1", "FL-2"] {
        let wo = f.wo(n);
        assert_eq!(wo["status"], "COMP", "{n}");
        let kinds: Vec<&str> = wo["failurereport"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["type"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["PROBLEM", "CAUSE", "REMEDY"], "{n}: once each");
    }
}

/// Log lines written while a drain runs (this test's thread only).
#[derive(Clone, Default)]
struct Log(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Log {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn each_batch_logs_what_maximo_made_of_it() {
    let s = plant().await;
    s.fake.lock().unwrap().unknown_items = vec!["NOPE-1".into()];
    three_with(&s, |k, wo| {
        part(wo, if k == 1 { "NOPE-1" } else { "SEAL-22" })
    })
    .await;
    let log = Log::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    drain(&s, 1000).await;
    drop(guard);
    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    let batches: Vec<&str> = text.lines().filter(|l| l.contains("cmms batch")).collect();
    assert_eq!(batches.len(), 2, "{text}");
    assert!(
        batches[0].contains("items=3") && batches[0].contains("sent=3"),
        "{text}"
    );
    assert!(
        batches[1].contains("sent=2") && batches[1].contains("rejected=1"),
        "{text}"
    );
}
