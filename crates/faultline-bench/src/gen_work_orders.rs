//! Generates ten years of work orders (work_orders.csv) in WONUM order: PM/CM/EM mix, statuses,
//! times, downtime, fault codes, Maximo and ISO 14224 failure codes, costs and remedy notes.

use crate::gen_assets::GeneratedAsset;
use crate::prng::Prng;
use crate::vocab::*;
use anyhow::Result;
use chrono::DateTime;
use std::io::Write;
use std::path::Path;

const HEADER: [&str; 23] = [
    "WONUM",
    "ASSETNUM",
    "WORKTYPE",
    "STATUS",
    "WOPRIORITY",
    "DESCRIPTION",
    "LONGDESCRIPTION",
    "FAULTCODE",
    "REPORTEDBY",
    "REPORTDATE",
    "ACTSTART",
    "ACTFINISH",
    "DOWNSTART",
    "DOWNEND",
    "FAILURECLASS",
    "PROBLEMCODE",
    "CAUSE",
    "REMEDY",
    "ISOMODE",
    "ISOMECHANISM",
    "ISOCAUSE",
    "FAILUREREMARK",
    "ACTTOTALCOST",
];

/// 2015-01-01T00:00:00Z and ten years later.
const START: i64 = 1_420_070_400;
const SPAN: i64 = 10 * 365 * 86_400 + 2 * 86_400;

fn time(secs: i64) -> String {
    DateTime::from_timestamp(secs, 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%S").to_string())
        .unwrap_or_default()
}

fn equipment_type(tag: &str) -> &'static EquipmentType {
    let code = tag.get(4..7).unwrap_or("");
    TYPES.iter().find(|t| t.code == code).unwrap_or(&TYPES[0])
}

fn phrase(problem: &str) -> &'static str {
    match problem {
        "LEAK" => "leaking",
        "NOISE" => "abnormal noise",
        "VIB" => "high vibration",
        "LOWFLOW" => "low flow",
        "OVERHEAT" => "running hot",
        "TRIP" => "tripped",
        "NOSTART" => "will not start",
        "LOWPRESS" => "low pressure",
        "JAM" => "jammed",
        "MISTRACK" => "belt mistracking",
        "BREAK" => "broken",
        "STUCK" => "stuck",
        "NOSIGNAL" => "no feedback signal",
        "FOULING" => "fouled, poor heat transfer",
        "LOWTEMP" => "outlet temperature low",
        "SPINDLE" => "spindle fault",
        "ATC" => "tool changer fault",
        "COOLANT" => "coolant fault",
        "ACCURACY" => "parts out of tolerance",
        "COLLISION" => "collision",
        "GRIPPER" => "gripper not closing",
        "ENCODER" => "encoder fault",
        _ => "alarm",
    }
}

fn fault_code(rng: &mut Prng, t: &EquipmentType) -> String {
    match t.code {
        "CNC" => format!("ALM {}", 1000 + rng.below(9000)),
        "RBT" => format!("SRVO-{:03}", rng.below(400)),
        "MTR" | "FAN" | "CNV" => format!("F{:05}", rng.below(8000)),
        _ => format!("E-{:03}", rng.below(999)),
    }
}

/// 5 to 15 words of what was done.
fn remedy_text(rng: &mut Prng) -> String {
    let target = 5 + rng.below(11);
    let mut words: Vec<&str> = Vec::with_capacity(16);
    words.extend(rng.pick(REMEDY_VERBS).split(' '));
    words.extend(rng.pick(REMEDY_OBJECTS).split(' '));
    let tail: Vec<&str> = rng.pick(REMEDY_TAILS).split(' ').collect();
    while words.len() + tail.len() < target {
        words.push(*rng.pick(FILLER));
    }
    words.extend(tail);
    words.join(" ")
}

pub fn write(path: &Path, assets: &[GeneratedAsset], n: usize, seed: u64) -> Result<()> {
    anyhow::ensure!(
        !assets.is_empty() || n == 0,
        "work orders need at least one asset"
    );
    let mut rng = Prng::new(seed);
    let mut cumulative = Vec::with_capacity(assets.len());
    let mut total = 0.0;
    for a in assets {
        total += a.weight;
        cumulative.push(total);
    }
    let mut w = csv::Writer::from_writer(std::io::BufWriter::with_capacity(
        1 << 20,
        std::fs::File::create(path)?,
    ));
    w.write_record(HEADER)?;
    let slot = SPAN as f64 / n.max(1) as f64;
    let recent = START + SPAN - 30 * 86_400;
    for i in 0..n {
        let x = rng.unit() * total;
        let asset = &assets[cumulative
            .partition_point(|c| *c <= x)
            .min(assets.len() - 1)];
        let t = equipment_type(&asset.tag);
        let reported = START + (i as f64 * slot + rng.unit() * slot) as i64;
        let kind = match rng.below(20) {
            0..=8 => "PM",
            9..=15 => "CM",
            _ => "EM",
        };
        let status = if reported >= recent {
            *rng.pick(&["WAPPR", "APPR", "INPRG", "INPRG", "COMP", "CLOSE"])
        } else {
            match rng.below(100) {
                0..=2 => "CAN",
                3..=4 => "COMP",
                _ => "CLOSE",
            }
        };
        let done = matches!(status, "COMP" | "CLOSE");
        let priority = match kind {
            "EM" => 1 + rng.below(2),
            "CM" => 2 + rng.below(3),
            _ => 3 + rng.below(3),
        };
        let problem = *rng.pick(t.problems);
        let title = if kind == "PM" {
            format!("PM {} {}", rng.pick(PM_TASKS), asset.tag)
        } else if rng.chance(0.5) {
            format!("{} {}", asset.name, phrase(problem))
        } else {
            format!("{} at {}", phrase(problem), rng.pick(REMEDY_OBJECTS))
        };
        let long = if kind != "PM" && rng.chance(0.25) {
            format!(
                "Reported on {} shift: {}. Line informed.",
                rng.pick(&["early", "late", "night"]),
                phrase(problem)
            )
        } else {
            String::new()
        };
        let fault = if kind != "PM" && rng.chance(0.6) {
            fault_code(&mut rng, t)
        } else {
            String::new()
        };
        let reporter = *rng.pick(REPORTERS);
        let start = reported
            + if kind == "EM" {
                rng.range(60, 7_200)
            } else {
                rng.range(600, 259_200)
            };
        let finish = start + rng.range(900, 28_800);
        let (act_start, act_finish) = match status {
            "INPRG" => (time(start), String::new()),
            _ if done => (time(start), time(finish)),
            _ => (String::new(), String::new()),
        };
        let down = done && (kind == "EM" || (kind == "CM" && rng.chance(0.4)));
        let (down_start, down_end) = if down {
            (time(reported), time(finish))
        } else {
            (String::new(), String::new())
        };
        let coded = done && kind != "PM";
        let iso = coded && rng.chance(0.5);
        let opt = |on: bool, v: &str| if on { v.to_string() } else { String::new() };
        let class = t.class.to_uppercase().replace(' ', "_");
        let remedy = if done {
            remedy_text(&mut rng)
        } else {
            String::new()
        };
        let cost = if done {
            format!(
                "{:.2}",
                40.0 * (1.0 + rng.normal().abs() * 3.0) * priority as f64
            )
        } else {
            String::new()
        };
        let wonum = (1_000_000 + i).to_string();
        w.write_record([
            wonum.as_str(),
            &asset.tag,
            kind,
            status,
            &priority.to_string(),
            &title,
            &long,
            &fault,
            reporter,
            &time(reported),
            &act_start,
            &act_finish,
            &down_start,
            &down_end,
            &opt(coded, &class),
            &opt(coded, problem),
            &opt(coded, rng.word(CAUSES)),
            &opt(coded, rng.word(REMEDIES)),
            &opt(iso, rng.word(ISO_MODES)),
            &opt(iso, rng.word(ISO_MECHANISMS)),
            &opt(iso, rng.word(ISO_CAUSES)),
            &remedy,
            &cost,
        ])?;
    }
    w.flush()?;
    w.into_inner()
        .map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?
        .flush()?;
    Ok(())
}
