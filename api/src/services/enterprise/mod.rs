//! The enterprise view (企知宝): an enterprise's own profile, patents, valuations and loan
//! applications. Every function takes the caller's organisation and reads or writes only rows
//! of that organisation; another enterprise's object is "not found".

pub mod alerts;
pub mod applications;
pub mod financials;
pub mod loans;
pub mod patents;
pub mod profile;
pub mod upload;
pub mod valuations;

use chrono::{NaiveDate, NaiveDateTime};

use crate::error::ApiError;

/// Legal dates are China calendar dates (UTC+8, no daylight saving): today there.
pub fn china_today(now_utc: NaiveDateTime) -> NaiveDate {
    (now_utc + chrono::Duration::hours(8)).date()
}

pub(crate) fn bad(code: &'static str, message: impl Into<String>, field: &str) -> ApiError {
    ApiError::bad_request(code, message, Some(field))
}

/// Trims an optional text and checks its length; empty becomes `None`.
pub(crate) fn optional_text(
    value: Option<&str>,
    max_chars: usize,
    field: &str,
) -> Result<Option<String>, ApiError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) if v.chars().count() > max_chars => Err(bad(
            "TEXT_TOO_LONG",
            format!("{field} has at most {max_chars} characters"),
            field,
        )),
        Some(v) => Ok(Some(v.to_string())),
    }
}
