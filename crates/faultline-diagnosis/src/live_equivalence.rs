//! The live path ([`crate::live`]) ranks as the whole-history path ([`crate::causes::rank`]) on
//! the replica: on the demo plant, for every asset, without codes and with codes, at several
//! times after and inside the history, the same causes in the same order with the same scores
//! (1e-9), evidence and sentences; and after writes (a breakdown logged with a code and closed
//! with a cause, a cause changed, an alarm added) it follows at once. The postings are written
//! in small blocks here (3, 2 and 16 postings), so a common word spans many and the search's
//! block skipping runs; the App's block size changes no result.

use crate::causes::CauseParams;
use crate::equivalence::{same_causes, Rng, GEN_CAUSES, GEN_WORDS};
use crate::{live, History, Query, HOUR_MS};
use faultline_core::store::diagnosis_blocks::set_block_postings_for_this_thread;
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
    // Small postings blocks: common words span many, so the block skipping is exercised.
    set_block_postings_for_this_thread(3);
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
    set_block_postings_for_this_thread(2);
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

fn stamp(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string())
        .unwrap_or_default()
}

/// A generated history imported through the demo mappings: assets on two sites (one without a
/// model, one without a class), 1,500 work orders of every type and status with shared times,
/// spellings of codes, causes with spaces, shorthand words; 400 alarms.
fn generated_store(seed: u64) -> Store {
    let mut r = Rng(seed);
    let dir = std::env::temp_dir().join(format!("faultline-live-eq-{seed}-{}", std::process::id()));
    if let Err(e) = std::fs::create_dir_all(&dir) {
        panic!("{e}");
    }
    let mut assets = String::from(
        "ASSETNUM,DESCRIPTION,SITEID,LOCATION,LOCATIONDESC,PARENT,MANUFACTURER,MODELNUM,\
         EQUIPCLASS,CRITICALITY,SERIALNUM,LONGDESCRIPTION\n",
    );
    let models = ["VX-300", "VX-300", "P-10", "KM-600"];
    let classes = ["VFD", "VFD", "PUMP", "PRESS"];
    for i in 0..10 {
        let site = if i < 7 { "PLANT1" } else { "PLANT2" };
        let model = if i == 9 { "" } else { models[i % 4] };
        let class = if i == 8 { "" } else { classes[i % 4] };
        assets.push_str(&format!(
            "A-{i},Asset {i},{site},L1,Line 1,,Maker,{model},{class},HIGH,S{i},\n"
        ));
    }
    // The generated histories' words and two common ones, so the pruning meets frequent words.
    let words: Vec<&str> = GEN_WORDS.iter().copied().chain(["of", "the"]).collect();
    let codes = ["OC1", "oc 1", "E.OC.1", "OU2", "E101", "AL 2040", ""];
    let causes_ = GEN_CAUSES;
    let t0: i64 = 1_700_000_000_000;
    let mut wos = String::from(
        "WONUM,ASSETNUM,WORKTYPE,STATUS,WOPRIORITY,DESCRIPTION,LONGDESCRIPTION,FAULTCODE,\
         REPORTEDBY,REPORTDATE,ACTSTART,ACTFINISH,DOWNSTART,DOWNEND,FAILURECLASS,PROBLEMCODE,\
         CAUSE,REMEDY,ISOMODE,ISOMECHANISM,ISOCAUSE,FAILUREREMARK,ACTTOTALCOST\n",
    );
    for n in 0..1500u32 {
        let at = if n % 17 == 0 {
            t0 + 400 * DAY
        } else {
            t0 + (r.next() % (900 * DAY as u64)) as i64 / 1000 * 1000
        };
        let title: Vec<&str> = (0..1 + r.next() % 5).map(|_| r.pick(&words)).collect();
        let start = (!r.next().is_multiple_of(3)).then_some(at + 5 * 60_000);
        let finish = (!r.next().is_multiple_of(4)).then_some(at + (r.next() % 300) as i64 * 60_000);
        let cause = if r.next().is_multiple_of(8) {
            ""
        } else {
            r.pick(causes_)
        };
        wos.push_str(&format!(
            "{},A-{},{},{},2,{},{},{},tester,{},{},{},,,VFD,{},{},{},,,,{},\n",
            10_000 + n,
            r.next() % 10,
            r.pick(&["EM", "EM", "CM", "PM"]),
            r.pick(&["CLOSE", "CLOSE", "COMP", "CAN", "WAPPR"]),
            title.join(" "),
            if r.next().is_multiple_of(3) {
                r.pick(&words)
            } else {
                ""
            },
            r.pick(&codes),
            stamp(at),
            start.map(stamp).unwrap_or_default(),
            finish.map(stamp).unwrap_or_default(),
            if r.next().is_multiple_of(2) {
                "TRIP"
            } else {
                ""
            },
            if cause.trim().is_empty() {
                String::new()
            } else {
                format!("\"{cause}\"")
            },
            if r.next().is_multiple_of(2) {
                format!("FIX-{}", cause.trim())
            } else {
                String::new()
            },
            if r.next().is_multiple_of(2) {
                format!("{} {}", r.pick(&words), r.pick(&words))
            } else {
                String::new()
            },
        ));
    }
    let mut alarms = String::from("EVENTID,ASSETNUM,ALARMCODE,ALARMTEXT,EVENTTIME,SOURCE\n");
    for n in 0..400u32 {
        let code = r.pick(&["OC1", "OC-1", "OU2", "E101", "AL 2040"]);
        let at = t0 + (r.next() % (900 * DAY as u64)) as i64 / 1000 * 1000;
        alarms.push_str(&format!(
            "EV{n},A-{},{code},alarm,{},PLC\n",
            r.next() % 10,
            stamp(at)
        ));
    }
    let demo = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo");
    let clock = Arc::new(FixedClock::new(chrono::DateTime::UNIX_EPOCH));
    let mut store = match Store::open_in_memory(clock, Arc::new(SequentialIds::default())) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    for (kind, text) in [
        ("assets", assets),
        ("work_orders", wos),
        ("fault_events", alarms),
    ] {
        let csv = dir.join(format!("{kind}.csv"));
        if let Err(e) = std::fs::write(&csv, text) {
            panic!("{e}");
        }
        if let Err(e) = store.import_csv(&demo.join(format!("{kind}.toml")), &csv) {
            panic!("{kind}: {e}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    store
}

#[test]
fn the_live_path_ranks_a_generated_history_as_the_whole_history() {
    set_block_postings_for_this_thread(16);
    let store = generated_store(7);
    let all = match store.diagnosis_work_orders(i64::MAX) {
        Ok(w) => w,
        Err(e) => panic!("{e}"),
    };
    assert!(all.len() > 1000, "{}", all.len());
    assert!(all.iter().filter(|w| crate::causes::is_evidence(w)).count() > 300);
    let code_sets = [
        strings(&[]),
        strings(&["OC1"]),
        strings(&["E.OC.1", "AL 2040"]),
    ];
    let symptoms = [
        None,
        Some("chg hyd hose r/h"),
        Some("motor of the conveyor"),
    ];
    let nonempty = check(&store, &code_sets, &symptoms, &times(&store));
    assert!(nonempty > 50, "{nonempty}");
}
