//! Downloads the files pulled records name: photos this laptop lacks go into its blob store;
//! manuals the hub published go into the library's queue, linked to their models (extraction
//! and indexing are the library's job). A download that fails for good is counted and tried
//! again at the next sync; an unreachable hub stops the sync.

use crate::client::HubClient;
use crate::error::SyncError;
use crate::local_state::{self, lock, photo_file};
use crate::plan::{self, PulledFiles};
use faultline_core::Store;
use faultline_protocol::ManualRecord;
use std::sync::Mutex;

/// What the downloads did.
#[derive(Debug, Default)]
pub(crate) struct Downloaded {
    pub(crate) photos: u32,
    /// Photos that could not be fetched now.
    pub(crate) photos_missing: u32,
    pub(crate) manuals: u32,
}

/// Fetches what `files` names and this laptop does not have.
pub(crate) fn fetch(
    store: &Mutex<Store>,
    client: &HubClient,
    site: &str,
    files: &PulledFiles,
) -> Result<Downloaded, SyncError> {
    let mut done = Downloaded::default();
    if !files.photos.is_empty() {
        let here = local_state::photos_on_laptop(store, &files.photos)?;
        fetch_photos(
            store,
            client,
            site,
            &files.photos_to_fetch(&here),
            &mut done,
        )?;
    }
    if !files.manuals.is_empty() {
        let have = local_state::manuals_in_library(store)?;
        done.manuals = fetch_manuals(store, client, site, &files.manuals_to_fetch(&have))?;
    }
    Ok(done)
}

fn fetch_photos(
    store: &Mutex<Store>,
    client: &HubClient,
    site: &str,
    shas: &[String],
    done: &mut Downloaded,
) -> Result<(), SyncError> {
    for sha in shas {
        let Some(dest) = photo_file(&*lock(store)?, sha) else {
            continue;
        };
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| SyncError::Config(format!("{}: {e}", dir.display())))?;
        }
        match client.download_blob(site, sha, &dest) {
            Ok(()) => done.photos += 1,
            Err(e) if e.is_retryable() => return Err(e),
            Err(e) => {
                tracing::warn!("photo {sha} not fetched: {e}");
                done.photos_missing += 1;
            }
        }
    }
    Ok(())
}

/// Returns how many manuals were added to the library.
fn fetch_manuals(
    store: &Mutex<Store>,
    client: &HubClient,
    site: &str,
    manuals: &[&ManualRecord],
) -> Result<u32, SyncError> {
    let Some(dir) = lock(store)?.data_dir().map(|d| d.join("sync-downloads")) else {
        return Ok(0);
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| SyncError::Config(format!("{}: {e}", dir.display())))?;
    let mut added = 0;
    for m in manuals {
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
            let (manufacturer, name) = plan::manual_model(model);
            s.link_manual_to_model(manual.id, manufacturer, name)?;
        }
        drop(s);
        let _ = std::fs::remove_file(&path);
        added += 1;
    }
    Ok(added)
}
