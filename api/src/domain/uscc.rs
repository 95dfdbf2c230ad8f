//! 统一社会信用代码 (unified social credit code, GB 32100-2015).
//!
//! 18 characters: registration authority, organisation category, six-digit administrative
//! division code, nine-character organisation code (GB 11714) and a check character computed
//! over the first seventeen. A `Uscc` value has passed the check; nothing re-validates it.

use std::fmt;

/// The 31 characters a USCC may contain, in value order (no I, O, Z, S, V).
const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Uscc(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    #[error("a USCC has 18 characters, this one has {0}")]
    Length(usize),
    #[error(
        "character {position} ('{found}') is not allowed in a USCC (allowed: 0-9 and A-Y without I, O, Z, S, V)"
    )]
    Character { position: usize, found: char },
    #[error(
        "characters 3 to 8 are the administrative division code and must be digits; character {position} is '{found}'"
    )]
    Division { position: usize, found: char },
    #[error("check character (position 18) is '{found}', expected '{expected}'")]
    Check { found: char, expected: char },
}

fn value_of(c: u8) -> Option<u32> {
    CHARSET.iter().position(|&x| x == c).map(|p| p as u32)
}

/// The check character for the first 17 characters (which must already be in the charset).
fn check_char(first17: &[u8]) -> Option<char> {
    let mut sum = 0u32;
    for (c, w) in first17.iter().zip(WEIGHTS) {
        sum += value_of(*c)? * w;
    }
    let c = (31 - sum % 31) % 31;
    Some(CHARSET[c as usize] as char)
}

impl Uscc {
    /// Trims and upper-cases `input`, then checks length, characters, division code and check
    /// character, naming the first position that is wrong.
    pub fn parse(input: &str) -> Result<Self, UsccError> {
        let code = input.trim().to_ascii_uppercase();
        let n = code.chars().count();
        if n != 18 {
            return Err(UsccError::Length(n));
        }
        let bytes = code.as_bytes();
        for (i, c) in code.chars().enumerate() {
            if !c.is_ascii() || value_of(c as u8).is_none() {
                return Err(UsccError::Character {
                    position: i + 1,
                    found: c,
                });
            }
            if (2..8).contains(&i) && !c.is_ascii_digit() {
                return Err(UsccError::Division {
                    position: i + 1,
                    found: c,
                });
            }
        }
        let expected = check_char(&bytes[..17]).ok_or(UsccError::Length(n))?;
        let found = bytes[17] as char;
        if found != expected {
            return Err(UsccError::Check { found, expected });
        }
        Ok(Self(code))
    }

    /// Completes 17 valid characters with their check character. Used by the demo generator.
    pub fn with_check(first17: &str) -> Result<Self, UsccError> {
        let upper = first17.to_ascii_uppercase();
        let n = upper.chars().count();
        if n != 17 {
            return Err(UsccError::Length(n + 1));
        }
        let check = check_char(upper.as_bytes()).ok_or(UsccError::Character {
            position: 1,
            found: '?',
        })?;
        Self::parse(&format!("{upper}{check}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The six-digit administrative division code (行政区划代码), positions 3 to 8.
    pub fn division_code(&self) -> &str {
        &self.0[2..8]
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: [&str; 2] = ["91310110666007217T", "91310115591693856A"];

    #[test]
    fn known_good_codes_are_accepted_after_trim_and_uppercase() {
        for code in GOOD {
            assert_eq!(
                Uscc::parse(code).map(|u| u.to_string()),
                Ok(code.to_string())
            );
            let sloppy = format!("  {}  ", code.to_ascii_lowercase());
            assert_eq!(
                Uscc::parse(&sloppy).map(|u| u.to_string()),
                Ok(code.to_string())
            );
        }
    }

    #[test]
    fn every_single_character_corruption_is_rejected() {
        let alphabet: Vec<char> = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".chars().collect();
        for code in GOOD {
            let chars: Vec<char> = code.chars().collect();
            for pos in 0..chars.len() {
                for &replacement in &alphabet {
                    if replacement == chars[pos] {
                        continue;
                    }
                    let mut bad = chars.clone();
                    bad[pos] = replacement;
                    let bad: String = bad.into_iter().collect();
                    assert!(
                        Uscc::parse(&bad).is_err(),
                        "{bad} (position {}) was accepted",
                        pos + 1
                    );
                }
            }
        }
    }

    #[test]
    fn messages_name_the_position_or_the_expected_check() {
        assert_eq!(
            Uscc::parse("91310110666007217A").map_err(|e| e.to_string()),
            Err("check character (position 18) is 'A', expected 'T'".to_string())
        );
        assert_eq!(
            Uscc::parse("9131011066600721IT").map_err(|e| e.to_string()),
            Err("character 17 ('I') is not allowed in a USCC (allowed: 0-9 and A-Y without I, O, Z, S, V)".to_string())
        );
        assert!(matches!(
            Uscc::parse("913A0110666007217T"),
            Err(UsccError::Division { position: 4, .. })
        ));
        assert_eq!(Uscc::parse("9131"), Err(UsccError::Length(4)));
    }

    #[test]
    fn with_check_completes_a_code() {
        assert_eq!(
            Uscc::with_check("91310110666007217").map(|u| u.to_string()),
            Ok(GOOD[0].to_string())
        );
        assert_eq!(
            Uscc::parse(GOOD[0]).map(|u| u.division_code().to_string()),
            Ok("310110".to_string())
        );
    }
}
