//! Procedures (a CMMS's job plans): numbered steps for a kind of equipment, one model, or every
//! asset, loaded from the CMMS or the hub and shown on the asset page.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which assets a procedure is written for, as the asset page groups them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ProcedureScope {
    /// Written for this asset's model.
    Model,
    /// Written for its equipment class (e.g. every pump).
    Class,
    /// For every asset (e.g. lockout/tagout).
    General,
}

impl ProcedureScope {
    /// A procedure naming a model is for that model, else one naming a class for the class.
    pub fn of(has_model: bool, has_class: bool) -> Self {
        match (has_model, has_class) {
            (true, _) => ProcedureScope::Model,
            (false, true) => ProcedureScope::Class,
            (false, false) => ProcedureScope::General,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProcedureStep {
    /// 1, 2, 3… in the order a technician does them.
    pub number: u32,
    pub instruction: String,
    /// A warning to read before doing the step (hazard, lockout, PPE).
    pub caution: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Procedure {
    pub code: String,
    pub title: String,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub equipment_class: Option<String>,
    /// The failure-catalogue problem it addresses, if any (e.g. LEAK).
    pub problem_code: Option<String>,
    pub steps: Vec<ProcedureStep>,
}

impl Procedure {
    /// A procedure needs a code, a title and at least one step, numbered 1..n without gaps.
    pub fn check(&self) -> Result<(), String> {
        if self.code.trim().is_empty() {
            return Err("the procedure code is empty".into());
        }
        if self.title.trim().is_empty() {
            return Err(format!("procedure {} has no title", self.code));
        }
        if self.steps.is_empty() {
            return Err(format!("procedure {} has no steps", self.code));
        }
        for (i, s) in self.steps.iter().enumerate() {
            let want = u32::try_from(i + 1).unwrap_or(u32::MAX);
            if s.number != want {
                return Err(format!(
                    "procedure {}: step {want} is missing (steps go 1, 2, 3… without gaps; found {})",
                    self.code, s.number
                ));
            }
            if s.instruction.trim().is_empty() {
                return Err(format!(
                    "procedure {}: step {} has no instruction",
                    self.code, s.number
                ));
            }
        }
        Ok(())
    }

    /// Whom it is for: a model (optionally of one manufacturer) before a class before everyone.
    pub fn scope(&self) -> ProcedureScope {
        ProcedureScope::of(self.model.is_some(), self.equipment_class.is_some())
    }
}

/// One line of an asset page's procedure list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProcedureSummary {
    pub code: String,
    pub title: String,
    pub scope: ProcedureScope,
    pub problem_code: Option<String>,
    pub step_count: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proc(numbers: &[u32]) -> Procedure {
        Procedure {
            code: "JP-1".into(),
            title: "Replace seal".into(),
            manufacturer: None,
            model: None,
            equipment_class: Some("Pumps".into()),
            problem_code: None,
            steps: numbers
                .iter()
                .map(|&n| ProcedureStep {
                    number: n,
                    instruction: format!("step {n}"),
                    caution: None,
                })
                .collect(),
        }
    }

    #[test]
    fn steps_must_run_from_one_without_gaps() {
        assert_eq!(proc(&[1, 2, 3]).check(), Ok(()));
        let gap = proc(&[1, 3]).check().err().unwrap_or_default();
        assert!(gap.contains("step 2 is missing"), "{gap}");
        let none = proc(&[]).check().err().unwrap_or_default();
        assert!(none.contains("no steps"), "{none}");
    }

    #[test]
    fn scope_prefers_model_over_class_over_general() {
        let mut p = proc(&[1]);
        assert_eq!(p.scope(), ProcedureScope::Class);
        p.model = Some("KM-600".into());
        assert_eq!(p.scope(), ProcedureScope::Model);
        p.model = None;
        p.equipment_class = None;
        assert_eq!(p.scope(), ProcedureScope::General);
    }
}
