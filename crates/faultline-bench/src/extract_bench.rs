//! The `extract` subcommand: PDF text extraction (faultline-manuals, in worker processes, as
//! the app runs it) against poppler's `pdftotext` on the corpus manuals, both using every core
//! in the same run; and the word-level agreement of the text with pdftotext's, per manual, for
//! pdf-extract as it comes and for faultline's extraction, with the worst cases explained.

use crate::doc;
use anyhow::{bail, ensure, Context, Result};
use faultline_manuals::extract::{
    self, extract_many, quality, ExtractJob, Limits, Outcome, WorkerCommand,
};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

#[derive(clap::Args)]
pub struct ExtractArgs {
    /// The corpus folder; its `manuals/*.pdf` are read in place (never copied).
    #[arg(long, env = "FAULTLINE_CORPUS", default_value = "../shared/corpus")]
    corpus: PathBuf,
    /// Extractions at once, for both extractors (default: one per core).
    #[arg(long)]
    jobs: Option<usize>,
    /// Timed runs of each extractor over all the manuals, after one untimed run; the median
    /// is reported.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Rewrite the extract section of this markdown file (e.g. docs/benchmarks.md).
    #[arg(long)]
    write_doc: Option<PathBuf>,
    /// Internal: be the extraction worker for this PDF (what `faultline extract-worker` runs).
    #[arg(long, hide = true)]
    worker_for: Option<PathBuf>,
}

/// Why the manuals that differ most from pdftotext do (found by reading both texts).
const EXPLANATIONS: &[(&str, &str)] = &[
    ("MXZ-3F54VF4", "pdftotext keeps the printer's slug lines set outside the crop box (`VG79N210W02_02De.indd 10 2024/10/03 15:57:51`, 16 of them), which a viewer does not show and faultline leaves out; and it runs words of neighbouring columns together (`Stromvertrennsorgung` for `Stromversorgung` and `Trennschalter`, `bieinnen`, `230240`), which faultline keeps apart."),
    ("cmmostc51lkp", "Its arrows (→) are drawn with a symbol font that has no Unicode map: pdftotext reads them as `è`, the font's own encoding gives `ω`, `š` or nothing, and where no space is drawn around one the numbers on either side become one word (`thω35`)."),
    ("SLZ-M35FA2", "The remote control's buttons numbered in an illustration (`2 3 4 5` here, `2345` in pdftotext), `i-see` broken at a line end in pdftotext's reading only, and hyphens that pdftotext reads as bullets (`abstel•` / `len`), so that its words stay split where faultline joins them."),
    ("Huanyang", "pdftotext keeps the Wingdings warning bullets as the letter `z` (94 of them); their code points are in the private use area, which the clean-up removes."),
    ("cecc_overview", "A few words whose letters are set with gaps wider than the font's spacing (`0 V`, `IO Link`)."),
    ("Bearing-Setting", "Trademarked names with a superscript (`Set-Right™`), which faultline splits at the superscript."),
];

/// One extractor's timed passes over every manual.
struct Timing {
    seconds: Vec<f64>,
    pages: usize,
}

impl Timing {
    fn median(&self) -> f64 {
        let mut s = self.seconds.clone();
        s.sort_by(f64::total_cmp);
        s.get(s.len() / 2).copied().unwrap_or(f64::NAN)
    }

    fn pages_per_second(&self) -> f64 {
        self.pages as f64 / self.median()
    }

    fn best(&self) -> f64 {
        self.seconds.iter().copied().fold(f64::INFINITY, f64::min)
    }
}

/// pdftotext's pages of one PDF (split at its form feeds).
fn pdftotext(path: &Path) -> Result<Vec<String>> {
    let out = Command::new("pdftotext")
        .arg("-cropbox")
        .arg(path)
        .arg("-")
        .output()
        .context("running pdftotext (install poppler-utils)")?;
    ensure!(
        out.status.success(),
        "pdftotext failed on {}",
        path.display()
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut pages: Vec<String> = text.split('\x0c').map(str::to_string).collect();
    if text.ends_with('\x0c') {
        pages.pop();
    }
    Ok(pages)
}

/// Runs `work` on every file with `jobs` threads at once; returns the seconds it took.
fn in_parallel(files: &[PathBuf], jobs: usize, work: impl Fn(&Path) + Sync) -> f64 {
    let next = AtomicUsize::new(0);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                while let Some(file) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                    work(file);
                }
            });
        }
    });
    started.elapsed().as_secs_f64()
}

fn ours_once(
    worker: &WorkerCommand,
    files: &[PathBuf],
    jobs: usize,
) -> Result<(f64, Vec<Vec<String>>)> {
    let work: Vec<ExtractJob> = files.iter().cloned().map(ExtractJob::from).collect();
    let started = Instant::now();
    let results = extract_many(
        worker,
        &work,
        Limits::default(),
        jobs,
        &AtomicBool::new(false),
        |_| {},
    );
    let seconds = started.elapsed().as_secs_f64();
    let mut pages = Vec::new();
    for (file, result) in files.iter().zip(results) {
        match result? {
            Outcome::Text(e) => pages.push(e.pages),
            Outcome::Failed { message, .. } => bail!("{}: {message}", file.display()),
        }
    }
    Ok((seconds, pages))
}

/// pdf-extract as it comes, in this process: its page texts, or None when it fails or panics.
fn plain_pdf_extract(bytes: &[u8]) -> Option<Vec<String>> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let pages = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem_by_pages(bytes));
    std::panic::set_hook(hook);
    pages.ok()?.ok()
}

/// One manual's figures.
struct Row {
    name: String,
    pages: usize,
    reference_pages: usize,
    before: Option<quality::Overlap>,
    after: quality::Overlap,
    /// Pairs of consecutive words: the reading order.
    pairs: quality::Overlap,
    before_seconds: f64,
    after_seconds: f64,
    missing: Vec<(String, usize)>,
    extra: Vec<(String, usize)>,
}

/// The words one text has more of than the other, most frequent first.
fn surplus(a: &str, b: &str) -> Vec<(String, usize)> {
    let (a, b) = (quality::word_counts(a), quality::word_counts(b));
    let mut out: Vec<(String, usize)> = a
        .into_iter()
        .filter_map(|(w, n)| {
            n.checked_sub(b.get(&w).copied().unwrap_or(0))
                .filter(|d| *d > 0)
                .map(|d| (w, d))
        })
        .collect();
    out.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
    out.truncate(6);
    out
}

fn row(file: &Path, ours: &[String]) -> Result<Row> {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let raw_reference = pdftotext(file)?;
    let reference: String = raw_reference
        .iter()
        .map(|p| extract::clean_page(p))
        .collect::<Vec<_>>()
        .join("\n");
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let started = Instant::now();
    let plain = plain_pdf_extract(&bytes);
    let before_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let _ = extract::extract_pages(&bytes, None);
    let after_seconds = started.elapsed().as_secs_f64();
    let ours = ours.join("\n");
    Ok(Row {
        pages: 0,
        reference_pages: raw_reference.len(),
        before: plain.map(|p| quality::word_overlap(&p.join("\n"), &reference)),
        after: quality::word_overlap(&ours, &reference),
        pairs: quality::pair_overlap(&ours, &reference),
        before_seconds,
        after_seconds,
        missing: surplus(&reference, &ours),
        extra: surplus(&ours, &reference),
        name,
    })
}

pub fn run(args: ExtractArgs) -> Result<()> {
    if let Some(pdf) = args.worker_for {
        let code = extract::run_worker(&[pdf.into_os_string()]);
        if code != ExitCode::SUCCESS {
            std::process::exit(1);
        }
        return Ok(());
    }
    let load = doc::load_average();
    let manuals = args.corpus.join("manuals");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&manuals)
        .with_context(|| format!("reading {} (set FAULTLINE_CORPUS)", manuals.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")))
        .collect();
    files.sort();
    ensure!(!files.is_empty(), "no PDF in {}", manuals.display());
    // pdftotext gets the files biggest first, as `extract_many` orders them.
    let mut by_size = files.clone();
    by_size.sort_by_cached_key(|f| std::cmp::Reverse(std::fs::metadata(f).map_or(0, |m| m.len())));
    let jobs = args
        .jobs
        .unwrap_or_else(extract::default_parallelism)
        .max(1);
    let worker = WorkerCommand {
        exe: std::env::current_exe()?,
        args_before: vec!["extract".into(), "--worker-for".into()],
    };
    eprintln!(
        "extract: {} manuals, {jobs} at once, {} timed runs each",
        files.len(),
        args.runs
    );
    let (_, mut ours_pages) = ours_once(&worker, &files, jobs)?;
    in_parallel(&by_size, jobs, |f| drop(pdftotext(f)));
    let mut ours = Timing {
        seconds: Vec::new(),
        pages: ours_pages.iter().map(Vec::len).sum(),
    };
    let reference_pages = AtomicUsize::new(0);
    let mut theirs = Timing {
        seconds: Vec::new(),
        pages: 0,
    };
    for run in 0..args.runs.max(1) {
        let (seconds, pages) = ours_once(&worker, &files, jobs)?;
        ours.seconds.push(seconds);
        ours_pages = pages;
        reference_pages.store(0, Ordering::Relaxed);
        theirs.seconds.push(in_parallel(&by_size, jobs, |f| {
            let n = pdftotext(f).map(|p| p.len()).unwrap_or(0);
            reference_pages.fetch_add(n, Ordering::Relaxed);
        }));
        eprintln!(
            "run {}: faultline {:.3} s, pdftotext {:.3} s",
            run + 1,
            seconds,
            theirs.seconds[run]
        );
    }
    theirs.pages = reference_pages.load(Ordering::Relaxed);
    let mut rows = Vec::new();
    for (file, pages) in files.iter().zip(&ours_pages) {
        let mut r = row(file, pages)?;
        r.pages = pages.len();
        rows.push(r);
    }
    let body = report(&args, &load, jobs, &ours, &theirs, &rows);
    println!("{body}");
    if let Some(path) = &args.write_doc {
        doc::write_section(path, "extract", &body)?;
        eprintln!("wrote the extract section of {}", path.display());
    }
    Ok(())
}

fn pair(o: Option<&quality::Overlap>) -> String {
    o.map_or("failed".into(), |o| {
        format!("{:.4} / {:.4}", o.recall(), o.precision())
    })
}

fn total(rows: &[Row], pick: impl Fn(&Row) -> Option<quality::Overlap>) -> quality::Overlap {
    rows.iter().filter_map(pick).fold(
        quality::Overlap {
            ours: 0,
            reference: 0,
            common: 0,
        },
        |a, o| quality::Overlap {
            ours: a.ours + o.ours,
            reference: a.reference + o.reference,
            common: a.common + o.common,
        },
    )
}

fn pdftotext_version() -> String {
    Command::new("pdftotext")
        .arg("-v")
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .next()
                .map(str::to_string)
        })
        .unwrap_or_else(|| "pdftotext".into())
}

fn report(
    args: &ExtractArgs,
    load: &str,
    jobs: usize,
    ours: &Timing,
    theirs: &Timing,
    rows: &[Row],
) -> String {
    let mut s = String::from("## PDF text extraction\n\n");
    s.push_str(&doc::context_lines(load));
    let pages: usize = rows.iter().map(|r| r.pages).sum();
    let _ = writeln!(s, "- Corpus: {} manuals, {pages} pages (`{}/manuals`, read in place; override with `FAULTLINE_CORPUS`).", rows.len(), args.corpus.display());
    let _ = writeln!(s, "- faultline: `extract_many` with {jobs} worker processes at once, each running `run_worker` (the code behind `faultline extract-worker PDF` and `faultline-app extract-worker PDF`; here the bench binary is the worker), limits 60 s and 1 GiB per file, outcome as JSON on the worker's stdout.");
    let _ = writeln!(
        s,
        "- pdftotext: `{}`, `pdftotext -cropbox FILE -` (the page a viewer shows, as faultline reads it), {jobs} processes at once.\n",
        pdftotext_version()
    );
    let _ = writeln!(s, "### Throughput (both cores, same run, {} timed runs each, alternating)\n\n| extractor | pages | wall time: median | pages/s (median) | wall time: best run |\n|---|---:|---:|---:|---:|", ours.seconds.len());
    for (name, t) in [
        ("faultline (worker processes)", ours),
        ("pdftotext", theirs),
    ] {
        let _ = writeln!(
            s,
            "| {name} | {} | {:.3} s | {:.0} | {:.3} s |",
            t.pages,
            t.median(),
            t.pages_per_second(),
            t.best()
        );
    }
    let before: f64 = rows.iter().map(|r| r.before_seconds).sum();
    let after: f64 = rows.iter().map(|r| r.after_seconds).sum();
    let _ = writeln!(s, "\nfaultline extracts {:.2}× as many pages per second as pdftotext. In one thread of this process (no process start), pdf-extract as it comes takes {before:.3} s for the {pages} pages ({:.0} pages/s) and faultline's extraction {after:.3} s ({:.0} pages/s).\n", ours.pages_per_second() / theirs.pages_per_second(), pages as f64 / before, pages as f64 / after);
    s.push_str("### Text quality against pdftotext\n\nWords are runs of letters and digits, lowercased, counted as multisets. Recall: the share of pdftotext's words the text has; precision: the share of its words pdftotext has. pdftotext's pages go through the same clean-up as faultline's (ligatures spelled out, words hyphenated at a line end joined, spaces tidied), so that the figures compare how the PDF is read, not clean-up choices.\n\n| manual | pages (ours / pdftotext) | pdf-extract as it comes: recall / precision | faultline: recall / precision | faultline, word pairs: recall / precision |\n|---|---:|---:|---:|---:|\n");
    for r in rows {
        let _ = writeln!(
            s,
            "| {} | {} / {} | {} | {} | {} |",
            r.name,
            r.pages,
            r.reference_pages,
            pair(r.before.as_ref()),
            pair(Some(&r.after)),
            pair(Some(&r.pairs))
        );
    }
    let (b, a) = (total(rows, |r| r.before), total(rows, |r| Some(r.after)));
    let p = total(rows, |r| Some(r.pairs));
    let _ = writeln!(
        s,
        "| **all** | {pages} / {} | {} | {} | {} |\n",
        rows.iter().map(|r| r.reference_pages).sum::<usize>(),
        pair(Some(&b)),
        pair(Some(&a)),
        pair(Some(&p))
    );
    s.push_str(PAIRS_NOTE);
    s.push_str("### The manuals that differ most, and why\n\n");
    let mut worst: Vec<&Row> = rows.iter().collect();
    worst.sort_by(|x, y| x.after.f1().total_cmp(&y.after.f1()));
    for r in worst.iter().take(3) {
        let words = |w: &[(String, usize)]| {
            w.iter()
                .map(|(w, n)| format!("`{w}`×{n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let why = EXPLANATIONS
            .iter()
            .find(|(k, _)| r.name.contains(k))
            .map_or("", |(_, e)| e);
        let _ = writeln!(
            s,
            "- **{}** (F1 {:.4}): only pdftotext has {}; only faultline has {}. {why}",
            r.name,
            r.after.f1(),
            words(&r.missing),
            words(&r.extra)
        );
    }
    s.push_str(FINDINGS);
    s
}

/// What the word-pair column shows.
const PAIRS_NOTE: &str = "Word pairs (two consecutive words) compare the reading order too. Where they differ most it is mostly pdftotext's order: in the tables of the SKR V1.3 guide (pages 18 to 20) pdftotext gives each column top to bottom, faultline each row left to right, as the table reads.\n\n";

/// What made pdf-extract's text poor, and where each was fixed (crates/faultline-manuals/src/extract).
const FINDINGS: &str = "
### Why pdf-extract's text was poor, and the fixes

Each fix is made before or around pdf-extract, in crates/faultline-manuals/src/extract (module in brackets); pdf-extract itself is used as published.

- **Lost text, lines on the wrong baseline** (Bearing brochure: recall 0.84 as it comes): pdf-extract 0.12 does not implement the `'` and `\"` text operators (next line, show text), which Ghostscript writes for whole pages; their text is dropped and the lines after them are misplaced. They are spelled out as `T*` + `Tj` (and `Tw`, `Tc`) before pdf-extract reads the page (`textops`).
- **Whole pages lost to a panic**: pdf-extract parses every operator, inline images included, and panics on what it does not expect (an inline image it cannot parse, colour spaces, a curve with no current point, unexpected font dictionaries, CMaps it misreads); one panic cost the page or the file. Pages now reach it with their text operators only (`textops`), fonts are repaired into the shapes it reads (`simple_fonts`, `cid_fonts`, `cmap`, `type1`), and every batch of pages runs behind `catch_unwind` with a page-by-page retry after a panic.
- **Spurious and missing spaces** (Teknic guide: precision 0.92 as it comes, bold headings split into letters): pdf-extract decides a space from the previous glyph alone. faultline collects positioned glyphs (`glyphs`) and rebuilds lines and words with the line in view (`layout`): runs in drawing order, a gap of 0.15 em along the baseline, drawn spaces, overprinted (fake bold) glyphs dropped, a label set between two lines of smaller text kept apart from both, right-to-left lines read from the right. A font without widths, which pdf-extract sets at width 0 (every glyph of a string on the same spot), gets its average width (`simple_fonts`).
- **Text in forms in the wrong place, text off the page**: pdf-extract draws a form XObject with a fresh graphics state, dropping the transformation in force and the form's /Matrix (the CECC manual's running header, a form, landed above the page), and follows forms drawing each other until the stack overflows. Forms are drawn into the page content with their matrix, to a bounded depth and never into themselves (`forms`); text outside the page's crop box (a second copy of the MDT manual's page numbers below the page, printer's slug lines) is left out (`pagebox`); annotations' appearances (comments, stamps, form fields), which pdf-extract never reads, are drawn after the page (`annots`).
- **Hyphenation and German soft hyphens** (MXZ, SLZ: precision 0.96 and 0.97 as it comes): words hyphenated at a line end are joined, soft hyphens dropped, ligatures (ﬁ ﬂ ﬀ ﬃ) spelled out (`clean`); the hyphen of a suspended compound (`Ein- und Ausgang`) is kept.
- **Speed**: pdf-extract decoded images as if they were page content, parsed every path of the manuals' drawings, and built every font again on every page (decompressing its program and parsing its ToUnicode map each time). Now each stream is decompressed once (`content`); images, drawings, and every object the pages do not use (the structure tree of a tagged PDF, outlines, the original page objects) never reach it (`textops`, `prune`); font programs it never reads are unlinked (`fonts`); fonts get document-wide names (`resources`) so that pages are read in batches of 8 sharing one resource dictionary, each font built once per batch (`plan`; bigger batches build fewer fonts but hold more parsed content at once, and touching that memory costs more). The worker extracts on its main thread, whose heap grows without the page-by-page `mprotect` calls of a helper thread's.
- **Encryption**: lopdf 0.47 opens the file and decrypts it (with the user's password) and the decrypted objects are handed to pdf-extract's lopdf 0.42 without a second parse (`load`, `convert`); a file whose encryption covers only embedded files (`AuthEvent EFOpen`) opens without a password.
- **Not fixed here** (they need pdf-extract or lopdf themselves): CID fonts without a ToUnicode map that rely on a predefined CMap (Adobe-Japan1, 90ms-RKSJ…) or on the font program's own cmap give no text (classified `no_text_layer`, with a message saying so); an encryption dictionary written inline in the trailer (lopdf does not decrypt it: classified `encrypted`, cannot be opened); bidirectional text is reversed per line only.
";
