//! Query words beyond the typed spelling: a typo that is a real word ("breaking" for
//! "braking"), single-letter axis names ("x y"), and the thesaurus's words.

use super::fixtures::{built_with, page, TestResult};
use crate::index::query_plan::axis_letters;
use crate::index::{ManualIndex, PageDoc, RankWeights, SearchQuery};
use uuid::Uuid;

const DRIVE: Uuid = Uuid::from_u128(0x71);

fn drive(p: u32, text: &str) -> PageDoc {
    page(DRIVE, "drive.pdf", "D-1", "en", p, text)
}

/// `(page, text)` of the hits for `text` with `weights`.
fn hits(index: &ManualIndex, text: &str, weights: &RankWeights) -> TestResult<Vec<u32>> {
    Ok(index
        .search_with_weights(&SearchQuery::new(text), weights)?
        .hits
        .iter()
        .map(|h| h.page)
        .collect())
}

#[test]
fn a_typo_that_is_a_real_word_also_finds_the_much_more_frequent_word_meant() -> TestResult {
    // "braking" on 15 pages (1..=15), "breaking" on 3 (21..=23): five times as many.
    let mut pages: Vec<PageDoc> = (1..=15)
        .map(|p| {
            drive(
                p,
                &format!("Braking unit {p}: connect the braking resistor."),
            )
        })
        .collect();
    pages.extend((21..=23).map(|p| drive(p, "The wire strands are breaking at the lug.")));
    let (_dir, index) = built_with(pages)?;
    // Off in the shipped weights (it lowered the test set), on here.
    let mut on = RankWeights::shipped().clone();
    on.real_word_typo = 1.0;
    let found = hits(&index, "breaking", &on)?;
    // The typed word's pages first, then the word meant.
    assert!((21..=23).contains(&found[0]), "{found:?}");
    assert!(found.iter().any(|p| *p <= 15), "{found:?}");
    let mut off = on;
    off.real_word_typo = 0.0;
    assert!(hits(&index, "breaking", &off)?.iter().all(|p| *p > 20));
    Ok(())
}

#[test]
fn single_letter_axis_names_are_searched_beside_numbers_axis_words_and_each_other() {
    let offsets = |text: &str| axis_letters(text);
    assert_eq!(offsets("laser x y moves wrong way"), [6, 8]);
    assert_eq!(offsets("Z axis limit"), [0]);
    assert_eq!(offsets("move x 10 mm"), [5]);
    assert_eq!(offsets("Achse y klemmt"), [6]);
    // A lone letter names nothing.
    assert!(offsets("plan b for x").is_empty());
    assert!(offsets("a b c").is_empty());
}

#[test]
fn axis_letters_find_the_page_that_names_the_axes() -> TestResult {
    let (_dir, index) = built_with(vec![
        drive(1, "Invert the direction of the X and Y axes with $3."),
        drive(2, "The laser head moves over the bed."),
    ])?;
    let shipped = RankWeights::shipped().clone();
    assert_eq!(hits(&index, "x y", &shipped)?.first(), Some(&1));
    let mut off = shipped;
    off.axis_letter = 0.0;
    assert!(hits(&index, "x y", &off)?.is_empty());
    Ok(())
}

#[test]
fn thesaurus_words_are_searched_below_the_typed_word() -> TestResult {
    // The shipped thesaurus gives "speed" for "accelerate".
    let (_dir, index) = built_with(vec![
        drive(1, "Raise the speed slowly."),
        drive(2, "Accelerate the spindle slowly."),
    ])?;
    let mut on = RankWeights::shipped().clone();
    on.thesaurus = 0.3;
    assert_eq!(hits(&index, "accelerate", &on)?, [2, 1]);
    on.thesaurus = 0.0;
    assert_eq!(hits(&index, "accelerate", &on)?, [2]);
    Ok(())
}
