//! Owner-only permissions for the laptop's data: the data directory 0700, the SQLite database
//! (which holds the device token) and its WAL files 0600, photo blobs 0600. Other accounts on the
//! laptop can read none of it. Outside Unix these are no-ops (the user profile's ACLs apply).

use std::path::Path;

/// Makes `dir` readable by its owner only (0700).
pub fn restrict_dir(dir: &Path) -> std::io::Result<()> {
    set_mode(dir, 0o700)
}

/// Makes `file` readable by its owner only (0600), if it exists.
pub fn restrict_file(file: &Path) -> std::io::Result<()> {
    if file.exists() {
        set_mode(file, 0o600)
    } else {
        Ok(())
    }
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> std::io::Result<()> {
    Ok(())
}

/// Creates (or truncates) `path` for writing, owner-only from the start on Unix.
pub fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    opts.open(path)
}

#[cfg(all(test, unix))]
mod tests {
    use crate::clock::{SequentialIds, SystemClock};
    use crate::store::{Store, DB_FILE};
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;
    use std::sync::Arc;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    #[test]
    fn the_data_directory_and_the_database_are_owner_only_even_when_they_existed_before() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dir = tmp.path().join("data");
        std::fs::create_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))
            .unwrap_or_else(|e| panic!("{e}"));
        let store = Store::open_with(
            &dir,
            Arc::new(SystemClock),
            Arc::new(SequentialIds::default()),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join(DB_FILE)), 0o600);
        let wal = dir.join(format!("{DB_FILE}-wal"));
        if wal.exists() {
            assert_eq!(mode(&wal), 0o600);
        }
        drop(store);
        // A replica made by an older build (0644) is tightened when opened.
        std::fs::set_permissions(dir.join(DB_FILE), std::fs::Permissions::from_mode(0o644))
            .unwrap_or_else(|e| panic!("{e}"));
        let _store = Store::open(&dir).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(mode(&dir.join(DB_FILE)), 0o600);
    }

    #[test]
    fn a_new_private_file_is_owner_only() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let p = tmp.path().join("x");
        drop(super::create_private(&p).unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(mode(&p), 0o600);
    }
}
