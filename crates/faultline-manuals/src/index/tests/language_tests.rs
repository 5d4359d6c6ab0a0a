//! The stopword language guesser and the mapping of ISO codes to body analyzers.

use crate::index::guess_language;
use crate::index::language::BodyLang;
use rstest::rstest;

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
