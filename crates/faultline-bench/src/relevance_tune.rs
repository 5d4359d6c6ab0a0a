//! `relevance --tune`: trains the manual search's ranking weights (`RankWeights`, a linear
//! model over the query plan's signals) on the DEV set only, by coordinate ascent: each weight in
//! turn is tried at a few multiples of its value, and a change is kept when it raises dev
//! recall@5 + MRR@10 by more than [`MIN_GAIN`] without lowering the seen set's by more than
//! [`SEEN_SLACK`]. The test set is never searched here. The result is printed as a weights file
//! for `crates/faultline-manuals/src/index/ranking_weights.toml`. A weight can be pinned
//! (`--pin code`: held at its start value) or given a floor (`--pin code>=3`: values below it
//! are not tried), for constraints the judged sets do not see (the demo's AL 2040 page needs
//! `code` ≥ 3.0).

use crate::relevance::{self, Judged};
use crate::search_bench::LIMIT;
use anyhow::{bail, Result};
use faultline_manuals::index::{ManualIndex, RankWeights, SearchQuery};

/// Least improvement of the objective a change must bring (one query moving up one rank is
/// worth far more; below this it is noise).
const MIN_GAIN: f64 = 0.002;
/// How far the seen set's objective may fall for a change that helps dev.
const SEEN_SLACK: f64 = 0.01;
/// Rounds over all the weights.
const ROUNDS: usize = 3;
/// Multiples of a weight tried; a weight at 0 is tried at these values instead.
const FACTORS: [f32; 6] = [0.0, 0.5, 0.75, 1.33, 1.75, 2.5];
const FROM_ZERO: [f32; 5] = [0.1, 0.25, 0.5, 1.0, 2.0];

/// A constraint on one weight while training: `--pin NAME` or `--pin NAME>=VALUE`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pin {
    pub name: String,
    /// `None`: held at its start value; `Some(v)`: any value ≥ v may be tried.
    pub floor: Option<f32>,
}

impl Pin {
    /// Parses `NAME` or `NAME>=VALUE`; the name must be one of [`RankWeights::NAMES`].
    pub fn parse(text: &str) -> Result<Pin> {
        let (name, floor) = match text.split_once(">=") {
            Some((n, v)) => {
                let v: f32 = match v.trim().parse() {
                    Ok(v) => v,
                    Err(_) => bail!("--pin {text:?}: {:?} is not a number", v.trim()),
                };
                if !v.is_finite() || v < 0.0 {
                    bail!("--pin {text:?}: the floor must be a finite number ≥ 0");
                }
                (n.trim(), Some(v))
            }
            None => (text.trim(), None),
        };
        if !RankWeights::NAMES.contains(&name) {
            bail!(
                "--pin {text:?}: no weight {name:?} (the weights: {})",
                RankWeights::NAMES.join(", ")
            );
        }
        Ok(Pin {
            name: name.to_string(),
            floor,
        })
    }
}

/// The values the tuner may try for `name` from `current`, under `pins`.
fn candidates(name: &str, current: f32, pins: &[Pin]) -> Vec<f32> {
    let values: Vec<f32> = if current > 0.0 {
        FACTORS.iter().map(|f| current * f).collect()
    } else {
        FROM_ZERO.to_vec()
    };
    match pins.iter().find(|p| p.name == name) {
        Some(Pin { floor: None, .. }) => Vec::new(),
        Some(Pin { floor: Some(f), .. }) => values.into_iter().filter(|v| v >= f).collect(),
        None => values,
    }
}

/// The top pages of our search for `text` with `weights`, as `(file name, page)`.
pub fn ranked(
    index: &ManualIndex,
    text: &str,
    weights: &RankWeights,
) -> Result<Vec<(String, u32)>> {
    let q = SearchQuery {
        text: text.to_string(),
        boost_models: Vec::new(),
        limit: LIMIT,
    };
    Ok(index
        .search_with_weights(&q, weights)?
        .hits
        .into_iter()
        .map(|h| (h.file_name, h.page))
        .collect())
}

/// Mean recall@5 + mean MRR@10 of `set` with `weights` (the two aims, equally weighted).
fn objective(index: &ManualIndex, set: &[Judged], weights: &RankWeights) -> Result<f64> {
    let mut scores = Vec::with_capacity(set.len());
    for q in set {
        let ours = ranked(index, &q.text, weights)?;
        scores.push(relevance::score(&ours, &q.relevant, &q.partial));
    }
    let m = relevance::means(scores.iter());
    Ok(m.recall5 + m.mrr10)
}

/// Coordinate ascent from `start` on `dev`, constrained by `seen` and `pins`; returns the trained
/// weights.
pub fn tune(
    index: &ManualIndex,
    dev: &[Judged],
    seen: &[Judged],
    start: &RankWeights,
    pins: &[Pin],
) -> Result<RankWeights> {
    for pin in pins {
        if let (Some(floor), Some(v)) = (pin.floor, start.get(&pin.name)) {
            if v < floor {
                bail!(
                    "--pin {}>={floor}: the start weights have {} = {v}, below the floor",
                    pin.name,
                    pin.name
                );
            }
        }
    }
    let mut best = start.clone();
    let mut best_dev = objective(index, dev, &best)?;
    let seen_floor = objective(index, seen, &best)? - SEEN_SLACK;
    eprintln!("tune: start dev {best_dev:.4} (recall@5 + MRR@10), seen floor {seen_floor:.4}");
    for round in 1..=ROUNDS {
        let mut changed = false;
        for name in RankWeights::NAMES {
            let current = best.get(name).unwrap_or(0.0);
            let values = candidates(name, current, pins);
            let mut round_best: Option<(f32, f64)> = None;
            for v in values {
                let mut w = best.clone();
                w.set(name, v);
                let dev_score = objective(index, dev, &w)?;
                let bar = round_best.map_or(best_dev + MIN_GAIN, |(_, s)| s);
                if dev_score > bar && objective(index, seen, &w)? >= seen_floor {
                    round_best = Some((v, dev_score));
                }
            }
            if let Some((v, s)) = round_best {
                eprintln!(
                    "tune: round {round}: {name} {current} → {v}: dev {best_dev:.4} → {s:.4}"
                );
                best.set(name, v);
                best_dev = s;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let seen_end = objective(index, seen, &best)?;
    eprintln!("tune: end dev {best_dev:.4}, seen {seen_end:.4}");
    Ok(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_parse_held_and_floor() {
        let held = Pin::parse("code").ok();
        assert_eq!(
            held,
            Some(Pin {
                name: "code".into(),
                floor: None
            })
        );
        let floor = Pin::parse("code>=3").ok();
        assert_eq!(
            floor,
            Some(Pin {
                name: "code".into(),
                floor: Some(3.0)
            })
        );
        assert!(Pin::parse("nosuch").is_err());
        assert!(Pin::parse("code>=x").is_err());
        assert!(Pin::parse("code>=-1").is_err());
    }

    #[test]
    fn a_held_weight_gets_no_candidates_and_a_floor_cuts_below_it() {
        let held = [Pin::parse("code").unwrap_or_else(|e| panic!("{e}"))];
        assert!(candidates("code", 3.0, &held).is_empty());
        assert_eq!(candidates("head", 0.2, &held).len(), FACTORS.len());
        let floor = [Pin::parse("code>=3").unwrap_or_else(|e| panic!("{e}"))];
        let tried = candidates("code", 3.0, &floor);
        assert!(!tried.is_empty());
        assert!(tried.iter().all(|v| *v >= 3.0), "{tried:?}");
        assert!(candidates("code", 0.0, &floor).iter().all(|v| *v >= 3.0));
    }
}
