//! Failure-code catalogues: Maximo-style class → problem → cause → remedy, and ISO 14224 failure
//! modes (per equipment class), mechanisms and causes.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CatalogLevel {
    Class,
    Problem,
    Cause,
    Remedy,
    IsoMode,
    IsoMechanism,
    IsoCause,
}

impl CatalogLevel {
    pub const ALL: [CatalogLevel; 7] = [
        CatalogLevel::Class,
        CatalogLevel::Problem,
        CatalogLevel::Cause,
        CatalogLevel::Remedy,
        CatalogLevel::IsoMode,
        CatalogLevel::IsoMechanism,
        CatalogLevel::IsoCause,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CatalogLevel::Class => "class",
            CatalogLevel::Problem => "problem",
            CatalogLevel::Cause => "cause",
            CatalogLevel::Remedy => "remedy",
            CatalogLevel::IsoMode => "iso_mode",
            CatalogLevel::IsoMechanism => "iso_mechanism",
            CatalogLevel::IsoCause => "iso_cause",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// One catalogue entry. `parent` is the code one level up (the class of a problem, the problem
/// of a cause, the cause of a remedy, the equipment class of an ISO failure mode).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CatalogEntry {
    pub level: CatalogLevel,
    pub code: String,
    pub description: String,
    pub parent: Option<String>,
}

/// The whole catalogue, grouped by level; the UI narrows each level by the choice above it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FailureCatalog {
    pub classes: Vec<CatalogEntry>,
    pub problems: Vec<CatalogEntry>,
    pub causes: Vec<CatalogEntry>,
    pub remedies: Vec<CatalogEntry>,
    pub iso_modes: Vec<CatalogEntry>,
    pub iso_mechanisms: Vec<CatalogEntry>,
    pub iso_causes: Vec<CatalogEntry>,
}
