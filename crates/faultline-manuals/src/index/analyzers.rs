//! The text analyzers of the index: per body language one that indexes each word's stem and the
//! word itself (and hyphenated pairs joined, see `compound`), an unstemmed one for other
//! languages and the manual's metadata, and the fault-code tokenizer. They are registered on every opened index (tantivy does not persist
//! them). At query time the same chain is split in two — stems only, words only — so the query
//! can weigh a stem match and an exact-word match differently and expand the typed word.

use super::code_tokenizer::{CodeTokenizer, CODE_TOKENIZER};
use super::compound::JoinHyphenated;
use super::language::BodyLang;
use super::stem_and_keep::StemAndKeep;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter,
    TextAnalyzer, TokenizerManager,
};

/// Name of the unstemmed analyzer used for titles, manufacturers and model names.
pub const META_TOKENIZER: &str = "fl_meta";

/// Longest word indexed, in bytes (longer "words" are table rules, hashes or base64).
const MAX_WORD_BYTES: usize = 40;

fn stopwords(lang: BodyLang) -> StopWordFilter {
    lang.stemmer()
        .and_then(StopWordFilter::new)
        .unwrap_or_else(|| StopWordFilter::remove(Vec::<String>::new()))
}

/// The index analyzer of one body language: stems and the words themselves, and the joined
/// form of hyphenated pairs ("over-current" also gives "overcurrent" and its stem).
pub fn body_analyzer(lang: BodyLang) -> TextAnalyzer {
    match lang.algorithm() {
        Some(algorithm) => TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
            .filter(LowerCaser)
            .filter(JoinHyphenated)
            .filter(stopwords(lang))
            .filter(StemAndKeep::new(algorithm))
            .filter(AsciiFoldingFilter)
            .build(),
        None => TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
            .filter(LowerCaser)
            .filter(JoinHyphenated)
            .filter(AsciiFoldingFilter)
            .build(),
    }
}

/// The analyzer name of the heading field of `lang` (see [`head_analyzer`]).
pub fn head_tokenizer_name(lang: BodyLang) -> String {
    format!("{}_head", lang.tokenizer_name())
}

/// The index analyzer of the heading fields: like [`body_analyzer`] but the stems only, not the
/// words beside them. The query searches a heading for stems (the typed words' and their
/// neighbours'); a word form there would only double the heading field's dictionary.
pub fn head_analyzer(lang: BodyLang) -> TextAnalyzer {
    match lang.stemmer() {
        Some(language) => TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
            .filter(LowerCaser)
            .filter(JoinHyphenated)
            .filter(stopwords(lang))
            .filter(Stemmer::new(language))
            .filter(AsciiFoldingFilter)
            .build(),
        None => body_analyzer(lang),
    }
}

/// Query side: the stems of the words (what [`body_analyzer`] emits first for each word).
pub fn stem_analyzer(lang: BodyLang) -> TextAnalyzer {
    match lang.stemmer() {
        Some(language) => TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
            .filter(LowerCaser)
            .filter(stopwords(lang))
            .filter(Stemmer::new(language))
            .filter(AsciiFoldingFilter)
            .build(),
        None => plain_analyzer(),
    }
}

/// Query side: the words as typed (lowercased, folded, stopwords dropped), unstemmed.
pub fn word_analyzer(lang: BodyLang) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
        .filter(LowerCaser)
        .filter(stopwords(lang))
        .filter(AsciiFoldingFilter)
        .build()
}

/// Lowercased, accent-folded words without stemming.
pub fn plain_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

pub fn code_analyzer() -> TextAnalyzer {
    TextAnalyzer::from(CodeTokenizer::default())
}

/// Registers every analyzer the schema names.
pub fn register(manager: &TokenizerManager) {
    for lang in BodyLang::ALL {
        manager.register(lang.tokenizer_name(), body_analyzer(lang));
        manager.register(&head_tokenizer_name(lang), head_analyzer(lang));
    }
    manager.register(META_TOKENIZER, plain_analyzer());
    manager.register(CODE_TOKENIZER, code_analyzer());
}

/// The analyzers one query needs, owned by it (analyzers need `&mut` to tokenize).
pub struct QueryAnalyzers {
    /// Per `BodyLang::index()`: the index chain (for snippets), stems only, words only.
    body: Vec<[TextAnalyzer; 3]>,
    pub meta: TextAnalyzer,
}

impl QueryAnalyzers {
    pub fn new() -> Self {
        QueryAnalyzers {
            body: BodyLang::ALL
                .iter()
                .map(|&l| [body_analyzer(l), stem_analyzer(l), word_analyzer(l)])
                .collect(),
            meta: plain_analyzer(),
        }
    }

    /// The index chain of `lang` (stems and words), as the page text was indexed.
    pub fn body_mut(&mut self, lang: BodyLang) -> &mut TextAnalyzer {
        // `body` holds every language in `BodyLang::ALL` order.
        &mut self.body[lang.index()][0]
    }

    pub fn stems_mut(&mut self, lang: BodyLang) -> &mut TextAnalyzer {
        &mut self.body[lang.index()][1]
    }

    pub fn words_mut(&mut self, lang: BodyLang) -> &mut TextAnalyzer {
        &mut self.body[lang.index()][2]
    }
}

impl Default for QueryAnalyzers {
    fn default() -> Self {
        Self::new()
    }
}

/// The key a model name is indexed and matched under: lowercase letters and digits only, so
/// "MXZ-3F54VF4", "mxz 3f54vf4" and "MXZ3F54VF4" are the same model.
pub fn model_key(model: &str) -> String {
    model
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(mut analyzer: TextAnalyzer, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while let Some(t) = stream.next() {
            out.push(t.text.clone());
        }
        out
    }

    #[test]
    fn headings_keep_stems_only_where_the_body_keeps_the_words_too() {
        let text = "Bearings over-heating";
        assert_eq!(
            terms(body_analyzer(BodyLang::En), text),
            [
                "bear",
                "bearings",
                "over",
                "heat",
                "heating",
                "overh",
                "overheating"
            ]
        );
        assert_eq!(
            terms(head_analyzer(BodyLang::En), text),
            ["bear", "over", "heat", "overh"]
        );
        assert_eq!(
            terms(head_analyzer(BodyLang::De), "Ventile blockiert"),
            ["ventil", "blockiert"]
        );
        // A language without a stemmer keeps its words, as in the body.
        assert_eq!(
            terms(head_analyzer(BodyLang::Other), "Zawory"),
            terms(body_analyzer(BodyLang::Other), "Zawory")
        );
    }
}
