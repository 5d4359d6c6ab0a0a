//! The hub validates what the laptop validates (issue 8's hub half, issue 9): text lengths equal
//! to the laptop's, failure codes in the site's catalogue and in a Maximo hierarchy (also after a
//! field-level merge), stop times not before the machine was last back in service, and replays
//! that carry different content or reuse a record's id.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use faultline_core::validate::{MAX_CODE_CHARS, MAX_SHORT_TEXT_CHARS, MAX_TEXT_CHARS};
use faultline_protocol::push::reject_codes;
use faultline_protocol::{Mutation, MutationEnvelope, Outcome};
use uuid::Uuid;

fn create(wo: Uuid, asset: Uuid, stopped: Option<i64>) -> Mutation {
    Mutation::CreateWorkOrder {
        work_order_id: wo,
        number: "L-1".into(),
        asset_id: asset,
        wo_type: "breakdown".into(),
        priority: 2,
        title: "VFD trips".into(),
        fault_code: Some("OC1".into()),
        reported_by: "ana".into(),
        reported_at: t(100_000),
        downtime_start: stopped.map(t),
    }
}

fn codes(wo: Uuid, c: [Option<&str>; 4]) -> Mutation {
    Mutation::CloseWorkOrder {
        work_order_id: wo,
        finished_at: t(3600),
        failure_class: c[0].map(str::to_string),
        problem_code: c[1].map(str::to_string),
        cause_code: c[2].map(str::to_string),
        remedy_code: c[3].map(str::to_string),
        iso_failure_mode: None,
        iso_failure_mechanism: None,
        iso_failure_cause: None,
        remedy_text: None,
    }
}

async fn answer(hub: &Hub, token: &str, e: MutationEnvelope) -> Outcome {
    hub.push(token, "P1", vec![e])
        .await
        .results
        .remove(0)
        .outcome
}

async fn code(hub: &Hub, token: &str, e: MutationEnvelope) -> String {
    outcome_code(&answer(hub, token, e).await).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_text_field_has_the_laptops_length_limit() {
    let hub = Hub::start().await;
    hub.site("P1").await;
    let dev = hub.enroll("P1", "lap-1").await;
    let asset = hub.asset("P1", "VFD-202").await;
    let wo = hub.work_order("P1", asset, "open").await;
    let long = |n: usize| "x".repeat(n + 1);
    let tok = &dev.token;

    let mut m = create(Uuid::now_v7(), asset, None);
    if let Mutation::CreateWorkOrder { title, .. } = &mut m {
        *title = long(MAX_TEXT_CHARS);
    }
    assert_eq!(
        code(&hub, tok, env(0, m)).await,
        reject_codes::INVALID_VALUE
    );
    for field in ["number", "fault_code", "reported_by"] {
        let mut m = create(Uuid::now_v7(), asset, None);
        if let Mutation::CreateWorkOrder {
            number,
            fault_code,
            reported_by,
            ..
        } = &mut m
        {
            match field {
                "number" => *number = long(MAX_CODE_CHARS),
                "fault_code" => *fault_code = Some(long(MAX_CODE_CHARS)),
                _ => *reported_by = long(MAX_SHORT_TEXT_CHARS),
            }
        }
        assert_eq!(
            code(&hub, tok, env(0, m)).await,
            reject_codes::INVALID_VALUE,
            "{field}"
        );
    }
    let mut n = note(wo, "ok");
    if let Mutation::AddNote { author, .. } = &mut n {
        *author = long(MAX_SHORT_TEXT_CHARS);
    }
    assert_eq!(
        code(&hub, tok, env(0, n)).await,
        reject_codes::INVALID_VALUE
    );
    let part = |number: String, description: Option<String>| Mutation::AddPart {
        part_id: Uuid::now_v7(),
        work_order_id: wo,
        part_number: number,
        description,
        quantity: 1.0,
        unit: None,
        created_at: t(30),
    };
    assert_eq!(
        code(&hub, tok, env(0, part(long(MAX_CODE_CHARS), None))).await,
        reject_codes::INVALID_VALUE
    );
    assert_eq!(
        code(
            &hub,
            tok,
            env(0, part("P".into(), Some(long(MAX_SHORT_TEXT_CHARS))))
        )
        .await,
        reject_codes::INVALID_VALUE
    );
    let photo = |mime: String, caption: Option<String>| Mutation::AddPhoto {
        photo_id: Uuid::now_v7(),
        work_order_id: wo,
        sha256: "a".repeat(64),
        mime,
        size_bytes: 10,
        caption,
        created_at: t(30),
    };
    assert_eq!(
        code(
            &hub,
            tok,
            env(0, photo(format!("image/{}", long(MAX_CODE_CHARS)), None))
        )
        .await,
        reject_codes::INVALID_VALUE
    );
    assert_eq!(
        code(
            &hub,
            tok,
            env(
                0,
                photo("image/jpeg".into(), Some(long(MAX_SHORT_TEXT_CHARS)))
            )
        )
        .await,
        reject_codes::INVALID_VALUE
    );
    // A 1 MiB remedy text and a 100 kB failure code on a close are refused.
    let mut close = codes(wo, [None; 4]);
    if let Mutation::CloseWorkOrder { remedy_text, .. } = &mut close {
        *remedy_text = Some("r".repeat(1 << 20));
    }
    assert_eq!(
        code(&hub, tok, env(0, close)).await,
        reject_codes::INVALID_VALUE
    );
    let big = "C".repeat(100_000);
    assert_eq!(
        code(&hub, tok, env(0, codes(wo, [Some(&big), None, None, None]))).await,
        reject_codes::INVALID_VALUE
    );
    // At the limits, everything is taken.
    let mut at_limit = create(Uuid::now_v7(), asset, None);
    if let Mutation::CreateWorkOrder {
        title,
        number,
        reported_by,
        ..
    } = &mut at_limit
    {
        *title = "t".repeat(MAX_TEXT_CHARS);
        *number = "n".repeat(MAX_CODE_CHARS);
        *reported_by = "r".repeat(MAX_SHORT_TEXT_CHARS);
    }
    assert_eq!(code(&hub, tok, env(0, at_limit)).await, "applied");
    assert_eq!(
        hub.count("SELECT count(*) FROM notes").await
            + hub.count("SELECT count(*) FROM parts").await,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failure_codes_must_be_in_the_sites_catalogue_and_form_a_hierarchy() {
    let hub = Hub::start().await;
    hub.site("P1").await;
    hub.site("P2").await;
    let dev = hub.enroll("P1", "lap-1").await;
    let asset = hub.asset("P1", "VFD-202").await;
    hub.db
        .client()
        .await
        .batch_execute(
            "INSERT INTO failure_codes (site, level, parent, code, description) VALUES
                 ('P1', 'class', '', 'VFD', 'Drives'),
                 ('P1', 'problem', 'VFD', 'OVERCURR', 'Over-current'),
                 ('P1', 'cause', 'OVERCURR', 'IGBT', 'Failed IGBT'),
                 ('P1', 'remedy', 'IGBT', 'REPL', 'Replace'),
                 ('P1', 'iso_mode', '', 'FTS', 'Fail to start'),
                 ('P2', 'class', '', 'PUMP', 'Pumps')",
        )
        .await
        .unwrap();
    let tok = &dev.token;
    let wo = || hub.work_order("P1", asset, "in_progress");

    // Not in the site's catalogue (another site's class), or under the wrong parent: refused.
    let w = wo().await;
    assert_eq!(
        code(
            &hub,
            tok,
            env(0, codes(w, [Some("PUMP"), None, None, None]))
        )
        .await,
        reject_codes::INVALID_VALUE
    );
    let w = wo().await;
    assert_eq!(
        code(
            &hub,
            tok,
            env(0, codes(w, [Some("VFD"), Some("IGBT"), None, None]))
        )
        .await,
        reject_codes::INVALID_VALUE
    );
    let mut iso = codes(wo().await, [None; 4]);
    if let Mutation::CloseWorkOrder {
        iso_failure_mode, ..
    } = &mut iso
    {
        *iso_failure_mode = Some("NOPE".into());
    }
    assert_eq!(
        code(&hub, tok, env(0, iso)).await,
        reject_codes::INVALID_VALUE
    );
    // A cause and remedy without class and problem: refused, with a sentence.
    let w = wo().await;
    match answer(
        &hub,
        tok,
        env(0, codes(w, [None, None, Some("IGBT"), Some("REPL")])),
    )
    .await
    {
        Outcome::Rejected { code, reason } => {
            assert_eq!(code, reject_codes::INVALID_VALUE);
            assert!(reason.contains("needs a problem code"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    // Found case-insensitively, stored in the catalogue's spelling.
    let w = wo().await;
    let ok = env(
        0,
        codes(
            w,
            [Some("vfd"), Some("overcurr"), Some("igbt"), Some("repl")],
        ),
    );
    assert_eq!(code(&hub, tok, ok).await, "applied");
    let spelled = hub
        .db
        .client()
        .await
        .query_one(
            "SELECT failure_class, remedy_code FROM work_orders WHERE id = $1",
            &[&w],
        )
        .await
        .unwrap();
    assert_eq!(
        (spelled.get::<_, String>(0), spelled.get::<_, String>(1)),
        ("VFD".into(), "REPL".into())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_merge_that_would_break_the_code_hierarchy_is_refused() {
    // Issue 8 bug 1: laptop A's close nulled the imported class and problem; laptop B, on the
    // version before, closes with the full set. The field merge would keep A's nulls (conflicts)
    // and apply B's cause and remedy: cause + remedy with no class and no problem.
    let hub = Hub::start().await;
    hub.site("P1").await;
    let a = hub.enroll("P1", "lap-a").await;
    let b = hub.enroll("P1", "lap-b").await;
    let asset = hub.asset("P1", "VFD-202").await;
    let wo = hub.work_order("P1", asset, "in_progress").await;
    hub.db
        .client()
        .await
        .execute(
            "UPDATE work_orders SET failure_class = 'VFD', problem_code = 'OVERCURR' WHERE id = $1",
            &[&wo],
        )
        .await
        .unwrap();
    assert_eq!(
        code(&hub, &a.token, env(0, codes(wo, [None; 4]))).await,
        "applied"
    );
    let full = codes(
        wo,
        [Some("VFD"), Some("OVERCURR"), Some("IGBT"), Some("REPL")],
    );
    match answer(&hub, &b.token, env(0, full)).await {
        Outcome::Rejected { code, reason } => {
            assert_eq!(code, reject_codes::INVALID_VALUE);
            assert!(
                reason.contains("class code above it") || reason.contains("problem code above it"),
                "{reason}"
            );
        }
        other => panic!("expected the broken merge to be refused, got {other:?}"),
    }
    let row = hub
        .db
        .client()
        .await
        .query_one(
            "SELECT cause_code, remedy_code FROM work_orders WHERE id = $1",
            &[&wo],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, Option<String>>(0), None);
    assert_eq!(row.get::<_, Option<String>>(1), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_before_the_machine_was_last_back_in_service_is_refused() {
    let hub = Hub::start().await;
    hub.site("P1").await;
    let dev = hub.enroll("P1", "lap-1").await;
    let tok = &dev.token;
    let asset = hub.asset("P1", "VFD-202").await;
    // The machine stopped at t(0) and was back in service at t(1000).
    let first = Uuid::now_v7();
    let r = hub
        .push(
            tok,
            "P1",
            vec![
                env(0, create(first, asset, Some(0))),
                env(
                    1,
                    Mutation::DowntimeEnd {
                        work_order_id: first,
                        at: t(1000),
                    },
                ),
            ],
        )
        .await;
    assert!(
        r.results
            .iter()
            .all(|r| matches!(r.outcome, Outcome::Applied { .. })),
        "{r:?}"
    );
    // A new breakdown said to have stopped it at t(500): refused.
    let second = Uuid::now_v7();
    match answer(&hub, tok, env(0, create(second, asset, Some(500)))).await {
        Outcome::Rejected { code, reason } => {
            assert_eq!(code, reject_codes::INVALID_VALUE);
            assert!(reason.contains("back in service"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    // Created without a stop and stopped at t(500) in the same batch: the stop is refused.
    let third = Uuid::now_v7();
    let r = hub
        .push(
            tok,
            "P1",
            vec![
                env(0, create(third, asset, None)),
                env(
                    1,
                    Mutation::DowntimeStart {
                        work_order_id: third,
                        at: t(500),
                    },
                ),
            ],
        )
        .await;
    let got: Vec<&str> = r.results.iter().map(|r| outcome_code(&r.outcome)).collect();
    assert_eq!(
        got,
        [
            "applied".to_string(),
            reject_codes::INVALID_VALUE.to_string()
        ]
    );
    // Created without a stop, then a stop at t(500): refused; at t(1500): applied.
    assert_eq!(
        code(&hub, tok, env(0, create(second, asset, None))).await,
        "applied"
    );
    let stop = |at| {
        env(
            1,
            Mutation::DowntimeStart {
                work_order_id: second,
                at: t(at),
            },
        )
    };
    assert_eq!(
        code(&hub, tok, stop(500)).await,
        reject_codes::INVALID_VALUE
    );
    assert_eq!(code(&hub, tok, stop(1500)).await, "applied");
    // An old stop (weeks before the report, confirmed on the laptop) on another machine is taken.
    let other = hub.asset("P1", "PMP-1").await;
    assert_eq!(
        code(
            &hub,
            tok,
            env(0, create(Uuid::now_v7(), other, Some(-30 * 86_400)))
        )
        .await,
        "applied"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replay_with_different_content_or_a_reused_record_id_is_refused() {
    let hub = Hub::start().await;
    hub.site("P1").await;
    let dev = hub.enroll("P1", "lap-1").await;
    let tok = &dev.token;
    let asset = hub.asset("P1", "VFD-202").await;
    let wo = hub.work_order("P1", asset, "open").await;

    let first = env(0, note(wo, "bearing hot"));
    assert_eq!(code(&hub, tok, first.clone()).await, "applied");
    // The same id, the same content: a replay, answered as the first time.
    let replay = hub
        .push(tok, "P1", vec![first.clone()])
        .await
        .results
        .remove(0);
    assert!(replay.replayed);
    assert_eq!(outcome_code(&replay.outcome), "applied");
    // The same id, other content: refused, and the note keeps its text.
    let mut changed = first.clone();
    if let Mutation::AddNote { text, .. } = &mut changed.mutation {
        *text = "bearing cold".into();
    }
    assert_eq!(
        code(&hub, tok, changed.clone()).await,
        reject_codes::REPLAY_MISMATCH
    );
    // Also within one batch.
    let fresh = env(0, note(wo, "one"));
    let mut twin = fresh.clone();
    if let Mutation::AddNote { text, .. } = &mut twin.mutation {
        *text = "two".into();
    }
    let r = hub.push(tok, "P1", vec![fresh, twin]).await;
    assert_eq!(outcome_code(&r.results[0].outcome), "applied");
    assert_eq!(
        outcome_code(&r.results[1].outcome),
        reject_codes::REPLAY_MISMATCH
    );
    let texts = hub
        .count("SELECT count(*) FROM notes WHERE text IN ('bearing hot', 'one')")
        .await;
    assert_eq!(
        (texts, hub.count("SELECT count(*) FROM notes").await),
        (2, 2)
    );

    // The same note id under a new mutation id: refused, not silently dropped.
    let mut reused = env(0, note(wo, "another text"));
    if let (Mutation::AddNote { note_id, .. }, Mutation::AddNote { note_id: old, .. }) =
        (&mut reused.mutation, &first.mutation)
    {
        *note_id = *old;
    }
    assert_eq!(code(&hub, tok, reused).await, reject_codes::DUPLICATE_ID);
    // The same work-order id under a new mutation id.
    let created = Uuid::now_v7();
    assert_eq!(
        code(&hub, tok, env(0, create(created, asset, None))).await,
        "applied"
    );
    assert_eq!(
        code(&hub, tok, env(0, create(created, asset, None))).await,
        reject_codes::DUPLICATE_ID
    );
    // Two new parts with one id in one batch: the second is refused.
    let part = Mutation::AddPart {
        part_id: Uuid::now_v7(),
        work_order_id: wo,
        part_number: "SEAL-40".into(),
        description: None,
        quantity: 1.0,
        unit: Some("EA".into()),
        created_at: t(30),
    };
    let r = hub
        .push(tok, "P1", vec![env(0, part.clone()), env(0, part)])
        .await;
    let got: Vec<&str> = r.results.iter().map(|r| outcome_code(&r.outcome)).collect();
    assert_eq!(
        got,
        [
            "applied".to_string(),
            reject_codes::DUPLICATE_ID.to_string()
        ]
    );
    assert_eq!(
        hub.count("SELECT count(*) FROM parts WHERE unit = 'ea'")
            .await,
        1
    );
}
