//! `faultline-bench risk`: back-test of the risk ranking on the Azure predictive-maintenance
//! history (../shared/corpus/history/azure-pdm, rows before 2015-10-01), imported through the
//! core importer with the mapping files in tests/fixtures/mappings. At weekly origins over the
//! last three months, the 100 machines are ranked by failure within 7 and 14 days using only
//! the history before each origin; ROC AUC, average precision and precision@10 of the model
//! against simple baselines measured in the same run. Then the excavator back-test
//! (`risk_excavator`).

use crate::doc;
use anyhow::{Context, Result};
use clap::Args;
use faultline_analytics::eval::{average_precision, precision_at, roc_auc};
use faultline_analytics::events::{failure_events, FailureEvent};
use faultline_analytics::risk::facts::Facts;
use faultline_analytics::risk::features::{Features, GroupRates};
use faultline_analytics::time::{iso, DAY_MS};
use faultline_analytics::{rank, History};
use faultline_core::Store;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct RiskArgs {
    /// The Azure PdM history folder.
    #[arg(long, default_value = "../shared/corpus/history/azure-pdm")]
    corpus: PathBuf,
    /// The excavator work-order history (back-tested after Azure when present).
    #[arg(long, default_value = "../shared/corpus/history/excavator-mwo")]
    excavator_corpus: PathBuf,
    /// Folder with the azure-pdm-*.toml and excavator-*.toml mapping files.
    #[arg(long, default_value = "tests/fixtures/mappings")]
    mappings: PathBuf,
    /// Only rows before this time are used (the end of the data).
    #[arg(long, default_value = "2015-10-01T00:00:00Z")]
    end: String,
    /// Weekly origins, going back from `end` minus the longest horizon.
    #[arg(long, default_value_t = 13)]
    origins: i64,
    /// Rewrite the risk section of this markdown file (e.g. docs/benchmarks.md).
    #[arg(long)]
    write_doc: Option<PathBuf>,
}

const HORIZONS: [u32; 2] = [7, 14];
pub(crate) const METHODS: [&str; 7] = [
    "risk model (faultline-analytics)",
    "failure count so far",
    "failures in the last 90 days",
    "days since last failure",
    "machine age",
    "alarms in the last 7 days",
    "component overdue",
];

/// Imports the four Azure files in reference order into a fresh replica in `dir`.
pub(crate) fn import(dir: &Path, corpus: &Path, mappings: &Path) -> Result<Store> {
    let mut store = Store::open(dir)?;
    for (mapping, csv) in [
        ("azure-pdm-machines.toml", "PdM_machines.csv"),
        ("azure-pdm-failures.toml", "PdM_failures.csv"),
        ("azure-pdm-maintenance.toml", "PdM_maintenance.csv"),
        ("azure-pdm-errors.toml", "PdM_errors.csv"),
    ] {
        store
            .import_csv(&mappings.join(mapping), &corpus.join(csv))
            .with_context(|| format!("importing {csv} with {mapping}"))?;
    }
    Ok(store)
}

/// "Age 18 years (...)" → 18.
fn age(description: Option<&str>) -> f64 {
    description
        .and_then(|d| d.strip_prefix("Age "))
        .and_then(|d| d.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0.0)
}

/// Scores of every method for every machine at `origin` (data strictly before it).
pub(crate) fn scores(h: &History, origin: i64, horizon: u32, tags: &[String]) -> Vec<Vec<f64>> {
    let ranking = rank(h, origin, horizon);
    let model: HashMap<&str, f64> = ranking
        .assets
        .iter()
        .map(|a| (a.asset_tag.as_str(), a.score))
        .collect();
    let facts = Facts::new(h, origin);
    let g = GroupRates::at(&facts, origin);
    let by_tag: HashMap<&str, Features> = facts
        .assets
        .iter()
        .map(|a| (a.asset.tag.as_str(), Features::of(a, &g, origin)))
        .collect();
    let last_failure: HashMap<&str, i64> = facts
        .assets
        .iter()
        .filter_map(|a| a.failures.last().map(|f| (a.asset.tag.as_str(), f.0)))
        .collect();
    let ages: HashMap<&str, f64> = h
        .assets
        .iter()
        .map(|a| (a.tag.as_str(), age(a.description.as_deref())))
        .collect();
    let floor = f64::MIN / 2.0;
    tags.iter()
        .map(|t| {
            let f = by_tag.get(t.as_str());
            vec![
                model.get(t.as_str()).copied().unwrap_or(floor),
                f.map_or(0.0, |f| f.own_failures as f64),
                f.map_or(0.0, |f| f.recent_90d.len() as f64),
                (origin - last_failure.get(t.as_str()).copied().unwrap_or(facts.start)) as f64
                    / DAY_MS as f64,
                ages.get(t.as_str()).copied().unwrap_or(0.0),
                f.map_or(0.0, |f| f.alarms_7d.len() as f64),
                f.and_then(|f| f.overdue.as_ref())
                    .map_or(0.0, |o| o.days_since / o.median_days),
            ]
        })
        .collect()
}

/// Whether each unit had a stoppage starting in `[origin, until)`.
pub(crate) fn failed_within(
    events: &[FailureEvent],
    tags: &[String],
    origin: i64,
    until: i64,
) -> Vec<bool> {
    tags.iter()
        .map(|t| {
            events
                .iter()
                .any(|e| &e.asset_tag == t && e.start >= origin && e.start < until)
        })
        .collect()
}

struct OriginResult {
    origin: i64,
    positives: usize,
    /// Per method: (AUC, AP, P@10).
    figures: Vec<(f64, f64, f64)>,
}

pub fn run(args: RiskArgs) -> Result<()> {
    let load = doc::load_average();
    let end = chrono::DateTime::parse_from_rfc3339(&args.end)
        .with_context(|| format!("--end {:?} is not an RFC 3339 time", args.end))?
        .timestamp_millis();
    let dir = std::env::temp_dir().join(format!("faultline-risk-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let started = std::time::Instant::now();
    let store = import(&dir, &args.corpus, &args.mappings)?;
    let h = History::load(&store, Some(end))?;
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
    let imported = started.elapsed();
    let tags: Vec<String> = h.assets.iter().map(|a| a.tag.clone()).collect();
    let events = failure_events(&h.work_orders, end);
    let longest = i64::from(HORIZONS.iter().copied().max().unwrap_or(14));
    let mut out = String::new();
    writeln!(out, "{}", doc::context_lines(&load))?;
    writeln!(
        out,
        "Data: {} machines, {} breakdown work orders ({} stoppages after merging same-instant failures), {} preventive replacements, {} alarms, before {}; import and read {:.1} s.\n",
        tags.len(),
        h.work_orders.iter().filter(|w| w.wo_type == "breakdown").count(),
        events.len(),
        h.work_orders.iter().filter(|w| w.wo_type == "preventive").count(),
        h.alarms.len(),
        iso(end),
        imported.as_secs_f64()
    )?;
    for horizon in HORIZONS {
        let t0 = std::time::Instant::now();
        let mut results = Vec::new();
        for k in (0..args.origins).rev() {
            let origin = end - longest * DAY_MS - k * 7 * DAY_MS;
            let until = origin + i64::from(horizon) * DAY_MS;
            let labels = failed_within(&events, &tags, origin, until);
            let s = scores(&h, origin, horizon, &tags);
            let figures = (0..METHODS.len())
                .map(|m| {
                    let col: Vec<f64> = s.iter().map(|row| row[m]).collect();
                    (
                        roc_auc(&col, &labels).unwrap_or(f64::NAN),
                        average_precision(&col, &labels).unwrap_or(f64::NAN),
                        precision_at(&col, &labels, 10).unwrap_or(f64::NAN),
                    )
                })
                .collect();
            results.push(OriginResult {
                origin,
                positives: labels.iter().filter(|&&l| l).count(),
                figures,
            });
        }
        report(&mut out, horizon, &results, t0.elapsed())?;
    }
    match crate::risk_excavator::run(&args.excavator_corpus, &args.mappings)? {
        Some(x) => out.push_str(&x),
        None => eprintln!(
            "{} not found: no excavator back-test",
            args.excavator_corpus.display()
        ),
    }
    print!("{out}");
    if let Some(path) = args.write_doc {
        doc::write_section(&path, "risk", &out)?;
    }
    Ok(())
}

fn mean(v: impl Iterator<Item = f64>) -> f64 {
    let v: Vec<f64> = v.filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        f64::NAN
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

fn report(
    out: &mut String,
    horizon: u32,
    results: &[OriginResult],
    took: std::time::Duration,
) -> Result<()> {
    writeln!(
        out,
        "**Failure within {horizon} days** — {} weekly origins, mean over origins ({:.1} s for all rankings):\n",
        results.len(),
        took.as_secs_f64()
    )?;
    writeln!(
        out,
        "| method | ROC AUC | average precision | precision@10 |"
    )?;
    writeln!(out, "|---|---|---|---|")?;
    for (m, name) in METHODS.iter().enumerate() {
        writeln!(
            out,
            "| {name} | {:.3} | {:.3} | {:.3} |",
            mean(results.iter().map(|r| r.figures[m].0)),
            mean(results.iter().map(|r| r.figures[m].1)),
            mean(results.iter().map(|r| r.figures[m].2)),
        )?;
    }
    // The strongest baseline by mean average precision, for the per-origin table.
    let best = (1..METHODS.len())
        .max_by(|&a, &b| {
            mean(results.iter().map(|r| r.figures[a].1))
                .total_cmp(&mean(results.iter().map(|r| r.figures[b].1)))
        })
        .unwrap_or(1);
    writeln!(
        out,
        "\nPer origin (model vs the strongest baseline by average precision, {}):\n",
        METHODS[best]
    )?;
    writeln!(
        out,
        "| origin | machines failing | model AUC | model AP | model P@10 | baseline AUC | baseline AP | baseline P@10 |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|---|")?;
    for r in results {
        let (a, p, k) = r.figures[0];
        let (ba, bp, bk) = r.figures[best];
        writeln!(
            out,
            "| {} | {} | {a:.3} | {p:.3} | {k:.2} | {ba:.3} | {bp:.3} | {bk:.2} |",
            &iso(r.origin)[..10],
            r.positives
        )?;
    }
    writeln!(out)?;
    Ok(())
}
