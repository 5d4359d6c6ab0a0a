//! Guides and diagnosis sessions in the store: versions on import, the candidates for an asset,
//! answers recorded at once, going back keeps the earlier answer marked superseded, the
//! conclusion's codes, and the records refuse to be changed.

use super::test_support::{clock, store_with};
use super::{GuideWrite, NewDiagnosisSession};
use crate::domain::{Guide, GuideAnswer, GuideChoice, GuideStep, SessionRecordKind, StepKind};
use crate::error::ErrorCode;

fn step(id: &str, kind: StepKind) -> GuideStep {
    GuideStep {
        id: id.into(),
        text: format!("do {id}"),
        caution: None,
        manual: None,
        job_plan: None,
        kind,
    }
}

pub(crate) fn guide(id: &str, version: u32, models: &[&str], classes: &[&str]) -> Guide {
    let choice = |v: &str, next: &str| GuideChoice {
        value: v.into(),
        label: v.into(),
        next: next.into(),
    };
    let end = |cause: &str| StepKind::Conclusion {
        failure_class: Some("VFD".into()),
        problem_code: Some("OVERCURR".into()),
        cause_code: Some(cause.into()),
        remedy_code: None,
    };
    Guide {
        id: id.into(),
        version,
        title: format!("guide {id}"),
        models: models.iter().map(|s| s.to_string()).collect(),
        equipment_classes: classes.iter().map(|s| s.to_string()).collect(),
        codes: vec!["OC1".into()],
        symptoms: vec![],
        start: "look".into(),
        steps: vec![
            step(
                "look",
                StepKind::Instruction {
                    next: "free".into(),
                },
            ),
            step(
                "free",
                StepKind::Question {
                    choices: vec![choice("yes", "ir"), choice("no", "bearing")],
                },
            ),
            step(
                "ir",
                StepKind::Measurement {
                    unit: "MOhm".into(),
                    min: Some(100.0),
                    max: None,
                    in_range: "ramp".into(),
                    out_of_range: "cable".into(),
                },
            ),
            step("ramp", end("ACCLOAD")),
            step("cable", end("CBLDMG")),
            step("bearing", end("MTRBRG")),
        ],
    }
}

#[test]
fn a_guide_is_added_replaced_by_a_newer_version_and_an_older_one_is_refused() {
    let mut store = store_with(clock());
    let g = guide("G1", 2, &["VX-300"], &[]);
    assert_eq!(
        store.put_guide(&g, Some("toml")).ok(),
        Some(GuideWrite::Added)
    );
    assert_eq!(store.put_guide(&g, None).ok(), Some(GuideWrite::Unchanged));
    let mut newer = guide("G1", 3, &["VX-300"], &[]);
    newer.title = "better".into();
    assert_eq!(
        store.put_guide(&newer, None).ok(),
        Some(GuideWrite::Replaced)
    );
    let older = store.put_guide(&g, None);
    assert_eq!(older.err().map(|e| e.code()), Some(ErrorCode::InvalidInput));
    assert_eq!(
        store.guide("G1").map(|g| g.title).ok(),
        Some("better".into())
    );
    let list = store.guides().unwrap_or_default();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].version, list[0].step_count), (3, 6));
    let mut broken = guide("G2", 1, &[], &[]);
    broken.start = "nowhere".into();
    assert!(store.put_guide(&broken, None).is_err());
}

#[test]
fn the_guides_for_an_asset_are_its_models_then_its_class_then_general_ones() {
    let mut store = store_with(clock());
    for g in [
        guide("CLASS", 1, &[], &["Frequency converters"]),
        guide("MODEL", 1, &["vx-300"], &[]),
        guide("OTHER", 1, &["KM-600"], &["Machine tools"]),
        guide("ANY", 1, &[], &[]),
    ] {
        assert!(store.put_guide(&g, None).is_ok());
    }
    let ids = |v: Vec<Guide>| v.into_iter().map(|g| g.id).collect::<Vec<_>>();
    let found = store.guides_for(Some("VX-300"), Some("Frequency converters"));
    assert_eq!(
        found.map(ids).ok(),
        Some(vec!["MODEL".into(), "ANY".into(), "CLASS".into()])
    );
    let found = store.guides_for(None, Some("Pumps"));
    assert_eq!(found.map(ids).ok(), Some(vec!["ANY".into()]));
}

fn start(store: &mut crate::Store) -> String {
    let s = store.start_diagnosis_session(&NewDiagnosisSession {
        asset_id: "01890000-0000-7000-8000-000000000001".into(),
        work_order_id: Some("01890000-0000-7000-8000-0000000000a1".into()),
        guide: guide("G1", 1, &["VX-300"], &[]),
        generated: false,
        codes: vec!["OC1".into()],
        started_by: "ana".into(),
    });
    match s {
        Ok(s) => {
            assert_eq!(s.current_step, "look");
            assert!(s.records.is_empty() && s.conclusion.is_none());
            s.id
        }
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn answers_walk_the_guide_and_back_keeps_the_earlier_answer_superseded() {
    let mut store = store_with(clock());
    let id = start(&mut store);
    let yes = GuideAnswer::Choice {
        value: "yes".into(),
    };
    // Only the current step can be answered, only with an answer that fits it.
    let wrong = store.answer_diagnosis_step(&id, "free", &yes, "ana");
    assert_eq!(wrong.err().map(|e| e.code()), Some(ErrorCode::InvalidState));
    let misfit = store.answer_diagnosis_step(&id, "look", &yes, "ana");
    assert_eq!(
        misfit.err().map(|e| e.code()),
        Some(ErrorCode::InvalidInput)
    );
    let back = store.diagnosis_back(&id, "ana");
    assert_eq!(back.err().map(|e| e.code()), Some(ErrorCode::InvalidState));

    let walk = [
        ("look", GuideAnswer::Done, "free"),
        ("free", yes.clone(), "ir"),
        ("ir", GuideAnswer::Value { value: 12.5 }, "cable"),
    ];
    for (step, answer, next) in walk {
        let s = store.answer_diagnosis_step(&id, step, &answer, "ana");
        assert_eq!(s.map(|s| s.current_step).ok(), Some(next.to_string()));
    }
    let s = store.diagnosis_session(&id);
    let concl = s.ok().and_then(|s| s.conclusion);
    assert_eq!(concl.and_then(|c| c.cause_code), Some("CBLDMG".into()));
    let after_end = store.answer_diagnosis_step(&id, "cable", &GuideAnswer::Done, "ana");
    assert!(after_end.is_err());

    // Back from the conclusion to the measurement, measure again in range.
    let s = store.diagnosis_back(&id, "ana");
    assert_eq!(s.as_ref().map(|s| s.current_step.as_str()).ok(), Some("ir"));
    let s = store.answer_diagnosis_step(&id, "ir", &GuideAnswer::Value { value: 800.0 }, "ana");
    assert_eq!(s.map(|s| s.current_step).ok(), Some("ramp".into()));

    // Read back from the database: all five records, the first measurement superseded.
    let s = match store.diagnosis_session(&id) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let kinds: Vec<(SessionRecordKind, &str, bool)> = s
        .records
        .iter()
        .map(|r| (r.kind, r.step_id.as_str(), r.superseded))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (SessionRecordKind::Answer, "look", false),
            (SessionRecordKind::Answer, "free", false),
            (SessionRecordKind::Answer, "ir", true),
            (SessionRecordKind::Back, "ir", false),
            (SessionRecordKind::Answer, "ir", false),
        ]
    );
    assert_eq!(
        s.records[2].answer,
        Some(GuideAnswer::Value { value: 12.5 })
    );
    assert_eq!(
        s.conclusion.and_then(|c| c.cause_code),
        Some("ACCLOAD".into())
    );
    let on_wo = store
        .diagnosis_sessions_for_work_order("01890000-0000-7000-8000-0000000000a1")
        .unwrap_or_default();
    assert_eq!(on_wo.len(), 1);
}

#[test]
fn the_records_are_append_only() {
    let mut store = store_with(clock());
    let id = start(&mut store);
    assert!(store
        .answer_diagnosis_step(&id, "look", &GuideAnswer::Done, "ana")
        .is_ok());
    let update = store
        .conn()
        .execute("UPDATE diagnosis_records SET step_id = 'x'", []);
    assert!(update.is_err());
    let delete = store.conn().execute("DELETE FROM diagnosis_records", []);
    assert!(delete.is_err());
    assert_eq!(
        store.diagnosis_session(&id).map(|s| s.records.len()).ok(),
        Some(1)
    );
}

#[test]
fn a_session_goes_out_through_the_outbox_and_comes_in_whole_on_another_laptop() {
    use faultline_protocol::{Change, Mutation};
    let mut a = store_with(clock());
    let id = start(&mut a);
    let yes = GuideAnswer::Choice {
        value: "yes".into(),
    };
    for (step, answer) in [("look", GuideAnswer::Done), ("free", yes)] {
        assert!(a.answer_diagnosis_step(&id, step, &answer, "ana").is_ok());
    }
    assert!(a.diagnosis_back(&id, "ana").is_ok());
    let outbox = a.outbox(true, 10).unwrap_or_default();
    let kinds: Vec<&str> = outbox.iter().map(|e| e.envelope.mutation.kind()).collect();
    assert_eq!(
        kinds,
        vec![
            "start_diagnosis",
            "record_diagnosis",
            "record_diagnosis",
            "record_diagnosis"
        ]
    );
    // What the hub sends down is what the laptop pushed, as changes; a record before its
    // session (or twice) changes nothing.
    let changes: Vec<Change> = outbox
        .iter()
        .map(|e| match &e.envelope.mutation {
            Mutation::StartDiagnosis { session } => Change::DiagnosisSession(session.clone()),
            Mutation::RecordDiagnosis { record } => Change::DiagnosisRecord(record.clone()),
            other => panic!("{other:?}"),
        })
        .collect();
    let mut b = store_with(clock());
    assert!(b.apply_pulled(&changes[1..2], "c0").is_ok());
    assert!(b.apply_pulled(&changes, "c1").is_ok());
    assert!(b.apply_pulled(&changes, "c2").is_ok());
    let (sa, sb) = match (a.diagnosis_session(&id), b.diagnosis_session(&id)) {
        (Ok(x), Ok(y)) => (x, y),
        other => panic!("{other:?}"),
    };
    assert_eq!(sb.records.len(), 3);
    assert_eq!(sb.current_step, "free");
    assert_eq!(sb.records, sa.records);
    assert_eq!((sb.guide, sb.codes), (sa.guide, sa.codes));
    assert!(b.outbox(true, 10).unwrap_or_default().is_empty());
}

#[test]
fn a_pulled_guide_replaces_an_older_one_and_leaves_a_newer_one() {
    use faultline_protocol::{Change, GuideRecord};
    let mut store = store_with(clock());
    let record = |g: &Guide| GuideRecord {
        id: g.id.clone(),
        version: g.version,
        title: g.title.clone(),
        guide: serde_json::to_value(g).unwrap_or_default(),
    };
    let mut v2 = guide("G1", 2, &["VX-300"], &[]);
    v2.title = "from the hub".into();
    let v1 = guide("G1", 1, &["VX-300"], &[]);
    let broken = GuideRecord {
        id: "BROKEN".into(),
        version: 1,
        title: "x".into(),
        guide: serde_json::json!({"id": "BROKEN"}),
    };
    let page = [Change::Guide(record(&v2)), Change::Guide(broken)];
    assert!(store.apply_pulled(&page, "c1").is_ok());
    assert!(store
        .apply_pulled(&[Change::Guide(record(&v1))], "c2")
        .is_ok());
    let held = store.guide("G1").map(|g| (g.version, g.title)).ok();
    assert_eq!(held, Some((2, "from the hub".into())));
    assert_eq!(store.guides().map(|l| l.len()).ok(), Some(1));
}

/// What a laptop's outbox holds, as the hub would send it down to another laptop.
fn as_changes(store: &crate::Store) -> Vec<faultline_protocol::Change> {
    use faultline_protocol::{Change, Mutation};
    store
        .outbox(true, 100)
        .unwrap_or_default()
        .iter()
        .filter_map(|e| match &e.envelope.mutation {
            Mutation::StartDiagnosis { session } => Some(Change::DiagnosisSession(session.clone())),
            Mutation::RecordDiagnosis { record } => Some(Change::DiagnosisRecord(record.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn two_laptops_answering_the_same_session_before_syncing_both_keep_both_answers() {
    use crate::clock::UuidV7Ids;
    use std::sync::Arc;
    let mut a = store_with(clock());
    let id = start(&mut a);
    // Laptop B (its own ids, a second later) has the session from the hub.
    let b_clock = clock();
    b_clock.advance(chrono::Duration::seconds(1));
    let mut b = match crate::Store::open_in_memory(b_clock, Arc::new(UuidV7Ids)) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    assert!(b.apply_pulled(&as_changes(&a), "c1").is_ok());
    // Both answer the first step before either syncs: both records carry seq 1.
    assert!(a
        .answer_diagnosis_step(&id, "look", &GuideAnswer::Done, "ana")
        .is_ok());
    assert!(b
        .answer_diagnosis_step(&id, "look", &GuideAnswer::Done, "ben")
        .is_ok());
    let (from_a, from_b) = (as_changes(&a), as_changes(&b));
    assert!(b.apply_pulled(&from_a, "c2").is_ok());
    assert!(a.apply_pulled(&from_b, "c2").is_ok());
    let (sa, sb) = match (a.diagnosis_session(&id), b.diagnosis_session(&id)) {
        (Ok(x), Ok(y)) => (x, y),
        other => panic!("{other:?}"),
    };
    let seen = |s: &crate::domain::DiagnosisSession| -> Vec<(u32, String, bool)> {
        s.records
            .iter()
            .map(|r| (r.seq, r.recorded_by.clone(), r.superseded))
            .collect()
    };
    // Nothing lost, the same order on both laptops; the later concurrent answer is kept,
    // marked superseded by the earlier one.
    let want = vec![(1, "ana".to_string(), false), (1, "ben".to_string(), true)];
    assert_eq!(seen(&sa), want);
    assert_eq!(seen(&sb), want);
    assert_eq!(
        (sa.current_step.as_str(), sb.current_step.as_str()),
        ("free", "free")
    );
    // The next answer comes after both.
    let yes = GuideAnswer::Choice {
        value: "yes".into(),
    };
    let next = b.answer_diagnosis_step(&id, "free", &yes, "ben");
    assert_eq!(
        next.map(|s| (s.records.len(), s.records[2].seq)).ok(),
        Some((3, 2))
    );
}

#[test]
fn a_guide_withdrawn_at_the_hub_leaves_the_laptop_and_its_sessions_keep_their_copy() {
    use faultline_protocol::Change;
    let mut store = store_with(clock());
    let id = start(&mut store);
    assert!(store
        .put_guide(&guide("G1", 1, &["VX-300"], &[]), None)
        .is_ok());
    let tomb = Change::Tombstone {
        entity: "guide".into(),
        key: "G1".into(),
    };
    assert!(store.apply_pulled(&[tomb], "c1").is_ok());
    assert_eq!(store.guides().map(|l| l.len()).ok(), Some(0));
    assert_eq!(
        store.diagnosis_session(&id).map(|s| s.guide.id).ok(),
        Some("G1".to_string())
    );
}
