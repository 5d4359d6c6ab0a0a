//! Equivalence of the prepared index ([`crate::index`]) with the whole-history path it replaced
//! ([`crate::reference`]): on the demo plant and on a generated history with a fixed seed, the
//! same causes in the same order with the same scores, evidence and sentences, the same similar
//! work orders (scores equal to the bit: both sum a work order's BM25 terms in token order), the
//! same word counts. Cause scores are compared to 1e-9 relative: the reference's normalising sums
//! run in hash-map order, so its last bits can differ between two calls; the prepared path sums
//! in cause order, the same to the bit on every call ([`crate::determinism`]).

use crate::causes::{self, CauseParams};
use crate::reference::{causes_whole, scored_whole, word_counts_whole};
use crate::shorthand::tokens;
use crate::text_model::word_counts;
use crate::{similar, History, HOUR_MS};
use faultline_core::store::{AnalyticsAlarm, AnalyticsAsset, DiagnosisWorkOrder};
use std::sync::Arc;

const DAY: i64 = 24 * HOUR_MS;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Same ids with close scores, position by position; ids may swap only between equal scores.
fn same_ranked(what: &str, new: &[(String, f64)], old: &[(String, f64)]) {
    assert_eq!(new.len(), old.len(), "{what}: lengths");
    for (i, (n, o)) in new.iter().zip(old).enumerate() {
        assert!(close(n.1, o.1), "{what} #{i}: score {n:?} vs {o:?}");
        if n.0 != o.0 {
            let tied = old.iter().any(|x| x.0 == n.0 && close(x.1, n.1));
            assert!(tied, "{what} #{i}: {n:?} vs {o:?}");
        }
    }
}

pub(crate) fn same_causes(what: &str, new: &[causes::Cause], old: &[causes::Cause]) {
    let ids = |c: &[causes::Cause]| -> Vec<(String, f64)> {
        c.iter().map(|c| (c.cause_code.clone(), c.score)).collect()
    };
    same_ranked(what, &ids(new), &ids(old));
    for (n, o) in new.iter().zip(old) {
        if n.cause_code != o.cause_code {
            continue;
        }
        assert_eq!(n.explanation, o.explanation, "{what}");
        assert_eq!(
            (&n.failure_class, &n.problem_code, &n.remedy_code),
            (&o.failure_class, &o.problem_code, &o.remedy_code),
            "{what}"
        );
        let (ne, oe) = (&n.evidence, &o.evidence);
        assert_eq!(
            (ne.last_at, &ne.last_number, &ne.last_remedy_code),
            (oe.last_at, &oe.last_number, &oe.last_remedy_code),
            "{what}"
        );
        assert_eq!(ne.median_repair_minutes, oe.median_repair_minutes, "{what}");
        assert_eq!(
            ne.days_since_last_replacement, oe.days_since_last_replacement,
            "{what}"
        );
        assert_eq!(ne.levels.len(), oe.levels.len(), "{what}");
        for (nl, ol) in ne.levels.iter().zip(&oe.levels) {
            assert_eq!((nl.level, &nl.name), (ol.level, &ol.name), "{what}");
            assert_eq!((nl.matched, nl.of), (ol.matched, ol.of), "{what}");
            assert!(close(nl.weighted, ol.weighted), "{what}: {nl:?} {ol:?}");
            assert!(
                close(nl.weighted_of, ol.weighted_of),
                "{what}: {nl:?} {ol:?}"
            );
            assert!(
                close(nl.probability, ol.probability),
                "{what}: {nl:?} {ol:?}"
            );
        }
    }
}

/// Every query: each asset × code sets × symptoms × times; returns how many had causes.
fn check_all(
    h: &History,
    code_sets: &[Vec<String>],
    symptoms: &[Option<&str>],
    ats: &[i64],
) -> usize {
    let p = CauseParams::default();
    let mut nonempty = 0;
    for a in &h.assets {
        for codes in code_sets {
            for symptom in symptoms {
                for &at in ats {
                    let what = format!("{} {codes:?} {symptom:?} at {at}", a.tag);
                    let new = causes::rank(h, a, codes, *symptom, at, &p);
                    let old = causes_whole::rank(h, a, codes, *symptom, at, &p);
                    same_causes(&what, &new, &old);
                    nonempty += usize::from(!new.is_empty());
                    for c in &old {
                        assert_eq!(
                            causes::last_replacement(h, &a.tag, &c.cause_code, at),
                            causes_whole::last_replacement(h, &a.tag, &c.cause_code, at),
                            "{what}"
                        );
                    }
                    let top = causes::rank_top(h, a, codes, *symptom, at, &p, 5);
                    same_causes(&format!("top {what}"), &top, &new[..new.len().min(5)]);
                    let sim = |v: Vec<(f64, &DiagnosisWorkOrder)>| -> Vec<(String, f64)> {
                        v.into_iter().map(|(s, w)| (w.id.clone(), s)).collect()
                    };
                    // Both paths sum a work order's BM25 terms in token order: equal to the bit.
                    assert_eq!(
                        sim(similar::scored(h, a, codes, *symptom, at)),
                        sim(scored_whole(h, a, codes, *symptom, at)),
                        "similar {what}"
                    );
                    if let Some(s) = symptom {
                        let mut q: Vec<(String, f64)> = Vec::new();
                        for t in tokens(s) {
                            match q.iter_mut().find(|(x, _)| *x == t) {
                                Some(x) => x.1 += 1.0,
                                None => q.push((t, 1.0)),
                            }
                        }
                        assert_eq!(
                            word_counts(h, &q, at),
                            word_counts_whole(h, &q, at),
                            "{what}"
                        );
                    }
                }
            }
        }
    }
    nonempty
}

/// xorshift64*: a fixed-seed generator for the history.
/// The words of the generated histories' texts (shorthand and its expansions).
pub(crate) const GEN_WORDS: &[&str] = &[
    "chg",
    "hyd",
    "hose",
    "r/h",
    "motor",
    "brg",
    "noisy",
    "accel",
    "ramp",
    "short",
    "trip",
    "overcurrent",
    "jam",
    "conveyor",
    "bogs",
    "down",
    "seal",
    "leak",
    "lk",
    "cable",
    "MTRBRG",
    "replaced",
    "hoses",
];

/// The generated histories' causes (one with spaces around it).
pub(crate) const GEN_CAUSES: &[&str] = &[
    "ADJACC", "JAM", "MTRBRG", "CBLDMG", "SEAL", "HOSE", " ADJACC ",
];

pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub(crate) fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[(self.next() % v.len() as u64) as usize]
    }
}

const T0: i64 = 1_700_000_000_000;

fn generated(seed: u64) -> History {
    let mut r = Rng(seed);
    let models = ["VX-300", "VX-300", "P-10", "KM-600"];
    let classes = ["VFD", "VFD", "PUMP", "PRESS"];
    let assets: Vec<AnalyticsAsset> = (0..10)
        .map(|i| AnalyticsAsset {
            tag: format!("A-{i}"),
            site: if i < 7 {
                "PLANT1".into()
            } else {
                "PLANT2".into()
            },
            location: None,
            model: (i != 9).then(|| models[i % 4].to_string()),
            equipment_class: (i != 8).then(|| classes[i % 4].to_string()),
            description: None,
        })
        .collect();
    let codes = ["OC1", "oc 1", "E.OC.1", "OU2", "E101", "AL 2040", ""];
    let causes_ = GEN_CAUSES;
    let words = GEN_WORDS;
    let mut work_orders = Vec::new();
    for n in 0..1500u32 {
        let tag = format!("A-{}", r.next() % 11); // A-10 is no asset
        let at = T0 + (r.next() % (900 * DAY as u64)) as i64;
        // Some work orders share a time exactly.
        let at = if n % 17 == 0 { T0 + 400 * DAY } else { at };
        let title: Vec<&str> = (0..1 + r.next() % 5).map(|_| r.pick(words)).collect();
        let cause = r.pick(causes_);
        work_orders.push(DiagnosisWorkOrder {
            id: format!("w{n}"),
            number: format!("{}", 10_000 + n),
            asset_tag: tag,
            wo_type: r
                .pick(&["breakdown", "breakdown", "corrective", "preventive"])
                .into(),
            status: r
                .pick(&["closed", "closed", "completed", "cancelled", "open"])
                .into(),
            reported_at: at,
            started_at: (!r.next().is_multiple_of(3)).then_some(at + 5 * 60_000),
            finished_at: (!r.next().is_multiple_of(4))
                .then_some(at + (r.next() % 300) as i64 * 60_000),
            title: title.join(" "),
            description: r
                .next()
                .is_multiple_of(3)
                .then(|| r.pick(words).to_string()),
            fault_code: Some(r.pick(&codes).to_string()).filter(|c| !c.is_empty()),
            failure_class: Some("VFD".into()),
            problem_code: r.next().is_multiple_of(2).then(|| "TRIP".into()),
            cause_code: (!r.next().is_multiple_of(8)).then(|| cause.to_string()),
            remedy_code: r
                .next()
                .is_multiple_of(2)
                .then(|| format!("FIX-{}", cause.trim())),
            remedy_text: r
                .next()
                .is_multiple_of(2)
                .then(|| format!("{} {}", r.pick(words), r.pick(words))),
            notes: (0..r.next() % 2)
                .map(|_| r.pick(words).to_string())
                .collect(),
            parts: r
                .next()
                .is_multiple_of(5)
                .then(|| cause.trim().to_string())
                .into_iter()
                .collect(),
        });
    }
    let alarms: Vec<AnalyticsAlarm> = (0..800)
        .map(|_| AnalyticsAlarm {
            asset_tag: format!("A-{}", r.next() % 10),
            code: r.pick(&codes[..6]).to_string(),
            occurred_at: T0 + (r.next() % (900 * DAY as u64)) as i64,
        })
        .collect();
    History::new(assets, work_orders, alarms)
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_prepared_index_ranks_a_generated_history_as_the_whole_history_path() {
    let h = generated(11);
    let code_sets = [
        strings(&[]),
        strings(&["OC1"]),
        strings(&["oc-1", "OU2"]),
        strings(&["ZZ9"]),
    ];
    let symptoms = [
        None,
        Some("chg hyd hose r/h"),
        Some("motor brg noisy trip"),
        Some("qqq"),
    ];
    let ats = [T0 - 1, T0 + 400 * DAY, T0 + 400 * DAY + 1, T0 + 2000 * DAY];
    let nonempty = check_all(&h, &code_sets, &symptoms, &ats);
    assert!(nonempty > 100, "{nonempty}");
}

#[test]
fn the_prepared_index_ranks_the_demo_plant_as_the_whole_history_path() {
    let clock = Arc::new(faultline_core::FixedClock::new(
        chrono::DateTime::UNIX_EPOCH,
    ));
    let ids = Arc::new(faultline_core::SequentialIds::default());
    let mut store = match faultline_core::Store::open_in_memory(clock, ids) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo");
    if let Err(e) = faultline_core::demo::load_demo(&mut store, &dir) {
        panic!("{e}");
    }
    let h = match History::read(&store, i64::MAX) {
        Ok(h) => h,
        Err(e) => panic!("{e}"),
    };
    assert!(h.work_orders.len() > 10);
    let times: Vec<i64> = h.work_orders.iter().map(|w| w.reported_at).collect();
    let ats = [times[times.len() / 2], times[times.len() - 1], i64::MAX];
    let code_sets = [
        strings(&[]),
        strings(&["OC1"]),
        strings(&["E101", "AL 2040"]),
    ];
    let symptoms = [None, Some("conveyor bogs down"), Some("hyd hose lk")];
    let nonempty = check_all(&h, &code_sets, &symptoms, &ats);
    assert!(nonempty > 10, "{nonempty}");
}
