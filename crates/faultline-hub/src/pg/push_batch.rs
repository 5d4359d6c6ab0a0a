//! The batch a push decides in memory: the hub's rows it touches (loaded once by the push's IO
//! shell, `push.rs`), and the rows and answers its mutations add. The decision functions
//! (`push_appends`, `field_edits`, `push_corrections`, `downtime_intervals`) take a `Batch` and
//! return a `Decision`; none of them reads or writes the database.

use super::{push_context, push_extra, wo_state};
use crate::store::Device;
use chrono::{DateTime, Utc};
use faultline_protocol::Outcome;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// What to do with an outcome: keep it as the mutation's answer, or forget the mutation id so
/// the device can push it again once it has fixed the cause (an upload).
pub enum Decision {
    Record(Outcome),
    Forget(Outcome),
}

pub fn rejected(code: &str, reason: impl Into<String>) -> Outcome {
    Outcome::Rejected {
        code: code.to_string(),
        reason: reason.into(),
    }
}

/// A work order as the batch sees it while deciding its mutations.
pub struct SimWo {
    pub st: wo_state::WoState,
    /// Changed by the batch (written back at the end, unless the batch creates it).
    pub dirty: bool,
    /// Created by the batch.
    pub created: Option<wo_state::NewWo>,
}

pub struct NewNote {
    pub id: Uuid,
    pub work_order_id: Uuid,
    pub author: String,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

pub struct NewPart {
    pub id: Uuid,
    pub work_order_id: Uuid,
    pub part_number: String,
    pub description: Option<String>,
    pub quantity: f64,
    /// The unit in its canonical spelling (`validate::check_quantity`).
    pub unit: String,
    pub created_at: DateTime<Utc>,
}

pub struct NewPhoto {
    pub id: Uuid,
    pub work_order_id: Uuid,
    pub sha256: String,
    pub mime: String,
    pub size_bytes: i64,
    pub caption: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub struct NewConflict {
    pub info: faultline_protocol::push::ConflictInfo,
    /// The device that made the hub's value, when known.
    pub changed_by: Option<Uuid>,
    pub mutation_id: Uuid,
    /// True for the first conflict of its mutation, the one the mutation is answered with.
    pub answers: bool,
}

/// The batch's view of the hub while its mutations are decided, and the rows they add.
pub struct Batch<'a> {
    pub device: &'a Device,
    /// The work orders the batch touches that exist (at this point of the batch).
    pub wos: HashMap<Uuid, SimWo>,
    pub assets: HashSet<Uuid>,
    /// Blob sizes, by sha256, of the photos' blobs the site may use.
    pub blobs: HashMap<String, i64>,
    /// (conflict, work order, field) of the conflicts the batch resolves, locked.
    pub open_conflicts: HashSet<(Uuid, Uuid, String)>,
    pub notes: Vec<NewNote>,
    pub parts: Vec<NewPart>,
    pub photos: Vec<NewPhoto>,
    pub conflicts: Vec<NewConflict>,
    pub resolutions: Vec<(Uuid, Value)>,
    /// The hub's clock for this push (times beyond it plus the skew tolerance are refused).
    pub now: DateTime<Utc>,
    /// The site's catalogue entries for the codes the batch sets.
    pub catalog: push_context::Catalog,
    /// Note, part and photo ids taken on the site (before the batch, and by it so far).
    pub taken_ids: HashSet<Uuid>,
    /// When the machine of each work order the batch stops was last back in service.
    pub back_in_service: HashMap<Uuid, DateTime<Utc>>,
    /// Corrections, handover notes and finished downtime intervals (`push_extra`, decided in `push_corrections`).
    pub extra: push_extra::Extra,
}

impl Batch<'_> {
    pub fn site(&self) -> &str {
        &self.device.site_code
    }

    pub fn version(&self, wo: Uuid) -> Option<i64> {
        self.wos.get(&wo).map(|w| w.st.version)
    }
}
