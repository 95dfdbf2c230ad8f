//! JWT verification. The input is a JOSE header and a claims set (split at the first newline),
//! signed here with the service's key so the fuzzer gets past the signature to the algorithm,
//! claim and time checks. Whatever they hold, `verify` returns an error or claims with our
//! issuer and audience that are valid now; it never panics. The same token with a changed
//! signature, signed with another key, or the raw input as a token, is always refused.
#![no_main]

use chrono::NaiveDate;
use jsonwebtoken::{Algorithm, EncodingKey};
use libfuzzer_sys::fuzz_target;
use zhirong_api::auth::jwt::{self, JwtKeys};
use zhirong_api::config::Secret;

const KEY: &str = "zhirong-fuzz-key";

/// Base64url without padding (RFC 7515).
fn b64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

fn signed(header: &[u8], claims: &[u8], key: &str) -> String {
    let message = format!("{}.{}", b64url(header), b64url(claims));
    let signature = jsonwebtoken::crypto::sign(
        message.as_bytes(),
        &EncodingKey::from_secret(key.as_bytes()),
        Algorithm::HS256,
    )
    .expect("HS256 signing works");
    format!("{message}.{signature}")
}

fuzz_target!(|data: &[u8]| {
    let keys = JwtKeys::new(&Secret::new(KEY));
    let now = NaiveDate::from_ymd_opt(2026, 11, 21)
        .and_then(|d| d.and_hms_opt(10, 0, 0))
        .unwrap_or_default();
    let now_ts = now.and_utc().timestamp();

    if let Ok(raw) = std::str::from_utf8(data) {
        assert!(
            jwt::verify(&keys, raw, now).is_err(),
            "unsigned {raw:?} accepted"
        );
    }
    let (header, claims) = match data.iter().position(|&b| b == b'\n') {
        Some(p) => (&data[..p], &data[p + 1..]),
        None => (data, &b""[..]),
    };
    let token = signed(header, claims, KEY);
    if let Ok(c) = jwt::verify(&keys, &token, now) {
        assert_eq!(c.iss, jwt::ISSUER);
        assert_eq!(c.aud, jwt::AUDIENCE);
        assert!(c.nbf <= now_ts && now_ts < c.exp, "not valid now: {c:?}");
        let alg = jsonwebtoken::decode_header(&token).map(|h| h.alg);
        assert_eq!(alg.ok(), Some(Algorithm::HS256));
    }
    assert!(jwt::verify(&keys, &signed(header, claims, "another-key"), now).is_err());
    let mut tampered = token.clone().into_bytes();
    if let Some(dot) = tampered.iter().rposition(|&b| b == b'.')
        && let Some(c) = tampered.get_mut(dot + 1)
    {
        *c = if *c == b'A' { b'B' } else { b'A' };
    }
    let tampered = String::from_utf8(tampered).expect("ASCII token");
    assert!(
        jwt::verify(&keys, &tampered, now).is_err(),
        "changed signature accepted"
    );
});
