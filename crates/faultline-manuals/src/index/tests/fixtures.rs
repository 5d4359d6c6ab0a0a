//! A small library of made-up manual pages (written for these tests) and helpers to build and
//! query an index of them in a temporary directory.

use crate::index::{ManualIndex, PageDoc, SearchHit, SearchQuery};
use std::sync::atomic::AtomicBool;
use uuid::Uuid;

pub type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

pub const VFD: Uuid = Uuid::from_u128(0x0197_0000_0000_7000_8000_0000_0000_0001);
pub const SPINDLE: Uuid = Uuid::from_u128(0x0197_0000_0000_7000_8000_0000_0000_0002);
pub const HEATING: Uuid = Uuid::from_u128(0x0197_0000_0000_7000_8000_0000_0000_0003);
pub const SERVO: Uuid = Uuid::from_u128(0x0197_0000_0000_7000_8000_0000_0000_0004);

pub fn page(
    manual_id: Uuid,
    file: &str,
    model: &str,
    lang: &str,
    page: u32,
    text: &str,
) -> PageDoc {
    PageDoc {
        manual_id,
        page,
        file_name: file.to_string(),
        title: Some(file.trim_end_matches(".pdf").replace('_', " ")),
        manufacturer: None,
        models: vec![model.to_string()],
        language: lang.to_string(),
        text: text.to_string(),
    }
}

fn vfd(p: u32, text: &str) -> PageDoc {
    page(VFD, "acme_vfd_manual.pdf", "VF-200", "en", p, text)
}

fn spindle(p: u32, text: &str) -> PageDoc {
    page(SPINDLE, "rotor_spindle_manual.pdf", "SP-9", "en", p, text)
}

fn heating(p: u32, text: &str) -> PageDoc {
    page(HEATING, "heizungsaktor_handbuch.pdf", "HA-8", "de", p, text)
}

fn servo(p: u32, text: &str) -> PageDoc {
    page(SERVO, "servo_controller.pdf", "SC-1", "en", p, text)
}

pub fn library() -> Vec<PageDoc> {
    vec![
        vfd(1, "Acme VF-200 frequency inverter. Safety instructions: disconnect the supply and wait five minutes before opening the cover."),
        vfd(2, "Wiring of the main circuit. Connect the motor cable to U V W and the supply to R S T. Ground terminal E must be earthed."),
        vfd(11, "Parameter PD013 restores the factory settings. Parameter PD014 sets the acceleration time; a longer acceleration reduces the starting current."),
        vfd(12, "Fault codes shown on the display.\nE.oC.1   Over-current during acceleration: the acceleration time is too short or the load is too heavy. Extend the acceleration time.\nE.oU.2   Over-voltage during deceleration: extend the deceleration time or add a braking resistor."),
        vfd(13, "Troubleshooting. The motor does not turn: check the wiring and the run command. The spindle is noisy: check the bearings and the carrier frequency."),
        vfd(14, "Maintenance: clean the cooling fan every six months. Dust on the heat sink causes overheating of the inverter."),
        spindle(3, "Rotor spindle SP-9: water cooling. The spindle must never run without coolant; overheating destroys the bearings."),
        spindle(5, "Alarm list.\nAL 1021  Spindle temperature too high: check the coolant pump and the water flow.\nErr31    Communication lost between the drive and the controller: check the RS-485 cable."),
        spindle(6, "Spindle bearings: replace the bearings every 2000 hours. A noisy spindle indicates worn bearings."),
        spindle(7, "Overcurrent protection of the spindle drive trips when the tool is blunt or the feed rate is too high."),
        heating(9, "Störungsmeldungen: Bei einer aktiven Störung blinkt die Kanal-LED. Fehlercode F0002: Übertemperatur des Ventilantriebs. Prüfen Sie den Lüfter und die Umgebungstemperatur."),
        servo(40, "Diagnostic messages. 0Dh Over-current: short circuit in the motor or its cable. 0Eh I2t malfunction of the motor: check the mechanics for sluggishness."),
        servo(41, "2Fh Following error: the following error has become too great. Enlarge the error window or reduce the acceleration. 30h Homing required."),
        heating(10, "Kurzschluss am Ausgang: Der Aktor schaltet den Kanal ab. Nach dem Beheben des Kurzschlusses die Programmiertaste drücken."),
    ]
}

/// A rebuilt index of [`library`] in a fresh temporary directory.
pub fn built() -> TestResult<(tempfile::TempDir, ManualIndex)> {
    built_with(library())
}

/// A rebuilt index of `pages` in a fresh temporary directory.
pub fn built_with(pages: Vec<PageDoc>) -> TestResult<(tempfile::TempDir, ManualIndex)> {
    let dir = tempfile::tempdir()?;
    let index = ManualIndex::open(dir.path().join("index"))?;
    index.rebuild(pages, |_| {}, &AtomicBool::new(false))?;
    Ok((dir, index))
}

pub fn search(index: &ManualIndex, text: &str) -> TestResult<Vec<SearchHit>> {
    search_with(index, SearchQuery::new(text))
}

pub fn search_with(index: &ManualIndex, q: SearchQuery) -> TestResult<Vec<SearchHit>> {
    Ok(index.search(&q)?.hits)
}

/// `(manual, page)` of the first hit.
pub fn top(index: &ManualIndex, text: &str) -> TestResult<Option<(Uuid, u32)>> {
    Ok(search(index, text)?.first().map(|h| (h.manual_id, h.page)))
}

/// The highlighted parts of a hit's snippet (highlights are UTF-16 ranges).
pub fn highlighted(hit: &SearchHit) -> Vec<String> {
    let units: Vec<u16> = hit.snippet.encode_utf16().collect();
    hit.highlights
        .iter()
        .map(|[s, e]| String::from_utf16_lossy(&units[*s as usize..*e as usize]))
        .collect()
}
