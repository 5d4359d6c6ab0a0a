//! Faultline's core: everything the app knows, with no Tauri in it.
//!
//! The desktop shell (`src-tauri`), the `faultline` CLI and the tests all call this crate and
//! nothing else. Time and ids come in through [`clock::Clock`] and [`clock::IdSource`] so that
//! tests are deterministic.

pub mod blobs;
pub mod clock;
pub mod code_normalize;
pub mod demo;
pub mod domain;
pub mod error;
pub mod import;
mod import_error;
pub mod numbers;
pub mod private_files;
pub mod store;
pub mod validate;

pub use clock::{Clock, FixedClock, IdSource, SequentialIds, SystemClock, UuidV7Ids};
pub use error::{CoreError, ErrorBody, ErrorCode};
pub use store::Store;
