//! Content-addressed blob store for photos (and later manuals): a file per SHA-256 under
//! `blobs/ab/cdef…`. A blob is written to a temporary file, synced, then renamed into place, so a
//! crash never leaves a half-written blob under a valid name.

use crate::error::{CoreError, Result};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Largest photo accepted (a phone photo is a few MB).
pub const MAX_BLOB_BYTES: usize = 25 * 1024 * 1024;

/// Largest manual PDF accepted (OEM manuals run to a few hundred pages of scans).
pub const MAX_MANUAL_BYTES: usize = 300 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
}

impl BlobStore {
    pub fn new(root: PathBuf) -> Self {
        BlobStore { root }
    }

    pub fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        let valid = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit());
        valid.then(|| self.root.join(&sha256[..2]).join(&sha256[2..]))
    }

    /// Stores a photo and returns its SHA-256 (hex). Storing the same bytes twice is a no-op.
    pub fn put(&self, bytes: &[u8]) -> Result<String> {
        if bytes.len() > MAX_BLOB_BYTES {
            return Err(CoreError::InvalidInput(format!(
                "the file is {} MB; the limit is {} MB: take a smaller photo",
                bytes.len() / 1_000_000,
                MAX_BLOB_BYTES / 1_000_000
            )));
        }
        self.put_unchecked(bytes)
    }

    /// Stores a manual PDF (a larger limit than photos).
    pub fn put_manual(&self, bytes: &[u8]) -> Result<String> {
        if bytes.len() > MAX_MANUAL_BYTES {
            return Err(CoreError::InvalidInput(format!(
                "the manual is {} MB; the limit is {} MB: split it or compress its images",
                bytes.len() / 1_000_000,
                MAX_MANUAL_BYTES / 1_000_000
            )));
        }
        self.put_unchecked(bytes)
    }

    fn put_unchecked(&self, bytes: &[u8]) -> Result<String> {
        let sha = hex::encode(Sha256::digest(bytes));
        let Some(path) = self.path_of(&sha) else {
            return Err(CoreError::InvalidState("hash is not hex".into()));
        };
        if path.exists() {
            return Ok(sha);
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)
            .map_err(|e| CoreError::io(format!("cannot create {}", dir.display()), e))?;
        let tmp = dir.join(format!(".{}.tmp", &sha[2..]));
        let write = || -> std::io::Result<()> {
            let mut f = crate::private_files::create_private(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &path)
        };
        write().map_err(|e| CoreError::io(format!("cannot store blob {sha}"), e))?;
        Ok(sha)
    }

    pub fn get(&self, sha256: &str) -> Result<Vec<u8>> {
        let path = self
            .path_of(sha256)
            .ok_or_else(|| CoreError::InvalidInput(format!("{sha256:?} is not a SHA-256")))?;
        std::fs::read(&path).map_err(|e| CoreError::io(format!("cannot read blob {sha256}"), e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_bytes_are_stored_once_under_their_hash() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| CoreError::io("tempdir", e))?;
        let blobs = BlobStore::new(dir.path().join("blobs"));
        let a = blobs.put(b"photo")?;
        let b = blobs.put(b"photo")?;
        assert_eq!(a, b);
        assert_eq!(blobs.get(&a)?, b"photo");
        assert!(blobs.path_of("../../etc/passwd").is_none());
        Ok(())
    }
}
