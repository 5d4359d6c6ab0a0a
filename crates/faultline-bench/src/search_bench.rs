//! The `search` subcommand: the manual page index (faultline-manuals) against SQLite FTS5 on
//! the corpus manuals — relevance on the corpus as it is, latency on ≥ 50,000 pages (the
//! corpus repeated under distinct manual ids), index size, and the memory of a process that
//! opens the index and searches (measured in a child process, so the build does not count).

use crate::corpus_pages::{self, model_of, CorpusPage};
use crate::doc;
use crate::fts5_baseline::Fts5;
use crate::percentiles::Samples;
use crate::relevance::{self, QueryScore};
use crate::search_queries;
use crate::search_report::{LatencyFigures, MemoryFigures, QueryRow, SearchReport, SizeFigures};
use anyhow::{ensure, Context, Result};
use faultline_manuals::index::{IndexStatus, ManualIndex, PageDoc, SearchQuery};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::Instant;
use uuid::Uuid;

#[derive(clap::Args)]
pub struct SearchArgs {
    /// The corpus folder; its `manuals/*.pdf` are indexed (read in place, never copied).
    #[arg(long, env = "FAULTLINE_CORPUS", default_value = "../shared/corpus")]
    corpus: PathBuf,
    /// Pages in the latency index: the corpus pages repeated under distinct manual ids.
    #[arg(long, default_value_t = 50_000)]
    pages: usize,
    /// Timed passes over the query set, after one untimed warm-up pass.
    #[arg(long, default_value_t = 3)]
    passes: usize,
    /// Judged queries for recall@5 / MRR@10.
    #[arg(
        long,
        default_value = "crates/faultline-bench/relevance/manual_queries.toml"
    )]
    judgments: PathBuf,
    /// Where the indexes go.
    #[arg(long, default_value = "target/bench/search")]
    out: PathBuf,
    /// Rewrite the search section of this markdown file (e.g. docs/benchmarks.md).
    #[arg(long)]
    write_doc: Option<PathBuf>,
    /// Internal: open the index at this path, run the query set, print memory figures.
    #[arg(long, hide = true)]
    rss_probe: Option<PathBuf>,
}

pub(crate) const LIMIT: usize = 10;

/// The corpus pages, `copies` times, each copy of a manual under its own id.
pub(crate) fn page_docs(pages: &[CorpusPage], copies: usize) -> impl Iterator<Item = PageDoc> + '_ {
    let mut files: Vec<&str> = pages.iter().map(|p| p.file_name.as_str()).collect();
    files.dedup();
    (0..copies).flat_map(move |copy| {
        let files = files.clone();
        pages.iter().map(move |p| {
            let file_index = files.iter().position(|f| *f == p.file_name).unwrap_or(0);
            PageDoc {
                manual_id: Uuid::from_u128(((copy as u128) << 32) | file_index as u128),
                page: p.page,
                file_name: p.file_name.clone(),
                title: Some(model_of(&p.file_name).replace('_', " ")),
                manufacturer: None,
                models: vec![model_of(&p.file_name)],
                language: p.language.clone(),
                text: p.text.clone(),
            }
        })
    })
}

/// The same pages grouped per manual, as an import delivers them.
fn manual_batches(pages: &[CorpusPage], copies: usize) -> Vec<Vec<PageDoc>> {
    let mut batches: Vec<Vec<PageDoc>> = Vec::new();
    for doc in page_docs(pages, copies) {
        match batches.last_mut() {
            Some(b) if b.first().is_some_and(|d| d.manual_id == doc.manual_id) => b.push(doc),
            _ => batches.push(vec![doc]),
        }
    }
    batches
}

fn dir_size(dir: &Path) -> Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += if meta.is_dir() {
            dir_size(&entry.path())?
        } else {
            meta.len()
        };
    }
    Ok(total)
}

fn fresh_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    Ok(())
}

pub(crate) fn build_index(root: &Path, docs: impl Iterator<Item = PageDoc>) -> Result<ManualIndex> {
    fresh_dir(root)?;
    let index = ManualIndex::open(root)?;
    let mut next_report = 10_000;
    index.rebuild(
        docs,
        |p| {
            if p.pages >= next_report {
                eprintln!("  {} pages indexed", p.pages);
                next_report += 10_000;
            }
        },
        &AtomicBool::new(false),
    )?;
    ensure!(
        index.status() == IndexStatus::Ready,
        "index not ready after the rebuild"
    );
    Ok(index)
}

pub(crate) fn ours_ranked(
    index: &ManualIndex,
    text: &str,
    boost_models: Vec<String>,
) -> Result<Vec<(String, u32)>> {
    let q = SearchQuery {
        text: text.to_string(),
        boost_models,
        limit: LIMIT,
    };
    Ok(index
        .search(&q)?
        .hits
        .into_iter()
        .map(|h| (h.file_name, h.page))
        .collect())
}

fn relevance_rows(
    pages: &[CorpusPage],
    judged: &[relevance::Judged],
    out: &Path,
) -> Result<Vec<QueryRow>> {
    eprintln!(
        "relevance: indexing the corpus once ({} pages) …",
        pages.len()
    );
    let index = build_index(&out.join("relevance-index"), page_docs(pages, 1))?;
    let fts = Fts5::build(
        &out.join("relevance-fts5.db"),
        pages
            .iter()
            .map(|p| (p.file_name.as_str(), p.page, p.text.as_str())),
    )?;
    let mut rows = Vec::with_capacity(judged.len());
    for q in judged {
        let ours: QueryScore = relevance::score(
            &ours_ranked(&index, &q.text, Vec::new())?,
            &q.relevant,
            &q.partial,
        );
        let fts: QueryScore =
            relevance::score(&fts.search(&q.text, LIMIT)?, &q.relevant, &q.partial);
        rows.push(QueryRow {
            text: q.text.clone(),
            kind: q.kind.clone(),
            relevant: q.relevant.len(),
            ours,
            fts,
        });
    }
    Ok(rows)
}

/// `Name:   123 kB` from /proc/self/status, in KiB.
pub(crate) fn status_kib(name: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|l| {
        l.strip_prefix(name)
            .and_then(|v| v.strip_prefix(':'))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    })
}

/// The child process: open the index (checksums verified), search, report memory on stdout.
fn rss_probe(dir: &Path, judgments: &Path) -> Result<()> {
    let baseline = status_kib("VmRSS").unwrap_or(0);
    let t = Instant::now();
    let index = ManualIndex::open(dir)?;
    let open_ms = t.elapsed().as_secs_f64() * 1e3;
    ensure!(
        index.status() == IndexStatus::Ready,
        "index at {} is not ready",
        dir.display()
    );
    let queries = search_queries::build(&relevance::load(judgments)?);
    for _ in 0..2 {
        for q in &queries {
            ours_ranked(&index, &q.text, q.boost_models.clone())?;
        }
    }
    println!(
        "baseline_kib={baseline} rss_kib={} hwm_kib={} anon_kib={} file_kib={} open_ms={open_ms:.1}",
        status_kib("VmRSS").unwrap_or(0),
        status_kib("VmHWM").unwrap_or(0),
        status_kib("RssAnon").unwrap_or(0),
        status_kib("RssFile").unwrap_or(0),
    );
    Ok(())
}

fn run_probe(index_root: &Path, judgments: &Path) -> Result<MemoryFigures> {
    let exe = std::env::current_exe().context("locating faultline-bench")?;
    let out = Command::new(exe)
        .arg("search")
        .arg("--rss-probe")
        .arg(index_root)
        .arg("--judgments")
        .arg(judgments)
        .output()
        .context("running the memory probe")?;
    ensure!(
        out.status.success(),
        "memory probe failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let field = |name: &str| -> Result<f64> {
        stdout
            .split_whitespace()
            .find_map(|kv| kv.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
            .and_then(|v| v.parse().ok())
            .with_context(|| format!("memory probe printed no {name}: {stdout}"))
    };
    Ok(MemoryFigures {
        baseline_kib: field("baseline_kib")? as u64,
        rss_kib: field("rss_kib")? as u64,
        hwm_kib: field("hwm_kib")? as u64,
        anon_kib: field("anon_kib")? as u64,
        file_kib: field("file_kib")? as u64,
        open_ms: field("open_ms")?,
    })
}

pub fn run(args: SearchArgs) -> Result<()> {
    if let Some(dir) = &args.rss_probe {
        return rss_probe(dir, &args.judgments);
    }
    let load = doc::load_average();
    std::fs::create_dir_all(&args.out)?;
    let manuals = args.corpus.join("manuals");
    eprintln!(
        "reading page texts of {} with pdftotext …",
        manuals.display()
    );
    let t = Instant::now();
    let pages = corpus_pages::load(&manuals)?;
    let pdftotext_secs = t.elapsed().as_secs_f64();
    let manual_count = corpus_pages::manual_files(&manuals)?.len();
    let judged = relevance::load(&args.judgments)?;

    let rows = relevance_rows(&pages, &judged, &args.out)?;

    let copies = args.pages.div_ceil(pages.len()).max(1);
    let total_pages = copies * pages.len();
    let index_root = args.out.join("index");
    eprintln!("latency: indexing {total_pages} pages ({copies} copies of the corpus) …");
    let t = Instant::now();
    drop(build_index(&index_root, page_docs(&pages, copies))?);
    let build_secs = t.elapsed().as_secs_f64();
    let index_bytes = dir_size(&index_root)?;

    eprintln!("latency: building the FTS5 baseline over the same pages …");
    let fts_path = args.out.join("fts5.db");
    let t = Instant::now();
    let fts = Fts5::build(
        &fts_path,
        (0..copies).flat_map(|_| {
            pages
                .iter()
                .map(|p| (p.file_name.as_str(), p.page, p.text.as_str()))
        }),
    )?;
    let fts_build_secs = t.elapsed().as_secs_f64();
    let fts_bytes = std::fs::metadata(&fts_path)?.len();

    let t = Instant::now();
    let index = ManualIndex::open(&index_root)?;
    let open_ms = t.elapsed().as_secs_f64() * 1e3;
    ensure!(
        index.num_pages() == total_pages as u64,
        "the index lost pages"
    );

    // The everyday path: one `add_manual` (one commit) per manual, tantivy merging meanwhile.
    let incremental_root = args.out.join("index-incremental");
    let batches = manual_batches(&pages, copies);
    eprintln!(
        "latency: indexing the same pages again, one commit per manual ({} manuals) …",
        batches.len()
    );
    let incremental = build_index(&incremental_root, std::iter::empty())?;
    let t = Instant::now();
    for batch in batches {
        incremental.add_manual(batch)?;
    }
    let incremental_secs = t.elapsed().as_secs_f64();
    ensure!(
        incremental.num_pages() == total_pages as u64,
        "the incremental index lost pages"
    );

    let queries = search_queries::build(&judged);
    eprintln!(
        "latency: {} queries, 1 warm-up pass + {} timed passes each …",
        queries.len(),
        args.passes
    );
    let (mut ours_hits, mut fts_hits) = (0usize, 0usize);
    for q in &queries {
        ours_hits += ours_ranked(&index, &q.text, q.boost_models.clone())?.len();
        fts_hits += fts.search(&q.text, LIMIT)?.len();
    }
    let n = queries.len() * args.passes.max(1);
    let (mut ours, mut ours_scoped, mut ours_incremental, mut fts_samples) = (
        Samples::with_capacity(n),
        Samples::default(),
        Samples::with_capacity(n),
        Samples::with_capacity(n),
    );
    for q in &queries {
        ours_ranked(&incremental, &q.text, q.boost_models.clone())?;
    }
    let mut by_variant: BTreeMap<&'static str, (Samples, Samples)> = BTreeMap::new();
    for _ in 0..args.passes.max(1) {
        for q in &queries {
            let t = Instant::now();
            let hits = ours_ranked(&index, &q.text, q.boost_models.clone())?;
            let d = t.elapsed();
            std::hint::black_box(hits);
            ours.push(d);
            let variant = by_variant.entry(q.variant).or_default();
            variant.0.push(d);
            if !q.boost_models.is_empty() {
                ours_scoped.push(d);
            }
            let t = Instant::now();
            std::hint::black_box(ours_ranked(&incremental, &q.text, q.boost_models.clone())?);
            ours_incremental.push(t.elapsed());
            let t = Instant::now();
            std::hint::black_box(fts.search(&q.text, LIMIT)?);
            let d = t.elapsed();
            fts_samples.push(d);
            by_variant.entry(q.variant).or_default().1.push(d);
        }
    }
    let incremental_segments = incremental.num_segments();
    drop(incremental);
    drop(index);
    drop(fts);

    eprintln!("memory: opening the index in a fresh process …");
    let memory = run_probe(&index_root, &args.judgments)?;

    let report = SearchReport {
        manuals: manual_count,
        corpus_pages: pages.len(),
        pdftotext_secs,
        copies,
        latency: LatencyFigures {
            queries: queries.len(),
            passes: args.passes.max(1),
            ours: ours.summary(),
            ours_scoped: ours_scoped.summary(),
            ours_incremental: ours_incremental.summary(),
            by_variant: by_variant
                .iter()
                .map(|(v, (o, f))| (*v, o.summary(), f.summary()))
                .collect(),
            incremental_segments,
            fts: fts_samples.summary(),
            ours_hits: ours_hits as f64 / queries.len().max(1) as f64,
            fts_hits: fts_hits as f64 / queries.len().max(1) as f64,
        },
        size: SizeFigures {
            pages: total_pages,
            index_bytes,
            fts_bytes,
            build_secs,
            fts_build_secs,
            incremental_secs,
            incremental_manuals: copies * manual_count,
            open_ms,
        },
        memory,
        rows,
    };
    let body = format!(
        "## Manual search vs SQLite FTS5\n\n{}\n{}",
        doc::context_lines(&load),
        report.markdown()
    );
    println!("{body}");
    if let Some(path) = &args.write_doc {
        doc::write_section(path, "search", &body)?;
        eprintln!("wrote the search section of {}", path.display());
    }
    Ok(())
}
