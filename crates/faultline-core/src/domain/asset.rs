//! Assets: the machines technicians fix, where they stand and what model they are.

use super::{FaultEvent, WorkOrderSummary};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

/// Business impact of an asset's failure: A high, B medium, C low.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum Criticality {
    A,
    B,
    C,
}

impl Criticality {
    pub fn as_str(self) -> &'static str {
        match self {
            Criticality::A => "A",
            Criticality::B => "B",
            Criticality::C => "C",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_uppercase().as_str() {
            "A" | "1" | "HIGH" => Some(Criticality::A),
            "B" | "2" | "MEDIUM" => Some(Criticality::B),
            "C" | "3" | "LOW" => Some(Criticality::C),
            _ => None,
        }
    }
}

/// One line of the asset finder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AssetSummary {
    pub id: Uuid,
    pub tag: String,
    pub name: String,
    pub location: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub equipment_class: Option<String>,
    pub criticality: Option<Criticality>,
    pub open_work_orders: u32,
}

/// A reference to another asset (parent or child).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AssetRef {
    pub id: Uuid,
    pub tag: String,
    pub name: String,
}

/// Everything about one asset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Asset {
    pub id: Uuid,
    pub tag: String,
    pub name: String,
    pub site_code: String,
    pub site_name: String,
    pub location_code: Option<String>,
    pub location_name: Option<String>,
    pub parent: Option<AssetRef>,
    pub children: Vec<AssetRef>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub equipment_class: Option<String>,
    pub criticality: Option<Criticality>,
    pub serial_number: Option<String>,
    pub description: Option<String>,
}

/// The asset page: the asset, its open work, its history and its recent alarms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AssetPage {
    pub asset: Asset,
    pub open_work_orders: Vec<WorkOrderSummary>,
    /// Newest first, at most the limit asked for.
    pub history: Vec<WorkOrderSummary>,
    /// How many work orders the asset has in all.
    pub history_total: u32,
    pub recent_faults: Vec<FaultEvent>,
    /// Procedures for its model, then its equipment class, then every asset.
    pub procedures: Vec<super::ProcedureSummary>,
    /// What helps fix it now: earlier fixes of the open breakdown's code, alarms grouped by
    /// code, the children's open work.
    pub help: super::AssetHelp,
}
