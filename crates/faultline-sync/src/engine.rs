//! One sync: push every pending change in batches (each batch's photos uploaded first), then —
//! only when nothing is left pending — pull the site's changes page by page. The store lock is
//! held for each local transaction only, never across a network call, so the technician keeps
//! working while a sync runs.

use crate::client::{ClientOptions, HubClient};
use crate::error::SyncError;
use faultline_core::domain::SyncProgress;
use faultline_core::store::{HubEnrollment, PullTally, PushTally};
use faultline_core::Store;
use faultline_protocol::api::codes;
use faultline_protocol::push::reject_codes;
use faultline_protocol::{Change, ManualRecord, Mutation, Outcome, PullResponse, PushRequest};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
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

fn lock(store: &Mutex<Store>) -> Result<MutexGuard<'_, Store>, SyncError> {
    store
        .lock()
        .map_err(|_| SyncError::Config("the local store is unavailable".into()))
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
    let mut p = SyncProgress {
        phase: "connecting".into(),
        pending: lock(store)?.sync_status()?.pending,
        ..SyncProgress::default()
    };
    progress(&p);
    let caps = client.capabilities()?;
    let batch = opts.push_batch.clamp(
        1,
        usize::try_from(caps.max_push_mutations.max(1)).unwrap_or(1),
    );
    let page = opts.pull_page.clamp(1, caps.max_pull_changes.max(1));
    let mut report = SyncReport::default();

    // Push: oldest first, in batches; a batch is recorded in one transaction.
    loop {
        let envelopes = lock(store)?.pending_envelopes(batch)?;
        if envelopes.is_empty() {
            break;
        }
        let photo_of: HashMap<uuid::Uuid, String> = envelopes
            .iter()
            .filter_map(|e| match &e.mutation {
                Mutation::AddPhoto { sha256, .. } => Some((e.mutation_id, sha256.clone())),
                _ => None,
            })
            .collect();
        let mut uploaded = HashSet::new();
        if !photo_of.is_empty() {
            p.phase = "uploading photos".into();
            progress(&p);
            for sha in photo_of.values() {
                let path = lock(store)?
                    .blobs()
                    .ok()
                    .and_then(|b| b.path_of(sha))
                    .filter(|p| p.exists());
                match path {
                    Some(path) => {
                        client.upload_blob(site, sha, &path)?;
                        uploaded.insert(sha.clone());
                        report.photos_uploaded += 1;
                    }
                    // The hub rejects the photo record with a reason a person sees.
                    None => tracing::warn!("photo {sha} is missing from this laptop"),
                }
            }
        }
        p.phase = "sending".into();
        progress(&p);
        let sent = envelopes.len();
        let resp = client.push(
            site,
            &PushRequest {
                user: opts.user.clone(),
                mutations: envelopes,
            },
        )?;
        if resp.results.len() != sent {
            return Err(SyncError::Protocol(format!(
                "the hub answered {} of {sent} changes",
                resp.results.len()
            )));
        }
        // A photo the hub does not have although we just sent it (the hub lost it, e.g. a
        // crash before its upload reached disk): keep the change pending; the next sync sends
        // the photo and the change again. A photo missing on this laptop stays refused.
        let (retry, answered): (Vec<_>, Vec<_>) = resp.results.into_iter().partition(|r| {
            matches!(&r.outcome, Outcome::Rejected { code, .. } if code == reject_codes::MISSING_BLOB)
                && photo_of
                    .get(&r.mutation_id)
                    .is_some_and(|sha| uploaded.contains(sha))
        });
        let tally = lock(store)?.record_push_results(&answered)?;
        if tally.unknown as usize == sent {
            return Err(SyncError::Protocol(
                "the hub answered for changes this laptop did not send".into(),
            ));
        }
        add_push(&mut report.pushed, tally);
        p.sent += u32::try_from(answered.len()).unwrap_or(u32::MAX);
        p.pending = lock(store)?.sync_status()?.pending;
        progress(&p);
        if !retry.is_empty() {
            report.photos_retry += u32::try_from(retry.len()).unwrap_or(u32::MAX);
            break;
        }
    }

    // Pull: only once nothing is pending, so the cursor never moves past hub state that our
    // own unsent changes would still alter (work orders changed meanwhile are held anyway).
    if lock(store)?.sync_status()?.pending > 0 {
        report.pull_skipped = true;
    } else {
        p.phase = "receiving".into();
        progress(&p);
        let mut photos = Vec::new();
        let mut manuals = Vec::new();
        if lock(store)?.catch_up_change_kinds(faultline_protocol::CHANGE_KINDS)? {
            tracing::info!("this build knows more kinds of change: pulling the site's feed again");
        }
        let cursor = lock(store)?.sync_cursor()?;
        let first = match client.changes(site, cursor.as_deref(), page) {
            Err(e) if e.hub_code() == Some(codes::CURSOR_EXPIRED) => {
                tracing::info!("the hub's history no longer reaches our cursor: resyncing");
                lock(store)?.reset_sync_cursor()?;
                report.resynced = true;
                client.changes(site, None, page)?
            }
            other => other?,
        };
        // The next page is fetched while this one is written to SQLite (one page ahead).
        std::thread::scope(|scope| -> Result<(), SyncError> {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Result<PullResponse, SyncError>>(1);
            let more = first.has_more;
            let next = first.next_cursor.clone();
            let client = &client;
            if more {
                scope.spawn(move || {
                    let mut cursor = next;
                    loop {
                        let r = client.changes(site, Some(&cursor), page);
                        let stop = match &r {
                            Ok(resp) => {
                                cursor = resp.next_cursor.clone();
                                !resp.has_more
                            }
                            Err(_) => true,
                        };
                        if tx.send(r).is_err() || stop {
                            break;
                        }
                    }
                });
            } else {
                drop(tx);
            }
            let mut resp = first;
            loop {
                for c in &resp.changes {
                    match c {
                        Change::Photo(ph) => photos.push(ph.sha256.clone()),
                        Change::Manual(m) => manuals.push(m.clone()),
                        _ => {}
                    }
                }
                let tally = lock(store)?.apply_pulled(&resp.changes, &resp.next_cursor)?;
                add_pull(&mut report.pulled, tally);
                p.received += u32::try_from(resp.changes.len()).unwrap_or(u32::MAX);
                progress(&p);
                if !resp.has_more {
                    return Ok(());
                }
                resp = match rx.recv() {
                    Ok(r) => r?,
                    Err(_) => {
                        return Err(SyncError::Protocol("the page fetcher stopped early".into()))
                    }
                };
            }
        })?;
        let removed = lock(store)?.finish_resync()?;
        report.pulled.deleted += u32::try_from(removed).unwrap_or(u32::MAX);
        fetch_photos(store, &client, site, &photos, &mut report)?;
        fetch_manuals(store, &client, site, &manuals, &mut report)?;
    }
    report.pending_left = lock(store)?.sync_status()?.pending;
    p.phase = "done".into();
    p.pending = report.pending_left;
    progress(&p);
    Ok(report)
}

/// Downloads pulled photos this laptop does not have; one that fails is tried next time.
fn fetch_photos(
    store: &Mutex<Store>,
    client: &HubClient,
    site: &str,
    shas: &[String],
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    for sha in shas {
        let Some(dest) = lock(store)?.blobs().ok().and_then(|b| b.path_of(sha)) else {
            continue;
        };
        if dest.exists() {
            continue;
        }
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| SyncError::Config(format!("{}: {e}", dir.display())))?;
        }
        match client.download_blob(site, sha, &dest) {
            Ok(()) => report.photos_downloaded += 1,
            Err(e) if e.is_retryable() => return Err(e),
            Err(e) => {
                tracing::warn!("photo {sha} not fetched: {e}");
                report.photos_missing += 1;
            }
        }
    }
    Ok(())
}

/// Fetches the manuals the hub published that this laptop lacks and queues them in the store
/// (linked to their models); extraction and indexing are the library's job.
fn fetch_manuals(
    store: &Mutex<Store>,
    client: &HubClient,
    site: &str,
    manuals: &[ManualRecord],
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    if manuals.is_empty() {
        return Ok(());
    }
    let have: HashSet<String> = lock(store)?
        .manuals()?
        .into_iter()
        .map(|m| m.sha256)
        .collect();
    let Some(dir) = lock(store)?.data_dir().map(|d| d.join("sync-downloads")) else {
        return Ok(());
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| SyncError::Config(format!("{}: {e}", dir.display())))?;
    for m in manuals.iter().filter(|m| !have.contains(&m.sha256)) {
        let path = dir.join(format!("{}.pdf", m.sha256));
        if let Err(e) = client.download_blob(site, &m.sha256, &path) {
            if e.is_retryable() {
                return Err(e);
            }
            tracing::warn!("manual {} not fetched: {e}", m.file_name);
            continue;
        }
        let bytes = std::fs::read(&path)
            .map_err(|e| SyncError::Config(format!("{}: {e}", path.display())))?;
        let mut s = lock(store)?;
        let (manual, _) = s.add_manual(&m.file_name, &bytes)?;
        for model in &m.models {
            let (manufacturer, name) = model.split_once('|').unwrap_or(("", model.as_str()));
            s.link_manual_to_model(manual.id, manufacturer, name)?;
        }
        drop(s);
        let _ = std::fs::remove_file(&path);
        report.manuals_added += 1;
    }
    Ok(())
}

fn add_push(total: &mut PushTally, t: PushTally) {
    total.applied += t.applied;
    total.rejected += t.rejected;
    total.conflicts += t.conflicts;
    total.unknown += t.unknown;
}

fn add_pull(total: &mut PullTally, t: PullTally) {
    total.applied += t.applied;
    total.waiting += t.waiting;
    total.deferred += t.deferred;
    total.deleted += t.deleted;
    total.skipped += t.skipped;
}
