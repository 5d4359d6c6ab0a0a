//! Corrections and several downtime intervals, told as a shift: a typo in a note is amended, a
//! part booked on the wrong work order is voided, a photo's caption fixed; a drive trips, runs,
//! trips again; and what a pulled correction or interval list does to the replica.

use super::tests::{breakdown, fixture};
use crate::clock::Clock;
use crate::domain::*;
use crate::error::CoreError;
use chrono::Duration;
use faultline_protocol::{Change, CorrectionRecord, DowntimeIntervalRecord, Mutation};

type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

fn amend_note(id: uuid::Uuid, text: &str, author: &str) -> NewCorrection {
    NewCorrection {
        target: "note".into(),
        target_id: id,
        action: "amend".into(),
        author: author.into(),
        text: Some(text.into()),
        part_number: None,
        quantity: None,
        unit: None,
        caption: None,
        reason: None,
    }
}

fn void(target: &str, id: uuid::Uuid, reason: &str) -> NewCorrection {
    NewCorrection {
        target: target.into(),
        target_id: id,
        action: "void".into(),
        author: "Ben".into(),
        text: None,
        part_number: None,
        quantity: None,
        unit: None,
        caption: None,
        reason: Some(reason.into()),
    }
}

#[test]
fn a_note_is_amended_and_a_part_voided_with_history_and_outbox() -> TestResult {
    let (mut store, clock, _dir) = fixture()?;
    let asset = store.resolve_asset("VFD-201")?;
    let wo = store.log_breakdown(&breakdown(asset.id))?;
    let id = wo.summary.id;
    let note = wo.notes[0].id;
    let wo = store.add_part(&NewPart {
        work_order_id: id,
        part_number: "6205-2RS".into(),
        description: None,
        quantity: 2.0,
        unit: None,
    })?;
    let part = wo.parts[0].id;

    clock.advance(Duration::minutes(10));
    let wo = store.correct(&amend_note(
        note,
        "Reset twice, trips again at 40 Hz",
        "Ana",
    ))?;
    assert_eq!(
        wo.notes[0].text, "Reset twice, trips again at 40 Hz",
        "current value"
    );
    assert!(!wo.notes[0].voided);
    let h = &wo.notes[0].corrections;
    assert_eq!(h.len(), 1);
    assert_eq!(
        h[0].was, "Reset twice, trips again",
        "the original stays in the history"
    );
    assert_eq!(h[0].author, "Ana");
    assert_eq!(h[0].action, "amend");
    assert_eq!(h[0].sync_state, SyncState::Pending);

    let wo = store.correct(&void("part", part, "booked on the wrong work order"))?;
    assert!(wo.parts[0].voided);
    assert_eq!(wo.parts[0].quantity, 2.0, "a void keeps the values");
    assert_eq!(wo.parts[0].corrections[0].was, "2 ea 6205-2RS");
    assert_eq!(
        wo.parts[0].corrections[0].reason.as_deref(),
        Some("booked on the wrong work order")
    );
    // A void is final: no amend, no second void.
    let again = store.correct(&void("part", part, "twice"));
    assert!(
        matches!(again, Err(CoreError::InvalidState(_))),
        "{again:?}"
    );

    // Queued: the two corrections, after create + note + part, naming their work order.
    let outbox = store.outbox(true, 10)?;
    let corrections: Vec<&CorrectionRecord> = outbox
        .iter()
        .filter_map(|e| match &e.envelope.mutation {
            Mutation::Correct { correction } => Some(correction),
            _ => None,
        })
        .collect();
    assert_eq!(corrections.len(), 2);
    assert_eq!(corrections[0].target_id, note);
    assert_eq!(corrections[1].action, "void");
    assert!(corrections.iter().all(|c| c.work_order_id == id));
    assert_eq!(store.work_order(id)?.summary.sync_state, SyncState::Pending);
    Ok(())
}

#[test]
fn corrections_are_checked_like_new_records() -> TestResult {
    let (mut store, _clock, _dir) = fixture()?;
    let asset = store.resolve_asset("VFD-201")?;
    let wo = store.log_breakdown(&breakdown(asset.id))?;
    let note = wo.notes[0].id;
    let wo = store.add_part(&NewPart {
        work_order_id: wo.summary.id,
        part_number: "6205-2RS".into(),
        description: None,
        quantity: 2.0,
        unit: None,
    })?;
    let part = wo.parts[0].id;
    let mut bad_qty = void("part", part, "");
    bad_qty.action = "amend".into();
    bad_qty.quantity = Some(99_999_999_999.0);
    for (bad, why) in [
        (amend_note(note, "   ", "Ana"), "empty text"),
        (amend_note(note, "x", " "), "no author"),
        (void("note", note, "  "), "no reason"),
        (amend_note(uuid::Uuid::nil(), "x", "Ana"), "unknown note"),
        (bad_qty, "quantity beyond the unit's bound"),
    ] {
        let r = store.correct(&bad);
        assert!(
            matches!(r, Err(CoreError::InvalidInput(_) | CoreError::NotFound(_))),
            "{why}: {r:?}"
        );
    }
    // An amended part keeps what the amend leaves out.
    let mut fix = void("part", part, "");
    fix.action = "amend".into();
    fix.quantity = Some(1.0);
    let wo = store.correct(&fix)?;
    assert_eq!(
        (wo.parts[0].part_number.as_str(), wo.parts[0].quantity),
        ("6205-2RS", 1.0)
    );
    assert_eq!(
        wo.parts[0].corrections[0].now.as_deref(),
        Some("1 ea 6205-2RS")
    );
    Ok(())
}

#[test]
fn two_laptops_corrections_of_one_item_follow_the_hub_order() -> TestResult {
    let (mut store, clock, _dir) = fixture()?;
    let asset = store.resolve_asset("VFD-201")?;
    let wo = store.log_breakdown(&breakdown(asset.id))?;
    let (id, note) = (wo.summary.id, wo.notes[0].id);
    // This laptop's amend, not yet back from the hub: last for now.
    store.correct(&amend_note(note, "mine", "Ana"))?;
    let mine = store.work_order(id)?.notes[0].corrections[0].id;
    clock.advance(Duration::minutes(1));
    let theirs = CorrectionRecord {
        id: uuid::Uuid::now_v7(),
        work_order_id: id,
        target: "note".into(),
        target_id: note,
        action: "amend".into(),
        author: "Ben".into(),
        created_at: clock.now(),
        text: Some("theirs".into()),
        part_number: None,
        quantity: None,
        unit: None,
        caption: None,
        reason: None,
        hub_order: 7,
    };
    store.apply_pulled(&[Change::Correction(theirs.clone())], "c1")?;
    let wo = store.work_order(id)?;
    assert_eq!(wo.notes[0].text, "mine", "the hub's first, ours after it");
    // The hub put ours first: once pulled back, theirs is current. Both stay in the history.
    let mut ours_back = theirs.clone();
    ours_back.id = mine;
    ours_back.text = Some("mine".into());
    ours_back.author = "Ana".into();
    ours_back.hub_order = 5;
    store.apply_pulled(&[Change::Correction(ours_back)], "c2")?;
    let wo = store.work_order(id)?;
    assert_eq!(wo.notes[0].text, "theirs");
    let authors: Vec<&str> = wo.notes[0]
        .corrections
        .iter()
        .map(|c| c.author.as_str())
        .collect();
    assert_eq!(authors, ["Ana", "Ben"]);
    assert_eq!(wo.notes[0].corrections[1].was, "mine");
    Ok(())
}

#[test]
fn an_intermittent_trip_has_several_intervals_and_downtime_is_their_sum() -> TestResult {
    let (mut store, clock, _dir) = fixture()?;
    let asset = store.resolve_asset("VFD-201")?;
    let wo = store.log_breakdown(&breakdown(asset.id))?; // stopped now
    let id = wo.summary.id;
    let first_stop = wo.summary.downtime_start;
    clock.advance(Duration::minutes(20));
    store.back_in_service(id, None)?;
    clock.advance(Duration::minutes(60));
    // Before this fix: "already has a downtime period: log a new breakdown".
    let down_again = store.machine_stopped(id, None)?;
    assert_eq!(down_again.summary.downtime_end, None, "down now");
    assert_eq!(
        down_again.summary.downtime_minutes, None,
        "still running up"
    );
    assert_eq!(down_again.summary.downtime_start, first_stop, "first start");
    clock.advance(Duration::minutes(15));
    let wo = store.back_in_service(id, None)?;
    assert_eq!(wo.summary.downtime_minutes, Some(35), "20 + 15, not 95");
    assert_eq!(wo.summary.downtime_start, first_stop);
    assert_eq!(wo.downtime_intervals.len(), 2);
    assert_eq!(
        wo.downtime_intervals[0].start,
        first_stop.unwrap_or_default()
    );
    assert!(wo.downtime_intervals.iter().all(|i| i.end.is_some()));
    // A new stop must come after the last restart.
    let early = store.machine_stopped(id, Some(clock.now() - Duration::minutes(5)));
    assert!(
        matches!(early, Err(CoreError::InvalidInput(_))),
        "{early:?}"
    );
    // Three downtime mutations after the creation: end, start, end.
    let kinds: Vec<&str> = store
        .outbox(true, 20)?
        .iter()
        .map(|e| e.envelope.mutation.kind())
        .filter(|k| k.starts_with("downtime"))
        .collect();
    assert_eq!(kinds, ["downtime_end", "downtime_start", "downtime_end"]);
    Ok(())
}

#[test]
fn pulled_intervals_replace_the_replicas_and_sum_up() -> TestResult {
    let (mut store, clock, _dir) = fixture()?;
    let asset = store.resolve_asset("VFD-201")?;
    let wo = store.log_breakdown(&breakdown(asset.id))?;
    let id = wo.summary.id;
    // The laptop's own changes are answered; then the hub's copy with two intervals arrives.
    let pending: Vec<_> = store.outbox(true, 10)?;
    let answers: Vec<_> = pending
        .iter()
        .map(|e| faultline_protocol::MutationResult {
            mutation_id: e.envelope.mutation_id,
            replayed: false,
            outcome: faultline_protocol::Outcome::Applied { version: 1 },
        })
        .collect();
    store.record_push_results(&answers)?;
    let t = clock.now();
    let iv = |a: i64, b: Option<i64>| DowntimeIntervalRecord {
        start: t + Duration::minutes(a),
        end: b.map(|b| t + Duration::minutes(b)),
    };
    let mut record = super::sync_tests::work_order(id, asset.id, "open", 4);
    record.downtime_start = Some(t);
    record.downtime_intervals = vec![iv(0, Some(10)), iv(30, Some(35))];
    store.apply_pulled(&[Change::WorkOrder(record)], "c1")?;
    let wo = store.work_order(id)?;
    assert_eq!(wo.downtime_intervals.len(), 2);
    assert_eq!(wo.summary.downtime_minutes, Some(15));
    assert_eq!(wo.summary.downtime_start, Some(t));
    assert_eq!(wo.summary.downtime_end, Some(t + Duration::minutes(35)));
    Ok(())
}
