//! The rows a hub load stages into PostgreSQL, one struct per kind with its column list and
//! COPY types: what the importer's records become on the hub (`load_sink.rs`), and what
//! `load_copy.rs` writes.

use chrono::{DateTime, Utc};
use tokio_postgres::types::{ToSql, Type};
use uuid::Uuid;

/// A row that can be written into its staging table.
pub trait Staged: Send + 'static {
    const TYPES: &'static [Type];
    fn values(&self) -> Vec<&(dyn ToSql + Sync)>;
}

#[derive(Debug, Clone)]
pub struct AssetRow {
    pub id: Uuid,
    pub external_key: String,
    pub tag: String,
    pub name: String,
    pub location_code: Option<String>,
    pub location_name: Option<String>,
    pub parent_id: Option<Uuid>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub equipment_class: Option<String>,
    pub criticality: Option<String>,
    pub serial_number: Option<String>,
    pub description: Option<String>,
}

pub const ASSET_COLS: &str =
    "id, external_key, tag, name, location_code, location_name, parent_id, \
     manufacturer, model, equipment_class, criticality, serial_number, description";

impl Staged for AssetRow {
    const TYPES: &'static [Type] = &[
        Type::UUID,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::UUID,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
    ];
    fn values(&self) -> Vec<&(dyn ToSql + Sync)> {
        vec![
            &self.id,
            &self.external_key,
            &self.tag,
            &self.name,
            &self.location_code,
            &self.location_name,
            &self.parent_id,
            &self.manufacturer,
            &self.model,
            &self.equipment_class,
            &self.criticality,
            &self.serial_number,
            &self.description,
        ]
    }
}

#[derive(Debug, Clone)]
pub struct WoRow {
    pub id: Uuid,
    pub external_key: Option<String>,
    pub number: String,
    pub asset_id: Uuid,
    pub wo_type: String,
    pub status: String,
    pub priority: i16,
    pub title: String,
    pub description: Option<String>,
    pub fault_code: Option<String>,
    pub reported_by: Option<String>,
    pub reported_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub downtime_start: Option<DateTime<Utc>>,
    pub downtime_end: Option<DateTime<Utc>>,
    /// failure_class, problem_code, cause_code, remedy_code, iso_failure_mode,
    /// iso_failure_mechanism, iso_failure_cause, remedy_text.
    pub codes: [Option<String>; 8],
    pub cost: Option<f64>,
}

pub const WO_COLS: &str = "id, external_key, number, asset_id, wo_type, status, priority, title, \
     description, fault_code, reported_by, reported_at, started_at, finished_at, downtime_start, \
     downtime_end, failure_class, problem_code, cause_code, remedy_code, iso_failure_mode, \
     iso_failure_mechanism, iso_failure_cause, remedy_text, cost";

impl Staged for WoRow {
    const TYPES: &'static [Type] = &[
        Type::UUID,
        Type::TEXT,
        Type::TEXT,
        Type::UUID,
        Type::TEXT,
        Type::TEXT,
        Type::INT2,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TIMESTAMPTZ,
        Type::TIMESTAMPTZ,
        Type::TIMESTAMPTZ,
        Type::TIMESTAMPTZ,
        Type::TIMESTAMPTZ,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::FLOAT8,
    ];
    fn values(&self) -> Vec<&(dyn ToSql + Sync)> {
        let mut v: Vec<&(dyn ToSql + Sync)> = vec![
            &self.id,
            &self.external_key,
            &self.number,
            &self.asset_id,
            &self.wo_type,
            &self.status,
            &self.priority,
            &self.title,
            &self.description,
            &self.fault_code,
            &self.reported_by,
            &self.reported_at,
            &self.started_at,
            &self.finished_at,
            &self.downtime_start,
            &self.downtime_end,
        ];
        for c in &self.codes {
            v.push(c);
        }
        v.push(&self.cost);
        v
    }
}

#[derive(Debug, Clone)]
pub struct CodeRow {
    pub level: String,
    pub parent: String,
    pub code: String,
    pub description: String,
}

impl Staged for CodeRow {
    const TYPES: &'static [Type] = &[Type::TEXT, Type::TEXT, Type::TEXT, Type::TEXT];
    fn values(&self) -> Vec<&(dyn ToSql + Sync)> {
        vec![&self.level, &self.parent, &self.code, &self.description]
    }
}

/// A procedure (job plan) with its steps as one JSON array of `ProcedureStepRecord`s.
#[derive(Debug, Clone)]
pub struct ProcedureRow {
    pub code: String,
    pub title: String,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub equipment_class: Option<String>,
    pub problem_code: Option<String>,
    pub steps: serde_json::Value,
}

pub const PROCEDURE_COLS: &str =
    "code, title, manufacturer, model, equipment_class, problem_code, steps";

impl Staged for ProcedureRow {
    const TYPES: &'static [Type] = &[
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::JSONB,
    ];
    fn values(&self) -> Vec<&(dyn ToSql + Sync)> {
        vec![
            &self.code,
            &self.title,
            &self.manufacturer,
            &self.model,
            &self.equipment_class,
            &self.problem_code,
            &self.steps,
        ]
    }
}

/// The columns of `kind`'s rows whose field a mapping does not map (by `has`): the ones a load
/// that rewrites only mapped columns leaves as they are on a row that exists. The key columns
/// are never rewritten anyway.
pub fn unmapped(
    kind: faultline_core::import::RecordKind,
    has: impl Fn(&str) -> bool,
) -> Vec<String> {
    use faultline_core::import::RecordKind;
    // (column, the mapping fields that fill it)
    let cols: &[(&str, &[&str])] = match kind {
        RecordKind::Assets => &[
            ("tag", &["tag"]),
            ("name", &["name"]),
            ("location_code", &["location"]),
            ("location_name", &["location_name", "location"]),
            ("parent_id", &["parent_tag"]),
            ("manufacturer", &["manufacturer"]),
            ("model", &["model"]),
            ("equipment_class", &["equipment_class"]),
            ("criticality", &["criticality"]),
            ("serial_number", &["serial_number"]),
            ("description", &["description"]),
        ],
        RecordKind::WorkOrders => &[
            ("number", &["number", "key"]),
            ("asset_id", &["asset_tag"]),
            ("wo_type", &["wo_type"]),
            ("status", &["status"]),
            ("priority", &["priority"]),
            ("title", &["title"]),
            ("description", &["description"]),
            ("fault_code", &["fault_code"]),
            ("reported_by", &["reported_by"]),
            ("reported_at", &["reported_at"]),
            ("started_at", &["started_at"]),
            ("finished_at", &["finished_at"]),
            ("downtime_start", &["downtime_start"]),
            ("downtime_end", &["downtime_end"]),
            ("failure_class", &["failure_class"]),
            ("problem_code", &["problem_code"]),
            ("cause_code", &["cause_code"]),
            ("remedy_code", &["remedy_code"]),
            ("iso_failure_mode", &["iso_failure_mode"]),
            ("iso_failure_mechanism", &["iso_failure_mechanism"]),
            ("iso_failure_cause", &["iso_failure_cause"]),
            ("remedy_text", &["remedy_text"]),
            ("cost", &["cost"]),
        ],
        // A catalogue entry and a job plan are whole records.
        _ => &[],
    };
    cols.iter()
        .filter(|(_, fields)| !fields.iter().any(|f| has(f)))
        .map(|(c, _)| c.to_string())
        .collect()
}
