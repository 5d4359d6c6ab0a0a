//! Sync commands and the background sync: enrollment, "Sync now", status, conflicts and refused
//! changes. The engine (faultline-sync `AutoSync`) runs on its own thread; each attempt reports
//! `SyncProgress` and `SyncFinished`, then the rule after a sync (`library_jobs`: what changed,
//! and manuals the hub published are extracted and indexed, here by the import runner; what the
//! pull wrote is brought into the diagnosis tables on a thread).

use crate::app::{App, Shared};
use crate::args::{ResolveConflictArgs, SyncEnrollArgs};
use crate::convert::{err, id, ApiResult};
use crate::events::{AppEvent, DataKind};
use crate::library_jobs;
use faultline_core::domain::{RejectedChange, SyncConflict, SyncFinished, SyncStatus};
use faultline_core::CoreError;
use faultline_sync::{
    AutoSync, AutoSyncEvent, ClientOptions, EnrollRequest, SyncOptions, SyncReport,
};
use std::path::PathBuf;
use std::sync::Arc;

/// `rejected_changes` lists at most this many.
pub const REJECTED_CHANGES_LIMIT: usize = 100;

/// The `SyncFinished` event of a sync that worked.
pub fn finished(r: &SyncReport) -> SyncFinished {
    SyncFinished {
        ok: true,
        error: None,
        retry_in_secs: None,
        sent: r.pushed.applied + r.pushed.rejected + r.pushed.conflicts,
        received: r.pulled.applied,
        rejected: r.pushed.rejected,
        conflicts: r.pushed.conflicts,
    }
}

/// What the App does with each event of the background sync.
pub(crate) fn on_sync_event(shared: &Arc<Shared>, event: AutoSyncEvent) {
    match event {
        AutoSyncEvent::Progress(p) => shared.emit(AppEvent::SyncProgress(p)),
        AutoSyncEvent::Finished(report) => {
            shared.emit(AppEvent::SyncFinished(finished(&report)));
            shared.changed(&library_jobs::changed_by_sync(&report));
            if report.pulled.applied > 0 || report.resynced {
                // What the pull wrote is queued for the diagnosis tables; bring them up to date
                // now, a step at a time, so the next Diagnose does not do it (a fresh laptop's
                // first replication queues the whole site).
                crate::diagnosis::catch_up_in_background(shared);
            }
            if library_jobs::imports_after_sync(&report) {
                // The import runner extracts and indexes them (or the running import takes them).
                crate::manuals::start_import(shared, std::collections::HashMap::new());
            }
        }
        AutoSyncEvent::Failed { error, retry_in } => {
            shared.emit(AppEvent::SyncFinished(SyncFinished {
                ok: false,
                error: Some(error),
                retry_in_secs: retry_in.map(|d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX)),
                ..SyncFinished::default()
            }));
            shared.changed(&[DataKind::Sync]);
        }
    }
}

impl App {
    /// Starts the background work of a window: the library's recovery (and queued imports) and
    /// the background sync (first attempt `sync.first_delay` after start, off the cold path).
    pub fn start_background(&self) {
        crate::manuals::recover_in_background(&self.shared);
        crate::diagnosis::catch_up_in_background(&self.shared);
        let settings = &self.options.sync;
        let store_of = self.shared.clone();
        let events = self.shared.clone();
        let runner = AutoSync::spawn(
            Box::new(move |f| {
                if let Ok(m) = store_of.store_mutex() {
                    f(m);
                }
            }),
            SyncOptions {
                user: settings.user.clone(),
                ..SyncOptions::default()
            },
            settings.automatic.then_some(settings.interval),
            settings.first_delay,
            move |ev| on_sync_event(&events, ev),
        );
        match runner {
            Ok(r) => {
                if let Ok(mut slot) = self.sync.lock() {
                    *slot = Some(r);
                }
            }
            Err(e) => tracing::error!("cannot start the background sync: {e}"),
        }
    }

    pub fn sync_status(&self) -> ApiResult<SyncStatus> {
        self.with_store(|s| s.sync_status())
    }

    /// Starts a sync now; progress and the result arrive as events.
    pub fn sync_now(&self) -> ApiResult<()> {
        if self.with_store(|s| s.enrollment())?.is_none() {
            return Err(err(CoreError::InvalidState(
                "this laptop is not enrolled with a hub: enter the hub address and the device \
                 token plant IT gave you"
                    .into(),
            )));
        }
        match self.sync.lock().map(|g| g.as_ref().map(AutoSync::sync_now)) {
            Ok(Some(())) => Ok(()),
            _ => Err(err(CoreError::InvalidState(
                "the background sync is not running: restart Faultline".into(),
            ))),
        }
    }

    /// Enrolls this laptop with a hub (the hub checks the token first), then starts a sync.
    pub fn sync_enroll(&self, a: SyncEnrollArgs) -> ApiResult<SyncStatus> {
        faultline_sync::enroll(
            self.shared.store_mutex()?,
            &EnrollRequest {
                hub_url: a.hub_url,
                token: a.token,
                options: ClientOptions {
                    ca_bundle: a
                        .ca_bundle
                        .filter(|c| !c.trim().is_empty())
                        .map(PathBuf::from),
                    proxy: None,
                    timeout: None,
                },
            },
        )
        .map_err(|e| err(e.into()))?;
        let status = self.sync_status()?;
        self.shared.changed(&[DataKind::Sync]);
        if let Ok(guard) = self.sync.lock() {
            if let Some(runner) = guard.as_ref() {
                runner.sync_now();
            }
        }
        Ok(status)
    }

    /// Conflicts still waiting for a person to choose.
    pub fn sync_conflicts(&self) -> ApiResult<Vec<SyncConflict>> {
        self.with_store(|s| s.conflicts(true))
    }

    /// Settles one conflict; answers the conflicts still open.
    pub fn resolve_conflict(&self, a: ResolveConflictArgs) -> ApiResult<Vec<SyncConflict>> {
        let conflict = id(&a.conflict_id, "conflict")?;
        self.write(&[DataKind::Sync, DataKind::WorkOrders], |s| {
            s.resolve_conflict(conflict, a.choice)?;
            s.conflicts(true)
        })
    }

    /// Local changes the hub refused, newest first, each with its reason.
    pub fn rejected_changes(&self) -> ApiResult<Vec<RejectedChange>> {
        self.with_store(|s| s.rejected_changes(REJECTED_CHANGES_LIMIT))
    }

    /// One sync on the calling thread, with the same events and the same rule afterwards as the
    /// background sync (tests, and front ends without a sync thread).
    pub fn sync_once(&self) -> ApiResult<SyncReport> {
        let store = self.shared.store_mutex()?;
        let options = SyncOptions {
            user: self.options.sync.user.clone(),
            ..SyncOptions::default()
        };
        let shared: &Arc<Shared> = &self.shared;
        let progress = |p: &faultline_core::domain::SyncProgress| {
            shared.emit(AppEvent::SyncProgress(p.clone()))
        };
        match faultline_sync::sync_once(store, &options, &progress) {
            Ok(report) => {
                on_sync_event(shared, AutoSyncEvent::Finished(report.clone()));
                Ok(report)
            }
            Err(e) => {
                let body = err(e.into());
                on_sync_event(
                    shared,
                    AutoSyncEvent::Failed {
                        error: body.message.clone(),
                        retry_in: None,
                    },
                );
                Err(body)
            }
        }
    }
}
