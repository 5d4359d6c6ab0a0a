//! The `replica` results as markdown tables (printed, and written into docs/benchmarks.md).

use crate::generate::PlantSpec;
use crate::import_bench::ImportRun;
use crate::lookups::LookupResults;
use crate::percentiles::Summary;
use std::fmt::Write;

pub struct ImportFigures {
    pub runs: usize,
    /// Per alternating pair: (wall, CPU) time of ours / the anchor's.
    pub pair_ratios: Vec<(f64, f64)>,
    pub ours: ImportRun,
    pub anchor: ImportRun,
    pub size_ours: u64,
    pub size_anchor: u64,
}

pub struct ReplicaReport {
    pub spec: PlantSpec,
    pub csv_bytes: u64,
    /// None when only the reads were timed.
    pub import: Option<ImportFigures>,
    pub lookups: LookupResults,
    pub warmup: usize,
}

/// 1234567 → "1,234,567".
pub use faultline_core::numbers::thousands;

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn ms(v: f64) -> String {
    if v < 1.0 {
        format!("{v:.3} ms")
    } else {
        format!("{v:.2} ms")
    }
}

fn latency_row(out: &mut String, what: &str, s: &Summary, aim: &str) {
    let _ = writeln!(
        out,
        "| {what} | {} | {} | {} | {} | {aim} |",
        thousands(s.count as u64),
        ms(s.p50_ms),
        ms(s.p99_ms),
        ms(s.max_ms)
    );
}

fn import_tables(o: &mut String, f: &ImportFigures, work_orders: usize) {
    let (ours, anchor) = (&f.ours, &f.anchor);
    let ratio = ours.work_order_secs / anchor.work_order_secs;
    let _ = writeln!(
        o,
        "### Import (median of {} run(s) each, alternating; CSV in the page cache)\n",
        f.runs
    );
    let _ = writeln!(
        o,
        "| import | rows | time | rows/s | CPU time |\n|---|---:|---:|---:|---:|"
    );
    let _ = writeln!(
        o,
        "| assets, `Store::import_csv` | {} | {:.2} s | {} | |",
        thousands(ours.asset_rows),
        ours.asset_secs,
        thousands((ours.asset_rows as f64 / ours.asset_secs) as u64)
    );
    for (what, r) in [
        ("work orders, `Store::import_csv`", ours),
        (
            "work orders, anchor (plain rusqlite loop, no diagnosis triggers)",
            anchor,
        ),
    ] {
        let _ = writeln!(
            o,
            "| {what} | {} | {:.2} s | {} | {:.2} s |",
            thousands(r.work_order_rows),
            r.work_order_secs,
            thousands(r.work_order_rate() as u64),
            r.work_order_cpu_secs
        );
    }
    let verdict = if ratio <= 1.5 { "within" } else { "NOT within" };
    let _ = writeln!(
        o,
        "\nImporter time / anchor time: **{ratio:.2}×** ({verdict} the 1.5× aim).\n"
    );
    let list = |pick: fn(&(f64, f64)) -> f64| -> String {
        let v: Vec<String> = f
            .pair_ratios
            .iter()
            .map(|p| format!("{:.2}", pick(p)))
            .collect();
        v.join(", ")
    };
    let _ = writeln!(
        o,
        "Per alternating pair, ours / anchor: wall {}; CPU time of the importing thread {} \
         (median CPU ratio {:.2}×; CPU time leaves out what other processes on the machine take).\n",
        list(|p| p.0),
        list(|p| p.1),
        ours.work_order_cpu_secs / anchor.work_order_cpu_secs
    );
    let per_million = |b: u64| mib((b as f64 * 1e6 / work_orders.max(1) as f64) as u64);
    let _ = writeln!(
        o,
        "### Size on disk (database + WAL after `PRAGMA wal_checkpoint(TRUNCATE)`)\n"
    );
    let _ = writeln!(
        o,
        "| database | total | per million work orders |\n|---|---:|---:|"
    );
    let _ = writeln!(
        o,
        "| imported by `Store::import_csv` | {} | {} |",
        mib(f.size_ours),
        per_million(f.size_ours)
    );
    let _ = writeln!(
        o,
        "| anchor | {} | {} |\n",
        mib(f.size_anchor),
        per_million(f.size_anchor)
    );
}

impl ReplicaReport {
    pub fn markdown(&self) -> String {
        let mut o = String::new();
        let l = &self.lookups;
        let _ = writeln!(
            o,
            "Plant: {} assets, {} work orders over 10 years ({} of work order CSV), generated with a fixed seed.\n",
            thousands(self.spec.assets as u64),
            thousands(self.spec.work_orders as u64),
            mib(self.csv_bytes)
        );
        if let Some(f) = &self.import {
            import_tables(&mut o, f, self.spec.work_orders);
        }
        let _ = writeln!(
            o,
            "### Reads on the imported replica ({} untimed warm-up calls before each series)\n",
            self.warmup
        );
        let _ = writeln!(
            o,
            "| query | samples | p50 | p99 | max | aim |\n|---|---:|---:|---:|---:|---|"
        );
        latency_row(
            &mut o,
            "asset by exact tag (`asset_by_tag`)",
            &l.by_tag,
            "< 1 ms",
        );
        latency_row(
            &mut o,
            "type-ahead, tag prefix of 2–5 chars (`find_assets`, limit 20)",
            &l.tag_prefix,
            "< 1 ms",
        );
        let _ = writeln!(
            o,
            "| … by prefix length, p50/p99 in ms: {} | | | | | |",
            l.tag_by_length
        );
        latency_row(
            &mut o,
            &format!("type-ahead, name-word prefix of 2–5 chars (`find_assets`, limit 20; {:.1} hits on average)", l.average_hits_word),
            &l.word_prefix,
            "< 1 ms",
        );
        let _ = writeln!(
            o,
            "| … by prefix length, p50/p99 in ms: {} | | | | | |",
            l.word_by_length
        );
        latency_row(
            &mut o,
            "type-ahead, a whole tag with two letters swapped (`find_assets`, nothing matches as typed: the one-typo fallback scans every tag and name)",
            &l.tag_typo,
            "< 50 ms",
        );
        latency_row(
            &mut o,
            "asset page (`asset_page(id, 50)`), random assets + the 20 busiest",
            &l.page_all,
            "p99 < 10 ms",
        );
        latency_row(
            &mut o,
            &format!(
                "asset page, the 20 busiest assets only (busiest: {} work orders)",
                thousands(l.busiest_count)
            ),
            &l.page_busiest,
            "p99 < 10 ms",
        );
        o
    }
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
