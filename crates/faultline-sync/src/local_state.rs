//! The "diff" half of a sync: reads what the laptop holds — the oldest pending batch, the photo
//! files it names, the pull cursor, the files pulled records name — for the pure planner
//! (`plan.rs`). The store lock is held for one read at a time, never across a network call.

use crate::error::SyncError;
use crate::plan::LocalSyncState;
use faultline_core::Store;
use faultline_protocol::Mutation;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

pub(crate) fn lock(store: &Mutex<Store>) -> Result<MutexGuard<'_, Store>, SyncError> {
    store
        .lock()
        .map_err(|_| SyncError::Config("the local store is unavailable".into()))
}

/// The laptop's sync state now, with at most `batch` pending changes, read under one lock.
pub(crate) fn read(store: &Mutex<Store>, batch: usize) -> Result<LocalSyncState, SyncError> {
    let s = lock(store)?;
    let envelopes = s.pending_envelopes(batch)?;
    let photos_here = envelopes
        .iter()
        .filter_map(|e| match &e.mutation {
            Mutation::AddPhoto { sha256, .. } => Some(sha256),
            _ => None,
        })
        .filter(|sha| photo_file(&s, sha).is_some_and(|p| p.exists()))
        .cloned()
        .collect();
    Ok(LocalSyncState {
        batch: envelopes,
        pending: s.sync_status()?.pending,
        photos_here,
        cursor: s.sync_cursor()?,
    })
}

/// Where a photo's file lives in this laptop's blob store (`None`: no blob store, or not a
/// SHA-256).
pub(crate) fn photo_file(store: &Store, sha256: &str) -> Option<PathBuf> {
    store.blobs().ok().and_then(|b| b.path_of(sha256))
}

/// Of `shas`, those this laptop needs no download for: the file is there, or there is nowhere to
/// put it.
pub(crate) fn photos_on_laptop(
    store: &Mutex<Store>,
    shas: &[String],
) -> Result<HashSet<String>, SyncError> {
    let s = lock(store)?;
    Ok(shas
        .iter()
        .filter(|sha| photo_file(&s, sha).is_none_or(|p| p.exists()))
        .cloned()
        .collect())
}

/// The SHA-256 of every manual in the library.
pub(crate) fn manuals_in_library(store: &Mutex<Store>) -> Result<HashSet<String>, SyncError> {
    Ok(lock(store)?
        .manuals()?
        .into_iter()
        .map(|m| m.sha256)
        .collect())
}
