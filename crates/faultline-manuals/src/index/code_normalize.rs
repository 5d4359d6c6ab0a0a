//! Fault-code normalisation for the index's `code` field: the one implementation lives in
//! `faultline_core::code_normalize` (the diagnosis ranking matches codes with it too); this
//! module re-exports it so the index's paths stay as they were.

pub use faultline_core::code_normalize::*;
