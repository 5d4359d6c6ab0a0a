//! Sync wire types shared by the Faultline app and the hub: serde only, no IO.
//!
//! A [`Mutation`] is one local change, recorded in the app's outbox in the same SQLite
//! transaction as the change itself and pushed to the hub later. Its id is a client-made UUIDv7,
//! so a replayed push is recognised and answered as the first time.

pub mod mutation;

pub use mutation::{Mutation, MutationEnvelope};

/// Version of the sync protocol this crate describes.
pub const PROTOCOL_VERSION: u32 = 1;
