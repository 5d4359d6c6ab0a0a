//! A database created for one test (or one bench round) and dropped when it ends, also after a
//! panic. Statements go through `psql`, so the harness needs no async runtime.

use crate::{Error, Result};
use std::process::Command;

/// The environment variable that names the PostgreSQL server tests create databases on.
pub const DB_ENV: &str = "FAULTLINE_TEST_DATABASE_URL";

/// The server URL from [`DB_ENV`].
pub fn server_url() -> Result<String> {
    match std::env::var(DB_ENV) {
        Ok(u) if !u.trim().is_empty() => Ok(u.trim().to_string()),
        _ => Err(Error::NoServer),
    }
}

/// `url` with its database name replaced by `db` (a `?query` is kept).
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let root = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{db}?{q}"),
        None => format!("{root}/{db}"),
    }
}

/// Runs one SQL statement with `psql` and returns its output (unaligned, no header).
pub fn psql(url: &str, sql: &str) -> Result<String> {
    let out = Command::new("psql")
        .args([url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql])
        .output()
        .map_err(|source| Error::Spawn {
            program: "psql".into(),
            hint: "install postgresql-client, or run `make setup`",
            source,
        })?;
    if !out.status.success() {
        return Err(Error::Failed(format!(
            "psql failed: {sql}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// A database created for one test, dropped (`WITH (FORCE)`) when this is dropped.
pub struct TestDb {
    /// The test database's URL.
    pub url: String,
    server: String,
    name: String,
}

impl TestDb {
    /// Creates `{prefix}_{random}` on the server of [`DB_ENV`].
    pub fn create(prefix: &str) -> Result<TestDb> {
        let server = server_url()?;
        let name = format!(
            "{prefix}_{}",
            uuid::Uuid::now_v7().simple().to_string()[20..].to_lowercase()
        );
        psql(&server, &format!("CREATE DATABASE {name}"))?;
        Ok(TestDb {
            url: with_database(&server, &name),
            server,
            name,
        })
    }

    /// Runs one SQL statement on the test database and returns its output.
    pub fn query(&self, sql: &str) -> Result<String> {
        psql(&self.url, sql)
    }

    /// The single number a `SELECT count(*)…` returns.
    pub fn count(&self, sql: &str) -> Result<i64> {
        let s = self.query(sql)?;
        s.parse()
            .map_err(|_| Error::Failed(format!("not a number from {sql:?}: {s:?}")))
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = psql(
            &self.server,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_name_is_replaced_and_the_query_kept() {
        assert_eq!(
            with_database("postgres://u@h:5/postgres?sslmode=require", "t1"),
            "postgres://u@h:5/t1?sslmode=require"
        );
        assert_eq!(
            with_database("postgres://u@h:5", "t1"),
            "postgres://u@h:5/t1"
        );
    }
}
