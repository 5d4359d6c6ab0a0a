//! Times given on the command line: RFC 3339, or "YYYY-MM-DD HH:MM[:SS]" in local time.

use chrono::{DateTime, Local, NaiveDateTime, TimeZone, Utc};
use faultline_core::CoreError;

pub fn parse(s: &str) -> Result<DateTime<Utc>, CoreError> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    for f in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(n) = NaiveDateTime::parse_from_str(s, f) {
            if let Some(t) = Local.from_local_datetime(&n).earliest() {
                return Ok(t.with_timezone(&Utc));
            }
        }
    }
    Err(CoreError::InvalidInput(format!(
        "{s:?} is not a time: use 2026-11-20T06:30:00Z or \"2026-11-20 06:30\" (local time)"
    )))
}

pub fn parse_opt(s: Option<&str>) -> Result<Option<DateTime<Utc>>, CoreError> {
    s.map(parse).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_and_local_forms_parse_and_nonsense_is_explained() {
        assert_eq!(
            parse("2026-11-20T06:30:00Z").map(|t| t.timestamp()).ok(),
            Some(1_795_156_200)
        );
        assert!(parse("2026-11-20 06:30").is_ok());
        let e = parse("yesterday")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("2026-11-20T06:30:00Z"), "{e}");
    }
}
