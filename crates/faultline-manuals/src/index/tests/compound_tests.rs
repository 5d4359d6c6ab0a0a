//! Compounds written closed, hyphenated or apart find each other: "overcurrent", "over-current"
//! and "over current" (and German "Kurzschlussschutz" / "Kurzschluss-Schutz").

use super::fixtures::{highlighted, page, search, TestResult};
use crate::index::expand;
use crate::index::language::BodyLang;
use crate::index::manual_index::State;
use crate::index::{ManualIndex, PageDoc};
use rstest::rstest;
use std::sync::atomic::AtomicBool;
use uuid::Uuid;

const DRIVE: Uuid = Uuid::from_u128(0x51);
const ACTUATOR: Uuid = Uuid::from_u128(0x52);

fn drive(p: u32, text: &str) -> PageDoc {
    page(DRIVE, "drive.pdf", "D-1", "en", p, text)
}

fn pages() -> Vec<PageDoc> {
    vec![
        drive(
            1,
            "Over-current trip: the output current exceeded the limit during acceleration.",
        ),
        drive(
            2,
            "The over current protection switches the output stage off within 10 ms.",
        ),
        drive(
            3,
            "Overcurrent alarm E07: check the motor cable for a short to earth.",
        ),
        drive(
            4,
            "Set the current limit over the whole speed range; the current controller gains.",
        ),
        drive(
            5,
            "Heat sink temperature: clean the heatsink fins every six months.",
        ),
        page(
            ACTUATOR,
            "aktor.pdf",
            "A-1",
            "de",
            1,
            "Der Kurzschluss-Schutz schaltet den Ausgang ab.",
        ),
        page(
            ACTUATOR,
            "aktor.pdf",
            "A-1",
            "de",
            2,
            "Der Kanal meldet eine Störung.",
        ),
    ]
}

fn built() -> TestResult<(tempfile::TempDir, ManualIndex)> {
    let dir = tempfile::tempdir()?;
    let index = ManualIndex::open(dir.path().join("index"))?;
    index.rebuild(pages(), |_| {}, &AtomicBool::new(false))?;
    Ok((dir, index))
}

/// The pages of the first `n` hits, sorted.
fn top_pages(index: &ManualIndex, text: &str, n: usize) -> TestResult<Vec<u32>> {
    let mut pages: Vec<u32> = search(index, text)?
        .iter()
        .take(n)
        .map(|h| h.page)
        .collect();
    pages.sort_unstable();
    Ok(pages)
}

#[rstest]
#[case::closed("overcurrent")]
#[case::hyphenated("over-current")]
#[case::apart("over current")]
#[case::in_a_sentence("drive trips on overcurrent")]
fn every_spelling_finds_every_spelling_first(#[case] text: &str) -> TestResult {
    let (_dir, index) = built()?;
    assert_eq!(top_pages(&index, text, 3)?, [1, 2, 3], "{text}");
    Ok(())
}

#[test]
fn words_that_are_merely_near_do_not_make_a_compound() -> TestResult {
    let (_dir, index) = built()?;
    // Page 4 has "current" and "over" but not side by side: it ranks below the three.
    let hits = search(&index, "overcurrent")?;
    let rank_of_4 = hits.iter().position(|h| h.page == 4);
    assert!(rank_of_4.is_none_or(|r| r >= 3), "{hits:?}");
    Ok(())
}

#[test]
fn a_typed_compound_matches_the_closed_word_written_apart_and_back() -> TestResult {
    let (_dir, index) = built()?;
    assert_eq!(top_pages(&index, "heat sink", 1)?, [5]);
    assert_eq!(top_pages(&index, "heatsink", 1)?, [5]);
    Ok(())
}

#[test]
fn german_compounds_meet_their_hyphenated_form() -> TestResult {
    let (_dir, index) = built()?;
    let hits = search(&index, "Kurzschlussschutz")?;
    assert_eq!(
        hits.first().map(|h| (h.manual_id, h.page)),
        Some((ACTUATOR, 1))
    );
    Ok(())
}

#[test]
fn the_snippet_highlights_the_compound_in_the_form_the_page_has() -> TestResult {
    let (_dir, index) = built()?;
    let hits = search(&index, "overcurrent")?;
    let marks = |p: u32| {
        hits.iter()
            .find(|h| h.page == p)
            .map(highlighted)
            .unwrap_or_default()
    };
    assert!(
        marks(1).contains(&"Over-current".to_string()),
        "{:?}",
        marks(1)
    );
    assert!(
        marks(3).contains(&"Overcurrent".to_string()),
        "{:?}",
        marks(3)
    );
    let apart = marks(2);
    assert!(
        apart.contains(&"over".to_string()) && apart.contains(&"current".to_string()),
        "{apart:?}"
    );
    Ok(())
}

#[test]
fn a_typed_word_is_not_completed_to_a_compound_that_starts_with_it() -> TestResult {
    let dir = tempfile::tempdir()?;
    let index = ManualIndex::open(dir.path().join("index"))?;
    let pages = vec![
        drive(1, "The bearing runs hot; it gets hotter under load."),
        drive(2, "Strip the insulation with the hot-blade stripper."),
    ];
    index.rebuild(pages, |_| {}, &AtomicBool::new(false))?;
    let State::Ready(live) = &*index.read_state() else {
        return Err("the index is not ready".into());
    };
    let searcher = live.reader.searcher();
    let field = live.fields.body[BodyLang::En.index()];
    let completions = |typed: &str| -> TestResult<Vec<String>> {
        Ok(expand::prefix(&searcher, field, typed, 8)?
            .into_iter()
            .map(|e| e.term)
            .collect())
    };
    // "hot" is a word: "hotter" completes it, "hotblade" (page 2's joined "hot-blade", whose
    // page already has "hot") does not.
    let hot = completions("hot")?;
    assert!(hot.contains(&"hotter".to_string()), "{hot:?}");
    assert!(!hot.iter().any(|t| t.starts_with("hotblad")), "{hot:?}");
    // "hotb" is no word: completing it to the compound is what the technician may be typing.
    assert!(completions("hotb")?
        .iter()
        .any(|t| t.starts_with("hotblad")));
    Ok(())
}

fn heizung(p: u32, text: &str) -> PageDoc {
    page(ACTUATOR, "aktor.pdf", "A-1", "de", p, text)
}

/// The pages found for `text` with the German compounds on (whatever the shipped weight).
fn german_hits(index: &ManualIndex, text: &str) -> TestResult<Vec<u32>> {
    let mut weights = crate::index::RankWeights::shipped().clone();
    weights.compound_part = 0.5;
    let q = crate::index::SearchQuery::new(text);
    Ok(index
        .search_with_weights(&q, &weights)?
        .hits
        .iter()
        .map(|h| h.page)
        .collect())
}

#[test]
fn german_compounds_are_found_from_their_parts_in_the_index_vocabulary() -> TestResult {
    let dir = tempfile::tempdir()?;
    let index = ManualIndex::open(dir.path().join("index"))?;
    let pages = vec![
        heizung(
            1,
            "Einstellung bei hoher Rohrleitungslänge: Schalter SW8-1 auf EIN.",
        ),
        heizung(
            2,
            "Das Rohr wird gebogen. Die Länge des Kabels ist begrenzt.",
        ),
        heizung(
            3,
            "Die Ventilart legt fest, ob der Ausgang stromlos offen ist.",
        ),
        heizung(4, "Der Kanal meldet eine Störung; die Ventile bleiben zu."),
        heizung(5, "Die Anzeige zeigt die Art der Störung."),
    ];
    index.rebuild(pages, |_| {}, &AtomicBool::new(false))?;
    // "rohrlänge" = rohr + länge, the parts of page 1's "Rohrleitungslänge".
    let hits = german_hits(&index, "rohrlänge ")?;
    assert_eq!(hits.first(), Some(&1), "{hits:?}");
    // "ventil" is the first part of page 3's "Ventilart" (page 4 has the word itself, first);
    // page 5's "Art" alone is not the compound.
    let hits = german_hits(&index, "ventil ")?;
    assert_eq!(hits, [4, 3]);
    Ok(())
}

#[test]
fn a_number_typed_with_its_unit_finds_it_written_apart_not_other_numbers() -> TestResult {
    let dir = tempfile::tempdir()?;
    let index = ManualIndex::open(dir.path().join("index"))?;
    let pages = vec![
        drive(1, "Pipe runs of 40 m or more need the long-pipe setting."),
        drive(
            2,
            "Parameter 400 sets the base frequency; parameter 403 the limit.",
        ),
    ];
    index.rebuild(pages, |_| {}, &AtomicBool::new(false))?;
    let pages: Vec<u32> = search(&index, "40m")?.iter().map(|h| h.page).collect();
    // "400" and "403" are one edit from "40m", but another number is no typo.
    assert_eq!(pages, [1]);
    Ok(())
}
