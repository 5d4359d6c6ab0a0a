//! No single mutation may fail a whole push: poison values (NUL, lone surrogates, times and
//! numbers out of range) sent over real HTTP to a served hub are rejected one by one while the
//! rest of the batch is applied; a value the database still refuses rejects only its mutation;
//! the audit keeps the push's user once per push, not once per mutation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use faultline_protocol::push::reject_codes;
use faultline_protocol::{Mutation, MutationEnvelope, Outcome, PushResponse};
use hyper::Method;
use uuid::Uuid;

fn create(wo: Uuid, asset: Uuid) -> Mutation {
    Mutation::CreateWorkOrder {
        work_order_id: wo,
        number: "L-1".into(),
        asset_id: asset,
        wo_type: "breakdown".into(),
        priority: 4,
        title: "Pump leaks".into(),
        fault_code: None,
        reported_by: "ana".into(),
        reported_at: t(0),
        downtime_start: None,
    }
}

fn part(wo: Uuid, quantity: f64) -> Mutation {
    Mutation::AddPart {
        part_id: Uuid::now_v7(),
        work_order_id: wo,
        part_number: "SEAL-40".into(),
        description: None,
        quantity,
        unit: None,
        created_at: t(30),
    }
}

/// One mutation as JSON, with `from` replaced by `to` in its text (how values no Rust type
/// holds — a lone surrogate, 1e400, priority 300 — get into a request).
fn raw(e: &MutationEnvelope, from: &str, to: &str) -> String {
    let json = serde_json::to_string(e).unwrap();
    assert!(json.contains(from), "{from} not in {json}");
    json.replacen(from, to, 1)
}

async fn push_body(hub: &Hub, token: &str, user: &str, mutations: &[String]) -> common::Resp {
    let body = format!(
        "{{\"user\":{},\"mutations\":[{}]}}",
        serde_json::to_string(user).unwrap(),
        mutations.join(",")
    );
    hub.call(
        Method::POST,
        "/v1/sites/P1/push",
        Some(token),
        &[("content-type", "application/json".into())],
        body,
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poison_values_reject_only_their_own_mutation_and_the_rest_is_applied() {
    let hub = Hub::start().await;
    hub.site("P1").await;
    let dev = hub.enroll("P1", "lap-1").await;
    let asset = hub.asset("P1", "PMP-1").await;
    let wo = Uuid::now_v7();

    let good_create = env(0, create(wo, asset));
    let nul = env(0, note(wo, "OC1\u{0} tripped"));
    let surrogate = env(0, note(wo, "SURROGATE"));
    let ancient = env(
        0,
        Mutation::DowntimeStart {
            work_order_id: wo,
            at: t(7),
        },
    );
    let far_future = env(0, note(wo, "far future"));
    let before_pg = env(0, note(wo, "before PostgreSQL's calendar"));
    let huge_qty = env(0, part(wo, 1e300));
    let inf_qty = env(0, part(wo, 7.25));
    let bad_prio = env(0, create(Uuid::now_v7(), asset));
    let mut big_seq = env(0, note(wo, "big sequence"));
    big_seq.device_seq = 424_242_424;
    let good_note = env(0, note(wo, "seal dripping"));
    let good_part = env(0, part(wo, 2.0));

    let body = vec![
        raw(&good_create, "", ""),
        raw(&nul, "", ""),
        raw(&surrogate, "SURROGATE", "bad \\ud800 text"),
        raw(
            &ancient,
            &serde_json::to_string(&t(7)).unwrap(),
            "\"1900-01-01T00:00:00Z\"",
        ),
        raw(
            &far_future,
            "\"created_at\":\"2025",
            "\"created_at\":\"+300000",
        ),
        raw(
            &before_pg,
            "\"created_at\":\"2025",
            "\"created_at\":\"-5000",
        ),
        raw(&huge_qty, "", ""),
        raw(&inf_qty, "7.25", "1e400"),
        raw(&bad_prio, "\"priority\":4", "\"priority\":300"),
        raw(&big_seq, "424242424", "100000000000000000000"),
        raw(&good_note, "", ""),
        raw(&good_part, "", ""),
    ];
    let r = push_body(&hub, &dev.token, "ana", &body).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let resp: PushResponse = r.json();
    let want = [
        (good_create.mutation_id, "applied"),
        (nul.mutation_id, reject_codes::INVALID_VALUE),
        (surrogate.mutation_id, reject_codes::INVALID_VALUE),
        (ancient.mutation_id, reject_codes::INVALID_VALUE),
        (far_future.mutation_id, reject_codes::INVALID_VALUE),
        (before_pg.mutation_id, reject_codes::INVALID_VALUE),
        (huge_qty.mutation_id, reject_codes::INVALID_VALUE),
        (inf_qty.mutation_id, reject_codes::INVALID_VALUE),
        (bad_prio.mutation_id, reject_codes::INVALID_VALUE),
        (big_seq.mutation_id, reject_codes::INVALID_VALUE),
        (good_note.mutation_id, "applied"),
        (good_part.mutation_id, "applied"),
    ];
    let got: Vec<(Uuid, &str)> = resp
        .results
        .iter()
        .map(|r| (r.mutation_id, outcome_code(&r.outcome)))
        .collect();
    assert_eq!(got, want, "{resp:#?}");
    // Each refusal says what is wrong.
    match &resp.results[1].outcome {
        Outcome::Rejected { reason, .. } => assert!(reason.contains("U+0000"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(hub.count("SELECT count(*) FROM notes").await, 1);
    assert_eq!(hub.count("SELECT count(*) FROM parts").await, 1);
    assert_eq!(hub.count("SELECT count(*) FROM work_orders").await, 1);

    // The same batch again: the applied ones are replays, the poison ones refused again.
    let again: PushResponse = push_body(&hub, &dev.token, "ana", &body).await.json();
    let again: Vec<(Uuid, &str)> = again
        .results
        .iter()
        .map(|r| (r.mutation_id, outcome_code(&r.outcome)))
        .collect();
    assert_eq!(again, want);
    assert_eq!(hub.count("SELECT count(*) FROM notes").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_the_database_still_refuses_rejects_only_that_mutation() {
    let hub = Hub::start().await;
    hub.site("P1").await;
    let dev = hub.enroll("P1", "lap-1").await;
    let asset = hub.asset("P1", "PMP-1").await;
    let wo = hub.work_order("P1", asset, "open").await;
    // A rule only the database knows (as a newer constraint, a trigger or a type limit would).
    hub.db
        .client()
        .await
        .batch_execute("ALTER TABLE notes ADD CONSTRAINT no_poison CHECK (text <> 'poison')")
        .await
        .unwrap();
    let batch = vec![
        env(0, note(wo, "first")),
        env(0, note(wo, "poison")),
        env(0, note(wo, "third")),
    ];
    let resp = hub.push(&dev.token, "P1", batch.clone()).await;
    let codes: Vec<&str> = resp
        .results
        .iter()
        .map(|r| outcome_code(&r.outcome))
        .collect();
    assert_eq!(
        codes,
        ["applied", reject_codes::INVALID_VALUE, "applied"],
        "{resp:#?}"
    );
    match &resp.results[1].outcome {
        Outcome::Rejected { reason, .. } => assert!(reason.contains("23514"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(hub.count("SELECT count(*) FROM notes").await, 2);
    // Replayed: the applied ones answer as before and nothing is doubled.
    let again = hub.push(&dev.token, "P1", batch).await;
    assert!(again.results[0].replayed && again.results[2].replayed);
    assert_eq!(hub.count("SELECT count(*) FROM notes").await, 2);
}

async fn audit_bytes(hub: &Hub) -> i64 {
    hub.count(
        "SELECT (pg_total_relation_size('applied_mutations') + pg_total_relation_size('pushes'))::int8",
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_push_user_is_stored_once_per_push_and_bounded() {
    let hub = Hub::start().await;
    hub.site("P1").await;
    let dev = hub.enroll("P1", "lap-1").await;
    let asset = hub.asset("P1", "PMP-1").await;
    let wo = hub.work_order("P1", asset, "open").await;
    const N: usize = 400;
    let batch = |tag: &str| -> Vec<String> {
        (0..N)
            .map(|i| {
                serde_json::to_string(&env(0, note(wo, &format!("{tag} note {i:04}")))).unwrap()
            })
            .collect()
    };
    // A long name (500 characters, the most a person's name may have), varied so that
    // PostgreSQL cannot compress it away.
    let long_user: String = (0..500)
        .map(|i| char::from(b'a' + (i * 7 % 26) as u8))
        .collect();
    let short = batch("s");
    let long = batch("l");
    let body_bytes: usize = long.iter().map(String::len).sum::<usize>() + long_user.len();

    let start = audit_bytes(&hub).await;
    assert_eq!(push_body(&hub, &dev.token, "a", &short).await.status, 200);
    let after_short = audit_bytes(&hub).await;
    assert_eq!(
        push_body(&hub, &dev.token, &long_user, &long).await.status,
        200
    );
    let after_long = audit_bytes(&hub).await;
    let (grew_short, grew_long) = (after_short - start, after_long - after_short);
    println!(
        "audit growth: {N} notes with a 1-char user {grew_short} B, with a 500-char user {grew_long} B (request {body_bytes} B)"
    );
    // Copied into every row, the name alone would add N × 500 = 200 kB.
    assert!(
        grew_long - grew_short < 32 * 1024,
        "the user's name grew the audit by {} bytes",
        grew_long - grew_short
    );
    assert!(
        grew_long < 4 * body_bytes as i64,
        "{grew_long} bytes for a {body_bytes}-byte push"
    );
    assert_eq!(
        hub.count("SELECT count(*) FROM pushes WHERE mutation_count = 400")
            .await,
        2
    );

    // A name longer than a person's is refused with a sentence, and nothing is stored.
    let r = push_body(&hub, &dev.token, &"x".repeat(501), &batch("x")).await;
    assert_eq!(r.status, 400, "{}", String::from_utf8_lossy(&r.body));
    assert!(r.error().message.contains("user"), "{}", r.error().message);
    let r = push_body(&hub, &dev.token, "ana\u{0}", &batch("y")).await;
    assert_eq!(r.status, 400);
    assert_eq!(hub.count("SELECT count(*) FROM notes").await, 2 * N as i64);
}
