//! `faultline-bench analytics`: speed of reliability analytics on the plant-scale replica that
//! `replica` imported (20,000 assets, 1,000,000 work orders): site-wide metrics and Pareto for
//! a year (the whole-history read the CLI used before vs the period read), the update after
//! closing a work order (`PeriodCache::refresh` + metrics), the risk ranking of every asset, and
//! the Analytics screen's calls through the App (opened fresh, again, after a close through it).
//! The replica is written to (work orders get closed): it is a bench copy.

use crate::doc;
use crate::percentiles::{Samples, Summary};
use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use clap::Args;
use faultline_analytics::risk::rank_records;
use faultline_analytics::risk::records::RiskRecords;
use faultline_analytics::{
    metrics, pareto, rank, Asset, History, ParetoBy, PeriodCache, Scope, WorkOrder,
};
use faultline_api::{App, AppOptions, NoSink};
use faultline_core::domain::CloseWorkOrder;
use faultline_core::Store;
use faultline_manuals::extract::WorkerCommand;
use serde_json::json;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

#[derive(Args)]
pub struct AnalyticsArgs {
    /// The replica imported by `faultline-bench replica`.
    #[arg(long, default_value = "target/bench/replica-faultline")]
    replica: PathBuf,
    /// The year the figures are computed for (the replica spans 2015–2024).
    #[arg(long, default_value_t = 2024)]
    year: i32,
    /// Timed runs of each fast figure (one untimed warm-up first).
    #[arg(long, default_value_t = 30)]
    runs: usize,
    /// Timed runs of the whole-history path (slow).
    #[arg(long, default_value_t = 3)]
    slow_runs: usize,
    /// Work orders closed one by one for the incremental update.
    #[arg(long, default_value_t = 50)]
    closes: usize,
    /// Timed risk rankings of every asset, read included (0: skip). The whole-history path
    /// is timed once before them, for the comparison, and must rank the same.
    #[arg(long, default_value_t = 5)]
    risk_runs: usize,
    /// Analytics screen loads through the App (each on a freshly opened App, then once more).
    #[arg(long, default_value_t = 5)]
    screen_runs: usize,
    /// Rewrite the analytics-speed section of this markdown file (e.g. docs/benchmarks.md).
    #[arg(long)]
    write_doc: Option<PathBuf>,
}

fn ms_at(year: i32) -> Result<i64> {
    Ok(DateTime::parse_from_rfc3339(&format!("{year}-01-01T00:00:00Z"))?.timestamp_millis())
}

fn time<T>(samples: &mut Samples, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let t = Instant::now();
    let v = f()?;
    samples.push(t.elapsed());
    Ok(v)
}

/// Runs `f` once untimed, then `n` times timed.
fn series<T>(n: usize, mut f: impl FnMut() -> Result<T>) -> Result<Summary> {
    f()?;
    let mut s = Samples::with_capacity(n);
    for _ in 0..n {
        time(&mut s, &mut f)?;
    }
    Ok(s.summary())
}

fn row(out: &mut String, what: &str, s: &Summary, aim: &str) {
    let _ = writeln!(
        out,
        "| {what} | {} | {:.1} ms | {:.1} ms | {:.1} ms | {aim} |",
        s.count, s.p50_ms, s.p99_ms, s.max_ms
    );
}

pub fn run(args: AnalyticsArgs) -> Result<()> {
    let load = doc::load_average();
    let t = Instant::now();
    let mut store = Store::open(&args.replica)
        .with_context(|| format!("opening {} (run `replica` first)", args.replica.display()))?;
    eprintln!(
        "opened (migrations included) in {:.2} s",
        t.elapsed().as_secs_f64()
    );
    let (from, to) = (ms_at(args.year)?, ms_at(args.year + 1)?);
    let assets = store.analytics_assets()?;
    let site = assets
        .first()
        .map(|a| a.site.clone())
        .context("no assets")?;
    let scope = Scope::Site(site.clone());
    let site_assets = assets.iter().filter(|a| scope.matches(a)).count();

    eprintln!("whole-history path (History::load, as the CLI did) …");
    let slow_metrics = series(args.slow_runs, || {
        let h = History::load(&store, Some(to))?;
        Ok(metrics(&h, &scope, from, to))
    })?;
    eprintln!("period path …");
    let fast_metrics = series(args.runs, || {
        let h = History::load_period(&store, from, to)?;
        Ok(metrics(&h, &scope, from, to))
    })?;
    let period_read = series(args.runs, || Ok(History::load_period(&store, from, to)?))?;
    let fast_pareto = series(args.runs, || {
        let h = History::load_period(&store, from, to)?;
        Ok(pareto(&h, &scope, ParetoBy::Cause, from, to, 30))
    })?;
    let period_rows = History::load_period(&store, from, to)?.work_orders.len();
    // The same figures both ways on the real replica.
    let full = History::load(&store, Some(to))?;
    let cut = History::load_period(&store, from, to)?;
    anyhow::ensure!(
        serde_json::to_value(metrics(&full, &scope, from, to))?
            == serde_json::to_value(metrics(&cut, &scope, from, to))?
            && serde_json::to_value(pareto(&full, &scope, ParetoBy::Cause, from, to, 30))?
                == serde_json::to_value(pareto(&cut, &scope, ParetoBy::Cause, from, to, 30))?,
        "the period path gave other figures than the whole-history path"
    );
    let risk_at = to;
    drop(cut);

    eprintln!("incremental: close {} open breakdowns …", args.closes);
    let mut cache = PeriodCache::load(&store, from, to)?;
    cache.metrics(&scope);
    let open: Vec<(String, i64)> = cache
        .history
        .work_orders
        .iter()
        .filter(|w| {
            (w.status == "open" || w.status == "in_progress") && in_scope(&scope, &assets, w)
        })
        .map(|w| (w.number.clone(), w.reported_at))
        .take(args.closes + args.screen_runs)
        .collect();
    // The last `screen_runs` are closed through the App, one per screen run.
    let for_app: Vec<(String, i64)> = open.iter().skip(args.closes).cloned().collect();
    let open = &open[..args.closes.min(open.len())];
    let (mut writes, mut updates) = (Samples::default(), Samples::default());
    let (mut refreshes, mut recomputes) = (Samples::default(), Samples::default());
    for (number, reported_at) in open {
        let found = store.find_work_orders(number, 5)?;
        let Some(wo) = found.iter().find(|w| &w.number == number) else {
            continue;
        };
        let finished = DateTime::<Utc>::from_timestamp_millis(reported_at + 3_600_000);
        time(&mut writes, || {
            Ok(store.close_work_order(&CloseWorkOrder {
                work_order_id: wo.id,
                failure: Default::default(),
                clear: Vec::new(),
                remedy_text: Some("bench: closed".into()),
                finished_at: finished,
                author: "bench".into(),
            })?)
        })?;
        let t = Instant::now();
        time(&mut refreshes, || {
            Ok(cache.refresh(&store, &[number.as_str()])?)
        })?;
        time(&mut recomputes, || Ok(cache.metrics(&scope)))?;
        updates.push(t.elapsed());
    }
    let fresh = History::load_period(&store, from, to)?;
    anyhow::ensure!(
        serde_json::to_value(cache.metrics(&scope))?
            == serde_json::to_value(metrics(&fresh, &scope, from, to))?,
        "the refreshed cache gave other figures than a fresh read"
    );

    let (mut risk_full_load, mut risk_full_rank) = (Samples::default(), Samples::default());
    let (mut risk_load, mut risk_rank, mut risk_total) =
        (Samples::default(), Samples::default(), Samples::default());
    let mut ranked = 0;
    let mut risk_rows = (0, 0, 0);
    if args.risk_runs > 0 {
        eprintln!("risk ranking on the whole history (as before) …");
        let h = time(&mut risk_full_load, || {
            Ok(History::load(&store, Some(risk_at))?)
        })?;
        let full = time(&mut risk_full_rank, || Ok(rank(&h, risk_at, 30)))?;
        drop(h);
        let lean = RiskRecords::load(&store, risk_at, 30)?;
        risk_rows = (
            lean.breakdowns.len(),
            lean.replacements.len(),
            lean.alarms.len(),
        );
        anyhow::ensure!(
            serde_json::to_value(&full)? == serde_json::to_value(rank_records(&lean))?,
            "the lean read ranked otherwise than the whole history"
        );
    }
    for i in 0..args.risk_runs {
        eprintln!(
            "risk ranking on the lean read {} of {} …",
            i + 1,
            args.risk_runs
        );
        let t = Instant::now();
        let r = time(&mut risk_load, || {
            Ok(RiskRecords::load(&store, risk_at, 30)?)
        })?;
        let ranking = time(&mut risk_rank, || Ok(rank_records(&r)))?;
        risk_total.push(t.elapsed());
        ranked = ranking.assets.len();
    }

    drop(store);
    let screen = if args.screen_runs > 0 {
        Some(screen_loads(&args, &site, from, &for_app)?)
    } else {
        None
    };

    let mut out = String::new();
    let _ = writeln!(
        out,
        "Site {site} ({site_assets} of {} assets), year {}: {period_rows} breakdowns can count in it (of 1,000,000 work orders).\n",
        assets.len(),
        args.year
    );
    out.push_str("| figure | runs | p50 | p99 | max | aim |\n|---|---|---|---|---|---|\n");
    row(
        &mut out,
        "metrics, whole-history read (`History::load`, as before)",
        &slow_metrics,
        "",
    );
    row(
        &mut out,
        "metrics, period read (`History::load_period`) + compute",
        &fast_metrics,
        "< 200 ms",
    );
    row(&mut out, "of which the period read alone", &period_read, "");
    row(
        &mut out,
        "Pareto by cause, period read + compute",
        &fast_pareto,
        "< 200 ms",
    );
    row(
        &mut out,
        "close a work order (`close_work_order`, one transaction)",
        &writes.summary(),
        "",
    );
    row(
        &mut out,
        "update after the close (`PeriodCache::refresh` + `PeriodCache::metrics` of the site)",
        &updates.summary(),
        "< 10 ms",
    );
    row(
        &mut out,
        "of which the refresh (re-read one work order)",
        &refreshes.summary(),
        "",
    );
    row(
        &mut out,
        "of which the site metrics from the kept per-asset parts",
        &recomputes.summary(),
        "",
    );
    if args.risk_runs > 0 {
        row(
            &mut out,
            "risk, as before: read the whole history before `at` (`History::load`)",
            &risk_full_load.summary(),
            "",
        );
        row(
            &mut out,
            "risk, as before: rank on the whole history",
            &risk_full_rank.summary(),
            "",
        );
        let (b, r, a) = risk_rows;
        row(
            &mut out,
            &format!(
                "risk: read + rank {ranked} assets (fit + score), 30 days, end to end (`RiskRecords::load` + `rank_records`)"
            ),
            &risk_total.summary(),
            "< 1 s",
        );
        row(
            &mut out,
            &format!(
                "of which the lean read ({b} breakdowns, {r} replacements, {a} alarms, first work order per asset)"
            ),
            &risk_load.summary(),
            "",
        );
        row(&mut out, "of which the ranking", &risk_rank.summary(), "");
    }
    if let Some(s) = &screen {
        let (cold, warm) = (&s.cold, &s.warm);
        row(
            &mut out,
            "Analytics screen through the App, first load after opening it (`analytics_metrics`, `_pareto`, `_trends`, `_risk` limit 10, `_oee`; one after the other)",
            cold,
            "",
        );
        row(
            &mut out,
            "the same screen loaded again, nothing written (the period \"to now\" a moment later; the risk ranking kept)",
            warm,
            "",
        );
        row(
            &mut out,
            "close a work order through the App (`close_work_order`: the write, then its work order re-read into the kept period)",
            &s.close,
            "",
        );
        row(
            &mut out,
            "then the site's figures (`analytics_metrics`: the kept period's per-asset parts, `PeriodCache::metrics`)",
            &s.metrics_after,
            "< 10 ms",
        );
        row(
            &mut out,
            "then the whole screen (the five calls: the period kept, the risk ranked again)",
            &s.rest_after,
            "",
        );
    }
    println!("{out}");
    if let Some(path) = &args.write_doc {
        let body = format!(
            "## Analytics speed on the replica\n\n{}\n{out}",
            doc::context_lines(&load)
        );
        doc::write_section(path, "analytics-speed", &body)?;
        eprintln!("wrote the analytics-speed section of {}", path.display());
    }
    Ok(())
}

/// The five calls of one Analytics screen load as the screen sends them: the site, the period
/// from `from` to the App's now (no `to`), the risk list's first 10, OEE of the site's first line
/// (the replica has no production counts: that answer is an error, measured all the same).
fn screen_load(app: &App, site: &str, from: &str) -> Result<()> {
    let api = |e: faultline_api::ErrorBody| anyhow::anyhow!("{:?}: {}", e.code, e.message);
    if std::env::var_os("FAULTLINE_BENCH_TRACE_CALLS").is_some() {
        for (c, a) in [
            ("analytics_metrics", json!({ "site": site, "from": from })),
            (
                "analytics_pareto",
                json!({ "site": site, "from": from, "by": "cause" }),
            ),
            ("analytics_trends", json!({ "site": site, "from": from })),
            (
                "analytics_risk",
                json!({ "site": site, "horizon_days": 30, "limit": 10 }),
            ),
            ("analytics_oee", json!({ "line": "L1", "from": from })),
        ] {
            let t = Instant::now();
            let _ = app.call(c, a);
            eprintln!("  {c}: {:.1} ms", t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    let range = json!({ "site": site, "from": from });
    app.call("analytics_metrics", range.clone()).map_err(api)?;
    app.call(
        "analytics_pareto",
        json!({ "site": site, "from": from, "by": "cause" }),
    )
    .map_err(api)?;
    app.call("analytics_trends", range).map_err(api)?;
    app.call(
        "analytics_risk",
        json!({ "site": site, "horizon_days": 30, "limit": 10 }),
    )
    .map_err(api)?;
    let _ = app.call("analytics_oee", json!({ "line": "L1", "from": from }));
    Ok(())
}

/// Timings of the Analytics screen through the App.
struct ScreenLoads {
    cold: Summary,
    warm: Summary,
    close: Summary,
    metrics_after: Summary,
    rest_after: Summary,
}

/// Screen loads on freshly opened Apps (nothing kept yet), again on the same App, and after
/// closing one of `to_close` (number, reported) through it.
fn screen_loads(
    args: &AnalyticsArgs,
    site: &str,
    from: i64,
    to_close: &[(String, i64)],
) -> Result<ScreenLoads> {
    let from = faultline_analytics::time::iso(from);
    let (mut cold, mut warm) = (Samples::default(), Samples::default());
    let (mut close, mut metrics_after, mut rest_after) =
        (Samples::default(), Samples::default(), Samples::default());
    let api = |e: faultline_api::ErrorBody| anyhow::anyhow!("{:?}: {}", e.code, e.message);
    for i in 0..args.screen_runs {
        eprintln!(
            "Analytics screen through the App {} of {} …",
            i + 1,
            args.screen_runs
        );
        let worker = WorkerCommand {
            exe: std::env::current_exe()?,
            args_before: vec![],
        };
        let app = App::open(
            &args.replica,
            AppOptions::new("bench", worker),
            Arc::new(NoSink),
        );
        time(&mut cold, || screen_load(&app, site, &from))?;
        time(&mut warm, || screen_load(&app, site, &from))?;
        let Some((number, reported_at)) = to_close.get(i) else {
            continue;
        };
        let id = {
            let store = app
                .store_mutex()
                .map_err(api)?
                .lock()
                .map_err(|_| anyhow::anyhow!("store lock"))?;
            let found = store.find_work_orders(number, 5)?;
            found
                .iter()
                .find(|w| &w.number == number)
                .map(|w| w.id)
                .context("the work order to close is gone")?
        };
        let finished = faultline_analytics::time::iso(reported_at + 3_600_000);
        time(&mut close, || {
            app.call(
                "close_work_order",
                json!({ "input": { "work_order_id": id, "failure": {}, "author": "bench",
                                   "remedy_text": "bench: closed", "finished_at": finished } }),
            )
            .map_err(api)
        })?;
        time(&mut metrics_after, || {
            app.call("analytics_metrics", json!({ "site": site, "from": from }))
                .map_err(api)
        })?;
        time(&mut rest_after, || screen_load(&app, site, &from))?;
    }
    Ok(ScreenLoads {
        cold: cold.summary(),
        warm: warm.summary(),
        close: close.summary(),
        metrics_after: metrics_after.summary(),
        rest_after: rest_after.summary(),
    })
}

/// Whether the work order's asset (`assets` sorted by tag) is in `scope`.
fn in_scope(scope: &Scope, assets: &[Asset], w: &WorkOrder) -> bool {
    assets
        .binary_search_by(|a| a.tag.as_str().cmp(w.asset_tag.as_str()))
        .ok()
        .and_then(|i| assets.get(i))
        .is_some_and(|a| scope.matches(a))
}
