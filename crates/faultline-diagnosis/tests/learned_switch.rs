//! The prepared index keeps its tokens per setting of the learned shorthand table: a back-test
//! that switches the table off after the index was built reads tokens made without it (its own
//! process, as the switch is global).

use faultline_core::store::{AnalyticsAsset, DiagnosisWorkOrder};
use faultline_diagnosis::shorthand::use_learned_table;
use faultline_diagnosis::{similar, History};

fn history() -> History {
    let asset = AnalyticsAsset {
        tag: "EX-1".into(),
        site: "MINE".into(),
        location: None,
        model: Some("EX".into()),
        equipment_class: None,
        description: None,
    };
    let wo = |n: i64, title: &str| DiagnosisWorkOrder {
        id: format!("w{n}"),
        number: format!("{n}"),
        asset_tag: "EX-1".into(),
        wo_type: "breakdown".into(),
        status: "closed".into(),
        reported_at: n * 1000,
        started_at: None,
        finished_at: None,
        title: title.into(),
        description: None,
        fault_code: None,
        failure_class: None,
        problem_code: None,
        cause_code: Some("PART".into()),
        remedy_code: None,
        remedy_text: None,
        notes: Vec::new(),
        parts: Vec::new(),
    };
    History::new(
        vec![asset],
        vec![
            wo(1, "1st pump and 2nd hose"),
            wo(2, "first pump"),
            wo(3, "pump and seal"),
        ],
        Vec::new(),
    )
}

fn ids(h: &History, q: &str) -> Vec<(String, f64)> {
    let Some(a) = h.asset("EX-1") else {
        panic!("no asset");
    };
    similar::scored(h, a, &[], Some(q), i64::MAX)
        .into_iter()
        .map(|(s, w)| (w.id.clone(), s))
        .collect()
}

#[test]
fn switching_the_learned_table_off_reads_tokens_made_without_it() {
    let h = history();
    let on = ids(&h, "1st pump");
    let built_on: *const _ = h.index();
    use_learned_table(false);
    let off = ids(&h, "1st pump");
    assert!(
        !std::ptr::eq(built_on, h.index()),
        "one index for both settings"
    );
    // The same as a history that never saw the table on.
    assert_eq!(off, ids(&history(), "1st pump"));
    use_learned_table(true);
    assert_eq!(on, ids(&h, "1st pump"));
    assert!(std::ptr::eq(built_on, h.index()));
}
