//! The `relevance` results: per set and per query kind, ours against FTS5 (markdown), the
//! committed test-set figures (`relevance/figures.toml`) and the regression check against them.

use crate::relevance::{means, Means, QueryScore};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::fmt::Write;
use std::path::Path;

/// How far below the committed test figures recall@5 or MRR@10 may fall before the check fails.
pub const TOLERANCE: f64 = 0.02;

/// One judged query's outcome in one run.
pub struct Row {
    pub text: String,
    pub kind: String,
    /// The judging round that wrote the query (1-based).
    pub round: usize,
    pub ours: QueryScore,
    pub fts: QueryScore,
    /// Ours, top 5, as `model:page`, for the per-query lines.
    pub ours_top: Vec<String>,
    /// The grade-2 pages, as `model:page`.
    pub relevant: Vec<String>,
}

/// One set's rows.
pub struct SetResult {
    /// "dev", "test" or "seen".
    pub name: &'static str,
    pub rows: Vec<Row>,
}

/// The mean figures of one set, ours and FTS5, as committed in figures.toml.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct SetFigures {
    pub queries: usize,
    pub recall5: f64,
    pub mrr10: f64,
    pub ndcg10: f64,
    pub fts5_recall5: f64,
    pub fts5_mrr10: f64,
    pub fts5_ndcg10: f64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Figures {
    pub test: SetFigures,
    pub dev: SetFigures,
    pub seen: SetFigures,
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

impl SetResult {
    fn means_of(&self, kind: Option<&str>) -> (Means, Means) {
        self.means_where(|r| kind.is_none_or(|k| r.kind == k))
    }

    fn means_where(&self, keep: impl Fn(&Row) -> bool) -> (Means, Means) {
        let rows = || self.rows.iter().filter(|r| keep(r));
        (
            means(rows().map(|r| &r.ours)),
            means(rows().map(|r| &r.fts)),
        )
    }

    /// The per-round table (every judging round, then all queries), or `None` for a set
    /// written in one round.
    pub fn rounds_table(&self) -> Option<String> {
        let last = self.rows.iter().map(|r| r.round).max()?;
        if last < 2 {
            return None;
        }
        let mut s = String::new();
        let _ = writeln!(
            s,
            "| {} set: round | queries | recall@5 ours | FTS5 | MRR@10 ours | FTS5 | nDCG@10 ours | FTS5 |",
            self.name
        );
        s.push_str("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for round in 1..=last {
            line(
                &mut s,
                &format!("round {round}"),
                self.means_where(|r| r.round == round),
            );
        }
        line(&mut s, "**all**", self.means_of(None));
        Some(s)
    }

    pub fn figures(&self) -> SetFigures {
        let (o, f) = self.means_of(None);
        SetFigures {
            queries: o.queries,
            recall5: round3(o.recall5),
            mrr10: round3(o.mrr10),
            ndcg10: round3(o.ndcg10),
            fts5_recall5: round3(f.recall5),
            fts5_mrr10: round3(f.mrr10),
            fts5_ndcg10: round3(f.ndcg10),
        }
    }

    /// The per-kind table, then the per-round one if the set has rounds.
    pub fn tables(&self) -> String {
        match self.rounds_table() {
            Some(rounds) => format!("{}\n{rounds}", self.table()),
            None => self.table(),
        }
    }

    /// The per-kind table (every kind, then all queries).
    pub fn table(&self) -> String {
        let mut kinds: Vec<&str> = self.rows.iter().map(|r| r.kind.as_str()).collect();
        kinds.sort_unstable();
        kinds.dedup();
        let mut s = String::new();
        let _ = writeln!(
            s,
            "| {} set: kind | queries | recall@5 ours | FTS5 | MRR@10 ours | FTS5 | nDCG@10 ours | FTS5 |",
            self.name
        );
        s.push_str("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for kind in kinds {
            line(&mut s, kind, self.means_of(Some(kind)));
        }
        line(&mut s, "**all**", self.means_of(None));
        s
    }

    /// One line per query (never called for the test set).
    pub fn per_query(&self) -> String {
        let mut s = String::new();
        let rank = |r: Option<usize>| r.map_or_else(|| "-".to_string(), |r| r.to_string());
        for r in &self.rows {
            let _ = writeln!(
                s,
                "{:<9} R{} ours {:>2} r5 {:.2} nd {:.2} | fts {:>2} r5 {:.2} | {:?} want {} got {}",
                r.kind,
                r.round,
                rank(r.ours.first),
                r.ours.recall5,
                r.ours.ndcg10,
                rank(r.fts.first),
                r.fts.recall5,
                r.text,
                r.relevant.join(","),
                r.ours_top.join(",")
            );
        }
        s
    }
}

/// One table line: ours and FTS5's means.
fn line(s: &mut String, label: &str, (o, f): (Means, Means)) {
    let _ = writeln!(
        s,
        "| {label} | {} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} |",
        o.queries, o.recall5, f.recall5, o.mrr10, f.mrr10, o.ndcg10, f.ndcg10
    );
}

pub fn load_figures(path: &Path) -> Result<Figures> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

pub fn save_figures(path: &Path, figures: &Figures) -> Result<()> {
    let body = toml::to_string(figures).context("writing the figures as TOML")?;
    let text = format!(
        "# The committed relevance figures (written by `faultline-bench relevance --save-figures`).\n\
         # `make relevance-check` fails when the TEST set's recall@5 or MRR@10 falls more than\n\
         # {TOLERANCE} below these. FTS5 is measured in the same run, as the anchor.\n\n{body}"
    );
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// The regression check on the test set: the failures, as sentences (empty when it passes).
pub fn check(now: &SetFigures, committed: &SetFigures) -> Vec<String> {
    let mut failures = Vec::new();
    for (name, now, then) in [
        ("recall@5", now.recall5, committed.recall5),
        ("MRR@10", now.mrr10, committed.mrr10),
    ] {
        if now < then - TOLERANCE {
            failures.push(format!(
                "test {name} {now:.3} is more than {TOLERANCE} below the committed {then:.3}"
            ));
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(recall5: f64, mrr10: f64) -> SetFigures {
        SetFigures {
            queries: 10,
            recall5,
            mrr10,
            ndcg10: 0.5,
            fts5_recall5: 0.4,
            fts5_mrr10: 0.6,
            fts5_ndcg10: 0.4,
        }
    }

    #[test]
    fn the_check_allows_small_drops_only() {
        let committed = figures(0.70, 0.80);
        assert!(check(&figures(0.69, 0.785), &committed).is_empty());
        assert!(check(&figures(0.75, 0.90), &committed).is_empty());
        assert_eq!(check(&figures(0.67, 0.80), &committed).len(), 1);
        assert_eq!(check(&figures(0.70, 0.77), &committed).len(), 1);
        assert_eq!(check(&figures(0.60, 0.70), &committed).len(), 2);
    }

    fn row(round: usize, recall5: f64) -> Row {
        let s = QueryScore {
            recall5,
            ..QueryScore::default()
        };
        Row {
            text: String::new(),
            kind: "code".into(),
            round,
            ours: s,
            fts: QueryScore::default(),
            ours_top: Vec::new(),
            relevant: Vec::new(),
        }
    }

    #[test]
    fn rounds_are_scored_apart_only_when_there_are_several() {
        let one = SetResult {
            name: "seen",
            rows: vec![row(1, 1.0), row(1, 0.0)],
        };
        assert!(one.rounds_table().is_none());
        assert_eq!(one.tables(), one.table());
        let two = SetResult {
            name: "dev",
            rows: vec![row(1, 1.0), row(1, 0.0), row(2, 0.0)],
        };
        let table = two.rounds_table().unwrap_or_default();
        assert!(table.contains("| round 1 | 2 | 0.500 |"), "{table}");
        assert!(table.contains("| round 2 | 1 | 0.000 |"), "{table}");
        assert!(table.contains("| **all** | 3 | 0.333 |"), "{table}");
    }

    #[test]
    fn figures_survive_a_round_trip() -> Result<()> {
        let dir = std::env::temp_dir().join(format!("faultline-bench-fig-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("figures.toml");
        let f = Figures {
            test: figures(0.7, 0.8),
            dev: figures(0.6, 0.7),
            seen: figures(0.9, 0.95),
        };
        save_figures(&path, &f)?;
        let back = load_figures(&path)?;
        assert_eq!(back.test, f.test);
        assert_eq!(back.seen, f.seen);
        std::fs::remove_dir_all(&dir)?;
        Ok(())
    }
}
