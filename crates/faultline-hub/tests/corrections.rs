//! Corrections, several downtime intervals and shift handover notes against a real PostgreSQL:
//! pushed, checked (same site, target known or earlier in the batch, values as the app checks
//! them) and pulled back; two laptops' corrections of one item both kept in the hub's order.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use faultline_protocol::push::reject_codes;
use faultline_protocol::{Change, CorrectionRecord, Mutation};
use uuid::Uuid;

fn correction(wo: Uuid, target: &str, target_id: Uuid, action: &str) -> CorrectionRecord {
    CorrectionRecord {
        id: Uuid::now_v7(),
        work_order_id: wo,
        target: target.into(),
        target_id,
        action: action.into(),
        author: "ben".into(),
        created_at: t(100),
        text: None,
        part_number: None,
        quantity: None,
        unit: None,
        caption: None,
        reason: None,
        hub_order: 0,
    }
}

fn correct(c: CorrectionRecord) -> Mutation {
    Mutation::Correct { correction: c }
}

fn part(wo: Uuid, id: Uuid) -> Mutation {
    Mutation::AddPart {
        part_id: id,
        work_order_id: wo,
        part_number: "SEAL-40".into(),
        description: None,
        quantity: 1.0,
        unit: None,
        created_at: t(30),
    }
}

fn corrections_of(changes: &[Change]) -> Vec<&CorrectionRecord> {
    changes
        .iter()
        .filter_map(|c| match c {
            Change::Correction(r) => Some(r),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corrections_are_pushed_checked_and_pulled_in_hub_order() {
    let hub = Hub::start().await;
    hub.site("P1").await;
    let a = hub.enroll("P1", "lap-a").await;
    let b = hub.enroll("P1", "lap-b").await;
    let asset = hub.asset("P1", "PMP-1").await;
    let wo = hub.work_order("P1", asset, "open").await;
    let (note_id, part_id) = (Uuid::now_v7(), Uuid::now_v7());
    let add_note = Mutation::AddNote {
        note_id,
        work_order_id: wo,
        author: "ana".into(),
        text: "seal drippng".into(),
        created_at: t(10),
    };
    // The note and its correction in one batch (target earlier in the batch); the part is
    // voided in a second push (target already on the hub).
    let mut amend = correction(wo, "note", note_id, "amend");
    amend.text = Some("seal dripping".into());
    let r = hub
        .push(
            &a.token,
            "P1",
            vec![
                env(0, add_note),
                env(0, part(wo, part_id)),
                env(0, correct(amend.clone())),
            ],
        )
        .await;
    for x in &r.results {
        applied(&x.outcome);
    }
    let mut void = correction(wo, "part", part_id, "void");
    void.reason = Some("wrong work order".into());
    let r = hub
        .push(&b.token, "P1", vec![env(0, correct(void.clone()))])
        .await;
    applied(&r.results[0].outcome);
    // Laptop A amends the same note again after B's: both kept, in the hub's order.
    let mut again = correction(wo, "note", note_id, "amend");
    again.text = Some("seal dripping, gland nut loose".into());
    let r = hub
        .push(&a.token, "P1", vec![env(0, correct(again.clone()))])
        .await;
    applied(&r.results[0].outcome);

    let (changes, _) = hub.pull_all(&b.token, "P1", None, 100).await;
    let pulled = corrections_of(&changes);
    let ids: Vec<Uuid> = pulled.iter().map(|c| c.id).collect();
    assert_eq!(ids, [amend.id, void.id, again.id], "feed order");
    assert!(
        pulled.windows(2).all(|w| w[0].hub_order < w[1].hub_order),
        "{pulled:?}"
    );
    assert_eq!(pulled[1].reason.as_deref(), Some("wrong work order"));
    assert_eq!(pulled[0].author, "ben");
    // The originals are untouched.
    assert_eq!(
        hub.count(&format!(
            "SELECT count(*) FROM notes WHERE id = '{note_id}' AND text = 'seal drippng'"
        ))
        .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_correction_of_an_unknown_target_another_site_or_a_bad_value_is_rejected() {
    let hub = Hub::start().await;
    hub.site("P1").await;
    hub.site("P2").await;
    let a = hub.enroll("P1", "lap-a").await;
    let other = hub.enroll("P2", "lap-z").await;
    let asset = hub.asset("P1", "PMP-1").await;
    let wo = hub.work_order("P1", asset, "open").await;
    let part_id = Uuid::now_v7();
    hub.push(&a.token, "P1", vec![env(0, part(wo, part_id))])
        .await;

    let mut unknown = correction(wo, "note", Uuid::now_v7(), "void");
    unknown.reason = Some("typo".into());
    // A part id named as a note: not that kind of record.
    let mut wrong_kind = correction(wo, "note", part_id, "void");
    wrong_kind.reason = Some("typo".into());
    let mut no_reason = correction(wo, "part", part_id, "void");
    no_reason.reason = Some("  ".into());
    let mut huge = correction(wo, "part", part_id, "amend");
    huge.part_number = Some("SEAL-40".into());
    huge.quantity = Some(99_999_999_999.0);
    let mut bad_action = correction(wo, "part", part_id, "delete");
    bad_action.reason = Some("x".into());
    let r = hub
        .push(
            &a.token,
            "P1",
            vec![
                env(0, correct(unknown)),
                env(0, correct(wrong_kind)),
                env(0, correct(no_reason)),
                env(0, correct(huge)),
                env(0, correct(bad_action)),
            ],
        )
        .await;
    let codes: Vec<&str> = r
        .results
        .iter()
        .map(|x| rejected_code(&x.outcome))
        .collect();
    assert_eq!(
        codes,
        [
            reject_codes::UNKNOWN_RECORD,
            reject_codes::UNKNOWN_RECORD,
            reject_codes::INVALID_VALUE,
            reject_codes::INVALID_VALUE,
            reject_codes::INVALID_VALUE
        ]
    );
    // Another site's device cannot correct this site's part.
    let mut foreign = correction(wo, "part", part_id, "void");
    foreign.reason = Some("not mine".into());
    let r = hub
        .push(&other.token, "P2", vec![env(0, correct(foreign))])
        .await;
    assert_eq!(
        rejected_code(&r.results[0].outcome),
        reject_codes::UNKNOWN_RECORD
    );
    assert_eq!(hub.count("SELECT count(*) FROM corrections").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_machine_that_stops_twice_has_two_intervals_in_the_pull() {
    let hub = Hub::start().await;
    hub.site("P1").await;
    let a = hub.enroll("P1", "lap-a").await;
    let asset = hub.asset("P1", "PMP-1").await;
    let wo = hub.work_order("P1", asset, "open").await;
    let stop = |at| Mutation::DowntimeStart {
        work_order_id: wo,
        at,
    };
    let run = |at| Mutation::DowntimeEnd {
        work_order_id: wo,
        at,
    };
    let r = hub
        .push(
            &a.token,
            "P1",
            vec![
                env(0, stop(t(0))),
                env(0, run(t(600))),
                env(0, stop(t(1800))),
                env(0, run(t(2400))),
            ],
        )
        .await;
    let versions: Vec<i64> = r.results.iter().map(|x| applied(&x.outcome)).collect();
    assert!(
        versions.windows(2).all(|w| w[0] < w[1]),
        "each changes the record: {versions:?}"
    );
    let (changes, _) = hub.pull_all(&a.token, "P1", None, 100).await;
    let w = changes
        .iter()
        .find_map(|c| match c {
            Change::WorkOrder(w) if w.id == wo => Some(w.clone()),
            _ => None,
        })
        .expect("the work order is pulled");
    assert_eq!(w.downtime_start, Some(t(0)), "first start");
    assert_eq!(w.downtime_end, Some(t(2400)), "last end");
    let spans: Vec<_> = w
        .downtime_intervals
        .iter()
        .map(|i| (i.start, i.end))
        .collect();
    assert_eq!(spans, [(t(0), Some(t(600))), (t(1800), Some(t(2400)))]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handover_note_belongs_to_its_site_and_is_pulled_there_only() {
    let hub = Hub::start().await;
    hub.site("P1").await;
    hub.site("P2").await;
    let a = hub.enroll("P1", "lap-a").await;
    let z = hub.enroll("P2", "lap-z").await;
    let id = Uuid::now_v7();
    let handover = |id, text: &str| Mutation::AddHandoverNote {
        note_id: id,
        shift_start: t(0),
        shift_end: t(8 * 3600),
        author: "lead".into(),
        text: text.into(),
        created_at: t(8 * 3600 - 60),
    };
    let r = hub
        .push(
            &a.token,
            "P1",
            vec![
                env(0, handover(id, "press 4 trips on OC1")),
                env(0, handover(Uuid::now_v7(), " ")),
            ],
        )
        .await;
    applied(&r.results[0].outcome);
    assert_eq!(
        rejected_code(&r.results[1].outcome),
        reject_codes::INVALID_VALUE
    );
    assert_eq!(
        hub.count(&format!("SELECT count(*) FROM applied_mutations WHERE mutation_id = '{}' AND work_order_id IS NULL", r.results[0].mutation_id)).await,
        1,
        "its claim names no work order"
    );
    let (changes, _) = hub.pull_all(&a.token, "P1", None, 100).await;
    let notes: Vec<_> = changes
        .iter()
        .filter_map(|c| match c {
            Change::HandoverNote(n) => Some(n.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(notes.len(), 1);
    assert_eq!(
        (notes[0].id, notes[0].text.as_str()),
        (id, "press 4 trips on OC1")
    );
    let (elsewhere, _) = hub.pull_all(&z.token, "P2", None, 100).await;
    assert!(!elsewhere
        .iter()
        .any(|c| matches!(c, Change::HandoverNote(_))));
}
