//! Store tests for the record's data quality (issue 8): a close keeps the codes it was not asked
//! to change, a stop time must be plausible, shift downtime counts every machine down in the
//! window, part quantities are bounded per unit, and control characters never reach the record.

use super::tests::{breakdown, fixture};
use crate::domain::*;
use crate::error::{CoreError, ErrorCode};
use chrono::Duration;
use faultline_protocol::Mutation;

type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

fn now(clock: &crate::clock::FixedClock) -> chrono::DateTime<chrono::Utc> {
    crate::clock::Clock::now(clock)
}

/// A breakdown on VFD-201 that came with class, problem and ISO mode (as 41851 is imported).
fn coded_breakdown(store: &mut super::Store) -> Result<uuid::Uuid, Box<dyn std::error::Error>> {
    let asset = store.resolve_asset("VFD-201")?;
    let wo = store.log_breakdown(&breakdown(asset.id))?;
    store.conn().execute(
        "UPDATE work_orders SET failure_class = 'DRIVE', problem_code = 'OVERCUR',
             iso_failure_mode = 'UST' WHERE id = ?1",
        [wo.summary.id.to_string()],
    )?;
    Ok(wo.summary.id)
}

fn close_input(id: uuid::Uuid, failure: FailureCodes, clear: Vec<FailureField>) -> CloseWorkOrder {
    CloseWorkOrder {
        work_order_id: id,
        failure,
        clear,
        remedy_text: Some("Lengthened accel time".into()),
        finished_at: None,
        author: "Ana".into(),
    }
}

#[test]
fn closing_keeps_the_codes_the_work_order_has_and_queues_the_whole_set() -> TestResult {
    let (mut store, _clock, _dir) = fixture()?;
    let id = coded_breakdown(&mut store)?;
    let picked = FailureCodes {
        cause_code: Some("ACCEL".into()),
        remedy_code: Some("ADJPARAM".into()),
        ..FailureCodes::default()
    };
    let closed = store.close_work_order(&close_input(id, picked, vec![]))?;
    let want = FailureCodes {
        failure_class: Some("DRIVE".into()),
        problem_code: Some("OVERCUR".into()),
        cause_code: Some("ACCEL".into()),
        remedy_code: Some("ADJPARAM".into()),
        iso_failure_mode: Some("UST".into()),
        ..FailureCodes::default()
    };
    assert_eq!(closed.summary.failure, want);
    let outbox = store.outbox(true, 100)?;
    let Some(Mutation::CloseWorkOrder {
        failure_class,
        problem_code,
        cause_code,
        iso_failure_mode,
        ..
    }) = outbox.last().map(|e| &e.envelope.mutation)
    else {
        return Err("the close is not queued last".into());
    };
    assert_eq!(
        (failure_class.as_deref(), problem_code.as_deref()),
        (Some("DRIVE"), Some("OVERCUR")),
        "the hub gets the full, hierarchy-valid set"
    );
    assert_eq!(cause_code.as_deref(), Some("ACCEL"));
    assert_eq!(iso_failure_mode.as_deref(), Some("UST"));
    Ok(())
}

#[test]
fn closing_clears_only_the_fields_it_is_asked_to_and_keeps_the_hierarchy() -> TestResult {
    let (mut store, _clock, _dir) = fixture()?;
    let id = coded_breakdown(&mut store)?;
    let err = store
        .close_work_order(&close_input(
            id,
            FailureCodes::default(),
            vec![FailureField::FailureClass],
        ))
        .err()
        .ok_or("clearing the class under a kept problem must fail")?;
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(err.to_string().contains("problem"), "{err}");
    let closed = store.close_work_order(&close_input(
        id,
        FailureCodes::default(),
        vec![FailureField::IsoFailureMode],
    ))?;
    assert_eq!(closed.summary.failure.iso_failure_mode, None);
    assert_eq!(
        closed.summary.failure.problem_code.as_deref(),
        Some("OVERCUR")
    );
    Ok(())
}

#[test]
fn a_stop_in_1900_is_refused_and_one_ten_days_old_needs_a_confirmation() -> TestResult {
    let (mut store, clock, _dir) = fixture()?;
    let asset = store.resolve_asset("CNV-201")?;
    let mut input = breakdown(asset.id);
    input.stopped_at = chrono::DateTime::parse_from_rfc3339("1900-01-01T06:00:00Z")
        .ok()
        .map(|d| d.with_timezone(&chrono::Utc));
    let err = store
        .log_breakdown(&input)
        .err()
        .ok_or("1900 must be refused")?;
    assert!(err.to_string().contains("before 1970"), "{err}");

    input.stopped_at = Some(now(&clock) - Duration::days(10));
    let err = store
        .log_breakdown(&input)
        .err()
        .ok_or("10 days ago must ask")?;
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(err.to_string().contains("confirm"), "{err}");
    assert!(store.outbox(true, 100)?.is_empty(), "nothing saved");
    input.confirm_old_stop = true;
    let wo = store.log_breakdown(&input)?;
    assert_eq!(wo.summary.downtime_start, input.stopped_at);
    Ok(())
}

#[test]
fn a_stop_before_the_machine_was_last_back_in_service_is_refused() -> TestResult {
    let (mut store, clock, _dir) = fixture()?;
    let asset = store.resolve_asset("CNV-201")?;
    let first = store.log_breakdown(&breakdown(asset.id))?;
    clock.advance(Duration::hours(2));
    store.back_in_service(first.summary.id, None)?;
    let back = now(&clock);
    clock.advance(Duration::hours(1));

    let mut input = breakdown(asset.id);
    input.machine_stopped = false;
    let second = store.log_breakdown(&input)?;
    let err = store
        .machine_stopped(second.summary.id, Some(back - Duration::minutes(30)))
        .err()
        .ok_or("a stop before the last return to service must fail")?;
    assert!(matches!(err, CoreError::InvalidInput(_)));
    assert!(err.to_string().contains("back in service"), "{err}");
    let wo = store.machine_stopped(second.summary.id, Some(back + Duration::minutes(10)))?;
    assert_eq!(
        wo.summary.downtime_start,
        Some(back + Duration::minutes(10))
    );
    Ok(())
}

#[test]
fn machine_stopped_asks_to_confirm_an_old_stop() -> TestResult {
    let (mut store, clock, _dir) = fixture()?;
    let asset = store.resolve_asset("VFD-201")?;
    let mut input = breakdown(asset.id);
    input.machine_stopped = false;
    let wo = store.log_breakdown(&input)?;
    let at = now(&clock) - Duration::days(9);
    let err = store
        .machine_stopped(wo.summary.id, Some(at))
        .err()
        .ok_or("9 days before the report must ask")?;
    assert!(err.to_string().contains("--confirm-old-stop"), "{err}");
    let stopped = store.stop_machine(&StopMachine {
        work_order_id: wo.summary.id,
        at: Some(at),
        confirm_old_stop: true,
    })?;
    assert_eq!(stopped.summary.downtime_start, Some(at));
    Ok(())
}

#[test]
fn shift_downtime_counts_machines_down_since_before_the_shift() -> TestResult {
    let (mut store, clock, _dir) = fixture()?;
    let t0 = now(&clock);
    // Reported (and stopped) before the shift, still down.
    let drive = store.resolve_asset("VFD-201")?;
    store.log_breakdown(&breakdown(drive.id))?;
    // Reported inside the shift, 60 min down, back in service.
    clock.advance(Duration::hours(2));
    let conveyor = store.resolve_asset("CNV-201")?;
    let inside = store.log_breakdown(&breakdown(conveyor.id))?;
    clock.advance(Duration::hours(1));
    store.back_in_service(inside.summary.id, None)?;
    // Now is 5 h after t0; the shift runs t0+1h .. t0+9h.
    clock.advance(Duration::hours(2));
    let report = store.shift_report(t0 + Duration::hours(1), t0 + Duration::hours(9))?;
    assert_eq!(report.breakdowns.len(), 1, "reported inside the shift");
    assert_eq!(
        report.downtime_minutes,
        4 * 60 + 60,
        "down 4 h so far in the shift + 60 min"
    );
    // A window after now counts nothing yet; one before the stops counts nothing.
    let later = store.shift_report(t0 + Duration::hours(9), t0 + Duration::hours(17))?;
    assert_eq!(later.downtime_minutes, 0);
    let before = store.shift_report(t0 - Duration::hours(8), t0)?;
    assert_eq!(before.downtime_minutes, 0);
    Ok(())
}

#[test]
fn shift_downtime_counts_each_stop_of_an_intermittent_breakdown() -> TestResult {
    let (mut store, clock, _dir) = fixture()?;
    let t0 = now(&clock);
    let drive = store.resolve_asset("VFD-201")?;
    let wo = store.log_breakdown(&breakdown(drive.id))?.summary.id;
    clock.advance(Duration::minutes(20));
    store.back_in_service(wo, None)?;
    clock.advance(Duration::hours(1));
    store.machine_stopped(wo, None)?;
    clock.advance(Duration::minutes(15));
    store.back_in_service(wo, None)?;
    let report = store.shift_report(t0 - Duration::hours(1), t0 + Duration::hours(7))?;
    assert_eq!(
        report.downtime_minutes, 35,
        "20 min + 15 min, not the 95 min span"
    );
    Ok(())
}

#[test]
fn part_quantities_are_bounded_per_unit_and_the_unit_is_kept() -> TestResult {
    let (mut store, _clock, _dir) = fixture()?;
    let asset = store.resolve_asset("VFD-201")?;
    let wo = store.log_breakdown(&breakdown(asset.id))?;
    let mut part = NewPart {
        work_order_id: wo.summary.id,
        part_number: "CABLE-3G1.5".into(),
        description: Some("Motor cable".into()),
        quantity: 99_999_999_999.0,
        unit: None,
    };
    let err = store
        .add_part(&part)
        .err()
        .ok_or("a huge quantity must fail")?;
    assert!(err.to_string().contains("at most 1000 ea"), "{err}");
    part.quantity = 12.5;
    part.unit = Some("M".into());
    let saved = store.add_part(&part)?;
    assert_eq!(
        saved.parts.first().map(|p| (p.quantity, p.unit.as_str())),
        Some((12.5, "m"))
    );
    let queued = store.outbox(true, 100)?;
    assert!(queued.iter().any(|e| matches!(
        &e.envelope.mutation,
        Mutation::AddPart { unit: Some(u), .. } if u == "m"
    )));
    Ok(())
}

#[test]
fn control_characters_from_a_scanner_are_removed_before_saving() -> TestResult {
    let (mut store, _clock, _dir) = fixture()?;
    let asset = store.resolve_asset("VFD-201")?;
    let mut input = breakdown(asset.id);
    input.fault_code = Some("OC1\u{0}".into());
    input.symptom = "Drive\u{1b} trips".into();
    let wo = store.log_breakdown(&input)?;
    assert_eq!(wo.summary.fault_code.as_deref(), Some("OC1"));
    assert_eq!(wo.summary.title, "Drive trips");
    let wo = store.add_note(wo.summary.id, "Ana\u{0}", "bearing\u{0} hot\r\nreplaced")?;
    let note = wo.notes.last().ok_or("no note")?;
    assert_eq!(
        (note.author.as_str(), note.text.as_str()),
        ("Ana", "bearing hot\nreplaced")
    );
    for e in store.outbox(true, 100)? {
        let json = serde_json::to_string(&e.envelope.mutation)?;
        assert!(!json.contains("\\u0000"), "queued with a NUL: {json}");
    }
    Ok(())
}

#[test]
fn a_code_the_work_order_holds_but_the_catalogue_dropped_is_kept_at_close() -> TestResult {
    let (mut store, _clock, _dir) = fixture()?;
    let id = coded_breakdown(&mut store)?;
    // The CMMS export carried an ISO mode this site's catalogue no longer lists.
    store.conn().execute(
        "UPDATE work_orders SET iso_failure_mode = 'OLDMODE' WHERE id = ?1",
        [id.to_string()],
    )?;
    let closed = store.close_work_order(&close_input(id, FailureCodes::default(), vec![]))?;
    assert_eq!(
        closed.summary.failure.iso_failure_mode.as_deref(),
        Some("OLDMODE")
    );
    assert_eq!(
        closed.summary.failure.failure_class.as_deref(),
        Some("DRIVE")
    );
    // A code the person picks is still checked against the catalogue.
    let picked = FailureCodes {
        iso_failure_mechanism: Some("NOSUCHMECH".into()),
        ..FailureCodes::default()
    };
    let id2 = coded_breakdown(&mut store)?;
    let refused = store.close_work_order(&close_input(id2, picked, vec![]));
    assert!(refused.is_err_and(|e| e.code() == ErrorCode::InvalidInput));
    Ok(())
}
