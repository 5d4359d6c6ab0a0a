//! Diagnosis sessions reach `fake_maximo` (never a real Maximo) as worklogs, with the hub on
//! real PostgreSQL: a session pushed by a laptop that reaches its conclusion is one worklog
//! ("Diagnosis: <guide> → <conclusion>", the walk in the long description), a session left
//! short of it is written at the work order's close, both through the BULK update of child
//! rows, in the work order's order; a lost answer after Maximo committed adds nothing twice.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::fake_maximo;

use common::{close, env, note, t};
use fake_maximo::config;
use fake_maximo::plant::{create, plant, Plant};
use faultline_hub::connector::{drain_bulk, retry_failed, Maximo};
use faultline_protocol::{DiagnosisSessionRecord, DiagnosisStepRecord, Mutation};
use serde_json::{json, Value};
use std::time::Duration;
use uuid::Uuid;

/// Dripping? → yes → flush pressure (≥ 1.5 bar) → below: "Seal worn: replace it".
fn guide() -> Value {
    serde_json::from_str(include_str!("fixtures/pump_seal_guide.json")).unwrap()
}

fn start(session: Uuid, wo: Uuid, asset: Uuid) -> Mutation {
    Mutation::StartDiagnosis {
        session: DiagnosisSessionRecord {
            id: session,
            asset_id: asset,
            work_order_id: Some(wo),
            guide_id: "P-SEAL".into(),
            guide_version: 1,
            generated: false,
            guide: guide(),
            codes: vec!["E31".into()],
            started_by: "ana".into(),
            started_at: t(100),
        },
    }
}

fn answer(session: Uuid, seq: u32, step: &str, answer: Value, next: &str) -> Mutation {
    Mutation::RecordDiagnosis {
        record: DiagnosisStepRecord {
            id: Uuid::now_v7(),
            session_id: session,
            seq,
            kind: "answer".into(),
            step_id: step.into(),
            answer: Some(answer),
            next_step: Some(next.into()),
            recorded_by: "ana".into(),
            recorded_at: t(100 + 60 * i64::from(seq)),
        },
    }
}

/// A walk to the conclusion "worn": dripping, then 0.8 bar.
fn concluded(session: Uuid) -> [Mutation; 2] {
    [
        answer(
            session,
            1,
            "leak",
            json!({"type": "choice", "value": "yes"}),
            "pressure",
        ),
        answer(
            session,
            2,
            "pressure",
            json!({"type": "value", "value": 0.8}),
            "worn",
        ),
    ]
}

async fn push(s: &Plant, muts: Vec<Mutation>) -> Vec<Uuid> {
    // A create makes version 1, which the other changes were made on.
    let envs: Vec<_> = muts
        .into_iter()
        .map(|m| match m {
            Mutation::CreateWorkOrder { .. } => env(0, m),
            _ => env(1, m),
        })
        .collect();
    let ids = envs.iter().map(|e| e.mutation_id).collect();
    s.hub.push(&s.token, "PLANT1", envs).await;
    ids
}

async fn drain(s: &Plant, max: u64) -> faultline_hub::connector::DrainReport {
    let m = Maximo::new(&config(&s.url, "key-1"), Duration::from_secs(5)).unwrap();
    drain_bulk(&s.hub.store, "PLANT1", &m, max, 20)
        .await
        .unwrap()
}

/// The diagnosis worklogs of a work order in the fake: (description, externalrefid, long text).
fn diagnosis_logs(s: &Plant, wonum: &str) -> Vec<(String, String, String)> {
    let f = s.fake.lock().unwrap();
    f.wo(wonum)["worklog"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["description"].as_str().unwrap().starts_with("Diagnosis:"))
        .map(|w| {
            (
                w["description"].as_str().unwrap().to_string(),
                w["externalrefid"].as_str().unwrap().to_string(),
                w["description_longdescription"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_concluded_session_is_one_worklog_and_a_paused_one_is_written_at_the_close() {
    let s = plant().await;
    let (w1, w2) = (Uuid::now_v7(), Uuid::now_v7());
    let (done1, paused1, done2) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let mut muts = vec![
        create(w1, "FL-1", s.asset),
        create(w2, "FL-2", s.asset),
        note(w1, "seal leaking"),
        note(w2, "seal leaking too"),
        start(done1, w1, s.asset),
        start(done2, w2, s.asset),
    ];
    muts.extend(concluded(done1));
    muts.extend(concluded(done2));
    muts.push(start(paused1, w1, s.asset));
    muts.push(answer(
        paused1,
        1,
        "leak",
        json!({"type": "choice", "value": "yes"}),
        "pressure",
    ));
    muts.push(close(w1, "REPLACE"));
    let ids = push(&s, muts).await;
    let queued = s
        .hub
        .count(
            "SELECT count(*) FROM cmms_outbox WHERE kind = 'record_diagnosis'
               AND work_order_id IS NOT NULL",
        )
        .await;
    assert_eq!(
        queued, 5,
        "every record queued under its session's work order"
    );
    let r = drain(&s, 1000).await;
    assert_eq!((r.rejected, r.retried), (0, 0), "{r:?}");
    let logs = diagnosis_logs(&s, "FL-1");
    assert_eq!(
        logs.iter()
            .map(|(d, refid, _)| (d.as_str(), refid.as_str()))
            .collect::<Vec<_>>(),
        [
            (
                "Diagnosis: Pump seal leak → Seal worn: replace it",
                ids[7].to_string().as_str()
            ),
            (
                "Diagnosis: Pump seal leak (paused at: Measure the seal flush pressure)",
                paused1.to_string().as_str()
            ),
        ],
        "the concluding record's worklog, then the paused session's at the close"
    );
    assert_eq!(
        logs[0].2,
        format!(
            "Guide: Pump seal leak (P-SEAL v1)\n\
             Codes shown: E31\n\
             Started by ana at 2025-11-23 12:15 UTC\n\
             1. Is the seal dripping?: Yes, dripping (ana, 2025-11-23 12:16 UTC)\n\
             2. Measure the seal flush pressure: 0.8 bar (outside 1.5 to - bar) (ana, 2025-11-23 12:17 UTC)\n\
             Conclusion: Seal worn: replace it\n\
             Conclusion codes: failure class PUMP, problem LEAK, cause SEALWORN, remedy REPLACE\n\
             Faultline diagnosis session {done1}"
        )
    );
    assert_eq!(diagnosis_logs(&s, "FL-2").len(), 1);
    {
        let f = s.fake.lock().unwrap();
        let bulk_with_diagnosis = f.log.iter().filter(|l| {
            l.method_override.as_deref() == Some("BULK")
                && l.body.to_string().contains("Diagnosis:")
        });
        assert_eq!(
            bulk_with_diagnosis.count(),
            1,
            "the two concluding records' worklogs in one BULK update"
        );
        let at = |what: &dyn Fn(&fake_maximo::Logged) -> bool| {
            f.log.iter().position(|l| l.is_committed_write() && what(l))
        };
        let paused = at(&|l| l.body.to_string().contains("(paused at:")).unwrap();
        let completed = at(&|l| l.query.contains("changeStatus")).unwrap();
        assert!(
            paused < completed,
            "the paused session's worklog before the close"
        );
        let wo = f.wo("FL-1");
        assert_eq!(wo["status"], "COMP");
        assert_eq!(
            wo["worklog"].as_array().unwrap().len(),
            3,
            "the note and the two sessions"
        );
    }
    let again = drain(&s, 1000).await;
    assert_eq!(again.sent + again.skipped, 0, "nothing left: {again:?}");
}

#[tokio::test]
async fn a_lost_answer_of_a_diagnosis_worklog_adds_it_once() {
    let s = plant().await;
    let wo = Uuid::now_v7();
    push(&s, vec![create(wo, "FL-1", s.asset)]).await;
    assert_eq!(drain(&s, 1000).await.sent, 1);
    let session = Uuid::now_v7();
    let mut muts = vec![start(session, wo, s.asset)];
    muts.extend(concluded(session));
    let ids = push(&s, muts).await;
    s.fake.lock().unwrap().lose_next_answer = true;
    let r = drain(&s, 1000).await;
    assert_eq!(
        (r.skipped, r.sent, r.retried),
        (2, 0, 1),
        "start and first answer write nothing; the conclusion's answer lost: {r:?}"
    );
    assert_eq!(diagnosis_logs(&s, "FL-1").len(), 1, "Maximo committed it");
    s.fake.lock().unwrap().window_passes();
    retry_failed(&s.hub.store, "PLANT1", None).await.unwrap();
    let r = drain(&s, 1000).await;
    assert_eq!(r.sent, 1, "{r:?}");
    let logs = diagnosis_logs(&s, "FL-1");
    assert_eq!(logs.len(), 1, "found by its reference, not added again");
    assert_eq!(logs[0].1, ids[2].to_string());
}
