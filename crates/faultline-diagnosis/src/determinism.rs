//! The same counts give the same scores, to the bit (issue 11): [`crate::causes::finish`] fed
//! the same levels, vote and word counts built in different insertion orders (each std hash map
//! has its own random seed, so their iteration orders differ even within one process) must give
//! the same causes in the same order with bit-identical scores and level probabilities.

use crate::causes::{finish, CauseParams, Level, Shape};
use crate::text_model::TextEvidence;
use std::collections::HashMap;

/// Deterministic pseudo-random numbers in `[0, 1)` (a fixed LCG, no seed from outside).
fn numbers(n: usize, mut state: u64) -> Vec<f64> {
    (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect()
}

const CAUSES: usize = 80;

fn cause(i: usize) -> String {
    format!("C{i:03}")
}

/// Four levels over [`CAUSES`] causes with uneven weights, inserted in `order`.
fn levels(order: &[usize]) -> Vec<Level> {
    let kinds = ["asset", "model", "class", "site"];
    kinds
        .into_iter()
        .enumerate()
        .map(|(k, kind)| {
            let mut l = Level::new(kind, format!("{kind}-1"));
            let r = numbers(CAUSES * 3, 7 + k as u64);
            for &i in order {
                // Weights over several orders of magnitude, so sums depend on their order.
                let scale = 10f64.powi((i % 7) as i32 - 3);
                let (m, a, c) = (r[3 * i] * scale, (r[3 * i + 1] + 1.0) * scale, r[3 * i + 2]);
                l.per_cause
                    .insert(cause(i), (m, m + a, 1 + (i % 3) as u32, c * scale));
            }
            // The totals themselves summed in a fixed order (what the callers do).
            for i in 0..CAUSES {
                let v = l.per_cause[&cause(i)];
                l.matched_total += v.0;
                l.all_total += v.1;
                l.code_total += v.3;
                l.raw_of += v.2;
            }
            l
        })
        .collect()
}

fn vote(order: &[usize]) -> HashMap<String, f64> {
    let r = numbers(CAUSES, 99);
    order
        .iter()
        .filter(|i| *i % 2 == 0)
        .map(|&i| (cause(i), r[i] * 10f64.powi((i % 5) as i32 - 2)))
        .collect()
}

fn text(order: &[usize]) -> TextEvidence<'static> {
    let r = numbers(CAUSES * 3, 5);
    let per_cause: crate::text_model::WordCounts = order
        .iter()
        .map(|&i| {
            let tf = vec![(r[3 * i] * 9.0).floor(), (r[3 * i + 1] * 4.0).floor()];
            (cause(i), (tf, 50.0 + (r[3 * i + 2] * 500.0).floor()))
        })
        .collect();
    let all = per_cause
        .values()
        .fold((vec![0.0, 0.0], 0.0), |mut a, (tf, len)| {
            a.0[0] += tf[0];
            a.0[1] += tf[1];
            a.1 += len;
            a
        });
    let query = vec![("trips".to_string(), 1.0), ("hot".to_string(), 2.0)];
    TextEvidence::from_parts(Vec::new(), query, per_cause, all)
}

/// Every cause with its score and level probabilities, as bits.
fn run(order: &[usize], query_empty: bool, text_empty: bool) -> Vec<(String, Vec<u64>)> {
    let (levels, vote, text) = (levels(order), vote(order), text(order));
    let shape = Shape {
        query_empty,
        text_empty,
        with_evidence: true,
        keep: usize::MAX,
    };
    let (ranked, _) = finish(&levels, &vote, &text, &shape, &CauseParams::default());
    ranked
        .into_iter()
        .map(|r| {
            let mut bits = vec![r.score.to_bits()];
            bits.extend(r.levels.iter().map(|l| l.probability.to_bits()));
            (r.cause, bits)
        })
        .collect()
}

#[test]
fn the_same_counts_in_any_map_order_give_bit_identical_scores() {
    let forward: Vec<usize> = (0..CAUSES).collect();
    let backward: Vec<usize> = (0..CAUSES).rev().collect();
    let mut shuffled = forward.clone();
    let r = numbers(CAUSES, 3);
    shuffled.sort_by(|a, b| r[*a].total_cmp(&r[*b]));
    for (query_empty, text_empty) in [(true, true), (false, true), (true, false), (false, false)] {
        let first = run(&forward, query_empty, text_empty);
        assert_eq!(first.len(), CAUSES);
        for round in 0..20 {
            let order = [&forward, &backward, &shuffled][round % 3];
            let again = run(order, query_empty, text_empty);
            let differ = first.iter().zip(&again).find(|(a, b)| a != b);
            assert!(
                differ.is_none() && first.len() == again.len(),
                "codes {}, text {}, round {round}: {differ:?}",
                !query_empty,
                !text_empty
            );
        }
    }
}
