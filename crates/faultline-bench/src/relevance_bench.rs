//! The `relevance` subcommand: the manual search against SQLite FTS5 on the judged query sets —
//! `dev` (tuned on), `test` (only ever scored in aggregate) and `seen` (the older queries written
//! while reading the manuals) — over the 14 corpus manuals, extracted once and cached. Prints
//! recall@5, MRR@10 and nDCG@10 per set and per query kind; optionally per query (dev and seen
//! only), rewrites the docs section, saves or checks the committed test figures.

use crate::corpus_pages::model_of;
use crate::doc;
use crate::fts5_baseline::Fts5;
use crate::relevance::{self, Judged};
use crate::relevance_cache;
use crate::relevance_report::{self, Figures, Row, SetResult};
use crate::relevance_tune;
use crate::search_bench::{build_index, page_docs, LIMIT};
use anyhow::{bail, Context, Result};
use faultline_manuals::index::{ManualIndex, RankWeights};
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args)]
pub struct RelevanceArgs {
    /// The corpus folder; its `manuals/*.pdf` are indexed (read in place, never copied).
    #[arg(long, env = "FAULTLINE_CORPUS", default_value = "../shared/corpus")]
    corpus: PathBuf,
    /// The judged query sets.
    #[arg(long, default_value = "crates/faultline-bench/relevance")]
    judgments: PathBuf,
    /// Where the page cache goes; each run builds its index and FTS5 database in a directory of
    /// its own inside it, removed when the run ends.
    #[arg(long, default_value = "target/bench/relevance")]
    out: PathBuf,
    /// Print one line per query of this set: `dev` or `seen` (never `test`).
    #[arg(long)]
    per_query: Vec<String>,
    /// Rewrite the relevance section of this markdown file (e.g. docs/benchmarks.md).
    #[arg(long)]
    write_doc: Option<PathBuf>,
    /// Fail when the test set's recall@5 or MRR@10 is more than 0.02 below the figures in this
    /// file (e.g. crates/faultline-bench/relevance/figures.toml).
    #[arg(long)]
    check: Option<PathBuf>,
    /// Write this run's figures to this file (the committed figures `--check` compares with).
    #[arg(long)]
    save_figures: Option<PathBuf>,
    /// Rank with the weights of this file instead of the shipped ones
    /// (`crates/faultline-manuals/src/index/ranking_weights.toml` is the shipped file).
    #[arg(long)]
    weights: Option<PathBuf>,
    /// Train the ranking weights on the dev set (coordinate ascent, the seen set as a guard;
    /// the test set is not searched while training), write them to this file, then score every
    /// set with them.
    #[arg(long)]
    tune: Option<PathBuf>,
    /// With --tune: hold a weight at its start value (`--pin code`) or keep it at or above a
    /// floor (`--pin code>=3`); repeatable. `code` needs ≥ 3.0 (the demo's AL 2040 page,
    /// tests/cli/demo_walkthrough.rs), a constraint the judged sets do not see.
    #[arg(long, value_name = "NAME[>=VALUE]", requires = "tune")]
    pin: Vec<String>,
    /// With --tune: train on the dev queries of this judging round only, so that the other
    /// round's figures (printed per round) are held out: a check that a retraining generalises.
    #[arg(long, value_name = "N", requires = "tune")]
    tune_round: Option<usize>,
    /// Print why our best pages for this text rank where they do (tantivy's explanation as
    /// JSON, one line per page) and stop: a tuning aid for dev queries.
    #[arg(long, value_name = "TEXT")]
    explain: Option<String>,
    /// Score only dev and seen (while experimenting: the test set is scored once, at the end);
    /// not with --write-doc, --save-figures or --check.
    #[arg(long)]
    no_test: bool,
}

/// The sets: name, file under `--judgments`.
const SETS: [(&str, &str); 3] = [
    ("dev", "blind_dev.toml"),
    ("test", "blind_test.toml"),
    ("seen", "manual_queries.toml"),
];

fn page_label(hit: &(String, u32)) -> String {
    let model = model_of(&hit.0);
    let short: String = model.chars().take(14).collect();
    format!("{short}:{}", hit.1)
}

fn score_set(
    name: &'static str,
    judged: &[Judged],
    index: &ManualIndex,
    fts: &Fts5,
    weights: &RankWeights,
) -> Result<SetResult> {
    let mut rows = Vec::with_capacity(judged.len());
    for q in judged {
        let ours = relevance_tune::ranked(index, &q.text, weights)?;
        let fts_ranked = fts.search(&q.text, LIMIT)?;
        rows.push(Row {
            text: q.text.clone(),
            kind: q.kind.clone(),
            round: q.round,
            ours: relevance::score(&ours, &q.relevant, &q.partial),
            fts: relevance::score(&fts_ranked, &q.relevant, &q.partial),
            ours_top: ours.iter().take(5).map(page_label).collect(),
            relevant: q.relevant.iter().map(page_label).collect(),
        });
    }
    Ok(SetResult { name, rows })
}

pub fn run(args: RelevanceArgs) -> Result<()> {
    for set in &args.per_query {
        match set.as_str() {
            "dev" | "seen" => {}
            "test" => bail!(
                "the test set is only ever scored in aggregate: no per-query lines for it \
                 (use --per-query dev or --per-query seen)"
            ),
            other => bail!("--per-query takes dev or seen, not {other:?}"),
        }
    }
    let pins = args
        .pin
        .iter()
        .map(|p| relevance_tune::Pin::parse(p))
        .collect::<Result<Vec<_>>>()?;
    let manuals = args.corpus.join("manuals");
    if !manuals.is_dir() {
        bail!(
            "the corpus manuals are not at {} — the relevance check needs the 14 corpus PDFs \
             (../shared/corpus/manuals from the project root, or set FAULTLINE_CORPUS)",
            manuals.display()
        );
    }
    let started = Instant::now();
    let (pages, cached) = relevance_cache::load(&manuals, &args.out)?;
    eprintln!(
        "relevance: {} pages ({}) …",
        pages.len(),
        if cached {
            "cached text"
        } else {
            "extracted with pdftotext, now cached"
        }
    );
    // This run's own index and FTS5 database (removed when it ends), so that runs side by side
    // (two `--explain`s, a tuning run beside a check) do not rebuild each other's files.
    let work = tempfile::Builder::new()
        .prefix("run-")
        .tempdir_in(&args.out)
        .with_context(|| format!("creating a run directory in {}", args.out.display()))?;
    let index = build_index(&work.path().join("index"), page_docs(&pages, 1))?;
    let fts = Fts5::build(
        &work.path().join("fts5.db"),
        pages
            .iter()
            .map(|p| (p.file_name.as_str(), p.page, p.text.as_str())),
    )?;
    let mut weights = match &args.weights {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            RankWeights::parse(&text).with_context(|| format!("{}", path.display()))?
        }
        None => RankWeights::shipped().clone(),
    };
    if let Some(text) = &args.explain {
        let q = faultline_manuals::index::SearchQuery {
            text: text.clone(),
            boost_models: Vec::new(),
            limit: LIMIT,
        };
        for (file, page, score, why) in index.explain_with_weights(&q, &weights)? {
            let why: serde_json::Value = serde_json::from_str(&why)?;
            println!(
                "{}",
                serde_json::json!({"page": page_label(&(file, page)), "score": score, "why": why})
            );
        }
        return Ok(());
    }
    if args.no_test
        && (args.write_doc.is_some() || args.save_figures.is_some() || args.check.is_some())
    {
        bail!("--no-test cannot write the docs, save or check figures: they are the test set's");
    }
    let mut sets = Vec::new();
    for (name, file) in SETS
        .into_iter()
        .filter(|(n, _)| !args.no_test || *n != "test")
    {
        let judged = relevance::load(&args.judgments.join(file))
            .with_context(|| format!("the {name} set"))?;
        sets.push((name, judged));
    }
    if let Some(path) = &args.tune {
        let set = |n: &str| {
            sets.iter()
                .find(|(name, _)| *name == n)
                .map(|(_, j)| j.as_slice())
        };
        let (Some(dev), Some(seen)) = (set("dev"), set("seen")) else {
            bail!("the dev or seen set is missing");
        };
        let one_round: Vec<Judged>;
        let dev = match args.tune_round {
            Some(round) => {
                one_round = dev.iter().filter(|q| q.round == round).cloned().collect();
                one_round.as_slice()
            }
            None => dev,
        };
        if dev.is_empty() {
            bail!(
                "--tune-round {}: the dev set has no query of that round (see `rounds` in blind_dev.toml)",
                args.tune_round.unwrap_or_default()
            );
        }
        weights = relevance_tune::tune(&index, dev, seen, &weights, &pins)?;
        let header = "Ranking weights of the manual search (see weights.rs), trained on the dev \
                      set by\n`faultline-bench relevance --tune` (coordinate ascent; seen set as a \
                      guard; test never searched).";
        std::fs::write(path, weights.to_file(header))
            .with_context(|| format!("writing {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    let mut results = Vec::new();
    for (name, judged) in &sets {
        results.push(score_set(name, judged, &index, &fts, &weights)?);
    }
    let secs = started.elapsed().as_secs_f64();
    let by_name = |n: &str| results.iter().find(|r| r.name == n);
    if args.no_test {
        for set in &args.per_query {
            if let Some(r) = by_name(set) {
                println!("{}", r.per_query());
            }
        }
        for r in &results {
            println!("{}", r.tables());
        }
        eprintln!("relevance: {secs:.1} s (test set not scored)");
        return Ok(());
    }
    let (Some(dev), Some(test), Some(seen)) = (by_name("dev"), by_name("test"), by_name("seen"))
    else {
        bail!("a query set is missing");
    };
    for set in &args.per_query {
        if let Some(r) = by_name(set) {
            println!("{}", r.per_query());
        }
    }
    let tables = format!("{}\n{}\n{}", test.tables(), dev.tables(), seen.tables());
    println!("{tables}");
    eprintln!("relevance: {secs:.1} s");

    let figures = Figures {
        test: test.figures(),
        dev: dev.figures(),
        seen: seen.figures(),
    };
    if let Some(path) = &args.write_doc {
        let body = format!(
            "## Manual search relevance: blind test set vs SQLite FTS5\n\n{}\n{}\n{tables}",
            doc::context_lines(&doc::load_average()),
            method_text(pages.len())
        );
        doc::write_section(path, "relevance", &body)?;
        eprintln!("wrote the relevance section of {}", path.display());
    }
    if let Some(path) = &args.save_figures {
        relevance_report::save_figures(path, &figures)?;
        eprintln!("wrote {}", path.display());
    }
    if let Some(path) = &args.check {
        let committed = relevance_report::load_figures(path)?;
        let t = &figures.test;
        println!(
            "check: test recall@5 {:.3} (committed {:.3}), MRR@10 {:.3} (committed {:.3}); \
             FTS5 in this run: recall@5 {:.3}, MRR@10 {:.3}",
            t.recall5,
            committed.test.recall5,
            t.mrr10,
            committed.test.mrr10,
            t.fts5_recall5,
            t.fts5_mrr10
        );
        let failures = relevance_report::check(t, &committed.test);
        if !failures.is_empty() {
            bail!("relevance regression: {}", failures.join("; "));
        }
    }
    Ok(())
}

fn method_text(pages: usize) -> String {
    format!(
        "Corpus: the 14 manuals of `../shared/corpus/manuals`, {pages} pages (text from poppler's \
         `pdftotext`, cached under `target/bench/relevance`). Query sets \
         (`crates/faultline-bench/relevance/`): **test** = `blind_test.toml` and **dev** = \
         `blind_dev.toml`, technician queries written and judged page by page before looking at \
         any ranking, split once by hash; the ranking is tuned on dev only and the test set is \
         only ever scored in aggregate. **seen** = `manual_queries.toml`, the older queries \
         written while reading the manuals. recall@5 and MRR@10 count the grade-2 pages \
         (`relevant`), nDCG@10 also the grade-1 pages (`partial`). Ours: \
         `ManualIndex::search` with the shipped ranking weights \
         (`crates/faultline-manuals/src/index/ranking_weights.toml`, trained on dev only by \
         `relevance --tune`); FTS5: `porter unicode61`, words quoted and OR-ed, bm25, measured \
         in the same run. \
         `make relevance-check` fails when the test recall@5 or MRR@10 falls more than {} below \
         `relevance/figures.toml`.\n",
        relevance_report::TOLERANCE
    )
}
