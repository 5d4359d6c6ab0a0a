//! Live CMMS connectors (docs/cmms-connectors.md): what technicians logged, sent to the plant's
//! system of record as it is applied. The hub queues every applied mutation of a site with a
//! connector in PostgreSQL (`cmms_outbox`, filled by a trigger in the change's own transaction);
//! [`drain`] claims rows with `FOR UPDATE SKIP LOCKED` (any number of hub processes, never the
//! same row twice, a work order's changes in order) and hands each to a [`Connector`]: Maximo
//! first, SAP PM can be the second, each one only maps an [`OutboxItem`] to its API.

mod diagnosis_log;
mod feedback;
mod inbound;
mod inbound_codes;
pub mod inbound_rows;
mod maximo;
mod maximo_rows;
mod probe;
mod queue;
mod reconcile;
mod reconcile_downtime;
pub mod reconcile_rows;
mod reconcile_stop_rows;
mod run;

pub use inbound::{fetch, fetch_site, FetchReport, PAGE_SIZE};
pub use inbound_codes::{sweep_codes, CodeSweep};
pub use maximo::Maximo;
pub use probe::{probe, transcript, ProbeStep, ProbeWrites};
pub use reconcile::{
    reconcile, reconcile_site, run_reconciles, ReconcileReport, RECENT_DAYS, RECONCILE_EVERY,
};
pub use run::{drain_site, drain_site_yielding, run_connectors, BULK_ITEMS, REQUEST_TIMEOUT};

pub use queue::{
    configure, connector_config, drain, drain_bulk, drain_yielding, retry_failed, status,
    ConnectorConfig, DrainReport, FetchStatus, OutboxStatus,
};

use std::future::Future;
use uuid::Uuid;

/// One applied mutation waiting to reach the CMMS.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxItem {
    pub id: i64,
    pub site: String,
    /// The external reference every record created in the CMMS carries, looked up before a
    /// create is sent again (a lost answer after the CMMS committed never doubles a row).
    pub mutation_id: Uuid,
    /// The mutation's kind (`create_work_order`, `add_note`, `set_status`, `close_work_order`…).
    pub kind: String,
    pub work_order_id: Option<Uuid>,
    /// The work order's number and its asset's tag on the hub (how the CMMS knows them).
    pub work_order_number: Option<String>,
    pub asset_tag: Option<String>,
    /// The mutation as the laptop sent it (faultline-protocol `Mutation` JSON).
    pub payload: serde_json::Value,
    /// Earlier attempts that did not reach an answer.
    pub attempts: i32,
    /// What the hub last read of the work order in the CMMS (none before the first send).
    pub seen: Option<CmmsSeen>,
    /// A photo's bytes (`add_photo`), read from the hub's blob store by the drain; `None` for
    /// other kinds, or when the hub no longer has them.
    pub attachment: Option<Vec<u8>>,
    /// A diagnosis row's session as the hub has it (`record_diagnosis`, `diagnosis_summary`),
    /// read by the drain; `None` for other kinds.
    pub diagnosis: Option<faultline_core::domain::DiagnosisSession>,
}

/// A work order as the hub last read it in the CMMS: its row stamp (Maximo `_rowstamp`, renewed
/// by every change there) and the values of the fields the connector sends, in the CMMS's names.
/// A stamp that moved since means someone changed the record in the CMMS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CmmsSeen {
    pub rowstamp: String,
    pub fields: serde_json::Value,
}

/// A field a queued change sets that was changed in the CMMS to another value since the hub
/// last read it: both values go to the laptops as a conflict, and the CMMS keeps its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CmmsConflict {
    /// The work-order field, in Faultline's name (`status`, `remedy_code`…).
    pub field: String,
    /// The CMMS's value, in Faultline's terms (a Maximo status becomes `in_progress`…).
    pub cmms_value: serde_json::Value,
    /// The value the change wanted.
    pub our_value: serde_json::Value,
}

/// What the CMMS made of one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// The CMMS has it (now or from an earlier attempt); its id there, when it has one, and
    /// the work order as the CMMS answered it (`None`: what the hub had seen stays).
    Sent {
        external_id: Option<String>,
        seen: Option<CmmsSeen>,
    },
    /// Fields changed in the CMMS since the hub last read the work order, which this change set
    /// to other values: not sent (the others were), kept as conflicts for a person.
    Conflict {
        conflicts: Vec<CmmsConflict>,
        seen: Option<CmmsSeen>,
    },
    /// Nothing for the CMMS (a kind it does not take); the row is marked sent.
    Skipped,
    /// Not answered (down, timeout, 5xx): sent again later, with backoff.
    Retry(String),
    /// Refused for a reason a person must act on (a validation error: `CODE: sentence`). The
    /// row and the later ones of its work order wait for `retry`; the laptop that made the
    /// change sees it rejected (a pulled `cmms_refusal`).
    Rejected(String),
    /// The CMMS refused the key (expired or revoked): sending stops for the site, nothing is
    /// lost, and resumes once the key is configured again.
    AuthRefused(String),
}

/// A CMMS's API, as the drain uses it.
pub trait Connector: Send + Sync {
    /// Sends one item; must be idempotent across retries (look the external reference up
    /// before creating).
    fn send(&self, item: &OutboxItem) -> impl Future<Output = SendOutcome> + Send;

    /// Sends several items, each the oldest unsent change of its own work order; one outcome
    /// per item, in order, each read on its own (a CMMS with a bulk API sends them together).
    fn send_batch(&self, items: &[OutboxItem]) -> impl Future<Output = Vec<SendOutcome>> + Send {
        async move {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(self.send(item).await);
            }
            out
        }
    }
}
