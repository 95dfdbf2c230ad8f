//! The `Authorization` header as actix hands it to the principal extractor: any header value
//! is turned into a bearer token or refused, and the token is then verified, without a panic.
//! `$TOKEN` in the input is replaced by a token the service signed, so the fuzzer also explores
//! the header forms around a good token; nothing else ever verifies.
#![no_main]

use actix_web::http::header::{AUTHORIZATION, HeaderValue};
use actix_web::test::TestRequest;
use chrono::{Duration, NaiveDate};
use libfuzzer_sys::fuzz_target;
use zhirong_api::auth::jwt::{self, JwtKeys};
use zhirong_api::auth::principal::bearer;
use zhirong_api::config::Secret;

fn replace(data: &[u8], pattern: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut rest = data;
    while !rest.is_empty() {
        if rest.starts_with(pattern) {
            out.extend_from_slice(with);
            rest = &rest[pattern.len()..];
        } else {
            out.push(rest[0]);
            rest = &rest[1..];
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let keys = JwtKeys::new(&Secret::new("zhirong-fuzz-key"));
    let now = NaiveDate::from_ymd_opt(2026, 11, 21)
        .and_then(|d| d.and_hms_opt(10, 0, 0))
        .unwrap_or_default();
    let (good, _) = jwt::issue(
        &keys,
        7,
        "bank_officer",
        3,
        "family",
        now - Duration::minutes(1),
    )
    .expect("signing works");
    let data = replace(data, b"$TOKEN", good.as_bytes());
    let Ok(value) = HeaderValue::from_bytes(&data) else {
        return;
    };
    let req = TestRequest::default()
        .insert_header((AUTHORIZATION, value))
        .to_http_request();
    let Some(token) = bearer(&req) else {
        return;
    };
    if let Ok(claims) = jwt::verify(&keys, &token, now) {
        assert_eq!(
            token, good,
            "a token other than the signed one was accepted"
        );
        assert_eq!(claims.sub, "7");
    }
});
