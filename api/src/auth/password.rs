//! Passwords: argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane), a random salt per
//! hash. Hashing is slow on purpose, so callers in the service run it off the async workers.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

pub const MIN_LENGTH: usize = 12;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PasswordError {
    #[error("the password must have at least {MIN_LENGTH} characters")]
    TooShort,
    #[error("the password is too common; choose another")]
    TooCommon,
    #[error("the password could not be hashed: {0}")]
    Hash(String),
}

fn hasher() -> Result<Argon2<'static>, PasswordError> {
    let params =
        Params::new(19 * 1024, 2, 1, None).map_err(|e| PasswordError::Hash(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Checks the password policy, then hashes. The result is a PHC string (algorithm, parameters,
/// salt and hash).
pub fn hash(password: &str) -> Result<String, PasswordError> {
    check_policy(password)?;
    hash_unchecked(password)
}

/// Common passwords of the policy's length, refused whatever their case (a short list of the
/// usual keyboard walks, digit runs and their Chinese favourites).
const COMMON: &str = include_str!("common_passwords.txt");

pub fn check_policy(password: &str) -> Result<(), PasswordError> {
    if password.chars().count() < MIN_LENGTH {
        return Err(PasswordError::TooShort);
    }
    let lower = password.to_lowercase();
    if COMMON.lines().any(|c| c.trim() == lower) {
        return Err(PasswordError::TooCommon);
    }
    Ok(())
}

/// Hashes without the policy check: for the demo password, which is public anyway.
pub fn hash_unchecked(password: &str) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// A valid argon2id hash of a random string, verified against when a username is unknown so
/// that a failed login takes the same time whether or not the user exists.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$RdescudvJCsgt3ub+b+dWRWJTmaaJObG0f9mQ+qFVJI";

/// True when `password` matches the stored PHC string.
pub fn verify(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    hasher()
        .map(|h| h.verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only_and_is_salted() -> Result<(), PasswordError> {
        let a = hash("correct horse battery")?;
        let b = hash("correct horse battery")?;
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "two hashes of one password must differ (salt)");
        assert!(verify("correct horse battery", &a));
        assert!(!verify("correct horse batterz", &a));
        assert!(!verify("correct horse battery", "not a hash"));
        Ok(())
    }

    #[test]
    fn short_and_common_passwords_are_refused() {
        assert_eq!(hash("short-pass1"), Err(PasswordError::TooShort));
        assert_eq!(hash("Password1234"), Err(PasswordError::TooCommon));
        assert_eq!(hash("qwerty123456"), Err(PasswordError::TooCommon));
    }

    /// A hash to verify against when the user does not exist, so the answer takes as long.
    #[test]
    fn the_dummy_hash_parses() {
        assert!(!verify("anything at all", DUMMY_HASH));
    }
}
