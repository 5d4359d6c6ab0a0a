//! The drain against `fake_maximo` with a simulated Maximo latency (never a real Maximo), in
//! process (the measurement with the release hub and laptops syncing meanwhile is
//! `faultline-bench sync --part cmms-drain`): a
//! shift end's backlog (create, note, start, close per breakdown) drained by 8 senders the way
//! `serve` does it (bulk creates and bulk notes, one request in flight per sender). In `make test` it runs a
//! small backlog (100 breakdowns = 400 changes) and checks that every change is sent once and
//! each breakdown is one Maximo work order; it prints the rate but asserts no time. The
//! measurement is the same test at a shift end's size:
//! `FAULTLINE_BENCH_BREAKDOWNS=5000 cargo test -p faultline-hub --test integration maximo_drain_bench:: -- --nocapture`
//! (5000 breakdowns = 20,000 changes; `FAULTLINE_BENCH_LATENCY_MS`, default 20).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::fake_maximo;

use common::{close, env, note, set_status, t};
use fake_maximo::plant::plant;
use faultline_hub::connector::{drain_site, status};
use faultline_hub::PgStore;
use faultline_protocol::Mutation;
use std::time::Instant;
use uuid::Uuid;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drain_a_shift_end_backlog() {
    let breakdowns = setting("FAULTLINE_BENCH_BREAKDOWNS", 100) as usize;
    let latency = setting("FAULTLINE_BENCH_LATENCY_MS", 20);
    let s = plant().await;
    let queued = Instant::now();
    let per_push = 50;
    for chunk in 0..breakdowns.div_ceil(per_push) {
        let mut batch = Vec::new();
        for i in chunk * per_push..((chunk + 1) * per_push).min(breakdowns) {
            let wo = Uuid::now_v7();
            batch.push(env(
                0,
                Mutation::CreateWorkOrder {
                    work_order_id: wo,
                    number: format!("FL-{i}"),
                    asset_id: s.asset,
                    wo_type: "breakdown".into(),
                    priority: 2,
                    title: "Pump P-101 leaks at the seal".into(),
                    fault_code: None,
                    reported_by: "ana".into(),
                    reported_at: t(0),
                    downtime_start: None,
                },
            ));
            batch.push(env(1, note(wo, "seal leaking")));
            batch.push(env(1, set_status(wo, "in_progress")));
            batch.push(env(2, close(wo, "REPLACE")));
        }
        s.hub.push(&s.token, "PLANT1", batch).await;
    }
    let changes = 4 * breakdowns;
    let queue_secs = queued.elapsed().as_secs_f64();
    s.fake.lock().unwrap().latency_ms = latency;
    // The senders' own pool, as `serve` gives them (concurrency + 1).
    let senders = PgStore::open(&s.hub.db.url, 9).await.unwrap();
    let started = Instant::now();
    let r = drain_site(&senders, "PLANT1", 8).await.unwrap();
    let secs = started.elapsed().as_secs_f64();
    let st = status(&s.hub.store, "PLANT1").await.unwrap();
    let f = s.fake.lock().unwrap();
    println!(
        "drain bench: {breakdowns} breakdowns = {changes} changes queued in {queue_secs:.1} s; \
         drained with 8 senders at {latency} ms Maximo latency in {secs:.1} s = {:.0} changes/s \
         ({} requests to the fake, {} of them bulk creates, {} bulk updates; sent {}, waiting {}, \
         failed {})",
        changes as f64 / secs,
        f.requests,
        f.bulk_requests,
        f.bulk_updates,
        r.sent,
        st.waiting,
        st.failed
    );
    assert_eq!(f.wos.len(), breakdowns);
    assert_eq!(st.sent as usize, changes);
}
