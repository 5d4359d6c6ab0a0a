//! Diagnosis sessions: a technician walking a guide on an asset (and its work order). Every
//! answer and every "back" is an append-only record; which answers are in force, the step to
//! answer next and the conclusion are derived by replaying the records in order.

use super::guide::{ConclusionCodes, Guide, GuideAnswer};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SessionRecordKind {
    /// A step answered.
    Answer,
    /// Back one step: supersedes the latest answer still in force.
    Back,
}

impl SessionRecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionRecordKind::Answer => "answer",
            SessionRecordKind::Back => "back",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "answer" => Some(SessionRecordKind::Answer),
            "back" => Some(SessionRecordKind::Back),
            _ => None,
        }
    }
}

/// One record of a session, as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SessionRecord {
    pub seq: u32,
    pub id: String,
    pub kind: SessionRecordKind,
    /// The step answered (for `back`: the step whose answer it supersedes).
    pub step_id: String,
    pub answer: Option<GuideAnswer>,
    /// Where the answer led.
    pub next_step: Option<String>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    /// An answer taken back by a later `back` (kept in the record).
    pub superseded: bool,
}

/// A session with its records and what they add up to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DiagnosisSession {
    pub id: String,
    pub asset_id: String,
    pub asset_tag: Option<String>,
    pub work_order_id: Option<String>,
    /// The guide as it was when the session started.
    pub guide: Guide,
    /// A checklist generated from the likely causes (no authored guide matched).
    pub generated: bool,
    pub codes: Vec<String>,
    pub started_by: String,
    pub started_at: DateTime<Utc>,
    pub records: Vec<SessionRecord>,
    /// The step to answer now, or the conclusion reached.
    pub current_step: String,
    /// The conclusion's codes once one is reached (for Close to pre-fill).
    pub conclusion: Option<ConclusionCodes>,
}

/// What the records add up to: the superseded flags and the current step. `records` are in
/// (seq, recorded_at, id) order, the same on every laptop. An answer to a step that is not the
/// current one at its place in that order was given at the same time on another laptop (both
/// answered the same step before syncing): it is kept, marked superseded by the one before it.
pub fn replay(guide: &Guide, records: &[SessionRecord]) -> (Vec<bool>, String) {
    let mut in_force: Vec<usize> = Vec::new();
    let mut superseded = vec![false; records.len()];
    let current_of = |in_force: &[usize]| {
        in_force
            .last()
            .and_then(|&i| records[i].next_step.clone())
            .unwrap_or_else(|| guide.start.clone())
    };
    for (i, r) in records.iter().enumerate() {
        match r.kind {
            SessionRecordKind::Answer if r.step_id == current_of(&in_force) => in_force.push(i),
            SessionRecordKind::Answer => superseded[i] = true,
            SessionRecordKind::Back => {
                if let Some(j) = in_force.pop() {
                    superseded[j] = true;
                }
            }
        }
    }
    (superseded, current_of(&in_force))
}

impl DiagnosisSession {
    /// Fills `superseded`, `current_step` and `conclusion` from the records.
    pub fn derive(&mut self) {
        let (superseded, current) = replay(&self.guide, &self.records);
        for (r, s) in self.records.iter_mut().zip(superseded) {
            r.superseded = s;
        }
        self.conclusion = self.guide.step(&current).and_then(|s| s.kind.conclusion());
        self.current_step = current;
    }

    /// The answers in force, in order.
    pub fn answers_in_force(&self) -> impl Iterator<Item = &SessionRecord> {
        self.records
            .iter()
            .filter(|r| r.kind == SessionRecordKind::Answer && !r.superseded)
    }
}
