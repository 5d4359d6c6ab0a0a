//! Full records as the hub sends them down in a pull: the hub's current state of each one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssetRecord {
    pub id: Uuid,
    pub external_key: String,
    pub tag: String,
    pub name: String,
    pub site_code: String,
    pub location_code: Option<String>,
    pub location_name: Option<String>,
    pub parent_id: Option<Uuid>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub equipment_class: Option<String>,
    pub criticality: Option<String>,
    pub serial_number: Option<String>,
    pub description: Option<String>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkOrderRecord {
    pub id: Uuid,
    pub external_key: Option<String>,
    pub number: String,
    pub asset_id: Uuid,
    pub wo_type: String,
    pub status: String,
    pub priority: u8,
    pub title: String,
    pub description: Option<String>,
    pub fault_code: Option<String>,
    pub reported_by: Option<String>,
    pub reported_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub downtime_start: Option<DateTime<Utc>>,
    pub downtime_end: Option<DateTime<Utc>>,
    pub failure_class: Option<String>,
    pub problem_code: Option<String>,
    pub cause_code: Option<String>,
    pub remedy_code: Option<String>,
    pub iso_failure_mode: Option<String>,
    pub iso_failure_mechanism: Option<String>,
    pub iso_failure_cause: Option<String>,
    pub remedy_text: Option<String>,
    pub cost: Option<f64>,
    pub version: i64,
    /// Every stop/restart interval, in time order, when the machine stopped more than once or
    /// the hub knows intervals (`downtime_start` is then the first start, `downtime_end` the last
    /// end, `None` while the last interval is open). Empty from hubs built before intervals:
    /// `downtime_start`..`downtime_end` is then the one interval.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub downtime_intervals: Vec<DowntimeIntervalRecord>,
}

/// One stop/restart interval of a breakdown (`end` is `None` while the machine is down).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DowntimeIntervalRecord {
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoteRecord {
    pub id: Uuid,
    pub work_order_id: Uuid,
    pub author: String,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartRecord {
    pub id: Uuid,
    pub work_order_id: Uuid,
    pub part_number: String,
    pub description: Option<String>,
    pub quantity: f64,
    /// Unit of measure; absent from hubs built before units (read as `ea`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhotoRecord {
    pub id: Uuid,
    pub work_order_id: Uuid,
    /// The photo's bytes: `GET /v1/sites/{site}/blobs/{sha256}`.
    pub sha256: String,
    pub mime: String,
    pub size_bytes: i64,
    pub caption: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// One entry of the failure-code catalogue (`level` = class | problem | cause | remedy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureCodeRecord {
    pub level: String,
    pub parent: String,
    pub code: String,
    pub description: String,
}

/// A procedure (job plan) of the site, always sent whole. `model` (with an optional
/// `manufacturer`) or `equipment_class` say which assets it is for; neither = every asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureRecord {
    pub code: String,
    pub title: String,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub equipment_class: Option<String>,
    pub problem_code: Option<String>,
    /// Numbered 1..n in order.
    pub steps: Vec<ProcedureStepRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureStepRecord {
    pub number: u32,
    pub instruction: String,
    pub caution: Option<String>,
}

/// A manual PDF published to the site; its bytes are the blob `sha256`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManualRecord {
    pub sha256: String,
    pub file_name: String,
    pub title: Option<String>,
    pub size_bytes: i64,
    /// Asset models the manual covers, as `manufacturer|model`.
    pub models: Vec<String>,
}
