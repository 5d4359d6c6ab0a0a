//! Hyphenated compounds: a token filter that, after two words written with a hyphen between
//! them ("over-current", "Kurzschluss-Schutz", "e-mail"), also emits the joined word
//! ("overcurrent") at the second word's position, so that a search for the closed form finds the
//! hyphenated one (and the stem of the joined word meets the stem of the closed form). The query
//! side (`query_plan`) joins typed word pairs and splits typed words to meet the other forms.

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Joined words longer than this (bytes) are not emitted, like the analyzers' long words.
const MAX_JOINED_BYTES: usize = 40;

/// Whether `gap`, the text between two words, makes them one hyphenated compound: a single
/// hyphen (ASCII, Unicode hyphen or non-breaking hyphen), possibly with a line break after it.
pub(crate) fn is_hyphen_gap(gap: &str) -> bool {
    let mut chars = gap.chars();
    matches!(chars.next(), Some('-' | '\u{2010}' | '\u{2011}'))
        && chars.all(|c| c == '\n' || c == '\r')
}

/// Both parts must be words, not numbers or part numbers ("6205-2RS").
pub(crate) fn is_word(s: &str) -> bool {
    !s.is_empty() && s.chars().all(char::is_alphabetic)
}

/// Emits each token, and after a hyphenated pair their joined form. Put it after the
/// lowercaser and before stopwords and stemming (the joined word is stemmed like any other).
#[derive(Clone, Copy, Default)]
pub struct JoinHyphenated;

impl TokenFilter for JoinHyphenated {
    type Tokenizer<T: Tokenizer> = JoinHyphenatedFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> JoinHyphenatedFilter<T> {
        JoinHyphenatedFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub struct JoinHyphenatedFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for JoinHyphenatedFilter<T> {
    type TokenStream<'a> = JoinHyphenatedStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        JoinHyphenatedStream {
            text,
            tail: self.inner.token_stream(text),
            token: Token::default(),
            previous: String::new(),
            previous_span: None,
            joined: None,
        }
    }
}

pub struct JoinHyphenatedStream<'a, T> {
    text: &'a str,
    tail: T,
    token: Token,
    /// The last token from `tail` and its `[offset_from, offset_to)`, when it is a word.
    previous: String,
    previous_span: Option<(usize, usize)>,
    /// The joined word, to emit after the compound's second word.
    joined: Option<Token>,
}

impl<T: TokenStream> TokenStream for JoinHyphenatedStream<'_, T> {
    fn advance(&mut self) -> bool {
        if let Some(joined) = self.joined.take() {
            self.token = joined;
            return true;
        }
        if !self.tail.advance() {
            return false;
        }
        self.token.clone_from(self.tail.token());
        if !is_word(&self.token.text) {
            self.previous_span = None;
            return true;
        }
        if let Some((from, to)) = self.previous_span {
            let gap = self.text.get(to..self.token.offset_from).unwrap_or("");
            let len = self.previous.len() + self.token.text.len();
            if is_hyphen_gap(gap) && len <= MAX_JOINED_BYTES {
                let mut joined = self.token.clone();
                joined.text.clear();
                joined.text.push_str(&self.previous);
                joined.text.push_str(&self.token.text);
                joined.offset_from = from;
                self.joined = Some(joined);
            }
        }
        // A chain ("plug-and-play") joins each pair.
        self.previous.clear();
        self.previous.push_str(&self.token.text);
        self.previous_span = Some((self.token.offset_from, self.token.offset_to));
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer};

    fn tokens(text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(JoinHyphenated)
            .build();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
        }
        out
    }

    #[test]
    fn a_hyphenated_pair_is_also_indexed_joined() {
        let t = tokens("Over-current trip");
        let words: Vec<&str> = t.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(words, ["over", "current", "overcurrent", "trip"]);
        // The joined word spans the whole compound, at the second word's position.
        assert_eq!(t[2], ("overcurrent".into(), 0, 12, 1));
    }

    #[test]
    fn line_breaks_after_the_hyphen_and_unicode_hyphens_join_too() {
        let joined = |text: &str| tokens(text).into_iter().any(|t| t.0 == "overcurrent");
        assert!(joined("over-\ncurrent"));
        assert!(joined("over\u{2010}current"));
        assert!(!joined("over - current"));
        assert!(!joined("over current"));
        assert!(!joined("over/current"));
    }

    #[test]
    fn numbers_and_part_numbers_are_not_joined_and_chains_join_pairwise() {
        let words = |text: &str| -> Vec<String> { tokens(text).into_iter().map(|t| t.0).collect() };
        assert_eq!(words("6205-2RS"), ["6205", "2rs"]);
        assert_eq!(words("E-214"), ["e", "214"]);
        assert_eq!(
            words("plug-and-play"),
            ["plug", "and", "plugand", "play", "andplay"]
        );
    }
}
