//! Turning what a front end sent into core values (ids, times, dates) and core errors into the
//! `ErrorBody` every command answers with.

use faultline_core::{CoreError, ErrorBody};
use uuid::Uuid;

/// What every App command answers.
pub type ApiResult<T> = Result<T, ErrorBody>;

/// A core error as the front end receives it (logged once here).
pub fn err(e: CoreError) -> ErrorBody {
    tracing::warn!(code = ?e.code(), "command failed: {e}");
    ErrorBody::from(&e)
}

pub fn invalid(message: String) -> ErrorBody {
    err(CoreError::InvalidInput(message))
}

/// An id the UI sent; `what` names it in the error ("work order", "asset", …).
pub fn id(s: &str, what: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(s.trim()).map_err(|_| invalid(format!("{s:?} is not a valid {what} id")))
}

/// An optional RFC 3339 time; empty text is no time.
pub fn time(s: Option<&str>) -> ApiResult<Option<chrono::DateTime<chrono::Utc>>> {
    s.filter(|t| !t.trim().is_empty())
        .map(|t| {
            chrono::DateTime::parse_from_rfc3339(t.trim())
                .map(|d| d.with_timezone(&chrono::Utc))
                .map_err(|_| invalid(format!("{t:?} is not a time (RFC 3339 expected)")))
        })
        .transpose()
}

/// An optional YYYY-MM-DD date; empty text is no date.
pub fn date(s: Option<&str>) -> ApiResult<Option<chrono::NaiveDate>> {
    s.filter(|d| !d.trim().is_empty())
        .map(|d| {
            chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                .map_err(|_| invalid(format!("{d:?} is not a date (YYYY-MM-DD expected)")))
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use faultline_core::ErrorCode;

    #[test]
    fn bad_ids_times_and_dates_are_invalid_input() {
        assert_eq!(
            id("nope", "asset").map_err(|e| e.code),
            Err(ErrorCode::InvalidInput)
        );
        assert!(matches!(time(Some("  ")), Ok(None)));
        assert_eq!(
            time(Some("yesterday")).map_err(|e| e.code),
            Err(ErrorCode::InvalidInput)
        );
        assert!(matches!(time(Some("2026-11-20T10:00:00Z")), Ok(Some(_))));
        assert!(matches!(date(Some("2026-11-20")), Ok(Some(_))));
        assert_eq!(
            date(Some("20.11.2026")).map_err(|e| e.code),
            Err(ErrorCode::InvalidInput)
        );
    }
}
