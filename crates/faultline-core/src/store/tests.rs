//! Store tests told as a technician's story: log, note, downtime, close, reopen.

use super::test_support::{clock, store_with};
use super::Store;
use crate::domain::*;
use crate::error::{CoreError, ErrorCode};
use chrono::Duration;
use std::io::Write;
use std::path::Path;

type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

/// A small plant: a catalogue and two assets, imported through real mapping files.
pub(crate) fn seed(store: &mut Store, dir: &Path) -> TestResult {
    let write = |name: &str, text: &str| -> std::io::Result<std::path::PathBuf> {
        let p = dir.join(name);
        std::fs::File::create(&p)?.write_all(text.as_bytes())?;
        Ok(p)
    };
    let m = write(
        "assets.toml",
        "kind = \"assets\"\n[fields]\ntag = \"{Tag}\"\nname = \"{Name}\"\nsite = \"PLANT1\"\nlocation = \"{Line}\"\nmanufacturer = \"Vantor\"\nmodel = \"{Model}\"\nequipment_class = \"{Class}\"\ncriticality = \"{Crit}\"\nparent_tag = \"{Parent}\"\n",
    )?;
    let c = write(
        "assets.csv",
        "Tag,Name,Line,Model,Class,Crit,Parent\nVFD-201,Drive for conveyor 201,L2-ASSY,VX-300,Frequency converters,A,CNV-201\nCNV-201,Infeed conveyor,L2-ASSY,BeltLine 2,Conveyors,B,\n",
    )?;
    store.import_csv(&m, &c)?;
    let m = write(
        "codes.toml",
        "kind = \"failure_codes\"\n[fields]\nlevel = \"{L}\"\nparent = \"{P}\"\ncode = \"{C}\"\ndescription = \"{D}\"\n",
    )?;
    let c = write(
        "codes.csv",
        "L,P,C,D\nclass,,DRIVE,Drives\nproblem,DRIVE,OVERCUR,Overcurrent trip\ncause,OVERCUR,ACCEL,Acceleration too short\nremedy,ACCEL,ADJPARAM,Adjust parameter\niso_mode,Frequency converters,UST,Spurious stop\niso_mechanism,,4.4,Faulty power/voltage\niso_cause,,3.1,Off-design service\n",
    )?;
    store.import_csv(&m, &c)?;
    Ok(())
}

pub(crate) fn fixture() -> std::result::Result<
    (
        Store,
        std::sync::Arc<crate::clock::FixedClock>,
        tempfile::TempDir,
    ),
    Box<dyn std::error::Error>,
> {
    let clock = clock();
    let mut store = store_with(clock.clone());
    let dir = tempfile::tempdir()?;
    seed(&mut store, dir.path())?;
    Ok((store, clock, dir))
}

pub(crate) fn breakdown(asset_id: uuid::Uuid) -> NewBreakdown {
    NewBreakdown {
        asset_id,
        fault_code: Some("OC1".into()),
        symptom: "Drive trips when conveyor starts loaded".into(),
        note: Some("Reset twice, trips again".into()),
        machine_stopped: true,
        stopped_at: None,
        confirm_old_stop: false,
        priority: None,
        author: "Ana".into(),
    }
}

#[test]
fn a_technician_logs_a_breakdown_works_it_and_closes_it() -> TestResult {
    let (mut store, clock, _dir) = fixture()?;
    let asset = store.resolve_asset("vfd-201")?;
    assert_eq!(asset.tag, "VFD-201");
    assert_eq!(
        asset.parent.as_ref().map(|p| p.tag.as_str()),
        Some("CNV-201")
    );

    let wo = store.log_breakdown(&breakdown(asset.id))?;
    assert_eq!(wo.summary.status, WorkOrderStatus::Open);
    assert_eq!(wo.summary.sync_state, SyncState::Pending);
    assert_eq!(wo.notes.len(), 1);
    assert!(wo.summary.downtime_start.is_some());

    clock.advance(Duration::minutes(25));
    store.add_note(wo.summary.id, "Ana", "Accel time was 1.5 s; set to 4 s")?;
    clock.advance(Duration::minutes(5));
    let wo2 = store.back_in_service(wo.summary.id, None)?;
    assert_eq!(wo2.summary.downtime_minutes, Some(30));

    let closed = store.close_work_order(&CloseWorkOrder {
        work_order_id: wo.summary.id,
        failure: FailureCodes {
            failure_class: Some("drive".into()),
            problem_code: Some("OVERCUR".into()),
            cause_code: Some("ACCEL".into()),
            remedy_code: Some("ADJPARAM".into()),
            iso_failure_mode: Some("UST".into()),
            iso_failure_mechanism: Some("4.4".into()),
            iso_failure_cause: Some("3.1".into()),
        },
        clear: vec![],
        remedy_text: Some("Lengthened accel time to 4 s".into()),
        finished_at: None,
        author: "Ana".into(),
    })?;
    assert_eq!(closed.summary.status, WorkOrderStatus::Closed);
    assert_eq!(
        closed.summary.failure.failure_class.as_deref(),
        Some("DRIVE"),
        "catalogue spelling"
    );

    let page = store.asset_page(asset.id, 50)?;
    assert!(page.open_work_orders.is_empty());
    assert_eq!(page.history.len(), 1);
    assert_eq!(page.history[0].note_count, 2);

    // create, note, note, downtime end, close = 5 queued changes in device order.
    let outbox = store.outbox(true, 100)?;
    let kinds: Vec<_> = outbox.iter().map(|e| e.envelope.mutation.kind()).collect();
    assert_eq!(
        kinds,
        [
            "create_work_order",
            "add_note",
            "add_note",
            "downtime_end",
            "close_work_order"
        ]
    );
    assert!(outbox.windows(2).all(|w| w[0].seq < w[1].seq));
    Ok(())
}

#[test]
fn closing_with_a_code_outside_the_catalogue_names_the_choices() -> TestResult {
    let (mut store, _clock, _dir) = fixture()?;
    let asset = store.resolve_asset("VFD-201")?;
    let wo = store.log_breakdown(&breakdown(asset.id))?;
    let err = store
        .close_work_order(&CloseWorkOrder {
            work_order_id: wo.summary.id,
            failure: FailureCodes {
                failure_class: Some("DRIVE".into()),
                problem_code: Some("LEAK".into()),
                ..FailureCodes::default()
            },
            clear: vec![],
            remedy_text: None,
            finished_at: None,
            author: "Ana".into(),
        })
        .err()
        .ok_or("closing with a bad code must fail")?;
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(err.to_string().contains("OVERCUR"), "{err}");
    // Nothing changed: still open, nothing queued for the failed close.
    assert_eq!(
        store.work_order(wo.summary.id)?.summary.status,
        WorkOrderStatus::Open
    );
    assert_eq!(store.outbox(true, 100)?.len(), 2);
    Ok(())
}

#[test]
fn invalid_actions_are_refused_with_what_to_do() -> TestResult {
    let (mut store, clock, _dir) = fixture()?;
    let asset = store.resolve_asset("CNV-201")?;
    let mut input = breakdown(asset.id);
    input.machine_stopped = false;
    input.symptom = "  ".into();
    input.fault_code = None;
    assert!(matches!(
        store.log_breakdown(&input),
        Err(CoreError::InvalidInput(_))
    ));
    input.symptom = "Belt slipping".into();
    input.stopped_at = Some(clock.now_plus(Duration::hours(1)));
    input.machine_stopped = true;
    assert!(matches!(
        store.log_breakdown(&input),
        Err(CoreError::InvalidInput(_))
    ));
    input.machine_stopped = false;
    let wo = store.log_breakdown(&input)?;
    assert!(matches!(
        store.back_in_service(wo.summary.id, None),
        Err(CoreError::InvalidState(_))
    ));
    store.machine_stopped(wo.summary.id, None)?;
    assert!(matches!(
        store.machine_stopped(wo.summary.id, None),
        Err(CoreError::InvalidState(_))
    ));
    assert!(matches!(
        store.resolve_asset("NOPE-1"),
        Err(CoreError::NotFound(_))
    ));
    Ok(())
}

#[test]
fn the_finder_puts_the_exact_tag_first_and_matches_words() -> TestResult {
    let (store, _clock, _dir) = fixture()?;
    let hits = store.find_assets("cnv-201", 10)?;
    assert_eq!(hits.first().map(|h| h.tag.as_str()), Some("CNV-201"));
    let hits = store.find_assets("infeed conv", 10)?;
    assert_eq!(
        hits.iter().map(|h| h.tag.as_str()).collect::<Vec<_>>(),
        ["CNV-201"]
    );
    let hits = store.find_assets("VX-3", 10)?;
    assert_eq!(
        hits.iter().map(|h| h.tag.as_str()).collect::<Vec<_>>(),
        ["VFD-201"]
    );
    assert!(store.find_assets("\"(*", 10)?.is_empty());
    assert_eq!(store.find_assets("", 10)?.len(), 2);
    Ok(())
}

#[test]
fn the_shift_report_lists_this_shifts_breakdowns_and_open_work() -> TestResult {
    let (mut store, clock, _dir) = fixture()?;
    let asset = store.resolve_asset("VFD-201")?;
    let start = clock.now_plus(Duration::zero());
    store.log_breakdown(&breakdown(asset.id))?;
    clock.advance(Duration::hours(2));
    let report =
        store.shift_report(start - Duration::hours(1), clock.now_plus(Duration::zero()))?;
    assert_eq!(report.breakdowns.len(), 1);
    assert_eq!(report.still_open.len(), 1);
    assert_eq!(report.downtime_minutes, 120);
    let later = store.shift_report(
        clock.now_plus(Duration::hours(1)),
        clock.now_plus(Duration::hours(9)),
    )?;
    assert!(later.breakdowns.is_empty());
    assert_eq!(later.still_open.len(), 1);
    Ok(())
}

#[test]
fn everything_written_is_there_after_reopening_the_database() -> TestResult {
    let dir = tempfile::tempdir()?;
    let id = {
        let mut store = Store::open(dir.path())?;
        seed(&mut store, dir.path())?;
        let asset = store.resolve_asset("VFD-201")?;
        let wo = store.log_breakdown(&breakdown(asset.id))?;
        store.add_photo(
            wo.summary.id,
            b"\x89PNG fake",
            "image/png",
            Some("burnt terminal"),
        )?;
        store.add_part(&NewPart {
            work_order_id: wo.summary.id,
            part_number: "BRG-6205".into(),
            description: Some("Bearing".into()),
            quantity: 2.0,
            unit: None,
        })?;
        wo.summary.id
    };
    let store = Store::open(dir.path())?;
    store.integrity_check()?;
    let wo = store.work_order(id)?;
    assert_eq!(wo.notes.len(), 1);
    assert_eq!(wo.parts.len(), 1);
    assert_eq!(wo.photos.len(), 1);
    let blob = crate::blobs::BlobStore::new(dir.path().join("blobs")).get(&wo.photos[0].sha256)?;
    assert_eq!(blob, b"\x89PNG fake");
    Ok(())
}

trait NowPlus {
    fn now_plus(&self, d: Duration) -> chrono::DateTime<chrono::Utc>;
}

impl NowPlus for crate::clock::FixedClock {
    fn now_plus(&self, d: Duration) -> chrono::DateTime<chrono::Utc> {
        crate::clock::Clock::now(self) + d
    }
}

#[test]
fn a_manual_is_stored_once_extracted_pages_commit_with_their_state_and_a_kill_requeues(
) -> TestResult {
    let dir = tempfile::tempdir()?;
    let mut store = Store::open(dir.path())?;
    let pdf = b"%PDF-1.4 fake manual bytes".to_vec();
    let (m, new) = store.add_manual("vx300.pdf", &pdf)?;
    assert!(new);
    assert_eq!(m.state, ManualState::Queued);
    let (again, new_again) = store.add_manual("copy of vx300.pdf", &pdf)?;
    assert!(!new_again);
    assert_eq!(again.id, m.id);
    assert!(matches!(
        store.add_manual("notes.txt", b"hello"),
        Err(CoreError::InvalidInput(_))
    ));

    let linked = store.link_manual_to_model(m.id, "Vantor Drives", "VX-300")?;
    assert_eq!(linked.models, ["Vantor Drives VX-300"]);

    let claimed = store.claim_queued_manual()?.ok_or("nothing queued")?;
    assert_eq!(claimed.state, ManualState::Extracting);
    assert!(store.claim_queued_manual()?.is_none());
    // The process dies here; at the next start the manual goes back to the queue.
    assert_eq!(store.requeue_interrupted_manuals()?, 1);
    let claimed = store.claim_queued_manual()?.ok_or("not re-queued")?;

    store.store_manual_pages(
        claimed.id,
        &["OC1 overcurrent".into(), "OU overvoltage".into()],
        Some("VX-300 manual"),
        Some("en"),
    )?;
    let m2 = store.manual(m.id)?;
    assert_eq!((m2.state, m2.page_count), (ManualState::Extracted, Some(2)));
    assert_eq!(store.manual_page_text(m.id, 2)?, "OU overvoltage");
    let mut pages = Vec::new();
    store.manual_pages_for_index(|p| {
        pages.push((p.page, p.models.clone()));
        Ok(())
    })?;
    assert_eq!(
        pages,
        [
            (1, vec!["Vantor Drives VX-300".to_string()]),
            (2, vec!["Vantor Drives VX-300".to_string()])
        ]
    );
    store.mark_manual_indexed(m.id)?;
    assert_eq!(store.manual(m.id)?.state, ManualState::Indexed);

    let (bad, _) = store.add_manual("locked.pdf", b"%PDF-1.6 encrypted")?;
    store.mark_manual_failed(bad.id, "encrypted", "encrypted: enter the password")?;
    assert_eq!(
        store.requeue_interrupted_manuals()?,
        0,
        "a failed file is not retried at every start"
    );
    assert_eq!(store.retry_manual(bad.id)?.state, ManualState::Queued);
    Ok(())
}
