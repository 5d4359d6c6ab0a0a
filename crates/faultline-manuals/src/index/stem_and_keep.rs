//! A token filter that indexes each word's Snowball stem and, when the stem differs, the word
//! itself at the same position. Stems let "bearings" meet "bearing"; the kept words let typo
//! tolerance and prefix completion work on what people type ("sensorles" is one edit from
//! "sensorless", "homin" starts "homing") where the stem alone is too far ("sensorl", "home").

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Emits the stem, then the original word when different. Tokens must be lowercased.
#[derive(Clone, Copy)]
pub struct StemAndKeep {
    algorithm: frostem::Algorithm,
}

impl StemAndKeep {
    pub fn new(algorithm: frostem::Algorithm) -> Self {
        StemAndKeep { algorithm }
    }
}

impl TokenFilter for StemAndKeep {
    type Tokenizer<T: Tokenizer> = StemAndKeepFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> StemAndKeepFilter<T> {
        StemAndKeepFilter {
            algorithm: self.algorithm,
            inner: tokenizer,
        }
    }
}

#[derive(Clone)]
pub struct StemAndKeepFilter<T> {
    algorithm: frostem::Algorithm,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for StemAndKeepFilter<T> {
    type TokenStream<'a> = StemAndKeepStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StemAndKeepStream {
            tail: self.inner.token_stream(text),
            stemmer: frostem::Stemmer::new(self.algorithm),
            token: Token::default(),
            original: String::new(),
            original_pending: false,
        }
    }
}

pub struct StemAndKeepStream<T> {
    tail: T,
    stemmer: frostem::Stemmer,
    token: Token,
    /// The word whose stem was just emitted, waiting to be emitted itself.
    original: String,
    original_pending: bool,
}

impl<T: TokenStream> TokenStream for StemAndKeepStream<T> {
    fn advance(&mut self) -> bool {
        if self.original_pending {
            self.original_pending = false;
            std::mem::swap(&mut self.token.text, &mut self.original);
            return true;
        }
        if !self.tail.advance() {
            return false;
        }
        let word = self.tail.token();
        self.token.offset_from = word.offset_from;
        self.token.offset_to = word.offset_to;
        self.token.position = word.position;
        self.token.position_length = word.position_length;
        self.token.text.clear();
        let stem = self.stemmer.stem(&word.text);
        self.token.text.push_str(&stem);
        if *stem != *word.text {
            self.original.clear();
            self.original.push_str(&word.text);
            self.original_pending = true;
        }
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}
