//! The live path ([`crate::live`]) ranks as the whole-history path ([`crate::causes::rank`]) on
//! the replica: on the demo plant, for every asset, without codes and with codes, at several
//! times after and inside the history, the same causes in the same order with the same scores
//! (1e-9), evidence and sentences; and after writes (a breakdown logged with a code and closed
//! with a cause, a cause changed, an alarm added) it follows at once.

use crate::causes::CauseParams;
use crate::equivalence::same_causes;
use crate::{live, History, Query, HOUR_MS};
use faultline_core::{FixedClock, SequentialIds, Store};
use std::sync::Arc;

const DAY: i64 = 24 * HOUR_MS;

fn demo(clock: Arc<FixedClock>) -> Store {
    let mut store = match Store::open_in_memory(clock, Arc::new(SequentialIds::default())) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo");
    if let Err(e) = faultline_core::demo::load_demo(&mut store, &dir) {
        panic!("{e}");
    }
    store
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Every asset, every code set and symptom, every time: live and whole history agree (causes
/// and similar work orders, all of them and the first 3). Returns how many rankings were not
/// empty.
fn check(
    store: &Store,
    code_sets: &[Vec<String>],
    symptoms: &[Option<&str>],
    ats: &[i64],
) -> usize {
    let h = match History::read(store, i64::MAX) {
        Ok(h) => h,
        Err(e) => panic!("{e}"),
    };
    let mut nonempty = 0;
    for a in &h.assets {
        let (_, asset) = match live::asset(store, &a.tag) {
            Ok(x) => x,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(&asset, a);
        for codes in code_sets {
            for symptom in symptoms {
                for &at in ats {
                    for limit in [usize::MAX, 3] {
                        let what = format!("{} {codes:?} {symptom:?} at {at} limit {limit}", a.tag);
                        let q = Query {
                            asset_tag: a.tag.clone(),
                            codes: codes.clone(),
                            symptom: symptom.map(str::to_string),
                            at,
                            window_hours: 48,
                            limit,
                        };
                        let old = match crate::diagnose(&h, &q) {
                            Ok(d) => d,
                            Err(e) => panic!("{what}: {e}"),
                        };
                        let new = match crate::diagnose_live(store, &q) {
                            Ok(Some(d)) => d,
                            Ok(None) => panic!("{what}: live path declined"),
                            Err(e) => panic!("{what}: {e}"),
                        };
                        assert_eq!(new.codes, old.codes, "{what}");
                        same_causes(&what, &new.causes, &old.causes);
                        assert_eq!(
                            new.similar_work_orders, old.similar_work_orders,
                            "similar {what}"
                        );
                        nonempty += usize::from(!new.causes.is_empty());
                    }
                }
            }
        }
    }
    nonempty
}

fn times(store: &Store) -> Vec<i64> {
    let all = match store.diagnosis_work_orders(i64::MAX) {
        Ok(w) => w,
        Err(e) => panic!("{e}"),
    };
    let t: Vec<i64> = all.iter().map(|w| w.reported_at).collect();
    let last = t.iter().copied().max().unwrap_or(0);
    vec![t[t.len() / 2], last, last + 1, last + 30 * DAY]
}

#[test]
fn the_live_path_ranks_the_demo_plant_as_the_whole_history() {
    let store = demo(Arc::new(FixedClock::new(chrono::DateTime::UNIX_EPOCH)));
    let code_sets = [
        strings(&[]),
        strings(&["OC1"]),
        strings(&["oc 1", "OU2"]),
        strings(&["E101", "AL 2040"]),
    ];
    let symptoms = [None, Some("conveyor bogs down"), Some("hyd hose lk")];
    let nonempty = check(&store, &code_sets, &symptoms, &times(&store));
    assert!(nonempty > 10, "{nonempty}");
}

#[test]
fn the_live_path_follows_writes_at_once() {
    let store = demo(Arc::new(FixedClock::new(chrono::DateTime::UNIX_EPOCH)));
    let all = match store.diagnosis_work_orders(i64::MAX) {
        Ok(w) => w,
        Err(e) => panic!("{e}"),
    };
    let last = all.iter().map(|w| w.reported_at).max().unwrap_or(0);
    let clock = Arc::new(FixedClock::new(
        chrono::DateTime::from_timestamp_millis(last + DAY).unwrap_or_default(),
    ));
    let mut store = demo(clock.clone());
    // Read once so the totals are built, then write.
    let code_sets = [strings(&[]), strings(&["OC1"])];
    let symptoms = [None, Some("conveyor bogs down")];
    let ats = [last + 2 * DAY];
    check(&store, &code_sets, &symptoms, &ats);
    let model = all
        .iter()
        .find(|w| crate::causes::is_evidence(w) && w.failure_class.is_some())
        .cloned();
    let Some(model) = model else {
        panic!("no evidence in the demo");
    };
    let asset = match store.asset_by_tag(&model.asset_tag) {
        Ok(Some(a)) => a,
        _ => panic!("asset"),
    };
    let wo = match store.log_breakdown(&faultline_core::domain::NewBreakdown {
        asset_id: asset.id,
        fault_code: Some("OC-1".into()),
        symptom: "conveyor bogs down".into(),
        note: None,
        machine_stopped: false,
        stopped_at: None,
        confirm_old_stop: false,
        priority: None,
        author: "test".into(),
    }) {
        Ok(w) => w,
        Err(e) => panic!("{e}"),
    };
    clock.advance(chrono::Duration::hours(1));
    let close = faultline_core::domain::CloseWorkOrder {
        work_order_id: wo.summary.id,
        failure: faultline_core::domain::FailureCodes {
            failure_class: model.failure_class.clone(),
            problem_code: model.problem_code.clone(),
            cause_code: model.cause_code.clone(),
            remedy_code: model.remedy_code.clone(),
            ..Default::default()
        },
        clear: Vec::new(),
        remedy_text: Some("accel 5 s".into()),
        finished_at: None,
        author: "test".into(),
    };
    if let Err(e) = store.close_work_order(&close) {
        panic!("{e}");
    }
    check(&store, &code_sets, &symptoms, &ats);
    // The new breakdown is on the asset's level at once.
    let q = Query {
        asset_tag: model.asset_tag.clone(),
        codes: strings(&["OC1"]),
        symptom: None,
        at: last + 2 * DAY,
        window_hours: 48,
        limit: 10,
    };
    let (rid, a) = match live::asset(&store, &q.asset_tag) {
        Ok(x) => x,
        Err(e) => panic!("{e}"),
    };
    let p = CauseParams::default();
    let got = match live::rank_causes(&store, rid, &a, &q.codes, None, q.at, &p, 10) {
        Ok(Some(c)) => c,
        _ => panic!("live"),
    };
    let cause = model.cause_code.as_deref().unwrap_or_default().trim();
    let c = got.iter().find(|c| c.cause_code == cause);
    let Some(c) = c else {
        panic!("{cause} not ranked: {got:?}");
    };
    assert!(c.evidence.levels[0].matched >= 1, "{c:?}");
    assert_eq!(c.evidence.last_remedy_text.as_deref(), Some("accel 5 s"));
}
