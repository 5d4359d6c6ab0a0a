//! What the plant's CMMS made of a change the hub had applied (docs/cmms-connectors.md): the
//! hub answers a push from its own store, then its connector sends the change on; a refusal by
//! the CMMS (a Maximo BMXAA validation error) comes back to the laptops as a pulled
//! [`CmmsRefusalRecord`], and the laptop that made the change shows it as a rejected change
//! (code [`crate::push::reject_codes::CMMS_REJECTED`]), like a refusal of the hub's own.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A change the CMMS refused (`{"kind": "cmms_refusal", "record": {...}}` in a pull).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CmmsRefusalRecord {
    /// The refused change (the laptop's outbox entry).
    pub mutation_id: Uuid,
    pub work_order_id: Option<Uuid>,
    /// The CMMS's own code (Maximo: `BMXAA4195E`).
    pub cmms_code: String,
    /// The CMMS's sentence.
    pub reason: String,
    pub refused_at: DateTime<Utc>,
    /// True once the change reached the CMMS after all (`faultline-hub maximo retry`): the
    /// laptop shows it as synced again.
    pub cleared: bool,
}
