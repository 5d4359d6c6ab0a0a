//! Search relevance against judged queries (crates/faultline-bench/relevance/*.toml):
//! recall@5 and MRR@10 per query kind, for any engine that returns ranked `(file, page)`.

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Deserialize)]
struct JudgmentFile {
    manuals: BTreeMap<String, String>,
    query: Vec<RawQuery>,
}

#[derive(Deserialize)]
struct RawQuery {
    text: String,
    kind: String,
    relevant: Vec<String>,
}

pub struct Judged {
    pub text: String,
    pub kind: String,
    /// `(file_name, page)`.
    pub relevant: Vec<(String, u32)>,
}

/// Loads and checks the judgments: every `ALIAS:PAGE` names a listed manual.
pub fn load(path: &Path) -> Result<Vec<Judged>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let file: JudgmentFile =
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let mut out = Vec::with_capacity(file.query.len());
    for q in file.query {
        let mut relevant = Vec::with_capacity(q.relevant.len());
        for r in &q.relevant {
            let Some((alias, page)) = r.split_once(':') else {
                bail!("{:?}: judgment {r:?} is not ALIAS:PAGE", q.text);
            };
            let file_name = file
                .manuals
                .get(alias)
                .with_context(|| format!("{:?}: unknown manual alias {alias:?}", q.text))?;
            let page: u32 = page
                .parse()
                .with_context(|| format!("{:?}: bad page in {r:?}", q.text))?;
            relevant.push((file_name.clone(), page));
        }
        if relevant.is_empty() {
            bail!("{:?} has no relevant page", q.text);
        }
        out.push(Judged {
            text: q.text,
            kind: q.kind,
            relevant,
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
}

pub fn score(ranked: &[(String, u32)], relevant: &[(String, u32)]) -> QueryScore {
    let is_relevant = |hit: &(String, u32)| relevant.iter().any(|r| r == hit);
    let mut top5: Vec<&(String, u32)> = ranked.iter().take(5).filter(|h| is_relevant(h)).collect();
    top5.dedup();
    let found = top5.len();
    let first = ranked.iter().take(10).position(is_relevant).map(|i| i + 1);
    QueryScore {
        recall5: found as f64 / relevant.len().min(5) as f64,
        rr10: first.map_or(0.0, |r| 1.0 / r as f64),
        first,
    }
}

/// Mean scores over a set of queries.
#[derive(Debug, Clone, Copy, Default)]
pub struct Means {
    pub queries: usize,
    pub recall5: f64,
    pub mrr10: f64,
}

pub fn means<'a>(scores: impl Iterator<Item = &'a QueryScore>) -> Means {
    let mut m = Means::default();
    for s in scores {
        m.queries += 1;
        m.recall5 += s.recall5;
        m.mrr10 += s.rr10;
    }
    if m.queries > 0 {
        m.recall5 /= m.queries as f64;
        m.mrr10 /= m.queries as f64;
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
        let s = score(&ranked, &relevant);
        assert!((s.recall5 - 1.0).abs() < 1e-9);
        assert!((s.rr10 - 0.5).abs() < 1e-9);
        assert_eq!(s.first, Some(2));
        let none = score(&[p("z", 1)], &relevant);
        assert_eq!(none.first, None);
        assert!(none.recall5.abs() < 1e-9);
    }

    #[test]
    fn the_committed_judgments_load() -> Result<()> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("relevance/manual_queries.toml");
        let judged = load(&path)?;
        assert!(judged.len() >= 40);
        Ok(())
    }
}
