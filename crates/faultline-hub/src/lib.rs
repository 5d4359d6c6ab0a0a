//! Faultline's hub: the server laptops sync with. Devices push their queued mutations (answered
//! one by one: applied, replayed, rejected or in conflict) and pull their site's changes from an
//! opaque cursor; photos and manuals travel as content-addressed, resumable blobs. All state is
//! in PostgreSQL, so any number of hub processes can serve one database.
//!
//! `http` is the API (docs/sync-protocol.md), `store::HubStore` the seam to storage, `pg` its
//! PostgreSQL implementation, `admin` the admin commands (sites, devices, master-data loads).

pub mod admin;
pub mod connector;
pub mod cursor;
pub mod error;
pub mod export;
pub mod fields;
pub mod horizon;
pub mod http;
pub mod limits;
pub mod metrics;
pub mod pg;
pub mod priority;
pub mod push_checks;
pub mod send_deadline;
pub mod server;
pub mod store;
pub mod token;
pub mod transitions;

pub use error::{HubError, Result};
pub use limits::Limits;
pub use pg::PgStore;
pub use store::{Device, HubStore};
