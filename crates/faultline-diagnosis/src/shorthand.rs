//! Technician shorthand and the tokens similarity compares: a small hand-written expansion table
//! ("chg hyd hose r/h" → "change hydraulic hose right hand"), lowercase words, codes as their
//! matching key (so "E.OC.1" meets "OC1"), a plural "s" dropped. Behind the hand-written table,
//! a table learned from the MaintNorm corpus of raw → normalised maintenance texts
//! (`shorthand_learned.tsv`, derived by `scripts/derive_shorthand.py`: token pairs only).

use crate::codes;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

/// The learned table: `raw TAB normalised TAB count TAB of`, sorted by raw; `#` lines are comments.
const LEARNED_TSV: &str = include_str!("shorthand_learned.tsv");

static LEARNED_ON: AtomicBool = AtomicBool::new(true);

/// Whether the learned table is used (it is by default); back-tests switch it off to measure
/// what it adds.
pub fn use_learned_table(on: bool) {
    LEARNED_ON.store(on, Ordering::Relaxed);
}

/// Whether the learned table is used now (the prepared index keeps one set of tokens per setting).
pub fn learned_table_on() -> bool {
    LEARNED_ON.load(Ordering::Relaxed)
}

/// The learned pairs whose raw token has a letter or digit, sorted by raw token.
fn learned() -> &'static [(&'static str, &'static str)] {
    static TABLE: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t: Vec<(&'static str, &'static str)> = LEARNED_TSV
            .lines()
            .filter(|l| !l.starts_with("# "))
            .filter_map(|l| {
                let mut cells = l.split('\t');
                Some((cells.next()?, cells.next()?))
            })
            .filter(|(raw, norm)| raw.chars().any(char::is_alphanumeric) && !norm.is_empty())
            .collect();
        t.sort_unstable();
        t.dedup_by(|a, b| a.0 == b.0);
        t
    })
}

/// Shorthand → its words. Lookups are on the lowercase word with `.`/`,`/`:`/`;` trimmed.
const TABLE: &[(&str, &str)] = &[
    ("accel", "acceleration"),
    ("adj", "adjust"),
    ("assy", "assembly"),
    ("brg", "bearing"),
    ("brgs", "bearing"),
    ("c/o", "change out"),
    ("chg", "change"),
    ("chng", "change"),
    ("cyl", "cylinder"),
    ("decel", "deceleration"),
    ("elec", "electrical"),
    ("eng", "engine"),
    ("fltr", "filter"),
    ("hyd", "hydraulic"),
    ("insp", "inspect"),
    ("l/h", "left hand"),
    ("lh", "left hand"),
    ("lk", "leak"),
    ("lkg", "leak"),
    ("mtr", "motor"),
    ("o/h", "overhaul"),
    ("pmp", "pump"),
    ("press", "pressure"),
    ("r/h", "right hand"),
    ("repl", "replace"),
    ("rh", "right hand"),
    ("rplc", "replace"),
    ("temp", "temperature"),
    ("u/s", "unserviceable"),
    ("vlv", "valve"),
    ("w/", "with"),
];

fn expand(word: &str) -> Option<&'static str> {
    let hand = TABLE
        .binary_search_by(|(k, _)| (*k).cmp(word))
        .ok()
        .map(|i| TABLE[i].1);
    hand.or_else(|| {
        if !LEARNED_ON.load(Ordering::Relaxed) {
            return None;
        }
        let t = learned();
        t.binary_search_by(|(k, _)| (*k).cmp(word))
            .ok()
            .map(|i| t[i].1)
    })
}

/// The comparable tokens of `text`.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for raw in text.split_whitespace() {
        let w = raw
            .trim_matches(|c: char| matches!(c, '.' | ',' | ':' | ';' | '(' | ')' | '"' | '\''))
            .to_lowercase();
        if let Some(e) = expand(&w) {
            out.extend(e.split(' ').map(stem));
            continue;
        }
        for part in w.split(|c: char| !c.is_alphanumeric()) {
            if part.is_empty() {
                continue;
            }
            if let Some(e) = expand(part) {
                out.extend(e.split(' ').map(stem));
            } else if part.bytes().any(|b| b.is_ascii_digit())
                && part.bytes().any(|b| b.is_ascii_alphabetic())
            {
                out.push(codes::key(part));
            } else {
                out.push(stem(part));
            }
        }
        // A code written with separators ("E.OC.1", "OC-1") is one code too.
        if w.contains(['.', '-']) && w.bytes().any(|b| b.is_ascii_digit()) {
            out.push(codes::key(&w));
        }
    }
    out
}

/// Drops a plural "s" ("hoses" → "hose"; "press", "bus" are kept).
fn stem(w: &str) -> String {
    if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") {
        w[..w.len() - 1].to_string()
    } else {
        w.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_for_binary_search() {
        assert!(TABLE.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn shorthand_meets_the_words() {
        assert_eq!(
            tokens("chg hyd hose r/h"),
            tokens("Change hydraulic hoses, right hand")
        );
        assert!(tokens("E.OC.1 at start").contains(&"oc1".to_string()));
        assert!(tokens("alarm OC-1").contains(&"oc1".to_string()));
    }

    #[test]
    fn the_learned_table_expands_what_the_hand_table_lacks() {
        assert!(!learned().is_empty());
        assert!(learned().windows(2).all(|w| w[0].0 < w[1].0));
        // Neither "a/c" nor "diff" is in the hand-written table.
        assert_eq!(tokens("a/c u/s"), tokens("air conditioner unserviceable"));
        assert_eq!(tokens("diff"), vec!["differential".to_string()]);
        // Masks and punctuation-only tokens of the corpus are not taken.
        assert!(learned().iter().all(|(r, _)| *r != "#" && *r != "&"));
    }
}
