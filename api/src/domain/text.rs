//! Free text as a person types it: trimmed, bounded, and empty read as nothing.

use crate::error::{ApiError, bad};

/// Trims an optional text and checks its length; empty becomes `None`.
pub fn optional_text(
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
