//! What the App tells its front ends while it works: one typed `AppEvent` (exported to
//! TypeScript), delivered on one channel, and the `EventSink` a front end implements to carry it
//! (Tauri's emit, dev-serve's SSE stream, a `CollectingSink` in tests).

use faultline_core::domain::{SyncFinished, SyncProgress};
use faultline_manuals::library::ImportProgress;
use serde::Serialize;
use std::sync::Mutex;
use ts_rs::TS;
use uuid::Uuid;

/// The one Tauri event channel every `AppEvent` travels on (dev-serve: `GET /api/events`).
pub const APP_EVENT_CHANNEL: &str = "faultline://event";

/// What changed in the data a screen shows; a screen reloads when its kind is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DataKind {
    /// Assets, locations, models (a CSV import, a pulled asset).
    Assets,
    /// Work orders and everything on them (notes, parts, photos, downtime, corrections).
    WorkOrders,
    /// The manual library (added, extracted, indexed, linked).
    Manuals,
    /// The failure catalogue and procedures.
    Catalog,
    /// The shift calendar and the shift leads' handover notes.
    Shifts,
    /// The sync status (enrollment, last sync, pending count, conflicts, refused changes).
    Sync,
    /// Production counts (OEE): a shift lead's typed counts.
    Production,
}

impl DataKind {
    /// Every kind, for a front end that missed events and must reload everything (dev-serve's
    /// lagging browser tab). The match below stops compiling when a kind is added without it.
    pub const ALL: [DataKind; 7] = {
        use DataKind::*;
        const fn listed(kind: DataKind) -> DataKind {
            match kind {
                Assets | WorkOrders | Manuals | Catalog | Shifts | Sync | Production => kind,
            }
        }
        [
            listed(Assets),
            listed(WorkOrders),
            listed(Manuals),
            listed(Catalog),
            listed(Shifts),
            listed(Sync),
            listed(Production),
        ]
    };
}

/// Data changed: screens showing any of `what` reload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DataChanged {
    pub what: Vec<DataKind>,
}

/// A manual's state changed (`manual_id` null: the import ended, reload the list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ManualChanged {
    pub manual_id: Option<Uuid>,
}

/// The search index is rebuilt from the stored pages: `done` of `total` pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct IndexRebuild {
    pub done: u32,
    pub total: u32,
    pub finished: bool,
}

/// Everything the App reports while it works, as `{ "event": name, "payload": … }`.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "event", content = "payload", rename_all = "snake_case")]
#[ts(export)]
pub enum AppEvent {
    ImportProgress(ImportProgress),
    ManualChanged(ManualChanged),
    IndexRebuild(IndexRebuild),
    SyncProgress(SyncProgress),
    SyncFinished(SyncFinished),
    DataChanged(DataChanged),
}

impl AppEvent {
    /// `DataChanged` naming `what`.
    pub fn data_changed(what: &[DataKind]) -> AppEvent {
        AppEvent::DataChanged(DataChanged {
            what: what.to_vec(),
        })
    }

    /// The event's name as it travels (`"data_changed"`, …).
    pub fn name(&self) -> &'static str {
        match self {
            AppEvent::ImportProgress(_) => "import_progress",
            AppEvent::ManualChanged(_) => "manual_changed",
            AppEvent::IndexRebuild(_) => "index_rebuild",
            AppEvent::SyncProgress(_) => "sync_progress",
            AppEvent::SyncFinished(_) => "sync_finished",
            AppEvent::DataChanged(_) => "data_changed",
        }
    }
}

/// Where a front end receives the App's events. Called from background threads.
pub trait EventSink: Send + Sync + 'static {
    fn emit(&self, event: &AppEvent);
}

/// Drops every event (the CLI, which reports by itself).
#[derive(Debug, Default)]
pub struct NoSink;

impl EventSink for NoSink {
    fn emit(&self, _event: &AppEvent) {}
}

/// Keeps every event, for tests.
#[derive(Debug, Default)]
pub struct CollectingSink {
    events: Mutex<Vec<AppEvent>>,
}

impl CollectingSink {
    /// The events so far, oldest first.
    pub fn events(&self) -> Vec<AppEvent> {
        self.events
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Forgets the events so far.
    pub fn clear(&self) {
        self.events
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }

    /// The kinds named by every `DataChanged` so far, in order.
    pub fn data_changed(&self) -> Vec<Vec<DataKind>> {
        self.events()
            .into_iter()
            .filter_map(|e| match e {
                AppEvent::DataChanged(d) => Some(d.what),
                _ => None,
            })
            .collect()
    }
}

impl EventSink for CollectingSink {
    fn emit(&self, event: &AppEvent) {
        self.events
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(event.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_travel_as_name_and_payload() -> Result<(), serde_json::Error> {
        let e = AppEvent::data_changed(&[DataKind::WorkOrders]);
        assert_eq!(
            serde_json::to_value(&e)?,
            serde_json::json!({"event": "data_changed", "payload": {"what": ["work_orders"]}})
        );
        assert_eq!(serde_json::to_value(&e)?["event"], e.name());
        let r = AppEvent::IndexRebuild(IndexRebuild {
            done: 3,
            total: 9,
            finished: false,
        });
        assert_eq!(serde_json::to_value(&r)?["event"], r.name());
        Ok(())
    }
}
