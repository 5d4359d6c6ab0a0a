//! Query words beyond the typed spelling: single-letter axis names ("x y"). (The real-word typo
//! and thesaurus signals tested here until session 9 were removed with their code.)

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
