//! `faultline-bench diagnose`: back-test of the cause ranking (`faultline-diagnosis`, the code
//! behind `faultline diagnose --at`) on the Azure predictive-maintenance history
//! (../shared/corpus/history/azure-pdm, rows before 2015-10-01), imported with the mapping files
//! in tests/fixtures/mappings. For every component failure in the last three months, the failed
//! component (`cause_code`) is ranked from what was recorded strictly before the failure — the
//! machine's alarms of the 48 h before it are the codes — and compared with baselines measured in
//! the same run: the overall prior, the model prior and the oldest-replaced component.

use crate::doc;
use anyhow::{Context, Result};
use clap::Args;
use faultline_diagnosis::causes::last_replacement;
use faultline_diagnosis::{diagnose, History, Query};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Args)]
pub struct DiagnoseArgs {
    /// The Azure PdM history folder.
    #[arg(long, default_value = "../shared/corpus/history/azure-pdm")]
    corpus: PathBuf,
    /// Folder with the azure-pdm-*.toml mapping files.
    #[arg(long, default_value = "tests/fixtures/mappings")]
    mappings: PathBuf,
    /// Only rows before this time are used (the end of the data).
    #[arg(long, default_value = "2015-10-01T00:00:00Z")]
    end: String,
    /// The test period: failures in this many days before --end.
    #[arg(long, default_value_t = 91)]
    test_days: i64,
    /// Alarms in this many hours before a failure are its codes.
    #[arg(long, default_value_t = 48)]
    window_hours: u32,
    /// The excavator work-order history (skipped when absent).
    #[arg(long, default_value = "../shared/corpus/history/excavator-mwo")]
    excavators: PathBuf,
    /// Excavator test rows: breakdowns from this time on.
    #[arg(long, default_value = "2010-01-01T00:00:00Z")]
    excavator_from: String,
    /// Rewrite the diagnosis section of this markdown file (e.g. docs/benchmarks.md).
    #[arg(long)]
    write_doc: Option<PathBuf>,
}

const DAY_MS: i64 = 86_400_000;

/// Top-1, top-3 and reciprocal-rank sums over the test rows.
#[derive(Default)]
struct Tally {
    top1: usize,
    top3: usize,
    rr: f64,
    n: usize,
}

impl Tally {
    /// Adds one test row whose answer is `truth` in `ranked` (best first).
    fn add(&mut self, ranked: &[String], truth: &str) {
        self.n += 1;
        if let Some(i) = ranked.iter().position(|c| c == truth) {
            self.top1 += usize::from(i == 0);
            self.top3 += usize::from(i < 3);
            self.rr += 1.0 / (i as f64 + 1.0);
        }
    }

    fn row(&self, name: &str) -> String {
        let n = self.n.max(1) as f64;
        format!(
            "| {name} | {:.3} | {:.3} | {:.3} |",
            self.top1 as f64 / n,
            self.top3 as f64 / n,
            self.rr / n
        )
    }
}

/// Causes by descending count, ties by name.
fn by_count(counts: HashMap<&str, usize>) -> Vec<String> {
    let mut v: Vec<(&str, usize)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    v.into_iter().map(|(c, _)| c.to_string()).collect()
}

pub fn run(args: DiagnoseArgs) -> Result<()> {
    let load = doc::load_average();
    let end = chrono::DateTime::parse_from_rfc3339(&args.end)
        .with_context(|| format!("--end {:?} is not an RFC 3339 time", args.end))?
        .timestamp_millis();
    let dir = std::env::temp_dir().join(format!("faultline-diagnose-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let started = std::time::Instant::now();
    let store = crate::risk_bench::import(&dir, &args.corpus, &args.mappings)?;
    let h = History::read(&store, end)?;
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
    let imported = started.elapsed();
    let from = end - args.test_days * DAY_MS;
    let is_failure = |w: &&faultline_core::store::DiagnosisWorkOrder| {
        w.wo_type == "breakdown" && w.cause_code.is_some()
    };
    let tests: Vec<_> = h
        .work_orders
        .iter()
        .filter(is_failure)
        .filter(|w| w.reported_at >= from && w.reported_at < end)
        .collect();
    let components: Vec<String> = by_count(
        h.work_orders
            .iter()
            .filter(is_failure)
            .filter_map(|w| w.cause_code.as_deref())
            .fold(HashMap::new(), |mut m, c| {
                *m.entry(c).or_default() += 1;
                m
            }),
    );
    let model_of = |tag: &str| h.asset(tag).and_then(|a| a.model.clone());
    let mut ours = Tally::default();
    let mut no_alarms = Tally::default();
    let mut overall = Tally::default();
    let mut model = Tally::default();
    let mut oldest = Tally::default();
    let mut with_alarms = 0;
    let mut latencies = Vec::new();
    for t in &tests {
        let truth = t.cause_code.as_deref().unwrap_or_default();
        let q = Query {
            asset_tag: t.asset_tag.clone(),
            codes: Vec::new(),
            symptom: None,
            at: t.reported_at,
            window_hours: args.window_hours,
            limit: usize::MAX,
        };
        let began = std::time::Instant::now();
        let d = diagnose(&h, &q)?;
        latencies.push(began.elapsed().as_secs_f64() * 1000.0);
        with_alarms += usize::from(!d.codes.is_empty());
        ours.add(
            &d.causes
                .iter()
                .map(|c| c.cause_code.clone())
                .collect::<Vec<_>>(),
            truth,
        );
        let plain = diagnose(
            &h,
            &Query {
                window_hours: 0,
                ..q.clone()
            },
        )?;
        no_alarms.add(
            &plain
                .causes
                .iter()
                .map(|c| c.cause_code.clone())
                .collect::<Vec<_>>(),
            truth,
        );
        let before = h
            .work_orders
            .iter()
            .take_while(|w| w.reported_at < t.reported_at)
            .filter(is_failure);
        let mut all: HashMap<&str, usize> = HashMap::new();
        let mut same_model: HashMap<&str, usize> = HashMap::new();
        let m = model_of(&t.asset_tag);
        for w in before {
            let c = w.cause_code.as_deref().unwrap_or_default();
            *all.entry(c).or_default() += 1;
            if model_of(&w.asset_tag) == m {
                *same_model.entry(c).or_default() += 1;
            }
        }
        overall.add(&by_count(all), truth);
        model.add(&by_count(same_model), truth);
        let mut by_age: Vec<(i64, String)> = components
            .iter()
            .map(|c| {
                let last = last_replacement(&h, &t.asset_tag, c, t.reported_at);
                (last.unwrap_or(i64::MIN), c.clone())
            })
            .collect();
        by_age.sort();
        oldest.add(
            &by_age.into_iter().map(|(_, c)| c).collect::<Vec<_>>(),
            truth,
        );
    }
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    let mut out = String::new();
    writeln!(out, "{}", doc::context_lines(&load))?;
    writeln!(
        out,
        "Data: {} machines, {} work orders and the alarms before {}; import and read {:.1} s. Test: the {} component failures of the last {} days ({} with alarms in the {} h before them); each ranked from what was recorded strictly before it, the answer (`cause_code`, comp1..comp4) included only in later rows.\n",
        h.assets.len(),
        h.work_orders.len(),
        args.end,
        imported.as_secs_f64(),
        tests.len(),
        args.test_days,
        with_alarms,
        args.window_hours
    )?;
    writeln!(out, "| Method | top-1 | top-3 | MRR |\n|---|---|---|---|")?;
    for (name, t) in [
        (
            "faultline-diagnosis, alarms of the 48 h before as codes",
            &ours,
        ),
        (
            "faultline-diagnosis without alarms (window 0 h)",
            &no_alarms,
        ),
        ("baseline: overall prior", &overall),
        ("baseline: model prior", &model),
        ("baseline: oldest-replaced component first", &oldest),
    ] {
        writeln!(out, "{}", t.row(name))?;
    }
    writeln!(
        out,
        "\nRanking time per failure (causes + similar work orders over the whole history, in memory): p50 {:.2} ms, p99 {:.2} ms.",
        pct(0.5),
        pct(0.99)
    )?;
    let exc_from = chrono::DateTime::parse_from_rfc3339(&args.excavator_from)
        .with_context(|| format!("--excavator-from {:?}", args.excavator_from))?
        .timestamp_millis();
    if let Some(s) = crate::diagnose_excavator::run(&args.excavators, &args.mappings, exc_from)? {
        writeln!(out, "\n{s}")?;
    }
    print!("{out}");
    if let Some(path) = args.write_doc {
        doc::write_section(
            &path,
            "diagnosis",
            &format!("## Diagnosis back-test (Azure PdM)\n\n{out}"),
        )?;
    }
    Ok(())
}
