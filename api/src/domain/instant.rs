//! Instants in answers. Both databases keep UTC without an offset; answers say so, in RFC 3339
//! with a `Z` (`2026-12-02T05:16:10.424735Z`), the `date-time` of the OpenAPI document, so every
//! client reads the same instant (a bare `2026-12-02T05:16:10` is local time to a browser).
//! Fields use `#[serde(serialize_with = "crate::domain::instant::utc")]` (or `utc_option`).

use chrono::{NaiveDateTime, SecondsFormat};
use serde::Serializer;

pub fn utc<S: Serializer>(at: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&at.and_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

pub fn utc_option<S: Serializer>(at: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => utc(at, s),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use serde::Serialize;

    #[derive(Serialize)]
    struct View {
        #[serde(serialize_with = "super::utc")]
        at: chrono::NaiveDateTime,
        #[serde(serialize_with = "super::utc_option")]
        maybe: Option<chrono::NaiveDateTime>,
    }

    #[test]
    fn instants_are_rfc_3339_in_utc() {
        let at = NaiveDate::from_ymd_opt(2026, 12, 2)
            .and_then(|d| d.and_hms_micro_opt(5, 16, 10, 424_735))
            .unwrap_or_default();
        let whole = NaiveDate::from_ymd_opt(2026, 12, 2)
            .and_then(|d| d.and_hms_opt(5, 16, 10))
            .unwrap_or_default();
        let json = serde_json::to_string(&View {
            at,
            maybe: Some(whole),
        })
        .unwrap_or_default();
        assert_eq!(
            json,
            r#"{"at":"2026-12-02T05:16:10.424735Z","maybe":"2026-12-02T05:16:10Z"}"#
        );
        let json = serde_json::to_string(&View { at, maybe: None }).unwrap_or_default();
        assert!(json.ends_with(r#""maybe":null}"#), "{json}");
    }
}
