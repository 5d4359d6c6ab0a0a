//! Word-level comparison of extracted text with a reference extraction (pdftotext): the
//! share of the reference's words found (recall) and of ours that the reference has
//! (precision), counted as multisets of lowercased words (letters and digits). The same on
//! pairs of consecutive words tells whether the words also come in the same order.

use super::clean::normalize_chars;
use std::collections::HashMap;

/// How two extractions of the same document agree, word by word.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Overlap {
    /// Words in our text.
    pub ours: usize,
    /// Words in the reference text.
    pub reference: usize,
    /// Words in both (each word counted as often as it occurs in both).
    pub common: usize,
}

impl Overlap {
    /// Share of the reference's words that we have (1 when the reference has none).
    pub fn recall(&self) -> f64 {
        ratio(self.common, self.reference)
    }

    /// Share of our words that the reference has (1 when we have none).
    pub fn precision(&self) -> f64 {
        ratio(self.common, self.ours)
    }

    /// Harmonic mean of recall and precision.
    pub fn f1(&self) -> f64 {
        let (r, p) = (self.recall(), self.precision());
        if r + p == 0.0 {
            0.0
        } else {
            2.0 * r * p / (r + p)
        }
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

/// The words of `text`: runs of letters and digits, lowercased, ligatures spelled out (so
/// that a reference keeping "ﬁ" and a text spelling "fi" count the same word).
pub fn words(text: &str) -> Vec<String> {
    normalize_chars(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The word multiset of a text.
pub fn word_counts(text: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for w in words(text) {
        *counts.entry(w).or_insert(0) += 1;
    }
    counts
}

/// Compares our text with the reference's, word by word.
pub fn word_overlap(ours: &str, reference: &str) -> Overlap {
    overlap(&word_counts(ours), &word_counts(reference))
}

/// Compares our text with the reference's on pairs of consecutive words (within a line or
/// across lines): reading order, not only vocabulary.
pub fn pair_overlap(ours: &str, reference: &str) -> Overlap {
    let pairs = |text: &str| {
        let mut counts = HashMap::new();
        for pair in words(text).windows(2) {
            *counts.entry(pair.join(" ")).or_insert(0) += 1;
        }
        counts
    };
    overlap(&pairs(ours), &pairs(reference))
}

fn overlap(a: &HashMap<String, usize>, b: &HashMap<String, usize>) -> Overlap {
    let common = a
        .iter()
        .map(|(w, n)| (*n).min(b.get(w).copied().unwrap_or(0)))
        .sum();
    Overlap {
        ours: a.values().sum(),
        reference: b.values().sum(),
        common,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_counts_words_as_multisets() {
        let o = word_overlap("the the motor ﬁlter", "The motor motor filter trips");
        assert_eq!((o.ours, o.reference, o.common), (4, 5, 3));
        assert!((o.recall() - 0.6).abs() < 1e-9);
        assert!((o.precision() - 0.75).abs() < 1e-9);
    }

    #[test]
    fn pairs_see_the_order_of_words() {
        let same = pair_overlap("motor stalls under load", "motor stalls\nunder load");
        assert_eq!((same.common, same.reference), (3, 3));
        let swapped = pair_overlap("under load motor stalls", "motor stalls under load");
        assert_eq!((swapped.common, swapped.reference), (2, 3));
    }

    #[test]
    fn empty_texts_agree() {
        let o = word_overlap("", "");
        assert_eq!((o.recall(), o.precision()), (1.0, 1.0));
    }
}
