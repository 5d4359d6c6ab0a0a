//! Version numbers typed without their "v" (or with it where the title has none) name the
//! manual of that version (`query_versions`): "skr 1.4" is the SKR V1.4's, "skr 2.0" the
//! V2.0's, "skr 1.3" the SKRV1.3's, "v1.2" the "Heating controller 1.2"'s. Every page has the
//! same text but for one word, so only the version can put the right manual first: without
//! the rule, the other board's page with the query's extra word wins.

use super::fixtures::{built_with, page, search, TestResult};
use crate::index::PageDoc;
use uuid::Uuid;

const V14: Uuid = Uuid::from_u128(0x141);
const MINI: Uuid = Uuid::from_u128(0x200);
const V13: Uuid = Uuid::from_u128(0x131);
const HEATING: Uuid = Uuid::from_u128(0x120);

const COMMON: &str = "Firmware update: copy the file to the SD card and power the board on.";

fn pages() -> Vec<PageDoc> {
    let board = |id, file: &str, model: &str, extra: &str| {
        page(id, file, model, "en", 5, &format!("{COMMON} {extra}"))
    };
    vec![
        board(
            V14,
            "BTT_SKR_V1.4_manual.pdf",
            "BTT_SKR_V1.4",
            "Probe port.",
        ),
        board(
            MINI,
            "BTT_SKR_MINI_E3_V2.0_manual.pdf",
            "BTT_SKR_MINI_E3_V2.0",
            "Heater port.",
        ),
        board(V13, "BIGTREETECH_SKRV1.3_guide.pdf", "SKRV1.3", "Fan port."),
        board(
            HEATING,
            "Heating_controller_1.2.pdf",
            "HC-1.2",
            "Relay port.",
        ),
    ]
}

#[test]
fn a_version_typed_without_its_v_names_the_manual_of_that_version() -> TestResult {
    let (_dir, index) = built_with(pages())?;
    for (typed, manual) in [
        ("skr 1.4 firmware heater", V14),
        ("skr 2.0 firmware probe", MINI),
        ("mini e3 2.0 firmware", MINI),
        ("skr 1.3 firmware probe", V13),
        ("skr-1.3 firmware probe", V13),
        ("v1.2 firmware", HEATING),
        ("V1.2 firmware", HEATING),
        // Glued to the model word's letters.
        ("skr1.4 firmware heater", V14),
        ("SKRv1.4 firmware heater", V14),
        ("skr2.0 firmware probe", MINI),
        ("skr1.3 firmware probe", V13),
    ] {
        let hits = search(&index, typed)?;
        let first = hits.first().map(|h| h.manual_id);
        assert_eq!(first, Some(manual), "{typed}: {hits:?}");
    }
    Ok(())
}

#[test]
fn other_numbers_name_no_version() -> TestResult {
    let (_dir, index) = built_with(pages())?;
    // "14" and "1,4" are not "V1.4": the probe page wins on its word, as without versions;
    // nor is "1.4" glued to letters no manual has.
    for typed in [
        "skr 14 firmware heater",
        "skr 1,4 firmware heater",
        "abc1.4 firmware heater",
    ] {
        let hits = search(&index, typed)?;
        let first = hits.first().map(|h| h.manual_id);
        assert_eq!(first, Some(MINI), "{typed}: {hits:?}");
    }
    Ok(())
}
