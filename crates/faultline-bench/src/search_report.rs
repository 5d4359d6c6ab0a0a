//! The `search` results as markdown (printed, and written into docs/benchmarks.md).

use crate::percentiles::Summary;
use crate::relevance::{means, QueryScore};
use crate::report::thousands;
use std::fmt::Write;

pub struct LatencyFigures {
    pub queries: usize,
    pub passes: usize,
    pub ours: Summary,
    pub ours_scoped: Summary,
    /// Ours on the index built by one `add_manual` commit per manual.
    pub ours_incremental: Summary,
    pub incremental_segments: usize,
    /// Per query variant: ours, FTS5.
    pub by_variant: Vec<(&'static str, Summary, Summary)>,
    pub fts: Summary,
    pub ours_hits: f64,
    pub fts_hits: f64,
}

pub struct SizeFigures {
    pub pages: usize,
    pub index_bytes: u64,
    pub fts_bytes: u64,
    pub build_secs: f64,
    pub fts_build_secs: f64,
    pub incremental_secs: f64,
    pub incremental_manuals: usize,
    /// Opening the index in the benchmark process, checksums verified.
    pub open_ms: f64,
}

pub struct MemoryFigures {
    pub baseline_kib: u64,
    pub rss_kib: u64,
    pub hwm_kib: u64,
    pub anon_kib: u64,
    pub file_kib: u64,
    pub open_ms: f64,
}

pub struct QueryRow {
    pub text: String,
    pub kind: String,
    pub relevant: usize,
    pub ours: QueryScore,
    pub fts: QueryScore,
}

pub struct SearchReport {
    pub manuals: usize,
    pub corpus_pages: usize,
    pub pdftotext_secs: f64,
    pub copies: usize,
    pub latency: LatencyFigures,
    pub size: SizeFigures,
    pub memory: MemoryFigures,
    pub rows: Vec<QueryRow>,
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn kib_mib(kib: u64) -> String {
    format!("{:.0} MiB", kib as f64 / 1024.0)
}

fn ms(v: f64) -> String {
    if v < 1.0 {
        format!("{v:.3} ms")
    } else {
        format!("{v:.2} ms")
    }
}

fn rank(r: Option<usize>) -> String {
    r.map_or_else(|| "–".to_string(), |r| r.to_string())
}

impl SearchReport {
    fn latency(&self, o: &mut String) {
        let l = &self.latency;
        let _ = writeln!(
            o,
            "### Latency on {} pages ({} copies of the corpus under distinct manual ids)\n",
            thousands(self.size.pages as u64),
            self.copies
        );
        let _ = writeln!(
            o,
            "{} queries × {} timed passes after one untimed pass; each engine returns its top 10 with snippets; the engines alternate query by query. The main index is the one `rebuild` leaves (merged into one segment); the second is what everyday imports leave.\n",
            l.queries, l.passes
        );
        let _ = writeln!(
            o,
            "| engine | samples | p50 | p99 | max | hits per query | aim |\n|---|---:|---:|---:|---:|---:|---|"
        );
        let row = |o: &mut String, what: &str, s: &Summary, hits: String, aim: &str| {
            let _ = writeln!(
                o,
                "| {what} | {} | {} | {} | {} | {hits} | {aim} |",
                thousands(s.count as u64),
                ms(s.p50_ms),
                ms(s.p99_ms),
                ms(s.max_ms)
            );
        };
        row(
            o,
            "ours (`ManualIndex::search`)",
            &l.ours,
            format!("{:.1}", l.ours_hits),
            "p99 < 10 ms, faster than FTS5",
        );
        row(
            o,
            "… model-scoped queries only",
            &l.ours_scoped,
            String::new(),
            "",
        );
        row(
            o,
            &format!(
                "ours on the index built by one commit per manual ({} segments)",
                l.incremental_segments
            ),
            &l.ours_incremental,
            String::new(),
            "p99 < 10 ms",
        );
        row(
            o,
            "SQLite FTS5 (bm25, words OR-ed)",
            &l.fts,
            format!("{:.1}", l.fts_hits),
            "",
        );
        let _ = writeln!(
            o,
            "\n| query variant | samples | ours p50 | ours p99 | FTS5 p50 | FTS5 p99 |\n|---|---:|---:|---:|---:|---:|"
        );
        for (variant, ours, fts) in &l.by_variant {
            let _ = writeln!(
                o,
                "| {variant} | {} | {} | {} | {} | {} |",
                ours.count,
                ms(ours.p50_ms),
                ms(ours.p99_ms),
                ms(fts.p50_ms),
                ms(fts.p99_ms)
            );
        }
        let _ = writeln!(o);
    }

    fn size(&self, o: &mut String) {
        let s = &self.size;
        let per_k = |b: u64| mib(b * 1000 / s.pages.max(1) as u64);
        let rate = |secs: f64| {
            format!(
                "{:.1} s ({:.0} pages/s)",
                secs,
                s.pages as f64 / secs.max(1e-9)
            )
        };
        let _ = writeln!(o, "### Index size and build\n");
        let _ = writeln!(o, "| | ours | FTS5 |\n|---|---:|---:|");
        let _ = writeln!(
            o,
            "| size on disk | {} | {} |",
            mib(s.index_bytes),
            mib(s.fts_bytes)
        );
        let _ = writeln!(
            o,
            "| per 1,000 pages | {} | {} |",
            per_k(s.index_bytes),
            per_k(s.fts_bytes)
        );
        let _ = writeln!(
            o,
            "| build (ours: `rebuild`, one writer thread + 2 indexing threads, final merge) | {} | {} |",
            rate(s.build_secs),
            rate(s.fts_build_secs)
        );
        let _ = writeln!(
            o,
            "| everyday path: `add_manual` per manual, one commit each ({} manuals) | {:.1} s ({:.0} pages/s) | – |",
            s.incremental_manuals,
            s.incremental_secs,
            s.pages as f64 / s.incremental_secs.max(1e-9)
        );
        let _ = writeln!(
            o,
            "| open, every file's checksum verified (files in the page cache) | {} | – |\n",
            ms(s.open_ms)
        );
    }

    fn memory(&self, o: &mut String) {
        let m = &self.memory;
        let _ = writeln!(
            o,
            "### Memory of a process with the index open\n\nA fresh `faultline-bench` process opens the {}-page index (checksums verified, {}) and runs the query set twice; figures from `/proc/self/status`.\n",
            thousands(self.size.pages as u64),
            ms(m.open_ms)
        );
        let _ = writeln!(o, "| | value | aim |\n|---|---:|---|");
        let _ = writeln!(
            o,
            "| VmRSS after the searches | {} (anonymous {}, file-backed index pages {}) | < 300 MB |",
            kib_mib(m.rss_kib),
            kib_mib(m.anon_kib),
            kib_mib(m.file_kib)
        );
        let _ = writeln!(o, "| VmHWM (peak) | {} | |", kib_mib(m.hwm_kib));
        let _ = writeln!(
            o,
            "| VmRSS of the process before opening the index | {} | |\n",
            kib_mib(m.baseline_kib)
        );
    }

    fn relevance(&self, o: &mut String) {
        let _ = writeln!(
            o,
            "### Relevance on the corpus as it is ({} pages, one copy)\n\n{} judged queries in `crates/faultline-bench/relevance/manual_queries.toml`. recall@5 = relevant pages in the top 5 / min(5, relevant pages); MRR@10 = mean of 1 / rank of the first relevant page in the top 10 (0 when none). No model scoping (FTS5 has none).\n",
            self.corpus_pages,
            self.rows.len()
        );
        let _ = writeln!(
            o,
            "| kind | queries | recall@5 ours | recall@5 FTS5 | MRR@10 ours | MRR@10 FTS5 |\n|---|---:|---:|---:|---:|---:|"
        );
        let mut kinds: Vec<&str> = self.rows.iter().map(|r| r.kind.as_str()).collect();
        kinds.sort_unstable();
        kinds.dedup();
        let line = |o: &mut String, label: &str, rows: &[&QueryRow]| {
            let ours = means(rows.iter().map(|r| &r.ours));
            let fts = means(rows.iter().map(|r| &r.fts));
            let _ = writeln!(
                o,
                "| {label} | {} | {:.2} | {:.2} | {:.2} | {:.2} |",
                ours.queries, ours.recall5, fts.recall5, ours.mrr10, fts.mrr10
            );
        };
        for kind in &kinds {
            let rows: Vec<&QueryRow> = self.rows.iter().filter(|r| r.kind == *kind).collect();
            line(o, kind, &rows);
        }
        let all: Vec<&QueryRow> = self.rows.iter().collect();
        line(o, "**all**", &all);
        let _ = writeln!(
            o,
            "\n<details><summary>Per query: rank of the first relevant page (– = not in the top 10)</summary>\n\n| query | kind | relevant pages | ours | FTS5 |\n|---|---|---:|---:|---:|"
        );
        for r in &self.rows {
            let _ = writeln!(
                o,
                "| `{}` | {} | {} | {} | {} |",
                r.text.replace('|', "\\|"),
                r.kind,
                r.relevant,
                rank(r.ours.first),
                rank(r.fts.first)
            );
        }
        let _ = writeln!(o, "\n</details>\n");
    }

    pub fn markdown(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(
            o,
            "Corpus: {} manuals, {} pages (`../shared/corpus/manuals`, override with `FAULTLINE_CORPUS`). Page text from poppler's `pdftotext` split at form feeds ({:.1} s for all files), language guessed per page (`guess_language`), so the figures do not depend on our own extractor. Ours: `ManualIndex::search` (crates/faultline-manuals/src/index). Baseline: SQLite FTS5 `tokenize = 'porter unicode61 remove_diacritics 2'`, each typed word quoted and OR-ed, `ORDER BY rank` (bm25), `snippet()`, after `optimize`.\n",
            self.manuals, self.corpus_pages, self.pdftotext_secs
        );
        self.latency(&mut o);
        self.size(&mut o);
        self.memory(&mut o);
        self.relevance(&mut o);
        o
    }
}
