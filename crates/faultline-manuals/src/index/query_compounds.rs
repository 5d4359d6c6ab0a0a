//! Compounds in the query, so that "overcurrent", "over-current" and "over current" find each
//! other: two typed words side by side (or hyphenated) are also searched joined — the index has
//! the joined form of the pages' hyphenated pairs, and of course the closed words — and a typed
//! word that splits into two indexed words is also searched as that two-word phrase. Only
//! dictionary lookups and, when a split exists, one phrase query: cheap enough for every search.

use super::analyzers::QueryAnalyzers;
use super::compound::{is_hyphen_gap, is_word};
use super::error::Result;
use super::language::BodyLang;
use super::query_plan::{tokens, BodyWord, Builder, Mark};
use tantivy::query::{ConstScoreQuery, Occur, PhraseQuery, Query};
use tantivy::Term;

/// A typed word is tried as two words only from this many characters…
const SPLIT_MIN_CHARS: usize = 6;
/// …into parts of at least this many characters each ("set|point", not "o|verload").
const SPLIT_MIN_PART: usize = 3;

/// Whether two typed words separated by `gap` may be one compound written apart: a hyphen, or
/// white space only.
fn joinable(gap: &str) -> bool {
    is_hyphen_gap(gap) || (!gap.is_empty() && gap.chars().all(char::is_whitespace))
}

/// Where a glued model name splits into its letters and its number ("servo42c" → "servo" +
/// "42c", "skr13" → "skr" + "13"): two or more ASCII letters, then a digit and only ASCII
/// letters and digits, two or more of them. `None` for other words ("e3", "i2t", "a4988").
pub(crate) fn model_split(word: &str) -> Option<usize> {
    let letters = word.bytes().take_while(u8::is_ascii_alphabetic).count();
    let rest = word.get(letters..)?;
    let glued = letters >= 2
        && rest.len() >= 2
        && rest.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && rest.bytes().all(|b| b.is_ascii_alphanumeric());
    glued.then_some(letters)
}

/// Where a number typed with its unit splits ("40m" → "40" + "m", "24v", "5min", "230vac"):
/// one to five digits, then one to four ASCII letters. `None` for other words ("e3", "tmc2209",
/// "2a1b").
pub(crate) fn unit_split(word: &str) -> Option<usize> {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let unit = word.get(digits..)?;
    let quantity = (1..=5).contains(&digits)
        && (1..=4).contains(&unit.len())
        && unit.bytes().all(|b| b.is_ascii_alphabetic());
    quantity.then_some(digits)
}

/// Whether two typed words side by side are a model name written apart ("servo 42c",
/// "skr 13"): the first letters only, the second a number with letters or digits after it.
fn model_pair(first: &str, second: &str) -> bool {
    let joined = format!("{first}{second}");
    model_split(&joined) == Some(first.len())
}

/// Byte offsets at which `word` splits into two parts of at least [`SPLIT_MIN_PART`] chars.
pub(crate) fn split_points(word: &str) -> Vec<usize> {
    let chars = word.chars().count();
    if chars < SPLIT_MIN_CHARS || !is_word(word) {
        return Vec::new();
    }
    word.char_indices()
        .map(|(at, _)| at)
        .enumerate()
        .filter(|&(i, _)| i >= SPLIT_MIN_PART && chars - i >= SPLIT_MIN_PART)
        .map(|(_, at)| at)
        .collect()
}

/// The one stem `analyzers` makes of `word` in `lang`, or `None` (a stopword, or not one word).
fn single_stem(analyzers: &mut QueryAnalyzers, lang: BodyLang, word: &str) -> Option<String> {
    let mut stems = tokens(analyzers.stems_mut(lang), word);
    (stems.len() == 1).then(|| stems.swap_remove(0).1)
}

impl Builder<'_> {
    /// The joined forms of adjacent typed words and the phrase forms of split typed words, in the
    /// body field of `lang`. `words` are the query's content words in order.
    pub(super) fn add_compounds(
        &mut self,
        text: &str,
        lang: BodyLang,
        words: &[BodyWord],
        analyzers: &mut QueryAnalyzers,
    ) -> Result<()> {
        for pair in words.windows(2) {
            let (first, second) = (&pair[0], &pair[1]);
            let gap = text.get(first.end..second.offset).unwrap_or("");
            let both_words = is_word(&first.typed) && is_word(&second.typed);
            if joinable(gap) && (both_words || model_pair(&first.typed, &second.typed)) {
                let joined = format!("{}{}", first.typed, second.typed);
                if let Some(stem) = single_stem(analyzers, lang, &joined) {
                    self.add_typed_pair(lang, first, second, &stem, is_hyphen_gap(gap))?;
                }
            }
        }
        for word in words {
            self.add_splits(lang, word, analyzers)?;
        }
        Ok(())
    }

    /// Two typed words side by side ("over current", "over-current"): pages with the closed
    /// word (`joined`, a stem) score like pages with both words, and pages with the words side by
    /// side a little more than pages that merely have both. Only for a compound some page writes
    /// closed, or that was typed with a hyphen.
    fn add_typed_pair(
        &mut self,
        lang: BodyLang,
        first: &BodyWord,
        second: &BodyWord,
        joined: &str,
        hyphenated: bool,
    ) -> Result<()> {
        let field = self.fields.body[lang.index()];
        let df = |b: &Self, t: &str| b.searcher.doc_freq(&Term::from_field_text(field, t));
        let joined_df = df(self, joined)?;
        if joined_df == 0 && !hyphenated {
            return Ok(());
        }
        let (first_idf, second_idf) = (
            self.idf(df(self, &first.stem)?),
            self.idf(df(self, &second.stem)?),
        );
        let adjacent = self.w.adjacent * first_idf.min(second_idf);
        let key = first.offset as u32;
        if joined_df > 0 {
            // BM25 of the joined word, scaled from its own (high) idf to the pair's weight.
            let boost = (first_idf + second_idf + adjacent) / self.idf(joined_df);
            self.add_body(lang, joined, key, boost)?;
        }
        self.add_phrase(lang, &first.stem, &second.stem, key, adjacent)?;
        Ok(())
    }

    /// A typed word that splits into two indexed words ("overcurrent" → "over current"):
    /// pages with those words side by side score like one occurrence of the word itself.
    fn add_splits(
        &mut self,
        lang: BodyLang,
        word: &BodyWord,
        analyzers: &mut QueryAnalyzers,
    ) -> Result<()> {
        let field = self.fields.body[lang.index()];
        if let Some(at) = model_split(&word.typed) {
            // "servo42c" on a page that writes "SERVO 42C": the parts side by side count like
            // the word itself (or, when no page has it, like the rarer part).
            let (letters, number) = word.typed.split_at(at);
            let df = |t: &str| self.searcher.doc_freq(&Term::from_field_text(field, t));
            let (word_df, letters_df, number_df) = (df(&word.typed)?, df(letters)?, df(number)?);
            let reference_df = if word_df > 0 {
                word_df
            } else {
                letters_df.min(number_df)
            };
            let score = self.idf(reference_df);
            self.add_phrase(lang, letters, number, word.offset as u32, score)?;
        }
        if let Some(at) = unit_split(&word.typed) {
            // "40m" on a page that writes "40 m": the number and its unit side by side count
            // like the rarer of the two (no page writes the glued form, or hardly any).
            let (number, unit) = word.typed.split_at(at);
            let df = |t: &str| self.searcher.doc_freq(&Term::from_field_text(field, t));
            let score = self.idf(df(number)?.min(df(unit)?).max(df(&word.typed)?));
            self.add_phrase(lang, number, unit, word.offset as u32, score)?;
        }
        let points = split_points(&word.typed);
        if points.is_empty() {
            return Ok(());
        }
        let word_df = self
            .searcher
            .doc_freq(&Term::from_field_text(field, &word.stem))?;
        for at in points {
            let (head, tail) = word.typed.split_at(at);
            let stems = (
                single_stem(analyzers, lang, head),
                single_stem(analyzers, lang, tail),
            );
            if let (Some(head), Some(tail)) = stems {
                // When no page has the word itself, the more frequent part's weight stands in
                // (a conservative guess): words broken by text extraction ("control ler") or
                // rare fragments must not outrank the pages that have the word.
                let reference_df = if word_df > 0 {
                    word_df
                } else {
                    let df = |t: &str| self.searcher.doc_freq(&Term::from_field_text(field, t));
                    df(&head)?.max(df(&tail)?)
                };
                let score = self.idf(reference_df);
                self.add_phrase(lang, &head, &tail, word.offset as u32, score)?;
            }
        }
        Ok(())
    }

    /// Adds the two-word phrase `first second`, scoring `score` (a constant: the phrase stands
    /// for one word), when some page has both words; and both words to the snippet's
    /// highlights. Returns whether it was added.
    fn add_phrase(
        &mut self,
        lang: BodyLang,
        first: &str,
        second: &str,
        key: u32,
        score: f32,
    ) -> Result<bool> {
        let field = self.fields.body[lang.index()];
        let terms = [
            Term::from_field_text(field, first),
            Term::from_field_text(field, second),
        ];
        let mut dfs = [0; 2];
        for (df, term) in dfs.iter_mut().zip(&terms) {
            *df = self.searcher.doc_freq(term)?;
            if *df == 0 {
                return Ok(false);
            }
        }
        let phrase: Box<dyn Query> = Box::new(PhraseQuery::new(terms.to_vec()));
        self.clauses
            .push((Occur::Should, Box::new(ConstScoreQuery::new(phrase, score))));
        for (term, df) in [first, second].into_iter().zip(dfs) {
            self.highlight.body[lang.index()].push(Mark {
                term: term.to_string(),
                key,
                weight: self.idf(df) / 2.0,
            });
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_into_parts_of_three_characters_or_more() {
        let parts = |w: &str| -> Vec<(String, String)> {
            split_points(w)
                .into_iter()
                .map(|at| (w[..at].to_string(), w[at..].to_string()))
                .collect()
        };
        assert!(parts("over").is_empty());
        assert!(parts("e214abc").is_empty(), "not a word");
        assert_eq!(
            parts("setpoint"),
            [("set", "point"), ("setp", "oint"), ("setpo", "int")]
                .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        assert_eq!(parts("kühler").len(), 1);
    }

    #[test]
    fn glued_model_names_split_between_letters_and_number() {
        fn split(w: &str) -> Option<(&str, &str)> {
            model_split(w).map(|at| (&w[..at], &w[at..]))
        }
        assert_eq!(split("servo42c"), Some(("servo", "42c")));
        assert_eq!(split("skr13"), Some(("skr", "13")));
        assert_eq!(split("tmc2209"), Some(("tmc", "2209")));
        assert_eq!(split("e3"), None, "one letter");
        assert_eq!(split("i2t"), None, "one letter");
        assert_eq!(split("esp3"), None, "one digit");
        assert_eq!(split("servo"), None);
        assert_eq!(split("2209"), None);
        assert_eq!(split("servo42c-x"), None);
        assert_eq!(split("kühler12"), None);
        assert!(model_pair("servo", "42c"));
        assert!(model_pair("skr", "13"));
        assert!(!model_pair("servo", "motor"));
        assert!(!model_pair("e", "3"));
    }

    #[test]
    fn numbers_typed_with_their_unit_split_before_the_unit() {
        fn split(w: &str) -> Option<(&str, &str)> {
            unit_split(w).map(|at| (&w[..at], &w[at..]))
        }
        assert_eq!(split("40m"), Some(("40", "m")));
        assert_eq!(split("24v"), Some(("24", "v")));
        assert_eq!(split("5min"), Some(("5", "min")));
        assert_eq!(split("230vac"), Some(("230", "vac")));
        assert_eq!(split("40"), None, "no unit");
        assert_eq!(split("m40"), None);
        assert_eq!(split("2a1b"), None);
        assert_eq!(split("10metres"), None, "a unit is short");
        assert_eq!(split("123456v"), None, "a quantity is short");
    }

    proptest::proptest! {
        #[test]
        fn a_model_split_rejoins_to_the_word(word in "[a-zA-Z0-9ä-]{0,12}") {
            if let Some(at) = model_split(&word) {
                let (letters, number) = word.split_at(at);
                proptest::prop_assert!(letters.len() >= 2 && number.len() >= 2);
                proptest::prop_assert!(letters.bytes().all(|b| b.is_ascii_alphabetic()));
                proptest::prop_assert!(number.as_bytes()[0].is_ascii_digit());
                proptest::prop_assert!(model_pair(letters, number));
            }
        }
    }

    #[test]
    fn a_hyphen_or_spaces_join_other_punctuation_does_not() {
        assert!(joinable("-"));
        assert!(joinable(" "));
        assert!(joinable("  \t"));
        assert!(!joinable(""));
        assert!(!joinable(", "));
        assert!(!joinable(" - "));
        assert!(!joinable("/"));
    }
}
