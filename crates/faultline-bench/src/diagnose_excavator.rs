//! The excavator part of `faultline-bench diagnose`: real SAP work orders on five mining
//! excavators (../shared/corpus/history/excavator-mwo), imported with
//! tests/fixtures/mappings/excavator-*.toml. Every breakdown (PM01) from 2010 with a Part is
//! ranked (the Part is its `cause_code`) from its asset and short text, using every row before
//! it (rolling); top-1/top-3 against the asset prior and a nearest-neighbour vote, precision@5 of
//! the similar work orders (same Part and same MajorSystem), the never-seen-text subset apart.
//! The ranking's text-vote weight and neighbour count are tuned on the year before (dev split),
//! and the learned shorthand table is measured by switching it off for the same rows.

use anyhow::{Context, Result};
use faultline_core::store::DiagnosisWorkOrder;
use faultline_core::Store;
use faultline_diagnosis::{causes, similar, CauseParams, History};
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

/// The Parts ranked for work order `t` from its asset and short text, with every row before it.
fn rank_part(h: &History, t: &DiagnosisWorkOrder, p: &CauseParams) -> Vec<String> {
    let Some(asset) = h.asset(&t.asset_tag) else {
        return Vec::new();
    };
    causes::rank(h, asset, &[], Some(&t.title), t.reported_at, p)
        .into_iter()
        .map(|c| c.cause_code)
        .collect()
}

/// The baseline: the K most similar earlier work orders with a Part vote by their BM25 score.
fn knn_vote(h: &History, t: &DiagnosisWorkOrder) -> Vec<String> {
    let Some(asset) = h.asset(&t.asset_tag) else {
        return Vec::new();
    };
    let mut votes: HashMap<&str, f64> = HashMap::new();
    for (s, w) in similar::scored(h, asset, &[], Some(&t.title), t.reported_at)
        .into_iter()
        .filter(|(_, w)| w.cause_code.is_some())
        .take(K)
    {
        if let Some(c) = w.cause_code.as_deref() {
            *votes.entry(c).or_default() += s;
        }
    }
    ranked(votes)
}

/// Of the 5 most similar earlier work orders (`similar::find`, as `diagnose` shows them), the
/// share with the same Part and MajorSystem as `t`; `None` when there is none.
fn precision_at_5(h: &History, t: &DiagnosisWorkOrder) -> Option<f64> {
    let asset = h.asset(&t.asset_tag)?;
    let top5 = similar::find(h, asset, &[], Some(&t.title), t.reported_at, 5);
    if top5.is_empty() {
        return None;
    }
    let good = top5
        .iter()
        .filter(|s| s.cause_code == t.cause_code && s.failure_class == t.failure_class)
        .count();
    Some(good as f64 / 5.0)
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
    // Development split: the year before `from`; the mixture weight and the neighbour count are
    // chosen there (top-1, then top-3), never on the test rows.
    let dev_from = from - 365 * 24 * faultline_diagnosis::HOUR_MS;
    let dev: Vec<&DiagnosisWorkOrder> = h
        .work_orders
        .iter()
        .filter(|w| is_test_row(w, dev_from) && w.reported_at < from)
        .collect();
    let mut sweep = Vec::new();
    for k in [10, 25, 50] {
        for lambda in [0.0, 0.2, 0.4, 0.5, 0.6, 0.8, 1.0] {
            let p = CauseParams {
                text_neighbours: k,
                text_vote: lambda,
                ..CauseParams::default()
            };
            let mut hits = Hits::default();
            for t in &dev {
                hits.add(
                    &rank_part(&h, t, &p),
                    t.cause_code.as_deref().unwrap_or_default(),
                );
            }
            sweep.push((k, lambda, hits));
        }
    }
    let Some((best_k, best_lambda, _)) = sweep.iter().max_by(|a, b| {
        (a.2.top1, a.2.top3)
            .cmp(&(b.2.top1, b.2.top3))
            // On a tie the smaller weight, then the fewer neighbours.
            .then(b.1.total_cmp(&a.1))
            .then(b.0.cmp(&a.0))
    }) else {
        return Ok(None);
    };
    let tuned = CauseParams {
        text_neighbours: *best_k,
        text_vote: *best_lambda,
        ..CauseParams::default()
    };
    let chain_only = CauseParams {
        text_vote: 0.0,
        ..CauseParams::default()
    };
    let [mut ours, mut chain, mut plain, mut prior, mut knn, mut knn_plain] =
        std::array::from_fn::<Hits, 6, _>(|_| Hits::default());
    let [mut ours_new, mut chain_new, mut plain_new, mut prior_new, mut knn_new, mut knn_plain_new] =
        std::array::from_fn::<Hits, 6, _>(|_| Hits::default());
    let (mut p5, mut p5_plain, mut p5_n) = (0.0, 0.0, 0usize);
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
        let r = rank_part(&h, t, &tuned);
        let r_chain = rank_part(&h, t, &chain_only);
        let p5_here = precision_at_5(&h, t);
        let knn_rank = knn_vote(&h, t);
        // The same with the hand-written shorthand table only.
        faultline_diagnosis::shorthand::use_learned_table(false);
        let r_plain = rank_part(&h, t, &tuned);
        let p5_plain_here = precision_at_5(&h, t);
        let knn_plain_rank = knn_vote(&h, t);
        faultline_diagnosis::shorthand::use_learned_table(true);
        ours.add(&r, truth);
        chain.add(&r_chain, truth);
        plain.add(&r_plain, truth);
        if let (Some(a), Some(b)) = (p5_here, p5_plain_here) {
            p5 += a;
            p5_plain += b;
            p5_n += 1;
        }
        let mut asset_votes: HashMap<&str, f64> = HashMap::new();
        for w in h
            .work_orders
            .iter()
            .take_while(|w| w.reported_at < t.reported_at)
        {
            if w.asset_tag == asset.tag && w.wo_type == "breakdown" {
                if let Some(c) = w.cause_code.as_deref() {
                    *asset_votes.entry(c).or_default() += 1.0;
                }
            }
        }
        let asset_rank = ranked(asset_votes);
        prior.add(&asset_rank, truth);
        knn.add(&knn_rank, truth);
        knn_plain.add(&knn_plain_rank, truth);
        if new_text {
            ours_new.add(&r, truth);
            chain_new.add(&r_chain, truth);
            plain_new.add(&r_plain, truth);
            prior_new.add(&asset_rank, truth);
            knn_new.add(&knn_rank, truth);
            knn_plain_new.add(&knn_plain_rank, truth);
        }
    }
    let mut out = String::new();
    writeln!(
        out,
        "### Excavators (real SAP work orders)\n\nData: {} work orders on {} excavators. Test: the {} breakdowns (PM01) from 2010 with a Part, each ranked from every row before its date (rolling); {} of them with a short text never seen before. The Part is the `cause_code`; the query is the asset and the short text (`diagnose --symptom`). Development split (tuning only): the {} such breakdowns of the year before; chosen there: {} text neighbours, vote weight λ = {}.\n",
        h.work_orders.len(),
        h.assets.len(),
        tests,
        ours_new.n,
        dev.len(),
        best_k,
        best_lambda
    )?;
    writeln!(
        out,
        "| Method | top-1 | top-3 | top-1 (new text) | top-3 (new text) |\n|---|---|---|---|---|"
    )?;
    for (name, all, new) in [
        (
            "faultline-diagnosis: chain + nearest-neighbour vote (λ tuned on dev)",
            &ours,
            &ours_new,
        ),
        (
            "faultline-diagnosis, hand-written shorthand only",
            &plain,
            &plain_new,
        ),
        (
            "faultline-diagnosis, chain only (λ = 0, the ranking before the vote)",
            &chain,
            &chain_new,
        ),
        ("baseline: asset prior", &prior, &prior_new),
        (
            "baseline: 25-nearest-neighbour vote (BM25, same tokens)",
            &knn,
            &knn_new,
        ),
        (
            "baseline: 25-nearest-neighbour vote, hand-written shorthand only",
            &knn_plain,
            &knn_plain_new,
        ),
    ] {
        writeln!(out, "| {name} | {} | {} |", all.cells(), new.cells())?;
    }
    writeln!(
        out,
        "\nSimilar work orders: precision@5 (same Part and same MajorSystem) {:.3} ({:.3} with the hand-written shorthand only) over the {} test rows with any similar work order.",
        p5 / p5_n.max(1) as f64,
        p5_plain / p5_n.max(1) as f64,
        p5_n
    )?;
    writeln!(
        out,
        "\nDevelopment sweep (top-1 on the dev split; rows: text neighbours, columns: λ):\n\n| k | {} |\n|---|{}",
        sweep
            .iter()
            .take(7)
            .map(|s| format!("λ={}", s.1))
            .collect::<Vec<_>>()
            .join(" | "),
        "---|".repeat(7)
    )?;
    for row in sweep.chunks(7) {
        let k = row.first().map_or(0, |s| s.0);
        let cells: Vec<String> = row
            .iter()
            .map(|s| format!("{:.3}", s.2.top1 as f64 / s.2.n.max(1) as f64))
            .collect();
        writeln!(out, "| {k} | {} |", cells.join(" | "))?;
    }
    Ok(Some(out))
}
