//! Ranking measures for back-tests: ROC AUC, average precision and precision at k. Ties in the
//! scores are handled exactly (no arbitrary order decides): AUC counts a tied positive/negative
//! pair as one half, average precision takes each group of equal scores as one threshold (as
//! scikit-learn does), precision@k takes the expected value over the orders of the last group.

/// Groups of equal score, highest first: (positives, total) per group.
fn groups(scores: &[f64], labels: &[bool]) -> Vec<(usize, usize)> {
    let mut idx: Vec<usize> = (0..scores.len().min(labels.len())).collect();
    idx.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut prev: Option<f64> = None;
    for i in idx {
        if prev != Some(scores[i]) {
            out.push((0, 0));
            prev = Some(scores[i]);
        }
        if let Some(g) = out.last_mut() {
            g.0 += usize::from(labels[i]);
            g.1 += 1;
        }
    }
    out
}

/// Area under the ROC curve; `None` without both classes.
pub fn roc_auc(scores: &[f64], labels: &[bool]) -> Option<f64> {
    let g = groups(scores, labels);
    let pos: usize = g.iter().map(|x| x.0).sum();
    let neg: usize = g.iter().map(|x| x.1 - x.0).sum();
    if pos == 0 || neg == 0 {
        return None;
    }
    // Walk from the lowest scores up: each positive beats the negatives below it.
    let mut neg_below = 0.0;
    let mut wins = 0.0;
    for &(p, n) in g.iter().rev() {
        let negs = (n - p) as f64;
        wins += p as f64 * (neg_below + negs / 2.0);
        neg_below += negs;
    }
    Some(wins / (pos as f64 * neg as f64))
}

/// Average precision; `None` without a positive.
pub fn average_precision(scores: &[f64], labels: &[bool]) -> Option<f64> {
    let g = groups(scores, labels);
    let pos: usize = g.iter().map(|x| x.0).sum();
    if pos == 0 {
        return None;
    }
    let (mut tp, mut seen, mut ap) = (0usize, 0usize, 0.0);
    for (p, n) in g {
        tp += p;
        seen += n;
        ap += (p as f64 / pos as f64) * (tp as f64 / seen as f64);
    }
    Some(ap)
}

/// Share of positives among the first `k` (expected value when the k-th falls in a tie).
pub fn precision_at(scores: &[f64], labels: &[bool], k: usize) -> Option<f64> {
    if k == 0 || scores.is_empty() {
        return None;
    }
    let k = k.min(scores.len());
    let (mut taken, mut hits) = (0usize, 0.0);
    for (p, n) in groups(scores, labels) {
        let take = (k - taken).min(n);
        hits += p as f64 * take as f64 / n as f64;
        taken += take;
        if taken == k {
            break;
        }
    }
    Some(hits / k as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_and_inverted_rankings() {
        let s = [0.9, 0.8, 0.2, 0.1];
        assert_eq!(roc_auc(&s, &[true, true, false, false]), Some(1.0));
        assert_eq!(roc_auc(&s, &[false, false, true, true]), Some(0.0));
        assert_eq!(
            average_precision(&s, &[true, true, false, false]),
            Some(1.0)
        );
        assert_eq!(precision_at(&s, &[true, false, true, false], 2), Some(0.5));
    }

    #[test]
    fn hand_computed_average_precision() {
        // Positives at ranks 1 and 3: (1/1 + 2/3) / 2.
        let ap = average_precision(&[4.0, 3.0, 2.0, 1.0], &[true, false, true, false]);
        assert!(ap.is_some_and(|v| (v - 5.0 / 6.0).abs() < 1e-12));
    }

    #[test]
    fn ties_are_not_decided_by_order() {
        let s = [1.0, 1.0, 1.0, 1.0];
        let l = [true, false, false, false];
        assert_eq!(roc_auc(&s, &l), Some(0.5));
        assert_eq!(average_precision(&s, &l), Some(0.25));
        assert_eq!(precision_at(&s, &l, 2), Some(0.25));
        assert_eq!(roc_auc(&s, &[true, true, true, true]), None);
    }
}
