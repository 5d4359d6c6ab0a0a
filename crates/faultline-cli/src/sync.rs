//! `faultline enroll`, `sync`, `conflicts`, `resolve`, `rejected`: the sync engine from the
//! command line, for IT admins enrolling laptops, shift leads' scripts and the tests.

use crate::args::Keep;
use crate::print::Printer;
use faultline_core::domain::{ConflictChoice, SyncProgress};
use faultline_core::{CoreError, Store};
use faultline_sync::{ClientOptions, EnrollRequest, SyncOptions};
use std::path::PathBuf;
use std::sync::Mutex;

type Result<T> = std::result::Result<T, CoreError>;

pub fn enroll(
    store: Store,
    out: &Printer,
    hub: String,
    token: String,
    ca_bundle: Option<PathBuf>,
    proxy: Option<String>,
) -> Result<()> {
    let store = Mutex::new(store);
    let who = faultline_sync::enroll(
        &store,
        &EnrollRequest {
            hub_url: hub,
            token,
            options: ClientOptions {
                ca_bundle,
                proxy,
                timeout: None,
            },
        },
    )?;
    out.emit(&who, || {
        format!(
            "enrolled as {} for site {} ({})",
            who.device_name, who.site_code, who.site_name
        )
    })
}

#[allow(clippy::too_many_arguments)]
pub fn sync(
    dir: &std::path::Path,
    mut store: Store,
    out: &Printer,
    hub: Option<String>,
    token: Option<String>,
    status_only: bool,
    batch: usize,
    page: u32,
) -> Result<()> {
    if status_only {
        return out.sync_status(&store.sync_status()?);
    }
    let mut this_sync_only = None;
    match (hub, token, store.enrollment()?) {
        (Some(hub), Some(token), _) => {
            let m = Mutex::new(store);
            faultline_sync::enroll(
                &m,
                &EnrollRequest {
                    hub_url: hub,
                    token,
                    options: ClientOptions::default(),
                },
            )?;
            store = m
                .into_inner()
                .map_err(|_| CoreError::InvalidState("the store is unavailable".into()))?;
        }
        (Some(hub), None, Some(e)) if e.hub_url != hub.trim_end_matches('/') => {
            // Used for this sync only: the saved address changes with `enroll` alone.
            eprintln!(
                "note: syncing through {hub} this time; the saved hub address stays {} (`faultline enroll` changes it)",
                e.hub_url
            );
            this_sync_only = Some(hub);
        }
        (None, Some(_), _) => {
            return Err(CoreError::InvalidInput(
                "--token needs --hub: give both to enroll and sync".into(),
            ))
        }
        _ => {}
    }
    let store = Mutex::new(store);
    let opts = SyncOptions {
        push_batch: batch.max(1),
        pull_page: page.max(1),
        hub_url: this_sync_only,
        ..SyncOptions::default()
    };
    let json = out.json;
    let progress = |p: &SyncProgress| {
        if !json && p.phase != "done" {
            eprintln!(
                "{:<16} pending {:>6}  sent {:>6}  received {:>8}",
                p.phase, p.pending, p.sent, p.received
            );
        }
    };
    let report = faultline_sync::sync_once(&store, &opts, &progress)?;
    // The App's rule after a sync (manuals the hub published are extracted and indexed).
    crate::manuals::after_sync(dir, &store, out, &report)?;
    out.emit(&report, || {
        let mut s = format!(
            "sent: {} applied, {} rejected, {} in conflict; received {} records",
            report.pushed.applied,
            report.pushed.rejected,
            report.pushed.conflicts,
            report.pulled.applied
        );
        if report.pull_skipped {
            s.push_str("\nnot received yet: local changes are still waiting to go up");
        }
        if report.resynced {
            s.push_str("\nthe site was replicated again (the hub's history had moved on)");
        }
        if report.pulled.skipped > 0 {
            s.push_str(&format!(
                "\n{} records of kinds this Faultline does not know were skipped: update Faultline \
                 and sync again to receive them",
                report.pulled.skipped
            ));
        }
        if report.pushed.rejected > 0 {
            s.push_str("\nsee the reasons with `faultline rejected`");
        }
        if report.pushed.conflicts > 0 {
            s.push_str("\nchoose between the values with `faultline conflicts`");
        }
        s
    })
}

pub fn resolve(store: &mut Store, out: &Printer, conflict: &str, keep: Keep) -> Result<()> {
    let id = uuid::Uuid::parse_str(conflict.trim()).map_err(|_| {
        CoreError::InvalidInput(format!(
            "{conflict:?} is not a conflict id: list them with `faultline conflicts`"
        ))
    })?;
    let choice = match keep {
        Keep::Server => ConflictChoice::Server,
        Keep::Client => ConflictChoice::Client,
    };
    store.resolve_conflict(id, choice)?;
    out.emit(
        &serde_json::json!({"conflict_id": id, "kept": choice}),
        || "settled; the choice goes to the hub with the next sync".into(),
    )
}
