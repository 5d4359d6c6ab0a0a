//! The synthetic plant on disk: CSV exports shaped like a Maximo extract plus the mapping TOMLs
//! (docs/import-mapping.md), written once per parameter set and reused while they match.

use crate::gen_assets::{self, GeneratedAsset};
use crate::gen_work_orders;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Bump when the generator's output changes, so old files are regenerated.
const GENERATOR_VERSION: u32 = 2;
pub const SEED: u64 = 0x00FA_0171_2025;

#[derive(Debug, Clone, Copy)]
pub struct PlantSpec {
    pub assets: usize,
    pub work_orders: usize,
}

pub struct PlantFiles {
    pub assets_csv: PathBuf,
    pub assets_toml: PathBuf,
    pub work_orders_csv: PathBuf,
    pub work_orders_toml: PathBuf,
    /// Seconds spent generating; None when the files were reused.
    pub generated_secs: Option<f64>,
}

const ASSETS_TOML: &str = r#"# Synthetic plant for faultline-bench: a Maximo-style ASSET extract.
kind = "assets"

[csv]
null_values = [""]

[fields]
tag = "{ASSETNUM}"
name = "{DESCRIPTION}"
site = "{SITEID}"
location = "{LOCATION}"
location_name = "{LOCATIONDESC}"
parent_tag = "{PARENT}"
manufacturer = "{MANUFACTURER}"
model = "{MODELNUM}"
equipment_class = "{EQUIPCLASS}"
criticality = "{CRITICALITY}"
serial_number = "{SERIALNUM}"
description = "{LONGDESCRIPTION}"

[values.criticality]
HIGH = "A"
MEDIUM = "B"
LOW = "C"
"#;

const WORK_ORDERS_TOML: &str = r#"# Synthetic plant for faultline-bench: a Maximo-style WORKORDER extract.
kind = "work_orders"

[csv]
date_formats = ["%Y-%m-%dT%H:%M:%S"]
timezone = "UTC"
null_values = [""]

[fields]
key = "{WONUM}"
number = "{WONUM}"
asset_tag = "{ASSETNUM}"
wo_type = "{WORKTYPE}"
status = "{STATUS}"
priority = "{WOPRIORITY}"
title = "{DESCRIPTION}"
description = "{LONGDESCRIPTION}"
fault_code = "{FAULTCODE}"
reported_by = "{REPORTEDBY}"
reported_at = "{REPORTDATE}"
started_at = "{ACTSTART}"
finished_at = "{ACTFINISH}"
downtime_start = "{DOWNSTART}"
downtime_end = "{DOWNEND}"
failure_class = "{FAILURECLASS}"
problem_code = "{PROBLEMCODE}"
cause_code = "{CAUSE}"
remedy_code = "{REMEDY}"
iso_failure_mode = "{ISOMODE}"
iso_failure_mechanism = "{ISOMECHANISM}"
iso_failure_cause = "{ISOCAUSE}"
remedy_text = "{FAILUREREMARK}"
cost = "{ACTTOTALCOST}"

[values.wo_type]
PM = "preventive"
CM = "corrective"
EM = "breakdown"

[values.status]
WAPPR = "open"
APPR = "open"
INPRG = "in_progress"
COMP = "completed"
CLOSE = "closed"
CAN = "cancelled"
"#;

fn stamp(spec: PlantSpec) -> String {
    format!(
        "generator={GENERATOR_VERSION} seed={SEED} assets={} work_orders={}\n",
        spec.assets, spec.work_orders
    )
}

/// Writes the plant into `dir` unless the same parameters were written there before.
pub fn ensure_plant(dir: &Path, spec: PlantSpec) -> Result<PlantFiles> {
    let mut files = PlantFiles {
        assets_csv: dir.join("assets.csv"),
        assets_toml: dir.join("assets.toml"),
        work_orders_csv: dir.join("work_orders.csv"),
        work_orders_toml: dir.join("work_orders.toml"),
        generated_secs: None,
    };
    let stamp_path = dir.join("params.txt");
    let all_there = [
        &files.assets_csv,
        &files.assets_toml,
        &files.work_orders_csv,
        &files.work_orders_toml,
    ]
    .iter()
    .all(|p| p.is_file());
    let same = std::fs::read_to_string(&stamp_path).is_ok_and(|s| s == stamp(spec));
    if all_there && same {
        return Ok(files);
    }
    let started = Instant::now();
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    // The stamp goes last: an interrupted run is regenerated next time.
    let _ = std::fs::remove_file(&stamp_path);
    std::fs::write(&files.assets_toml, ASSETS_TOML)?;
    std::fs::write(&files.work_orders_toml, WORK_ORDERS_TOML)?;
    let assets = gen_assets::write(&files.assets_csv, spec.assets, SEED)?;
    gen_work_orders::write(
        &files.work_orders_csv,
        &assets,
        spec.work_orders,
        SEED ^ 0x5EED,
    )?;
    std::fs::write(&stamp_path, stamp(spec))?;
    files.generated_secs = Some(started.elapsed().as_secs_f64());
    Ok(files)
}

/// The tags and names of the plant's assets, read back from its CSV (for the query mixes).
pub fn read_assets(csv_path: &Path) -> Result<Vec<GeneratedAsset>> {
    let mut reader = csv::Reader::from_path(csv_path)
        .with_context(|| format!("opening {}", csv_path.display()))?;
    let mut out = Vec::new();
    for rec in reader.records() {
        let rec = rec.with_context(|| format!("reading {}", csv_path.display()))?;
        out.push(GeneratedAsset {
            tag: rec.get(0).unwrap_or_default().to_string(),
            name: rec.get(1).unwrap_or_default().to_string(),
            weight: 0.0,
        });
    }
    Ok(out)
}
