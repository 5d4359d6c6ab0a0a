//! The excavator part of `faultline-bench risk`: the risk ranking back-tested on real SAP work
//! orders of mining excavators (../shared/corpus/history/excavator-mwo, imported with
//! tests/fixtures/mappings/excavator-*.toml). Only the machines with work orders after 2008
//! take part, and the units ranked are their subsystems (`MajorSystem`, the failure class;
//! multi-system rows count for each system): "EX-B/Engine" is one unit, whose model is its
//! subsystem, so the model rate is the subsystem's rate over the machines. At monthly origins
//! every unit is ranked by a breakdown within the horizon, from the history before the origin
//! only, against the baselines that exist in this data (no alarms, no machine ages).

use crate::risk_bench::{failed_within, scores, METHODS};
use anyhow::{Context, Result};
use chrono::{Datelike, TimeZone, Utc};
use faultline_analytics::eval::{average_precision, precision_at, roc_auc};
use faultline_analytics::events::failure_events;
use faultline_analytics::time::{iso, DAY_MS};
use faultline_analytics::{Asset, History};
use faultline_core::Store;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// Columns of [`scores`] that mean something here (age and alarms are not in this data).
const USED: [usize; 5] = [0, 1, 2, 3, 6];
/// A machine takes part when it has a work order from this year on.
const ACTIVE_FROM_YEAR: i32 = 2009;
const HORIZON_DAYS: u32 = 30;
const ORIGINS: i64 = 24;

fn ms(year: i32, month: u32) -> i64 {
    Utc.with_ymd_and_hms(year, month, 1, 0, 0, 0)
        .single()
        .map_or(0, |t| t.timestamp_millis())
}

/// The history with one unit per (machine, subsystem).
fn units(h: &History, machines: &[String]) -> History {
    let mut assets: BTreeMap<String, Asset> = BTreeMap::new();
    let mut work_orders = Vec::new();
    for w in &h.work_orders {
        if !machines.contains(&w.asset_tag) {
            continue;
        }
        let Some(class) = w.failure_class.as_deref() else {
            continue;
        };
        for system in class.split('_').filter(|s| !s.trim().is_empty()) {
            let tag = format!("{}/{system}", w.asset_tag);
            assets.entry(tag.clone()).or_insert_with(|| Asset {
                tag: tag.clone(),
                site: "MINE".into(),
                location: Some(w.asset_tag.clone()),
                model: Some(system.to_string()),
                equipment_class: Some("Excavator subsystems".into()),
                description: None,
            });
            let mut u = w.clone();
            u.asset_tag = tag;
            u.failure_class = Some(system.to_string());
            work_orders.push(u);
        }
    }
    History {
        assets: assets.into_values().collect(),
        work_orders,
        alarms: Vec::new(),
    }
}

/// The excavators and their work orders (`csv`) imported into a fresh replica in `dir`.
pub(crate) fn import(dir: &Path, csv: &Path, mappings: &Path) -> Result<Store> {
    let _ = std::fs::remove_dir_all(dir);
    let mut store = Store::open(dir)?;
    store
        .import_csv(
            &mappings.join("excavator-assets.toml"),
            &mappings.join("excavator-assets.csv"),
        )
        .context("importing the excavators")?;
    store
        .import_csv(&mappings.join("excavator-mwo.toml"), csv)
        .context("importing the excavator work orders")?;
    Ok(store)
}

/// Imports the excavator history and back-tests the ranking; `None` when the corpus is absent.
pub fn run(corpus: &Path, mappings: &Path) -> Result<Option<String>> {
    let csv = corpus.join("excavators-cleaned.csv");
    if !csv.exists() {
        return Ok(None);
    }
    let dir = std::env::temp_dir().join(format!("faultline-risk-excavator-{}", std::process::id()));
    let store = import(&dir, &csv, mappings)?;
    let h = History::load(&store, None)?;
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);

    let active_from = ms(ACTIVE_FROM_YEAR, 1);
    let mut machines: Vec<String> = h
        .work_orders
        .iter()
        .filter(|w| w.reported_at >= active_from)
        .map(|w| w.asset_tag.clone())
        .collect();
    machines.sort();
    machines.dedup();
    let u = units(&h, &machines);
    let end = u
        .work_orders
        .iter()
        .map(|w| w.reported_at)
        .max()
        .unwrap_or(0)
        + DAY_MS;
    let events = failure_events(&u.work_orders, end);
    let tags: Vec<String> = u.assets.iter().map(|a| a.tag.clone()).collect();

    // Monthly origins: the first of each month, the last one a horizon before the data ends.
    let last = Utc.timestamp_millis_opt(end - i64::from(HORIZON_DAYS) * DAY_MS);
    let last = last.single().context("end of data")?;
    let mut origins = Vec::new();
    let (mut y, mut m) = (last.year(), last.month());
    for _ in 0..ORIGINS {
        origins.push(ms(y, m));
        (y, m) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
    }
    origins.reverse();

    let t0 = std::time::Instant::now();
    let mut rows = Vec::new();
    for &origin in &origins {
        let until = origin + i64::from(HORIZON_DAYS) * DAY_MS;
        let labels = failed_within(&events, &tags, origin, until);
        let s = scores(&u, origin, HORIZON_DAYS, &tags);
        let figures: Vec<(f64, f64, f64)> = USED
            .iter()
            .map(|&m| {
                let col: Vec<f64> = s.iter().map(|row| row[m]).collect();
                (
                    roc_auc(&col, &labels).unwrap_or(f64::NAN),
                    average_precision(&col, &labels).unwrap_or(f64::NAN),
                    precision_at(&col, &labels, 10).unwrap_or(f64::NAN),
                )
            })
            .collect();
        let with_history = u
            .work_orders
            .iter()
            .filter(|w| w.reported_at < origin)
            .map(|w| w.asset_tag.as_str())
            .collect::<std::collections::HashSet<_>>()
            .len();
        rows.push((
            origin,
            labels.iter().filter(|&&l| l).count(),
            with_history,
            figures,
        ));
    }

    let mut out = String::new();
    let breakdowns = u
        .work_orders
        .iter()
        .filter(|w| w.wo_type == "breakdown")
        .count();
    writeln!(
        out,
        "### Excavators (real SAP work orders), subsystems as units\n\nData: {} of {} machines have work orders from {ACTIVE_FROM_YEAR} on ({}); their {} subsystems (MajorSystem; a multi-system row counts for each) are the units: {} breakdown rows over all units, {} stoppages after merging same-day rows of a unit, up to {}. Failure within {HORIZON_DAYS} days, {} monthly origins from {} ({:.1} s for all rankings). The dates carry no time and no downtime; no alarms and no machine ages exist here, so those two baselines are left out. An origin without any failure in its horizon has no AUC/AP and is left out of the means.\n",
        machines.len(),
        h.assets.len(),
        machines.join(", "),
        tags.len(),
        breakdowns,
        events.len(),
        &iso(end)[..10],
        origins.len(),
        origins.first().map_or(String::new(), |o| iso(*o)[..10].to_string()),
        t0.elapsed().as_secs_f64()
    )?;
    writeln!(
        out,
        "| method | ROC AUC | average precision | precision@10 |\n|---|---|---|---|"
    )?;
    for (k, &m) in USED.iter().enumerate() {
        let mean = |f: fn(&(f64, f64, f64)) -> f64| {
            let v: Vec<f64> = rows
                .iter()
                .map(|r| f(&r.3[k]))
                .filter(|x| x.is_finite())
                .collect();
            v.iter().sum::<f64>() / v.len().max(1) as f64
        };
        writeln!(
            out,
            "| {} | {:.3} | {:.3} | {:.3} |",
            METHODS[m],
            mean(|x| x.0),
            mean(|x| x.1),
            mean(|x| x.2)
        )?;
    }
    writeln!(
        out,
        "\n| origin | units failing | units with history | model AUC | model AP | best baseline AP |\n|---|---|---|---|---|---|"
    )?;
    for (origin, positives, with_history, f) in &rows {
        let best = f[1..].iter().map(|x| x.1).fold(f64::NAN, f64::max);
        writeln!(
            out,
            "| {} | {positives} | {with_history} | {:.3} | {:.3} | {best:.3} |",
            &iso(*origin)[..10],
            f[0].0,
            f[0].1
        )?;
    }
    Ok(Some(out))
}
