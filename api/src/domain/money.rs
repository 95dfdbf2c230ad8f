//! Money: `i64` fen (分) everywhere, never a float. Display forms follow Chinese practice:
//! `¥1,234,567.89`, 万元 for dashboards, and the upper-case form (大写) for contracts and vouchers.

use std::fmt;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(transparent)]
pub struct Fen(pub i64);

const DIGITS: [&str; 10] = ["零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"];
const PLACES: [&str; 4] = ["", "拾", "佰", "仟"];
const GROUPS: [&str; 4] = ["", "万", "亿", "万亿"];

impl Fen {
    pub const fn from_yuan(yuan: i64) -> Self {
        Self(yuan * 100)
    }

    /// In 万元 with two decimals, rounded half away from zero: `Fen(123_456_789)` is `"123.46"`.
    pub fn wan_yuan(self) -> String {
        let hundredths = div_round_half_away(i128::from(self.0), 10_000);
        let sign = if hundredths < 0 { "-" } else { "" };
        let a = hundredths.unsigned_abs();
        format!("{sign}{}.{:02}", a / 100, a % 100)
    }

    /// The upper-case amount of the PBOC rules (《支付结算办法》附件一), e.g.
    /// `人民币壹万陆仟肆佰零玖元零贰分` for 16,409.02.
    pub fn upper_case(self) -> String {
        let negative = self.0 < 0;
        let abs = self.0.unsigned_abs();
        let yuan = abs / 100;
        let jiao = (abs / 10) % 10;
        let fen = abs % 10;
        let mut out = String::from(if negative {
            "人民币负"
        } else {
            "人民币"
        });
        if yuan > 0 {
            out.push_str(&yuan_upper(yuan));
            out.push('元');
        }
        match (jiao, fen) {
            (0, 0) if yuan == 0 => out.push_str("零元整"),
            (0, 0) => out.push('整'),
            (0, f) => {
                if yuan > 0 {
                    out.push('零');
                }
                out.push_str(DIGITS[f as usize]);
                out.push('分');
            }
            (j, f) => {
                out.push_str(DIGITS[j as usize]);
                out.push('角');
                if f > 0 {
                    out.push_str(DIGITS[f as usize]);
                    out.push('分');
                }
            }
        }
        out
    }
}

fn div_round_half_away(n: i128, d: i128) -> i128 {
    let q = n / d;
    let r = n % d;
    if 2 * r.abs() >= d { q + n.signum() } else { q }
}

/// A positive whole number of yuan in upper case: four-digit groups joined by 万/亿, one 零 for
/// each run of zeros inside the number, none at the end, 壹拾 (not 拾) at the start.
fn yuan_upper(mut yuan: u64) -> String {
    let mut groups = Vec::new();
    while yuan > 0 {
        groups.push((yuan % 10_000) as usize);
        yuan /= 10_000;
    }
    let mut out = String::new();
    let mut pending_zero = false;
    for (g, &value) in groups.iter().enumerate().rev() {
        if value == 0 {
            pending_zero = !out.is_empty();
            continue;
        }
        if !out.is_empty() && (pending_zero || value < 1000) {
            out.push('零');
        }
        pending_zero = false;
        let digits = [value / 1000, value / 100 % 10, value / 10 % 10, value % 10];
        let mut zero_run = false;
        let mut started = false;
        for (i, &d) in digits.iter().enumerate() {
            if d == 0 {
                zero_run = started;
                continue;
            }
            if zero_run {
                out.push('零');
                zero_run = false;
            }
            started = true;
            out.push_str(DIGITS[d]);
            out.push_str(PLACES[3 - i]);
        }
        out.push_str(GROUPS[g.min(3)]);
    }
    out
}

impl fmt::Display for Fen {
    /// `¥1,234,567.89`, `-¥5.00` for negatives.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let yuan = (abs / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in yuan.chars().enumerate() {
            if i > 0 && (yuan.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(f, "{sign}¥{grouped}.{:02}", abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_with_thousands_separators() {
        assert_eq!(Fen(123_456_789).to_string(), "¥1,234,567.89");
        assert_eq!(Fen(5).to_string(), "¥0.05");
        assert_eq!(Fen(-500).to_string(), "-¥5.00");
        assert_eq!(Fen(100_000).to_string(), "¥1,000.00");
    }

    #[test]
    fn wan_yuan_rounds_half_away_from_zero() {
        assert_eq!(Fen(123_456_789).wan_yuan(), "123.46");
        assert_eq!(Fen(5_000_000_000).wan_yuan(), "5000.00");
        assert_eq!(Fen(5_000).wan_yuan(), "0.01");
        assert_eq!(Fen(-5_000).wan_yuan(), "-0.01");
        assert_eq!(Fen(4_999).wan_yuan(), "0.00");
    }

    #[test]
    fn upper_case_follows_the_pboc_examples() {
        assert_eq!(
            Fen(1_640_902).upper_case(),
            "人民币壹万陆仟肆佰零玖元零贰分"
        );
        assert_eq!(Fen(10_700_053).upper_case(), "人民币壹拾万柒仟元伍角叁分");
        assert_eq!(Fen(100_000).upper_case(), "人民币壹仟元整");
        assert_eq!(Fen(168_032).upper_case(), "人民币壹仟陆佰捌拾元叁角贰分");
        assert_eq!(
            Fen(325_004_503).upper_case(),
            "人民币叁佰贰拾伍万零肆拾伍元零叁分"
        );
        assert_eq!(Fen(100_000_000_500).upper_case(), "人民币壹拾亿零伍元整");
        assert_eq!(Fen(5_000_000_000).upper_case(), "人民币伍仟万元整");
        assert_eq!(Fen(50).upper_case(), "人民币伍角");
        assert_eq!(Fen(0).upper_case(), "人民币零元整");
        assert_eq!(Fen(1_000_100).upper_case(), "人民币壹万零壹元整");
    }
}

/// `a + b` in fen, or a 400 naming `field` when the sum is beyond what an amount can hold
/// (never a wrapped number).
pub fn add_fen(field: &str, a: i64, b: i64) -> Result<i64, crate::error::ApiError> {
    a.checked_add(b).ok_or_else(|| too_large(field))
}

/// The total of amounts a caller adds to (their own and the ones already stored), or a 400
/// naming `field` when it is beyond what an amount can hold.
pub fn total_fen(
    field: &str,
    parts: impl IntoIterator<Item = i64>,
) -> Result<i64, crate::error::ApiError> {
    let total: i128 = parts.into_iter().map(i128::from).sum();
    i64::try_from(total).map_err(|_| too_large(field))
}

/// The total of stored amounts (accumulated in i128: no wrap), or an error naming what was
/// summed when it does not fit an amount (the writes refuse what would get there).
pub fn stored_total(
    what: &str,
    parts: impl IntoIterator<Item = i64>,
) -> Result<i64, crate::error::ApiError> {
    let total: i128 = parts.into_iter().map(i128::from).sum();
    i64::try_from(total).map_err(|_| {
        crate::error::ApiError::Internal(format!("{what}: the total {total} fen overflows"))
    })
}

fn too_large(field: &str) -> crate::error::ApiError {
    crate::error::ApiError::bad_request(
        "AMOUNT_TOO_LARGE",
        format!(
            "{field}: the amount, added to the others, is beyond {} fen",
            i64::MAX
        ),
        Some(field),
    )
}

#[cfg(test)]
mod checked_tests {
    use super::*;

    #[test]
    fn an_overflow_names_the_field_and_never_wraps() {
        assert_eq!(add_fen("x", 1, 2).ok(), Some(3));
        let e = add_fen("interest_fen", i64::MAX, 1)
            .err()
            .map(|e| e.to_string());
        assert!(e.is_some_and(|m| m.contains("interest_fen")));
        assert!(total_fen("amount_fen", [i64::MAX / 2, i64::MAX / 2, 2]).is_err());
        assert_eq!(
            total_fen("amount_fen", [i64::MAX, -1]).ok(),
            Some(i64::MAX - 1)
        );
        assert!(stored_total("repayments", [i64::MAX, 1]).is_err());
    }
}
