//! A fresh PostgreSQL database per test, on the cluster `make test` starts (`scripts/pg.sh`),
//! dropped when the test ends. Without `FAULTLINE_TEST_DATABASE_URL` the tests fail with advice
//! instead of passing silently.

use anyhow::{bail, Context, Result};
use std::process::Command;

pub const DB_ENV: &str = "FAULTLINE_TEST_DATABASE_URL";

/// A database created for one test.
pub struct TestDb {
    admin_url: String,
    name: String,
    pub url: String,
}

fn psql(url: &str, sql: &str) -> Result<String> {
    let out = Command::new("psql")
        .args([url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql])
        .output()
        .context("cannot run psql (install postgresql-client, or run `make setup`)")?;
    if !out.status.success() {
        bail!(
            "psql failed: {sql}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

impl TestDb {
    pub fn create(prefix: &str) -> Result<Self> {
        let admin_url = std::env::var(DB_ENV).map_err(|_| {
            anyhow::anyhow!(
                "{DB_ENV} is not set: these tests need a PostgreSQL server. Run `make test`, or \
                 `eval $(scripts/pg.sh start)` first"
            )
        })?;
        let name = format!(
            "{prefix}_{}",
            uuid::Uuid::now_v7().simple().to_string()[20..].to_lowercase()
        );
        psql(&admin_url, &format!("CREATE DATABASE {name}"))?;
        let url = match admin_url.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => bail!("{DB_ENV} has no database part: {admin_url}"),
        };
        Ok(TestDb {
            admin_url,
            name,
            url,
        })
    }

    /// Runs one SQL statement on the test database and returns its output (unaligned, no header).
    pub fn query(&self, sql: &str) -> Result<String> {
        psql(&self.url, sql)
    }

    /// The single number a `SELECT count(*)…` returns.
    pub fn count(&self, sql: &str) -> Result<i64> {
        let s = self.query(sql)?;
        s.parse()
            .with_context(|| format!("not a number from {sql:?}: {s:?}"))
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = psql(
            &self.admin_url,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
    }
}
