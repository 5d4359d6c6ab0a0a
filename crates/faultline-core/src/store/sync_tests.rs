//! Store-level sync tests: pushed answers, pulled pages out of order, held work orders.

use super::test_support::{clock, store_with};
use super::HubEnrollment;
use crate::domain::*;
use chrono::{TimeZone, Utc};
use faultline_protocol::push::ConflictInfo;
use faultline_protocol::records::*;
use faultline_protocol::{Change, MutationResult, Outcome};
use uuid::Uuid;

type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

/// Enrolls `store` with a hub that is never reached (sync state for store-level tests).
pub(crate) fn enroll(store: &mut super::Store) -> TestResult {
    store.save_enrollment(&HubEnrollment {
        hub_url: "http://127.0.0.1:1".into(),
        token: "flt_x".into(),
        hub_device_id: Uuid::nil().to_string(),
        device_name: "laptop".into(),
        site_code: "PLANT1".into(),
        site_name: "Plant 1".into(),
        ca_bundle: None,
        proxy: None,
    })?;
    Ok(())
}

fn asset(id: Uuid, parent: Option<Uuid>) -> AssetRecord {
    AssetRecord {
        id,
        external_key: format!("K-{id}"),
        tag: format!("T-{}", &id.simple().to_string()[24..]),
        name: "Pump".into(),
        site_code: "PLANT1".into(),
        location_code: Some("L1".into()),
        location_name: Some("Line 1".into()),
        parent_id: parent,
        manufacturer: Some("Grundfos".into()),
        model: Some("CR 32".into()),
        equipment_class: Some("Pumps".into()),
        criticality: Some("A".into()),
        serial_number: None,
        description: None,
        version: 1,
    }
}

pub(crate) fn work_order(id: Uuid, asset_id: Uuid, status: &str, version: i64) -> WorkOrderRecord {
    let t = Utc
        .timestamp_opt(1_763_000_000, 0)
        .single()
        .unwrap_or_default();
    WorkOrderRecord {
        id,
        external_key: None,
        number: "WO-1".into(),
        asset_id,
        wo_type: "breakdown".into(),
        status: status.into(),
        priority: 2,
        title: "Seal leaks".into(),
        description: None,
        fault_code: None,
        reported_by: Some("Bo".into()),
        reported_at: t,
        started_at: None,
        finished_at: None,
        downtime_start: None,
        downtime_end: None,
        failure_class: None,
        problem_code: None,
        cause_code: None,
        remedy_code: None,
        iso_failure_mode: None,
        iso_failure_mechanism: None,
        iso_failure_cause: None,
        remedy_text: None,
        cost: None,
        downtime_intervals: Vec::new(),
        version,
    }
}

#[test]
fn a_page_whose_children_come_before_their_parents_ends_complete() -> TestResult {
    let mut store = store_with(clock());
    enroll(&mut store)?;
    let (parent, child, wo, note) = (
        Uuid::from_u128(1),
        Uuid::from_u128(2),
        Uuid::from_u128(3),
        Uuid::from_u128(4),
    );
    let t = Utc
        .timestamp_opt(1_763_000_100, 0)
        .single()
        .unwrap_or_default();
    let note_rec = NoteRecord {
        id: note,
        work_order_id: wo,
        author: "Bo".into(),
        text: "replaced seal".into(),
        created_at: t,
    };
    // Page 1: the note, then the child asset, then the work order — all before their parents.
    let page1 = vec![
        Change::Note(note_rec.clone()),
        Change::Asset(asset(child, Some(parent))),
        Change::WorkOrder(work_order(wo, child, "open", 3)),
    ];
    let t1 = store.apply_pulled(&page1, "c1")?;
    assert_eq!(t1.waiting, 3, "{t1:?}");
    assert_eq!(store.sync_cursor()?.as_deref(), Some("c1"));
    // Page 2: the parent arrives and everything waiting falls into place.
    store.apply_pulled(&[Change::Asset(asset(parent, None))], "c2")?;
    assert_eq!(store.sync_orphan_count()?, 0);
    let w = store.work_order(wo)?;
    assert_eq!(w.version, 3);
    assert_eq!(w.notes.len(), 1);
    assert_eq!(w.notes[0].sync_state, SyncState::Synced);
    // Applying the same pages again changes nothing.
    store.apply_pulled(&page1, "c1")?;
    assert_eq!(store.work_order(wo)?.notes.len(), 1);
    Ok(())
}

#[test]
fn a_pulled_work_order_waits_while_local_changes_are_pending_then_rejections_show_the_hub_copy(
) -> TestResult {
    let mut store = store_with(clock());
    enroll(&mut store)?;
    let (a, wo) = (Uuid::from_u128(10), Uuid::from_u128(11));
    store.apply_pulled(
        &[
            Change::Asset(asset(a, None)),
            Change::WorkOrder(work_order(wo, a, "open", 1)),
        ],
        "c1",
    )?;
    store.machine_stopped(wo, None)?;
    let pending = store.pending_envelopes(10)?;
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].base_version, 1);
    // Meanwhile a planner cancelled it on the hub.
    let t = store.apply_pulled(
        &[Change::WorkOrder(work_order(wo, a, "cancelled", 2))],
        "c2",
    )?;
    assert_eq!(t.deferred, 1);
    assert_eq!(
        store.work_order(wo)?.summary.status,
        WorkOrderStatus::Open,
        "held while pending"
    );
    let tally = store.record_push_results(&[MutationResult {
        mutation_id: pending[0].mutation_id,
        replayed: false,
        outcome: Outcome::Rejected {
            code: "invalid_transition".into(),
            reason: "the work order was cancelled".into(),
        },
    }])?;
    assert_eq!(tally.rejected, 1);
    let w = store.work_order(wo)?;
    assert_eq!(
        w.summary.status,
        WorkOrderStatus::Cancelled,
        "hub copy applied"
    );
    assert_eq!(w.summary.sync_state, SyncState::Rejected);
    let rejected = store.rejected_changes(10)?;
    assert_eq!(rejected[0].reason, "the work order was cancelled");
    assert_eq!(store.sync_status()?.rejected, 1);
    Ok(())
}

/// The hub kept REPLACE as the remedy code where this laptop chose ADJUST.
fn remedy_conflict(conflict_id: Uuid, wo: Uuid) -> ConflictInfo {
    ConflictInfo {
        conflict_id,
        work_order_id: wo,
        field: "remedy_code".into(),
        server_value: serde_json::json!("REPLACE"),
        client_value: serde_json::json!("ADJUST"),
        server_version: 2,
        server_changed_by: Some("laptop-2".into()),
        resolution: None,
    }
}

#[test]
fn a_conflict_is_listed_with_both_values_and_settled_by_a_person() -> TestResult {
    let mut store = store_with(clock());
    enroll(&mut store)?;
    let (a, wo) = (Uuid::from_u128(20), Uuid::from_u128(21));
    store.apply_pulled(
        &[
            Change::Asset(asset(a, None)),
            Change::WorkOrder(work_order(wo, a, "open", 1)),
        ],
        "c1",
    )?;
    store.machine_stopped(wo, None)?;
    let m = store.pending_envelopes(1)?.remove(0);
    let conflict_id = Uuid::from_u128(99);
    store.record_push_results(&[MutationResult {
        mutation_id: m.mutation_id,
        replayed: false,
        outcome: Outcome::Conflict {
            conflict: remedy_conflict(conflict_id, wo),
        },
    }])?;
    let list = store.conflicts(true)?;
    assert_eq!(list.len(), 1);
    assert_eq!(
        (list[0].server_value.as_str(), list[0].client_value.as_str()),
        ("REPLACE", "ADJUST")
    );
    assert_eq!(
        store.work_order(wo)?.summary.sync_state,
        SyncState::Conflict
    );
    store.resolve_conflict(conflict_id, ConflictChoice::Client)?;
    assert!(store.conflicts(true)?.is_empty());
    let w = store.work_order(wo)?;
    assert_eq!(w.summary.failure.remedy_code.as_deref(), Some("ADJUST"));
    let queued = store.pending_envelopes(10)?;
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].mutation.kind(), "resolve_conflict");
    assert!(store
        .resolve_conflict(conflict_id, ConflictChoice::Server)
        .is_err());
    Ok(())
}

#[test]
fn applied_answers_mark_changes_synced_and_raise_the_known_version() -> TestResult {
    let mut store = store_with(clock());
    enroll(&mut store)?;
    let (a, wo) = (Uuid::from_u128(30), Uuid::from_u128(31));
    store.apply_pulled(
        &[
            Change::Asset(asset(a, None)),
            Change::WorkOrder(work_order(wo, a, "open", 4)),
        ],
        "c1",
    )?;
    store.add_note(wo, "Ana", "checked the coupling")?;
    let m = store.pending_envelopes(1)?.remove(0);
    let answer = MutationResult {
        mutation_id: m.mutation_id,
        replayed: false,
        outcome: Outcome::Applied { version: 5 },
    };
    store.record_push_results(std::slice::from_ref(&answer))?;
    // The same answer again (a replayed push) changes nothing.
    let again = store.record_push_results(&[answer])?;
    assert_eq!(again.applied, 1);
    let w = store.work_order(wo)?;
    assert_eq!(w.version, 5);
    assert_eq!(w.summary.sync_state, SyncState::Synced);
    assert_eq!(store.sync_status()?.pending, 0);
    Ok(())
}

#[test]
fn kinds_from_a_newer_hub_are_skipped_and_fetched_again_after_an_update() -> TestResult {
    let mut store = store_with(clock());
    enroll(&mut store)?;
    let a = Uuid::now_v7();
    let tally = store.apply_pulled(&[Change::Unknown, Change::Asset(asset(a, None))], "c5")?;
    assert_eq!((tally.applied, tally.skipped), (2, 1));
    assert_eq!(store.sync_cursor()?.as_deref(), Some("c5"));
    // The build that pulled knew as many kinds as this one: nothing to catch up.
    assert!(!store.catch_up_change_kinds(faultline_protocol::CHANGE_KINDS)?);
    assert_eq!(store.sync_cursor()?.as_deref(), Some("c5"));
    // An update that knows one more kind starts the feed over, once, and keeps what is there.
    assert!(store.catch_up_change_kinds(faultline_protocol::CHANGE_KINDS + 1)?);
    assert_eq!(store.sync_cursor()?, None);
    assert!(!store.catch_up_change_kinds(faultline_protocol::CHANGE_KINDS + 1)?);
    assert_eq!(store.find_assets("", 10)?.len(), 1);
    Ok(())
}

#[test]
fn a_conflict_pulled_from_the_hub_is_stamped_by_the_stores_clock() -> TestResult {
    let fixed = clock();
    let mut store = store_with(fixed.clone());
    enroll(&mut store)?;
    let (a, wo) = (Uuid::from_u128(30), Uuid::from_u128(31));
    store.apply_pulled(
        &[
            Change::Asset(asset(a, None)),
            Change::WorkOrder(work_order(wo, a, "open", 1)),
            Change::Conflict(remedy_conflict(Uuid::from_u128(98), wo)),
        ],
        "c1",
    )?;
    let list = store.conflicts(true)?;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].created_at, crate::Clock::now(fixed.as_ref()));
    Ok(())
}

/// The work order's row as the pull wrote it: rid, version, status, title, remedy, cost, the
/// current interval and the count of earlier ones.
type WoRow = (
    i64,
    i64,
    String,
    String,
    Option<String>,
    Option<f64>,
    Option<i64>,
    Option<i64>,
    i64,
);

fn wo_row(store: &super::Store, id: Uuid) -> Result<WoRow, rusqlite::Error> {
    store.conn().query_row(
        "SELECT rid, version, status, title, remedy_text, cost, downtime_start, downtime_end,
                (SELECT count(*) FROM downtime_intervals d WHERE d.work_order_rid = w.rid)
         FROM work_orders w WHERE id = ?1",
        [id.to_string()],
        |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
            ))
        },
    )
}

#[test]
fn a_pulled_work_order_is_inserted_then_replaced_by_equal_or_newer_versions_only() -> TestResult {
    let mut store = store_with(clock());
    enroll(&mut store)?;
    let (a, id) = (Uuid::from_u128(1), Uuid::from_u128(2));
    let t = Utc
        .timestamp_opt(1_763_000_000, 0)
        .single()
        .unwrap_or_default();
    let m = |min: i64| t + chrono::Duration::minutes(min);
    let ms = |min: i64| m(min).timestamp_millis();
    let mut v2 = work_order(id, a, "in_progress", 2);
    v2.downtime_start = Some(m(0));
    v2.downtime_intervals = vec![
        DowntimeIntervalRecord {
            start: m(0),
            end: Some(m(10)),
        },
        DowntimeIntervalRecord {
            start: m(30),
            end: None,
        },
    ];
    let tally = store.apply_pulled(
        &[Change::Asset(asset(a, None)), Change::WorkOrder(v2.clone())],
        "c1",
    )?;
    assert_eq!(tally.applied, 2);
    let rid = wo_row(&store, id)?.0;
    let inserted = (
        rid,
        2,
        "in_progress".into(),
        "Seal leaks".into(),
        None,
        None,
        Some(ms(30)),
        None,
        1,
    );
    assert_eq!(wo_row(&store, id)?, inserted);

    // An older version is not written (neither the row nor its intervals).
    let mut v1 = work_order(id, a, "open", 1);
    v1.title = "old".into();
    store.apply_pulled(&[Change::WorkOrder(v1)], "c2")?;
    assert_eq!(wo_row(&store, id)?, inserted);

    // The same version again is written (the hub's copy wins), and a newer one replaces all.
    let mut v2b = v2.clone();
    v2b.title = "Seal leaks at the gland".into();
    store.apply_pulled(&[Change::WorkOrder(v2b)], "c3")?;
    assert_eq!(wo_row(&store, id)?.3, "Seal leaks at the gland");
    let mut v3 = work_order(id, a, "closed", 3);
    v3.remedy_text = Some("seal replaced".into());
    v3.cost = Some(12.5);
    v3.downtime_start = Some(m(0));
    v3.downtime_end = Some(m(40));
    store.apply_pulled(&[Change::WorkOrder(v3)], "c4")?;
    let closed = (
        rid,
        3,
        "closed".into(),
        "Seal leaks".into(),
        Some("seal replaced".into()),
        Some(12.5),
        Some(ms(0)),
        Some(ms(40)),
        0,
    );
    assert_eq!(wo_row(&store, id)?, closed);
    Ok(())
}
