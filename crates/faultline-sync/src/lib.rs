//! Faultline's sync engine: pushes the laptop's outbox to its hub in batches (photos first), then
//! pulls what changed on its site page by page, each page applied with its cursor in one SQLite
//! transaction. Every step can be cut at any point and simply run again: the hub answers a
//! replayed mutation as the first time, and a page is either kept with its cursor or not at all.
//!
//! Blocking HTTP (reqwest with rustls) on the caller's thread: the CLI calls [`sync_once`]
//! directly, the app runs [`AutoSync`] on a thread of its own.

mod auto;
mod backoff;
mod client;
mod downloads;
mod engine;
mod enroll;
mod error;
mod local_state;
mod plan;
#[cfg(test)]
mod plan_tests;
mod progress_feed;
mod pull_step;
mod push_step;

pub use auto::{AutoSync, AutoSyncEvent};
pub use backoff::Backoff;
pub use client::{ClientOptions, HubClient};
pub use engine::{sync_once, SyncOptions, SyncReport};
pub use enroll::{enroll, EnrollRequest};
pub use error::SyncError;
