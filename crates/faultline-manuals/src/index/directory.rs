//! The layout of the index root: `v{N}` holds the index of schema version N, `v{N}.building`
//! a rebuild in progress (renamed to `v{N}` when complete, so a crash mid-rebuild never leaves a
//! partial index that looks complete), `v{N}.trash` the index a rebuild replaced, and
//! `writer.lock` is held by the one process that may write.

use super::error::{IndexError, Result};
use super::schema::SCHEMA_VERSION;
use std::path::{Path, PathBuf};

pub(crate) fn current_dir(root: &Path) -> PathBuf {
    root.join(format!("v{SCHEMA_VERSION}"))
}

pub(crate) fn building_dir(root: &Path) -> PathBuf {
    root.join(format!("v{SCHEMA_VERSION}.building"))
}

fn trash_dir(root: &Path) -> PathBuf {
    root.join(format!("v{SCHEMA_VERSION}.trash"))
}

/// Takes the exclusive lock on `<root>/writer.lock` (held while the file stays open), or
/// `Locked` when another process holds it.
pub(crate) fn lock_root(root: &Path) -> Result<std::fs::File> {
    let path = root.join("writer.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| IndexError::io(&path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(IndexError::Locked),
        Err(std::fs::TryLockError::Error(e)) => Err(IndexError::io(&path, e)),
    }
}

/// Schema versions of the other `v{N}` directories under `root`, sorted.
pub(crate) fn other_versions(root: &Path) -> Result<Vec<u32>> {
    let entries = match std::fs::read_dir(root) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(IndexError::io(root, e)),
    };
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| IndexError::io(root, e))?;
        let name = entry.file_name();
        let version = name
            .to_str()
            .and_then(|n| n.strip_prefix('v'))
            .and_then(|v| v.parse::<u32>().ok());
        if let Some(v) = version.filter(|&v| v != SCHEMA_VERSION) {
            found.push(v);
        }
    }
    found.sort_unstable();
    Ok(found)
}

fn remove_if_present(dir: &Path) -> Result<()> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(IndexError::io(dir, e)),
    }
}

/// Removes what an interrupted rebuild or swap left behind.
pub(crate) fn remove_leftovers(root: &Path) -> Result<()> {
    remove_if_present(&building_dir(root))?;
    remove_if_present(&trash_dir(root))
}

/// Makes a fresh, empty `v{N}.building`.
pub(crate) fn fresh_building_dir(root: &Path) -> Result<PathBuf> {
    let dir = building_dir(root);
    remove_if_present(&dir)?;
    std::fs::create_dir_all(&dir).map_err(|e| IndexError::io(&dir, e))?;
    Ok(dir)
}

pub(crate) fn discard_building_dir(root: &Path) -> Result<()> {
    remove_if_present(&building_dir(root))
}

/// Puts the finished rebuild in place of the current index and deletes indexes of other
/// versions. Nothing may have the old or the building index open.
pub(crate) fn promote_building_dir(root: &Path) -> Result<()> {
    let current = current_dir(root);
    let trash = trash_dir(root);
    remove_if_present(&trash)?;
    if current.exists() {
        std::fs::rename(&current, &trash).map_err(|e| IndexError::io(&current, e))?;
    }
    let building = building_dir(root);
    std::fs::rename(&building, &current).map_err(|e| IndexError::io(&building, e))?;
    sync_dir(root);
    if let Err(e) = remove_if_present(&trash) {
        tracing::warn!("index: could not remove the replaced index: {e}");
    }
    for v in other_versions(root)? {
        let old = root.join(format!("v{v}"));
        if let Err(e) = remove_if_present(&old) {
            tracing::warn!("index: could not remove the index of schema version {v}: {e}");
        }
    }
    Ok(())
}

/// Makes the renames durable where the platform allows it (best effort).
fn sync_dir(dir: &Path) {
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
}
