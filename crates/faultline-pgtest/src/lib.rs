//! The one PostgreSQL test harness of the workspace, shared by the hub's integration tests
//! (`crates/faultline-hub/tests/common`), the workspace tests (`tests/src/{pg,hub}.rs`) and the
//! sync benchmarks (`faultline-bench`'s `hub_proc.rs`): a fresh database per test on the server
//! named by `FAULTLINE_TEST_DATABASE_URL` (`scripts/pg.sh start` prints it), dropped when the
//! test ends, and a `faultline-hub` process serving a database on a free loopback port.

mod db;
mod hub;

pub use db::{psql, server_url, with_database, TestDb, DB_ENV};
pub use hub::{enroll, hub_admin, HubProcess};

/// What went wrong while setting up a test database or hub.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "{DB_ENV} is not set: these tests need a PostgreSQL server. Run `make test`, or start a \
         throwaway one with `eval $(scripts/pg.sh start)` (the URL is also in target/pg/env)"
    )]
    NoServer,
    #[error("cannot run {program} ({hint}): {source}")]
    Spawn {
        program: String,
        hint: &'static str,
        source: std::io::Error,
    },
    #[error("{0}")]
    Failed(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
