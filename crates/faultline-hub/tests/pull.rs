//! Pull: paging under concurrent writers returns every row exactly once in its final state;
//! tombstones; compaction expires old cursors (410); garbage cursors are 400; procedures page
//! in feed order with the rest, and a rewritten one moves to the end of the feed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

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
async fn pulls_beyond_the_concurrency_limit_wait_their_turn_and_all_complete() {
    let hub = Arc::new(
        Hub::start_with(Limits {
            max_concurrent_pulls: 1,
            ..Limits::default()
        })
        .await,
    );
    hub.site("P1").await;
    let asset = hub.asset("P1", "PMP-1").await;
    hub.work_order("P1", asset, "open").await;
    let mut tasks = Vec::new();
    for i in 0..12 {
        let (hub, token) = (
            hub.clone(),
            hub.enroll("P1", &format!("lap-{i}")).await.token,
        );
        tasks.push(tokio::spawn(async move {
            hub.pull_raw(&token, "P1", None, 100).await
        }));
    }
    let mut bodies = HashSet::new();
    for t in tasks {
        let r = t.await.unwrap();
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        assert_eq!(
            r.header("content-type").as_deref(),
            Some("application/json")
        );
        let page: faultline_protocol::PullResponse = r.json();
        assert_eq!(page.changes.len(), 2, "the asset and its work order");
        bodies.insert(page.next_cursor);
    }
    assert_eq!(bodies.len(), 1, "every device got the same page");
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn procedures_page_in_feed_order_and_a_rewritten_one_moves_to_the_end() {
    let hub = Hub::start().await;
    hub.site("P1").await;
    let dev = hub.enroll("P1", "lap-1").await;
    let asset = hub.asset("P1", "VFD-202").await;
    let wo = hub.work_order("P1", asset, "open").await;
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo");
    let mapping = demo.join("procedures.toml");
    let r = admin::load_csv(&hub.store, "P1", &mapping, &demo.join("procedures.csv"))
        .await
        .unwrap();
    assert_eq!(r.inserted, 9);
    hub.push(&dev.token, "P1", vec![env(0, note(wo, "after the plans"))])
        .await;

    let kind = |c: &Change| match c {
        Change::Asset(_) => "asset".to_string(),
        Change::WorkOrder(_) => "work_order".to_string(),
        Change::Note(_) => "note".to_string(),
        Change::Procedure(p) => p.code.clone(),
        other => panic!("unexpected change {other:?}"),
    };
    // One change per page: every cursor in between is used.
    let mut cursor: Option<String> = None;
    let mut paged = Vec::new();
    loop {
        let page = hub.pull(&dev.token, "P1", cursor.as_deref(), 1).await;
        assert!(page.changes.len() <= 1);
        paged.extend(page.changes.iter().map(kind));
        cursor = Some(page.next_cursor);
        if !page.has_more {
            break;
        }
    }
    let (whole, _) = hub.pull_all(&dev.token, "P1", None, 1_000).await;
    let whole: Vec<String> = whole.iter().map(kind).collect();
    assert_eq!(paged, whole, "pages of one give the feed in the same order");
    assert_eq!(whole.len(), 12);
    assert_eq!(&whole[..2], ["asset", "work_order"]);
    assert_eq!(whole[11], "note");
    let plans: HashSet<&String> = whole[2..11].iter().collect();
    assert_eq!(plans.len(), 9, "each plan once: {whole:?}");

    // JP-LOTO is rewritten by the next load: it comes once more, after the note.
    let dir = tempfile::tempdir().unwrap();
    let edited = dir.path().join("procedures.csv");
    let text = std::fs::read_to_string(demo.join("procedures.csv")).unwrap();
    std::fs::write(
        &edited,
        text.replace("for how long.", "for how long and write it on the board."),
    )
    .unwrap();
    let r = admin::load_csv(&hub.store, "P1", &mapping, &edited)
        .await
        .unwrap();
    assert_eq!((r.updated, r.unchanged), (1, 8));
    let (next, _) = hub.pull_all(&dev.token, "P1", cursor, 1).await;
    assert_eq!(next.iter().map(kind).collect::<Vec<_>>(), ["JP-LOTO"]);
    let (whole, _) = hub.pull_all(&dev.token, "P1", None, 5).await;
    let whole: Vec<String> = whole.iter().map(kind).collect();
    assert_eq!(
        whole.len(),
        12,
        "a row is in the feed once, in its current state"
    );
    assert_eq!(&whole[10..], ["note", "JP-LOTO"]);
}
