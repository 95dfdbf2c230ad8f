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

/// A name as shown in lists and downloads (an organisation's, a person's): trimmed, 1 to
/// `max_chars` characters, on one line, without control characters (a tab, a newline or a bell
/// in a name breaks the CSV and the screens that show it).
pub fn name(value: &str, max_chars: usize, field: &str) -> Result<String, ApiError> {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > max_chars {
        return Err(bad(
            "INVALID_NAME",
            format!("{field} must have 1 to {max_chars} characters"),
            field,
        ));
    }
    if let Some(at) = v.chars().position(char::is_control) {
        return Err(bad(
            "INVALID_NAME",
            format!(
                "{field} has a control character (a tab, a line break or another) at position {}",
                at + 1
            ),
            field,
        ));
    }
    Ok(v.to_string())
}
