//! Ranking tests on a small hand-built history: back-off across levels, recency, codes across
//! spellings, alarms as codes, and `at` excluding what was recorded at or after it.

use crate::causes::{rank, recency_weight, CauseParams};
use crate::{diagnose, History, Query, HOUR_MS};
use faultline_core::store::{AnalyticsAlarm, AnalyticsAsset, DiagnosisWorkOrder};

const DAY: i64 = 24 * HOUR_MS;
const NOW: i64 = 1_790_000_000_000;

fn asset(tag: &str, model: &str) -> AnalyticsAsset {
    AnalyticsAsset {
        tag: tag.into(),
        site: "PLANT1".into(),
        location: None,
        model: Some(model.into()),
        equipment_class: Some("VFD".into()),
        description: None,
    }
}

fn wo(n: u32, tag: &str, code: &str, cause: &str, at: i64) -> DiagnosisWorkOrder {
    DiagnosisWorkOrder {
        id: format!("id-{n}"),
        number: format!("{n}"),
        asset_tag: tag.into(),
        wo_type: "breakdown".into(),
        status: "closed".into(),
        reported_at: at,
        started_at: Some(at),
        finished_at: Some(at + 25 * 60_000),
        title: format!("{code} trip"),
        description: None,
        fault_code: Some(code.into()),
        failure_class: Some("VFD".into()),
        problem_code: Some("TRIP".into()),
        cause_code: Some(cause.into()),
        remedy_code: Some(format!("FIX-{cause}")),
        remedy_text: Some(format!("{cause} sorted")),
        notes: Vec::new(),
        parts: Vec::new(),
    }
}

fn fleet() -> Vec<AnalyticsAsset> {
    vec![
        asset("VFD-1", "VX-300"),
        asset("VFD-2", "VX-300"),
        asset("VFD-3", "VX-300"),
        asset("PUMP-1", "P-10"),
    ]
}

fn codes(c: &[&str]) -> Vec<String> {
    c.iter().map(|s| s.to_string()).collect()
}

fn top(h: &History, tag: &str, c: &[&str], at: i64, p: &CauseParams) -> Vec<(String, f64)> {
    let Some(a) = h.asset(tag) else {
        panic!("no asset {tag}");
    };
    rank(h, a, &codes(c), None, at, p)
        .into_iter()
        .map(|c| (c.cause_code, c.score))
        .collect()
}

#[test]
fn an_asset_without_history_borrows_from_its_model_and_its_own_history_wins_when_it_has_some() {
    let mut w = Vec::new();
    for i in 0..6 {
        w.push(wo(i, "VFD-2", "OC1", "ADJACC", NOW - (10 + i as i64) * DAY));
    }
    for i in 6..9 {
        w.push(wo(i, "VFD-3", "OC1", "JAM", NOW - (10 + i as i64) * DAY));
    }
    w.push(wo(9, "PUMP-1", "E7", "SEAL", NOW - 5 * DAY));
    let h = History::new(fleet(), w, Vec::new());
    let p = CauseParams::default();
    let r1 = top(&h, "VFD-1", &["OC1"], NOW, &p);
    assert_eq!(r1[0].0, "ADJACC", "{r1:?}");
    let sum: f64 = r1.iter().map(|c| c.1).sum();
    assert!((sum - 1.0).abs() < 1e-9, "scores are probabilities: {sum}");
    // VFD-3's own three OC1 breakdowns were all JAM: its ranking follows them.
    let r3 = top(&h, "VFD-3", &["OC1"], NOW, &p);
    assert_eq!(r3[0].0, "JAM", "{r3:?}");
    // A code never seen on a VX-300 ranks by the asset's own mix (backed off): SEAL is last.
    let r_unseen = top(&h, "VFD-1", &["OU2"], NOW, &p);
    assert_eq!(
        r_unseen.last().map(|c| c.0.as_str()),
        Some("SEAL"),
        "{r_unseen:?}"
    );
}

#[test]
fn recent_breakdowns_weigh_more_than_old_ones() {
    assert!((recency_weight(365 * DAY, 365.0) - 0.5).abs() < 1e-12);
    assert!((recency_weight(0, 365.0) - 1.0).abs() < 1e-12);
    let mut w = Vec::new();
    for i in 0..3 {
        w.push(wo(
            i,
            "VFD-1",
            "OC1",
            "OLD",
            NOW - (3 * 365 + i as i64) * DAY,
        ));
    }
    for i in 3..5 {
        w.push(wo(i, "VFD-1", "OC1", "NEW", NOW - (20 + i as i64) * DAY));
    }
    let h = History::new(fleet(), w, Vec::new());
    let decayed = top(&h, "VFD-1", &["OC1"], NOW, &CauseParams::default());
    assert_eq!(decayed[0].0, "NEW", "{decayed:?}");
    let flat = CauseParams {
        half_life_days: 0.0,
        ..CauseParams::default()
    };
    let counted = top(&h, "VFD-1", &["OC1"], NOW, &flat);
    assert_eq!(counted[0].0, "OLD", "{counted:?}");
}

#[test]
fn codes_match_across_spellings() {
    let mut w = vec![wo(1, "VFD-1", "E.OC.1", "ADJACC", NOW - 3 * DAY)];
    w.push(wo(2, "VFD-1", "OU2", "BRAKE", NOW - 2 * DAY));
    w.push(wo(3, "VFD-1", "OU2", "BRAKE", NOW - DAY));
    let h = History::new(fleet(), w, Vec::new());
    for spelling in ["OC1", "oc 1", "OC-1", "E.OC.1"] {
        let r = top(&h, "VFD-1", &[spelling], NOW, &CauseParams::default());
        assert_eq!(r[0].0, "ADJACC", "{spelling}: {r:?}");
    }
}

#[test]
fn alarms_of_the_window_before_at_are_the_codes_and_past_breakdowns_carry_theirs() {
    let mut a = wo(1, "VFD-1", "", "ADJACC", NOW - 10 * DAY);
    a.fault_code = None;
    let mut b = wo(2, "VFD-1", "", "BRAKE", NOW - 5 * DAY);
    b.fault_code = None;
    let alarm = |code: &str, t: i64| AnalyticsAlarm {
        asset_tag: "VFD-1".into(),
        code: code.into(),
        occurred_at: t,
    };
    let alarms = vec![
        alarm("OC1", NOW - 10 * DAY - HOUR_MS),
        alarm("OU2", NOW - 5 * DAY - HOUR_MS),
        alarm("oc-1", NOW - 2 * HOUR_MS),
        // Exactly at `at` and after: not seen.
        alarm("OU2", NOW),
        alarm("OU2", NOW + 1),
    ];
    let h = History::new(fleet(), vec![a, b], alarms);
    let q = Query {
        asset_tag: "VFD-1".into(),
        codes: Vec::new(),
        symptom: None,
        at: NOW,
        window_hours: 48,
        limit: 5,
    };
    let d = match diagnose(&h, &q) {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(d.codes, vec!["oc-1".to_string()]);
    assert_eq!(d.causes[0].cause_code, "ADJACC", "{:?}", d.causes);
    assert!(
        d.causes[0].explanation.contains("1 of 1"),
        "{}",
        d.causes[0].explanation
    );
}

#[test]
fn a_work_order_exactly_at_at_is_excluded_from_causes_and_similar_work() {
    let w = vec![
        wo(1, "VFD-1", "OC1", "ADJACC", NOW - DAY),
        wo(2, "VFD-1", "OC1", "ANSWER", NOW),
    ];
    let h = History::new(fleet(), w, Vec::new());
    let q = |at| Query {
        asset_tag: "VFD-1".into(),
        codes: codes(&["OC1"]),
        symptom: Some("trip".into()),
        at,
        window_hours: 48,
        limit: 5,
    };
    let Ok(at) = diagnose(&h, &q(NOW)) else {
        panic!("diagnose at");
    };
    assert!(
        at.causes.iter().all(|c| c.cause_code != "ANSWER"),
        "{:?}",
        at.causes
    );
    assert!(at.similar_work_orders.iter().all(|s| s.number != "2"));
    let Ok(after) = diagnose(&h, &q(NOW + 1)) else {
        panic!("diagnose after");
    };
    assert!(after.causes.iter().any(|c| c.cause_code == "ANSWER"));
    assert!(after.similar_work_orders.iter().any(|s| s.number == "2"));
}

#[test]
fn the_explanation_says_the_counts_the_last_fix_and_the_repair_time() {
    let w = vec![
        wo(1, "VFD-2", "OC1", "ADJACC", NOW - 3 * DAY),
        wo(2, "VFD-1", "OC1", "ADJACC", NOW - 2 * DAY),
        wo(3, "VFD-2", "OC1", "JAM", NOW - DAY),
    ];
    let h = History::new(fleet(), w, Vec::new());
    let r = match h.asset("VFD-1") {
        Some(a) => rank(&h, a, &codes(&["OC1"]), None, NOW, &CauseParams::default()),
        None => panic!("asset"),
    };
    let e = &r[0].explanation;
    assert!(
        e.starts_with("OC1 on VX-300 assets: ADJACC in 2 of 3"),
        "{e}"
    );
    assert!(e.contains("1 of 1 on this asset"), "{e}");
    assert!(e.contains("fixed by FIX-ADJACC 'ADJACC sorted'"), "{e}");
    assert!(e.contains("median repair 25 min"), "{e}");
}

/// A closed breakdown on VFD-1 without a fault code, known by its text only.
fn texted(n: u32, cause: &str, title: &str) -> DiagnosisWorkOrder {
    let mut w = wo(n, "VFD-1", "", cause, NOW - (10 + i64::from(n)) * DAY);
    w.fault_code = None;
    w.title = title.into();
    w
}

#[test]
fn a_symptom_in_shorthand_favours_the_causes_of_similar_past_work() {
    let mut w: Vec<DiagnosisWorkOrder> = (0..3)
        .map(|i| texted(i, "HOSE", "Change hydraulic hose right hand, leaking"))
        .collect();
    w.extend((3..7).map(|i| texted(i, "ENGINE", "Engine will not start")));
    let h = History::new(fleet(), w, Vec::new());
    let Some(a) = h.asset("VFD-1") else {
        panic!("asset");
    };
    let p = CauseParams::default();
    let plain = rank(&h, a, &[], None, NOW, &p);
    assert_eq!(plain[0].cause_code, "ENGINE", "{plain:?}");
    let hinted = rank(&h, a, &[], Some("chg hyd hose r/h"), NOW, &p);
    assert_eq!(hinted[0].cause_code, "HOSE", "{hinted:?}");
    let e = &hinted[0].explanation;
    assert!(
        e.contains("HOSE in 3 of 3 closed breakdowns most like the symptom"),
        "{e}"
    );
}

#[test]
fn the_nearest_neighbour_vote_is_mixed_in_by_its_weight_and_scores_still_sum_to_one() {
    // The asset's own history is mostly ENGINE; the two work orders like the symptom were HOSE.
    let mut w: Vec<DiagnosisWorkOrder> = (0..8)
        .map(|i| texted(i, "ENGINE", &format!("Engine will not start {i}")))
        .collect();
    w.extend((8..10).map(|i| texted(i, "HOSE", "hydraulic hose leaking")));
    let h = History::new(fleet(), w, Vec::new());
    let Some(a) = h.asset("VFD-1") else {
        panic!("asset");
    };
    let score = |lambda: f64, cause: &str| {
        let p = CauseParams {
            text_vote: lambda,
            ..CauseParams::default()
        };
        let r = rank(&h, a, &[], Some("hose leaking"), NOW, &p);
        let sum: f64 = r.iter().map(|c| c.score).sum();
        assert!((sum - 1.0).abs() < 1e-9, "{sum}");
        r.iter()
            .find(|c| c.cause_code == cause)
            .map_or(0.0, |c| c.score)
    };
    // Only the two hose work orders share a word with the symptom: the vote alone is sure.
    assert!((score(1.0, "HOSE") - 1.0).abs() < 1e-9);
    let (chain, half) = (score(0.0, "HOSE"), score(0.5, "HOSE"));
    assert!(chain < half && half < 1.0, "{chain} {half}");
    assert!((half - (0.5 * chain + 0.5)).abs() < 1e-9, "{chain} {half}");
    // Without a symptom there is no vote, whatever its weight.
    let p = CauseParams {
        text_vote: 1.0,
        ..CauseParams::default()
    };
    assert_eq!(rank(&h, a, &[], None, NOW, &p)[0].cause_code, "ENGINE");
}

#[test]
fn a_cause_a_guide_concluded_and_the_close_confirmed_ranks_higher_next_time() {
    // One OC1 breakdown each: a tie, broken by the code (ADJACC first).
    let w = vec![
        wo(1, "VFD-2", "OC1", "ADJACC", NOW - 3 * DAY),
        wo(2, "VFD-2", "OC1", "JAM", NOW - 3 * DAY),
    ];
    let mut h = History::new(fleet(), w, Vec::new());
    let p = CauseParams::default();
    let before = top(&h, "VFD-1", &["OC1"], NOW, &p);
    assert_eq!(before[0].0, "ADJACC", "{before:?}");
    // The guide concluded JAM on work order 2 and its close confirmed it.
    h.confirmed
        .push(faultline_core::store::ConfirmedConclusion {
            session_id: "s-1".into(),
            guide_id: "VX300-OC1".into(),
            guide_title: "VX-300 OC1".into(),
            work_order_id: "id-2".into(),
            cause_code: "JAM".into(),
            closed_at: NOW - 2 * DAY,
        });
    let after = top(&h, "VFD-1", &["OC1"], NOW, &p);
    assert_eq!(after[0].0, "JAM", "{after:?}");
    let sum: f64 = after.iter().map(|c| c.1).sum();
    assert!((sum - 1.0).abs() < 1e-9, "{sum}");
    // Not yet known before the close.
    let early = top(&h, "VFD-1", &["OC1"], NOW - 2 * DAY, &p);
    assert_eq!(early[0].0, "ADJACC", "{early:?}");
    // The weight is a knob: 0 gives the tie back.
    let off = CauseParams {
        confirmed_weight: 0.0,
        ..CauseParams::default()
    };
    assert_eq!(top(&h, "VFD-1", &["OC1"], NOW, &off)[0].0, "ADJACC");
}

#[test]
fn the_word_model_ranks_a_cause_whose_past_texts_share_the_words_even_beyond_the_neighbours() {
    // Nine HOSE work orders share "leaking" with the symptom; one VALVE work order shares
    // "valve" and "leaking". With one neighbour the vote sees a single work order; the word
    // model sees every cause's texts.
    let mut w: Vec<DiagnosisWorkOrder> = (0..9)
        .map(|i| texted(i, "HOSE", &format!("hose leaking {i}")))
        .collect();
    w.push(texted(9, "VALVE", "control valve leaking"));
    w.extend((10..20).map(|i| texted(i, "ENGINE", "engine will not start")));
    let h = History::new(fleet(), w, Vec::new());
    let Some(a) = h.asset("VFD-1") else {
        panic!("asset");
    };
    // Texts of a few words: a light smoothing (the default suits real history).
    let p = CauseParams {
        text_vote: 0.0,
        text_smoothing: 5.0,
        ..CauseParams::default()
    };
    let r = rank(&h, a, &[], Some("valve leaking"), NOW, &p);
    assert_eq!(r[0].cause_code, "VALVE", "{r:?}");
    let r = rank(&h, a, &[], Some("hose leaking"), NOW, &p);
    assert_eq!(r[0].cause_code, "HOSE", "{r:?}");
    assert_eq!(r.last().map(|c| c.cause_code.as_str()), Some("ENGINE"));
}
