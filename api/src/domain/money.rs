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
