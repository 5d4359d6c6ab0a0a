//! Search behaviour on a small library: codes in any spelling rank first, typed punctuation
//! never errors, typos and unfinished words still find the page, German pages are stemmed in
//! German, the model boost reorders without hiding, and snippets highlight what matched.

use super::fixtures::{
    built, highlighted, search, search_with, top, TestResult, HEATING, SERVO, SPINDLE, VFD,
};
use crate::index::SearchQuery;
use rstest::rstest;

#[rstest]
#[case::vfd_dotted("E.oC.1", VFD, 12)]
#[case::vfd_compact("EOC1", VFD, 12)]
#[case::vfd_core("oC1", VFD, 12)]
#[case::vfd_dash("E-OC1", VFD, 12)]
#[case::err_space("Err 31", SPINDLE, 5)]
#[case::err_dash("ERR-31", SPINDLE, 5)]
#[case::err_short("E31", SPINDLE, 5)]
#[case::alarm_compact("AL1021", SPINDLE, 5)]
#[case::alarm_space("al 1021", SPINDLE, 5)]
#[case::f_short("F2", HEATING, 9)]
#[case::f_dash("F-0002", HEATING, 9)]
#[case::parameter("PD13", VFD, 11)]
#[case::code_with_words("oc1 acceleration", VFD, 12)]
#[case::display_error_hex("E02F", SERVO, 41)]
#[case::display_error_padded("E00D", SERVO, 40)]
#[case::hex_prefix("0x0E", SERVO, 40)]
fn a_code_in_any_spelling_finds_its_page_first(
    #[case] text: &str,
    #[case] manual: uuid::Uuid,
    #[case] page: u32,
) -> TestResult {
    let (_dir, index) = built()?;
    assert_eq!(top(&index, text)?, Some((manual, page)), "{text}");
    Ok(())
}

#[test]
fn the_spelling_as_typed_breaks_ties_between_spellings() -> TestResult {
    let (_dir, index) = built()?;
    let extra = |p, text: &str| {
        super::fixtures::page(uuid::Uuid::from_u128(9), "x.pdf", "X", "en", p, text)
    };
    index.add_manual(vec![
        extra(1, "Pump stages: PD13 2, PD13 5 and PD13 7 (sleep levels)."),
        extra(
            2,
            "PD013 Parameter reset: set to 08 to restore the factory settings.",
        ),
    ])?;
    assert_eq!(top(&index, "PD013")?, Some((uuid::Uuid::from_u128(9), 2)));
    Ok(())
}

#[test]
fn a_code_match_outranks_pages_that_only_share_words() -> TestResult {
    let (_dir, index) = built()?;
    // "overcurrent spindle" words fit SPINDLE p7 best, but the code pins the VFD fault page.
    assert_eq!(
        top(&index, "E.oC.1 overcurrent spindle drive")?,
        Some((VFD, 12))
    );
    Ok(())
}

#[test]
fn punctuation_and_query_syntax_never_error() -> TestResult {
    let (_dir, index) = built()?;
    let nasty = [
        "E-214 (spindle)",
        "\"over-current",
        "\"unbalanced",
        "spindle AND OR NOT",
        "text:spindle",
        "((((",
        ")]}>",
        "*?~^+-!",
        "",
        "   ",
        "\\",
        "'; DROP TABLE pages; --",
        "🔥 motor 🔥",
        "über~2",
        "[1 TO 5]",
        "E.oC.1\"",
        &"x".repeat(5_000),
        &"E31 ".repeat(500),
    ];
    for text in nasty {
        let r = index.search(&SearchQuery::new(text))?;
        assert!(!r.rebuilding);
    }
    assert_eq!(top(&index, "E-214 (spindle)")?.map(|t| t.0), Some(SPINDLE));
    Ok(())
}

#[rstest]
#[case::one_letter_dropped("overcurent protection", SPINDLE, 7)]
#[case::transposed("accelaration time", VFD, 11)]
#[case::two_typos_long_word("temperatrue coolant pump", SPINDLE, 5)]
#[case::stemmed_typo("bearigns replace", SPINDLE, 6)]
#[case::suffix_typo("communicaton lost", SPINDLE, 5)]
fn typos_are_tolerated(
    #[case] text: &str,
    #[case] manual: uuid::Uuid,
    #[case] page: u32,
) -> TestResult {
    let (_dir, index) = built()?;
    let hits = search(&index, text)?;
    let pos = hits
        .iter()
        .position(|h| (h.manual_id, h.page) == (manual, page));
    assert!(matches!(pos, Some(0..=1)), "{text}: {hits:#?}");
    Ok(())
}

#[test]
fn the_word_being_typed_is_completed() -> TestResult {
    let (_dir, index) = built()?;
    assert_eq!(top(&index, "braking resis")?, Some((VFD, 12)));
    // The stem of "bearings" is "bear": completion works on the words kept beside the stems.
    assert_eq!(top(&index, "worn bearin")?, Some((SPINDLE, 6)));
    // A finished word (trailing space) is not completed.
    assert_eq!(top(&index, "resis ")?, None);
    Ok(())
}

#[test]
fn german_pages_are_stemmed_in_german() -> TestResult {
    let (_dir, index) = built()?;
    // "Kurzschlüsse" (plural) meets "Kurzschluss" / "Kurzschlusses" through the German stemmer.
    assert_eq!(top(&index, "Kurzschlüsse")?, Some((HEATING, 10)));
    // Typed without the umlaut.
    assert_eq!(top(&index, "Lufter prufen")?, Some((HEATING, 9)));
    Ok(())
}

#[test]
fn english_words_are_stemmed() -> TestResult {
    let (_dir, index) = built()?;
    assert_eq!(top(&index, "cleaning fans")?, Some((VFD, 14)));
    Ok(())
}

#[test]
fn the_model_boost_reorders_without_hiding() -> TestResult {
    let (_dir, index) = built()?;
    // No typed word names a manual here ("spindle" would: it is in the spindle manual's
    // title, and a typed manual name scopes the search more strongly than an asset's model).
    // Two manuals answer it: the VFD's troubleshooting page (p. 13) and the spindle's bearing
    // page (p. 6). Whichever of them ranks below the other unboosted ranks first when its model
    // is the asset's.
    let plain = search(&index, "noisy bearings")?;
    let rank = |manual, page| {
        plain
            .iter()
            .position(|h| (h.manual_id, h.page) == (manual, page))
    };
    let (vfd, spindle) = (
        rank(VFD, 13).ok_or("VFD p.13")?,
        rank(SPINDLE, 6).ok_or("p.6")?,
    );
    let (model, wanted, other) = if vfd > spindle {
        ("vf 200", (VFD, 13), SPINDLE)
    } else {
        ("sp 9", (SPINDLE, 6), VFD)
    };
    let boosted = search_with(
        &index,
        SearchQuery {
            text: "noisy bearings".into(),
            boost_models: vec![model.into()],
            limit: 10,
        },
    )?;
    assert_eq!(
        boosted.first().map(|h| (h.manual_id, h.page)),
        Some(wanted),
        "{model}"
    );
    assert!(
        boosted.iter().any(|h| h.manual_id == other),
        "other manuals stay"
    );
    assert_eq!(plain.len(), boosted.len());
    Ok(())
}

#[test]
fn snippets_highlight_codes_and_words_in_utf16() -> TestResult {
    let (_dir, index) = built()?;
    let hits = search(&index, "EOC1 acceleration")?;
    let hit = hits.first().ok_or("no hit")?;
    let marked = highlighted(hit);
    assert!(
        marked.iter().any(|m| m == "E.oC.1"),
        "{marked:?} in {}",
        hit.snippet
    );
    assert!(
        marked
            .iter()
            .any(|m| m.eq_ignore_ascii_case("acceleration")),
        "{marked:?}"
    );
    assert!(!hit.snippet.contains('\n'));

    // Non-ASCII before the match: offsets count UTF-16 units, not bytes.
    let hits = search(&index, "F0002 Lüfter")?;
    let hit = hits.first().ok_or("no hit")?;
    let marked = highlighted(hit);
    assert!(
        marked.iter().any(|m| m == "F0002"),
        "{marked:?} in {}",
        hit.snippet
    );
    assert!(
        marked.iter().any(|m| m == "Lüfter"),
        "{marked:?} in {}",
        hit.snippet
    );
    for w in hit.highlights.windows(2) {
        assert!(w[0][1] <= w[1][0], "sorted, not overlapping");
    }
    Ok(())
}

#[test]
fn hits_carry_manual_page_and_file() -> TestResult {
    let (_dir, index) = built()?;
    let hits = search(&index, "Err31")?;
    let hit = hits.first().ok_or("no hit")?;
    assert_eq!(hit.manual_id, SPINDLE);
    assert_eq!(hit.page, 5);
    assert_eq!(hit.file_name, "rotor_spindle_manual.pdf");
    assert_eq!(hit.title.as_deref(), Some("rotor spindle manual"));
    assert!(hit.score > 0.0);
    Ok(())
}

#[test]
fn the_limit_is_respected_and_clamped() -> TestResult {
    let (_dir, index) = built()?;
    let q = |limit| SearchQuery {
        text: "the spindle motor".into(),
        boost_models: vec![],
        limit,
    };
    assert_eq!(search_with(&index, q(2))?.len(), 2);
    assert!(!search_with(&index, q(0))?.is_empty());
    Ok(())
}

#[test]
fn results_serialise_in_snake_case() -> TestResult {
    let (_dir, index) = built()?;
    let r = index.search(&SearchQuery::new("Err 31"))?;
    let json = serde_json::to_value(&r)?;
    let hit = &json["hits"][0];
    for key in [
        "manual_id",
        "file_name",
        "title",
        "page",
        "score",
        "snippet",
        "highlights",
    ] {
        assert!(hit.get(key).is_some(), "{key} in {hit}");
    }
    assert_eq!(json["rebuilding"], false);
    Ok(())
}
