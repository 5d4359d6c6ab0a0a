//! Reading dates and times from CMMS exports with the mapping's formats and time zone.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

pub fn parse_timezone(tz: &str) -> Result<FixedOffset, String> {
    let t = tz.trim();
    if t.eq_ignore_ascii_case("UTC") || t == "Z" {
        return FixedOffset::east_opt(0).ok_or_else(|| "bad offset".to_string());
    }
    let bad =
        || format!("timezone {tz:?} is not supported: use \"UTC\" or an offset like \"+10:00\"");
    let (sign, rest) = match t.as_bytes().first() {
        Some(b'+') => (1, &t[1..]),
        Some(b'-') => (-1, &t[1..]),
        _ => return Err(bad()),
    };
    let (h, m) = rest.split_once(':').ok_or_else(bad)?;
    let h: i32 = h.parse().map_err(|_| bad())?;
    let m: i32 = m.parse().map_err(|_| bad())?;
    if h > 14 || m > 59 {
        return Err(bad());
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60)).ok_or_else(bad)
}

/// Parses with the first format that fits; a date-only format means midnight.
pub struct DateParser {
    formats: Vec<(String, bool)>,
    offset: FixedOffset,
}

impl DateParser {
    pub fn new(formats: &[String], offset: FixedOffset) -> Self {
        let formats = formats
            .iter()
            .map(|f| {
                (
                    f.clone(),
                    f.contains("%H") || f.contains("%T") || f.contains("%R"),
                )
            })
            .collect();
        DateParser { formats, offset }
    }

    pub fn parse(&self, s: &str) -> Result<DateTime<Utc>, String> {
        let s = s.trim();
        for (f, has_time) in &self.formats {
            let naive = if *has_time {
                NaiveDateTime::parse_from_str(s, f).ok()
            } else {
                NaiveDate::parse_from_str(s, f)
                    .ok()
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
            };
            if let Some(n) = naive {
                if let Some(t) = self.offset.from_local_datetime(&n).single() {
                    return Ok(t.with_timezone(&Utc));
                }
            }
        }
        Err(format!(
            "{s:?} is not a date in any of the mapping's formats ({}); add its format to csv.date_formats",
            self.formats.iter().map(|f| f.0.as_str()).collect::<Vec<_>>().join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("2004-07-01", "2004-07-01T00:00:00Z")]
    #[case("2015-01-03T07:00:00.000000", "2015-01-03T07:00:00Z")]
    #[case(" 2015-01-03T07:00:00 ", "2015-01-03T07:00:00Z")]
    fn dates_in_the_mapping_formats(#[case] input: &str, #[case] expect: &str) {
        let p = DateParser::new(
            &["%Y-%m-%dT%H:%M:%S%.f".into(), "%Y-%m-%d".into()],
            parse_timezone("UTC").unwrap_or_else(|e| panic!("{e}")),
        );
        assert_eq!(
            p.parse(input)
                .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            Ok(expect.to_string())
        );
    }

    #[test]
    fn local_times_are_shifted_by_the_offset() {
        let p = DateParser::new(
            &["%Y-%m-%d %H:%M".into()],
            parse_timezone("+10:00").unwrap_or_else(|e| panic!("{e}")),
        );
        assert_eq!(
            p.parse("2020-01-01 10:00").map(|d| d.timestamp()),
            Ok(1_577_836_800)
        );
    }

    #[test]
    fn a_bad_date_says_which_formats_were_tried() {
        let p = DateParser::new(
            &["%Y-%m-%d".into()],
            parse_timezone("UTC").unwrap_or_else(|e| panic!("{e}")),
        );
        let e = p.parse("31/12/2020").err().unwrap_or_default();
        assert!(e.contains("%Y-%m-%d"), "{e}");
    }

    #[rstest]
    #[case("Europe/Berlin")]
    #[case("+25:00")]
    #[case("10:00")]
    fn unsupported_timezones_are_refused(#[case] tz: &str) {
        assert!(parse_timezone(tz).is_err());
    }
}
