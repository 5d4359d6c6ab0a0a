//! A fresh PostgreSQL database per test, on the cluster `make test` starts (`scripts/pg.sh`),
//! dropped when the test ends: the workspace's one harness, `faultline-pgtest`, with anyhow
//! errors. Without `FAULTLINE_TEST_DATABASE_URL` the tests fail with advice instead of passing
//! silently.

use anyhow::Result;

pub use faultline_pgtest::DB_ENV;

/// A database created for one test.
pub struct TestDb {
    pub url: String,
    db: faultline_pgtest::TestDb,
}

impl TestDb {
    pub fn create(prefix: &str) -> Result<Self> {
        let db = faultline_pgtest::TestDb::create(prefix)?;
        Ok(TestDb {
            url: db.url.clone(),
            db,
        })
    }

    /// Runs one SQL statement on the test database and returns its output (unaligned, no header).
    pub fn query(&self, sql: &str) -> Result<String> {
        Ok(self.db.query(sql)?)
    }

    /// The single number a `SELECT count(*)…` returns.
    pub fn count(&self, sql: &str) -> Result<i64> {
        Ok(self.db.count(sql)?)
    }
}
