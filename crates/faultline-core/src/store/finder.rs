//! The finder's second chances: work orders by number from the top box, and assets found despite
//! one typo ("VDF-202" → VFD-202, "compresor" → compressor) when the exact search finds nothing.

use super::work_order_reads::{summary_row, SUMMARY_SELECT};
use super::Store;
use crate::domain::WorkOrderSummary;
use crate::error::Result;
use rusqlite::params;

/// Shortest typed word that may carry a typo (shorter ones must match as a prefix).
const MIN_FUZZY_LEN: usize = 3;

/// True when `a` and `b` differ by at most one edit: an inserted, deleted or replaced character,
/// or two neighbours swapped. Compares characters as given (callers lowercase).
pub(super) fn within_one_edit(a: &str, b: &str) -> bool {
    if a.len().abs_diff(b.len()) > 4 {
        return false; // more than one character apart even in 4-byte UTF-8
    }
    if a.is_ascii() && b.is_ascii() {
        return one_edit(a.as_bytes(), b.as_bytes());
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    one_edit(&a, &b)
}

fn one_edit<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 1 {
        return false;
    }
    let p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if p == la && p == lb {
        return true;
    }
    let s = a[p..]
        .iter()
        .rev()
        .zip(b[p..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ra, rb) = (la - p - s, lb - p - s);
    match (ra, rb) {
        (1, 1) | (1, 0) | (0, 1) => true,
        (2, 2) => a[p] == b[p + 1] && a[p + 1] == b[p],
        _ => false,
    }
}

/// The words of an already lowercased text (no allocation).
fn words(text: &str) -> impl Iterator<Item = &str> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// How an asset matches a query with typos: the whole tag one edit away (best), or every typed
/// word a prefix of one of its words or one edit away from one (words with digits must match as
/// typed: 202 is not 201).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum FuzzyMatch {
    Tag,
    Words,
}

/// A query prepared once for matching every asset: lowercased, split into words, each marked
/// whether it may carry a typo.
pub(super) struct FuzzyQuery {
    whole: String,
    typed: Vec<(String, bool)>,
}

impl FuzzyQuery {
    pub(super) fn new(query: &str) -> Self {
        let whole = query.trim().to_lowercase();
        let typed = words(&whole)
            .map(|t| {
                let fuzzy =
                    t.chars().count() >= MIN_FUZZY_LEN && !t.chars().any(|c| c.is_ascii_digit());
                (t.to_string(), fuzzy)
            })
            .collect();
        FuzzyQuery { whole, typed }
    }

    /// `tag` and `text` lowercased by the caller.
    pub(super) fn matches(&self, tag: &str, text: &str) -> Option<FuzzyMatch> {
        if within_one_edit(&self.whole, tag) {
            return Some(FuzzyMatch::Tag);
        }
        if self.typed.is_empty() {
            return None;
        }
        self.typed
            .iter()
            .all(|(t, fuzzy)| {
                words(text).any(|h| h.starts_with(t.as_str()) || (*fuzzy && within_one_edit(t, h)))
            })
            .then_some(FuzzyMatch::Words)
    }
}

#[cfg(test)]
fn fuzzy_match(query: &str, tag: &str, text: &str) -> Option<FuzzyMatch> {
    FuzzyQuery::new(query).matches(&tag.to_lowercase(), &text.to_lowercase())
}

/// Does the text look like a work-order number someone typed (a digit, no spaces)?
fn looks_like_number(q: &str) -> bool {
    !q.is_empty() && q.len() <= 40 && q.chars().any(|c| c.is_ascii_digit()) && !q.contains(' ')
}

impl Store {
    /// Work orders whose number is `query` or starts with it (any case), exact first, newest
    /// first; empty for text that cannot be a number.
    pub fn find_work_orders(&self, query: &str, limit: usize) -> Result<Vec<WorkOrderSummary>> {
        let q = query.trim();
        if !looks_like_number(q) {
            return Ok(Vec::new());
        }
        let limit = i64::try_from(limit.clamp(1, 100)).unwrap_or(10);
        let upper = format!("{q}\u{10FFFF}");
        let rows = self
            .conn()
            .prepare_cached(&format!(
                "{SUMMARY_SELECT} WHERE w.number COLLATE NOCASE >= ?1
                   AND w.number COLLATE NOCASE < ?2
                 ORDER BY w.number COLLATE NOCASE = ?1 DESC, w.reported_at DESC LIMIT ?3"
            ))?
            .query_map(params![q, upper, limit], summary_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Asset rids (in tag order) matching `query` with at most one typo per word.
    pub(super) fn fuzzy_asset_rids(&self, query: &str, limit: usize) -> Result<Vec<i64>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT a.rid, lower(a.tag), lower(a.tag || ' ' || a.name || ' ' || coalesce(m.model, '')
                    || ' ' || coalesce(l.name, ''))
             FROM assets a
             LEFT JOIN locations l ON l.id = a.location_id
             LEFT JOIN asset_models m ON m.id = a.model_id
             ORDER BY a.tag",
        )?;
        let q = FuzzyQuery::new(query);
        let mut rows = stmt.query([])?;
        let mut found: Vec<(FuzzyMatch, i64)> = Vec::new();
        while let Some(r) = rows.next()? {
            let tag: String = r.get(1)?;
            let text: String = r.get(2)?;
            // SQLite's lower() folds ASCII only: fold the rest here (rarely needed).
            let (tag, text) = if text.is_ascii() {
                (tag, text)
            } else {
                (tag.to_lowercase(), text.to_lowercase())
            };
            if let Some(m) = q.matches(&tag, &text) {
                found.push((m, r.get(0)?));
            }
        }
        // Tags one edit away first, then word matches; each in tag order (a stable sort).
        found.sort_by_key(|(m, _)| *m);
        Ok(found.into_iter().take(limit).map(|(_, rid)| rid).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit_means_one_insert_delete_replace_or_swap() {
        assert!(within_one_edit("vdf-202", "vfd-202"), "swap");
        assert!(within_one_edit("compresor", "compressor"), "missing letter");
        assert!(within_one_edit("compressorr", "compressor"), "extra letter");
        assert!(
            within_one_edit("kompressor", "compressor"),
            "replaced letter"
        );
        assert!(within_one_edit("pump", "pump"));
        assert!(!within_one_edit("vdf-220", "vfd-202"), "two edits");
        assert!(!within_one_edit("pump", "pumps1"));
    }

    #[test]
    fn fuzzy_matching_takes_prefixes_and_one_typo_per_word() {
        let text = "CMP-101 Screw compressor 1 GA-37 Compressor room";
        let words = Some(FuzzyMatch::Words);
        assert_eq!(fuzzy_match("compresor", "CMP-101", text), words);
        assert_eq!(fuzzy_match("screw compresor", "CMP-101", text), words);
        assert_eq!(
            fuzzy_match("VDF-202", "VFD-202", "VFD-202 Drive"),
            Some(FuzzyMatch::Tag)
        );
        assert_eq!(
            fuzzy_match("VDF-202", "VFD-201", "VFD-201 Drive"),
            None,
            "202 is not 201"
        );
        assert_eq!(fuzzy_match("compresor valve", "CMP-101", text), None);
        assert_eq!(
            fuzzy_match("xy", "CMP-101", text),
            None,
            "short words need a prefix"
        );
    }

    #[test]
    fn only_number_like_text_is_looked_up_as_a_work_order() {
        assert!(looks_like_number("41851"));
        assert!(looks_like_number("WO-4185"));
        assert!(!looks_like_number("compressor"));
        assert!(!looks_like_number("oc1 trip"));
    }
}
