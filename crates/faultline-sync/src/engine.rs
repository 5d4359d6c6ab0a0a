//! One sync, executed step by step: read the laptop's state (`local_state.rs`), ask the pure
//! planner (`plan.rs`) for the next step, execute it — push a batch with its photos first
//! (`push_step.rs`), or, only when nothing is left pending, pull the site's changes page by page
//! and download the files they name (`pull_step.rs`, `downloads.rs`) — until the plan says done.
//! The store lock is held for each local transaction only, never across a network call, so the
//! technician keeps working while a sync runs.

use crate::client::{ClientOptions, HubClient};
use crate::error::SyncError;
use crate::local_state::{self, lock};
use crate::plan::{self, AfterPush, SyncSoFar, SyncStep};
use crate::progress_feed::ProgressFeed;
use crate::{downloads, pull_step, push_step};
use faultline_core::domain::SyncProgress;
use faultline_core::store::{HubEnrollment, PullTally, PushTally};
use faultline_core::Store;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Mutations per push request (the hub's cap applies too).
    pub push_batch: usize,
    /// Changes per pull page (the hub's cap applies too).
    pub pull_page: u32,
    /// Recorded in the hub's audit table with every change.
    pub user: String,
    pub timeout: Option<Duration>,
    /// Reach the hub at this address for this sync only; the enrollment keeps its own (only
    /// `enroll` changes it).
    pub hub_url: Option<String>,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            push_batch: 200,
            pull_page: 2_000,
            user: std::env::var("USER").unwrap_or_else(|_| "technician".into()),
            timeout: None,
            hub_url: None,
        }
    }
}

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct SyncReport {
    pub pushed: PushTally,
    pub pulled: PullTally,
    pub photos_uploaded: u32,
    pub photos_downloaded: u32,
    /// Photos that could not be fetched now (tried again at the next sync).
    pub photos_missing: u32,
    /// Photo changes the hub could not take yet because it lacked the photo it had just been
    /// sent; they stay pending and go again at the next sync.
    pub photos_retry: u32,
    /// Manuals the hub published that were fetched and queued for the library (the caller runs
    /// the library's queue to extract and index them).
    pub manuals_added: u32,
    /// True when the pull was skipped because local changes were still pending.
    pub pull_skipped: bool,
    /// True when the hub said our cursor was too old and the site was replicated again.
    pub resynced: bool,
    pub pending_left: u32,
}

/// The client for the stored enrollment.
pub fn client_for(e: &HubEnrollment, timeout: Option<Duration>) -> Result<HubClient, SyncError> {
    HubClient::new(
        &e.hub_url,
        &e.token,
        &ClientOptions {
            ca_bundle: e.ca_bundle.as_ref().map(PathBuf::from),
            proxy: e.proxy.clone(),
            timeout,
        },
    )
}

/// Pushes, then pulls. Records the attempt (and its error) in the store either way.
pub fn sync_once(
    store: &Mutex<Store>,
    opts: &SyncOptions,
    progress: &dyn Fn(&SyncProgress),
) -> Result<SyncReport, SyncError> {
    let result = run(store, opts, progress);
    let err_text = result.as_ref().err().map(|e| e.to_string());
    if let Ok(mut s) = store.lock() {
        if let Err(e) = s.record_sync_attempt(err_text.as_deref()) {
            tracing::warn!("cannot record the sync attempt: {e}");
        }
    }
    result
}

fn run(
    store: &Mutex<Store>,
    opts: &SyncOptions,
    progress: &dyn Fn(&SyncProgress),
) -> Result<SyncReport, SyncError> {
    let mut enrollment = lock(store)?.require_enrollment()?;
    if let Some(url) = &opts.hub_url {
        enrollment.hub_url = url.trim_end_matches('/').to_string();
    }
    let client = client_for(&enrollment, opts.timeout)?;
    let site = enrollment.site_code.as_str();
    let mut feed = ProgressFeed::new(lock(store)?.sync_status()?.pending, progress);
    feed.send();
    let caps = client.capabilities()?;
    let limits = plan::limits(opts.push_batch, opts.pull_page, &caps);
    if lock(store)?.catch_up_change_kinds(faultline_protocol::CHANGE_KINDS)? {
        tracing::info!("this build knows more kinds of change: pulling the site's feed again");
    }
    let mut report = SyncReport::default();
    let mut so_far = SyncSoFar::default();
    loop {
        let state = local_state::read(store, limits.push_batch)?;
        match plan::next_step(state, &so_far) {
            SyncStep::Push(batch) => {
                let done = push_step::push(store, &client, site, &opts.user, batch, &mut feed)?;
                report.pushed += done.tally;
                report.photos_uploaded += done.photos_uploaded;
                report.photos_retry += done.resend;
                so_far.push_held = done.after == AfterPush::Hold;
            }
            SyncStep::Pull { from } => {
                let done =
                    pull_step::pull(store, &client, site, from, limits.pull_page, &mut feed)?;
                report.pulled += done.tally;
                report.resynced = done.resynced;
                let files = downloads::fetch(store, &client, site, &done.files)?;
                report.photos_downloaded += files.photos;
                report.photos_missing += files.photos_missing;
                report.manuals_added += files.manuals;
                so_far.pulled = true;
            }
            SyncStep::Done { pull_skipped } => {
                report.pull_skipped = pull_skipped;
                break;
            }
        }
    }
    report.pending_left = lock(store)?.sync_status()?.pending;
    feed.now.pending = report.pending_left;
    feed.phase("done");
    Ok(report)
}
