//! Push semantics against a real PostgreSQL: applied, replayed, rejected, conflicts and their
//! resolution, concurrent duplicates.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use faultline_protocol::push::reject_codes;
use faultline_protocol::{Change, Mutation, Outcome};
use serde_json::json;
use uuid::Uuid;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_is_applied_and_its_replay_changes_nothing_and_answers_the_same() {
    let hub = Hub::start().await;
    hub.site("P1").await;
    let dev = hub.enroll("P1", "lap-1").await;
    let asset = hub.asset("P1", "PMP-1").await;
    let wo = Uuid::now_v7();
    let batch = vec![
        env(
            0,
            Mutation::CreateWorkOrder {
                work_order_id: wo,
                number: "L-1".into(),
                asset_id: asset,
                wo_type: "breakdown".into(),
                priority: 2,
                title: "Pump leaks".into(),
                fault_code: Some("E31".into()),
                reported_by: "ana".into(),
                reported_at: t(0),
                downtime_start: None,
            },
        ),
        env(0, note(wo, "seal dripping")),
        env(
            0,
            Mutation::AddPart {
                part_id: Uuid::now_v7(),
                work_order_id: wo,
                part_number: "SEAL-40".into(),
                description: None,
                quantity: 1.0,
                unit: None,
                created_at: t(30),
            },
        ),
        env(
            0,
            Mutation::DowntimeStart {
                work_order_id: wo,
                at: t(5),
            },
        ),
        env(1, set_status(wo, "in_progress")),
        env(
            1,
            Mutation::DowntimeEnd {
                work_order_id: wo,
                at: t(3000),
            },
        ),
        env(1, close(wo, "REPLACE")),
    ];
    let first = hub.push(&dev.token, "P1", batch.clone()).await;
    let versions: Vec<i64> = first.results.iter().map(|r| applied(&r.outcome)).collect();
    assert_eq!(versions, vec![1, 1, 1, 2, 3, 4, 5]);
    assert!(first.results.iter().all(|r| !r.replayed));

    let counts = || async {
        (
            hub.count("SELECT count(*) FROM work_orders").await,
            hub.count("SELECT count(*) FROM notes").await,
            hub.count("SELECT count(*) FROM parts").await,
            hub.count("SELECT count(*) FROM applied_mutations").await,
            hub.count("SELECT max(version) FROM work_orders").await,
        )
    };
    let before = counts().await;
    assert_eq!(before, (1, 1, 1, 7, 5));

    let again = hub.push(&dev.token, "P1", batch.clone()).await;
    assert_eq!(again.results.len(), first.results.len());
    for (a, b) in first.results.iter().zip(&again.results) {
        assert_eq!(a.mutation_id, b.mutation_id);
        assert_eq!(a.outcome, b.outcome);
        assert!(b.replayed);
    }
    assert_eq!(counts().await, before);

    // The audit row names the device, the user (through its push) and what was done.
    let row = hub
        .db
        .client()
        .await
        .query_one(
            "SELECT a.device_id, p.user_name, a.kind, a.outcome->>'result'
             FROM applied_mutations a JOIN pushes p ON p.id = a.push_id WHERE a.mutation_id = $1",
            &[&batch[6].mutation_id],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, Uuid>(0), dev.device_id);
    assert_eq!(row.get::<_, String>(1), "ana");
    assert_eq!(row.get::<_, String>(2), "close_work_order");
    assert_eq!(row.get::<_, String>(3), "applied");

    // The closed work order comes down in a pull with the closing fields.
    let (changes, _) = hub.pull_all(&dev.token, "P1", None, 100).await;
    let wo_rec = changes
        .iter()
        .find_map(|c| match c {
            Change::WorkOrder(w) if w.id == wo => Some(w.clone()),
            _ => None,
        })
        .expect("work order pulled");
    assert_eq!(wo_rec.status, "closed");
    assert_eq!(wo_rec.remedy_code.as_deref(), Some("REPLACE"));
    assert_eq!(wo_rec.downtime_start, Some(t(5)));
    assert_eq!(wo_rec.downtime_end, Some(t(3000)));
    assert_eq!(wo_rec.version, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_transition_does_not_block_the_next_mutation() {
    let hub = Hub::start().await;
    hub.site("P1").await;
    let dev = hub.enroll("P1", "lap-1").await;
    let asset = hub.asset("P1", "PMP-1").await;
    let wo = hub.work_order("P1", asset, "closed").await;
    let batch = vec![
        env(0, set_status(wo, "in_progress")),
        env(0, note(wo, "late note on closed work")),
        env(0, set_status(wo, "finished")),
        env(0, note(Uuid::now_v7(), "no such work order")),
    ];
    let r = hub.push(&dev.token, "P1", batch.clone()).await;
    assert_eq!(
        rejected_code(&r.results[0].outcome),
        reject_codes::INVALID_TRANSITION
    );
    if let Outcome::Rejected { reason, .. } = &r.results[0].outcome {
        assert!(reason.contains("closed"), "{reason}");
    }
    assert_eq!(applied(&r.results[1].outcome), 0);
    assert_eq!(
        rejected_code(&r.results[2].outcome),
        reject_codes::INVALID_VALUE
    );
    assert_eq!(
        rejected_code(&r.results[3].outcome),
        reject_codes::UNKNOWN_RECORD
    );
    // A rejection is the mutation's final answer: a replay repeats it.
    let again = hub.push(&dev.token, "P1", batch).await;
    assert!(again.results.iter().all(|x| x.replayed));
    assert_eq!(again.results[0].outcome, r.results[0].outcome);
    assert_eq!(hub.count("SELECT count(*) FROM notes").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_devices_closing_with_different_codes_make_a_conflict_that_a_person_resolves() {
    let hub = Hub::start().await;
    hub.site("P1").await;
    let a = hub.enroll("P1", "lap-a").await;
    let b = hub.enroll("P1", "lap-b").await;
    let asset = hub.asset("P1", "PMP-1").await;
    let wo = hub.work_order("P1", asset, "open").await;

    // Both closed the same work order offline, on version 0.
    let ra = hub
        .push(&a.token, "P1", vec![env(0, close(wo, "REPLACE"))])
        .await;
    assert_eq!(applied(&ra.results[0].outcome), 1);
    let rb = hub
        .push(&b.token, "P1", vec![env(0, close(wo, "ADJUST"))])
        .await;
    let conflict = match &rb.results[0].outcome {
        Outcome::Conflict { conflict } => conflict.clone(),
        other => panic!("expected a conflict, got {other:?}"),
    };
    assert_eq!(conflict.work_order_id, wo);
    assert_eq!(conflict.field, "remedy_code");
    assert_eq!(conflict.server_value, json!("REPLACE"));
    assert_eq!(conflict.client_value, json!("ADJUST"));
    assert_eq!(conflict.server_version, 1);
    assert_eq!(conflict.server_changed_by.as_deref(), Some("lap-a"));
    assert_eq!(conflict.resolution, None);
    // The hub kept its value; the same status and codes were no-ops, not conflicts.
    assert_eq!(
        hub.count("SELECT count(*) FROM work_orders WHERE remedy_code = 'REPLACE' AND version = 1")
            .await,
        1
    );
    assert_eq!(hub.count("SELECT count(*) FROM conflicts").await, 1);

    // Device A itself editing on its own newer version is not a conflict.
    let ra2 = hub
        .push(&a.token, "P1", vec![env(0, set_status(wo, "closed"))])
        .await;
    assert_eq!(applied(&ra2.results[0].outcome), 1);

    // Both devices see the conflict in their pull.
    let (changes, _) = hub.pull_all(&a.token, "P1", None, 50).await;
    assert!(changes
        .iter()
        .any(|c| matches!(c, Change::Conflict(x) if x.conflict_id == conflict.conflict_id)));

    // A person on device B chooses its value.
    let resolve = env(
        1,
        Mutation::ResolveConflict {
            conflict_id: conflict.conflict_id,
            work_order_id: wo,
            field: "remedy_code".into(),
            value: json!("ADJUST"),
        },
    );
    let rr = hub.push(&b.token, "P1", vec![resolve]).await;
    assert_eq!(applied(&rr.results[0].outcome), 2);
    assert_eq!(
        hub.count("SELECT count(*) FROM work_orders WHERE remedy_code = 'ADJUST' AND version = 2")
            .await,
        1
    );
    assert_eq!(
        hub.count("SELECT count(*) FROM conflicts WHERE resolution = '\"ADJUST\"'::jsonb")
            .await,
        1
    );
    let (changes, _) = hub.pull_all(&a.token, "P1", None, 50).await;
    let resolved = changes
        .iter()
        .find_map(|c| match c {
            Change::Conflict(x) if x.conflict_id == conflict.conflict_id => Some(x.clone()),
            _ => None,
        })
        .expect("conflict pulled");
    assert_eq!(resolved.resolution, Some(json!("ADJUST")));

    // An unknown conflict, or a value of the wrong type, is rejected.
    let bad = hub
        .push(
            &b.token,
            "P1",
            vec![
                env(
                    2,
                    Mutation::ResolveConflict {
                        conflict_id: Uuid::now_v7(),
                        work_order_id: wo,
                        field: "remedy_code".into(),
                        value: json!("X"),
                    },
                ),
                env(
                    2,
                    Mutation::ResolveConflict {
                        conflict_id: conflict.conflict_id,
                        work_order_id: wo,
                        field: "remedy_code".into(),
                        value: json!(42),
                    },
                ),
            ],
        )
        .await;
    assert_eq!(
        rejected_code(&bad.results[0].outcome),
        reject_codes::UNKNOWN_RECORD
    );
    assert_eq!(
        rejected_code(&bad.results[1].outcome),
        reject_codes::INVALID_VALUE
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_status_changed_by_another_device_after_the_base_version_conflicts() {
    let hub = Hub::start().await;
    hub.site("P1").await;
    let a = hub.enroll("P1", "lap-a").await;
    let b = hub.enroll("P1", "lap-b").await;
    let asset = hub.asset("P1", "PMP-1").await;
    let wo = hub.work_order("P1", asset, "open").await;
    let ra = hub
        .push(&a.token, "P1", vec![env(0, set_status(wo, "cancelled"))])
        .await;
    assert_eq!(applied(&ra.results[0].outcome), 1);
    // B, still on version 0, closes it: the status conflicts (not an invalid transition); the
    // codes that nobody else touched are applied.
    let rb = hub
        .push(&b.token, "P1", vec![env(0, close(wo, "ADJUST"))])
        .await;
    match &rb.results[0].outcome {
        Outcome::Conflict { conflict } => {
            assert_eq!(conflict.field, "status");
            assert_eq!(conflict.server_value, json!("cancelled"));
            assert_eq!(conflict.client_value, json!("closed"));
            assert_eq!(conflict.server_version, 2);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(
        hub.count("SELECT count(*) FROM work_orders WHERE status = 'cancelled' AND remedy_code = 'ADJUST'")
            .await,
        1
    );
    // B editing on the current version is judged by the transition table instead.
    let rb2 = hub
        .push(&b.token, "P1", vec![env(2, set_status(wo, "open"))])
        .await;
    assert_eq!(
        rejected_code(&rb2.results[0].outcome),
        reject_codes::INVALID_TRANSITION
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_mutation_pushed_at_once_on_two_connections_is_applied_once() {
    let hub = std::sync::Arc::new(Hub::start().await);
    hub.site("P1").await;
    let dev = hub.enroll("P1", "lap-1").await;
    let asset = hub.asset("P1", "PMP-1").await;
    let wo = hub.work_order("P1", asset, "open").await;
    for round in 0..5 {
        let batch: Vec<_> = (0..20)
            .map(|i| env(0, note(wo, &format!("round {round} note {i}"))))
            .chain([env(
                round,
                set_status(
                    wo,
                    if round % 2 == 0 {
                        "in_progress"
                    } else {
                        "open"
                    },
                ),
            )])
            .collect();
        let (h1, h2) = (hub.clone(), hub.clone());
        let (t1, t2) = (dev.token.clone(), dev.token.clone());
        let (b1, b2) = (batch.clone(), batch.clone());
        let (r1, r2) = tokio::join!(
            tokio::spawn(async move { h1.push(&t1, "P1", b1).await }),
            tokio::spawn(async move { h2.push(&t2, "P1", b2).await })
        );
        let (r1, r2) = (r1.unwrap(), r2.unwrap());
        for (x, y) in r1.results.iter().zip(&r2.results) {
            assert_eq!(x.outcome, y.outcome, "both answers are the first outcome");
            assert!(
                x.replayed != y.replayed,
                "exactly one of the two applied it"
            );
        }
    }
    assert_eq!(hub.count("SELECT count(*) FROM notes").await, 100);
    assert_eq!(
        hub.count("SELECT count(*) FROM applied_mutations").await,
        105
    );
    assert_eq!(hub.count("SELECT version FROM work_orders").await, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_waits_for_its_blob_and_the_same_mutation_applies_after_the_upload() {
    use sha2::{Digest, Sha256};
    let hub = Hub::start().await;
    hub.site("P1").await;
    let dev = hub.enroll("P1", "lap-1").await;
    let asset = hub.asset("P1", "PMP-1").await;
    let wo = hub.work_order("P1", asset, "open").await;
    let bytes = b"\x89PNG fake picture bytes".to_vec();
    let sha = hex::encode(Sha256::digest(&bytes));
    let photo = env(
        0,
        Mutation::AddPhoto {
            photo_id: Uuid::now_v7(),
            work_order_id: wo,
            sha256: sha.clone(),
            mime: "image/png".into(),
            size_bytes: bytes.len() as i64,
            caption: Some("seal".into()),
            created_at: t(40),
        },
    );
    let r = hub.push(&dev.token, "P1", vec![photo.clone()]).await;
    assert_eq!(
        rejected_code(&r.results[0].outcome),
        reject_codes::MISSING_BLOB
    );
    let up = hub
        .call(
            hyper::Method::PATCH,
            &format!("/v1/sites/P1/blobs/{sha}"),
            Some(&dev.token),
            &[
                ("upload-offset", "0".into()),
                ("upload-length", bytes.len().to_string()),
            ],
            bytes.clone(),
        )
        .await;
    assert_eq!(up.status, 201);
    let r = hub.push(&dev.token, "P1", vec![photo]).await;
    assert!(!r.results[0].replayed);
    assert_eq!(applied(&r.results[0].outcome), 0);
    assert_eq!(hub.count("SELECT count(*) FROM photos").await, 1);
}

/// Mutation ids are scoped by site: what another site does with the same id (answers it
/// differently, or forgets it until a photo is uploaded) leaves this site's stored answer alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_sites_use_of_a_mutation_id_leaves_this_sites_answer_alone() {
    let hub = Hub::start().await;
    hub.site("P1").await;
    hub.site("P2").await;
    let a = hub.enroll("P1", "lap-a").await;
    let b = hub.enroll("P2", "lap-b").await;
    let asset = hub.asset("P1", "PMP-1").await;
    let wo = hub.work_order("P1", asset, "open").await;
    let first = env(0, note(wo, "seal weeping"));
    let r = hub.push(&a.token, "P1", vec![first.clone()]).await;
    let version = applied(&r.results[0].outcome);

    // Site P2 answers the same id otherwise: the work order is not on P2.
    let mut other = first.clone();
    other.mutation = note(Uuid::now_v7(), "elsewhere");
    let r = hub.push(&b.token, "P2", vec![other]).await;
    assert_eq!(
        rejected_code(&r.results[0].outcome),
        reject_codes::UNKNOWN_RECORD
    );
    let replay = hub.push(&a.token, "P1", vec![first.clone()]).await;
    assert!(replay.results[0].replayed);
    assert_eq!(applied(&replay.results[0].outcome), version);

    // Site P3 forgets the same id (a photo whose bytes are not uploaded yet).
    hub.site("P3").await;
    let c = hub.enroll("P3", "lap-c").await;
    let wo3 = {
        let asset3 = hub.asset("P3", "PMP-3").await;
        hub.work_order("P3", asset3, "open").await
    };
    let mut photo = first.clone();
    photo.mutation = Mutation::AddPhoto {
        photo_id: Uuid::now_v7(),
        work_order_id: wo3,
        sha256: "ab".repeat(32),
        mime: "image/png".into(),
        size_bytes: 10,
        caption: None,
        created_at: t(40),
    };
    let r = hub.push(&c.token, "P3", vec![photo]).await;
    assert_eq!(
        rejected_code(&r.results[0].outcome),
        reject_codes::MISSING_BLOB
    );
    let replay = hub.push(&a.token, "P1", vec![first]).await;
    assert!(replay.results[0].replayed, "P1's claim must survive");
    assert_eq!(applied(&replay.results[0].outcome), version);
    assert_eq!(hub.count("SELECT count(*) FROM notes").await, 1);
}
