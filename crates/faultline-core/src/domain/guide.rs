//! Troubleshooting guides (authored decision trees for a model or equipment class and a fault)
//! and the diagnosis sessions that walk them: the parsed form the store keeps, the UI shows and
//! the hub sends down. The TOML format and its checks live in `faultline-diagnosis::guide`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One guide, checked: every `next` names a step of it, every step is reachable from `start`,
/// there is no cycle, and every path ends in a conclusion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Guide {
    pub id: String,
    /// Raised by the author on each change; the newest version wins on import and pull.
    pub version: u32,
    pub title: String,
    /// The asset models it is written for (any spelling case); empty: see `equipment_classes`.
    pub models: Vec<String>,
    /// The equipment classes it is written for (e.g. "Pumps").
    pub equipment_classes: Vec<String>,
    /// The fault codes it answers, any spelling (matched through `code_normalize`).
    pub codes: Vec<String>,
    /// Symptom words it answers (for a diagnosis without a code).
    pub symptoms: Vec<String>,
    /// The first step's id.
    pub start: String,
    pub steps: Vec<GuideStep>,
}

/// One step: what to do or ask, a caution shown before it, links, and where it leads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GuideStep {
    pub id: String,
    pub text: String,
    /// Shown before the step (hazard, lockout, PPE).
    pub caution: Option<String>,
    pub manual: Option<ManualLink>,
    /// A job plan (procedure code) the step refers to.
    pub job_plan: Option<String>,
    pub kind: StepKind,
}

/// A manual page: the manual by title or by the model it belongs to, and the page number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ManualLink {
    pub manual: String,
    pub page: u32,
}

/// What kind of step it is and where each answer leads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export)]
pub enum StepKind {
    /// Do something, then "done".
    Instruction { next: String },
    /// Check something, then "done" (the finding goes into the next question).
    Check { next: String },
    /// A question with its choices (a yes/no question has the choices `yes` and `no`).
    Question { choices: Vec<GuideChoice> },
    /// Measure a value in `unit`; in `[min, max]` (either bound may be open) leads to
    /// `in_range`, else to `out_of_range`.
    Measurement {
        unit: String,
        min: Option<f64>,
        max: Option<f64>,
        in_range: String,
        out_of_range: String,
    },
    /// The end: the codes that pre-fill Close.
    Conclusion {
        failure_class: Option<String>,
        problem_code: Option<String>,
        cause_code: Option<String>,
        remedy_code: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GuideChoice {
    /// What is answered (`yes`, `no`, or the author's word, e.g. `rough`).
    pub value: String,
    /// What the technician reads on the button.
    pub label: String,
    pub next: String,
}

/// An answer to one step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export)]
pub enum GuideAnswer {
    /// An instruction or check done.
    Done,
    /// A question answered (`yes`, `no` or a choice's value).
    Choice { value: String },
    /// A measured value in the step's unit.
    Value { value: f64 },
}

/// The conclusion's codes, for Close to pre-fill.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ConclusionCodes {
    pub failure_class: Option<String>,
    pub problem_code: Option<String>,
    pub cause_code: Option<String>,
    pub remedy_code: Option<String>,
}

/// A guide as listed: what it is for, without its steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GuideSummary {
    pub id: String,
    pub version: u32,
    pub title: String,
    pub models: Vec<String>,
    pub equipment_classes: Vec<String>,
    pub codes: Vec<String>,
    pub step_count: u32,
}

impl Guide {
    pub fn step(&self, id: &str) -> Option<&GuideStep> {
        self.steps.iter().find(|s| s.id == id)
    }

    pub fn summary(&self) -> GuideSummary {
        GuideSummary {
            id: self.id.clone(),
            version: self.version,
            title: self.title.clone(),
            models: self.models.clone(),
            equipment_classes: self.equipment_classes.clone(),
            codes: self.codes.clone(),
            step_count: u32::try_from(self.steps.len()).unwrap_or(u32::MAX),
        }
    }

    /// The store's own check of a guide it is given (the full checks with lines are
    /// `faultline-diagnosis::guide::check`): an id, a version, steps with unique ids, a start
    /// and branches that name steps of the guide.
    pub fn well_formed(&self) -> Result<(), String> {
        if self.id.trim().is_empty() || self.title.trim().is_empty() || self.version == 0 {
            return Err("a guide needs an id, a title and a version from 1".into());
        }
        let mut ids = std::collections::HashSet::new();
        for s in &self.steps {
            if !ids.insert(s.id.as_str()) {
                return Err(format!(
                    "guide {}: two steps have the id {:?}",
                    self.id, s.id
                ));
            }
        }
        if !ids.contains(self.start.as_str()) {
            return Err(format!(
                "guide {}: start {:?} is not a step",
                self.id, self.start
            ));
        }
        for s in &self.steps {
            if let Some(t) = s.kind.targets().into_iter().find(|t| !ids.contains(t)) {
                return Err(format!(
                    "guide {}: step {} leads to {t:?}, which is not a step",
                    self.id, s.id
                ));
            }
        }
        Ok(())
    }

    /// Where `answer` to step `step_id` leads: the next step's id. Refuses an answer that does
    /// not fit the step (a value for a question, an unknown choice, anything for a conclusion).
    pub fn next(&self, step_id: &str, answer: &GuideAnswer) -> Result<String, String> {
        let step = self
            .step(step_id)
            .ok_or_else(|| format!("guide {} has no step {step_id:?}", self.id))?;
        match (&step.kind, answer) {
            (StepKind::Instruction { next } | StepKind::Check { next }, GuideAnswer::Done) => {
                Ok(next.clone())
            }
            (StepKind::Question { choices }, GuideAnswer::Choice { value }) => choices
                .iter()
                .find(|c| c.value.eq_ignore_ascii_case(value.trim()))
                .map(|c| c.next.clone())
                .ok_or_else(|| {
                    let known: Vec<&str> = choices.iter().map(|c| c.value.as_str()).collect();
                    format!(
                        "step {step_id} has no choice {value:?}: answer one of {}",
                        known.join(", ")
                    )
                }),
            (
                StepKind::Measurement {
                    min,
                    max,
                    in_range,
                    out_of_range,
                    ..
                },
                GuideAnswer::Value { value },
            ) => {
                if !value.is_finite() {
                    return Err(format!("step {step_id}: the value must be a number"));
                }
                let inside = min.is_none_or(|m| *value >= m) && max.is_none_or(|m| *value <= m);
                Ok(if inside { in_range } else { out_of_range }.clone())
            }
            (StepKind::Conclusion { .. }, _) => Err(format!(
                "step {step_id} is the guide's conclusion: there is nothing to answer"
            )),
            (kind, _) => Err(format!(
                "step {step_id} is a{} {}: answer it with {}",
                if matches!(kind, StepKind::Instruction { .. }) {
                    "n"
                } else {
                    ""
                },
                kind.name(),
                kind.answer_hint()
            )),
        }
    }
}

impl StepKind {
    pub fn name(&self) -> &'static str {
        match self {
            StepKind::Instruction { .. } => "instruction",
            StepKind::Check { .. } => "check",
            StepKind::Question { .. } => "question",
            StepKind::Measurement { .. } => "measurement",
            StepKind::Conclusion { .. } => "conclusion",
        }
    }

    fn answer_hint(&self) -> &'static str {
        match self {
            StepKind::Instruction { .. } | StepKind::Check { .. } => "done",
            StepKind::Question { .. } => "a choice (yes, no, or one of its choices)",
            StepKind::Measurement { .. } => "a value",
            StepKind::Conclusion { .. } => "nothing",
        }
    }

    /// The steps this one leads to, in order.
    pub fn targets(&self) -> Vec<&str> {
        match self {
            StepKind::Instruction { next } | StepKind::Check { next } => vec![next.as_str()],
            StepKind::Question { choices } => choices.iter().map(|c| c.next.as_str()).collect(),
            StepKind::Measurement {
                in_range,
                out_of_range,
                ..
            } => vec![in_range.as_str(), out_of_range.as_str()],
            StepKind::Conclusion { .. } => Vec::new(),
        }
    }

    /// The codes of a conclusion.
    pub fn conclusion(&self) -> Option<ConclusionCodes> {
        match self {
            StepKind::Conclusion {
                failure_class,
                problem_code,
                cause_code,
                remedy_code,
            } => Some(ConclusionCodes {
                failure_class: failure_class.clone(),
                problem_code: problem_code.clone(),
                cause_code: cause_code.clone(),
                remedy_code: remedy_code.clone(),
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guide() -> Guide {
        let step = |id: &str, kind: StepKind| GuideStep {
            id: id.into(),
            text: id.into(),
            caution: None,
            manual: None,
            job_plan: None,
            kind,
        };
        Guide {
            id: "G".into(),
            version: 1,
            title: "t".into(),
            models: vec![],
            equipment_classes: vec![],
            codes: vec![],
            symptoms: vec![],
            start: "q".into(),
            steps: vec![
                step(
                    "q",
                    StepKind::Question {
                        choices: vec![
                            GuideChoice {
                                value: "yes".into(),
                                label: "Yes".into(),
                                next: "m".into(),
                            },
                            GuideChoice {
                                value: "no".into(),
                                label: "No".into(),
                                next: "end".into(),
                            },
                        ],
                    },
                ),
                step(
                    "m",
                    StepKind::Measurement {
                        unit: "MOhm".into(),
                        min: Some(100.0),
                        max: None,
                        in_range: "end".into(),
                        out_of_range: "i".into(),
                    },
                ),
                step("i", StepKind::Instruction { next: "end".into() }),
                step(
                    "end",
                    StepKind::Conclusion {
                        failure_class: None,
                        problem_code: None,
                        cause_code: None,
                        remedy_code: None,
                    },
                ),
            ],
        }
    }

    #[test]
    fn answers_lead_to_their_branch_and_misfits_are_refused() {
        let g = guide();
        let choice = |v: &str| GuideAnswer::Choice { value: v.into() };
        let value = |v: f64| GuideAnswer::Value { value: v };
        assert_eq!(g.next("q", &choice("YES")), Ok("m".into()));
        assert_eq!(g.next("q", &choice("no")), Ok("end".into()));
        assert!(g.next("q", &choice("maybe")).is_err());
        assert!(g.next("q", &GuideAnswer::Done).is_err());
        assert_eq!(g.next("m", &value(100.0)), Ok("end".into()));
        assert_eq!(g.next("m", &value(99.9)), Ok("i".into()));
        assert!(g.next("m", &value(f64::NAN)).is_err());
        assert_eq!(g.next("i", &GuideAnswer::Done), Ok("end".into()));
        assert!(g.next("end", &GuideAnswer::Done).is_err());
        assert!(g.next("nowhere", &GuideAnswer::Done).is_err());
    }
}
