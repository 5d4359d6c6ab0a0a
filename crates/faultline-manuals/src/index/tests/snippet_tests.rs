//! Snippets: the best passage is chosen, whitespace is collapsed, cuts are marked, and the
//! highlight ranges are UTF-16 offsets that land exactly on the matched words.

use crate::index::analyzers::QueryAnalyzers;
use crate::index::language::BodyLang;
use crate::index::query_plan::{HighlightTerms, Mark};
use crate::index::snippet::make_snippet;

fn terms(body: &[(&str, u32, f32)], code: &[(&str, u32, f32)]) -> HighlightTerms {
    let mark = |&(term, key, weight): &(&str, u32, f32)| Mark {
        term: term.to_string(),
        key,
        weight,
    };
    let mut t = HighlightTerms::default();
    t.body[BodyLang::En.index()] = body.iter().map(mark).collect();
    t.code = code.iter().map(mark).collect();
    t
}

fn marked(snippet: &str, ranges: &[[u32; 2]]) -> Vec<String> {
    let units: Vec<u16> = snippet.encode_utf16().collect();
    ranges
        .iter()
        .map(|[a, b]| String::from_utf16_lossy(&units[*a as usize..*b as usize]))
        .collect()
}

#[test]
fn the_passage_with_the_most_distinct_matches_wins() {
    let filler = "Lorem ipsum dolor sit amet. ".repeat(20);
    let text = format!(
        "{filler}The fan is noisy.\n\n{filler}Check the   fan\tbearing: a worn bearing makes the fan noisy. {filler}"
    );
    let t = terms(
        &[
            ("fan", 1, 1.0),
            ("bear", 2, 2.0),
            ("bearing", 2, 0.1),
            ("noisi", 3, 1.5),
            ("noisy", 3, 0.1),
        ],
        &[],
    );
    let (snippet, ranges) = make_snippet(&text, BodyLang::En, &t, &mut QueryAnalyzers::new());
    assert!(
        snippet.starts_with('…') && snippet.ends_with('…'),
        "{snippet}"
    );
    assert!(
        snippet.contains("Check the fan bearing: a worn bearing"),
        "{snippet}"
    );
    assert!(!snippet.contains('\t') && !snippet.contains("  "));
    let words = marked(&snippet, &ranges);
    assert!(words.iter().any(|w| w == "bearing"), "{words:?}");
    assert!(words.iter().any(|w| w == "noisy"), "{words:?}");
    for w in ranges.windows(2) {
        assert!(w[0][1] <= w[1][0]);
    }
}

#[test]
fn codes_are_highlighted_as_written_and_offsets_count_utf16() {
    let text = "Störung 🔥 während des Betriebs: Fehler E.oC.1 – Überstrom beim Beschleunigen.";
    let t = terms(&[], &[("oc1", 0, 3.0)]);
    let (snippet, ranges) = make_snippet(text, BodyLang::De, &t, &mut QueryAnalyzers::new());
    assert_eq!(marked(&snippet, &ranges), ["E.oC.1"]);
}

#[test]
fn without_matches_the_page_start_is_shown() {
    let text = "  First line of the page.\nSecond line with more words in it than fit. ".repeat(10);
    let (snippet, ranges) = make_snippet(
        &text,
        BodyLang::En,
        &terms(&[], &[]),
        &mut QueryAnalyzers::new(),
    );
    assert!(
        snippet.starts_with("First line of the page. Second line"),
        "{snippet}"
    );
    assert!(snippet.ends_with('…'));
    assert!(snippet.chars().count() < 260);
    assert!(ranges.is_empty());
}

#[test]
fn empty_and_odd_pages_do_not_panic() {
    let t = terms(&[("x", 1, 1.0)], &[("e31", 2, 1.0)]);
    for text in [
        "",
        " ",
        "\u{c}",
        "x",
        "E31",
        "ééé x",
        &"😀".repeat(300),
        &"x ".repeat(1000),
    ] {
        let (snippet, ranges) = make_snippet(text, BodyLang::En, &t, &mut QueryAnalyzers::new());
        let len = snippet.encode_utf16().count() as u32;
        assert!(ranges.iter().all(|[a, b]| a < b && *b <= len), "{text:?}");
    }
}
