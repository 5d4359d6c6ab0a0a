//! Risk ranking tests on a generated fleet: scores are the sum of their contributions, reasons
//! match the raising terms, and nothing at or after `at` is read.

use super::*;
use crate::events::tests::breakdown;
use crate::prng::SplitMix64;
use crate::time::HOUR_MS;
use crate::{Alarm, Asset};

fn asset(i: usize) -> Asset {
    Asset {
        tag: format!("M-{i:02}"),
        site: "S".into(),
        location: Some("L1".into()),
        model: Some(if i < 10 { "HOT".into() } else { "COLD".into() }),
        equipment_class: Some("Pumps".into()),
        description: None,
    }
}

/// 20 machines over 400 days: "HOT" ones fail about every 25 days, "COLD" ones every 150;
/// two days before each failure the machine raises alarm OC1.
fn fleet() -> History {
    let mut rng = SplitMix64::new(42);
    let mut wos = Vec::new();
    let mut alarms = Vec::new();
    for i in 0..20 {
        let mean_gap = if i < 10 { 25 } else { 150 };
        let mut day = (rng.below(mean_gap) + 1) as i64;
        let mut n = 0;
        while day < 400 {
            let t = day * 24;
            let mut w = breakdown(
                &format!("W{i}-{n}"),
                &format!("M-{i:02}"),
                t,
                &[(t, Some(t + 3))],
            );
            w.remedy_text = Some("seal replaced".into());
            wos.push(w);
            alarms.push(Alarm {
                asset_tag: format!("M-{i:02}"),
                code: "OC1".into(),
                occurred_at: (t - 48) * HOUR_MS,
            });
            n += 1;
            day += (mean_gap / 2 + rng.below(mean_gap)) as i64;
        }
    }
    wos.sort_by_key(|w| w.reported_at);
    alarms.sort_by_key(|a| a.occurred_at);
    History {
        assets: (0..20).map(asset).collect(),
        work_orders: wos,
        alarms,
    }
}

#[test]
fn every_score_is_its_contributions_and_reasons_follow_them() {
    let h = fleet();
    let r = rank(&h, 300 * 24 * HOUR_MS, 14);
    assert!(r.model.fitted, "{:?}", r.model);
    assert_eq!(r.assets.len(), 20);
    for a in &r.assets {
        let sum: f64 = a.contributions.values().sum();
        assert!(
            (sum - a.score).abs() < 1e-9,
            "{}: {sum} vs {}",
            a.asset_tag,
            a.score
        );
        assert!((a.probability - sigmoid(a.score)).abs() < 1e-12);
        // Reasons: the terms that raise the score and whose input is above average.
        let raising = a
            .contributions
            .iter()
            .filter(|(k, v)| {
                **k != "baseline" && **v >= REASON_MIN && a.inputs[*k] > r.model.averages[*k]
            })
            .count();
        assert_eq!(a.reasons.len(), raising.max(1), "{:?}", a);
    }
    assert!(r.assets.windows(2).all(|w| w[0].score >= w[1].score));
    // The hot model's machines are ranked above the cold ones on the whole.
    let hot_in_top: usize = r.assets[..10]
        .iter()
        .filter(|a| a.model.as_deref() == Some("HOT"))
        .count();
    assert!(hot_in_top >= 8, "{hot_in_top}");
}

#[test]
fn nothing_at_or_after_at_is_read() {
    let mut h = fleet();
    let at = 200 * 24 * HOUR_MS;
    let before = rank(&h, at, 7);
    // A burst of alarms and a breakdown exactly at `at` and later change nothing.
    for t in [at, at + HOUR_MS, at + 30 * DAY_MS] {
        h.alarms.push(Alarm {
            asset_tag: "M-15".into(),
            code: "OC1".into(),
            occurred_at: t,
        });
        h.work_orders
            .push(breakdown("late", "M-15", t / HOUR_MS, &[]));
    }
    let after = rank(&h, at, 7);
    let tags = |r: &RiskRanking| -> Vec<(String, f64)> {
        r.assets
            .iter()
            .map(|a| (a.asset_tag.clone(), a.score))
            .collect()
    };
    assert_eq!(tags(&before), tags(&after));
}

#[test]
fn recent_alarms_are_a_reason_in_words_with_their_evidence() {
    let mut h = fleet();
    let at = 300 * 24 * HOUR_MS;
    for k in 1..=3 {
        h.alarms.push(Alarm {
            asset_tag: "M-12".into(),
            code: "OC1".into(),
            occurred_at: at - k * DAY_MS,
        });
    }
    h.alarms.sort_by_key(|a| a.occurred_at);
    let r = rank(&h, at, 7);
    let Some(m) = r.assets.iter().find(|a| a.asset_tag == "M-12") else {
        panic!("M-12 ranked");
    };
    assert!(
        m.reasons
            .iter()
            .any(|s| s.starts_with("3 alarms in 7 days (3 OC1)")),
        "{:?}",
        m.reasons
    );
    assert!(m.evidence["alarms_7d"].len() >= 3);
    assert_eq!(m.alarms_by_week.len(), 8);
}

#[test]
fn a_short_history_uses_the_prior_weights_and_still_adds_up() {
    let h = History {
        assets: vec![asset(1), asset(2)],
        work_orders: vec![breakdown("1", "M-01", 24, &[(24, Some(26))])],
        alarms: Vec::new(),
    };
    let r = rank(&h, 10 * 24 * HOUR_MS, 7);
    assert!(!r.model.fitted);
    assert_eq!(r.assets.len(), 1, "only assets with history are listed");
    let a = &r.assets[0];
    let sum: f64 = a.contributions.values().sum();
    assert!((sum - a.score).abs() < 1e-9);
}
