//! Version numbers typed with or without their "v": a technician types "skr 1.4" or "mini e3
//! 2.0" for the manual whose model is "SKR V1.4" / "V2.0", or "v1.4" where the title writes
//! "1.4". The `meta` tokenizer cuts "V1.4" into "v1" and "4" (and "SKRV1.3" into "skrv1" and
//! "3"), so a typed version (digits, a dot, digits; "v" in front or not) is searched in `meta`
//! as all of its parts on one manual (the field keeps no positions: a title or model list that
//! has them all), the first part as typed, with or without the "v", or glued to a model word's
//! letters ("skrv1"). A match scopes the search to that manual like an exact model
//! word; when the letters glued to the version are the typed word just before it ("skr 1.3" ~
//! "SKRV1.3"), the match also stands for that word. A version typed glued to a model word's
//! letters ("skr1.4", "skrv1.3"; two letters or more, a first part of one or two digits) needs
//! those letters on the same manual, glued ("SKRV1.3") or as a word ("SKR V1.4"), and stands
//! for both. Dictionary lookups and a scan of the terms ending in the version's first part, only
//! when a version is typed.

use super::error::Result;
use super::query_plan::Builder;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

/// A version number in the typed text: where it is (bytes, the glued letters included), the
/// model word's letters typed glued to it ("skr" for "skr1.4" or "skrv1.4", lowercase; empty
/// when it stands alone), its first part with the "v" dropped ("1" for "v1.4"), its other
/// parts, and the byte offsets of the words the `meta` tokenizer makes of it ("v1", "4").
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TypedVersion {
    pub offset: usize,
    pub end: usize,
    pub letters: String,
    pub major: String,
    pub rest: Vec<String>,
    pub word_offsets: Vec<usize>,
}

/// Most digits of a version's first part glued to letters: "skr1.4" is a version, "tmc2209.1"
/// a product number.
const GLUED_MAJOR_DIGITS: usize = 2;

/// The version numbers in `text`: an optional "v" or "V", then digits, then one or more ".digits",
/// standing alone (no letter or digit just before, none just after: "e3.0x" is not one; a
/// trailing full stop is punctuation), or glued to a model word's ASCII letters ("skr1.4",
/// "skrv1.4"; a first part of at most two digits then).
pub(crate) fn typed_versions(text: &str) -> Vec<TypedVersion> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if i > 0 && is_word_byte(bytes[i - 1]) {
            i += 1;
            continue;
        }
        let run = bytes[i..]
            .iter()
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        // The letters glued before the number, without a "v" that belongs to the version.
        let next_is_digit = bytes.get(i + run).is_some_and(u8::is_ascii_digit);
        let letters_end = if run > 0 && next_is_digit && matches!(bytes[i + run - 1], b'v' | b'V') {
            i + run - 1
        } else {
            i + run
        };
        // One glued letter is an axis or a unit ("x1.5"), not a model word.
        if !next_is_digit || letters_end - i == 1 {
            i += 1;
            continue;
        }
        let letters = text[i..letters_end].to_ascii_lowercase();
        let digits_from = i + run;
        let mut parts: Vec<(usize, usize)> = Vec::new();
        let mut at = digits_from;
        loop {
            let from = at;
            while at < bytes.len() && bytes[at].is_ascii_digit() {
                at += 1;
            }
            if at == from {
                break;
            }
            parts.push((from, at));
            let dot_then_digit =
                at + 1 < bytes.len() && bytes[at] == b'.' && bytes[at + 1].is_ascii_digit();
            if !dot_then_digit {
                break;
            }
            at += 1;
        }
        let ends_word = at == bytes.len() || !is_word_byte(bytes[at]);
        let major_fits = letters.is_empty()
            || parts
                .first()
                .is_some_and(|(from, to)| to - from <= GLUED_MAJOR_DIGITS);
        if parts.len() >= 2 && ends_word && major_fits {
            let part = |&(from, to): &(usize, usize)| text[from..to].to_string();
            out.push(TypedVersion {
                offset: i,
                end: at,
                letters,
                major: part(&parts[0]),
                rest: parts[1..].iter().map(part).collect(),
                word_offsets: std::iter::once(i)
                    .chain(parts[1..].iter().map(|p| p.0))
                    .collect(),
            });
            i = at;
        } else {
            // Skip the rest of this word.
            i = at.max(i + 1);
            while i < bytes.len() && is_word_byte(bytes[i]) {
                i += 1;
            }
        }
    }
    out
}

/// A byte that belongs to a word for the `meta` tokenizer (ASCII letters and digits, and any
/// byte of a non-ASCII character, which is taken as a letter here).
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || !b.is_ascii()
}

/// Whether `term`, a `meta` term, can be a version's first part `major`: the number itself,
/// "v" and the number, or a model word's letters glued to "v" and the number ("skrv1"). Returns
/// the glued letters ("skr"; empty for "1" and "v1").
fn glued_letters<'t>(term: &'t str, major: &str) -> Option<&'t str> {
    if term == major {
        return Some("");
    }
    let letters = term.strip_suffix(major)?.strip_suffix('v')?;
    letters
        .bytes()
        .all(|b| b.is_ascii_lowercase())
        .then_some(letters)
}

impl Builder<'_> {
    /// Typed version numbers ("1.4", "v2.0") against the manuals' titles and models (see the
    /// module comment); `typed` are the `meta` tokenizer's words of the text (offset, end,
    /// word). The words of a version found, and a typed word its glued letters stand for,
    /// become model words. Returns the offsets of the words of the versions found.
    pub(super) fn add_version_numbers(
        &mut self,
        text: &str,
        typed: &[(usize, usize, String)],
    ) -> Result<Vec<usize>> {
        let mut covered = Vec::new();
        if self.w.meta <= 0.0 {
            return Ok(covered);
        }
        for version in typed_versions(text) {
            let field = self.fields.meta;
            let mut rest_terms = Vec::new();
            for part in &version.rest {
                let term = Term::from_field_text(field, part);
                if self.searcher.doc_freq(&term)? == 0 {
                    break;
                }
                rest_terms.push(term);
            }
            if rest_terms.len() != version.rest.len() {
                continue;
            }
            // The typed word just before the version ("skr" in "skr 1.3"), if only spaces or
            // one hyphen apart.
            let before = typed
                .iter()
                .rev()
                .find(|(_, end, _)| *end <= version.offset)
                .filter(|(_, end, _)| {
                    let gap = text.get(*end..version.offset).unwrap_or("");
                    !gap.is_empty()
                        && gap.chars().all(|c| c.is_whitespace() || c == '-')
                        && gap.chars().filter(|&c| c == '-').count() <= 1
                });
            let mut found = false;
            // Letters typed glued to the version ("skr1.4") must be the manual's too: glued to
            // its version ("SKRV1.4") or a word of their own ("SKR V1.4").
            let typed_letters = (!version.letters.is_empty())
                .then(|| Term::from_field_text(field, &version.letters));
            for (term, df) in self.major_terms(&version.major)? {
                let letters = glued_letters(&term, &version.major).unwrap_or("");
                let mut terms = vec![Term::from_field_text(field, &term)];
                match &typed_letters {
                    Some(typed) if letters.is_empty() => terms.push(typed.clone()),
                    Some(_) if letters != version.letters => continue,
                    _ => {}
                }
                let covers_before = typed_letters.is_none()
                    && !letters.is_empty()
                    && before.is_some_and(|(_, _, word)| word.as_str() == letters);
                terms.extend(rest_terms.iter().cloned());
                let all: Box<dyn Query> = Box::new(BooleanQuery::intersection(
                    terms
                        .into_iter()
                        .map(|t| -> Box<dyn Query> {
                            Box::new(TermQuery::new(t, IndexRecordOption::Basic))
                        })
                        .collect(),
                ));
                // Like an exact model word (BM25's idf at the manual's page count), once more
                // for the model word the letters stand for (typed before it or glued to it).
                let words = if covers_before || typed_letters.is_some() {
                    2.0
                } else {
                    1.0
                };
                let score = self.w.meta * self.idf(df) * words;
                self.clauses
                    .push((Occur::Should, Box::new(ConstScoreQuery::new(all, score))));
                if covers_before {
                    if let Some((offset, _, _)) = before {
                        self.mark_model_word(*offset);
                    }
                }
                found = true;
            }
            if found {
                for offset in &version.word_offsets {
                    self.mark_model_word(*offset);
                }
                covered.extend(&version.word_offsets);
            }
        }
        Ok(covered)
    }

    /// The `meta` terms that can be the first part of a version whose number is `major`
    /// ([`glued_letters`]), with their document frequencies.
    fn major_terms(&self, major: &str) -> Result<Vec<(String, u64)>> {
        let field = self.fields.meta;
        let mut found: Vec<(String, u64)> = Vec::new();
        for segment in self.searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted
                .terms()
                .stream()
                .map_err(tantivy::TantivyError::from)?;
            while stream.advance() {
                let Ok(term) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                if glued_letters(term, major).is_none() {
                    continue;
                }
                let df = u64::from(stream.value().doc_freq);
                match found.iter_mut().find(|(t, _)| t == term) {
                    Some((_, total)) => *total += df,
                    None => found.push((term.to_string(), df)),
                }
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, Vec<String>, Vec<usize>)> {
        typed_versions(text)
            .into_iter()
            .map(|v| (v.major, v.rest, v.word_offsets))
            .collect()
    }

    fn strings(s: &[&str]) -> Vec<String> {
        s.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn a_version_is_digits_and_dotted_digits_with_or_without_a_v() {
        assert_eq!(
            found("skr 1.4 firmware"),
            [("1".to_string(), strings(&["4"]), vec![4, 6])]
        );
        assert_eq!(
            found("mini e3 V2.0"),
            [("2".to_string(), strings(&["0"]), vec![8, 11])]
        );
        assert_eq!(
            found("fw 1.2.3."),
            [("1".to_string(), strings(&["2", "3"]), vec![3, 5, 7])]
        );
    }

    #[test]
    fn a_version_glued_to_a_model_word_keeps_its_letters() {
        let glued = |text: &str| {
            typed_versions(text)
                .into_iter()
                .map(|v| (v.letters, v.major, v.rest, v.offset))
                .collect::<Vec<_>>()
        };
        let one = |letters: &str, major: &str, rest: &[&str], offset| {
            vec![(
                letters.to_string(),
                major.to_string(),
                strings(rest),
                offset,
            )]
        };
        assert_eq!(glued("skr1.4 endstop"), one("skr", "1", &["4"], 0));
        assert_eq!(glued("endstop SKRv1.4"), one("skr", "1", &["4"], 8));
        assert_eq!(glued("mini e3v2.0"), vec![], "digits before the v");
        assert_eq!(glued("tmc2209.1"), vec![], "a product number");
        assert_eq!(glued("x1.5 mm"), vec![], "one letter: an axis");
    }

    #[test]
    fn other_numbers_and_words_are_no_version() {
        for text in [
            "skr 14",
            "e3.0x",
            "tmc2209.1",
            "1.",
            "v1",
            "vv1.2",
            "x1.5y",
            "1,5 mm",
            "kühler1.2",
        ] {
            assert!(found(text).is_empty(), "{text}: {:?}", found(text));
        }
    }

    #[test]
    fn a_glued_first_part_is_letters_then_v_then_the_number() {
        assert_eq!(glued_letters("1", "1"), Some(""));
        assert_eq!(glued_letters("v1", "1"), Some(""));
        assert_eq!(glued_letters("skrv1", "1"), Some("skr"));
        assert_eq!(glued_letters("skrv11", "1"), None);
        assert_eq!(glued_letters("e1", "1"), None, "no v");
        assert_eq!(glued_letters("tmc2209v1", "1"), None, "digits before the v");
        assert_eq!(glued_letters("21", "1"), None);
    }

    /// Whether `s` is a version's shape: an optional "v", digits, then one or more ".digits".
    fn version_shaped(s: &str) -> bool {
        let digits = s.strip_prefix(['v', 'V']).unwrap_or(s);
        let parts: Vec<&str> = digits.split('.').collect();
        parts.len() >= 2
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    }

    proptest::proptest! {
        /// Typed text of digits, dots, "v", words, hyphens, spaces and umlauts: no panic; each
        /// version found is version-shaped, stands alone (no word byte just before or after),
        /// has its parts as typed, and its word offsets inside it in order; a text that is one
        /// version is found whole.
        #[test]
        fn every_version_found_is_one_that_stands_alone(
            parts in proptest::collection::vec(
                "[0-9]{1,3}|[vV]|[.]|[ ]|[-]|skr|e3|ü|x|[0-9]\\.[0-9]",
                0..12,
            )
        ) {
            let text = parts.concat();
            let bytes = text.as_bytes();
            for v in typed_versions(&text) {
                let glued = &text[v.offset..v.end];
                proptest::prop_assert!(v.letters.is_empty() || v.letters.len() >= 2);
                proptest::prop_assert_eq!(glued.get(..v.letters.len()).map(str::to_ascii_lowercase), Some(v.letters.clone()));
                let own = &glued[v.letters.len()..];
                proptest::prop_assert!(version_shaped(own), "{:?} in {:?}", own, text);
                proptest::prop_assert!(v.offset == 0 || !is_word_byte(bytes[v.offset - 1]));
                proptest::prop_assert!(v.end == bytes.len() || !is_word_byte(bytes[v.end]));
                let digits = own.strip_prefix(['v', 'V']).unwrap_or(own);
                let typed: Vec<String> = digits.split('.').map(str::to_string).collect();
                proptest::prop_assert_eq!(&typed[0], &v.major);
                proptest::prop_assert_eq!(&typed[1..], v.rest.as_slice());
                proptest::prop_assert!(v.word_offsets.windows(2).all(|w| w[0] < w[1]));
                proptest::prop_assert!(v.word_offsets.iter().all(|&o| o >= v.offset && o < v.end));
            }
            if version_shaped(&text) {
                let found = typed_versions(&text);
                proptest::prop_assert_eq!(found.len(), 1, "{:?}", text);
                proptest::prop_assert_eq!((found[0].offset, found[0].end), (0, text.len()));
            }
        }
    }
}
