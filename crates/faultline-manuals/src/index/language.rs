//! Page languages: which body analyzer a page's ISO 639-1 code selects, and a small stopword
//! count guesser for pages whose language nobody told us.

use tantivy::tokenizer::Language;

/// The body fields, one per analyzer. Pages in English, German, French, Spanish and Italian are
/// stemmed in their language; other known languages go to an unstemmed field; an empty or
/// unrecognised code means English (most OEM manuals are).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyLang {
    En,
    De,
    Fr,
    Es,
    It,
    Other,
}

impl BodyLang {
    pub const ALL: [BodyLang; 6] = [
        BodyLang::En,
        BodyLang::De,
        BodyLang::Fr,
        BodyLang::Es,
        BodyLang::It,
        BodyLang::Other,
    ];

    /// The analyzer for an ISO 639-1 code (any case, region suffix ignored: "de-AT" is German).
    pub fn from_iso(code: &str) -> BodyLang {
        let base = code.split(['-', '_']).next().unwrap_or("").trim();
        match base.to_ascii_lowercase().as_str() {
            "de" => BodyLang::De,
            "fr" => BodyLang::Fr,
            "es" => BodyLang::Es,
            "it" => BodyLang::It,
            "nl" | "pt" | "sv" | "da" | "no" | "nb" | "fi" | "pl" | "cs" | "tr" | "el" | "ru"
            | "hu" | "ro" => BodyLang::Other,
            _ => BodyLang::En,
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn field_name(self) -> &'static str {
        match self {
            BodyLang::En => "body_en",
            BodyLang::De => "body_de",
            BodyLang::Fr => "body_fr",
            BodyLang::Es => "body_es",
            BodyLang::It => "body_it",
            BodyLang::Other => "body_other",
        }
    }

    pub fn tokenizer_name(self) -> &'static str {
        match self {
            BodyLang::En => "fl_en",
            BodyLang::De => "fl_de",
            BodyLang::Fr => "fl_fr",
            BodyLang::Es => "fl_es",
            BodyLang::It => "fl_it",
            BodyLang::Other => "fl_other",
        }
    }

    /// The Snowball algorithm of the index's stem-and-keep filter (the same tantivy's stemmer
    /// runs for `stemmer()`), `None` for the unstemmed field.
    pub fn algorithm(self) -> Option<frostem::Algorithm> {
        match self {
            BodyLang::En => Some(frostem::Algorithm::English),
            BodyLang::De => Some(frostem::Algorithm::German),
            BodyLang::Fr => Some(frostem::Algorithm::French),
            BodyLang::Es => Some(frostem::Algorithm::Spanish),
            BodyLang::It => Some(frostem::Algorithm::Italian),
            BodyLang::Other => None,
        }
    }

    /// The stemmer and stopword language, `None` for the unstemmed field.
    pub fn stemmer(self) -> Option<Language> {
        match self {
            BodyLang::En => Some(Language::English),
            BodyLang::De => Some(Language::German),
            BodyLang::Fr => Some(Language::French),
            BodyLang::Es => Some(Language::Spanish),
            BodyLang::It => Some(Language::Italian),
            BodyLang::Other => None,
        }
    }
}

/// Very frequent function words that tell the languages apart (words shared by several of them,
/// such as "de", "la", "en", "e", are left out).
const STOPWORDS: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "the", "and", "of", "to", "is", "in", "that", "for", "with", "are", "be", "this",
            "when", "or", "not", "it", "on", "by", "if", "from", "can", "will", "should", "must",
            "which", "has", "have",
        ],
    ),
    (
        "de",
        &[
            "der", "die", "das", "und", "ist", "nicht", "mit", "für", "den", "dem", "des", "ein",
            "eine", "einer", "wird", "werden", "sie", "auf", "bei", "oder", "zu", "von", "im",
            "sich", "auch", "kann", "nur", "wenn", "zum", "zur",
        ],
    ),
    (
        "fr",
        &[
            "le", "les", "et", "est", "des", "du", "un", "une", "pour", "dans", "pas", "avec",
            "sur", "qui", "ne", "au", "aux", "ce", "cette", "sont", "par", "être", "doit", "vous",
        ],
    ),
    (
        "es",
        &[
            "el", "los", "las", "y", "es", "del", "por", "para", "con", "se", "al", "está", "son",
            "debe", "puede", "unidad", "lo",
        ],
    ),
    (
        "it",
        &[
            "il", "gli", "è", "di", "della", "che", "non", "per", "sono", "deve", "può", "dell",
            "nel", "alla", "dei", "delle", "questo", "unità",
        ],
    ),
    (
        "nl",
        &[
            "het", "een", "van", "niet", "met", "voor", "op", "te", "zijn", "wordt", "worden",
            "moet", "dat", "als", "bij", "uit", "aan",
        ],
    ),
    (
        "pt",
        &[
            "os", "do", "da", "dos", "das", "não", "com", "um", "uma", "em", "na", "pelo", "ser",
            "ao",
        ],
    ),
];

/// Guesses the ISO 639-1 code of `text` by counting stopwords; `None` when there are too few
/// words to tell (fewer than 4 stopword hits) or two languages are too close to call.
pub fn guess_language(text: &str) -> Option<&'static str> {
    let mut counts = [0usize; STOPWORDS.len()];
    let mut word = String::new();
    let flush = |word: &mut String, counts: &mut [usize]| {
        if !word.is_empty() {
            for (i, (_, list)) in STOPWORDS.iter().enumerate() {
                if list.contains(&word.as_str()) {
                    counts[i] += 1;
                }
            }
            word.clear();
        }
    };
    for c in text.chars() {
        if c.is_alphabetic() {
            word.extend(c.to_lowercase());
        } else {
            flush(&mut word, &mut counts);
        }
    }
    flush(&mut word, &mut counts);
    let mut ranked: Vec<(usize, &'static str)> = counts
        .iter()
        .zip(STOPWORDS.iter())
        .map(|(&c, &(lang, _))| (c, lang))
        .collect();
    ranked.sort_by_key(|r| std::cmp::Reverse(r.0));
    let (best, lang) = ranked.first().copied()?;
    let second = ranked.get(1).map_or(0, |r| r.0);
    (best >= 4 && best * 2 > second * 3).then_some(lang)
}
