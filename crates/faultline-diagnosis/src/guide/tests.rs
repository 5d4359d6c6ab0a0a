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
