//! Access tokens: JWT signed with HS256 only (the algorithm is pinned: `none`, RS*, HS384/512
//! and the rest are refused), with `exp`, `nbf`, `iat`, `iss`, `aud`, `sub`, the role, the
//! organisation and the session (`sid`, the refresh-token family) all required. Time is checked
//! against the service's clock, not the library's, so tests can move it.

use chrono::{Duration, NaiveDateTime};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::config::Secret;

pub const ISSUER: &str = "zhirong";
pub const AUDIENCE: &str = "zhirong-api";
pub const ACCESS_TTL: Duration = Duration::minutes(15);

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    pub sub: String,
    pub iss: String,
    pub aud: String,
    pub exp: i64,
    pub nbf: i64,
    pub iat: i64,
    pub role: String,
    pub org: i64,
    pub sid: String,
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl JwtKeys {
    pub fn new(secret: &Secret) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret.expose().as_bytes()),
            decoding: DecodingKey::from_secret(secret.expose().as_bytes()),
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("token is malformed, signed with another key or algorithm, or lacks a required claim")]
    Invalid,
    #[error("token has expired")]
    Expired,
    #[error("token is not valid yet")]
    NotYetValid,
    #[error("token could not be signed")]
    Signing,
}

/// Signs an access token for `user_id` valid from `now` for [`ACCESS_TTL`].
pub fn issue(
    keys: &JwtKeys,
    user_id: i64,
    role: &str,
    org: i64,
    sid: &str,
    now: NaiveDateTime,
) -> Result<(String, Claims), TokenError> {
    let iat = now.and_utc().timestamp();
    let claims = Claims {
        sub: user_id.to_string(),
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        exp: iat + ACCESS_TTL.num_seconds(),
        nbf: iat,
        iat,
        role: role.into(),
        org,
        sid: sid.into(),
    };
    let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding)
        .map_err(|_| TokenError::Signing)?;
    Ok((token, claims))
}

/// Checks signature, algorithm, issuer, audience and required claims, then `nbf <= now < exp`.
pub fn verify(keys: &JwtKeys, token: &str, now: NaiveDateTime) -> Result<Claims, TokenError> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.algorithms = vec![Algorithm::HS256];
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[AUDIENCE]);
    validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
    // Time is ours to check, against the service clock.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    let data = jsonwebtoken::decode::<Claims>(token, &keys.decoding, &validation)
        .map_err(|_| TokenError::Invalid)?;
    let now = now.and_utc().timestamp();
    if now >= data.claims.exp {
        return Err(TokenError::Expired);
    }
    if now < data.claims.nbf {
        return Err(TokenError::NotYetValid);
    }
    Ok(data.claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(s: &str) -> JwtKeys {
        JwtKeys::new(&Secret::new(s))
    }

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap_or_default()
    }

    #[test]
    fn a_token_is_valid_for_fifteen_minutes_only() -> Result<(), TokenError> {
        let k = keys("k1");
        let (token, claims) = issue(&k, 7, "bank_officer", 3, "fam", t("2026-11-21 10:00:00"))?;
        assert_eq!(verify(&k, &token, t("2026-11-21 10:14:59")), Ok(claims));
        assert_eq!(
            verify(&k, &token, t("2026-11-21 10:15:00")),
            Err(TokenError::Expired)
        );
        assert_eq!(
            verify(&k, &token, t("2026-11-21 09:59:59")),
            Err(TokenError::NotYetValid)
        );
        Ok(())
    }

    #[test]
    fn another_key_or_algorithm_is_refused() -> Result<(), TokenError> {
        let (token, claims) = issue(&keys("k1"), 7, "admin", 1, "fam", t("2026-11-21 10:00:00"))?;
        assert_eq!(
            verify(&keys("k2"), &token, t("2026-11-21 10:01:00")),
            Err(TokenError::Invalid)
        );
        let hs512 = jsonwebtoken::encode(
            &Header::new(Algorithm::HS512),
            &claims,
            &EncodingKey::from_secret(b"k1"),
        )
        .map_err(|_| TokenError::Signing)?;
        assert_eq!(
            verify(&keys("k1"), &hs512, t("2026-11-21 10:01:00")),
            Err(TokenError::Invalid)
        );
        Ok(())
    }
}
