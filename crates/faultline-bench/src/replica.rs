//! The `replica` subcommand: generate (or reuse) the plant, time the real import against the
//! anchor, then time lookups and asset pages on the imported replica and measure its size.

use crate::generate::{self, PlantFiles, PlantSpec};
use crate::import_bench::{self, ImportRun};
use crate::lookups::{self, LookupConfig};
use crate::report::{ImportFigures, ReplicaReport};
use crate::{anchor, doc};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

pub struct ReplicaArgs {
    pub spec: PlantSpec,
    pub out: PathBuf,
    pub import_runs: usize,
    pub queries: usize,
    pub pages: usize,
    pub write_doc: Option<PathBuf>,
    /// Reuse the replica imported by an earlier run; time the reads only.
    pub reads_only: bool,
}

/// Reads a file once so that neither importer pays for the first read from disk.
fn warm_page_cache(path: &Path) -> Result<()> {
    let mut f = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    std::io::copy(&mut f, &mut std::io::sink())?;
    Ok(())
}

/// The run of median wall time, with the median CPU time of the runs.
fn median_run(mut runs: Vec<ImportRun>) -> Result<ImportRun> {
    let mut cpu: Vec<f64> = runs.iter().map(|r| r.work_order_cpu_secs).collect();
    cpu.sort_by(f64::total_cmp);
    let mid = runs.len() / 2;
    let cpu_mid = cpu.get(mid).copied().unwrap_or(f64::NAN);
    runs.sort_by(|a, b| a.work_order_secs.total_cmp(&b.work_order_secs));
    let mut run = runs.into_iter().nth(mid).context("no import run")?;
    run.work_order_cpu_secs = cpu_mid;
    Ok(run)
}

/// Both importers, `import_runs` times each (alternating), then the same-rows check and sizes.
fn import_all(args: &ReplicaArgs, files: &PlantFiles, ours_dir: &Path) -> Result<ImportFigures> {
    let anchor_dir = args.out.join("replica-anchor");
    let (mut ours, mut anchors) = (Vec::new(), Vec::new());
    for i in 1..=args.import_runs.max(1) {
        eprintln!("import run {i}: Store::import_csv …");
        let o = import_bench::run_ours(ours_dir, files)?;
        eprintln!(
            "  {} work orders in {:.2} s ({:.0} rows/s, CPU {:.2} s)",
            o.work_order_rows,
            o.work_order_secs,
            o.work_order_rate(),
            o.work_order_cpu_secs
        );
        eprintln!("import run {i}: anchor (plain rusqlite loop) …");
        let a = anchor::run_anchor(&anchor_dir, files)?;
        eprintln!(
            "  {} work orders in {:.2} s ({:.0} rows/s, CPU {:.2} s)",
            a.work_order_rows,
            a.work_order_secs,
            a.work_order_rate(),
            a.work_order_cpu_secs
        );
        ours.push(o);
        anchors.push(a);
    }
    let runs = ours.len();
    let pair_ratios = ours
        .iter()
        .zip(&anchors)
        .map(|(o, a)| {
            (
                o.work_order_secs / a.work_order_secs,
                o.work_order_cpu_secs / a.work_order_cpu_secs,
            )
        })
        .collect();
    let fp_ours = import_bench::fingerprint(ours_dir)?;
    let fp_anchor = import_bench::fingerprint(&anchor_dir)?;
    anyhow::ensure!(
        fp_ours == fp_anchor,
        "the anchor did not store the same work orders as the importer:\n  ours:   {fp_ours}\n  anchor: {fp_anchor}"
    );
    Ok(ImportFigures {
        runs,
        pair_ratios,
        ours: median_run(ours)?,
        anchor: median_run(anchors)?,
        size_ours: import_bench::size_on_disk(ours_dir)?,
        size_anchor: import_bench::size_on_disk(&anchor_dir)?,
    })
}

pub fn run(args: ReplicaArgs) -> Result<()> {
    anyhow::ensure!(
        !(args.reads_only && args.write_doc.is_some()),
        "--reads-only gives a partial report; it cannot be written with --write-doc"
    );
    let load = doc::load_average();
    let plant_dir = args.out.join("plant");
    eprintln!(
        "plant: {} assets, {} work orders in {}",
        args.spec.assets,
        args.spec.work_orders,
        plant_dir.display()
    );
    let files = generate::ensure_plant(&plant_dir, args.spec)?;
    match files.generated_secs {
        Some(s) => eprintln!("  generated in {s:.1} s"),
        None => eprintln!("  reusing the files generated earlier with the same parameters"),
    }
    let csv_bytes = std::fs::metadata(&files.work_orders_csv)?.len();
    if !args.reads_only {
        warm_page_cache(&files.assets_csv)?;
        warm_page_cache(&files.work_orders_csv)?;
    }

    let ours_dir = args.out.join("replica-faultline");
    let import = if args.reads_only {
        let n = import_bench::work_order_count(&ours_dir)?;
        anyhow::ensure!(
            n == args.spec.work_orders as u64,
            "{} holds {n} work orders, not {}: run `replica` without --reads-only first",
            ours_dir.display(),
            args.spec.work_orders
        );
        None
    } else {
        Some(import_all(&args, &files, &ours_dir)?)
    };

    eprintln!("lookups and asset pages …");
    let assets = generate::read_assets(&files.assets_csv)?;
    let cfg = LookupConfig {
        queries: args.queries,
        pages: args.pages,
        warmup: 200,
        busiest: 20,
    };
    let lookups = lookups::run(&ours_dir, &assets, &cfg)?;

    let report = ReplicaReport {
        spec: args.spec,
        csv_bytes,
        import,
        lookups,
        warmup: cfg.warmup,
    };
    let table = report.markdown();
    println!("{table}");
    if let Some(path) = &args.write_doc {
        let body = format!(
            "## Replica at plant scale\n\n{}\n{table}",
            doc::context_lines(&load)
        );
        doc::write_section(path, "replica", &body)?;
        eprintln!("wrote the replica section of {}", path.display());
    }
    Ok(())
}
