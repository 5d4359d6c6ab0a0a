//! Generates the plant's asset register (assets.csv): lines, areas, tags like `L03-PMP-01234`,
//! makes and models, criticality, and motors/gearboxes hung under the machine they drive.

use crate::prng::Prng;
use crate::vocab::{EquipmentType, AREAS, TYPES};
use anyhow::Result;
use std::io::Write;
use std::path::Path;

pub struct GeneratedAsset {
    pub tag: String,
    pub name: String,
    /// Relative share of the plant's work orders (skewed: a few assets get most of them).
    pub weight: f64,
}

const HEADER: [&str; 12] = [
    "ASSETNUM",
    "DESCRIPTION",
    "SITEID",
    "LOCATION",
    "LOCATIONDESC",
    "PARENT",
    "MANUFACTURER",
    "MODELNUM",
    "EQUIPCLASS",
    "CRITICALITY",
    "SERIALNUM",
    "LONGDESCRIPTION",
];

fn pick_type(rng: &mut Prng) -> &'static EquipmentType {
    let total: u32 = TYPES.iter().map(|t| t.weight).sum();
    let mut x = u32::try_from(rng.below(total as usize)).unwrap_or(0);
    for t in TYPES {
        if x < t.weight {
            return t;
        }
        x -= t.weight;
    }
    &TYPES[0]
}

pub fn write(path: &Path, n: usize, seed: u64) -> Result<Vec<GeneratedAsset>> {
    let mut rng = Prng::new(seed);
    let lines = (n / 500).clamp(1, 99);
    let mut w = csv::Writer::from_writer(std::io::BufWriter::with_capacity(
        1 << 20,
        std::fs::File::create(path)?,
    ));
    w.write_record(HEADER)?;
    let mut out = Vec::with_capacity(n);
    // The last driven machine on each line: motors and gearboxes may hang under it.
    let mut last_machine: Vec<Option<String>> = vec![None; lines + 1];
    for i in 0..n {
        let line = 1 + rng.below(lines);
        let t = pick_type(&mut rng);
        let tag = format!("L{line:02}-{}-{:05}", t.code, i + 1);
        let name = format!("{} {}", rng.pick(t.nouns), rng.pick(t.duties));
        let site = if line <= lines.div_ceil(2) {
            "NORTH"
        } else {
            "SOUTH"
        };
        let area = AREAS[line % AREAS.len()];
        let zone = 1 + rng.below(5);
        let location = format!("L{line:02}-Z{zone}");
        let location_desc = format!("Line {line} {area} zone {zone}");
        let parent = match t.code {
            "MTR" | "GBX" if rng.chance(0.5) => last_machine[line].clone(),
            "MTR" | "GBX" | "VLV" => None,
            _ => {
                last_machine[line] = Some(tag.clone());
                None
            }
        };
        let (make, model) = *rng.pick(t.models);
        let (crit, crit_factor) = match rng.below(10) {
            0 | 1 => ("HIGH", 2.5),
            2..=6 => ("MEDIUM", 1.0),
            _ => ("LOW", 0.6),
        };
        let serial = format!(
            "{}-{:02}{:05}",
            &make[..2].to_uppercase(),
            10 + rng.below(15),
            rng.below(100_000)
        );
        let long = if rng.chance(0.4) {
            format!(
                "{} {model}, installed 20{:02}, {area}.",
                t.nouns[0],
                5 + rng.below(20)
            )
        } else {
            String::new()
        };
        w.write_record([
            tag.as_str(),
            &name,
            site,
            &location,
            &location_desc,
            parent.as_deref().unwrap_or(""),
            make,
            model,
            t.class,
            crit,
            &serial,
            &long,
        ])?;
        let weight = (1.2 * rng.normal()).exp() * crit_factor;
        out.push(GeneratedAsset { tag, name, weight });
    }
    w.flush()?;
    w.into_inner()
        .map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?
        .flush()?;
    Ok(out)
}
