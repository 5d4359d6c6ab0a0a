//! Table tests of the push decision without PostgreSQL: one loaded batch (a work order edited
//! by another device, a closed one, an asset, a blob, a small catalogue, a taken note id, a
//! machine back in service) and batches of mutations → every answer kind, and the rows to write.

use super::*;
use crate::fields::{change_entry, Field, FieldValue};
use crate::pg::push_batch::SimWo;
use crate::pg::wo_state::WoState;
use crate::store::Device;
use chrono::{DateTime, Duration, TimeZone, Utc};
use faultline_protocol::push::reject_codes as rc;
use rstest::rstest;

const WO: Uuid = Uuid::from_u128(0x10);
const CLOSED: Uuid = Uuid::from_u128(0x11);
const NEW_WO: Uuid = Uuid::from_u128(0x12);
const ASSET: Uuid = Uuid::from_u128(0x20);
const TAKEN: Uuid = Uuid::from_u128(0x30);
const CONFLICT: Uuid = Uuid::from_u128(0x40);
const OTHER_DEVICE: Uuid = Uuid::from_u128(2);

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 6, 10, 0, 0)
        .single()
        .unwrap_or_default()
}

/// `h` hours before now.
fn ago(h: i64) -> DateTime<Utc> {
    now() - Duration::hours(h)
}

fn sha() -> String {
    "ab".repeat(32)
}

fn device() -> Device {
    Device {
        id: Uuid::from_u128(1),
        name: "lap-1".into(),
        site_code: "P1".into(),
        site_name: "Plant 1".into(),
    }
}

/// WO: open at version 3, coded VFD / OVERCURR / WEAR / REPLACE, its remedy code set by another
/// device at version 3; its machine back in service 10 h ago. CLOSED: closed. The catalogue has
/// classes and problems only (any cause or remedy is accepted, as on the laptop).
fn batch(device: &Device) -> Batch<'_> {
    let mut open = WoState::created(None);
    open.version = 3;
    for (f, c) in [
        (Field::FailureClass, "VFD"),
        (Field::ProblemCode, "OVERCURR"),
        (Field::CauseCode, "WEAR"),
        (Field::RemedyCode, "REPLACE"),
    ] {
        open.values.0[f.index()] = FieldValue::Text(Some(c.into()));
    }
    open.field_versions = serde_json::json!({
        "remedy_code": change_entry(3, OTHER_DEVICE),
    });
    let mut closed = WoState::created(None);
    closed.status = "closed".into();
    closed.values.0[Field::Status.index()] = FieldValue::Text(Some("closed".into()));
    let sim = |st| SimWo {
        st,
        dirty: false,
        created: None,
    };
    let row = |l: &str, p: &str, c: &str| (l.to_string(), p.to_string(), c.to_string());
    Batch {
        device,
        wos: [(WO, sim(open)), (CLOSED, sim(closed))]
            .into_iter()
            .collect(),
        assets: [ASSET].into_iter().collect(),
        blobs: [(sha(), 10)].into_iter().collect(),
        open_conflicts: [(CONFLICT, WO, "remedy_code".to_string())]
            .into_iter()
            .collect(),
        notes: Vec::new(),
        parts: Vec::new(),
        photos: Vec::new(),
        conflicts: Vec::new(),
        resolutions: Vec::new(),
        now: now(),
        catalog: push_context::Catalog {
            levels: ["class", "problem"].map(String::from).into_iter().collect(),
            rows: vec![
                row("class", "", "VFD"),
                row("problem", "VFD", "OVERCURR"),
                row("problem", "VFD", "OVERVOLT"),
            ],
        },
        taken_ids: [TAKEN].into_iter().collect(),
        back_in_service: [(WO, ago(10))].into_iter().collect(),
        extra: super::super::push_extra::Extra::default(),
    }
}

fn env(n: u128, base_version: i64, mutation: Mutation) -> MutationEnvelope {
    MutationEnvelope {
        mutation_id: Uuid::from_u128(0x1000 + n),
        device_seq: i64::try_from(n).unwrap_or(0),
        base_version,
        created_at: ago(1),
        mutation,
    }
}

fn note(id: u128, wo: Uuid, text: &str) -> Mutation {
    Mutation::AddNote {
        note_id: Uuid::from_u128(id),
        work_order_id: wo,
        author: "ana".into(),
        text: text.into(),
        created_at: ago(2),
    }
}

fn part(id: u128, quantity: f64) -> Mutation {
    Mutation::AddPart {
        part_id: Uuid::from_u128(id),
        work_order_id: WO,
        part_number: "SEAL-40".into(),
        description: None,
        quantity,
        unit: Some("EA".into()),
        created_at: ago(2),
    }
}

fn photo(sha256: String, size_bytes: i64) -> Mutation {
    Mutation::AddPhoto {
        photo_id: Uuid::from_u128(0x77),
        work_order_id: WO,
        sha256,
        mime: "image/jpeg".into(),
        size_bytes,
        caption: None,
        created_at: ago(2),
    }
}

fn create(wo: Uuid, asset: Uuid, priority: u8, stopped: Option<DateTime<Utc>>) -> Mutation {
    Mutation::CreateWorkOrder {
        work_order_id: wo,
        number: "BD-1".into(),
        asset_id: asset,
        wo_type: "breakdown".into(),
        priority,
        title: "Drive trips (OC1)".into(),
        fault_code: Some("OC1".into()),
        reported_by: "ana".into(),
        reported_at: ago(3),
        downtime_start: stopped,
    }
}

fn status(wo: Uuid, to: &str) -> Mutation {
    Mutation::SetStatus {
        work_order_id: wo,
        status: to.into(),
        at: ago(1),
    }
}

fn close(codes: [Option<&str>; 4]) -> Mutation {
    Mutation::CloseWorkOrder {
        work_order_id: WO,
        finished_at: ago(1),
        failure_class: codes[0].map(str::to_string),
        problem_code: codes[1].map(str::to_string),
        cause_code: codes[2].map(str::to_string),
        remedy_code: codes[3].map(str::to_string),
        iso_failure_mode: None,
        iso_failure_mechanism: None,
        iso_failure_cause: None,
        remedy_text: Some("fuse replaced".into()),
    }
}

fn resolve(conflict: Uuid, value: &str) -> Mutation {
    Mutation::ResolveConflict {
        conflict_id: conflict,
        work_order_id: WO,
        field: "remedy_code".into(),
        value: serde_json::json!(value),
    }
}

/// An answer as a word: `applied`, `conflict`, or the rejection code; `replayed ` before a
/// replay.
/// A diagnosis session started on `asset` (and the work order `wo`).
fn session(id: u128, asset: Uuid, wo: Option<Uuid>) -> Mutation {
    Mutation::StartDiagnosis {
        session: faultline_protocol::DiagnosisSessionRecord {
            id: Uuid::from_u128(id),
            asset_id: asset,
            work_order_id: wo,
            guide_id: "VX300-OC1".into(),
            guide_version: 1,
            generated: false,
            guide: serde_json::json!({"id": "VX300-OC1"}),
            codes: vec!["OC1".into()],
            started_by: "ana".into(),
            started_at: ago(1),
        },
    }
}

fn word(r: &MutationResult) -> String {
    let o = match &r.outcome {
        Outcome::Applied { .. } => "applied",
        Outcome::Conflict { .. } => "conflict",
        Outcome::Rejected { code, .. } => code,
    };
    if r.replayed {
        format!("replayed {o}")
    } else {
        o.to_string()
    }
}

/// Decides `envs` (every id claimed by this push) on the fixture batch; `names` are the
/// conflicts' authors by mutation id. Returns the batch (with the rows to write) and the answers.
fn decided<'d>(
    device: &'d Device,
    envs: &[MutationEnvelope],
    names: &HashMap<Uuid, Option<String>>,
) -> (Batch<'d>, Answers) {
    let mut b = batch(device);
    let sent = Sent::all(envs);
    let claimed = envs.iter().map(|e| e.mutation_id).collect();
    let Ok(decided) = decide(&mut b, &sent, &claimed, &Stored::new()) else {
        panic!("decide failed");
    };
    let answers = answers(&sent, decided, names);
    (b, answers)
}

/// [`decided`]: the answers as words, and the rows the batch would write as (notes, parts,
/// photos, new work orders, edited ones, conflicts).
fn run(envs: &[MutationEnvelope]) -> (Vec<String>, Answers, [usize; 6]) {
    let device = device();
    let (b, answers) = decided(&device, envs, &HashMap::new());
    let writes = [
        b.notes.len(),
        b.parts.len(),
        b.photos.len(),
        b.wos.values().filter(|w| w.created.is_some()).count(),
        b.wos
            .values()
            .filter(|w| w.dirty && w.created.is_none())
            .count(),
        b.conflicts.len(),
    ];
    (answers.results.iter().map(word).collect(), answers, writes)
}

#[rstest]
// Appends.
#[case::a_note(vec![env(1, 0, note(0x50, WO, "bearing hot"))], &["applied"], [1, 0, 0, 0, 0, 0])]
#[case::a_note_on_no_work_order(vec![env(1, 0, note(0x50, NEW_WO, "x"))], &[rc::UNKNOWN_RECORD], [0; 6])]
#[case::an_empty_note(vec![env(1, 0, note(0x50, WO, "  "))], &[rc::INVALID_VALUE], [0; 6])]
#[case::a_note_with_a_control_character(vec![env(1, 0, note(0x50, WO, "OC1\u{0}"))], &[rc::INVALID_VALUE], [0; 6])]
#[case::a_note_id_taken_on_the_site(vec![env(1, 0, note(0x30, WO, "x"))], &[rc::DUPLICATE_ID], [0; 6])]
#[case::two_parts_with_one_id(vec![env(1, 0, part(0x51, 1.0)), env(2, 0, part(0x51, 2.0))], &["applied", rc::DUPLICATE_ID], [0, 1, 0, 0, 0, 0])]
#[case::a_part_of_no_quantity(vec![env(1, 0, part(0x51, -1.0))], &[rc::INVALID_VALUE], [0; 6])]
#[case::a_photo(vec![env(1, 0, photo(sha(), 10))], &["applied"], [0, 0, 1, 0, 0, 0])]
#[case::a_photo_whose_blob_is_not_uploaded(vec![env(1, 0, photo("cd".repeat(32), 10))], &[rc::MISSING_BLOB], [0; 6])]
#[case::a_photo_of_another_size_than_its_blob(vec![env(1, 0, photo(sha(), 11))], &[rc::INVALID_VALUE], [0; 6])]
#[case::a_photo_not_named_by_its_digest(vec![env(1, 0, photo("AB".repeat(32), 10))], &[rc::INVALID_VALUE], [0; 6])]
// New work orders.
#[case::a_new_work_order_and_its_note(vec![env(1, 0, create(NEW_WO, ASSET, 2, None)), env(2, 0, note(0x50, NEW_WO, "x"))], &["applied", "applied"], [1, 0, 0, 1, 0, 0])]
#[case::a_new_work_order_on_no_asset(vec![env(1, 0, create(NEW_WO, NEW_WO, 2, None))], &[rc::UNKNOWN_RECORD], [0; 6])]
#[case::a_priority_out_of_range(vec![env(1, 0, create(NEW_WO, ASSET, 9, None))], &[rc::INVALID_VALUE], [0; 6])]
#[case::a_work_order_id_already_there(vec![env(1, 0, create(WO, ASSET, 2, None))], &[rc::DUPLICATE_ID], [0; 6])]
// Stops: not before the machine was last back in service.
#[case::a_stop_before_back_in_service(vec![env(1, 0, Mutation::DowntimeStart { work_order_id: WO, at: ago(11) })], &[rc::INVALID_VALUE], [0; 6])]
#[case::a_stop_after_back_in_service(vec![env(1, 0, Mutation::DowntimeStart { work_order_id: WO, at: ago(9) })], &["applied"], [0, 0, 0, 0, 1, 0])]
#[case::a_stop_in_the_future(vec![env(1, 0, Mutation::DowntimeStart { work_order_id: WO, at: now() + Duration::days(3) })], &[rc::INVALID_VALUE], [0; 6])]
// Field edits and transitions.
#[case::a_status_change(vec![env(1, 3, status(WO, "in_progress"))], &["applied"], [0, 0, 0, 0, 1, 0])]
#[case::a_closed_work_order_reopened(vec![env(1, 1, status(CLOSED, "in_progress"))], &[rc::INVALID_TRANSITION], [0; 6])]
#[case::a_status_that_does_not_exist(vec![env(1, 3, status(WO, "done"))], &[rc::INVALID_VALUE], [0; 6])]
#[case::a_close_on_a_stale_version_over_another_devices_remedy(vec![env(1, 1, close([Some("VFD"), Some("OVERCURR"), Some("WEAR"), Some("ADJUST")]))], &["conflict"], [0, 0, 0, 0, 1, 1])]
#[case::a_close_on_the_current_version(vec![env(1, 3, close([Some("VFD"), Some("OVERCURR"), Some("WEAR"), Some("ADJUST")]))], &["applied"], [0, 0, 0, 0, 1, 0])]
#[case::a_close_keeping_the_hubs_remedy(vec![env(1, 1, close([Some("VFD"), Some("OVERCURR"), Some("WEAR"), Some("REPLACE")]))], &["applied"], [0, 0, 0, 0, 1, 0])]
// Catalogue and hierarchy.
#[case::codes_in_the_catalogue(vec![env(1, 3, close([Some("vfd"), Some("overvolt"), Some("WEAR"), Some("REPLACE")]))], &["applied"], [0, 0, 0, 0, 1, 0])]
#[case::a_class_not_in_the_catalogue(vec![env(1, 3, close([Some("PUMP"), Some("OVERCURR"), Some("WEAR"), Some("REPLACE")]))], &[rc::INVALID_VALUE], [0; 6])]
#[case::a_cause_without_its_problem(vec![env(1, 3, close([Some("VFD"), None, Some("WEAR"), Some("REPLACE")]))], &[rc::INVALID_VALUE], [0; 6])]
// Conflicts resolved.
#[case::a_conflict_resolved(vec![env(1, 3, resolve(CONFLICT, "ADJUST"))], &["applied"], [0, 0, 0, 0, 1, 0])]
#[case::a_conflict_that_is_not_there(vec![env(1, 3, resolve(NEW_WO, "ADJUST"))], &[rc::UNKNOWN_RECORD], [0; 6])]
// Diagnosis sessions: on an asset and a work order of the site.
#[case::a_session_on_a_work_order(vec![env(1, 0, session(0x60, ASSET, Some(WO)))], &["applied"], [0; 6])]
#[case::a_session_on_a_work_order_of_the_batch(vec![env(1, 0, create(NEW_WO, ASSET, 2, None)), env(2, 0, session(0x60, ASSET, Some(NEW_WO)))], &["applied", "applied"], [0, 0, 0, 1, 0, 0])]
#[case::a_session_on_no_asset(vec![env(1, 0, session(0x60, NEW_WO, None))], &[rc::UNKNOWN_RECORD], [0; 6])]
#[case::a_session_on_no_work_order(vec![env(1, 0, session(0x60, ASSET, Some(NEW_WO)))], &[rc::UNKNOWN_RECORD], [0; 6])]
// One id twice in a batch.
#[case::the_same_mutation_twice(vec![env(1, 0, note(0x50, WO, "x")), env(1, 0, note(0x50, WO, "x"))], &["applied", "replayed applied"], [1, 0, 0, 0, 0, 0])]
#[case::one_id_for_two_changes(vec![env(1, 0, note(0x50, WO, "x")), env(1, 0, note(0x50, WO, "y"))], &["applied", rc::REPLAY_MISMATCH], [1, 0, 0, 0, 0, 0])]
#[case::a_forgotten_photo_pushed_twice(vec![env(1, 0, photo("cd".repeat(32), 10)), env(1, 0, photo("cd".repeat(32), 10))], &[rc::MISSING_BLOB, rc::MISSING_BLOB], [0; 6])]
// A rejected mutation does not stop the next.
#[case::a_refusal_then_a_note(vec![env(1, 1, status(CLOSED, "open")), env(2, 0, note(0x50, WO, "x"))], &[rc::INVALID_TRANSITION, "applied"], [1, 0, 0, 0, 0, 0])]
fn a_batch_is_answered_mutation_by_mutation(
    #[case] envs: Vec<MutationEnvelope>,
    #[case] want: &[&str],
    #[case] writes: [usize; 6],
) {
    let (got, _, wrote) = run(&envs);
    assert_eq!(got, want);
    assert_eq!(
        wrote, writes,
        "(notes, parts, photos, new, edited, conflicts)"
    );
}

#[test]
fn outcomes_are_recorded_once_per_id_and_forgotten_ids_are_not() {
    let note = env(1, 0, note(0x50, WO, "x"));
    let missing = env(2, 0, photo("cd".repeat(32), 10));
    let (_, a, _) = run(&[note.clone(), note.clone(), missing.clone(), missing.clone()]);
    assert_eq!(a.outcome_ids, vec![note.mutation_id]);
    assert_eq!(a.outcome_values.len(), 1);
    assert_eq!(a.forget, vec![missing.mutation_id]);
}

#[test]
fn versions_follow_the_batch_and_codes_take_the_catalogues_spelling() {
    let envs = [
        env(1, 3, status(WO, "in_progress")),
        env(2, 0, note(0x50, WO, "x")),
        env(
            3,
            4,
            close([Some("vfd"), Some("overvolt"), Some("WEAR"), Some("REPLACE")]),
        ),
    ];
    let device = device();
    let (b, a) = decided(&device, &envs, &HashMap::new());
    let versions: Vec<Option<i64>> = a
        .results
        .iter()
        .map(|r| match r.outcome {
            Outcome::Applied { version } => Some(version),
            _ => None,
        })
        .collect();
    assert_eq!(versions, [Some(4), Some(4), Some(5)]);
    let wo = b.wos.get(&WO).map(|w| &w.st);
    assert_eq!(wo.map(|w| w.status.as_str()), Some("closed"));
    assert_eq!(
        wo.map(|w| w.values.get(Field::ProblemCode).clone()),
        Some(FieldValue::Text(Some("OVERVOLT".into())))
    );
}

#[test]
fn ids_claimed_before_answer_the_stored_outcome_or_a_mismatch() {
    let device = device();
    let mut b = batch(&device);
    let same = env(1, 0, note(0x50, WO, "x"));
    let changed = env(2, 0, note(0x51, WO, "y"));
    let envs = [same.clone(), changed.clone()];
    let sent = Sent::all(&envs);
    let stored_outcome = serde_json::to_value(Outcome::Applied { version: 7 }).ok();
    let stored: Stored = [
        (
            same.mutation_id,
            (stored_outcome.clone(), sent[0].hash.clone()),
        ),
        (changed.mutation_id, (stored_outcome, vec![0; 32])),
    ]
    .into_iter()
    .collect();
    let Ok(decided) = decide(&mut b, &sent, &HashSet::new(), &stored) else {
        panic!("decide failed");
    };
    let a = answers(&sent, decided, &HashMap::new());
    let got: Vec<String> = a.results.iter().map(word).collect();
    assert_eq!(got, ["replayed applied", rc::REPLAY_MISMATCH]);
    assert_eq!(a.results[0].outcome, Outcome::Applied { version: 7 });
    assert!(a.outcome_ids.is_empty() && b.notes.is_empty());
    // A claim that neither this push took nor the site holds is an internal error.
    let mut b = batch(&device);
    assert!(decide(&mut b, &sent, &HashSet::new(), &Stored::new()).is_err());
}

#[test]
fn a_conflict_is_answered_with_the_name_of_the_device_that_made_the_hubs_value() {
    let close = env(
        1,
        1,
        close([Some("VFD"), Some("OVERCURR"), Some("WEAR"), Some("ADJUST")]),
    );
    let envs = [close.clone(), close.clone()];
    let device = device();
    let names = [(close.mutation_id, Some("lap-2".to_string()))]
        .into_iter()
        .collect();
    let (b, a) = decided(&device, &envs, &names);
    assert_eq!(b.conflicts.len(), 1);
    assert_eq!(b.conflicts[0].changed_by, Some(OTHER_DEVICE));
    assert_eq!(b.conflicts[0].info.field, "remedy_code");
    for r in &a.results {
        let Outcome::Conflict { conflict } = &r.outcome else {
            panic!("expected a conflict, got {:?}", r.outcome);
        };
        assert_eq!(conflict.server_changed_by.as_deref(), Some("lap-2"));
        assert_eq!(conflict.client_value, serde_json::json!("ADJUST"));
    }
    assert!(a.outcome_values[0].to_string().contains("lap-2"));
}

#[test]
fn what_a_batch_needs_read() {
    let envs = [
        env(1, 0, create(NEW_WO, ASSET, 2, None)),
        env(
            2,
            0,
            Mutation::DowntimeStart {
                work_order_id: NEW_WO,
                at: ago(2),
            },
        ),
        env(3, 0, note(0x50, WO, "x")),
        env(4, 3, close([Some("VFD"), None, None, None])),
        env(5, 0, photo(sha(), 10)),
        env(6, 0, create(CLOSED, ASSET, 2, None)),
        env(7, 3, resolve(CONFLICT, "Adjust")),
        env(8, 0, session(0x60, TAKEN, None)),
    ];
    let fresh: Vec<&MutationEnvelope> = envs.iter().collect();
    let n = needs(&fresh);
    assert_eq!(n.locked, [NEW_WO, WO, WO]);
    assert_eq!(n.unlocked, [NEW_WO, WO, WO, CLOSED]);
    assert_eq!(n.assets, [ASSET, TAKEN]);
    assert_eq!(n.shas, [sha().as_str()]);
    assert_eq!(n.conflicts, [CONFLICT]);
    assert_eq!(n.codes, ["vfd", "adjust"]);
    assert_eq!(n.entity_ids, [Uuid::from_u128(0x50), Uuid::from_u128(0x77)]);
    // The stop of a work order the batch creates is checked against the new one's asset.
    assert_eq!(n.stops, [(NEW_WO, Some(ASSET))]);
}
