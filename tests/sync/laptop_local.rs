//! What stays on the laptop: its data directory and database are the owner's only (the device
//! token is in the database), and `faultline sync --hub URL` uses URL for that sync alone — the
//! saved hub address changes with `enroll` only.

use anyhow::Result;
use faultline_tests::sync_env::SyncEnv;
use std::os::unix::fs::PermissionsExt;

#[test]
fn sync_with_another_hub_address_does_not_replace_the_saved_one() -> Result<()> {
    let env = SyncEnv::start()?;
    let a = env.device("laptop-a")?;
    a.sync_via(&env.hub.url())?;
    // A port nothing listens on: this sync fails as "hub unreachable", and says the address is
    // for this time only.
    let dead = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    let out = a.run(&["sync", "--hub", &format!("http://{dead}")])?;
    assert_eq!(out.status.code(), Some(7));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("this time"), "{err}");
    // The next plain sync still reaches the enrolled hub.
    let out = a.run(&["sync"])?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

#[test]
fn the_data_directory_and_database_are_readable_by_the_owner_only() -> Result<()> {
    let env = SyncEnv::start()?;
    let a = env.device("laptop-a")?;
    let mode = |p: &std::path::Path| -> Result<u32> {
        Ok(std::fs::metadata(p)?.permissions().mode() & 0o777)
    };
    assert_eq!(mode(a.path())?, 0o700);
    assert_eq!(mode(&a.path().join("faultline.db"))?, 0o600);
    Ok(())
}
