//! Files that appear whole or not at all: written to a hidden temporary file in the target
//! directory, flushed to disk (fsync), renamed over the final name, then the directory fsynced
//! so the rename itself survives a power cut. A process killed before the rename leaves only a
//! `.*.partial` temporary file, which the next export removes.

use crate::error::{HubError, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// Suffix of temporary files; never a finished export.
pub const PARTIAL_SUFFIX: &str = ".partial";

/// A file being written; nothing is at `dest` until [`AtomicFile::commit`].
pub struct AtomicFile {
    out: BufWriter<NamedTempFile>,
    dest: PathBuf,
}

impl AtomicFile {
    pub fn create(dest: &Path) -> Result<AtomicFile> {
        let dir = parent(dest);
        let tmp = tempfile::Builder::new()
            .prefix(".")
            .suffix(PARTIAL_SUFFIX)
            .tempfile_in(dir)
            .map_err(|e| HubError::io(dir, e))?;
        Ok(AtomicFile {
            out: BufWriter::new(tmp),
            dest: dest.to_path_buf(),
        })
    }

    pub fn writer(&mut self) -> &mut BufWriter<NamedTempFile> {
        &mut self.out
    }

    /// Flushes, fsyncs and renames the file into place, then fsyncs the directory.
    pub fn commit(self) -> Result<()> {
        let dest = self.dest;
        let tmp = self
            .out
            .into_inner()
            .map_err(|e| HubError::io(&dest, e.into_error()))?;
        tmp.as_file()
            .sync_all()
            .map_err(|e| HubError::io(&dest, e))?;
        tmp.persist(&dest)
            .map_err(|e| HubError::io(&dest, e.error))?;
        sync_dir(parent(&dest))
    }
}

/// Writes `bytes` to `dest` atomically.
pub fn write_atomic(dest: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create(dest)?;
    f.writer()
        .write_all(bytes)
        .map_err(|e| HubError::io(dest, e))?;
    f.commit()
}

/// Removes temporary files a killed export left in `dir`.
pub fn remove_partials(dir: &Path) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| HubError::io(dir, e))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') && name.ends_with(PARTIAL_SUFFIX) {
            let path = entry.path();
            std::fs::remove_file(&path).map_err(|e| HubError::io(&path, e))?;
        }
    }
    Ok(())
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn sync_dir(dir: &Path) -> Result<()> {
    // Directories can be opened read-only and fsynced on Unix; elsewhere this is best effort.
    match File::open(dir) {
        Ok(d) => match d.sync_all() {
            Ok(()) => Ok(()),
            Err(e) if cfg!(unix) => Err(HubError::io(dir, e)),
            Err(_) => Ok(()),
        },
        Err(e) => Err(HubError::io(dir, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_at_the_name_until_commit_and_partials_are_swept() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dest = dir.path().join("a.csv");
        let mut f = AtomicFile::create(&dest).unwrap_or_else(|e| panic!("{e}"));
        f.writer()
            .write_all(b"x,y\n")
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!dest.exists());
        // Dropped without commit (an error mid-export): nothing at the name, no temp left.
        drop(f);
        assert!(!dest.exists());
        // A killed process leaves its temporary file: the next export sweeps it.
        let kept = AtomicFile::create(&dest).unwrap_or_else(|e| panic!("{e}"));
        std::mem::forget(kept);
        assert_eq!(
            std::fs::read_dir(dir.path())
                .map(|d| d.count())
                .unwrap_or(0),
            1
        );
        remove_partials(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            std::fs::read_dir(dir.path())
                .map(|d| d.count())
                .unwrap_or(0),
            0
        );
        write_atomic(&dest, b"done\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::read(&dest).unwrap_or_default(), b"done\n");
    }
}
