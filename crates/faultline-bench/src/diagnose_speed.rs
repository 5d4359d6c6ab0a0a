//! `faultline-bench diagnose-speed`: what a `diagnose` costs on the plant-scale replica that
//! `replica` imported (1M work orders) with the ≥ 50,000-page manual index that `search` built.
//! Calls are drawn with a fixed seed from the replica's closed breakdowns with a fault code (that
//! asset, that code, and half of them the work order's title as the symptom) and timed through
//! the App's own functions: `faultline_api::diagnosis::diagnose_asset` (causes, similar work
//! orders, the guide) and the manual search `diagnose` runs (the query text of
//! `diagnosis::manual_query`, the asset's models boosted). Memory: the process's RSS before the
//! first call, after it and after all calls (Linux `/proc/self/status`).

use crate::corpus_pages;
use crate::doc;
use crate::percentiles::{Samples, Summary};
use crate::prng::Prng;
use crate::search_bench::{build_index, page_docs, status_kib};
use anyhow::{ensure, Context, Result};
use faultline_api::diagnosis::{
    diagnose_asset, manual_query, DIAGNOSE_LIMIT, DIAGNOSE_WINDOW_HOURS, MANUAL_PAGES_LIMIT,
};
use faultline_core::Store;
use faultline_diagnosis::{diagnose, History, Query};
use faultline_manuals::index::{IndexStatus, ManualIndex, SearchQuery};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct DiagnoseSpeedArgs {
    /// The replica `faultline-bench replica` imported.
    #[arg(long, default_value = "target/bench/replica-faultline")]
    replica: PathBuf,
    /// The 50,000-page manual index `faultline-bench search --out target/bench/search-f5` built
    /// (opened read-only).
    #[arg(long, default_value = "target/bench/search-f5/index")]
    index: PathBuf,
    /// When that index is of another schema version: the corpus whose manuals are indexed
    /// (repeated to `--pages` pages) into `--own-index` instead.
    #[arg(long, env = "FAULTLINE_CORPUS", default_value = "../shared/corpus")]
    corpus: PathBuf,
    /// Pages of the index built from the corpus.
    #[arg(long, default_value_t = 50_000)]
    pages: usize,
    /// Where the index built from the corpus goes (reused when ready).
    #[arg(long, default_value = "target/bench/diagnose-speed/index")]
    own_index: PathBuf,
    /// Timed calls (after `--warmup` untimed ones).
    #[arg(long, default_value_t = 300)]
    calls: usize,
    /// Untimed calls first (the first one is also the memory measure).
    #[arg(long, default_value_t = 5)]
    warmup: usize,
    /// Seed of the drawn calls.
    #[arg(long, default_value_t = 11)]
    seed: u64,
    /// Skip the held-history comparison (faster runs while profiling; its table then says so).
    #[arg(long)]
    no_held: bool,
    /// Rewrite the diagnose-speed section of this markdown file (e.g. docs/benchmarks.md).
    #[arg(long)]
    write_doc: Option<PathBuf>,
}

/// One drawn call: an asset, the code on its display, maybe a symptom.
struct Call {
    asset_id: String,
    code: String,
    symptom: Option<String>,
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// `n` calls from the replica's closed breakdowns with a fault code, drawn with `seed`.
/// Also the replica's work-order count.
fn draw_calls(replica: &Path, n: usize, seed: u64) -> Result<(Vec<Call>, i64)> {
    let db = replica.join("faultline.db");
    let conn = rusqlite::Connection::open_with_flags(
        &db,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("opening {}", db.display()))?;
    let mut stmt = conn.prepare(
        "SELECT a.id, w.fault_code, w.title FROM work_orders w JOIN assets a ON a.rid = w.asset_rid
         WHERE w.wo_type IN ('breakdown', 'corrective') AND w.status = 'closed'
           AND w.fault_code IS NOT NULL AND w.fault_code <> ''",
    )?;
    let rows: Vec<(String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    ensure!(
        !rows.is_empty(),
        "{} has no closed breakdown with a fault code: run `faultline-bench replica` first",
        db.display()
    );
    let count: i64 = conn.query_row("SELECT count(*) FROM work_orders", [], |r| r.get(0))?;
    let mut rng = Prng::new(seed);
    let calls = (0..n)
        .map(|i| {
            let (asset_id, code, title) = rng.pick(&rows);
            Call {
                asset_id: asset_id.clone(),
                code: code.clone(),
                symptom: (i % 2 == 1).then(|| title.clone()),
            }
        })
        .collect();
    Ok((calls, count))
}

/// The times of one call: causes + similar work orders + guide, and the manual pages.
fn one_call(store: &Store, index: &ManualIndex, call: &Call) -> Result<(Duration, Duration)> {
    let t = Instant::now();
    let asset = store.resolve_asset(&call.asset_id)?;
    let (d, _guide, _generated) = diagnose_asset(
        store,
        &asset,
        vec![call.code.clone()],
        call.symptom.as_deref(),
        DIAGNOSE_LIMIT as usize,
    )?;
    let causes = t.elapsed();
    let t = Instant::now();
    let text = manual_query(&d.codes, call.symptom.as_deref());
    if !text.is_empty() {
        let q = SearchQuery {
            text,
            boost_models: store.asset_model_names(asset.id)?,
            limit: MANUAL_PAGES_LIMIT,
        };
        index.search(&q)?;
    }
    Ok((causes, t.elapsed()))
}

/// Where one call's time goes, in ms, in the steps `diagnose_asset` takes on the live path:
/// the causes (`faultline_diagnosis::live::rank_causes`: the replica's totals, postings and
/// bounded rows), the similar work orders and the rest of `diagnose_live`, the guide.
struct Phases {
    causes_ms: f64,
    rest_ms: f64,
    guide_ms: f64,
}

fn phases(store: &Store, call: &Call) -> Result<Phases> {
    let asset = store.resolve_asset(&call.asset_id)?;
    let at = store.clock().now().timestamp_millis();
    let q = Query {
        asset_tag: asset.tag.clone(),
        codes: vec![call.code.clone()],
        symptom: call.symptom.clone(),
        at,
        window_hours: DIAGNOSE_WINDOW_HOURS,
        limit: DIAGNOSE_LIMIT as usize,
    };
    let (rid, a) = faultline_diagnosis::live::asset(store, &q.asset_tag)?;
    let params = faultline_diagnosis::CauseParams {
        window_ms: i64::from(q.window_hours) * faultline_diagnosis::HOUR_MS,
        ..Default::default()
    };
    let t = Instant::now();
    faultline_diagnosis::live::rank_causes(
        store,
        rid,
        &a,
        &q.codes,
        q.symptom.as_deref(),
        at,
        &params,
        q.limit,
    )?;
    let causes_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let d = faultline_diagnosis::diagnose_live(store, &q)?
        .context("the live path declined a call at now")?;
    let all_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    faultline_diagnosis::guide::guide_for(
        store,
        &asset,
        &d.codes,
        call.symptom.as_deref(),
        &d.causes,
    )?;
    Ok(Phases {
        causes_ms,
        rest_ms: (all_ms - causes_ms).max(0.0),
        guide_ms: t.elapsed().as_secs_f64() * 1e3,
    })
}

/// The upgrade of the replica to the diagnosis tables (migrations 0018 and 0019) and their
/// backfill (the first catch-ups), timed once.
struct Upgrade {
    open_ms: f64,
    /// Terms whose postings rows (0019) became blocks (0020), when there were any.
    converted: Option<usize>,
    convert_ms: f64,
    /// Bytes of the database's pages in use (not on the free list) after the migrations and
    /// after the catch-ups.
    used_before: u64,
    used_after: u64,
    totals_rows: usize,
    totals_ms: f64,
    text_rows: usize,
    text_ms: f64,
    db_before: u64,
    db_after: u64,
    rss_before: u64,
    rss_after: u64,
}

fn db_bytes(replica: &Path) -> u64 {
    ["faultline.db", "faultline.db-wal"]
        .iter()
        .filter_map(|f| std::fs::metadata(replica.join(f)).ok())
        .map(|m| m.len())
        .sum()
}

/// The bytes of the database's pages in use: page count less free pages, times the page size
/// (a dropped table's pages stay in the file, free for later writes).
fn db_used_bytes(replica: &Path) -> u64 {
    let Ok(conn) = rusqlite::Connection::open_with_flags(
        replica.join("faultline.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    ) else {
        return 0;
    };
    conn.query_row(
        "SELECT (p.page_count - f.freelist_count) * s.page_size
         FROM pragma_page_count() p, pragma_freelist_count() f, pragma_page_size() s",
        [],
        |r| r.get::<_, i64>(0),
    )
    .map_or(0, |b| u64::try_from(b).unwrap_or(0))
}

fn open_and_upgrade(replica: &Path) -> Result<(Store, Upgrade)> {
    let db_before = db_bytes(replica);
    let rss_before = status_kib("VmRSS").unwrap_or(0);
    let t = Instant::now();
    let store = Store::open(replica)?;
    let open_ms = t.elapsed().as_secs_f64() * 1e3;
    let used_before = db_used_bytes(replica);
    let t = Instant::now();
    let converted = store.diagnosis_blocks_convert(usize::MAX)?;
    let convert_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let totals = faultline_diagnosis::live::catch_up(&store, &mut |d, n| {
        eprintln!("diagnosis totals: {d} of {n} work orders")
    })?;
    let totals_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let text_rows = faultline_diagnosis::live_text::catch_up(&store, &mut |d, n| {
        eprintln!("diagnosis text index: {d} of {n} work orders")
    })?;
    let text_ms = t.elapsed().as_secs_f64() * 1e3;
    let u = Upgrade {
        open_ms,
        converted,
        convert_ms,
        used_before,
        totals_rows: totals.work_orders,
        totals_ms,
        text_rows,
        text_ms,
        db_before,
        db_after: db_bytes(replica),
        used_after: db_used_bytes(replica),
        rss_before,
        rss_after: status_kib("VmRSS").unwrap_or(0),
    };
    eprintln!(
        "upgrade: open (migrations) {:.0} ms, postings into blocks {:?} terms {:.0} ms, totals {} \
         rows {:.0} ms, text {} rows {:.0} ms, db {} -> {} bytes ({} -> {} in use)",
        u.open_ms,
        u.converted,
        u.convert_ms,
        u.totals_rows,
        u.totals_ms,
        u.text_rows,
        u.text_ms,
        u.db_before,
        u.db_after,
        u.used_before,
        u.used_after
    );
    Ok((store, u))
}

struct Figures {
    upgrade: Upgrade,
    held: Option<Held>,
    phases: Vec<Phases>,
    causes: Summary,
    causes_symptom: Summary,
    pages: Summary,
    total: Summary,
    rss_before: u64,
    rss_first: u64,
    rss_after: u64,
    hwm_after: u64,
    first_ms: f64,
    work_orders: i64,
    calls: usize,
    index_path: PathBuf,
    index_pages: u64,
}

fn row(name: &str, s: &Summary, aim: &str) -> String {
    format!(
        "| {name} | {} | {:.1} ms | {:.1} ms | {:.1} ms | {aim} |",
        s.count, s.p50_ms, s.p99_ms, s.max_ms
    )
}

fn markdown(f: &Figures) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Replica: {} work orders (`target/bench/replica-faultline`), manual index: {} pages \
         (`{}`: the corpus manuals repeated, as in `search`). {} calls drawn with a fixed seed \
         from the closed breakdowns with a fault code (that asset and code; every second call \
         also its title as the symptom), after untimed warm-up calls, one at a time.\n",
        f.work_orders,
        f.index_pages,
        f.index_path.display(),
        f.calls
    );
    let _ = writeln!(s, "| diagnose | calls | p50 | p99 | max | aim |");
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---|");
    let _ = writeln!(
        s,
        "{}",
        row(
            "causes + similar work orders + guide (`diagnose_asset`), all calls",
            &f.causes,
            "p99 < 50 ms"
        )
    );
    let _ = writeln!(
        s,
        "{}",
        row("… the calls with a symptom", &f.causes_symptom, "")
    );
    let _ = writeln!(s, "{}", row("manual pages (50k-page index)", &f.pages, ""));
    let _ = writeln!(s, "{}", row("all of it", &f.total, "p99 < 100 ms"));
    let _ = writeln!(
        s,
        "\nMemory (RSS of the bench process): {:.1} MiB with the store and the index open, \
         {:.1} MiB after the first call ({:.0} ms), {:.1} MiB after all calls, peak {:.1} MiB: \
         **{:.1} MiB added** by diagnosis (aim < 50 MB).",
        mib(f.rss_before),
        mib(f.rss_first),
        f.first_ms,
        mib(f.rss_after),
        mib(f.hwm_after),
        mib(f.rss_after.saturating_sub(f.rss_before))
    );
    if let Some(held) = &f.held {
        let _ = writeln!(
            s,
            "\nThe ranking alone on one history held across calls (`faultline_diagnosis::diagnose` on \
             a `History` read once, with its prepared index: the path before the live one, still \
             what back-tests and `--at` far in the past use; measured after the figures above): read \
             {:.0} ms and index {:.0} ms once, {:.1} MiB added; per call:\n",
            held.read_ms,
            held.index_ms,
            mib(held.kib)
        );
        let _ = writeln!(
            s,
            "| diagnose on a held history | calls | p50 | p99 | max | aim |"
        );
        let _ = writeln!(s, "|---|---:|---:|---:|---:|---|");
        let _ = writeln!(s, "{}", row("causes + similar work orders", &held.rank, ""));
        let _ = writeln!(
            s,
            "{}",
            row("… the calls with a symptom", &held.rank_symptom, "")
        );
    }
    if !f.phases.is_empty() {
        let _ = writeln!(
            s,
            "\nWhere the time goes (untimed warm-up calls, one line each): causes \
             (`live::rank_causes`) / similar work orders and the rest of `diagnose_live` / \
             guide:\n"
        );
        for p in &f.phases {
            let _ = writeln!(
                s,
                "- {:.1} ms / {:.1} ms / {:.1} ms",
                p.causes_ms, p.rest_ms, p.guide_ms
            );
        }
    }
    let u = &f.upgrade;
    let converted = match u.converted {
        Some(terms) => format!(
            "the postings rows of 0019 into blocks (0020) {:.1} s ({terms} terms); ",
            u.convert_ms / 1e3
        ),
        None => String::new(),
    };
    let _ = writeln!(
        s,
        "\nUpgrade of this replica, once (the first open after the diagnosis migrations \
         (0018–0020) and the first catch-up, which the App runs on a thread after start and \
         `faultline diagnose` with progress on stderr): migrations {:.1} s; {converted}totals of \
         {} evidence work orders {:.1} s; text index of {} work orders {:.1} s; the database \
         file from {:.0} MiB to {:.0} MiB, its pages in use (without the free list) from {:.0} \
         MiB to {:.0} MiB; RSS {:.0} MiB before, {:.0} MiB after.",
        u.open_ms / 1e3,
        u.totals_rows,
        u.totals_ms / 1e3,
        u.text_rows,
        u.text_ms / 1e3,
        u.db_before as f64 / 1048576.0,
        u.db_after as f64 / 1048576.0,
        u.used_before as f64 / 1048576.0,
        u.used_after as f64 / 1048576.0,
        mib(u.rss_before),
        mib(u.rss_after)
    );
    s
}

/// The ≥ 50,000-page index: `--index` when this build can read it, else `--own-index` (built
/// from the corpus when not ready). Also the path used and its page count.
fn open_index(args: &DiagnoseSpeedArgs) -> Result<(ManualIndex, PathBuf)> {
    if let Ok(i) = ManualIndex::open_read_only(&args.index) {
        if i.status() == IndexStatus::Ready {
            return Ok((i, args.index.clone()));
        }
    }
    eprintln!(
        "the index at {} is not ready for this build (another schema version?): using {}",
        args.index.display(),
        args.own_index.display()
    );
    if let Ok(i) = ManualIndex::open(&args.own_index) {
        if i.status() == IndexStatus::Ready {
            return Ok((i, args.own_index.clone()));
        }
    }
    let pages = corpus_pages::load(&args.corpus.join("manuals"))?;
    ensure!(
        !pages.is_empty(),
        "no corpus pages under {}",
        args.corpus.display()
    );
    let copies = args.pages.div_ceil(pages.len()).max(1);
    eprintln!(
        "indexing {} pages ({copies} copies of the corpus) …",
        copies * pages.len()
    );
    let i = build_index(&args.own_index, page_docs(&pages, copies))?;
    Ok((i, args.own_index.clone()))
}

/// The ranking on one history read once and held across calls (what an App-side cache of the
/// history would give; the App does not keep one yet): the read, the prepared index
/// ([`History::index`]), the RSS they add, and each call's `diagnose` on it.
struct Held {
    read_ms: f64,
    index_ms: f64,
    kib: u64,
    rank: Summary,
    rank_symptom: Summary,
}

fn held_history(store: &Store, calls: &[Call]) -> Result<Held> {
    let rss0 = status_kib("VmRSS").unwrap_or(0);
    let at = store.clock().now().timestamp_millis();
    let t = Instant::now();
    let h = History::read(store, at)?;
    let read_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    h.index();
    let index_ms = t.elapsed().as_secs_f64() * 1e3;
    let kib = status_kib("VmRSS").unwrap_or(0).saturating_sub(rss0);
    let (mut rank, mut rank_symptom) = (Samples::with_capacity(calls.len()), Samples::default());
    for c in calls {
        let asset = store.resolve_asset(&c.asset_id)?;
        let q = Query {
            asset_tag: asset.tag.clone(),
            codes: vec![c.code.clone()],
            symptom: c.symptom.clone(),
            at,
            window_hours: DIAGNOSE_WINDOW_HOURS,
            limit: DIAGNOSE_LIMIT as usize,
        };
        let t = Instant::now();
        diagnose(&h, &q)?;
        let d = t.elapsed();
        rank.push(d);
        if c.symptom.is_some() {
            rank_symptom.push(d);
        }
    }
    eprintln!("held history: read {read_ms:.0} ms, index {index_ms:.0} ms, {kib} KiB");
    Ok(Held {
        read_ms,
        index_ms,
        kib,
        rank: rank.summary(),
        rank_symptom: rank_symptom.summary(),
    })
}

pub fn run(args: DiagnoseSpeedArgs) -> Result<()> {
    let load = doc::load_average();
    ensure!(
        args.replica.join("faultline.db").exists(),
        "no replica at {}: run `faultline-bench replica` first",
        args.replica.display()
    );
    let (calls, work_orders) = draw_calls(&args.replica, args.warmup + args.calls, args.seed)?;
    let (index, index_path) = open_index(&args)?;
    let index_pages = index.num_pages();
    let (store, upgrade) = open_and_upgrade(&args.replica)?;
    let rss_before = status_kib("VmRSS").unwrap_or(0);
    let mut first_ms = 0.0;
    let mut rss_first = 0;
    for (i, c) in calls.iter().take(args.warmup).enumerate() {
        let t = Instant::now();
        one_call(&store, &index, c)?;
        if i == 0 {
            first_ms = t.elapsed().as_secs_f64() * 1e3;
            rss_first = status_kib("VmRSS").unwrap_or(0);
        }
        eprintln!("warm-up call {} of {}", i + 1, args.warmup);
    }
    let mut phase_figures = Vec::new();
    for c in calls.iter().take(args.warmup.min(3)) {
        let p = phases(&store, c)?;
        eprintln!(
            "phases: causes {:.1} ms, similar and the rest {:.1} ms, guide {:.1} ms",
            p.causes_ms, p.rest_ms, p.guide_ms
        );
        phase_figures.push(p);
    }
    let (mut causes, mut causes_symptom, mut pages, mut total) = (
        Samples::with_capacity(args.calls),
        Samples::default(),
        Samples::with_capacity(args.calls),
        Samples::with_capacity(args.calls),
    );
    for (i, c) in calls.iter().skip(args.warmup).enumerate() {
        let (a, b) = one_call(&store, &index, c)?;
        eprintln!(
            "call {}: {:.1} ms + pages {:.1} ms ({} {:?} {:?})",
            i + 1,
            a.as_secs_f64() * 1e3,
            b.as_secs_f64() * 1e3,
            c.asset_id,
            c.code,
            c.symptom
        );
        causes.push(a);
        if c.symptom.is_some() {
            causes_symptom.push(a);
        }
        pages.push(b);
        total.push(a + b);
        if (i + 1) % 50 == 0 {
            eprintln!("{} of {} calls", i + 1, args.calls);
        }
    }
    let rss_after = status_kib("VmRSS").unwrap_or(0);
    let hwm_after = status_kib("VmHWM").unwrap_or(0);
    let held = if args.no_held {
        None
    } else {
        Some(held_history(
            &store,
            &calls[args.warmup.min(calls.len())..],
        )?)
    };
    let f = Figures {
        upgrade,
        held,
        phases: phase_figures,
        causes: causes.summary(),
        causes_symptom: causes_symptom.summary(),
        pages: pages.summary(),
        total: total.summary(),
        rss_before,
        rss_first,
        rss_after,
        hwm_after,
        first_ms,
        work_orders,
        calls: args.calls,
        index_path,
        index_pages,
    };
    let table = markdown(&f);
    println!("{table}");
    if let Some(path) = &args.write_doc {
        let body = format!(
            "## Diagnose at plant scale\n\n{}\n{table}",
            doc::context_lines(&load)
        );
        doc::write_section(path, "diagnose-speed", &body)?;
        eprintln!("wrote the diagnose-speed section of {}", path.display());
    }
    Ok(())
}
