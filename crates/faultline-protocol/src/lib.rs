//! Sync wire types shared by the Faultline app and the hub: serde only, no IO.
//!
//! A [`Mutation`] is one local change, recorded in the app's outbox in the same SQLite
//! transaction as the change itself and pushed to the hub later. Its id is a client-made UUIDv7,
//! so a replayed push is recognised and answered as the first time. The hub answers every
//! mutation on its own ([`push::Outcome`]); devices pull what changed on their site from an
//! opaque cursor ([`pull`]). `docs/sync-protocol.md` describes the endpoints.

pub mod api;
mod change_decode;
pub mod cmms;
pub mod correction;
pub mod diagnosis;
pub mod mutation;
pub mod pull;
pub mod push;
pub mod records;

pub use api::{ApiError, Capabilities, WhoAmI};
pub use cmms::CmmsRefusalRecord;
pub use correction::{CorrectionRecord, HandoverNoteRecord};
pub use diagnosis::{DiagnosisSessionRecord, DiagnosisStepRecord, GuideRecord};
pub use mutation::{Mutation, MutationEnvelope};
pub use pull::{Change, PullResponse};
pub use push::{MutationResult, Outcome, PushRequest, PushResponse};
pub use records::*;

/// Version of the sync protocol this crate describes.
pub const PROTOCOL_VERSION: u32 = 1;

/// How many kinds of [`Change`] this build knows. Add one with each new kind: a laptop that was
/// updated to a build that knows more kinds pulls its site's feed again from the start, to get
/// the records of the new kinds it skipped as [`Change::Unknown`] before.
pub const CHANGE_KINDS: u32 = 16;

/// Request header every `/v1` call carries with [`PROTOCOL_VERSION`].
pub const VERSION_HEADER: &str = "faultline-protocol";
