//! Executes the pull step of the plan: the site's changes page by page from the cursor, each page
//! applied with its cursor in one SQLite transaction, the next page fetched while this one is
//! written. A cursor the hub's history no longer reaches replicates the site from the start.

use crate::client::HubClient;
use crate::error::SyncError;
use crate::local_state::lock;
use crate::plan::{self, PulledFiles};
use crate::progress_feed::ProgressFeed;
use faultline_core::store::PullTally;
use faultline_core::Store;
use faultline_protocol::PullResponse;
use std::sync::Mutex;

/// What the pull step did.
#[derive(Default)]
pub(crate) struct PullDone {
    pub(crate) tally: PullTally,
    /// The hub said our cursor was too old and the site was replicated again.
    pub(crate) resynced: bool,
    /// Photo and manual files the pulled records name.
    pub(crate) files: PulledFiles,
}

pub(crate) fn pull(
    store: &Mutex<Store>,
    client: &HubClient,
    site: &str,
    from: Option<String>,
    page: u32,
    feed: &mut ProgressFeed<'_>,
) -> Result<PullDone, SyncError> {
    feed.phase("receiving");
    let mut done = PullDone::default();
    let first = match client.changes(site, from.as_deref(), page) {
        Err(e) if plan::replicate_again(&e) => {
            tracing::info!("the hub's history no longer reaches our cursor: resyncing");
            lock(store)?.reset_sync_cursor()?;
            done.resynced = true;
            client.changes(site, None, page)?
        }
        other => other?,
    };
    // The next page is fetched while this one is written to SQLite (one page ahead).
    std::thread::scope(|scope| -> Result<(), SyncError> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Result<PullResponse, SyncError>>(1);
        if first.has_more {
            let next = first.next_cursor.clone();
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
            done.files.note(&resp.changes);
            done.tally += lock(store)?.apply_pulled(&resp.changes, &resp.next_cursor)?;
            feed.now.received += u32::try_from(resp.changes.len()).unwrap_or(u32::MAX);
            feed.send();
            if !resp.has_more {
                return Ok(());
            }
            resp = match rx.recv() {
                Ok(r) => r?,
                Err(_) => return Err(SyncError::Protocol("the page fetcher stopped early".into())),
            };
        }
    })?;
    let removed = lock(store)?.finish_resync()?;
    done.tally.deleted += u32::try_from(removed).unwrap_or(u32::MAX);
    Ok(done)
}
