//! The store keeps the laptop's data owner-only (`private_files.rs`): opening a data directory
//! tightens the directory, the database and its WAL, also for a replica an older build made.

use super::{Store, DB_FILE};
use crate::clock::{SequentialIds, SystemClock};
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
