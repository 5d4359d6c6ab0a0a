//! The shift handover and the start screen told as a shift: one machine down since before the
//! shift, another broken, fixed and closed inside it.

use super::test_support::{clock, store_with};
use super::tests::seed;
use crate::clock::Clock;
use crate::domain::*;
use chrono::Duration;
use serde_json::json;

type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;
type Plant = (
    crate::store::Store,
    std::sync::Arc<crate::clock::FixedClock>,
    tempfile::TempDir,
);

/// The seeded plant (VFD-201 inside CNV-201) on a fixed clock.
fn plant() -> Result<Plant, Box<dyn std::error::Error>> {
    let clock = clock();
    let mut store = store_with(clock.clone());
    let dir = tempfile::tempdir()?;
    seed(&mut store, dir.path())?;
    Ok((store, clock, dir))
}

/// Closes a work order with what fixed it, keeping its codes.
fn close(store: &mut crate::store::Store, id: uuid::Uuid, remedy: &str) -> TestResult {
    store.close_work_order(&serde_json::from_value(json!({
        "work_order_id": id,
        "failure": {"failure_class": null, "problem_code": null, "cause_code": null,
                    "remedy_code": null, "iso_failure_mode": null,
                    "iso_failure_mechanism": null, "iso_failure_cause": null},
        "remedy_text": remedy, "finished_at": null, "author": "Ben"
    }))?)?;
    Ok(())
}

fn breakdown(asset_id: uuid::Uuid, symptom: &str) -> Result<NewBreakdown, serde_json::Error> {
    serde_json::from_value(json!({
        "asset_id": asset_id, "fault_code": "OC1", "symptom": symptom, "note": null,
        "machine_stopped": true, "stopped_at": null, "priority": 1, "author": "Ana"
    }))
}

#[test]
fn the_handover_shows_a_machine_down_since_before_the_shift_and_what_was_done() -> TestResult {
    let (mut store, clock, _dir) = plant()?;
    let t0 = clock.now();
    let vfd = store.resolve_asset("VFD-201")?;
    let cnv = store.resolve_asset("CNV-201")?;
    // Down since t0; the shift runs t0+1h .. t0+9h.
    let a = store.log_breakdown(&breakdown(vfd.id, "Drive trips at start")?)?;
    let (from, to) = (t0 + Duration::hours(1), t0 + Duration::hours(9));
    clock.advance(Duration::hours(2));
    store.add_note(a.summary.id, "Ben", "Fan clogged, ordered a new one")?;
    store.add_part(&serde_json::from_value(json!({
        "work_order_id": a.summary.id, "part_number": "FAN-92", "description": "Cooling fan",
        "quantity": 1.0
    }))?)?;
    clock.advance(Duration::hours(1));
    let b = store.log_breakdown(&breakdown(cnv.id, "Belt slipping")?)?;
    clock.advance(Duration::hours(1));
    store.back_in_service(b.summary.id, None)?;
    clock.advance(Duration::minutes(30));
    close(&mut store, b.summary.id, "Tensioned the belt")?;
    clock.advance(Duration::minutes(30));
    store.add_handover_note(&serde_json::from_value(json!({
        "shift_start": from, "shift_end": to, "author": "Lea",
        "text": "VFD-201 waits for the fan; belt on CNV-201 retensioned"
    }))?)?;
    let now = clock.now(); // t0+5h

    let h = store.shift_handover(from, to, now)?;
    assert_eq!(h.down_now.len(), 1);
    assert_eq!(h.down_now[0].work_order.asset_tag, "VFD-201");
    assert_eq!(h.down_now[0].down_minutes, 300);
    assert_eq!(
        h.breakdowns_reported, 1,
        "only the belt was reported inside"
    );
    let open: Vec<_> = h
        .open_items
        .iter()
        .map(|o| o.work_order.asset_tag.as_str())
        .collect();
    assert_eq!(open, ["VFD-201"]);
    assert_eq!(h.open_items[0].age_minutes, 300);
    // Most recent activity first: the belt (closed at t0+4h30), then the drive (t0+2h).
    let tags: Vec<_> = h
        .activity
        .iter()
        .map(|a| a.work_order.asset_tag.as_str())
        .collect();
    assert_eq!(tags, ["CNV-201", "VFD-201"]);
    let kinds =
        |i: usize| -> Vec<ShiftEventKind> { h.activity[i].events.iter().map(|e| e.kind).collect() };
    use ShiftEventKind::*;
    assert_eq!(kinds(0), [Reported, Stopped, BackInService, Finished]);
    assert_eq!(
        kinds(1),
        [Note, Part],
        "the drive was reported before the shift"
    );
    assert_eq!(h.activity[1].events[0].author.as_deref(), Some("Ben"));
    assert!(h.activity[1].events[1].text.contains("FAN-92"));
    assert!(h.activity[0].events[3].text.contains("Tensioned the belt"));
    // The drive has been down all shift so far (t0+1h .. now), the belt for an hour.
    assert_eq!(h.activity[1].downtime_minutes, 240);
    assert_eq!(h.activity[0].downtime_minutes, 60);
    assert_eq!(
        h.downtime_minutes, 300,
        "the overlap of every downtime with the shift"
    );
    assert_eq!(h.handover_notes.len(), 1);
    assert_eq!(h.handover_notes[0].author, "Lea");

    // A window that ends before the belt was closed does not show the closure.
    let early = store.shift_handover(from, t0 + Duration::hours(4), now)?;
    let belt = early
        .activity
        .iter()
        .find(|a| a.work_order.asset_tag == "CNV-201")
        .ok_or("belt missing")?;
    assert!(belt.events.iter().all(|e| e.kind != Finished));
    assert!(store.shift_handover(to, from, now).is_err());
    Ok(())
}

#[test]
fn the_start_screen_lists_what_is_down_and_open_breakdowns_by_priority() -> TestResult {
    let (mut store, clock, _dir) = plant()?;
    let vfd = store.resolve_asset("VFD-201")?;
    let cnv = store.resolve_asset("CNV-201")?;
    let mut low = breakdown(cnv.id, "Squeak")?;
    low.priority = Some(4);
    low.machine_stopped = false;
    store.log_breakdown(&low)?;
    clock.advance(Duration::minutes(10));
    store.log_breakdown(&breakdown(vfd.id, "Drive trips")?)?;
    clock.advance(Duration::minutes(50));
    let s = store.start_screen(clock.now())?;
    assert_eq!(s.down_now.len(), 1);
    assert_eq!(s.down_now[0].work_order.asset_tag, "VFD-201");
    assert_eq!(s.down_now[0].down_minutes, 50);
    let order: Vec<_> = s
        .open_breakdowns
        .iter()
        .map(|o| (o.work_order.asset_tag.as_str(), o.age_minutes))
        .collect();
    assert_eq!(order, [("VFD-201", 50), ("CNV-201", 60)]);
    assert_eq!(s.open_total, 2);
    Ok(())
}

#[test]
fn a_limited_page_of_open_breakdowns_is_the_most_urgent_and_oldest_first_with_their_counts(
) -> TestResult {
    let (mut store, clock, _dir) = plant()?;
    let vfd = store.resolve_asset("VFD-201")?;
    // Priorities 3, 1, 2, 1, 3 logged a minute apart; the second priority-1 one gets a note.
    let mut ids = Vec::new();
    for (i, priority) in [3u8, 1, 2, 1, 3].into_iter().enumerate() {
        let mut b = breakdown(vfd.id, &format!("Symptom {i}"))?;
        b.priority = Some(priority);
        b.machine_stopped = false;
        ids.push(store.log_breakdown(&b)?.summary.id);
        clock.advance(Duration::minutes(1));
    }
    store.add_note(ids[3], "Ana", "Fan replaced")?;
    let page = store.open_items(clock.now(), true, 3)?;
    let got: Vec<_> = page
        .iter()
        .map(|o| {
            (
                o.work_order.id,
                o.work_order.priority,
                o.work_order.note_count,
            )
        })
        .collect();
    assert_eq!(got, [(ids[1], 1, 0), (ids[3], 1, 1), (ids[2], 2, 0)]);
    assert_eq!(page[0].age_minutes, 4);
    Ok(())
}

#[test]
fn the_shift_calendar_is_stored_checked_and_defaults_to_three_shifts() -> TestResult {
    let mut store = store_with(clock());
    assert_eq!(store.shift_calendar()?.shifts.len(), 3);
    let set = store.set_shift_calendar(ShiftCalendar {
        time_zone: "Europe/Berlin".into(),
        shifts: vec![
            ShiftDef {
                name: "Night".into(),
                start: "22:00".into(),
            },
            ShiftDef {
                name: "Day".into(),
                start: "6:00".into(),
            },
            ShiftDef {
                name: "Late".into(),
                start: "14:00".into(),
            },
        ],
        work_days: vec![1, 2, 3, 4, 5, 6],
    })?;
    assert_eq!(set.shifts[0].start, "06:00");
    assert_eq!(store.shift_calendar()?, set);
    let mut bad = set.clone();
    bad.time_zone = "Nowhere/Land".into();
    assert!(store.set_shift_calendar(bad).is_err());
    assert_eq!(
        store.shift_calendar()?,
        set,
        "a refused calendar changes nothing"
    );
    Ok(())
}

#[test]
fn the_finder_forgives_one_typo_and_finds_work_orders_by_number() -> TestResult {
    let (mut store, _clock, _dir) = plant()?;
    let tags = |q: &str| -> Result<Vec<String>, crate::error::CoreError> {
        Ok(store
            .find_assets(q, 10)?
            .into_iter()
            .map(|a| a.tag)
            .collect())
    };
    assert_eq!(tags("VDF-201")?, ["VFD-201"], "swapped letters in the tag");
    assert_eq!(
        tags("infed")?,
        ["CNV-201"],
        "a missing letter in a name word"
    );
    assert_eq!(tags("conveyr 201")?, ["CNV-201", "VFD-201"]);
    assert!(tags("zzzz")?.is_empty());
    let vfd = store.resolve_asset("VFD-201")?;
    let wo = store.log_breakdown(&breakdown(vfd.id, "Drive trips")?)?;
    let number = wo.summary.number.clone();
    let found = store.find_work_orders(&number, 5)?;
    assert_eq!(found.first().map(|w| w.id), Some(wo.summary.id));
    let prefix: String = number.chars().take(number.len() - 1).collect();
    assert!(store
        .find_work_orders(&prefix, 5)?
        .iter()
        .any(|w| w.id == wo.summary.id));
    assert!(store.find_work_orders("conveyor", 5)?.is_empty());
    Ok(())
}

#[test]
fn the_asset_page_helps_with_the_open_breakdown() -> TestResult {
    let (mut store, clock, _dir) = plant()?;
    let vfd = store.resolve_asset("VFD-201")?;
    let cnv = store.resolve_asset("CNV-201")?;
    let first = store.log_breakdown(&breakdown(vfd.id, "Trips at start")?)?;
    clock.advance(Duration::hours(1));
    close(&mut store, first.summary.id, "Accel time 1.5 s -> 4 s")?;
    clock.advance(Duration::days(2));
    store.log_breakdown(&breakdown(vfd.id, "Trips again")?)?;
    let rid = store.asset_rid(vfd.id)?;
    for h in 0..3 {
        store.conn().execute(
            "INSERT INTO fault_events (id, asset_rid, code, message, source, occurred_at)
             VALUES (?1, ?2, 'OC1', 'Overcurrent', 'machine', ?3)",
            rusqlite::params![
                format!("00000000-0000-7000-8000-{h:012}"),
                rid,
                clock.now().timestamp_millis() - h * 60_000
            ],
        )?;
    }
    let page = store.asset_page(vfd.id, 10)?;
    assert_eq!(page.help.matched_code.as_deref(), Some("OC1"));
    let fixes: Vec<_> = page
        .help
        .same_code_fixes
        .iter()
        .map(|w| w.remedy_text.as_deref())
        .collect();
    assert_eq!(fixes, [Some("Accel time 1.5 s -> 4 s")]);
    assert_eq!(page.help.fault_groups.len(), 1);
    assert_eq!(page.help.fault_groups[0].count, 3);
    let parent = store.asset_page(cnv.id, 10)?;
    let child_work: Vec<_> = parent
        .help
        .children_open_work
        .iter()
        .map(|w| w.asset_tag.as_str())
        .collect();
    assert_eq!(
        child_work,
        ["VFD-201"],
        "the conveyor shows its drive's open breakdown"
    );
    Ok(())
}

#[test]
fn the_handover_lists_every_stop_of_an_intermittent_breakdown_and_sums_them() -> TestResult {
    let (mut store, clock, _dir) = plant()?;
    let t0 = clock.now();
    let vfd = store.resolve_asset("VFD-201")?;
    // Stopped at t0 for 20 min, again at t0+1h for 15 min; the window is t0 .. t0+8h.
    let b = store.log_breakdown(&breakdown(vfd.id, "Trips now and then")?)?;
    let id = b.summary.id;
    clock.advance(Duration::minutes(20));
    store.back_in_service(id, None)?;
    clock.advance(Duration::minutes(40));
    store.machine_stopped(id, None)?;
    clock.advance(Duration::minutes(15));
    store.back_in_service(id, None)?;
    clock.advance(Duration::hours(1));
    let h = store.shift_handover(t0, t0 + Duration::hours(8), clock.now())?;
    let a = h
        .activity
        .iter()
        .find(|a| a.work_order.id == id)
        .ok_or("the intermittent breakdown is not in the handover")?;
    let kinds: Vec<ShiftEventKind> = a.events.iter().map(|e| e.kind).collect();
    let count = |k: ShiftEventKind| kinds.iter().filter(|x| **x == k).count();
    assert_eq!(count(ShiftEventKind::Stopped), 2, "{kinds:?}");
    assert_eq!(count(ShiftEventKind::BackInService), 2, "{kinds:?}");
    assert_eq!(a.downtime_minutes, 35);
    assert_eq!(h.downtime_minutes, 35);
    Ok(())
}
