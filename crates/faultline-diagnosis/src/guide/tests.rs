//! Guide checks: a whole guide parses into its steps; every error kind is found with its guide,
//! step and line (one table); arbitrary input never panics the parser.

use super::{check, ErrorKind};
use faultline_core::domain::{CatalogEntry, CatalogLevel, FailureCatalog, GuideAnswer, StepKind};
use proptest::prelude::*;
use rstest::rstest;

const GOOD: &str = r#"id = "VX300-OC1"
title = "VX-300 OC1 on acceleration"
version = 2
start = "log"

[applies_to]
models = ["VX-300"]
codes = ["OC1"]

[[steps]]
id = "log"
kind = "instruction"
text = "Read the fault log"
caution = "Stand clear"
manual = { model = "VX-300", page = 31 }
next = "free"

[[steps]]
id = "free"
kind = "question"
text = "Does the shaft turn freely?"
yes = "ir"
no = "bearing"

[[steps]]
id = "ir"
kind = "measurement"
text = "Insulation resistance phase to earth"
unit = "MOhm"
min = 100.0
in_range = "ramp"
out_of_range = "cable"

[[steps]]
id = "ramp"
kind = "conclusion"
text = "Ramp too short"
failure_class = "VFD"
problem_code = "OVERCURR"
cause_code = "ACCLOAD"
remedy_code = "ADJACC"

[[steps]]
id = "cable"
kind = "conclusion"
text = "Cable damaged"
failure_class = "VFD"
problem_code = "OVERCURR"
cause_code = "CBLDMG"

[[steps]]
id = "bearing"
kind = "conclusion"
text = "Motor bearing"
failure_class = "VFD"
problem_code = "OVERCURR"
cause_code = "MTRBRG"
remedy_code = "REPLBRG"
"#;

fn catalog() -> FailureCatalog {
    let e = |level, code: &str, parent: Option<&str>| CatalogEntry {
        level,
        code: code.into(),
        description: code.into(),
        parent: parent.map(str::to_string),
    };
    FailureCatalog {
        classes: vec![e(CatalogLevel::Class, "VFD", None)],
        problems: vec![e(CatalogLevel::Problem, "OVERCURR", Some("VFD"))],
        causes: ["ACCLOAD", "CBLDMG", "MTRBRG"]
            .iter()
            .map(|c| e(CatalogLevel::Cause, c, Some("OVERCURR")))
            .collect(),
        remedies: vec![
            e(CatalogLevel::Remedy, "ADJACC", Some("ACCLOAD")),
            e(CatalogLevel::Remedy, "REPLBRG", Some("MTRBRG")),
        ],
        ..FailureCatalog::default()
    }
}

#[test]
fn a_whole_guide_parses_into_its_steps_and_branches() {
    let g = match check("good.toml", GOOD, Some(&catalog())) {
        Ok(g) => g,
        Err(e) => panic!("{e:?}"),
    };
    assert_eq!(g.id, "VX300-OC1");
    assert_eq!(g.version, 2);
    assert_eq!(g.start, "log");
    assert_eq!(g.steps.len(), 6);
    assert_eq!(g.models, vec!["VX-300"]);
    let log = g.step("log").map(|s| (s.caution.clone(), s.manual.clone()));
    assert!(matches!(log, Some((Some(_), Some(m))) if m.page == 31 && m.manual == "VX-300"));
    let v = |x| GuideAnswer::Value { value: x };
    assert_eq!(g.next("ir", &v(20.0)), Ok("cable".into()));
    assert_eq!(g.next("ir", &v(500.0)), Ok("ramp".into()));
    let c = g.step("bearing").and_then(|s| s.kind.conclusion());
    assert_eq!(c.and_then(|c| c.remedy_code), Some("REPLBRG".into()));
    assert!(matches!(
        g.step("free").map(|s| &s.kind),
        Some(StepKind::Question { choices }) if choices.len() == 2
    ));
}

#[test]
fn without_a_catalogue_only_the_hierarchy_is_checked() {
    let text = GOOD.replace("\"CBLDMG\"", "\"NOTINCAT\"");
    assert!(check("g.toml", &text, None).is_ok());
    let text = GOOD.replace(
        "problem_code = \"OVERCURR\"\ncause_code = \"CBLDMG\"",
        "cause_code = \"CBLDMG\"",
    );
    let errs = check("g.toml", &text, None).err().unwrap_or_default();
    assert_eq!(errs.first().map(|e| e.kind), Some(ErrorKind::UnknownCode));
}

/// Each case: (what to replace, with what) in GOOD → the error kind, its step and line.
#[rstest]
#[case::syntax("kind = \"question\"", "kind = question", ErrorKind::Syntax, None, 20)]
#[case::unknown_field(
    "caution = \"Stand clear\"",
    "cation = \"x\"",
    ErrorKind::Syntax,
    None,
    14
)]
#[case::unknown_step(
    "no = \"bearing\"",
    "no = \"bearings\"",
    ErrorKind::UnknownStep,
    Some("free"),
    23
)]
#[case::unknown_start("start = \"log\"", "start = \"logs\"", ErrorKind::UnknownStep, None, 4)]
#[case::unreachable(
    "yes = \"ir\"",
    "yes = \"ramp\"",
    ErrorKind::Unreachable,
    Some("ir"),
    26
)]
#[case::cycle(
    "out_of_range = \"cable\"",
    "out_of_range = \"free\"",
    ErrorKind::Cycle,
    Some("ir"),
    32
)]
#[case::dead_end("no = \"bearing\"\n", "\n", ErrorKind::DeadEnd, Some("free"), 19)]
#[case::dead_end_measure("out_of_range = \"cable\"\n", "\n", ErrorKind::DeadEnd, Some("ir"), 26)]
#[case::unknown_code(
    "cause_code = \"CBLDMG\"",
    "cause_code = \"CABLE\"",
    ErrorKind::UnknownCode,
    Some("cable"),
    49
)]
#[case::remedy_under_wrong_cause(
    "remedy_code = \"ADJACC\"",
    "remedy_code = \"REPLBRG\"",
    ErrorKind::UnknownCode,
    Some("ramp"),
    41
)]
#[case::bad_unit(
    "unit = \"MOhm\"",
    "unit = \"megs\"",
    ErrorKind::BadUnit,
    Some("ir"),
    29
)]
#[case::no_range("min = 100.0\n", "\n", ErrorKind::BadRange, Some("ir"), 26)]
#[case::empty_range(
    "min = 100.0",
    "min = 100.0\nmax = 1.0",
    ErrorKind::BadRange,
    Some("ir"),
    30
)]
#[case::bad_kind(
    "kind = \"instruction\"",
    "kind = \"advice\"",
    ErrorKind::BadKind,
    Some("log"),
    12
)]
#[case::misplaced(
    "yes = \"ir\"",
    "yes = \"ir\"\nunit = \"V\"",
    ErrorKind::Misplaced,
    Some("free"),
    23
)]
#[case::duplicate(
    "id = \"cable\"",
    "id = \"ramp\"",
    ErrorKind::Duplicate,
    Some("ramp"),
    44
)]
#[case::missing_text(
    "text = \"Motor bearing\"\n",
    "",
    ErrorKind::Missing,
    Some("bearing"),
    52
)]
#[case::bad_text(
    "text = \"Read the fault log\"",
    "text = \"  \"",
    ErrorKind::BadText,
    Some("log"),
    13
)]
#[case::manual_without_page(
    "manual = { model = \"VX-300\", page = 31 }",
    "manual = { model = \"VX-300\", title = \"x\", page = 31 }",
    ErrorKind::Missing,
    Some("log"),
    15
)]
fn each_error_names_the_guide_step_and_line(
    #[case] from: &str,
    #[case] to: &str,
    #[case] kind: ErrorKind,
    #[case] step: Option<&str>,
    #[case] line: usize,
) {
    assert!(GOOD.contains(from), "{from}");
    let text = GOOD.replacen(from, to, 1);
    let errs = match check("g.toml", &text, Some(&catalog())) {
        Ok(_) => panic!("{kind:?} not found"),
        Err(e) => e,
    };
    let hit = errs.iter().find(|e| e.kind == kind);
    let Some(e) = hit else {
        panic!("no {kind:?} in {errs:?}");
    };
    let guide = if kind == ErrorKind::Syntax {
        "g.toml"
    } else {
        "VX300-OC1"
    };
    assert_eq!(e.guide, guide, "{e}");
    assert_eq!(e.step.as_deref(), step, "{e}");
    assert_eq!(e.line, line, "{e}");
    assert!(e.to_string().contains(&format!("line {line}")));
}

#[test]
fn an_empty_or_aimless_guide_is_refused() {
    let errs = check("g.toml", "id = \"G\"\ntitle = \"T\"\n", None)
        .err()
        .unwrap_or_default();
    let kinds: Vec<ErrorKind> = errs.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, vec![ErrorKind::Missing, ErrorKind::Missing]);
    assert!(errs.iter().all(|e| e.line == 2));
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        let _ = check("p.toml", &text, None);
    }

    #[test]
    fn mangled_guides_never_panic(cut in 0usize..GOOD.len(), junk in "[\\[\\]=\"a-z0-9\n .]{0,20}") {
        let mut text: String = GOOD.chars().take(cut).collect();
        text.push_str(&junk);
        text.extend(GOOD.chars().skip(cut));
        let _ = check("p.toml", &text, Some(&catalog()));
    }
}

fn good() -> faultline_core::domain::Guide {
    match check("good.toml", GOOD, None) {
        Ok(g) => g,
        Err(e) => panic!("{e:?}"),
    }
}

#[test]
fn the_guide_answering_the_codes_in_any_spelling_is_selected() {
    let mut other = good();
    other.id = "OTHER".into();
    other.codes = vec!["OC2".into()];
    other.symptoms = vec!["bogs down".into()];
    let found = super::select(vec![other.clone(), good()], &["E.OC.1".into()], None);
    assert_eq!(found.map(|g| g.id), Some("VX300-OC1".into()));
    assert!(super::select(vec![other.clone(), good()], &["OH".into()], None).is_none());
    let by_symptom = super::select(
        vec![good(), other],
        &[],
        Some("conveyor bogs down at start"),
    );
    assert_eq!(by_symptom.map(|g| g.id), Some("OTHER".into()));
}

#[test]
fn the_generated_checklist_walks_the_top_causes_to_their_codes() {
    use crate::causes::{Cause, Evidence};
    let cause = |code: &str, remedy: Option<&str>| Cause {
        cause_code: code.into(),
        failure_class: Some("VFD".into()),
        problem_code: Some("OVERCURR".into()),
        remedy_code: remedy.map(str::to_string),
        score: 0.5,
        explanation: "seen before.".into(),
        evidence: Evidence {
            levels: vec![],
            last_at: None,
            last_number: None,
            last_remedy_code: None,
            last_remedy_text: None,
            median_repair_minutes: None,
            days_since_last_replacement: None,
        },
    };
    let procs = vec![faultline_core::domain::ProcedureSummary {
        code: "JP-VX-OC1".into(),
        title: "t".into(),
        scope: faultline_core::domain::ProcedureScope::Model,
        problem_code: Some("OVERCURR".into()),
        step_count: 3,
    }];
    let g = super::checklist(
        "VFD-202",
        &["OC1".into()],
        &[cause("ACCLOAD", Some("ADJACC")), cause("MTRBRG", None)],
        &catalog(),
        &procs,
    );
    assert_eq!(g.well_formed(), Ok(()));
    assert_eq!(g.start, "cause-1");
    let first = g.step("cause-1");
    assert_eq!(
        first.and_then(|s| s.job_plan.clone()),
        Some("JP-VX-OC1".into())
    );
    assert!(first.is_some_and(|s| s.text.contains("ACCLOAD") && s.text.contains("ADJACC")));
    let no = GuideAnswer::Choice { value: "no".into() };
    let yes = GuideAnswer::Choice {
        value: "yes".into(),
    };
    assert_eq!(g.next("cause-1", &no), Ok("cause-2".into()));
    assert_eq!(g.next("cause-2", &no), Ok("none".into()));
    assert_eq!(g.next("cause-2", &yes), Ok("fix-2".into()));
    let codes = g.step("fix-2").and_then(|s| s.kind.conclusion());
    assert_eq!(codes.and_then(|c| c.cause_code), Some("MTRBRG".into()));
    let empty = super::checklist("X", &[], &[], &catalog(), &[]);
    assert_eq!(
        (empty.well_formed(), empty.start.as_str()),
        (Ok(()), "none")
    );
}
