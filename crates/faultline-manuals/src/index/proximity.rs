//! Phrase and proximity evidence for multi-word messages: a drive's display message ("Output
//! stage too hot", "Following error") is usually typed with a few words of context, and the page
//! that lists it has those words side by side, while other pages merely have them scattered. So
//! every two neighbouring content words of the query are also searched as a sloppy phrase (the
//! words in order, at most [`SLOP`] words apart, stopwords counted), and a page with the pair
//! close together scores a constant bonus on top of the words' own BM25: a share (the `pair`
//! weight) of the idf of the pair's more frequent word (a pair is as telling as its weaker word). One phrase query per pair and body language that has both
//! words.

use super::error::Result;
use super::language::BodyLang;
use super::query_plan::{BodyWord, Builder};
use tantivy::query::{ConstScoreQuery, Occur, PhraseQuery, Query};
use tantivy::Term;

/// Words may be this many positions further apart than adjacent (a stopword or a short
/// qualifier in between: "stage is too hot").
pub(crate) const SLOP: u32 = 2;
/// At most this many pairs per query (a pasted paragraph stays fast).
const MAX_PAIRS: usize = 8;

impl Builder<'_> {
    /// Sloppy phrases of neighbouring content words of `words` (the query's words in `lang`, in
    /// order), where both stems are indexed in `lang`.
    pub(super) fn add_proximity(&mut self, lang: BodyLang, words: &[BodyWord]) -> Result<()> {
        let field = self.fields.body[lang.index()];
        let mut pairs = 0;
        for pair in words.windows(2) {
            if pairs == MAX_PAIRS {
                break;
            }
            let (first, second) = (&pair[0], &pair[1]);
            if first.stem == second.stem || first.offset == second.offset {
                continue;
            }
            let terms = [
                Term::from_field_text(field, &first.stem),
                Term::from_field_text(field, &second.stem),
            ];
            let (df1, df2) = (
                self.searcher.doc_freq(&terms[0])?,
                self.searcher.doc_freq(&terms[1])?,
            );
            if df1 == 0 || df2 == 0 || self.w.pair <= 0.0 {
                continue;
            }
            let idf = self.idf(df1.max(df2));
            let mut phrase = PhraseQuery::new(terms.to_vec());
            phrase.set_slop(SLOP);
            let score = self.w.pair * idf;
            let q: Box<dyn Query> = Box::new(ConstScoreQuery::new(Box::new(phrase), score));
            self.clauses.push((Occur::Should, q));
            pairs += 1;
        }
        Ok(())
    }
}
