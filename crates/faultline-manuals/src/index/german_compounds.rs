//! German compounds at query time, against the index's own German vocabulary. German writes
//! compounds closed ("Rohrleitungslänge", "Ventilart", "Festsitzschutz") and a technician types
//! a part of one or another compound of the same parts ("ventil", "rohrlänge"); stemming does
//! not bridge that. No word list is needed: the parts are looked up among the terms of the German
//! body field itself, so it works on any German manual. Two term-dictionary walks, each bounded
//! by a prefix (cheap, like a prefix completion):
//! - **a typed word as the first part** of longer compounds: the indexed terms `word + rest` where
//!   `rest`, after an optional linking element ("s", "es", "n", "en"), is itself an indexed term
//!   of at least [`MIN_PART_CHARS`] characters — "ventil" → "ventilart", "ventilzustand"; not
//!   "ventile" or "ventils", which are inflections (and stemming's job);
//! - **a typed compound of two indexed parts** as the frame of longer ones: the terms that start
//!   with the first part and end with the last — "rohrlänge" (rohr + länge) →
//!   "rohrleitungslänge".
//!
//! The terms found are searched in the German body at the `compound_part` ranking weight, keyed
//! to the typed word (so coverage counts them as that word). A typed word's last part as the
//! head of longer compounds ("ventil" → "stellventil") would need a walk over the whole
//! dictionary (no prefix bounds it) and is left out to keep the latency.

use super::error::Result;
use super::expand::terms_starting;
use super::language::BodyLang;
use super::query_plan::{BodyWord, Builder};
use tantivy::Term;

/// Linking elements (Fugenelemente) that may join two parts, "" first.
const LINKERS: [&str; 5] = ["", "s", "es", "n", "en"];
/// A part of a compound has at least this many characters ("art", "hub").
const MIN_PART_CHARS: usize = 3;
/// A typed word is taken as a first part from this many characters ("rohr", not "aus")…
const MIN_FIRST_CHARS: usize = 4;
/// …and as a compound of two parts from this many.
const MIN_COMPOUND_CHARS: usize = 8;
/// At most this many dictionary terms are read per walk (a common prefix stays cheap).
const MAX_SCAN: usize = 400;
/// At most this many compounds are searched per typed word, the most frequent first.
const MAX_EXPANSIONS: usize = 6;
/// At most this many terms of a first-part walk are checked for a second part (a few term
/// lookups each), the most frequent first: a common first part stays cheap on a large index.
const MAX_CHECKS: usize = 64;

/// Whether `rest`, the remainder of a term after a typed first part, is another word: after an
/// optional linking element, at least [`MIN_PART_CHARS`] characters that `is_term` knows.
pub(crate) fn is_second_part(
    rest: &str,
    is_term: &mut impl FnMut(&str) -> Result<bool>,
) -> Result<bool> {
    for linker in LINKERS {
        if let Some(part) = rest.strip_prefix(linker) {
            if part.chars().count() >= MIN_PART_CHARS && is_term(part)? {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// The ways `word` splits into two parts `is_term` knows, each of at least
/// [`MIN_PART_CHARS`] characters, the first possibly ending in a linking element:
/// `(first part as typed, with its linker, last part)`, the longest last part first.
pub(crate) fn two_part_splits(
    word: &str,
    is_term: &mut impl FnMut(&str) -> Result<bool>,
) -> Result<Vec<(String, String)>> {
    let chars = word.chars().count();
    let mut out = Vec::new();
    if chars < MIN_COMPOUND_CHARS || !word.chars().all(char::is_alphabetic) {
        return Ok(out);
    }
    for (i, (at, _)) in word.char_indices().enumerate() {
        if i < MIN_PART_CHARS || chars - i < MIN_PART_CHARS {
            continue;
        }
        let (first, last) = word.split_at(at);
        if !is_term(last)? {
            continue;
        }
        for linker in LINKERS {
            let Some(stem) = first.strip_suffix(linker) else {
                continue;
            };
            if stem.chars().count() >= MIN_PART_CHARS && is_term(stem)? {
                out.push((first.to_string(), last.to_string()));
                break;
            }
        }
    }
    Ok(out)
}

impl Builder<'_> {
    /// The German compounds of a typed word (see the module comment), searched in the German
    /// body at the `compound_part` weight.
    pub(super) fn add_german_compounds(&mut self, lang: BodyLang, word: &BodyWord) -> Result<()> {
        if lang != BodyLang::De || self.w.compound_part <= 0.0 {
            return Ok(());
        }
        let typed = word.typed.as_str();
        if typed.chars().count() < MIN_FIRST_CHARS || !typed.chars().all(char::is_alphabetic) {
            return Ok(());
        }
        let field = self.fields.body[lang.index()];
        let searcher = self.searcher;
        let mut is_term = |t: &str| -> Result<bool> {
            Ok(searcher.doc_freq(&Term::from_field_text(field, t))? > 0)
        };
        let mut found: Vec<(String, u64)> = Vec::new();
        if is_term(typed)? {
            let mut candidates = terms_starting(searcher, field, typed, MAX_SCAN)?;
            candidates.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let mut compounds = 0;
            for (term, df) in candidates.into_iter().take(MAX_CHECKS) {
                let rest = term.get(typed.len()..).unwrap_or("");
                if is_second_part(rest, &mut is_term)? {
                    found.push((term, df));
                    compounds += 1;
                    if compounds == MAX_EXPANSIONS {
                        break;
                    }
                }
            }
        }
        for (first, last) in two_part_splits(typed, &mut is_term)? {
            for (term, df) in terms_starting(searcher, field, &first, MAX_SCAN)? {
                if term.len() > typed.len() && term.ends_with(last.as_str()) {
                    found.push((term, df));
                }
            }
        }
        found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        found.dedup_by(|a, b| a.0 == b.0);
        let boost = self.w.compound_part;
        for (term, _) in found.into_iter().take(MAX_EXPANSIONS) {
            if term != word.stem && term != word.typed {
                self.add_body(lang, &term, word.offset as u32, boost)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(words: &'static [&'static str]) -> impl FnMut(&str) -> Result<bool> {
        move |t: &str| Ok(words.contains(&t))
    }

    #[test]
    fn a_word_after_the_typed_part_makes_a_compound_an_inflection_does_not() -> Result<()> {
        let mut is_term = known(&["art", "zustand", "schutz"]);
        assert!(is_second_part("art", &mut is_term)?);
        assert!(is_second_part("szustand", &mut is_term)?, "linking s");
        assert!(is_second_part("enschutz", &mut is_term)?, "linking en");
        assert!(!is_second_part("e", &mut is_term)?);
        assert!(!is_second_part("s", &mut is_term)?);
        assert!(!is_second_part("en", &mut is_term)?);
        assert!(!is_second_part("hub", &mut is_term)?, "not a known word");
        Ok(())
    }

    #[test]
    fn a_typed_compound_splits_into_known_parts_with_or_without_a_linker() -> Result<()> {
        let mut is_term = known(&["rohr", "lange", "leitung", "heizung", "aktor"]);
        assert_eq!(
            two_part_splits("rohrlange", &mut is_term)?,
            [("rohr".to_string(), "lange".to_string())]
        );
        assert_eq!(
            two_part_splits("heizungsaktor", &mut is_term)?,
            [("heizungs".to_string(), "aktor".to_string())]
        );
        assert!(
            two_part_splits("rohr", &mut is_term)?.is_empty(),
            "too short"
        );
        assert!(
            two_part_splits("rohrlange2", &mut is_term)?.is_empty(),
            "not a word"
        );
        assert!(
            two_part_splits("kabellange", &mut is_term)?.is_empty(),
            "kabel unknown"
        );
        Ok(())
    }
}
