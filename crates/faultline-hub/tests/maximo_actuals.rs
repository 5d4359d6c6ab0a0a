//! The actuals of a breakdown reach `fake_maximo` (never a real Maximo): the machine's stops and
//! restarts as asset status rows, parts used as actual materials, the actual start and finish;
//! a part whose answer was lost after Maximo committed is not added twice; a photo as an
//! attachment of the work order, once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::fake_maximo;

use common::{close, env, set_status, t};
use fake_maximo::plant::plant;
use faultline_hub::connector::retry_failed;
use faultline_protocol::Mutation;
use serde_json::json;
use uuid::Uuid;

fn create_stopped(wo: Uuid, asset: Uuid) -> Mutation {
    Mutation::CreateWorkOrder {
        work_order_id: wo,
        number: "FL-7".into(),
        asset_id: asset,
        wo_type: "breakdown".into(),
        priority: 1,
        title: "Pump P-101 tripped".into(),
        fault_code: None,
        reported_by: "ana".into(),
        reported_at: t(0),
        downtime_start: Some(t(0)),
    }
}

fn part(wo: Uuid, number: &str, quantity: f64) -> Mutation {
    Mutation::AddPart {
        part_id: Uuid::now_v7(),
        work_order_id: wo,
        part_number: number.into(),
        description: Some("mechanical seal".into()),
        quantity,
        unit: None,
        created_at: t(600),
    }
}

/// A breakdown with the machine stopped: started, a restart, a new stop and restart (an
/// intermittent trip), two parts, closed.
async fn pushed_breakdown(s: &fake_maximo::plant::Plant) -> Uuid {
    let wo = Uuid::now_v7();
    // Envelopes made in device order (mutation ids are UUIDv7, the hub queues in their order).
    let created = env(0, create_stopped(wo, s.asset));
    let started = env(1, set_status(wo, "in_progress"));
    let part_change = env(2, part(wo, "SEAL-22", 2.0));
    let part_id = part_change.mutation_id;
    s.hub
        .push(
            &s.token,
            "PLANT1",
            vec![
                created,
                started,
                part_change,
                env(2, part(wo, "ORING-5", 4.0)),
                env(
                    2,
                    Mutation::DowntimeEnd {
                        work_order_id: wo,
                        at: t(900),
                    },
                ),
                env(
                    3,
                    Mutation::DowntimeStart {
                        work_order_id: wo,
                        at: t(1200),
                    },
                ),
                env(
                    4,
                    Mutation::DowntimeEnd {
                        work_order_id: wo,
                        at: t(1500),
                    },
                ),
                env(5, close(wo, "REPLACE")),
            ],
        )
        .await;
    part_id
}

/// A queued change made due only in an hour (the drain sends what comes before it).
async fn later(s: &fake_maximo::plant::Plant, mutation: Uuid) {
    s.hub
        .db
        .client()
        .await
        .execute(
            "UPDATE cmms_outbox SET next_attempt_at = now() + interval '1 hour'
             WHERE mutation_id = $1",
            &[&mutation],
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn stops_restarts_parts_and_actual_times_reach_maximo_in_order() {
    let s = plant().await;
    pushed_breakdown(&s).await;
    let r = s.drain("key-1").await;
    assert_eq!(
        (r.sent, r.rejected, r.retried, r.skipped),
        (8, 0, 0, 0),
        "{r:?}"
    );
    let f = s.fake.lock().unwrap();
    let wo = f.wo("FL-7");
    let downtime: Vec<(bool, &str)> = wo["assetstatus"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["isrunning"].as_bool().unwrap(),
                r["changedate"].as_str().unwrap(),
            )
        })
        .collect();
    let at = |secs| t(secs).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert_eq!(
        downtime,
        [
            (false, at(0).as_str()),
            (true, at(900).as_str()),
            (false, at(1200).as_str()),
            (true, at(1500).as_str())
        ],
        "down at each stop, up at each restart, in order"
    );
    assert!(wo["assetstatus"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["assetnum"] == "P-101"));
    let parts: Vec<(&str, f64)> = wo["matusetrans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["itemnum"].as_str().unwrap(),
                r["quantity"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        parts,
        [("SEAL-22", -2.0), ("ORING-5", -4.0)],
        "issues to the work order"
    );
    assert_eq!(wo["matusetrans"][0]["issueunit"], "EA");
    assert_eq!(
        (wo["actstart"].clone(), wo["actfinish"].clone()),
        (json!(at(20)), json!(at(3600)))
    );
    assert_eq!(wo["status"], "COMP");
}

#[tokio::test]
async fn a_part_whose_answer_was_lost_is_not_added_twice() {
    let s = plant().await;
    let part_id = pushed_breakdown(&s).await;
    later(&s, part_id).await;
    // The create and the start go; the part waits (its work order's later rows with it).
    assert_eq!(s.drain("key-1").await.sent, 2);
    retry_failed(&s.hub.store, "PLANT1", None).await.unwrap();
    s.fake.lock().unwrap().lose_next_answer = true;
    assert_eq!(
        s.drain("key-1").await.retried,
        1,
        "the part's answer was lost"
    );
    // After Maximo's replay window: found by its external reference.
    s.fake.lock().unwrap().window_passes();
    retry_failed(&s.hub.store, "PLANT1", None).await.unwrap();
    assert_eq!(s.drain("key-1").await.sent, 6);
    let f = s.fake.lock().unwrap();
    assert_eq!(
        f.wo("FL-7")["matusetrans"].as_array().map(Vec::len),
        Some(2)
    );
}

/// A photo uploaded to the hub the way a laptop does it (one PATCH with the whole file).
async fn upload(s: &fake_maximo::plant::Plant, bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let sha = hex::encode(Sha256::digest(bytes));
    let r = s
        .hub
        .call(
            hyper::Method::PATCH,
            &format!("/v1/sites/PLANT1/blobs/{sha}"),
            Some(&s.token),
            &[
                ("upload-offset", "0".into()),
                ("upload-length", bytes.len().to_string()),
            ],
            bytes::Bytes::copy_from_slice(bytes),
        )
        .await;
    assert!(
        r.status == 201 || r.status == 204,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    sha
}

#[tokio::test]
async fn a_photo_becomes_an_attachment_of_the_work_order_once() {
    let s = plant().await;
    let bytes: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let sha = upload(&s, &bytes).await;
    let wo = Uuid::now_v7();
    let created = env(0, create_stopped(wo, s.asset));
    let photo = env(
        1,
        Mutation::AddPhoto {
            photo_id: Uuid::now_v7(),
            work_order_id: wo,
            sha256: sha,
            mime: "image/jpeg".into(),
            size_bytes: bytes.len() as i64,
            caption: Some("Seal face, scored — Dichtung".into()),
            created_at: t(300),
        },
    );
    let photo_id = photo.mutation_id;
    let answer = s.hub.push(&s.token, "PLANT1", vec![created, photo]).await;
    assert!(
        answer
            .results
            .iter()
            .all(|r| common::applied(&r.outcome) > 0),
        "{answer:?}"
    );
    // The attachment's answer is lost once after Maximo stored it.
    later(&s, photo_id).await;
    assert_eq!(
        s.drain("key-1").await.sent,
        1,
        "the create; the photo waits"
    );
    retry_failed(&s.hub.store, "PLANT1", None).await.unwrap();
    s.fake.lock().unwrap().lose_next_answer = true;
    assert_eq!(s.drain("key-1").await.retried, 1);
    retry_failed(&s.hub.store, "PLANT1", None).await.unwrap();
    assert_eq!(s.drain("key-1").await.sent, 1);
    let f = s.fake.lock().unwrap();
    assert_eq!(
        f.attachments.len(),
        1,
        "found by its file name, not attached twice"
    );
    let a = &f.attachments[0];
    assert_eq!(a.wonum, "FL-7");
    assert_eq!(a.file_name, format!("faultline-{photo_id}.jpeg"));
    assert_eq!(
        (a.mime.as_str(), a.description.as_str()),
        ("image/jpeg", "Seal face, scored  Dichtung")
    );
    assert!(a.bytes == bytes, "the photo's bytes, whole and in order");
}
