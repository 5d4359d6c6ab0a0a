//! Time helpers: milliseconds since the Unix epoch (UTC) as the core stores them.

use chrono::{DateTime, Datelike, TimeZone, Utc};

pub const HOUR_MS: i64 = 3_600_000;
pub const DAY_MS: i64 = 24 * HOUR_MS;

pub fn hours(ms: i64) -> f64 {
    ms as f64 / HOUR_MS as f64
}

pub fn days(ms: i64) -> f64 {
    ms as f64 / DAY_MS as f64
}

/// RFC 3339 text of a time (seconds precision, `Z`).
pub fn iso(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// The start of the UTC month holding `ms`.
pub fn month_start(ms: i64) -> i64 {
    let t = DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default();
    Utc.with_ymd_and_hms(t.year(), t.month(), 1, 0, 0, 0)
        .single()
        .map(|m| m.timestamp_millis())
        .unwrap_or(ms)
}

/// The start of the UTC month after the one holding `ms`.
pub fn next_month(ms: i64) -> i64 {
    let t = DateTime::<Utc>::from_timestamp_millis(month_start(ms)).unwrap_or_default();
    let (y, m) = if t.month() == 12 {
        (t.year() + 1, 1)
    } else {
        (t.year(), t.month() + 1)
    };
    Utc.with_ymd_and_hms(y, m, 1, 0, 0, 0)
        .single()
        .map(|m| m.timestamp_millis())
        .unwrap_or(ms + 31 * DAY_MS)
}

/// `YYYY-MM` of the month holding `ms`.
pub fn month_label(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_step_over_the_year_end() {
        let dec = Utc
            .with_ymd_and_hms(2024, 12, 15, 10, 0, 0)
            .single()
            .map(|t| t.timestamp_millis())
            .unwrap_or_default();
        assert_eq!(iso(month_start(dec)), "2024-12-01T00:00:00Z");
        assert_eq!(iso(next_month(dec)), "2025-01-01T00:00:00Z");
        assert_eq!(month_label(dec), "2024-12");
    }
}
