//! From the raw file to a checked [`Guide`]: each rule adds an error that names the guide, the
//! step and the line; a guide is built only when there is none.

use super::raw::{Lines, RawGuide, RawStep, Sp};
use super::{ErrorKind, GuideError};
use faultline_core::domain::{FailureCatalog, Guide, GuideChoice, GuideStep, ManualLink, StepKind};
use faultline_core::validate::{self, CatalogAnswer};
use std::collections::{HashMap, HashSet};

struct Ctx {
    guide: String,
    lines: Lines,
    errors: Vec<GuideError>,
}

impl Ctx {
    fn err(&mut self, kind: ErrorKind, step: Option<&str>, line: usize, message: String) {
        self.errors.push(GuideError {
            guide: self.guide.clone(),
            step: step.map(str::to_string),
            line,
            kind,
            message,
        });
    }
}

/// The fields each kind may carry besides id, kind, text, caution, manual, job_plan.
fn allowed(kind: &str) -> &'static [&'static str] {
    match kind {
        "instruction" | "check" => &["next"],
        "question" => &["yes", "no", "choices"],
        "measurement" => &["unit", "min", "max", "in_range", "out_of_range"],
        "conclusion" => &["failure_class", "problem_code", "cause_code", "remedy_code"],
        _ => &[],
    }
}

/// The kind-specific fields a step has, with their lines.
fn present(s: &RawStep, l: &Lines) -> Vec<(&'static str, usize)> {
    let mut v = Vec::new();
    let mut put = |name, line: Option<usize>| {
        if let Some(line) = line {
            v.push((name, line));
        }
    };
    put("next", s.next.as_ref().map(|x| l.at(x)));
    put("yes", s.yes.as_ref().map(|x| l.at(x)));
    put("no", s.no.as_ref().map(|x| l.at(x)));
    put("choices", s.choices.as_ref().map(|x| l.at(x)));
    put("unit", s.unit.as_ref().map(|x| l.at(x)));
    put("min", s.min.as_ref().map(|x| l.at(x)));
    put("max", s.max.as_ref().map(|x| l.at(x)));
    put("in_range", s.in_range.as_ref().map(|x| l.at(x)));
    put("out_of_range", s.out_of_range.as_ref().map(|x| l.at(x)));
    put("failure_class", s.failure_class.as_ref().map(|x| l.at(x)));
    put("problem_code", s.problem_code.as_ref().map(|x| l.at(x)));
    put("cause_code", s.cause_code.as_ref().map(|x| l.at(x)));
    put("remedy_code", s.remedy_code.as_ref().map(|x| l.at(x)));
    v
}

/// The hub's text rule plus: not blank.
fn text_rule(
    field: &'static str,
    what: &str,
    text: &str,
    max: usize,
) -> Result<(), validate::Invalid> {
    if text.trim().is_empty() {
        return Err(validate::Invalid::new(field, format!("{what} is empty")));
    }
    validate::check_text(field, what, text, max)
}

fn val(s: &Option<Sp<String>>) -> Option<String> {
    s.as_ref()
        .map(|x| x.get_ref().trim().to_string())
        .filter(|x| !x.is_empty())
}

/// Parses and checks `text` (the file `name`); codes in conclusions are checked against
/// `catalog` when given (a level the catalogue does not have accepts any code).
pub fn check(
    name: &str,
    text: &str,
    catalog: Option<&FailureCatalog>,
) -> Result<Guide, Vec<GuideError>> {
    let raw: RawGuide = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let lines = Lines::new(text);
            let line = e.span().map(|s| lines.of(s.start)).unwrap_or(1);
            return Err(vec![GuideError {
                guide: name.to_string(),
                step: None,
                line,
                kind: ErrorKind::Syntax,
                message: e.message().trim().to_string(),
            }]);
        }
    };
    let id = raw.id.get_ref().trim().to_string();
    let mut cx = Ctx {
        guide: if id.is_empty() {
            name.to_string()
        } else {
            id.clone()
        },
        lines: Lines::new(text),
        errors: Vec::new(),
    };
    for (field, what, v) in [
        ("id", "the guide id", &raw.id),
        ("title", "the title", &raw.title),
    ] {
        let max = if field == "id" {
            validate::MAX_CODE_CHARS
        } else {
            validate::MAX_SHORT_TEXT_CHARS
        };
        if let Err(e) = text_rule(field, what, v.get_ref(), max) {
            let line = cx.lines.at(v);
            cx.err(ErrorKind::BadText, None, line, e.reason);
        }
    }
    let a = &raw.applies_to;
    if a.models.is_empty() && a.equipment_classes.is_empty() && a.codes.is_empty() {
        let line = cx.lines.at(&raw.title);
        cx.err(
            ErrorKind::Missing,
            None,
            line,
            "the guide applies to nothing: give [applies_to] models, equipment_classes or codes"
                .into(),
        );
    }
    if raw.steps.is_empty() {
        let line = cx.lines.at(&raw.title);
        cx.err(
            ErrorKind::Missing,
            None,
            line,
            "the guide has no steps: add [[steps]]".into(),
        );
        return Err(cx.errors);
    }

    // Step ids, first spelling wins; duplicates are errors.
    let mut index: HashMap<String, usize> = HashMap::new();
    for (i, s) in raw.steps.iter().enumerate() {
        let sid = s.get_ref().id.get_ref().trim().to_string();
        let line = cx.lines.at(&s.get_ref().id);
        if let Err(e) = text_rule("id", "the step id", &sid, validate::MAX_CODE_CHARS) {
            cx.err(ErrorKind::BadText, None, line, e.reason);
            continue;
        }
        if let std::collections::hash_map::Entry::Vacant(v) = index.entry(sid.clone()) {
            v.insert(i);
        } else {
            cx.err(
                ErrorKind::Duplicate,
                Some(&sid),
                line,
                format!("two steps have the id {sid:?}: step ids must be unique"),
            );
        }
    }

    let mut steps: Vec<Option<GuideStep>> = Vec::new();
    // For each step: its targets with the line each is written on.
    let mut edges: Vec<Vec<(String, usize)>> = Vec::new();
    for s in &raw.steps {
        let (step, targets) = step(&mut cx, s.get_ref(), catalog);
        steps.push(step);
        edges.push(targets);
    }

    // Targets that name no step.
    for (i, targets) in edges.iter().enumerate() {
        let sid = raw.steps[i].get_ref().id.get_ref().trim().to_string();
        for (t, line) in targets {
            if !index.contains_key(t) {
                cx.err(
                    ErrorKind::UnknownStep,
                    Some(&sid),
                    *line,
                    format!("leads to step {t:?}, which the guide does not have"),
                );
            }
        }
    }
    let start = match &raw.start {
        Some(st) => {
            let t = st.get_ref().trim().to_string();
            if !index.contains_key(&t) {
                let line = cx.lines.at(st);
                cx.err(
                    ErrorKind::UnknownStep,
                    None,
                    line,
                    format!("start names step {t:?}, which the guide does not have"),
                );
            }
            t
        }
        None => raw.steps[0].get_ref().id.get_ref().trim().to_string(),
    };

    walk(&mut cx, &raw, &index, &edges, &start);

    if !cx.errors.is_empty() {
        cx.errors.sort_by_key(|e| e.line);
        return Err(cx.errors);
    }
    Ok(Guide {
        id,
        version: raw.version,
        title: raw.title.get_ref().trim().to_string(),
        models: clean_list(&raw.applies_to.models),
        equipment_classes: clean_list(&raw.applies_to.equipment_classes),
        codes: clean_list(&raw.applies_to.codes),
        symptoms: clean_list(&raw.applies_to.symptoms),
        start,
        steps: steps.into_iter().flatten().collect(),
    })
}

fn clean_list(v: &[String]) -> Vec<String> {
    v.iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Cycles (a branch back to a step on the way to it) and steps never reached from `start`.
fn walk(
    cx: &mut Ctx,
    raw: &RawGuide,
    index: &HashMap<String, usize>,
    edges: &[Vec<(String, usize)>],
    start: &str,
) {
    let Some(&first) = index.get(start) else {
        return;
    };
    // 0 unseen, 1 on the current path, 2 done.
    let mut state = vec![0u8; raw.steps.len()];
    let mut stack: Vec<(usize, usize)> = vec![(first, 0)];
    state[first] = 1;
    let mut reported: HashSet<(usize, usize)> = HashSet::new();
    while let Some(&mut (node, ref mut next_edge)) = stack.last_mut() {
        if let Some((target, line)) = edges[node].get(*next_edge) {
            *next_edge += 1;
            let Some(&t) = index.get(target) else {
                continue;
            };
            match state[t] {
                0 => {
                    state[t] = 1;
                    stack.push((t, 0));
                }
                1 if reported.insert((node, t)) => {
                    let sid = raw.steps[node].get_ref().id.get_ref().trim().to_string();
                    cx.err(
                        ErrorKind::Cycle,
                        Some(&sid),
                        *line,
                        format!("leads back to step {target:?}, which leads here: the guide loops"),
                    );
                }
                _ => {}
            }
        } else {
            state[node] = 2;
            stack.pop();
        }
    }
    for (i, s) in raw.steps.iter().enumerate() {
        let sid = s.get_ref().id.get_ref().trim().to_string();
        if state[i] == 0 && index.get(&sid) == Some(&i) {
            let line = cx.lines.at(&s.get_ref().id);
            cx.err(
                ErrorKind::Unreachable,
                Some(&sid),
                line,
                format!("no answer leads to this step from the start ({start})"),
            );
        }
    }
}

/// Checks one step; returns it (when it is whole) and its targets with their lines.
fn step(
    cx: &mut Ctx,
    s: &RawStep,
    catalog: Option<&FailureCatalog>,
) -> (Option<GuideStep>, Vec<(String, usize)>) {
    let sid = s.id.get_ref().trim().to_string();
    let id_line = cx.lines.at(&s.id);
    let kind = s.kind.get_ref().trim().to_ascii_lowercase();
    let kind_line = cx.lines.at(&s.kind);
    let known = [
        "instruction",
        "check",
        "question",
        "measurement",
        "conclusion",
    ];
    if !known.contains(&kind.as_str()) {
        cx.err(
            ErrorKind::BadKind,
            Some(&sid),
            kind_line,
            format!(
                "kind {kind:?} is not a step kind: use one of {}",
                known.join(", ")
            ),
        );
        return (None, Vec::new());
    }
    let mut whole = true;
    let text = match &s.text {
        Some(t) => match text_rule("text", "the step's text", t.get_ref(), 2_000) {
            Ok(()) => t.get_ref().trim().to_string(),
            Err(e) => {
                let line = cx.lines.at(t);
                cx.err(ErrorKind::BadText, Some(&sid), line, e.reason);
                whole = false;
                String::new()
            }
        },
        None => {
            cx.err(
                ErrorKind::Missing,
                Some(&sid),
                id_line,
                "the step has no text: say what to do, ask or conclude".into(),
            );
            whole = false;
            String::new()
        }
    };
    for (field, line) in present(s, &cx.lines) {
        if !allowed(&kind).contains(&field) {
            cx.err(
                ErrorKind::Misplaced,
                Some(&sid),
                line,
                format!("a {kind} step has no {field}: remove it or change the kind"),
            );
            whole = false;
        }
    }
    let manual = match &s.manual {
        None => None,
        Some(m) => {
            let line = cx.lines.at(m);
            let m = m.get_ref();
            let name = match (&m.title, &m.model) {
                (Some(t), None) | (None, Some(t)) if !t.trim().is_empty() => {
                    Some(t.trim().to_string())
                }
                _ => None,
            };
            match name {
                Some(manual) if m.page >= 1 => Some(ManualLink {
                    manual,
                    page: m.page,
                }),
                _ => {
                    cx.err(
                        ErrorKind::Missing,
                        Some(&sid),
                        line,
                        "a manual link needs the manual's title or its model (one of them) and a page from 1"
                            .into(),
                    );
                    whole = false;
                    None
                }
            }
        }
    };
    let mut targets: Vec<(String, usize)> = Vec::new();
    let mut branch = |cx: &mut Ctx, label: &str, v: &Option<Sp<String>>| -> String {
        match v
            .as_ref()
            .map(|x| (x.get_ref().trim().to_string(), cx.lines.at(x)))
        {
            Some((t, line)) if !t.is_empty() => {
                targets.push((t.clone(), line));
                t
            }
            _ => {
                cx.err(
                    ErrorKind::DeadEnd,
                    Some(&sid),
                    id_line,
                    format!("the answer {label:?} leads nowhere: add {label} = \"STEP\""),
                );
                String::new()
            }
        }
    };
    let step_kind = match kind.as_str() {
        "instruction" | "check" => {
            let next = branch(cx, "next", &s.next);
            whole &= !next.is_empty();
            if kind == "check" {
                StepKind::Check { next }
            } else {
                StepKind::Instruction { next }
            }
        }
        "question" => question(cx, s, &sid, &mut whole, &mut branch),
        "measurement" => {
            let in_range = branch(cx, "in_range", &s.in_range);
            let out_of_range = branch(cx, "out_of_range", &s.out_of_range);
            whole &= !in_range.is_empty() && !out_of_range.is_empty();
            let unit = match &s.unit {
                None => {
                    cx.err(
                        ErrorKind::BadUnit,
                        Some(&sid),
                        id_line,
                        "a measurement needs its unit (unit = \"MOhm\")".into(),
                    );
                    String::new()
                }
                Some(u) => match validate::check_measurement_unit(u.get_ref()) {
                    Ok(u) => u.to_string(),
                    Err(e) => {
                        let line = cx.lines.at(u);
                        cx.err(ErrorKind::BadUnit, Some(&sid), line, e.reason);
                        String::new()
                    }
                },
            };
            whole &= !unit.is_empty();
            let min = s.min.as_ref().map(|v| *v.get_ref());
            let max = s.max.as_ref().map(|v| *v.get_ref());
            if let Err(e) = validate::check_range(min, max) {
                let line = s
                    .min
                    .as_ref()
                    .or(s.max.as_ref())
                    .map(|v| cx.lines.at(v))
                    .unwrap_or(id_line);
                cx.err(ErrorKind::BadRange, Some(&sid), line, e.reason);
                whole = false;
            }
            StepKind::Measurement {
                unit,
                min,
                max,
                in_range,
                out_of_range,
            }
        }
        _ => conclusion(cx, s, &sid, id_line, catalog, &mut whole),
    };
    let step = GuideStep {
        id: sid,
        text,
        caution: s
            .caution
            .as_ref()
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty()),
        manual,
        job_plan: s
            .job_plan
            .as_ref()
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty()),
        kind: step_kind,
    };
    (whole.then_some(step), targets)
}

fn question(
    cx: &mut Ctx,
    s: &RawStep,
    sid: &str,
    whole: &mut bool,
    branch: &mut impl FnMut(&mut Ctx, &str, &Option<Sp<String>>) -> String,
) -> StepKind {
    let mut choices = Vec::new();
    match &s.choices {
        Some(list) if s.yes.is_none() && s.no.is_none() => {
            let line = cx.lines.at(list);
            if list.get_ref().len() < 2 {
                cx.err(
                    ErrorKind::Missing,
                    Some(sid),
                    line,
                    "a question needs at least two choices".into(),
                );
                *whole = false;
            }
            let mut seen = HashSet::new();
            for c in list.get_ref() {
                let value = c.value.get_ref().trim().to_string();
                if value.is_empty() || !seen.insert(value.to_ascii_lowercase()) {
                    let line = cx.lines.at(&c.value);
                    cx.err(
                        ErrorKind::Duplicate,
                        Some(sid),
                        line,
                        format!("choice {value:?} is empty or given twice"),
                    );
                    *whole = false;
                }
                let next = branch(cx, &format!("choice {value}"), &Some(c.next.clone()));
                choices.push(GuideChoice {
                    label: c
                        .label
                        .as_ref()
                        .map(|l| l.trim().to_string())
                        .filter(|l| !l.is_empty())
                        .unwrap_or_else(|| value.clone()),
                    value,
                    next,
                });
            }
        }
        Some(list) => {
            let line = cx.lines.at(list);
            cx.err(
                ErrorKind::Misplaced,
                Some(sid),
                line,
                "a question has either yes/no or choices, not both".into(),
            );
            *whole = false;
        }
        None => {
            for (value, v) in [("yes", &s.yes), ("no", &s.no)] {
                let next = branch(cx, value, v);
                *whole &= !next.is_empty();
                choices.push(GuideChoice {
                    value: value.into(),
                    label: if value == "yes" { "Yes" } else { "No" }.into(),
                    next,
                });
            }
        }
    }
    StepKind::Question { choices }
}

fn conclusion(
    cx: &mut Ctx,
    s: &RawStep,
    sid: &str,
    id_line: usize,
    catalog: Option<&FailureCatalog>,
    whole: &mut bool,
) -> StepKind {
    let raw = [
        val(&s.failure_class),
        val(&s.problem_code),
        val(&s.cause_code),
        val(&s.remedy_code),
    ];
    let line_of = |field: &str| {
        let f = match field {
            "failure_class" => &s.failure_class,
            "problem_code" => &s.problem_code,
            "cause_code" => &s.cause_code,
            _ => &s.remedy_code,
        };
        f.as_ref().map(|x| cx.lines.at(x)).unwrap_or(id_line)
    };
    let refs = [
        raw[0].as_deref(),
        raw[1].as_deref(),
        raw[2].as_deref(),
        raw[3].as_deref(),
    ];
    let checked = match catalog {
        Some(cat) => validate::check_codes_in_catalog(refs, |level, parent, code| {
            lookup(cat, level, parent, code)
        }),
        None => {
            validate::check_code_hierarchy(refs[0], refs[1], refs[2], refs[3]).map(|()| raw.clone())
        }
    };
    let codes = match checked {
        Ok(c) => c,
        Err(e) => {
            let line = line_of(e.field);
            cx.err(ErrorKind::UnknownCode, Some(sid), line, e.reason);
            *whole = false;
            raw.clone()
        }
    };
    let [failure_class, problem_code, cause_code, remedy_code] = codes;
    StepKind::Conclusion {
        failure_class,
        problem_code,
        cause_code,
        remedy_code,
    }
}

/// A catalogue lookup over the whole catalogue (as `Store::failure_catalog` reads it).
pub fn lookup(
    cat: &FailureCatalog,
    level: &str,
    parent: Option<&str>,
    code: &str,
) -> CatalogAnswer {
    let entries = match level {
        "class" => &cat.classes,
        "problem" => &cat.problems,
        "cause" => &cat.causes,
        "remedy" => &cat.remedies,
        _ => return CatalogAnswer::LevelEmpty,
    };
    if entries.is_empty() {
        return CatalogAnswer::LevelEmpty;
    }
    entries
        .iter()
        .find(|e| {
            e.code.eq_ignore_ascii_case(code)
                && parent.is_none_or(|p| {
                    e.parent
                        .as_deref()
                        .is_some_and(|ep| ep.eq_ignore_ascii_case(p))
                })
        })
        .map(|e| CatalogAnswer::Found(e.code.clone()))
        .unwrap_or(CatalogAnswer::Missing)
}
