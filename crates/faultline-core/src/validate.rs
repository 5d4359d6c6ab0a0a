//! The value rules a work-order record must meet, written once and run twice: by the laptop's
//! store before it saves (where the person can fix the input) and by the hub before it accepts a
//! pushed mutation (the hub never trusts what a client checked). Pure functions, no IO: the
//! catalogue lookup is passed in.
//!
//! Text policy: the laptop **cleans** control characters (a barcode scanner's NUL or ESC, a pasted
//! form feed) — they are removed, tab and line breaks are kept, CR LF becomes LF — because the
//! person cannot see them and cannot type them away. The hub **refuses** a text that still holds
//! one, because a laptop that cleans never sends one (`invalid_value`, per mutation).

use chrono::{DateTime, Duration, TimeZone, Utc};
use std::fmt;

/// Most characters in a note, a title or a remedy text.
pub const MAX_TEXT_CHARS: usize = 20_000;
/// Most characters in a failure code, a fault code, a part number or a unit.
pub const MAX_CODE_CHARS: usize = 64;
/// Most characters in a person's name, a caption or a part description.
pub const MAX_SHORT_TEXT_CHARS: usize = 500;
/// A stop further back than this before the breakdown was reported asks for a confirmation.
pub const PLAUSIBLE_STOP_DAYS: i64 = 7;
/// A device clock may run this far ahead of the hub's before its times are refused.
pub const CLOCK_SKEW_TOLERANCE_HOURS: i64 = 24;

/// A value that breaks a rule: which field, and a sentence that says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: &'static str,
    pub reason: String,
}

impl Invalid {
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Invalid {
            field,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for Invalid {}

impl From<Invalid> for crate::CoreError {
    fn from(e: Invalid) -> Self {
        crate::CoreError::InvalidInput(e.reason)
    }
}

/// True for a character no record may hold: C0/C1 controls other than tab and line feed, and
/// the non-characters U+FFFE/U+FFFF.
pub fn is_forbidden_char(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n') || c == '\u{FFFE}' || c == '\u{FFFF}'
}

/// The laptop's cleaning: CR LF and lone CR become LF, other forbidden characters are removed.
pub fn clean_controls(text: &str) -> String {
    let unified = text.replace("\r\n", "\n").replace('\r', "\n");
    unified.chars().filter(|c| !is_forbidden_char(*c)).collect()
}

/// The laptop's text rule: cleaned, trimmed, empty → `None` (or an error when `required`), at
/// most `max_chars` characters.
pub fn clean_text(
    field: &'static str,
    what: &str,
    text: &str,
    max_chars: usize,
    required: bool,
) -> Result<Option<String>, Invalid> {
    let cleaned = clean_controls(text);
    let t = cleaned.trim();
    if t.is_empty() {
        return if required {
            Err(Invalid::new(
                field,
                format!("{what} is empty: type a few words"),
            ))
        } else {
            Ok(None)
        };
    }
    check_len(field, what, t, max_chars)?;
    Ok(Some(t.to_string()))
}

/// The hub's text rule: no forbidden character, at most `max_chars` characters.
pub fn check_text(
    field: &'static str,
    what: &str,
    text: &str,
    max_chars: usize,
) -> Result<(), Invalid> {
    if let Some(c) = text.chars().find(|c| is_forbidden_char(*c)) {
        return Err(Invalid::new(
            field,
            format!(
                "{what} holds the control character U+{:04X}, which a record cannot store: remove it and save again",
                u32::from(c)
            ),
        ));
    }
    check_len(field, what, text, max_chars)
}

/// [`check_text`] for an optional value.
pub fn check_opt_text(
    field: &'static str,
    what: &str,
    text: Option<&str>,
    max_chars: usize,
) -> Result<(), Invalid> {
    text.map_or(Ok(()), |t| check_text(field, what, t, max_chars))
}

fn check_len(field: &'static str, what: &str, text: &str, max_chars: usize) -> Result<(), Invalid> {
    // Bytes bound characters from above: only count when it could matter.
    if text.len() > max_chars && text.chars().count() > max_chars {
        return Err(Invalid::new(
            field,
            format!("{what} is longer than {max_chars} characters: shorten it or split it into several notes"),
        ));
    }
    Ok(())
}

/// The earliest time any record may carry (nothing in a plant's maintenance record is older).
pub fn earliest_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// A time a record may carry: not before 1970, not beyond `now` plus the clock-skew tolerance
/// (which also keeps it inside PostgreSQL's and SQLite's ranges).
pub fn check_time(
    field: &'static str,
    what: &str,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), Invalid> {
    if at < earliest_time() {
        return Err(Invalid::new(
            field,
            format!(
                "{what} ({}) is before 1970: check the date",
                at.format("%Y-%m-%d")
            ),
        ));
    }
    if at > now + Duration::hours(CLOCK_SKEW_TOLERANCE_HOURS) {
        return Err(Invalid::new(
            field,
            format!(
                "{what} ({}) is in the future: check the date and the laptop's clock",
                at.format("%Y-%m-%d %H:%M")
            ),
        ));
    }
    Ok(())
}

/// How plausible a downtime start is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopCheck {
    /// Within the plausible window.
    Plausible,
    /// Earlier than [`PLAUSIBLE_STOP_DAYS`] before the report: allowed only when confirmed.
    NeedsConfirmation,
}

/// The rule for "the machine stopped at": not in the future, not before the asset was last back
/// in service (`last_back_in_service`, from its other work orders), and more than
/// [`PLAUSIBLE_STOP_DAYS`] before `reported_at` only when the person confirms.
pub fn check_stop_time(
    at: DateTime<Utc>,
    reported_at: DateTime<Utc>,
    now: DateTime<Utc>,
    last_back_in_service: Option<DateTime<Utc>>,
) -> Result<StopCheck, Invalid> {
    check_time("downtime_start", "the stop time", at, now)?;
    if let Some(back) = last_back_in_service {
        if at < back {
            return Err(Invalid::new(
                "downtime_start",
                format!(
                    "the machine was back in service at {} after its last stop: a new stop cannot start before that — check the date",
                    back.format("%Y-%m-%d %H:%M UTC")
                ),
            ));
        }
    }
    if at < reported_at - Duration::days(PLAUSIBLE_STOP_DAYS) {
        return Ok(StopCheck::NeedsConfirmation);
    }
    Ok(StopCheck::Plausible)
}

/// The units a part quantity may be given in, with the largest plausible quantity on one work
/// order and whether it must be whole.
pub const UNITS: &[(&str, f64, bool)] = &[
    ("ea", 1_000.0, true),
    ("m", 10_000.0, false),
    ("mm", 100_000.0, false),
    ("kg", 10_000.0, false),
    ("g", 100_000.0, false),
    ("l", 10_000.0, false),
    ("ml", 100_000.0, false),
    ("set", 1_000.0, true),
    ("h", 1_000.0, false),
];

/// The default unit of a part.
pub const DEFAULT_UNIT: &str = "ea";

/// A part quantity: above 0, finite, within the unit's bound, whole for counted units. Returns
/// the unit in its canonical spelling.
pub fn check_quantity(quantity: f64, unit: Option<&str>) -> Result<&'static str, Invalid> {
    let unit_in = unit
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .unwrap_or(DEFAULT_UNIT);
    let Some(&(unit, max, whole)) = UNITS
        .iter()
        .find(|(u, _, _)| u.eq_ignore_ascii_case(unit_in))
    else {
        let known: Vec<&str> = UNITS.iter().map(|(u, _, _)| *u).collect();
        return Err(Invalid::new(
            "unit",
            format!(
                "{unit_in:?} is not a unit Faultline knows: use one of {}",
                known.join(", ")
            ),
        ));
    };
    if !(quantity.is_finite() && quantity > 0.0) {
        return Err(Invalid::new(
            "quantity",
            "the quantity must be a number above 0",
        ));
    }
    if quantity > max {
        return Err(Invalid::new(
            "quantity",
            format!("{quantity} {unit} is more than one work order can use (at most {max} {unit}): check the quantity"),
        ));
    }
    if whole && quantity.fract() != 0.0 {
        return Err(Invalid::new(
            "quantity",
            format!("parts counted in {unit} come whole: {quantity} is not a whole number"),
        ));
    }
    Ok(unit)
}

/// The Maximo hierarchy a set of codes must form: a problem needs its class, a cause its
/// problem, a remedy its cause. (Whether each code exists under its parent is the catalogue's
/// part: see [`check_codes_in_catalog`].)
pub fn check_code_hierarchy(
    class: Option<&str>,
    problem: Option<&str>,
    cause: Option<&str>,
    remedy: Option<&str>,
) -> Result<(), Invalid> {
    let set = |c: Option<&str>| c.is_some_and(|c| !c.trim().is_empty());
    let levels = [
        ("failure_class", "failure class", set(class)),
        ("problem_code", "problem", set(problem)),
        ("cause_code", "cause", set(cause)),
        ("remedy_code", "remedy", set(remedy)),
    ];
    for pair in levels.windows(2) {
        let (_, upper, upper_set) = pair[0];
        let (field, lower, lower_set) = pair[1];
        if lower_set && !upper_set {
            return Err(Invalid::new(
                field,
                format!("a {lower} code needs a {upper} code above it: pick the {upper} first (or clear the {lower})"),
            ));
        }
    }
    Ok(())
}

/// What a catalogue lookup answers for (level, parent, code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogAnswer {
    /// The catalogue has no entry at this level at all: any code is accepted.
    LevelEmpty,
    /// Found, in the catalogue's spelling.
    Found(String),
    /// Not under that parent (or not at all).
    Missing,
}

/// Checks the Maximo codes against the catalogue through `lookup(level, parent, code)` (levels
/// as [`crate::domain::CatalogLevel::as_str`]); returns them in the catalogue's spelling.
pub fn check_codes_in_catalog(
    codes: [Option<&str>; 4],
    mut lookup: impl FnMut(&str, Option<&str>, &str) -> CatalogAnswer,
) -> Result<[Option<String>; 4], Invalid> {
    check_code_hierarchy(codes[0], codes[1], codes[2], codes[3])?;
    let levels = [
        ("class", "failure_class"),
        ("problem", "problem_code"),
        ("cause", "cause_code"),
        ("remedy", "remedy_code"),
    ];
    let mut out: [Option<String>; 4] = Default::default();
    let mut parent: Option<String> = None;
    for (i, (level, field)) in levels.iter().enumerate() {
        let Some(code) = codes[i].map(str::trim).filter(|c| !c.is_empty()) else {
            parent = None;
            continue;
        };
        check_text(field, "a failure code", code, MAX_CODE_CHARS)?;
        match lookup(level, parent.as_deref(), code) {
            CatalogAnswer::LevelEmpty => out[i] = Some(code.to_string()),
            CatalogAnswer::Found(c) => out[i] = Some(c),
            CatalogAnswer::Missing => {
                let under = parent
                    .as_deref()
                    .map(|p| format!(" under {p}"))
                    .unwrap_or_default();
                return Err(Invalid::new(
                    field,
                    format!("{code:?} is not a {level} code{under} in the site's failure catalogue: pick one from the catalogue"),
                ));
            }
        }
        parent = out[i].clone();
    }
    Ok(out)
}

/// The units a guide's measurement may be given in (electrical, temperature, pressure,
/// vibration, speed, flow, length, time), besides the part units of [`UNITS`].
pub const MEASUREMENT_UNITS: &[&str] = &[
    "V", "mV", "kV", "A", "mA", "Ohm", "kOhm", "MOhm", "GOhm", "Hz", "rpm", "%", "C", "K", "bar",
    "mbar", "kPa", "MPa", "psi", "mm/s", "g", "um", "s", "min", "l/min", "m3/h", "kW", "Nm", "dB",
];

/// A measurement unit: one of [`MEASUREMENT_UNITS`] or [`UNITS`]; returns its canonical spelling.
pub fn check_measurement_unit(unit: &str) -> Result<&'static str, Invalid> {
    let u = unit.trim();
    MEASUREMENT_UNITS
        .iter()
        .copied()
        .chain(UNITS.iter().map(|(u, _, _)| *u))
        .find(|k| k.eq_ignore_ascii_case(u))
        .ok_or_else(|| {
            Invalid::new(
                "unit",
                format!(
                    "{u:?} is not a measurement unit Faultline knows: use one of {}",
                    MEASUREMENT_UNITS.join(", ")
                ),
            )
        })
}

/// An expected range: at least one bound, each finite, `min <= max`.
pub fn check_range(min: Option<f64>, max: Option<f64>) -> Result<(), Invalid> {
    if min.is_none() && max.is_none() {
        return Err(Invalid::new(
            "range",
            "a measurement needs an expected range: give min, max or both",
        ));
    }
    if min.into_iter().chain(max).any(|v| !v.is_finite()) {
        return Err(Invalid::new("range", "the range's bounds must be numbers"));
    }
    if let (Some(lo), Some(hi)) = (min, max) {
        if lo > hi {
            return Err(Invalid::new(
                "range",
                format!("the range is empty: min {lo} is above max {hi}"),
            ));
        }
    }
    Ok(())
}

/// Longest period one production count may cover (a shift, a day, at most a week).
pub const MAX_PRODUCTION_PERIOD_DAYS: i64 = 7;
/// Most units one production count may hold.
pub const MAX_PRODUCTION_QUANTITY: f64 = 10_000_000.0;
/// Longest planned run time per unit, seconds (one unit a day).
pub const MAX_RUN_TIME_PER_UNIT_S: f64 = 86_400.0;

/// The figures of one production count (OEE per ISO 22400-2) as a person typed them: hours,
/// seconds per unit, whole quantities; `good` or `scrap` may be left out (the other one and the
/// produced quantity give it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProductionFigures {
    /// The count's period, end minus start.
    pub period_hours: f64,
    pub planned_busy_hours: f64,
    pub actual_production_hours: Option<f64>,
    pub run_time_per_unit_s: f64,
    pub produced: f64,
    pub good: Option<f64>,
    pub scrap: Option<f64>,
}

/// A production count: the period above 0 and at most [`MAX_PRODUCTION_PERIOD_DAYS`], the
/// planned busy time above 0 and within the period, the actual production time within the
/// planned busy time, the run time per unit above 0 and at most [`MAX_RUN_TIME_PER_UNIT_S`],
/// whole quantities up to [`MAX_PRODUCTION_QUANTITY`] with good + scrap = produced. Returns the
/// good quantity.
pub fn check_production_count(f: &ProductionFigures) -> Result<f64, Invalid> {
    let whole = |v: f64| v.is_finite() && v >= 0.0 && v.fract() == 0.0;
    let max_h = (MAX_PRODUCTION_PERIOD_DAYS * 24) as f64;
    if !(f.period_hours.is_finite() && f.period_hours > 0.0 && f.period_hours <= max_h) {
        return Err(Invalid::new(
            "period_end",
            format!("a count covers a shift, a day or at most {MAX_PRODUCTION_PERIOD_DAYS} days, ending after it starts: check the times"),
        ));
    }
    let pbt = f.planned_busy_hours;
    if !(pbt.is_finite() && pbt > 0.0 && pbt <= f.period_hours + 1e-9) {
        return Err(Invalid::new(
            "planned_busy_hours",
            format!(
                "planned busy time {pbt} h must be above 0 and within the period ({} h)",
                f.period_hours
            ),
        ));
    }
    if let Some(a) = f.actual_production_hours {
        if !(a.is_finite() && (0.0..=pbt + 1e-9).contains(&a)) {
            return Err(Invalid::new(
                "actual_production_hours",
                format!("actual production time {a} h must be between 0 and the planned busy time ({pbt} h)"),
            ));
        }
    }
    let pri = f.run_time_per_unit_s;
    if !(pri.is_finite() && pri > 0.0 && pri <= MAX_RUN_TIME_PER_UNIT_S) {
        return Err(Invalid::new(
            "run_time_per_unit_s",
            format!("planned run time per unit {pri} s must be above 0 and at most {MAX_RUN_TIME_PER_UNIT_S} s"),
        ));
    }
    let pq = f.produced;
    if !(whole(pq) && pq <= MAX_PRODUCTION_QUANTITY) {
        return Err(Invalid::new(
            "produced",
            format!(
                "produced quantity {pq} must be a whole number from 0 to {MAX_PRODUCTION_QUANTITY}"
            ),
        ));
    }
    for (field, v) in [("good", f.good), ("scrap", f.scrap)] {
        if let Some(v) = v {
            if !(whole(v) && v <= pq) {
                return Err(Invalid::new(
                    field,
                    format!("{field} quantity {v} must be a whole number from 0 to the produced quantity ({pq})"),
                ));
            }
        }
    }
    match (f.good, f.scrap) {
        (Some(g), Some(s)) if g + s != pq => Err(Invalid::new(
            "scrap",
            format!("good {g} + scrap {s} is not the produced quantity {pq}"),
        )),
        (Some(g), _) => Ok(g),
        (None, Some(s)) => Ok(pq - s),
        (None, None) => Err(Invalid::new("good", "give the good or the scrap quantity")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_production_count_is_checked_and_gives_its_good_quantity() {
        let ok = ProductionFigures {
            period_hours: 8.0,
            planned_busy_hours: 7.5,
            actual_production_hours: Some(7.0),
            run_time_per_unit_s: 90.0,
            produced: 272.0,
            good: None,
            scrap: Some(1.0),
        };
        assert_eq!(check_production_count(&ok), Ok(271.0));
        let field = |f: ProductionFigures| check_production_count(&f).map_err(|e| e.field);
        assert_eq!(
            field(ProductionFigures {
                planned_busy_hours: 8.5,
                ..ok
            }),
            Err("planned_busy_hours")
        );
        assert_eq!(
            field(ProductionFigures {
                actual_production_hours: Some(7.6),
                ..ok
            }),
            Err("actual_production_hours")
        );
        assert_eq!(
            field(ProductionFigures {
                run_time_per_unit_s: 0.0,
                ..ok
            }),
            Err("run_time_per_unit_s")
        );
        assert_eq!(
            field(ProductionFigures {
                produced: 2.5,
                ..ok
            }),
            Err("produced")
        );
        assert_eq!(
            field(ProductionFigures {
                good: Some(270.0),
                ..ok
            }),
            Err("scrap")
        );
        assert_eq!(
            field(ProductionFigures {
                good: None,
                scrap: None,
                ..ok
            }),
            Err("good")
        );
        assert_eq!(
            field(ProductionFigures {
                scrap: Some(300.0),
                ..ok
            }),
            Err("scrap")
        );
        assert_eq!(
            field(ProductionFigures {
                period_hours: 0.0,
                ..ok
            }),
            Err("period_end")
        );
        assert_eq!(
            field(ProductionFigures {
                period_hours: 200.0,
                planned_busy_hours: 7.5,
                ..ok
            }),
            Err("period_end")
        );
        assert_eq!(
            field(ProductionFigures {
                produced: f64::NAN,
                ..ok
            }),
            Err("produced")
        );
    }

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_default()
    }

    #[test]
    fn the_laptop_cleans_control_characters_and_the_hub_refuses_them() {
        assert_eq!(
            clean_controls("OC1\u{0}\r\nline\u{1b}2\t."),
            "OC1\nline2\t."
        );
        let cleaned = clean_text("text", "the note", " \u{0}bearing hot\u{7f} ", 100, true);
        assert_eq!(cleaned, Ok(Some("bearing hot".to_string())));
        assert!(clean_text("text", "the note", "\u{0}\u{1}", 100, true).is_err());
        let refused = check_text("text", "the note", "a\u{0}b", 100);
        assert!(refused.is_err_and(|e| e.reason.contains("U+0000")));
        assert!(check_text("text", "the note", "tab\tand\nnewline", 100).is_ok());
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        assert!(check_text("text", "x", &"é".repeat(10), 10).is_ok());
        assert!(check_text("text", "x", &"é".repeat(11), 10).is_err());
    }

    #[test]
    fn times_outside_1970_to_a_day_ahead_are_refused() {
        let now = t("2026-12-06T10:00:00Z");
        assert!(check_time("at", "the time", t("1900-01-01T00:00:00Z"), now).is_err());
        assert!(check_time("at", "the time", t("2026-12-07T09:00:00Z"), now).is_ok());
        assert!(check_time("at", "the time", t("2026-12-08T10:00:00Z"), now).is_err());
    }

    #[test]
    fn a_stop_before_the_last_return_to_service_is_refused_and_an_old_one_asks() {
        let now = t("2026-12-06T10:00:00Z");
        let back = Some(t("2026-12-05T08:00:00Z"));
        assert!(check_stop_time(t("2026-12-05T07:00:00Z"), now, now, back).is_err());
        assert_eq!(
            check_stop_time(t("2026-12-05T09:00:00Z"), now, now, back),
            Ok(StopCheck::Plausible)
        );
        assert_eq!(
            check_stop_time(t("2026-11-20T09:00:00Z"), now, now, None),
            Ok(StopCheck::NeedsConfirmation)
        );
        assert!(check_stop_time(t("1900-01-01T00:00:00Z"), now, now, None).is_err());
    }

    #[test]
    fn quantities_are_bounded_per_unit() {
        assert_eq!(check_quantity(2.0, None), Ok("ea"));
        assert!(check_quantity(99_999_999_999.0, None).is_err());
        assert!(check_quantity(1.5, Some("ea")).is_err());
        assert_eq!(check_quantity(1.5, Some("M")), Ok("m"));
        assert!(check_quantity(0.0, Some("l")).is_err());
        assert!(check_quantity(f64::NAN, Some("l")).is_err());
        assert!(check_quantity(1.0, Some("barrels")).is_err());
    }

    #[test]
    fn a_broken_hierarchy_is_refused() {
        assert!(check_code_hierarchy(None, None, Some("BRG"), Some("REPL")).is_err());
        assert!(check_code_hierarchy(Some("VFD"), None, Some("BRG"), None).is_err());
        assert!(check_code_hierarchy(Some("VFD"), Some("OC"), None, None).is_ok());
        assert!(check_code_hierarchy(None, None, None, None).is_ok());
    }

    #[test]
    fn codes_are_looked_up_under_their_parent() {
        let lookup = |level: &str, parent: Option<&str>, code: &str| match (level, parent, code) {
            ("class", None, "vfd") => CatalogAnswer::Found("VFD".into()),
            ("problem", Some("VFD"), "OC") => CatalogAnswer::Found("OC".into()),
            ("cause", _, _) => CatalogAnswer::LevelEmpty,
            _ => CatalogAnswer::Missing,
        };
        let ok = check_codes_in_catalog([Some("vfd"), Some("OC"), Some("X"), None], lookup);
        assert_eq!(
            ok,
            Ok([
                Some("VFD".into()),
                Some("OC".into()),
                Some("X".into()),
                None
            ])
        );
        assert!(check_codes_in_catalog([Some("PUMP"), None, None, None], lookup).is_err());
        let long = "A".repeat(100_000);
        assert!(check_codes_in_catalog([Some(&long), None, None, None], lookup).is_err());
    }
}
