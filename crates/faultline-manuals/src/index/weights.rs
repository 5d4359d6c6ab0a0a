//! The weights of the ranking signals: one linear model over the signals the query plan builds
//! (a page's score is the sum of each matched clause's BM25 or constant bonus times its weight).
//! The shipped weights live in `ranking_weights.toml` next to this file, compiled in; they are
//! trained on the dev relevance set only (`faultline-bench relevance --tune` runs coordinate
//! ascent over them and prints a new file), never on the test set.
//!
//! The file format is the flat subset of TOML the tuner writes: `name = number` lines, `#`
//! comments. Every weight must be named exactly once; an unknown name is an error.

use std::sync::OnceLock;

/// The weights of the ranking signals (see each field; the shipped values are in
/// `ranking_weights.toml`).
#[derive(Debug, Clone, PartialEq)]
pub struct RankWeights {
    /// A fault-code match in the `code` field, against about 1–15 per matched word.
    pub code: f32,
    /// A page that spells the code exactly as typed ("PD013", not "PD13").
    pub literal: f32,
    /// The hexadecimal reading of a display code ("E02F" → "2Fh").
    pub hex_alternate: f32,
    /// A typed word in a manual's title, manufacturer or models (BM25 on `meta`).
    pub meta: f32,
    /// The weight of a manual-naming word as page evidence (body and code), against 1.0.
    pub model_word_share: f32,
    /// A page that has the word exactly as typed, not only its stem.
    pub exact_word: f32,
    /// A stem match in a language whose pages never have the typed word itself, while another
    /// language's pages do ("ventil", German, is the English stem of "ventilation"), against 1.0.
    pub foreign_stem: f32,
    /// A body word one edit away from a typed word no page (or hardly any) has.
    pub fuzzy1: f32,
    /// A body word two edits away (typed words of 9+ characters).
    pub fuzzy2: f32,
    /// A body word one edit away from a typed word of 3–4 characters no page has ("tme"), as a
    /// share of `fuzzy1`.
    pub fuzzy_short: f32,
    /// A completion of the last word while it is being typed.
    pub prefix: f32,
    /// Two neighbouring typed words close together on the page, as a share of the idf of the
    /// more frequent one (`proximity`).
    pub pair: f32,
    /// A typed pair found as one compound or side by side, as a share of the rarer word's idf
    /// (`query_compounds`).
    pub adjacent: f32,
    /// A manual word of the synonym table for a colloquial typed one (`synonyms`).
    pub synonym: f32,
    /// The exponent of the coverage rerank (`coverage`): how much a page that lacks some of the
    /// typed words loses; 0 turns it off.
    pub coord: f32,
    /// A typed word's stem found in the page's heading lines too (`headings`: first lines,
    /// section titles, table cells), against 1.0 for the body: the heading field of BM25F.
    pub head: f32,
    /// The same for the other body terms (typo and prefix neighbours, synonyms, joined
    /// compounds), as a share of their own weight.
    pub head_expanded: f32,
    /// A German compound that has the typed word as its first part, or the two parts of a
    /// typed compound around others (`german_compounds`: "ventil" → "ventilart", "rohrlänge"
    /// → "rohrleitungslänge"), against 1.0 for the word itself.
    pub compound_part: f32,
    /// A single-letter axis name ("x", "y", "z") typed beside a number, an axis word or another
    /// axis letter, against 1.0 for a word (0: single letters are not searched).
    pub axis_letter: f32,
}

/// The weights of session 4, before any training: the fallback should the compiled-in file
/// ever fail to parse (a test guards that it does not).
pub const BASELINE: RankWeights = RankWeights {
    code: 3.0,
    literal: 1.0,
    hex_alternate: 2.0,
    meta: 2.0,
    model_word_share: 0.2,
    exact_word: 0.3,
    foreign_stem: 1.0,
    fuzzy1: 0.6,
    fuzzy2: 0.35,
    fuzzy_short: 0.0,
    prefix: 0.5,
    pair: 0.4,
    adjacent: 0.5,
    synonym: 0.6,
    coord: 0.0,
    head: 0.0,
    head_expanded: 0.0,
    compound_part: 0.0,
    axis_letter: 0.0,
};

/// The shipped weights file.
const SHIPPED: &str = include_str!("ranking_weights.toml");

/// A weights file that cannot be read.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum WeightsError {
    #[error("line {line}: expected `name = number`, found {text:?}")]
    Syntax { line: usize, text: String },
    #[error("line {line}: no ranking weight is called {name:?}")]
    Unknown { line: usize, name: String },
    #[error("line {line}: {name} is given twice")]
    Twice { line: usize, name: String },
    #[error("line {line}: {name} must be a finite number ≥ 0")]
    Value { line: usize, name: String },
    #[error("the weights file does not give {0}")]
    Missing(&'static str),
}

impl RankWeights {
    /// The names of the weights, in file order.
    pub const NAMES: [&'static str; 19] = [
        "code",
        "literal",
        "hex_alternate",
        "meta",
        "model_word_share",
        "exact_word",
        "foreign_stem",
        "fuzzy1",
        "fuzzy2",
        "fuzzy_short",
        "prefix",
        "pair",
        "adjacent",
        "synonym",
        "coord",
        "head",
        "head_expanded",
        "compound_part",
        "axis_letter",
    ];

    fn slots(&mut self) -> [&mut f32; 19] {
        [
            &mut self.code,
            &mut self.literal,
            &mut self.hex_alternate,
            &mut self.meta,
            &mut self.model_word_share,
            &mut self.exact_word,
            &mut self.foreign_stem,
            &mut self.fuzzy1,
            &mut self.fuzzy2,
            &mut self.fuzzy_short,
            &mut self.prefix,
            &mut self.pair,
            &mut self.adjacent,
            &mut self.synonym,
            &mut self.coord,
            &mut self.head,
            &mut self.head_expanded,
            &mut self.compound_part,
            &mut self.axis_letter,
        ]
    }

    /// The weight called `name`.
    pub fn get(&self, name: &str) -> Option<f32> {
        let i = Self::NAMES.iter().position(|n| *n == name)?;
        let mut copy = self.clone();
        let value = *copy.slots()[i];
        Some(value)
    }

    /// Sets the weight called `name`; false when there is none.
    pub fn set(&mut self, name: &str, value: f32) -> bool {
        match Self::NAMES.iter().position(|n| *n == name) {
            Some(i) => {
                *self.slots()[i] = value;
                true
            }
            None => false,
        }
    }

    /// The weights compiled into this build (`ranking_weights.toml`).
    pub fn shipped() -> &'static RankWeights {
        static SHIPPED_WEIGHTS: OnceLock<RankWeights> = OnceLock::new();
        SHIPPED_WEIGHTS.get_or_init(|| {
            RankWeights::parse(SHIPPED).unwrap_or_else(|e| {
                tracing::warn!("ranking_weights.toml: {e}; using the baseline weights");
                BASELINE
            })
        })
    }

    /// Reads a weights file (see the module comment).
    pub fn parse(text: &str) -> Result<RankWeights, WeightsError> {
        let mut out = BASELINE;
        let mut given = [false; Self::NAMES.len()];
        for (n, raw) in text.lines().enumerate() {
            let line = n + 1;
            let content = raw.split('#').next().unwrap_or("").trim();
            if content.is_empty() {
                continue;
            }
            let syntax = || WeightsError::Syntax {
                line,
                text: content.to_string(),
            };
            let (name, value) = content.split_once('=').ok_or_else(syntax)?;
            let (name, value) = (name.trim(), value.trim());
            let Some(i) = Self::NAMES.iter().position(|k| *k == name) else {
                return Err(WeightsError::Unknown {
                    line,
                    name: name.to_string(),
                });
            };
            if given[i] {
                return Err(WeightsError::Twice {
                    line,
                    name: name.to_string(),
                });
            }
            let value: f32 = value.parse().map_err(|_| syntax())?;
            if !value.is_finite() || value < 0.0 {
                return Err(WeightsError::Value {
                    line,
                    name: name.to_string(),
                });
            }
            given[i] = true;
            *out.slots()[i] = value;
        }
        match given.iter().position(|g| !g) {
            Some(i) => Err(WeightsError::Missing(Self::NAMES[i])),
            None => Ok(out),
        }
    }

    /// The weights as a file [`RankWeights::parse`] reads back, after `header` (comment lines).
    pub fn to_file(&self, header: &str) -> String {
        let mut out = String::new();
        for line in header.lines() {
            out.push_str("# ");
            out.push_str(line);
            out.push('\n');
        }
        for name in Self::NAMES {
            let value = self.get(name).unwrap_or(0.0);
            out.push_str(&format!("{name} = {value}\n"));
        }
        out
    }
}

impl Default for RankWeights {
    fn default() -> Self {
        RankWeights::shipped().clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_shipped_file_parses() {
        assert!(
            RankWeights::parse(SHIPPED).is_ok(),
            "{:?}",
            RankWeights::parse(SHIPPED)
        );
    }

    #[test]
    fn a_written_file_reads_back() {
        let mut w = BASELINE;
        w.pair = 0.75;
        w.coord = 0.125;
        let text = w.to_file("trained on dev\nsecond line");
        assert_eq!(RankWeights::parse(&text), Ok(w));
    }

    #[test]
    fn get_and_set_name_the_same_fields() {
        let mut w = BASELINE;
        for (i, name) in RankWeights::NAMES.iter().enumerate() {
            assert!(w.set(name, i as f32 + 10.0));
        }
        for (i, name) in RankWeights::NAMES.iter().enumerate() {
            assert_eq!(w.get(name), Some(i as f32 + 10.0));
        }
        assert_eq!(w.code, 10.0);
        assert_eq!(w.synonym, 23.0);
        assert!(!w.set("nope", 1.0));
        assert_eq!(w.get("nope"), None);
    }

    #[test]
    fn bad_files_say_which_line() {
        let good = BASELINE.to_file("");
        let unknown = format!("{good}boost = 1\n");
        assert!(matches!(
            RankWeights::parse(&unknown),
            Err(WeightsError::Unknown { line: 20, .. })
        ));
        let twice = format!("{good}code = 1\n");
        assert!(matches!(
            RankWeights::parse(&twice),
            Err(WeightsError::Twice { .. })
        ));
        let missing: String = good.lines().skip(1).map(|l| format!("{l}\n")).collect();
        assert_eq!(
            RankWeights::parse(&missing),
            Err(WeightsError::Missing("code"))
        );
        let negative = good.replace("pair = 0.4", "pair = -0.4");
        assert!(matches!(
            RankWeights::parse(&negative),
            Err(WeightsError::Value { .. })
        ));
        let text = good.replace("pair = 0.4", "pair 0.4");
        assert!(matches!(
            RankWeights::parse(&text),
            Err(WeightsError::Syntax { .. })
        ));
    }

    proptest! {
        #[test]
        fn any_text_parses_or_errs_without_panic(text in ".{0,200}") {
            let _ = RankWeights::parse(&text);
        }

        #[test]
        fn any_weights_round_trip(values in proptest::collection::vec(0.0f32..100.0, 19)) {
            let mut w = BASELINE;
            for (name, v) in RankWeights::NAMES.iter().zip(&values) {
                w.set(name, *v);
            }
            prop_assert_eq!(RankWeights::parse(&w.to_file("header")), Ok(w));
        }
    }
}
