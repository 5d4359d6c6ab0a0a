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
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_new_private_file_is_owner_only() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let p = tmp.path().join("x");
        drop(super::create_private(&p).unwrap_or_else(|e| panic!("{e}")));
        let meta = std::fs::metadata(&p).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }
}
