//! Pull: paging under concurrent writers returns every row exactly once in its final state;
//! tombstones; compaction expires old cursors (410); garbage cursors are 400.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use faultline_hub::admin;
use faultline_hub::Limits;
use faultline_protocol::Change;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_while_devices_push_returns_every_row_once_and_ends_on_the_final_state() {
    // The reader polls in a tight loop: no rate limit here (it has its own test).
    let hub = Arc::new(
        Hub::start_with(Limits {
            rate_per_sec: 1e6,
            rate_burst: 1e6,
            ..Limits::default()
        })
        .await,
    );
    hub.site("P1").await;
    let reader = hub.enroll("P1", "reader").await;
    let asset = hub.asset("P1", "PMP-1").await;
    let mut wos = Vec::new();
    for _ in 0..6 {
        wos.push(hub.work_order("P1", asset, "open").await);
    }
    // Three writers push notes and status flips in small batches, a bounded number of times.
    let mut writers = Vec::new();
    for w in 0..3 {
        let hub = hub.clone();
        let dev = hub.enroll("P1", &format!("writer-{w}")).await;
        let wos = wos.clone();
        writers.push(tokio::spawn(async move {
            for round in 0..25i64 {
                let wo = wos[(round as usize + w) % wos.len()];
                let status = if round % 2 == 0 {
                    "in_progress"
                } else {
                    "open"
                };
                let batch = vec![
                    env(0, note(wo, &format!("w{w} r{round} a"))),
                    env(0, note(wo, &format!("w{w} r{round} b"))),
                    env(1_000, set_status(wo, status)),
                ];
                hub.push(&dev.token, "P1", batch).await;
                tokio::time::sleep(Duration::from_millis(3)).await;
            }
        }));
    }
    // The reader pages with a small limit the whole time, then drains once the writers stop.
    let mut cursor: Option<String> = None;
    let mut notes_seen: Vec<Uuid> = Vec::new();
    let mut last_wo: HashMap<Uuid, i64> = HashMap::new();
    let mut pages = 0;
    let mut apply = |changes: Vec<Change>| {
        for c in changes {
            match c {
                Change::Note(n) => notes_seen.push(n.id),
                Change::WorkOrder(w) => {
                    let prev = last_wo.insert(w.id, w.version);
                    assert!(
                        prev.is_none_or(|p| p <= w.version),
                        "versions never go back"
                    );
                }
                _ => {}
            }
        }
    };
    loop {
        let done = writers.iter().all(|w| w.is_finished());
        let page = hub.pull(&reader.token, "P1", cursor.as_deref(), 7).await;
        assert!(page.changes.len() <= 7);
        pages += 1;
        let more = page.has_more;
        apply(page.changes);
        cursor = Some(page.next_cursor);
        if done && !more {
            break;
        }
        if !more {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
    for w in writers {
        w.await.unwrap();
    }
    let (rest, _) = hub.pull_all(&reader.token, "P1", cursor, 7).await;
    apply(rest);
    assert!(
        pages > 10,
        "the reader paged while writers wrote ({pages} pages)"
    );

    let client = hub.db.client().await;
    let db_notes: HashSet<Uuid> = client
        .query("SELECT id FROM notes", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(db_notes.len(), 150);
    let seen: HashSet<Uuid> = notes_seen.iter().copied().collect();
    assert_eq!(seen.len(), notes_seen.len(), "no note came twice");
    assert_eq!(seen, db_notes, "every note came");
    for r in client
        .query("SELECT id, version FROM work_orders", &[])
        .await
        .unwrap()
    {
        let id: Uuid = r.get(0);
        assert_eq!(
            last_wo.get(&id),
            Some(&r.get::<_, i64>(1)),
            "work order {id} ends on its final version"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deletions_come_as_tombstones_and_compaction_expires_older_cursors() {
    let hub = Hub::start().await;
    hub.site("P1").await;
    let dev = hub.enroll("P1", "lap-1").await;
    let asset = hub.asset("P1", "PMP-1").await;
    let keep = hub.work_order("P1", asset, "open").await;
    let gone = hub.work_order("P1", asset, "open").await;
    hub.push(
        &dev.token,
        "P1",
        vec![env(0, note(gone, "on the doomed one"))],
    )
    .await;
    let (first, old_cursor) = hub.pull_all(&dev.token, "P1", None, 100).await;
    assert_eq!(first.len(), 4);

    assert_eq!(
        admin::purge_work_order(&hub.store, "P1", gone)
            .await
            .unwrap(),
        2
    );
    let (after, new_cursor) = hub
        .pull_all(&dev.token, "P1", Some(old_cursor.clone()), 100)
        .await;
    let tombs: Vec<(String, String)> = after
        .iter()
        .filter_map(|c| match c {
            Change::Tombstone { entity, key } => Some((entity.clone(), key.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(tombs.len(), 2);
    assert_eq!(
        tombs[1],
        ("work_order".to_string(), gone.to_string()),
        "children first"
    );
    assert_eq!(tombs[0].0, "note");

    // Nothing is old enough yet: cursors stay valid.
    let r = admin::compact(&hub.store, "P1", 30).await.unwrap();
    assert_eq!(r.tombstones_deleted, 0);
    assert_eq!(
        hub.pull_raw(&dev.token, "P1", Some(&old_cursor), 10)
            .await
            .status,
        200
    );

    let r = admin::compact(&hub.store, "P1", 0).await.unwrap();
    assert_eq!(r.tombstones_deleted, 2);
    let expired = hub.pull_raw(&dev.token, "P1", Some(&old_cursor), 10).await;
    assert_eq!(expired.status, 410);
    assert_eq!(expired.error().code, "cursor_expired");
    // A device that already had the tombstones goes on; a fresh one replicates what is left.
    assert_eq!(
        hub.pull_raw(&dev.token, "P1", Some(&new_cursor), 10)
            .await
            .status,
        200
    );
    let (fresh, _) = hub.pull_all(&dev.token, "P1", None, 100).await;
    assert_eq!(fresh.len(), 2);
    assert!(fresh.iter().any(|c| c.record_id() == Some(keep)));

    // A cursor the hub never gave out.
    let r = hub.pull_raw(&dev.token, "P1", Some("bm9wZQ"), 10).await;
    assert_eq!(
        (r.status, r.error().code.as_str()),
        (400, "malformed_request")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_site_pulls_an_empty_page_with_a_stable_cursor() {
    let hub = Hub::start().await;
    hub.site("P1").await;
    let dev = hub.enroll("P1", "lap-1").await;
    let p = hub.pull(&dev.token, "P1", None, 10).await;
    assert!(p.changes.is_empty());
    assert!(!p.has_more);
    let q = hub.pull(&dev.token, "P1", Some(&p.next_cursor), 10).await;
    assert_eq!(q.next_cursor, p.next_cursor);
}
