//! What a shift lead hands over and what a technician sees first: machines down now, open work
//! with its age, and what was done on each work order inside a shift's window.

use super::{HandoverNote, ShiftWindow, WorkOrderSummary};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A machine that is down now: its open breakdown and how long it has been down.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DownNow {
    pub work_order: WorkOrderSummary,
    pub down_since: DateTime<Utc>,
    /// Minutes from `down_since` to now.
    pub down_minutes: i64,
}

/// An open (or in-progress) work order and how old it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OpenItem {
    pub work_order: WorkOrderSummary,
    /// Minutes since it was reported.
    pub age_minutes: i64,
}

/// What happened to a work order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ShiftEventKind {
    Reported,
    Started,
    Stopped,
    BackInService,
    Note,
    Part,
    Photo,
    Finished,
}

/// One thing done on a work order inside the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ShiftEvent {
    pub at: DateTime<Utc>,
    pub kind: ShiftEventKind,
    /// What it was, in words (the note's text, "2 × 6205-2RS bearing", the closure's codes …).
    pub text: String,
    pub author: Option<String>,
}

/// A work order touched in the window, with what was done on it, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WorkOrderActivity {
    pub work_order: WorkOrderSummary,
    pub events: Vec<ShiftEvent>,
    /// Its downtime inside the window, minutes.
    pub downtime_minutes: i64,
}

/// The shift handover: everything the Shift screen, the printout and the CSV show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ShiftHandover {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// When the handover was read: "down now" and ages count up to here.
    pub now: DateTime<Utc>,
    /// The calendar shift the window is, when one was picked (none for a custom range).
    pub shift: Option<ShiftWindow>,
    /// Machines down now, longest down first.
    pub down_now: Vec<DownNow>,
    /// Open work, highest priority first, then oldest.
    pub open_items: Vec<OpenItem>,
    /// Work orders with something done inside the window, most recent activity first.
    pub activity: Vec<WorkOrderActivity>,
    /// Breakdowns reported inside the window.
    pub breakdowns_reported: u32,
    /// Downtime inside the window: every downtime interval's overlap with it (machines still
    /// down count up to now or the window's end), minutes.
    pub downtime_minutes: i64,
    /// The shift leads' handover notes of the shifts overlapping the window (synced,
    /// append-only), by shift then time written.
    pub handover_notes: Vec<HandoverNote>,
}

/// The app's first screen: what is down and what is open, before anyone types.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StartScreen {
    pub now: DateTime<Utc>,
    /// Machines down now, longest down first.
    pub down_now: Vec<DownNow>,
    /// Open breakdowns, highest priority (1) first, then oldest.
    pub open_breakdowns: Vec<OpenItem>,
    /// All open work orders (any type), for the count.
    pub open_total: u32,
}
