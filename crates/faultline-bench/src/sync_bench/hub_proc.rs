//! The hub under benchmark: a fresh database on the PostgreSQL server of
//! `FAULTLINE_TEST_DATABASE_URL`, the release `faultline-hub` serving it on a free loopback port,
//! and its admin commands — on the workspace's one test harness, `faultline-pgtest`.

use anyhow::{bail, Context, Result};
use faultline_pgtest::{HubProcess, TestDb};
use std::path::PathBuf;
use std::process::Command;

pub struct BenchHub {
    // Dropped in this order: the hub, then its database.
    _process: HubProcess,
    db: TestDb,
    pub url: String,
    pub db_url: String,
}

pub fn binary(name: &str) -> Result<PathBuf> {
    let p = PathBuf::from("target/release").join(name);
    if !p.is_file() {
        bail!(
            "{} not found: run `cargo build --release -p faultline-hub -p faultline-cli` first (`make bench` does)",
            p.display()
        );
    }
    Ok(p)
}

impl BenchHub {
    pub fn start(tag: &str) -> Result<Self> {
        Self::start_with_env(tag, &[])
    }

    /// [`BenchHub::start`] with more environment for `serve` (its flags' variables).
    pub fn start_with_env(tag: &str, env: &[(&str, &str)]) -> Result<Self> {
        let db = TestDb::create(&format!("bench_{tag}"))?;
        let hub = binary("faultline-hub")?;
        // Creates the schema before the server starts.
        faultline_pgtest::hub_admin(&hub, &db.url, &["device", "list"])?;
        let mut vars = vec![("FAULTLINE_HUB_RATE_LIMIT", "0")];
        vars.extend_from_slice(env);
        let process =
            HubProcess::start(&hub, &db.url, None, &[], &vars).context("cannot start the hub")?;
        Ok(BenchHub {
            url: process.url(),
            db_url: db.url.clone(),
            _process: process,
            db,
        })
    }

    pub fn admin(&self, args: &[&str]) -> Result<String> {
        Ok(faultline_pgtest::hub_admin(
            &binary("faultline-hub")?,
            &self.db_url,
            args,
        )?)
    }

    /// Enrolls a device and returns its token.
    pub fn enroll(&self, site: &str, name: &str) -> Result<String> {
        Ok(faultline_pgtest::enroll(
            &binary("faultline-hub")?,
            &self.db_url,
            site,
            name,
        )?)
    }

    pub fn query(&self, sql: &str) -> Result<String> {
        Ok(self.db.query(sql)?)
    }

    pub fn count(&self, sql: &str) -> Result<i64> {
        Ok(self.db.count(sql)?)
    }
}

/// Runs the release CLI on a data directory; returns stdout.
pub fn cli(dir: &std::path::Path, args: &[&str]) -> Result<String> {
    let out = Command::new(binary("faultline")?)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("FAULTLINE_DATA_DIR")
        .output()?;
    if !out.status.success() {
        bail!(
            "faultline {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).to_string())
}
