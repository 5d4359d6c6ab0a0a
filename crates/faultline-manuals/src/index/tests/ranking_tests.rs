//! The ranking signals on small made-up libraries: a close pair of typed words (a display
//! message) beats a shorter page that merely has the words apart, the synonym table finds the
//! manual's words for a colloquial symptom, and a typed model name scopes the search to its
//! manual without its cover page outranking the page that answers.

use super::fixtures::{built_with, page, TestResult};
use crate::index::{ManualIndex, PageDoc, SearchQuery};
use uuid::Uuid;

const DRIVE: Uuid = Uuid::from_u128(0x10);
const BOARD: Uuid = Uuid::from_u128(0x20);
const OTHER: Uuid = Uuid::from_u128(0x30);

fn drive(p: u32, text: &str) -> PageDoc {
    page(DRIVE, "acmeservo_manual.pdf", "AD-7", "en", p, text)
}

fn board(p: u32, text: &str) -> PageDoc {
    page(
        BOARD,
        "BTT_SKR_Mini_E3_manual.pdf",
        "SKR-MINI-E3",
        "en",
        p,
        text,
    )
}

fn other(p: u32, text: &str) -> PageDoc {
    page(OTHER, "printer_controller_guide.pdf", "PC-1", "en", p, text)
}

fn library() -> Vec<PageDoc> {
    vec![
        drive(1, "AcmeServo AD-7 servo drive. Safety instructions and intended use of the drive."),
        drive(2, "Stage two. Output wiring, hot surface, hot."),
        drive(3, "Fault table. Output stage too hot: the heat sink temperature exceeded its limit; reduce the load, check the fan, clean the heat sink and wait until the drive cools down before the restart."),
        drive(4, "Direction of rotation: if the axis runs in reverse, invert the direction parameter P3."),
        drive(5, "The axis moves to the home position after the enable signal."),
        drive(6, "Cabling of the encoder and of the motor cable shield; keep the motor cable short."),
        board(1, "SKR Mini E3 V2.0. The Mini E3 board: Mini E3 features, Mini E3 dimensions."),
        board(2, "Power supply 12 to 24 V. USB port. Fan outputs."),
        board(6, "Sensorless homing: set the jumper on the DIAG pins of each driver, then build the firmware with the homing sensitivity enabled and check the endstop states before the first home of each axis."),
        other(4, "Sensorless homing: remove the jumper on the DIAG pins."),
        other(5, "Thermistor inputs and heater outputs."),
        other(6, "Cable."),
    ]
}

fn built() -> TestResult<(tempfile::TempDir, ManualIndex)> {
    built_with(library())
}

fn ranked(index: &ManualIndex, text: &str) -> TestResult<Vec<(Uuid, u32)>> {
    Ok(index
        .search(&SearchQuery::new(text))?
        .hits
        .into_iter()
        .map(|h| (h.manual_id, h.page))
        .collect())
}

#[test]
fn a_display_message_typed_with_context_finds_its_table_entry_first() -> TestResult {
    let (_dir, index) = built()?;
    // Page 2 is short and has all three words, apart; page 3 has them side by side.
    assert_eq!(
        ranked(&index, "output stage too hot")?.first(),
        Some(&(DRIVE, 3))
    );
    Ok(())
}

#[test]
fn a_colloquial_symptom_finds_the_manuals_words() -> TestResult {
    let (_dir, index) = built()?;
    // "wrong way" is "direction", "reverse", "invert" in the manual.
    assert_eq!(
        ranked(&index, "axis moves wrong way")?.first(),
        Some(&(DRIVE, 4))
    );
    Ok(())
}

#[test]
fn a_typed_model_name_scopes_without_its_cover_page_winning() -> TestResult {
    let (_dir, index) = built()?;
    let hits = ranked(&index, "sensorless homing jumper mini e3")?;
    assert_eq!(hits.first(), Some(&(BOARD, 6)), "{hits:?}");
    // Without the model name, the page that says it most often comes first.
    assert_eq!(
        ranked(&index, "sensorless homing jumper")?.first(),
        Some(&(OTHER, 4))
    );
    Ok(())
}

#[test]
fn a_glued_model_prefix_names_the_manual() -> TestResult {
    let (_dir, index) = built()?;
    // "acme" starts the drive's title word "acmeservo"; the other manual's short page has
    // "cable" too, but not the model.
    let hits = ranked(&index, "acme cable")?;
    assert_eq!(hits.first().map(|h| h.0), Some(DRIVE), "{hits:?}");
    Ok(())
}

#[test]
fn a_two_letter_code_in_capitals_is_searched_though_a_stopword_elsewhere() -> TestResult {
    // "ou" is a French stopword ("or"); typed in capitals it is a display code.
    let mut pages = library();
    pages.push(drive(
        7,
        "Fault codes. OU: overvoltage during deceleration. OC: overcurrent.",
    ));
    let (_dir, index) = built_with(pages)?;
    assert_eq!(ranked(&index, "OU")?.first(), Some(&(DRIVE, 7)));
    assert_eq!(ranked(&index, "fault OU")?.first(), Some(&(DRIVE, 7)));
    Ok(())
}

#[test]
fn a_query_of_stopwords_only_still_searches_them() -> TestResult {
    let mut pages = library();
    pages.push(other(7, "Switch between on and off with the toggle."));
    let (_dir, index) = built_with(pages)?;
    // "on" and "off" are stopwords in English: alone, they are what was asked for.
    assert_eq!(ranked(&index, "on off")?.first(), Some(&(OTHER, 7)));
    Ok(())
}

#[test]
fn a_model_name_typed_in_two_parts_names_its_manual() -> TestResult {
    let mut pages = library();
    pages.push(page(
        Uuid::from_u128(0x40),
        "TMC2209_driver_manual.pdf",
        "TMC2209",
        "en",
        3,
        "Wiring of the motor phases and of the logic supply to the driver board.",
    ));
    pages.push(other(8, "Wiring. Wiring of the fan."));
    let (_dir, index) = built_with(pages)?;
    for typed in ["tmc 2209 wiring", "tmc-2209 wiring", "TMC2209 wiring"] {
        let hits = ranked(&index, typed)?;
        assert_eq!(
            hits.first(),
            Some(&(Uuid::from_u128(0x40), 3)),
            "{typed}: {hits:?}"
        );
    }
    Ok(())
}

#[test]
fn the_heading_field_puts_the_page_that_titles_the_words_first() -> TestResult {
    let titled = Uuid::from_u128(0x50);
    let mentions = Uuid::from_u128(0x60);
    let (_dir, index) = built_with(vec![
        page(mentions, "encoder_notes.pdf", "EN-1", "en", 2,
            "Encoder\nCable\nthe encoder cable: a following error of the axis, a following error limit."),
        page(titled, "axis_drive_manual.pdf", "AX-2", "en", 9,
            "Drive overview\nMotor data\nFollowing error\nthe axis lags behind the set position by more than the limit set in parameter P-210; check the mechanics and the gains of the controller before you increase it, and the load on the axis."),
    ])?;
    let q = SearchQuery::new("following error");
    let first = |head: f32| -> TestResult<Option<Uuid>> {
        let mut weights = crate::index::BASELINE_WEIGHTS;
        weights.head = head;
        let hits = index.search_with_weights(&q, &weights)?.hits;
        Ok(hits.first().map(|h| h.manual_id))
    };
    assert_eq!(
        first(0.0)?,
        Some(mentions),
        "body only: the page with both twice"
    );
    assert_eq!(
        first(1.0)?,
        Some(titled),
        "with headings: the page titled so"
    );
    Ok(())
}

#[test]
fn a_signed_number_is_searched_as_a_code() -> TestResult {
    let mut pages = library();
    pages.push(board(
        7,
        "Serial port settings\nSet SERIAL_PORT -1 in configuration.h for the USB port.",
    ));
    pages.push(board(
        8,
        "Serial port 1 and port 2 of the board: the serial port pins.",
    ));
    let (_dir, index) = built_with(pages)?;
    let hits = ranked(&index, "serial port -1")?;
    assert_eq!(hits.first(), Some(&(BOARD, 7)), "{hits:?}");
    Ok(())
}

#[test]
fn a_model_name_glued_or_apart_finds_the_other_spelling() -> TestResult {
    let stepper = Uuid::from_u128(0x70);
    let mut pages = library();
    pages.push(page(
        stepper,
        "closed_loop_stepper.pdf",
        "CL-1",
        "en",
        4,
        "The SERVO 42C closed loop board: wiring of the motor phases and the encoder magnet.",
    ));
    pages.push(page(
        stepper,
        "closed_loop_stepper.pdf",
        "CL-1",
        "en",
        5,
        "The MKS SERVO57C board: wiring of the motor phases and the encoder magnet.",
    ));
    pages.push(other(9, "Wiring. Wiring of the servo motor."));
    let (_dir, index) = built_with(pages)?;
    let hits = ranked(&index, "servo42c wiring")?;
    assert_eq!(hits.first(), Some(&(stepper, 4)), "glued: {hits:?}");
    let hits = ranked(&index, "servo 57c wiring")?;
    assert_eq!(hits.first(), Some(&(stepper, 5)), "apart: {hits:?}");
    Ok(())
}
