//! The excavator part of `faultline-bench diagnose`: real SAP work orders on five mining
//! excavators (../shared/corpus/history/excavator-mwo), imported with
//! tests/fixtures/mappings/excavator-*.toml. Every breakdown (PM01) from 2010 with a Part is
//! ranked (the Part is its `cause_code`) from its asset and short text, using every row before
//! it (rolling); top-1/top-3 against the asset prior and a nearest-neighbour vote, precision@5 of
//! the similar work orders (same Part and same MajorSystem), the never-seen-text subset apart.
//! The ranking's text parameters (vote weight, neighbours, vote power, word-model smoothing) are
//! tuned on the year before (dev split), and the learned shorthand table is measured by switching
//! it off for the same rows.

use anyhow::{Context, Result};
use faultline_core::store::DiagnosisWorkOrder;
use faultline_core::Store;
use faultline_diagnosis::text_model::TextEvidence;
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

/// Most neighbours any ranking of the sweep reads.
const MAX_NEIGHBOURS: usize = 40;

/// What work order `t`'s short text says, from every row before it.
fn text_of<'h>(h: &'h History, t: &DiagnosisWorkOrder) -> TextEvidence<'h> {
    match h.asset(&t.asset_tag) {
        Some(asset) => TextEvidence::new(h, asset, Some(&t.title), t.reported_at, MAX_NEIGHBOURS),
        None => TextEvidence::default(),
    }
}

/// The Parts ranked for work order `t` from its asset and short text (read by [`text_of`]),
/// with every row before it: the same as `causes::rank`, which `diagnose --symptom` calls.
fn rank_part(
    h: &History,
    t: &DiagnosisWorkOrder,
    text: &TextEvidence,
    p: &CauseParams,
) -> Vec<String> {
    let Some(asset) = h.asset(&t.asset_tag) else {
        return Vec::new();
    };
    causes::rank_with(h, asset, &[], text, t.reported_at, p)
        .into_iter()
        .map(|c| c.cause_code)
        .collect()
}

/// [`rank_part`]'s order without the evidence and sentences (`causes::rank_scores`).
fn rank_fast(
    h: &History,
    t: &DiagnosisWorkOrder,
    text: &TextEvidence,
    p: &CauseParams,
) -> Vec<String> {
    let Some(asset) = h.asset(&t.asset_tag) else {
        return Vec::new();
    };
    causes::rank_scores(h, asset, &[], text, t.reported_at, p)
        .into_iter()
        .map(|c| c.0)
        .collect()
}

/// The ranking as it was before the word model (chain + 10-nearest-neighbour vote, λ = 1).
fn before_word_model() -> CauseParams {
    CauseParams {
        text_neighbours: 10,
        text_vote: 1.0,
        vote_power: 1.0,
        ..CauseParams::default()
    }
}

const LAMBDAS: [f64; 6] = [0.0, 0.5, 0.6, 0.7, 0.8, 0.9];

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
    // Development split: the year before `from`; the text parameters are chosen there (top-1,
    // then top-3), never on the test rows.
    let dev_from = from - 365 * 24 * faultline_diagnosis::HOUR_MS;
    let dev: Vec<(&DiagnosisWorkOrder, TextEvidence)> = h
        .work_orders
        .iter()
        .filter(|w| is_test_row(w, dev_from) && w.reported_at < from)
        .map(|w| (w, text_of(&h, w)))
        .collect();
    let mut sweep: Vec<(CauseParams, Hits)> = Vec::new();
    for k in [10, 25, 40] {
        for power in [1.0, 2.0] {
            for mu in [50.0, 200.0] {
                for lambda in LAMBDAS.into_iter().chain([1.0]) {
                    let p = CauseParams {
                        text_neighbours: k,
                        vote_power: power,
                        text_smoothing: mu,
                        text_vote: lambda,
                        ..CauseParams::default()
                    };
                    let mut hits = Hits::default();
                    for (t, text) in &dev {
                        hits.add(
                            &rank_fast(&h, t, text, &p),
                            t.cause_code.as_deref().unwrap_or_default(),
                        );
                    }
                    sweep.push((p, hits));
                }
            }
        }
    }
    let Some((tuned, _)) = sweep.iter().max_by(|a, b| {
        (a.1.top1, a.1.top3)
            .cmp(&(b.1.top1, b.1.top3))
            // On a tie the smaller weight, the fewer neighbours, the lower power and smoothing.
            .then(b.0.text_vote.total_cmp(&a.0.text_vote))
            .then(b.0.text_neighbours.cmp(&a.0.text_neighbours))
            .then(b.0.vote_power.total_cmp(&a.0.vote_power))
            .then(b.0.text_smoothing.total_cmp(&a.0.text_smoothing))
    }) else {
        return Ok(None);
    };
    let tuned = tuned.clone();
    let chain_only = CauseParams {
        text_vote: 0.0,
        ..tuned.clone()
    };
    let before = before_word_model();
    let [mut ours, mut chain, mut plain, mut prior, mut knn, mut knn_plain, mut old] =
        std::array::from_fn::<Hits, 7, _>(|_| Hits::default());
    let [mut ours_new, mut chain_new, mut plain_new, mut prior_new, mut knn_new, mut knn_plain_new, mut old_new] =
        std::array::from_fn::<Hits, 7, _>(|_| Hits::default());
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
        let text = text_of(&h, t);
        let r = rank_part(&h, t, &text, &tuned);
        let r_chain = rank_fast(&h, t, &text, &chain_only);
        let r_old = rank_fast(&h, t, &text, &before);
        let p5_here = precision_at_5(&h, t);
        let knn_rank = knn_vote(&h, t);
        // The same with the hand-written shorthand table only.
        faultline_diagnosis::shorthand::use_learned_table(false);
        let r_plain = rank_fast(&h, t, &text_of(&h, t), &tuned);
        let p5_plain_here = precision_at_5(&h, t);
        let knn_plain_rank = knn_vote(&h, t);
        faultline_diagnosis::shorthand::use_learned_table(true);
        ours.add(&r, truth);
        chain.add(&r_chain, truth);
        old.add(&r_old, truth);
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
            old_new.add(&r_old, truth);
            plain_new.add(&r_plain, truth);
            prior_new.add(&asset_rank, truth);
            knn_new.add(&knn_rank, truth);
            knn_plain_new.add(&knn_plain_rank, truth);
        }
    }
    let mut out = String::new();
    writeln!(
        out,
        "### Excavators (real SAP work orders)\n\nData: {} work orders on {} excavators. Test: the {} breakdowns (PM01) from 2010 with a Part, each ranked from every row before its date (rolling); {} of them with a short text never seen before. The Part is the `cause_code`; the query is the asset and the short text (`diagnose --symptom`). Development split (tuning only): the {} such breakdowns of the year before; chosen there: {} text neighbours, vote power {}, word-model smoothing μ = {}, vote weight λ = {}.\n",
        h.work_orders.len(),
        h.assets.len(),
        tests,
        ours_new.n,
        dev.len(),
        tuned.text_neighbours,
        tuned.vote_power,
        tuned.text_smoothing,
        tuned.text_vote
    )?;
    writeln!(
        out,
        "| Method | top-1 | top-3 | top-1 (new text) | top-3 (new text) |\n|---|---|---|---|---|"
    )?;
    for (name, all, new) in [
        (
            "faultline-diagnosis: chain × word model, mixed with the nearest-neighbour vote (tuned on dev)",
            &ours,
            &ours_new,
        ),
        (
            "faultline-diagnosis, hand-written shorthand only",
            &plain,
            &plain_new,
        ),
        (
            "faultline-diagnosis, chain × word model only (λ = 0, no vote)",
            &chain,
            &chain_new,
        ),
        (
            "faultline-diagnosis before the word model (chain + 10-NN vote, λ = 1)",
            &old,
            &old_new,
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
        "\nDevelopment sweep (top-1 on the dev split; rows: text neighbours k, vote power, word-model smoothing μ; columns: vote weight λ):\n\n| k | power | μ | {} |\n|---|---|---|{}",
        LAMBDAS
            .iter()
            .chain(&[1.0])
            .map(|l| format!("λ={l}"))
            .collect::<Vec<_>>()
            .join(" | "),
        "---|".repeat(LAMBDAS.len() + 1)
    )?;
    for row in sweep.chunks(LAMBDAS.len() + 1) {
        let Some(first) = row.first() else { continue };
        let cells: Vec<String> = row
            .iter()
            .map(|s| format!("{:.3}", s.1.top1 as f64 / s.1.n.max(1) as f64))
            .collect();
        writeln!(
            out,
            "| {} | {} | {} | {} |",
            first.0.text_neighbours,
            first.0.vote_power,
            first.0.text_smoothing,
            cells.join(" | ")
        )?;
    }
    Ok(Some(out))
}
