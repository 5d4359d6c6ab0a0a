//! The excavator part of `faultline-bench diagnose`: real SAP work orders on five mining
//! excavators (../shared/corpus/history/excavator-mwo), imported with
//! tests/fixtures/mappings/excavator-*.toml. Every breakdown (PM01) from 2010 with a Part is
//! ranked (the Part is its `cause_code`) from its asset and short text, using every row before
//! it (rolling); top-1/top-3 against the asset prior and a nearest-neighbour vote, precision@5 of
//! the similar work orders (same Part and same MajorSystem), the never-seen-text subset apart.

use anyhow::{Context, Result};
use faultline_core::store::DiagnosisWorkOrder;
use faultline_core::Store;
use faultline_diagnosis::{diagnose, similar, History, Query};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

/// Neighbours in the nearest-neighbour vote.
const K: usize = 25;

#[derive(Default)]
struct Hits {
    top1: usize,
    top3: usize,
    n: usize,
}

impl Hits {
    fn add(&mut self, ranked: &[String], truth: &str) {
        self.n += 1;
        if let Some(i) = ranked.iter().position(|c| c == truth) {
            self.top1 += usize::from(i == 0);
            self.top3 += usize::from(i < 3);
        }
    }

    fn cells(&self) -> String {
        let n = self.n.max(1) as f64;
        format!("{:.3} | {:.3}", self.top1 as f64 / n, self.top3 as f64 / n)
    }
}

fn ranked(votes: HashMap<&str, f64>) -> Vec<String> {
    let mut v: Vec<(&str, f64)> = votes.into_iter().collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    v.into_iter().map(|(c, _)| c.to_string()).collect()
}

fn is_test_row(w: &DiagnosisWorkOrder, from: i64) -> bool {
    w.wo_type == "breakdown" && w.cause_code.is_some() && w.reported_at >= from
}

/// The section's text, or `None` when the corpus is not there.
pub fn run(corpus: &Path, mappings: &Path, from: i64) -> Result<Option<String>> {
    let csv = corpus.join("excavators-cleaned.csv");
    if !csv.exists() {
        return Ok(None);
    }
    let dir = std::env::temp_dir().join(format!("faultline-diagnose-exc-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut store = Store::open(&dir)?;
    store
        .import_csv(
            &mappings.join("excavator-assets.toml"),
            &mappings.join("excavator-assets.csv"),
        )
        .context("importing the excavators")?;
    store
        .import_csv(&mappings.join("excavator-mwo.toml"), &csv)
        .context("importing the excavator work orders")?;
    let h = History::read(&store, i64::MAX)?;
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
    let (mut ours, mut prior, mut knn) = (Hits::default(), Hits::default(), Hits::default());
    let (mut ours_new, mut prior_new, mut knn_new) =
        (Hits::default(), Hits::default(), Hits::default());
    let (mut p5, mut p5_n) = (0.0, 0usize);
    let mut seen: HashSet<String> = HashSet::new();
    let mut tests = 0;
    let mut idx = 0;
    for t in &h.work_orders {
        while idx < h.work_orders.len() && h.work_orders[idx].reported_at < t.reported_at {
            seen.insert(h.work_orders[idx].title.trim().to_lowercase());
            idx += 1;
        }
        if !is_test_row(t, from) {
            continue;
        }
        tests += 1;
        let truth = t.cause_code.as_deref().unwrap_or_default();
        let new_text = !seen.contains(&t.title.trim().to_lowercase());
        let Some(asset) = h.asset(&t.asset_tag) else {
            continue;
        };
        let d = diagnose(
            &h,
            &Query {
                asset_tag: t.asset_tag.clone(),
                codes: Vec::new(),
                symptom: Some(t.title.clone()),
                at: t.reported_at,
                window_hours: 0,
                limit: usize::MAX,
            },
        )?;
        let r: Vec<String> = d.causes.iter().map(|c| c.cause_code.clone()).collect();
        ours.add(&r, truth);
        let top5 = d.similar_work_orders.iter().take(5);
        let (mut good, mut shown) = (0, 0);
        for s in top5 {
            shown += 1;
            good += usize::from(
                s.cause_code.as_deref() == Some(truth) && s.failure_class == t.failure_class,
            );
        }
        if shown > 0 {
            p5 += good as f64 / 5.0;
            p5_n += 1;
        }
        let mut asset_votes: HashMap<&str, f64> = HashMap::new();
        for w in h
            .work_orders
            .iter()
            .take_while(|w| w.reported_at < t.reported_at)
        {
            if w.asset_tag == t.asset_tag && w.wo_type == "breakdown" {
                if let Some(c) = w.cause_code.as_deref() {
                    *asset_votes.entry(c).or_default() += 1.0;
                }
            }
        }
        let asset_rank = ranked(asset_votes);
        prior.add(&asset_rank, truth);
        let mut votes: HashMap<&str, f64> = HashMap::new();
        for (s, w) in similar::scored(&h, asset, &[], Some(&t.title), t.reported_at)
            .into_iter()
            .filter(|(_, w)| w.cause_code.is_some())
            .take(K)
        {
            if let Some(c) = w.cause_code.as_deref() {
                *votes.entry(c).or_default() += s;
            }
        }
        let knn_rank = ranked(votes);
        knn.add(&knn_rank, truth);
        if new_text {
            ours_new.add(&r, truth);
            prior_new.add(&asset_rank, truth);
            knn_new.add(&knn_rank, truth);
        }
    }
    let mut out = String::new();
    writeln!(
        out,
        "### Excavators (real SAP work orders)\n\nData: {} work orders on {} excavators. Test: the {} breakdowns (PM01) from 2010 with a Part, each ranked from every row before its date (rolling); {} of them with a short text never seen before. The Part is the `cause_code`; the query is the asset and the short text (`diagnose --symptom`).\n",
        h.work_orders.len(),
        h.assets.len(),
        tests,
        ours_new.n
    )?;
    writeln!(
        out,
        "| Method | top-1 | top-3 | top-1 (new text) | top-3 (new text) |\n|---|---|---|---|---|"
    )?;
    for (name, all, new) in [
        (
            "faultline-diagnosis (symptom = short text)",
            &ours,
            &ours_new,
        ),
        ("baseline: asset prior", &prior, &prior_new),
        (
            "baseline: 25-nearest-neighbour vote (BM25, same tokens)",
            &knn,
            &knn_new,
        ),
    ] {
        writeln!(out, "| {name} | {} | {} |", all.cells(), new.cells())?;
    }
    writeln!(
        out,
        "\nSimilar work orders: precision@5 (same Part and same MajorSystem) {:.3} over the {} test rows with any similar work order.",
        p5 / p5_n.max(1) as f64,
        p5_n
    )?;
    Ok(Some(out))
}
