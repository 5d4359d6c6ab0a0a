//! The sync planner's decisions, as tables: what a sync does next for a given laptop state, what
//! a push answer means, what pulled pages leave to download. No network, SQLite or files.

use crate::error::SyncError;
use crate::plan::*;
use faultline_core::store::PushTally;
use faultline_protocol::api::Capabilities;
use faultline_protocol::records::{ManualRecord, NoteRecord, PhotoRecord};
use faultline_protocol::{Change, Mutation, MutationEnvelope, MutationResult, Outcome};
use rstest::rstest;
use std::collections::HashSet;
use uuid::Uuid;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

/// A batch from tokens: `note` (a note) or `photo:SHA` (a photo change naming that photo); the
/// n-th token (from 1) has mutation id `n`.
fn batch(tokens: &[&str]) -> Vec<MutationEnvelope> {
    tokens
        .iter()
        .zip(1..)
        .map(|(t, n)| MutationEnvelope {
            mutation_id: id(n),
            device_seq: i64::try_from(n).unwrap_or(i64::MAX),
            base_version: 0,
            created_at: Default::default(),
            mutation: match t.strip_prefix("photo:") {
                Some(sha) => Mutation::AddPhoto {
                    photo_id: id(100 + n),
                    work_order_id: id(1000),
                    sha256: sha.to_string(),
                    mime: "image/jpeg".into(),
                    size_bytes: 10,
                    caption: None,
                    created_at: Default::default(),
                },
                None => Mutation::AddNote {
                    note_id: id(100 + n),
                    work_order_id: id(1000),
                    author: "ana".into(),
                    text: "bearing noisy".into(),
                    created_at: Default::default(),
                },
            },
        })
        .collect()
}

fn set(items: &[&str]) -> HashSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// The step in words, so a table row reads as what the sync does.
fn said(step: &SyncStep) -> String {
    match step {
        SyncStep::Push(b) => format!(
            "push {} (upload [{}], missing [{}])",
            b.mutations.len(),
            b.upload.join(" "),
            b.missing.join(" ")
        ),
        SyncStep::Pull { from: None } => "pull from the start".into(),
        SyncStep::Pull { from: Some(c) } => format!("pull from {c}"),
        SyncStep::Done {
            pull_skipped: false,
        } => "done".into(),
        SyncStep::Done { pull_skipped: true } => "done, pull skipped".into(),
    }
}

#[rstest]
#[case::a_fresh_laptop_replicates_the_site(&[], 0, &[], None, false, false, "pull from the start")]
#[case::nothing_pending_pulls_from_the_cursor(&[], 0, &[], Some("c7"), false, false, "pull from c7")]
#[case::pending_notes_go_up_first(&["note", "note"], 2, &[], Some("c7"), false, false, "push 2 (upload [], missing [])")]
#[case::the_batch_is_the_start_of_what_is_pending(&["note"], 500, &[], None, false, false, "push 1 (upload [], missing [])")]
#[case::a_photo_is_uploaded_before_its_change(&["note", "photo:aa"], 2, &["aa"], None, false, false, "push 2 (upload [aa], missing [])")]
#[case::a_photo_named_twice_is_uploaded_once(&["photo:aa", "photo:aa"], 2, &["aa"], None, false, false, "push 2 (upload [aa], missing [])")]
#[case::a_photo_lost_from_this_laptop_goes_as_a_change_the_hub_refuses(&["photo:aa", "photo:bb"], 2, &["bb"], None, false, false, "push 2 (upload [bb], missing [aa])")]
#[case::a_held_change_keeps_the_cursor_where_it_is(&["photo:aa"], 1, &["aa"], Some("c7"), true, false, "done, pull skipped")]
#[case::pending_without_a_batch_skips_the_pull(&[], 3, &[], Some("c7"), false, false, "done, pull skipped")]
#[case::after_the_pull_the_sync_ends(&[], 0, &[], Some("c9"), false, true, "done")]
#[case::a_change_made_during_the_pull_waits_for_the_next_sync(&["note"], 1, &[], Some("c9"), false, true, "done")]
fn the_next_step(
    #[case] pending_batch: &[&str],
    #[case] pending: u32,
    #[case] photos_here: &[&str],
    #[case] cursor: Option<&str>,
    #[case] push_held: bool,
    #[case] pulled: bool,
    #[case] expect: &str,
) {
    let state = LocalSyncState {
        batch: batch(pending_batch),
        pending,
        photos_here: set(photos_here),
        cursor: cursor.map(str::to_string),
    };
    let step = next_step(state, &SyncSoFar { push_held, pulled });
    assert_eq!(said(&step), expect);
}

#[test]
fn a_push_batch_keeps_device_order_and_knows_which_photos_it_sent() {
    let SyncStep::Push(b) = next_step(
        LocalSyncState {
            batch: batch(&["photo:aa", "note", "photo:bb"]),
            pending: 3,
            photos_here: set(&["aa"]),
            cursor: None,
        },
        &SyncSoFar::default(),
    ) else {
        panic!("expected a push");
    };
    let order: Vec<Uuid> = b.mutations.iter().map(|e| e.mutation_id).collect();
    assert_eq!(order, vec![id(1), id(2), id(3)]);
    assert_eq!(b.sent.count, 3);
    assert_eq!(b.sent.photo_uploaded, HashSet::from([id(1)]));
}

#[rstest]
#[case::as_asked_when_the_hub_allows_it(200, 2_000, 500, 5_000, 200, 2_000)]
#[case::the_hubs_caps_win(200, 2_000, 50, 1_000, 50, 1_000)]
#[case::never_below_one(0, 0, 500, 5_000, 1, 1)]
#[case::a_hub_announcing_zero_still_takes_one(200, 2_000, 0, 0, 1, 1)]
fn batch_and_page_sizes(
    #[case] asked_batch: usize,
    #[case] asked_page: u32,
    #[case] hub_batch: u32,
    #[case] hub_page: u32,
    #[case] batch: usize,
    #[case] page: u32,
) {
    let caps = Capabilities {
        protocol_versions: vec![1],
        hub_version: "test".into(),
        max_push_mutations: hub_batch,
        max_body_bytes: 1 << 20,
        max_blob_bytes: 1 << 20,
        max_pull_changes: hub_page,
    };
    assert_eq!(
        limits(asked_batch, asked_page, &caps),
        Limits {
            push_batch: batch,
            pull_page: page
        }
    );
}

/// The hub's answer for mutation `n`: `applied`, or `rejected:CODE`.
fn answer(n: u128, outcome: &str) -> MutationResult {
    MutationResult {
        mutation_id: id(n),
        replayed: false,
        outcome: match outcome.strip_prefix("rejected:") {
            Some(code) => Outcome::Rejected {
                code: code.to_string(),
                reason: "the hub said no".into(),
            },
            None => Outcome::Applied { version: 2 },
        },
    }
}

fn sent_batch(tokens: &[&str], here: &[&str]) -> SentBatch {
    push_batch(batch(tokens), &set(here)).sent
}

#[rstest]
#[case::all_applied_are_recorded(&["note", "note"], &[], &["applied", "applied"], &[1, 2], &[])]
#[case::a_photo_the_hub_lost_after_we_sent_it_goes_again(&["note", "photo:aa"], &["aa"], &["applied", "rejected:missing_blob"], &[1], &[2])]
#[case::a_photo_missing_on_this_laptop_stays_refused(&["photo:aa"], &[], &["rejected:missing_blob"], &[1], &[])]
#[case::only_the_photo_we_sent_goes_again(&["photo:aa", "photo:bb"], &["bb"], &["rejected:missing_blob", "rejected:missing_blob"], &[1], &[2])]
#[case::another_refusal_of_a_sent_photo_is_recorded(&["photo:aa"], &["aa"], &["rejected:invalid_input"], &[1], &[])]
#[case::missing_blob_for_a_note_is_recorded(&["note"], &[], &["rejected:missing_blob"], &[1], &[])]
fn what_a_push_answer_means(
    #[case] tokens: &[&str],
    #[case] here: &[&str],
    #[case] outcomes: &[&str],
    #[case] recorded: &[u128],
    #[case] resent: &[u128],
) {
    let results = outcomes
        .iter()
        .zip(1..)
        .map(|(o, n)| answer(n, o))
        .collect();
    let answers =
        sort_push_answers(&sent_batch(tokens, here), results).unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<Uuid> = answers.record.iter().map(|r| r.mutation_id).collect();
    assert_eq!(ids, recorded.iter().map(|n| id(*n)).collect::<Vec<_>>());
    assert_eq!(
        answers.resend,
        resent.iter().map(|n| id(*n)).collect::<Vec<_>>()
    );
}

#[rstest]
#[case::fewer_answers_than_changes(2, 1)]
#[case::more_answers_than_changes(1, 2)]
fn a_push_answer_that_does_not_answer_every_change_is_a_protocol_error(
    #[case] sent: usize,
    #[case] answered: u128,
) {
    let tokens = vec!["note"; sent];
    let results = (1..=answered).map(|n| answer(n, "applied")).collect();
    let err = sort_push_answers(&sent_batch(&tokens, &[]), results);
    assert!(
        matches!(&err, Err(SyncError::Protocol(m)) if m.contains("answered")),
        "{err:?}"
    );
}

#[rstest]
#[case::every_answer_recorded_next_batch(2, 0, 0, Some(AfterPush::NextBatch))]
#[case::some_unknown_answers_are_ignored(2, 1, 0, Some(AfterPush::NextBatch))]
#[case::a_change_to_send_again_stops_pushing(2, 0, 1, Some(AfterPush::Hold))]
#[case::answers_only_for_changes_we_never_sent_stop_the_sync(2, 2, 0, None)]
fn after_a_recorded_push(
    #[case] sent: usize,
    #[case] unknown: u32,
    #[case] resend: u128,
    #[case] expect: Option<AfterPush>,
) {
    let sent = SentBatch {
        count: sent,
        photo_uploaded: HashSet::new(),
    };
    let tally = PushTally {
        applied: u32::try_from(sent.count).unwrap_or(0) - unknown,
        unknown,
        ..PushTally::default()
    };
    let answers = PushAnswers {
        record: Vec::new(),
        resend: (1..=resend).map(id).collect(),
    };
    let next = after_push(&sent, &tally, &answers);
    match expect {
        Some(step) => assert_eq!(next.ok(), Some(step)),
        None => assert!(matches!(next, Err(SyncError::Protocol(_))), "{next:?}"),
    }
}

#[rstest]
#[case::cursor_expired_replicates_again("cursor_expired", true)]
#[case::a_revoked_device_does_not("device_revoked", false)]
fn a_refused_first_page(#[case] code: &str, #[case] again: bool) {
    let err = SyncError::Hub {
        status: 410,
        code: code.to_string(),
        message: "no".into(),
    };
    assert_eq!(replicate_again(&err), again);
}

#[test]
fn an_unreachable_hub_is_not_a_reason_to_replicate_again() {
    assert!(!replicate_again(&SyncError::Unreachable("reset".into())));
}

fn photo(n: u128, sha: &str) -> Change {
    Change::Photo(PhotoRecord {
        id: id(n),
        work_order_id: id(1000),
        sha256: sha.into(),
        mime: "image/jpeg".into(),
        size_bytes: 10,
        caption: None,
        created_at: Default::default(),
    })
}

fn manual(sha: &str, models: &[&str]) -> Change {
    Change::Manual(ManualRecord {
        sha256: sha.into(),
        file_name: format!("{sha}.pdf"),
        title: None,
        size_bytes: 10,
        models: models.iter().map(|m| m.to_string()).collect(),
    })
}

fn note(n: u128) -> Change {
    Change::Note(NoteRecord {
        id: id(n),
        work_order_id: id(1000),
        author: "ana".into(),
        text: "reset the drive".into(),
        created_at: Default::default(),
    })
}

#[test]
fn pulled_pages_leave_the_photos_this_laptop_lacks_each_once() {
    let mut files = PulledFiles::default();
    files.note(&[note(1), photo(2, "aa"), photo(3, "bb")]);
    files.note(&[photo(4, "cc"), photo(5, "aa")]);
    assert_eq!(files.photos_to_fetch(&set(&["bb"])), vec!["aa", "cc"]);
    assert!(files.photos_to_fetch(&set(&["aa", "bb", "cc"])).is_empty());
}

#[test]
fn pulled_pages_leave_the_manuals_the_library_lacks_with_their_models() {
    let mut files = PulledFiles::default();
    files.note(&[manual("m1", &["Acme|X200"]), note(1)]);
    files.note(&[manual("m2", &[]), manual("m1", &["Acme|X300"])]);
    let todo: Vec<(&str, &[String])> = files
        .manuals_to_fetch(&set(&["m2"]))
        .into_iter()
        .map(|m| (m.sha256.as_str(), m.models.as_slice()))
        .collect();
    assert_eq!(
        todo,
        vec![
            ("m1", &["Acme|X200".to_string()][..]),
            ("m1", &["Acme|X300".to_string()][..])
        ]
    );
}

#[rstest]
#[case("Acme|X200", "Acme", "X200")]
#[case("X200", "", "X200")]
#[case("Acme|X|200", "Acme", "X|200")]
fn a_manuals_model_names_its_manufacturer(
    #[case] key: &str,
    #[case] manufacturer: &str,
    #[case] model: &str,
) {
    assert_eq!(manual_model(key), (manufacturer, model));
}
