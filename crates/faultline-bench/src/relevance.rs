//! Search relevance against judged queries (crates/faultline-bench/relevance/*.toml):
//! recall@5, MRR@10 and nDCG@10 per query kind, for any engine that returns ranked
//! `(file, page)`. A query lists `relevant` pages (grade 2: the answer) and, optionally,
//! `partial` ones (grade 1: related, e.g. a parameter description); recall@5 and MRR@10 count
//! grade-2 pages only, nDCG@10 both grades (gain 2^grade - 1).

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Deserialize)]
struct JudgmentFile {
    /// Queries per judging round, in file order (`[166, 90]`: the first 166 are round 1);
    /// absent = one round.
    #[serde(default)]
    rounds: Vec<usize>,
    manuals: BTreeMap<String, String>,
    query: Vec<RawQuery>,
}

#[derive(Deserialize)]
struct RawQuery {
    text: String,
    kind: String,
    relevant: Vec<String>,
    #[serde(default)]
    partial: Vec<String>,
}

#[derive(Clone)]
pub struct Judged {
    pub text: String,
    pub kind: String,
    /// `(file_name, page)`, grade 2.
    pub relevant: Vec<(String, u32)>,
    /// `(file_name, page)`, grade 1 (never also in `relevant`).
    pub partial: Vec<(String, u32)>,
    /// The judging round that wrote it (1-based).
    pub round: usize,
}

/// The 1-based round of each of `queries` queries, from the file's `rounds` counts.
fn round_of_each(rounds: &[usize], queries: usize) -> Result<Vec<usize>> {
    if rounds.is_empty() {
        return Ok(vec![1; queries]);
    }
    let total: usize = rounds.iter().sum();
    if total != queries {
        bail!("rounds {rounds:?} add up to {total}, but the file has {queries} queries");
    }
    Ok(rounds
        .iter()
        .enumerate()
        .flat_map(|(i, &n)| std::iter::repeat_n(i + 1, n))
        .collect())
}

/// `ALIAS:PAGE` judgments as `(file_name, page)`.
fn resolve(
    query: &str,
    manuals: &BTreeMap<String, String>,
    judgments: &[String],
) -> Result<Vec<(String, u32)>> {
    let mut out = Vec::with_capacity(judgments.len());
    for r in judgments {
        let Some((alias, page)) = r.split_once(':') else {
            bail!("{query:?}: judgment {r:?} is not ALIAS:PAGE");
        };
        let file_name = manuals
            .get(alias)
            .with_context(|| format!("{query:?}: unknown manual alias {alias:?}"))?;
        let page: u32 = page
            .parse()
            .with_context(|| format!("{query:?}: bad page in {r:?}"))?;
        out.push((file_name.clone(), page));
    }
    Ok(out)
}

/// Loads and checks the judgments: every `ALIAS:PAGE` names a listed manual.
pub fn load(path: &Path) -> Result<Vec<Judged>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let file: JudgmentFile =
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let rounds = round_of_each(&file.rounds, file.query.len())
        .with_context(|| format!("{}", path.display()))?;
    let mut out = Vec::with_capacity(file.query.len());
    for (q, round) in file.query.into_iter().zip(rounds) {
        let relevant = resolve(&q.text, &file.manuals, &q.relevant)?;
        let mut partial = resolve(&q.text, &file.manuals, &q.partial)?;
        partial.retain(|p| !relevant.contains(p));
        if relevant.is_empty() {
            bail!("{:?} has no relevant page", q.text);
        }
        out.push(Judged {
            text: q.text,
            kind: q.kind,
            relevant,
            partial,
            round,
        });
    }
    Ok(out)
}

/// One query's scores.
#[derive(Debug, Clone, Copy, Default)]
pub struct QueryScore {
    /// Relevant pages in the top 5, over min(5, relevant pages).
    pub recall5: f64,
    /// 1 / rank of the first relevant page in the top 10, else 0.
    pub rr10: f64,
    /// 1-based rank of the first relevant page, if in the top 10.
    pub first: Option<usize>,
    /// Graded DCG of the top 10 over the ideal DCG (grade 2 and grade 1 pages).
    pub ndcg10: f64,
}

/// Gain of a page of `grade` (0, 1, 2) at 1-based `rank`: (2^grade - 1) / log2(rank + 1).
fn gain(grade: u32, rank: usize) -> f64 {
    f64::from((1u32 << grade) - 1) / ((rank + 1) as f64).log2()
}

/// nDCG@10 of `ranked`: each judged page counts once, at its first rank.
fn ndcg10(ranked: &[(String, u32)], relevant: &[(String, u32)], partial: &[(String, u32)]) -> f64 {
    let grade = |hit: &(String, u32)| {
        if relevant.contains(hit) {
            2
        } else if partial.contains(hit) {
            1
        } else {
            0
        }
    };
    let mut seen: Vec<&(String, u32)> = Vec::new();
    let mut dcg = 0.0;
    for (i, hit) in ranked.iter().take(10).enumerate() {
        if seen.contains(&hit) {
            continue;
        }
        seen.push(hit);
        dcg += gain(grade(hit), i + 1);
    }
    let ideal: f64 = relevant
        .iter()
        .map(|_| 2)
        .chain(partial.iter().map(|_| 1))
        .take(10)
        .enumerate()
        .map(|(i, g)| gain(g, i + 1))
        .sum();
    if ideal > 0.0 {
        dcg / ideal
    } else {
        0.0
    }
}

/// The scores of `ranked` against grade-2 `relevant` pages (recall@5, MRR@10, nDCG@10) and
/// grade-1 `partial` pages (nDCG@10 only).
pub fn score(
    ranked: &[(String, u32)],
    relevant: &[(String, u32)],
    partial: &[(String, u32)],
) -> QueryScore {
    let is_relevant = |hit: &(String, u32)| relevant.iter().any(|r| r == hit);
    let mut top5: Vec<&(String, u32)> = ranked.iter().take(5).filter(|h| is_relevant(h)).collect();
    top5.dedup();
    let found = top5.len();
    let first = ranked.iter().take(10).position(is_relevant).map(|i| i + 1);
    QueryScore {
        recall5: found as f64 / relevant.len().min(5) as f64,
        rr10: first.map_or(0.0, |r| 1.0 / r as f64),
        first,
        ndcg10: ndcg10(ranked, relevant, partial),
    }
}

/// Mean scores over a set of queries.
#[derive(Debug, Clone, Copy, Default)]
pub struct Means {
    pub queries: usize,
    pub recall5: f64,
    pub mrr10: f64,
    pub ndcg10: f64,
}

pub fn means<'a>(scores: impl Iterator<Item = &'a QueryScore>) -> Means {
    let mut m = Means::default();
    for s in scores {
        m.queries += 1;
        m.recall5 += s.recall5;
        m.mrr10 += s.rr10;
        m.ndcg10 += s.ndcg10;
    }
    if m.queries > 0 {
        m.recall5 /= m.queries as f64;
        m.mrr10 /= m.queries as f64;
        m.ndcg10 /= m.queries as f64;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(f: &str, n: u32) -> (String, u32) {
        (f.to_string(), n)
    }

    #[test]
    fn recall_is_capped_at_five_and_mrr_takes_the_first_hit() {
        let relevant = vec![p("a", 1), p("a", 2)];
        let ranked = vec![p("b", 9), p("a", 2), p("c", 1), p("a", 1)];
        let s = score(&ranked, &relevant, &[]);
        assert!((s.recall5 - 1.0).abs() < 1e-9);
        assert!((s.rr10 - 0.5).abs() < 1e-9);
        assert_eq!(s.first, Some(2));
        let none = score(&[p("z", 1)], &relevant, &[]);
        assert_eq!(none.first, None);
        assert!(none.recall5.abs() < 1e-9);
    }

    #[test]
    fn ndcg_is_graded_and_one_for_the_ideal_order() {
        let relevant = vec![p("a", 1)];
        let partial = vec![p("a", 2)];
        let ideal = score(&[p("a", 1), p("a", 2)], &relevant, &partial);
        assert!((ideal.ndcg10 - 1.0).abs() < 1e-9);
        let swapped = score(&[p("a", 2), p("a", 1)], &relevant, &partial);
        assert!(swapped.ndcg10 < 1.0 && swapped.ndcg10 > 0.5);
        // A partial page alone: gain 1 against an ideal of 3 + 1/log2(3).
        let only_partial = score(&[p("a", 2)], &relevant, &partial);
        let expected = 1.0 / (3.0 + 1.0 / 3f64.log2());
        assert!((only_partial.ndcg10 - expected).abs() < 1e-9);
        // Partial pages never count for recall@5 or MRR@10.
        assert_eq!(only_partial.first, None);
        assert!(only_partial.recall5.abs() < 1e-9);
        assert!(score(&[p("z", 1)], &relevant, &partial).ndcg10.abs() < 1e-9);
    }

    #[test]
    fn the_committed_judgments_load() -> Result<()> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("relevance/manual_queries.toml");
        let judged = load(&path)?;
        assert!(judged.len() >= 40);
        // The blind sets load too (only counted here: the test set is never inspected).
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("relevance");
        let dev = load(&dir.join("blind_dev.toml"))?;
        let test = load(&dir.join("blind_test.toml"))?;
        assert!(dev.len() + test.len() >= 200);
        assert!(dev.iter().any(|q| !q.partial.is_empty()));
        // Both blind sets have four judging rounds, round 1 first.
        for set in [&dev, &test] {
            assert_eq!(set.first().map(|q| q.round), Some(1));
            assert_eq!(set.last().map(|q| q.round), Some(4));
            assert!(set.windows(2).all(|w| w[0].round <= w[1].round));
        }
        Ok(())
    }

    #[test]
    fn rounds_number_the_queries_in_file_order() -> Result<()> {
        assert_eq!(round_of_each(&[], 3)?, vec![1, 1, 1]);
        assert_eq!(round_of_each(&[2, 1], 3)?, vec![1, 1, 2]);
        assert!(round_of_each(&[2, 2], 3).is_err());
        Ok(())
    }
}
