//! Troubleshooting guides as authored files (TOML, `docs/guides.md`): the parser and the checks
//! behind `faultline guides check` — unknown step ids, unreachable steps, cycles, branches that
//! end nowhere, unknown catalogue codes, bad units and ranges — each error naming the guide, the
//! step and the line. The checked form is [`faultline_core::domain::Guide`].

mod check;
mod raw;
mod select;

pub use check::{check, lookup};
pub use select::{checklist, guide_for, select, CHECKLIST_CAUSES};

use serde::Serialize;
use std::fmt;

/// What rule a guide file breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Not TOML, a field of the wrong type, or a field the format does not have.
    Syntax,
    /// A required part is missing (text, steps, what the guide applies to, a manual's page).
    Missing,
    /// A field that does not belong to the step's kind.
    Misplaced,
    /// A step id or choice given twice.
    Duplicate,
    /// A kind that is not a step kind.
    BadKind,
    /// A branch (or `start`) names a step the guide does not have.
    UnknownStep,
    /// No answer leads to the step from the start.
    Unreachable,
    /// A branch leads back to a step before it.
    Cycle,
    /// An answer that leads nowhere (a missing `next`, `no`, `out_of_range`…).
    DeadEnd,
    /// A conclusion code the failure catalogue does not have (or out of its hierarchy).
    UnknownCode,
    /// A measurement without a known unit.
    BadUnit,
    /// A measurement's expected range is missing, not numbers, or empty.
    BadRange,
    /// An id, title or text empty, too long or with control characters.
    BadText,
}

/// One error in a guide file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GuideError {
    /// The guide's id (its file name when the id cannot be read).
    pub guide: String,
    pub step: Option<String>,
    /// 1-based line in the file.
    pub line: usize,
    pub kind: ErrorKind,
    pub message: String,
}

impl fmt::Display for GuideError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.step {
            Some(s) => write!(
                f,
                "guide {}, step {s}, line {}: {}",
                self.guide, self.line, self.message
            ),
            None => write!(
                f,
                "guide {}, line {}: {}",
                self.guide, self.line, self.message
            ),
        }
    }
}

#[cfg(test)]
mod tests;
