//! Chinese patent application numbers (专利申请号, ZC 0006-2003).
//!
//! Since 2003-10-01: year (4) + type (1) + serial (7), a dot and a check character; before that
//! year (2) + type (1) + serial (5). `CN`/`ZL` prefixes and spaces are accepted and dropped; the
//! stored form is `YYYYTNNNNNNN.C` (or `YYTNNNNN.C`).

use std::fmt;

use zhirong_engine::valuation::PatentType;

const WEIGHTS: [u32; 12] = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];

/// The patent type a new-style application number's type digit declares (PCT national-phase
/// digits 8 and 9 also map to invention and utility model).
fn type_of_digit(d: u8) -> Option<PatentType> {
    match d {
        b'1' | b'8' => Some(PatentType::Invention),
        b'2' | b'9' => Some(PatentType::UtilityModel),
        b'3' => Some(PatentType::Design),
        _ => None,
    }
}

/// The type digit a new number of `patent_type` gets.
fn digit_of_type(patent_type: PatentType) -> u8 {
    match patent_type {
        PatentType::Invention => 1,
        PatentType::UtilityModel => 2,
        PatentType::Design => 3,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct PatentNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatentNumberError {
    #[error(
        "a CN application number has 12 digits (since 2003) or 8 digits (before), then '.' and a check character; got {0} digits"
    )]
    Length(usize),
    #[error("character {position} ('{found}') is not a digit")]
    NotDigit { position: usize, found: char },
    #[error("the check character after '.' is missing")]
    MissingCheck,
    #[error("the check character must be a digit or X, found '{0}'")]
    BadCheckCharacter(char),
    #[error("type digit (position {position}) is '{found}', which is not a known patent type")]
    TypeDigit { position: usize, found: char },
    #[error("check character is '{found}', expected '{expected}'")]
    Check { found: char, expected: char },
    #[error("the number declares a {declared} patent but the patent type given is {stated}")]
    TypeMismatch {
        declared: &'static str,
        stated: &'static str,
    },
}

fn check_of(digits: &[u8]) -> char {
    let sum: u32 = digits
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    match sum % 11 {
        10 => 'X',
        r => char::from(b'0' + r as u8),
    }
}

impl PatentNumber {
    pub fn parse(input: &str) -> Result<Self, PatentNumberError> {
        let mut s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        s.make_ascii_uppercase();
        let s = s
            .strip_prefix("CN")
            .or_else(|| s.strip_prefix("ZL"))
            .unwrap_or(&s)
            .to_string();
        let (body, check) = match s.split_once('.') {
            Some((b, c)) => (b.to_string(), c.to_string()),
            None => return Err(PatentNumberError::MissingCheck),
        };
        for (i, c) in body.chars().enumerate() {
            if !c.is_ascii_digit() {
                return Err(PatentNumberError::NotDigit {
                    position: i + 1,
                    found: c,
                });
            }
        }
        if body.len() != 12 && body.len() != 8 {
            return Err(PatentNumberError::Length(body.len()));
        }
        let mut check_chars = check.chars();
        let found = match (check_chars.next(), check_chars.next()) {
            (Some(c), None) => c,
            (None, _) => return Err(PatentNumberError::MissingCheck),
            (Some(_), Some(_)) => {
                return Err(PatentNumberError::BadCheckCharacter(
                    check.chars().nth(1).unwrap_or('?'),
                ));
            }
        };
        if !(found.is_ascii_digit() || found == 'X') {
            return Err(PatentNumberError::BadCheckCharacter(found));
        }
        let type_pos = if body.len() == 12 { 4 } else { 2 };
        let type_digit = body.as_bytes()[type_pos];
        if type_of_digit(type_digit).is_none() {
            return Err(PatentNumberError::TypeDigit {
                position: type_pos + 1,
                found: type_digit as char,
            });
        }
        let expected = check_of(body.as_bytes());
        if found != expected {
            return Err(PatentNumberError::Check { found, expected });
        }
        Ok(Self(format!("{body}.{found}")))
    }

    /// Parses and also checks that the type digit agrees with the stated patent type.
    pub fn parse_for(input: &str, stated: PatentType) -> Result<Self, PatentNumberError> {
        let number = Self::parse(input)?;
        let declared = number.patent_type();
        if declared != stated {
            return Err(PatentNumberError::TypeMismatch {
                declared: declared.as_str(),
                stated: stated.as_str(),
            });
        }
        Ok(number)
    }

    /// Builds a new-style number from its parts, computing the check character. The year and
    /// serial keep their last four and seven digits, so the result always parses.
    pub fn new_style(year: u16, patent_type: PatentType, serial: u32) -> Self {
        let body = format!(
            "{:04}{}{:07}",
            year % 10_000,
            digit_of_type(patent_type),
            serial % 10_000_000
        );
        let check = check_of(body.as_bytes());
        Self(format!("{body}.{check}"))
    }

    pub fn patent_type(&self) -> PatentType {
        let pos = if self.0.len() == 14 { 4 } else { 2 };
        type_of_digit(self.0.as_bytes()[pos]).unwrap_or(PatentType::Invention)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The stored form, for the database.
impl From<PatentNumber> for String {
    fn from(n: PatentNumber) -> String {
        n.0
    }
}

/// A number read back from the database is parsed like any other (it was stored normalised, so
/// it reads back unchanged).
impl TryFrom<String> for PatentNumber {
    type Error = PatentNumberError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl fmt::Display for PatentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_good_numbers_normalise() {
        assert_eq!(
            PatentNumber::parse("ZL201310699744.2").map(|p| p.to_string()),
            Ok("201310699744.2".into())
        );
        assert_eq!(
            PatentNumber::parse("95115608.X").map(|p| p.to_string()),
            Ok("95115608.X".into())
        );
        assert_eq!(
            PatentNumber::parse("cn 2013 1 0699744.2").map(|p| p.to_string()),
            Ok("201310699744.2".into())
        );
        assert_eq!(
            PatentNumber::parse("95115608.x").map(|p| p.to_string()),
            Ok("95115608.X".into())
        );
    }

    #[test]
    fn every_single_character_corruption_is_rejected() {
        let alphabet: Vec<char> = "0123456789X.".chars().collect();
        for good in ["201310699744.2", "95115608.X"] {
            let chars: Vec<char> = good.chars().collect();
            for pos in 0..chars.len() {
                for &replacement in &alphabet {
                    if replacement == chars[pos] {
                        continue;
                    }
                    let mut bad = chars.clone();
                    bad[pos] = replacement;
                    let bad: String = bad.into_iter().collect();
                    assert!(
                        PatentNumber::parse(&bad).is_err(),
                        "{bad} (position {}) was accepted",
                        pos + 1
                    );
                }
            }
        }
    }

    #[test]
    fn type_digit_must_agree_with_the_stated_type() {
        assert!(PatentNumber::parse_for("ZL201310699744.2", PatentType::Invention).is_ok());
        assert_eq!(
            PatentNumber::parse_for("ZL201310699744.2", PatentType::Design),
            Err(PatentNumberError::TypeMismatch {
                declared: "invention",
                stated: "design"
            })
        );
    }

    #[test]
    fn messages_say_what_was_expected() {
        assert_eq!(
            PatentNumber::parse("201310699744.3").map_err(|e| e.to_string()),
            Err("check character is '3', expected '2'".into())
        );
        assert_eq!(
            PatentNumber::parse("2013106997442"),
            Err(PatentNumberError::MissingCheck)
        );
        assert!(matches!(
            PatentNumber::parse("201350699744.2"),
            Err(PatentNumberError::TypeDigit { position: 5, .. })
        ));
    }

    #[test]
    fn new_style_numbers_carry_a_valid_check() {
        for serial in [1u32, 699744, 9_999_999] {
            for t in [
                PatentType::Invention,
                PatentType::UtilityModel,
                PatentType::Design,
            ] {
                let n = PatentNumber::new_style(2021, t, serial);
                assert_eq!(PatentNumber::parse(n.as_str()), Ok(n.clone()));
                assert_eq!(n.patent_type(), t);
            }
        }
        let far = PatentNumber::new_style(u16::MAX, PatentType::Design, u32::MAX);
        assert_eq!(far.as_str().len(), 14);
        assert_eq!(PatentNumber::parse(far.as_str()), Ok(far.clone()));
        assert_eq!(
            PatentNumber::new_style(2013, PatentType::Invention, 699744).as_str(),
            "201310699744.2"
        );
    }
}
