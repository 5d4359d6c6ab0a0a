//! The stopword language guesser and the mapping of ISO codes to body analyzers.

use super::fixtures::{built_with, page, TestResult};
use crate::index::analyzers::stem_analyzer;
use crate::index::guess_language;
use crate::index::language::BodyLang;
use crate::index::manual_index::State;
use crate::index::word_forms::occurs_as_word;
use crate::index::{PageDoc, RankWeights, SearchQuery};
use rstest::rstest;
use uuid::Uuid;

#[rstest]
#[case::english("Disconnect the supply and wait five minutes before the cover is opened. This must be done by a qualified person.", Some("en"))]
#[case::german("Bei einer aktiven Störung wird über das zugehörige Objekt eine Meldung gesendet, und die LED blinkt. Die Störung kann nicht zurückgesetzt werden.", Some("de"))]
#[case::french("Ne pas installer l'appareil dans un endroit où des gaz inflammables pourraient fuir. Cette unité doit être installée par le revendeur.", Some("fr"))]
#[case::spanish("No instale la unidad en un lugar donde puedan producirse fugas de gas inflamable. La unidad debe ser instalada por el distribuidor.", Some("es"))]
#[case::italian("Non installare l'unità in un luogo in cui potrebbero verificarsi perdite di gas infiammabile. Questo apparecchio deve essere installato dal rivenditore.", Some("it"))]
#[case::codes_only("E.oC.1 31 PD013 0x22", None)]
#[case::empty("", None)]
fn languages_are_guessed(#[case] text: &str, #[case] expected: Option<&str>) {
    assert_eq!(guess_language(text), expected, "{text}");
}

#[rstest]
#[case("en", BodyLang::En)]
#[case("DE", BodyLang::De)]
#[case("de-AT", BodyLang::De)]
#[case("fr", BodyLang::Fr)]
#[case("es", BodyLang::Es)]
#[case("it", BodyLang::It)]
#[case("nl", BodyLang::Other)]
#[case("", BodyLang::En)]
#[case("xx", BodyLang::En)]
fn iso_codes_select_analyzers(#[case] code: &str, #[case] lang: BodyLang) {
    assert_eq!(BodyLang::from_iso(code), lang);
}

const FAN: Uuid = Uuid::from_u128(0x61);
const VALVE: Uuid = Uuid::from_u128(0x62);

/// English pages where "ventil" is only the stem of "ventilated" / "ventilation", and German
/// pages that have the word "Ventil".
fn ventil_pages() -> Vec<PageDoc> {
    vec![
        page(
            FAN,
            "fan.pdf",
            "F-1",
            "en",
            1,
            "The cabinet must be ventilated. Keep the ventilation slots free.",
        ),
        page(
            FAN,
            "fan.pdf",
            "F-1",
            "en",
            2,
            "Ventilation of the motors: each motor has its own fan.",
        ),
        page(
            FAN,
            "fan.pdf",
            "F-1",
            "en",
            3,
            "Check the ventilation grid and the motor fan.",
        ),
        page(
            VALVE,
            "ventil.pdf",
            "V-1",
            "de",
            1,
            "Das Ventil sitzt fest: den Stößel lösen.",
        ),
        page(
            VALVE,
            "ventil.pdf",
            "V-1",
            "de",
            2,
            "Die Ventile im Winter prüfen.",
        ),
    ]
}

#[test]
fn a_stem_of_longer_words_is_not_taken_for_a_word_of_the_language() -> TestResult {
    let (_dir, index) = built_with(ventil_pages())?;
    let State::Ready(live) = &*index.read_state() else {
        return Err("the index is not ready".into());
    };
    let searcher = live.reader.searcher();
    let is_word = |lang: BodyLang, word: &str| -> TestResult<bool> {
        let mut stems = stem_analyzer(lang);
        let field = live.fields.body[lang.index()];
        Ok(occurs_as_word(&searcher, field, word, |t| {
            let mut stream = stems.token_stream(t);
            stream.advance().then(|| stream.token().text.clone())
        })?)
    };
    // Both dictionaries hold "ventil"; only the German pages have it as a word.
    assert!(!is_word(BodyLang::En, "ventil")?);
    assert!(is_word(BodyLang::De, "ventil")?);
    // A word that differs from its stem, and a word that is its own stem beside its plural.
    assert!(is_word(BodyLang::En, "ventilation")?);
    assert!(is_word(BodyLang::En, "motor")?);
    assert!(!is_word(BodyLang::En, "valve")?);
    Ok(())
}

#[test]
fn a_foreign_stem_weighs_less_than_the_word_in_its_own_language() -> TestResult {
    let (_dir, index) = built_with(ventil_pages())?;
    let mut weights = RankWeights::shipped().clone();
    weights.foreign_stem = 0.0;
    let hits = index
        .search_with_weights(&SearchQuery::new("ventil"), &weights)?
        .hits;
    // With the English stem match weighed at 0, only the German pages are found.
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h.manual_id == VALVE), "{hits:?}");
    Ok(())
}
