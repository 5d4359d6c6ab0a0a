//! Telling a language's words from its stems. A body field's dictionary holds both (see
//! `stem_and_keep`: each word's stem, and the word itself when it differs), so a term there may
//! be a word some page has or only the stem of other words: in the English pages "ventil" is the
//! stem of "ventilated", while in the German pages it is the word "Ventil". The query needs the
//! difference to discount a stem match in a language whose pages never have the typed word
//! itself (the `foreign_stem` ranking weight).
//!
//! Method, from the dictionary alone (no index change): a term that differs from its own stem
//! can only have been indexed as a word. A term that is its own stem ("ventil") is also emitted
//! for every word whose stem it is ("ventilated", "ventilation"), and such a page has that word
//! beside it; so when the term is on more pages than all those words together, some page has it
//! as a word of its own.

use super::error::Result;
use super::expand::terms_starting;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

/// Longer words with the typed word as their stem are read up to this many per segment (a
/// Snowball stem is the start of the words it stems, bar a few endings like "y" → "i").
const MAX_FORMS_SCAN: usize = 256;

/// Whether some page of `field` has `word` (as the body analyzer writes it: lowercased, folded)
/// as a word of its own, not only as the stem of longer words; `stem` is the field's stemmer.
pub(crate) fn occurs_as_word(
    searcher: &Searcher,
    field: Field,
    word: &str,
    mut stem: impl FnMut(&str) -> Option<String>,
) -> Result<bool> {
    let df = searcher.doc_freq(&Term::from_field_text(field, word))?;
    if df == 0 {
        return Ok(false);
    }
    if stem(word).is_some_and(|s| s != word) {
        return Ok(true);
    }
    let mut as_stem = 0u64;
    for (form, form_df) in terms_starting(searcher, field, word, MAX_FORMS_SCAN)? {
        if stem(&form).as_deref() == Some(word) {
            as_stem += form_df;
            if as_stem >= df {
                return Ok(false);
            }
        }
    }
    Ok(as_stem < df)
}
