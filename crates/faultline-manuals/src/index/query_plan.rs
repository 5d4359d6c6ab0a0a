//! Turns what the technician typed into a tantivy query, without ever parsing it as query
//! syntax: the text only goes through the same analyzers as the pages. The query is one flat
//! union of term queries (so tantivy can prune with block-max WAND):
//! - fault codes found by the code tokenizer, boosted as one signal among others, plus a bonus
//!   for the spelling as typed and the hexadecimal reading of display codes ("E02F" → "0x2f",
//!   the manual's "2Fh");
//! - every word in every body language's analyzer: its stem, scored by BM25, and the word as
//!   typed, weakly (pages with the exact form rank a little higher);
//! - for a word no page contains (or only a handful do, at least two), its typo neighbours: edit distance 1
//!   for words of 5+ characters, 2 for 9+;
//! - for the last word, unless followed by a space, the most frequent words it starts;
//! - compounds (`query_compounds`): two typed words joined ("over current", "over-current" →
//!   "overcurrent"), and a typed word split into two indexed words matched as a phrase
//!   ("overcurrent" → "over current");
//! - German compounds (`german_compounds`): a typed word as the first part of the German pages'
//!   compounds ("ventil" → "ventilart"), a typed compound's parts around others ("rohrlänge" →
//!   "rohrleitungslänge"), found in the index's own German vocabulary;
//! - every word against the manual's title, manufacturer and models (a word of 4+ characters
//!   also as the start of one: "cmmo" → "CMMOSTC51LKP"): a word that names a manual scopes the
//!   search to it, and weighs less as page evidence (every page of that manual has it); a
//!   version number typed with or without its "v" ("skr 1.4" ~ "SKR V1.4"), `query_versions`;
//! - neighbouring words as sloppy phrases (`proximity`), and the synonym table's manual words
//!   for colloquial ones (`synonyms`); colloquial filler
//!   ("wont", "cant") is not searched;
//! - a word several languages' dictionaries hold weighs less (`foreign_stem`) in a language
//!   where it is only the stem of longer words (`word_forms`: "ventil" in English pages);
//! - single letters only as axis names, beside a number, an axis word or another axis letter.
//!
//! It also keeps, per field, the terms it searched for, which the snippet highlights.

use super::analyzers::QueryAnalyzers;
use super::code_normalize::display_hex_alternate;
use super::code_tokenizer::scan_codes;
use super::error::Result;
use super::expand;
use super::language::BodyLang;
use super::schema::Fields;
use super::synonyms;
use super::weights::RankWeights;
use super::word_forms;
use std::collections::HashMap;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

/// Only this much of the typed text is used (a paste of a whole paragraph stays fast).
const MAX_QUERY_BYTES: usize = 256;
/// A typed word that names no manual exactly is tried as the start of a title or model word
/// from this many characters ("cmmo" → "cmmostc51lkp").
const META_PREFIX_MIN_CHARS: usize = 4;
const FUZZY_MAX_EXPANSIONS: usize = 6;
const PREFIX_MAX_EXPANSIONS: usize = 8;
/// Words of at least this many characters get typo tolerance (distance 1)…
const FUZZY_MIN_CHARS_1: usize = 5;
/// …and of at least this many, distance 2.
const FUZZY_MIN_CHARS_2: usize = 9;
/// A word of this many characters (up to `FUZZY_MIN_CHARS_1`) that no page has gets its
/// neighbours at distance 1 too, at the `fuzzy_short` share of `fuzzy1`; at most this many.
const FUZZY_MIN_CHARS_SHORT: usize = 3;
const FUZZY_SHORT_MAX_EXPANSIONS: usize = 3;
/// Marks a short word's neighbour among the expansions (weighted apart from distance 1).
const SHORT_DISTANCE: u8 = u8::MAX;
/// A prefix completion needs at least this many characters typed.
const PREFIX_MIN_CHARS: usize = 3;
/// A word found on more than `num_docs / RARE_DIVISOR` pages (at least one) is taken as spelt
/// right and not expanded.
const RARE_DIVISOR: u64 = 5_000;
/// …but a word on at most this many pages is always expanded too: a typo can be a real word
/// elsewhere ("breaking" for "braking") or a stray token of text extraction.
const RARE_MIN_PAGES: u64 = 2;

/// A term the snippet should highlight, with its share of a passage's score.
#[derive(Debug, Clone)]
pub(crate) struct Mark {
    pub term: String,
    /// The typed word or code it comes from: a passage scores each key once.
    pub key: u32,
    pub weight: f32,
}

/// The terms searched for, per field, for highlighting.
#[derive(Debug, Default)]
pub(crate) struct HighlightTerms {
    /// Indexed by `BodyLang::index()`.
    pub body: [Vec<Mark>; 6],
    pub code: Vec<Mark>,
}

pub(crate) struct QueryPlan {
    /// `None` when the text holds nothing searchable (only punctuation, or only unknown words).
    pub query: Option<Box<dyn Query>>,
    pub highlight: HighlightTerms,
    /// Keys (offsets) of the typed words that name a manual.
    pub model_words: Vec<u32>,
}

/// One typed word (keyed by its offset in the text): length in characters, and whether the
/// text ends right after it (the technician may still be typing it).
struct Word {
    chars: usize,
    at_end: bool,
}

/// A word of the query in one body language: where it is in the text (bytes), its stem and its
/// form as typed.
pub(super) struct BodyWord {
    pub offset: usize,
    pub end: usize,
    pub stem: String,
    pub typed: String,
}

/// The query's words per body language, and each word's total document frequency (by key).
struct BodyWords {
    per_lang: Vec<(BodyLang, Vec<BodyWord>)>,
    doc_freq: HashMap<u32, u64>,
}

pub(super) struct Builder<'a> {
    pub searcher: &'a Searcher,
    pub fields: &'a Fields,
    pub clauses: Vec<(Occur, Box<dyn Query>)>,
    pub highlight: HighlightTerms,
    pub num_docs: u64,
    /// The weights of the signals (see `weights`).
    pub w: &'a RankWeights,
    /// Offsets of the typed words that name a manual (found in some manual's title,
    /// manufacturer or models): they scope the search to that manual through `meta` and weigh
    /// less as page evidence, since every page of the manual has them.
    pub model_words: Vec<usize>,
}

/// Cuts `text` to at most `MAX_QUERY_BYTES` on a char boundary.
fn clip(text: &str) -> &str {
    if text.len() <= MAX_QUERY_BYTES {
        return text;
    }
    let mut end = MAX_QUERY_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// `(offset_from, term)` of every token `analyzer` makes of `text`.
pub(super) fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    spans(analyzer, text)
        .into_iter()
        .map(|(from, _, term)| (from, term))
        .collect()
}

/// `(offset_from, offset_to, term)` of every token `analyzer` makes of `text`.
fn spans(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(t) = stream.next() {
        out.push((t.offset_from, t.offset_to, t.text.clone()));
    }
    out
}

impl Builder<'_> {
    /// Adds a term query (when some page has the term and its weight is not 0) and returns its
    /// document frequency.
    fn add(&mut self, field: Field, text: &str, boost: f32) -> Result<u64> {
        let term = Term::from_field_text(field, text);
        let df = self.searcher.doc_freq(&term)?;
        if df > 0 && boost > 0.0 {
            let q: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
            let q = if (boost - 1.0).abs() > f32::EPSILON {
                Box::new(BoostQuery::new(q, boost))
            } else {
                q
            };
            self.clauses.push((Occur::Should, q));
        }
        Ok(df)
    }

    /// Records the typed word at `offset` as naming a manual (once).
    pub(super) fn mark_model_word(&mut self, offset: usize) {
        if !self.model_words.contains(&offset) {
            self.model_words.push(offset);
        }
    }

    pub(super) fn idf(&self, df: u64) -> f32 {
        (1.0 + self.num_docs as f32 / df.max(1) as f32).ln()
    }

    /// Adds a body term to the query and to the snippet's highlights, and the same term in the
    /// page's heading lines at the `head_expanded` share of `boost` (BM25F: a page that titles
    /// the word gets both).
    pub(super) fn add_body(
        &mut self,
        lang: BodyLang,
        term: &str,
        key: u32,
        boost: f32,
    ) -> Result<u64> {
        self.add_body_and_head(lang, term, key, boost, self.w.head_expanded)
    }

    /// [`Builder::add_body`] with the heading field at `head_share` of `boost`.
    pub(super) fn add_body_and_head(
        &mut self,
        lang: BodyLang,
        term: &str,
        key: u32,
        boost: f32,
        head_share: f32,
    ) -> Result<u64> {
        let df = self.add(self.fields.body[lang.index()], term, boost)?;
        if df > 0 && head_share > 0.0 {
            self.add(self.fields.head[lang.index()], term, boost * head_share)?;
        }
        if df > 0 {
            let weight = boost * self.idf(df);
            self.highlight.body[lang.index()].push(Mark {
                term: term.to_string(),
                key,
                weight,
            });
        }
        Ok(df)
    }

    /// Fault codes. The forms of one code share its offset, hence its key: the canonical forms
    /// strongly, the spelling as typed a little more (pages that write the code the same way
    /// first), and for a display code ("E02F") its hexadecimal reading ("2Fh").
    fn add_codes(&mut self, text: &str) -> Result<()> {
        let mut codes: Vec<(usize, String, f32)> = Vec::new();
        let w = self.w.clone();
        scan_codes(text, |start, _, forms| {
            let alternate = display_hex_alternate(&forms.full);
            codes.push((start, forms.full, w.code));
            codes.extend(forms.core.map(|c| (start, c, w.code)));
            codes.extend(forms.literal.map(|l| (start, l, w.literal)));
            codes.extend(alternate.map(|h| (start, h, w.hex_alternate)));
        });
        let mut seen: Vec<&str> = Vec::new();
        for (offset, term, boost) in &codes {
            if seen.contains(&term.as_str()) {
                continue;
            }
            seen.push(term);
            let boost = if self.model_words.contains(offset) {
                boost * w.model_word_share
            } else {
                *boost
            };
            let df = self.add(self.fields.code, term, boost)?;
            let weight = 3.0 * boost / w.code.max(f32::EPSILON) * self.idf(df);
            self.highlight.code.push(Mark {
                term: term.clone(),
                key: *offset as u32,
                weight,
            });
        }
        Ok(())
    }

    /// The typed words (unstemmed), also searched in the title, manufacturer and models.
    fn add_meta_words(
        &mut self,
        text: &str,
        analyzer: &mut TextAnalyzer,
    ) -> Result<HashMap<u32, Word>> {
        let ends_open = text.trim_end().len() == text.len();
        let mut words = HashMap::new();
        let typed = spans(analyzer, text);
        self.add_split_model_names(text, &typed)?;
        // The words of a version found in `meta` ("v1", "4" of "v1.4") are searched as that
        // version only: "v1" alone would name every manual of some V1.x.
        let version_words = self.add_version_numbers(text, &typed)?;
        for (offset, _, word) in typed {
            let chars = word.chars().count();
            let len: usize = text[offset..]
                .chars()
                .take_while(|c| c.is_alphanumeric())
                .map(char::len_utf8)
                .sum();
            let at_end = ends_open && offset + len == text.len();
            words.insert(offset as u32, Word { chars, at_end });
            if chars >= 2 && !version_words.contains(&offset) {
                let boost = self.w.meta;
                let mut df = self.add(self.fields.meta, &word, boost)?;
                if df == 0 && chars >= META_PREFIX_MIN_CHARS {
                    // "cmmo" names the manual titled "CMMOSTC51LKP overview".
                    for e in expand::prefix(self.searcher, self.fields.meta, &word, 2)? {
                        df += self.add(self.fields.meta, &e.term, boost)?;
                    }
                }
                if df == 0 {
                    // "servo42c" names the manual of the "SERVO 42C".
                    df += self.add_glued_model_name(&word, boost)?;
                }
                if df > 0 {
                    self.mark_model_word(offset);
                }
            }
        }
        Ok(words)
    }

    /// A model name typed glued ("servo42c", "skr13") where a manual's title or models write
    /// it apart ("SERVO 42C"): both parts (see `query_compounds::model_split`) are searched in
    /// `meta` when both are there; returns the document frequency found (0: not a model name).
    fn add_glued_model_name(&mut self, word: &str, boost: f32) -> Result<u64> {
        let Some(at) = super::query_compounds::model_split(word) else {
            return Ok(0);
        };
        let (letters, number) = word.split_at(at);
        let df = |t: &str| {
            self.searcher
                .doc_freq(&Term::from_field_text(self.fields.meta, t))
        };
        if df(letters)? == 0 || df(number)? == 0 {
            return Ok(0);
        }
        let mut found = 0;
        for part in [letters, number] {
            found += self.add(self.fields.meta, part, boost / 2.0)?;
        }
        Ok(found)
    }

    /// A model name typed in two parts ("tmc 2209", "cmmo-st", "servo 42c"): two neighbouring
    /// words, apart by spaces or one hyphen, whose joined form is a title or model word (or,
    /// from [`META_PREFIX_MIN_CHARS`] characters, the start of one) name that manual like a
    /// single word would; both then count as model words.
    fn add_split_model_names(
        &mut self,
        text: &str,
        typed: &[(usize, usize, String)],
    ) -> Result<()> {
        for pair in typed.windows(2) {
            let ((a, a_end, first), (b, _, second)) = (&pair[0], &pair[1]);
            let gap = text.get(*a_end..*b).unwrap_or("");
            let joinable = !gap.is_empty()
                && gap
                    .chars()
                    .all(|c| c.is_whitespace() || c == '-' || c == '_')
                && gap.chars().filter(|c| !c.is_whitespace()).count() <= 1;
            let joined = format!("{first}{second}");
            if !joinable || joined.chars().count() < META_PREFIX_MIN_CHARS {
                continue;
            }
            let boost = self.w.meta;
            let mut df = self.add(self.fields.meta, &joined, boost)?;
            if df == 0 {
                for e in expand::prefix(self.searcher, self.fields.meta, &joined, 2)? {
                    df += self.add(self.fields.meta, &e.term, boost)?;
                }
            }
            if df > 0 {
                self.mark_model_word(*a);
                self.mark_model_word(*b);
            }
        }
        Ok(())
    }

    /// Body words in every language: the stem, and the word as typed (an exact-form bonus).
    fn add_body_words(&mut self, text: &str, analyzers: &mut QueryAnalyzers) -> Result<BodyWords> {
        let axes = if self.w.axis_letter > 0.0 {
            axis_letters(text)
        } else {
            Vec::new()
        };
        let mut content = content_words(text, analyzers);
        content.extend(
            axes.iter()
                .filter(|o| !content.contains(o))
                .collect::<Vec<_>>(),
        );
        let mut per_lang = Vec::new();
        let mut word_df: HashMap<u32, u64> = HashMap::new();
        let mut analysed = Vec::new();
        // The languages whose pages have each typed word as a word, not only as the stem of
        // longer words (`word_forms`).
        let mut typed_in: HashMap<usize, Vec<BodyLang>> = HashMap::new();
        // The languages whose dictionaries hold each typed word (as a word or a stem).
        let mut in_dictionary: HashMap<usize, Vec<(BodyLang, String)>> = HashMap::new();
        for lang in BodyLang::ALL {
            let stems = tokens(analyzers.stems_mut(lang), text);
            let typed = spans(analyzers.words_mut(lang), text);
            let field = self.fields.body[lang.index()];
            for (offset, _, word) in &typed {
                if self
                    .searcher
                    .doc_freq(&Term::from_field_text(field, word))?
                    > 0
                {
                    in_dictionary
                        .entry(*offset)
                        .or_default()
                        .push((lang, word.clone()));
                }
            }
            analysed.push((lang, stems, typed));
        }
        // A word in one language's dictionary only is foreign nowhere: only a word that several
        // dictionaries hold needs its words told from its stems (a scan of longer terms).
        for (offset, langs) in in_dictionary {
            if langs.len() < 2 || (self.w.foreign_stem - 1.0).abs() <= f32::EPSILON {
                typed_in.insert(offset, langs.into_iter().map(|(l, _)| l).collect());
                continue;
            }
            for (lang, word) in langs {
                let field = self.fields.body[lang.index()];
                let is_word = match lang.algorithm() {
                    Some(_) => {
                        let stems = analyzers.stems_mut(lang);
                        word_forms::occurs_as_word(self.searcher, field, &word, |t| {
                            tokens(stems, t).into_iter().next().map(|(_, s)| s)
                        })?
                    }
                    None => true,
                };
                if is_word {
                    typed_in.entry(offset).or_default().push(lang);
                }
            }
        }
        for (lang, stems, typed) in analysed {
            let mut words: Vec<BodyWord> = Vec::new();
            for ((offset, stem), (typed_offset, end, typed)) in stems.into_iter().zip(typed) {
                let axis = axes.contains(&offset);
                if offset != typed_offset
                    || !content.contains(&offset)
                    || (typed.chars().count() < 2 && !axis)
                    || words.iter().any(|w| w.stem == stem && w.typed == typed)
                {
                    continue;
                }
                let key = offset as u32;
                let share = if self.model_words.contains(&offset) {
                    self.w.model_word_share
                } else if axis {
                    self.w.axis_letter
                } else {
                    1.0
                };
                // "ventil" is a German word; in English it is only the stem of "ventilation".
                let foreign = typed_in
                    .get(&offset)
                    .is_some_and(|langs| !langs.is_empty() && !langs.contains(&lang));
                let stem_share = if foreign {
                    share * self.w.foreign_stem
                } else {
                    share
                };
                let df = self.add_body_and_head(lang, &stem, key, stem_share, self.w.head)?;
                *word_df.entry(key).or_default() += df;
                if typed != stem {
                    self.add_body(lang, &typed, key, self.w.exact_word * share)?;
                }
                words.push(BodyWord {
                    offset,
                    end,
                    stem,
                    typed,
                });
            }
            per_lang.push((lang, words));
        }
        Ok(BodyWords {
            per_lang,
            doc_freq: word_df,
        })
    }

    /// Typos and the word being typed, expanded from the word as typed (the index keeps words
    /// beside their stems, so "sensorles" finds "sensorless" and "homin" completes "homing").
    fn add_neighbours(
        &mut self,
        lang: BodyLang,
        w: &BodyWord,
        word: &Word,
        word_df: u64,
        analyzers: &mut QueryAnalyzers,
    ) -> Result<()> {
        let field = self.fields.body[lang.index()];
        let mut found = Vec::new();
        let rare = word_df <= (self.num_docs / RARE_DIVISOR).max(RARE_MIN_PAGES);
        // A word with digits is a number, a code or a model: one edit away is another one
        // ("40m" is not "400" or "403"), not a typo.
        let typo_tolerant = !w.typed.chars().any(|c| c.is_ascii_digit());
        if word.chars >= FUZZY_MIN_CHARS_1 && rare && typo_tolerant {
            let distance = if word.chars >= FUZZY_MIN_CHARS_2 {
                2
            } else {
                1
            };
            found.extend(expand::fuzzy(
                self.searcher,
                field,
                &w.typed,
                distance,
                FUZZY_MAX_EXPANSIONS,
            )?);
        }
        if (FUZZY_MIN_CHARS_SHORT..FUZZY_MIN_CHARS_1).contains(&word.chars)
            && word_df == 0
            && typo_tolerant
            && self.w.fuzzy_short > 0.0
        {
            // "tme": a short word no page has, one edit from a word pages have ("time").
            found.extend(
                expand::fuzzy(
                    self.searcher,
                    field,
                    &w.typed,
                    1,
                    FUZZY_SHORT_MAX_EXPANSIONS,
                )?
                .into_iter()
                .map(|mut e| {
                    e.distance = SHORT_DISTANCE;
                    e
                }),
            );
        }
        if word.at_end && w.typed.chars().count() >= PREFIX_MIN_CHARS && rare {
            found.extend(expand::prefix(
                self.searcher,
                field,
                &w.typed,
                PREFIX_MAX_EXPANSIONS,
            )?);
        }
        let key = w.offset as u32;
        let mut added: Vec<String> = vec![w.stem.clone(), w.typed.clone()];
        for e in found {
            let boost = match e.distance {
                0 => self.w.prefix,
                1 => self.w.fuzzy1,
                SHORT_DISTANCE => self.w.fuzzy1 * self.w.fuzzy_short,
                _ => self.w.fuzzy2,
            };
            // The neighbour's stem too ("acceleration" → "acceler"), so that the other forms
            // of the word the technician meant match as well.
            let stem_of = tokens(analyzers.stems_mut(lang), &e.term)
                .into_iter()
                .next()
                .map(|(_, s)| s);
            for term in std::iter::once(e.term).chain(stem_of) {
                if !added.contains(&term) {
                    self.add_body(lang, &term, key, boost)?;
                    added.push(term);
                }
            }
        }
        Ok(())
    }
}

impl Builder<'_> {
    /// The synonym table's manual words for the typed words (see `synonyms`), stemmed per body
    /// language, at a reduced weight; a stem the query already searches is not added again.
    fn add_synonyms(
        &mut self,
        text: &str,
        body: &BodyWords,
        analyzers: &mut QueryAnalyzers,
    ) -> Result<()> {
        let plain = tokens(&mut analyzers.meta, text);
        let found: Vec<(usize, &'static str, f32)> = synonyms::expansions(&plain)
            .into_iter()
            .map(|(offset, word)| (offset, word, self.w.synonym))
            .collect();
        for (lang, words) in &body.per_lang {
            let mut added: Vec<String> = words.iter().map(|w| w.stem.clone()).collect();
            for (offset, word, boost) in &found {
                for (_, stem) in tokens(analyzers.stems_mut(*lang), word) {
                    if !added.contains(&stem) {
                        self.add_body(*lang, &stem, *offset as u32, *boost)?;
                        added.push(stem);
                    }
                }
            }
        }
        Ok(())
    }
}

/// Offsets of the words that are no stopword in any stemmed language: "am", "die" or "con"
/// would otherwise match the function words of the other languages' pages. Kept all the same:
/// a word typed in capitals ("OU", "AL": a display code or an abbreviation, not a function
/// word), and every word of a query that would otherwise keep none. (Each language's own
/// analyzer still drops its own stopwords.)
fn content_words(text: &str, analyzers: &mut QueryAnalyzers) -> Vec<usize> {
    let all = spans(&mut super::analyzers::plain_analyzer(), text);
    let capitals: Vec<usize> = all
        .iter()
        .filter(|(from, to, _)| text.get(*from..*to).is_some_and(typed_in_capitals))
        .map(|(from, _, _)| *from)
        .collect();
    let mut kept = stopword_free(text, analyzers);
    for o in capitals {
        if !kept.contains(&o) {
            kept.push(o);
        }
    }
    if kept.is_empty() {
        kept = all
            .iter()
            .filter(|(_, _, w)| !synonyms::is_filler(w))
            .map(|(from, _, _)| *from)
            .collect();
    }
    kept
}

/// Words that name an axis beside a single letter ("x axis", "Achse z").
const AXIS_WORDS: &[&str] = &["axis", "axes", "achse", "achsen"];

/// Offsets of the single letters x, y and z that name an axis: beside a number ("x 10"), an
/// axis word ("y axis") or another such letter ("x y"). Other single letters are not searched.
pub(super) fn axis_letters(text: &str) -> Vec<usize> {
    let words = spans(&mut super::analyzers::plain_analyzer(), text);
    let is_letter = |w: &str| matches!(w, "x" | "y" | "z");
    let context = |i: usize| {
        words.get(i).is_some_and(|(_, _, w)| {
            is_letter(w)
                || AXIS_WORDS.contains(&w.as_str())
                || w.chars().any(|c| c.is_ascii_digit())
        })
    };
    words
        .iter()
        .enumerate()
        .filter(|(i, (_, _, w))| is_letter(w) && ((*i > 0 && context(i - 1)) || context(i + 1)))
        .map(|(_, (from, _, _))| *from)
        .collect()
}

/// Whether the typed word `word` is two or more letters, all capitals ("OU", not "Ou" or "E2").
pub(crate) fn typed_in_capitals(word: &str) -> bool {
    word.chars().count() >= 2 && word.chars().all(|c| c.is_alphabetic() && c.is_uppercase())
}

/// Offsets of the words no stemmed language takes for a stopword, without filler.
fn stopword_free(text: &str, analyzers: &mut QueryAnalyzers) -> Vec<usize> {
    let mut kept: Option<Vec<usize>> = None;
    for lang in BodyLang::ALL.into_iter().filter(|l| l.stemmer().is_some()) {
        let offsets: Vec<usize> = tokens(analyzers.words_mut(lang), text)
            .into_iter()
            .map(|(o, _)| o)
            .collect();
        kept = Some(match kept {
            None => offsets,
            Some(k) => k.into_iter().filter(|o| offsets.contains(o)).collect(),
        });
    }
    let filler: Vec<usize> = tokens(&mut super::analyzers::plain_analyzer(), text)
        .into_iter()
        .filter(|(_, w)| synonyms::is_filler(w))
        .map(|(o, _)| o)
        .collect();
    let mut kept = kept.unwrap_or_default();
    kept.retain(|o| !filler.contains(o));
    kept
}

impl QueryPlan {
    pub fn build(
        searcher: &Searcher,
        fields: &Fields,
        text: &str,
        analyzers: &mut QueryAnalyzers,
        weights: &RankWeights,
    ) -> Result<QueryPlan> {
        let text = clip(text);
        let mut b = Builder {
            searcher,
            fields,
            clauses: Vec::new(),
            highlight: HighlightTerms::default(),
            num_docs: searcher.num_docs(),
            w: weights,
            model_words: Vec::new(),
        };
        let words = b.add_meta_words(text, &mut analyzers.meta)?;
        b.add_codes(text)?;
        let body = b.add_body_words(text, analyzers)?;
        b.add_synonyms(text, &body, analyzers)?;
        for (lang, body_words) in &body.per_lang {
            b.add_compounds(text, *lang, body_words, analyzers)?;
            b.add_proximity(*lang, body_words)?;
            for w in body_words {
                b.add_german_compounds(*lang, w)?;
                let key = w.offset as u32;
                if let Some(word) = words.get(&key) {
                    let df = body.doc_freq.get(&key).copied().unwrap_or(0);
                    b.add_neighbours(*lang, w, word, df, analyzers)?;
                }
            }
        }
        let query: Option<Box<dyn Query>> = (!b.clauses.is_empty())
            .then(|| Box::new(BooleanQuery::new(b.clauses)) as Box<dyn Query>);
        Ok(QueryPlan {
            query,
            highlight: b.highlight,
            model_words: b.model_words.iter().map(|&o| o as u32).collect(),
        })
    }
}
