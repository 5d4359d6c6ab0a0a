//! The guide file as written (TOML), every field that an error may point at kept with its span,
//! so that each check can name the line.

use serde::Deserialize;
use toml::Spanned;

pub(crate) type Sp<T> = Spanned<T>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGuide {
    pub id: Sp<String>,
    pub title: Sp<String>,
    #[serde(default = "one")]
    pub version: u32,
    pub start: Option<Sp<String>>,
    #[serde(default)]
    pub applies_to: RawAppliesTo,
    #[serde(default)]
    pub steps: Vec<Sp<RawStep>>,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAppliesTo {
    #[serde(default)]
    pub models: Vec<String>,
    #[serde(default)]
    pub equipment_classes: Vec<String>,
    #[serde(default)]
    pub codes: Vec<String>,
    #[serde(default)]
    pub symptoms: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStep {
    pub id: Sp<String>,
    pub kind: Sp<String>,
    #[serde(default)]
    pub text: Option<Sp<String>>,
    pub caution: Option<String>,
    pub manual: Option<Sp<RawManual>>,
    pub job_plan: Option<String>,
    // instruction / check
    pub next: Option<Sp<String>>,
    // question
    pub yes: Option<Sp<String>>,
    pub no: Option<Sp<String>>,
    pub choices: Option<Sp<Vec<RawChoice>>>,
    // measurement
    pub unit: Option<Sp<String>>,
    pub min: Option<Sp<f64>>,
    pub max: Option<Sp<f64>>,
    pub in_range: Option<Sp<String>>,
    pub out_of_range: Option<Sp<String>>,
    // conclusion
    pub failure_class: Option<Sp<String>>,
    pub problem_code: Option<Sp<String>>,
    pub cause_code: Option<Sp<String>>,
    pub remedy_code: Option<Sp<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawChoice {
    pub value: Sp<String>,
    pub label: Option<String>,
    pub next: Sp<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawManual {
    pub title: Option<String>,
    pub model: Option<String>,
    pub page: u32,
}

/// 1-based line numbers of byte offsets in one text.
pub(crate) struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { starts }
    }

    /// The line holding byte `offset`.
    pub fn of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).max(1)
    }

    pub fn at<T>(&self, s: &Sp<T>) -> usize {
        self.of(s.span().start)
    }
}
