//! A real `faultline-hub` process on a free loopback port, over a test database; killed (-9) when
//! dropped or on request, and restartable on the same database.

use crate::pg::TestDb;
use anyhow::Result;
use faultline_pgtest::HubProcess;
use std::ops::{Deref, DerefMut};
use std::path::PathBuf;

/// Overrides the hub binary (default: `target/release/faultline-hub`).
pub const HUB_BIN_ENV: &str = "FAULTLINE_HUB_BIN";

pub fn hub_binary() -> Result<PathBuf> {
    crate::release_binary(
        HUB_BIN_ENV,
        "faultline-hub",
        "cargo build --release -p faultline-hub",
    )
}

/// The release hub as a process (`faultline_pgtest::HubProcess`: `addr`, `url()`, `port()`,
/// `kill()`, `restart()`).
pub struct Hub(HubProcess);

impl Hub {
    /// Starts a hub on 127.0.0.1 (a free port, or `port` to come back on the same one).
    pub fn start(db: &TestDb, port: Option<u16>) -> Result<Self> {
        Self::start_url(&db.url, port)
    }

    pub fn start_url(database_url: &str, port: Option<u16>) -> Result<Self> {
        Self::start_with(database_url, port, &[])
    }

    /// Starts a hub with extra `serve` arguments (e.g. `--tls-cert`, `--tls-key`).
    pub fn start_with(database_url: &str, port: Option<u16>, extra: &[&str]) -> Result<Self> {
        Ok(Hub(HubProcess::start(
            &hub_binary()?,
            database_url,
            port,
            extra,
            &[],
        )?))
    }
}

impl Deref for Hub {
    type Target = HubProcess;
    fn deref(&self) -> &HubProcess {
        &self.0
    }
}

impl DerefMut for Hub {
    fn deref_mut(&mut self) -> &mut HubProcess {
        &mut self.0
    }
}

/// Runs a hub admin command (`faultline-hub ARGS --database-url URL`); fails unless it exits 0.
pub fn hub_admin(db: &TestDb, args: &[&str]) -> Result<String> {
    Ok(faultline_pgtest::hub_admin(&hub_binary()?, &db.url, args)?)
}

/// Enrolls a device for `site` (which must exist); returns the device token.
pub fn enroll_device(db: &TestDb, site: &str, name: &str) -> Result<String> {
    Ok(faultline_pgtest::enroll(
        &hub_binary()?,
        &db.url,
        site,
        name,
    )?)
}
