//! A loan's repayment schedule and how far behind it a borrower is. Two methods, both with
//! quarterly payments from the disbursement date: interest only with the principal at maturity
//! (先息后本), or equal principal each quarter with the interest on what is left (等额本金).
//! Interest is actual/365 on the contractual principal outstanding in the period.

use chrono::NaiveDate;
use zhirong_engine::valuation::explain::add_months_clamped;

/// Months between scheduled payments.
pub const PERIOD_MONTHS: u32 = 3;
/// Days past due from which a loan is in default (DOMAIN.md, step 7).
pub const DEFAULT_DAYS: i64 = 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepaymentMethod {
    InterestOnlyBullet,
    EqualPrincipal,
}

impl RepaymentMethod {
    pub const NAMES: &'static str = "interest_only_bullet or equal_principal";

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "interest_only_bullet" => Some(Self::InterestOnlyBullet),
            "equal_principal" => Some(Self::EqualPrincipal),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::InterestOnlyBullet => "interest_only_bullet",
            Self::EqualPrincipal => "equal_principal",
        }
    }
}

/// One scheduled payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instalment {
    pub due_on: NaiveDate,
    pub principal_fen: i64,
    pub interest_fen: i64,
}

/// Interest for `days` days on `principal` at `rate_bp` a year (actual/365), half away from zero.
pub fn interest_fen(principal: i64, rate_bp: i32, days: i64) -> i64 {
    let num = i128::from(principal) * i128::from(rate_bp) * i128::from(days);
    let den = 10_000i128 * 365;
    let rounded = if num >= 0 {
        (num + den / 2) / den
    } else {
        (num - den / 2) / den
    };
    i64::try_from(rounded).unwrap_or(i64::MAX)
}

/// The contractual schedule. The principal parts add up to `principal` exactly (the last
/// instalment takes the fen left by division).
pub fn schedule(
    principal: i64,
    rate_bp: i32,
    disbursed: NaiveDate,
    maturity: NaiveDate,
    method: RepaymentMethod,
) -> Vec<Instalment> {
    let mut dues = Vec::new();
    let mut k = 1;
    while k <= 40 {
        let due = add_months_clamped(disbursed, PERIOD_MONTHS * k).min(maturity);
        dues.push(due);
        if due >= maturity {
            break;
        }
        k += 1;
    }
    let n = dues.len() as i64;
    let mut out = Vec::with_capacity(dues.len());
    let mut previous = disbursed;
    let mut left = principal;
    for (i, due) in dues.into_iter().enumerate() {
        let last = i as i64 == n - 1;
        let principal_part = match method {
            RepaymentMethod::InterestOnlyBullet if last => left,
            RepaymentMethod::InterestOnlyBullet => 0,
            RepaymentMethod::EqualPrincipal if last => left,
            RepaymentMethod::EqualPrincipal => principal / n,
        };
        out.push(Instalment {
            due_on: due,
            principal_fen: principal_part,
            interest_fen: interest_fen(left, rate_bp, (due - previous).num_days()),
        });
        left -= principal_part;
        previous = due;
    }
    out
}

/// How far behind the schedule a borrower is on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arrears {
    /// Days since the earliest instalment not fully covered by the payments made; 0 when none is due.
    pub days_past_due: i64,
    /// That instalment's due date.
    pub oldest_unpaid_due: Option<NaiveDate>,
    /// Principal and interest due by today and not paid.
    pub principal_due_fen: i64,
    pub interest_due_fen: i64,
}

impl Arrears {
    /// The date the loan fell (or falls) into default: 90 days after the oldest unpaid instalment.
    pub fn default_date(&self) -> Option<NaiveDate> {
        self.oldest_unpaid_due
            .map(|d| d + chrono::Duration::days(DEFAULT_DAYS))
    }
}

/// Payments are applied to the schedule in order (cumulatively, principal and interest apart):
/// the first instalment whose cumulative principal or interest is not covered by what was paid
/// up to `today` is the oldest unpaid one.
pub fn arrears(
    schedule: &[Instalment],
    paid: &[(NaiveDate, i64, i64)],
    today: NaiveDate,
) -> Arrears {
    let paid_principal: i64 = paid.iter().filter(|p| p.0 <= today).map(|p| p.1).sum();
    let paid_interest: i64 = paid.iter().filter(|p| p.0 <= today).map(|p| p.2).sum();
    let (mut due_principal, mut due_interest) = (0i64, 0i64);
    let mut oldest = None;
    for i in schedule.iter().filter(|i| i.due_on <= today) {
        due_principal += i.principal_fen;
        due_interest += i.interest_fen;
        if oldest.is_none() && (paid_principal < due_principal || paid_interest < due_interest) {
            oldest = Some(i.due_on);
        }
    }
    Arrears {
        days_past_due: oldest.map_or(0, |d| (today - d).num_days()),
        oldest_unpaid_due: oldest,
        principal_due_fen: (due_principal - paid_principal).max(0),
        interest_due_fen: (due_interest - paid_interest).max(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn bullet_pays_interest_quarterly_and_principal_at_maturity() {
        let s = schedule(
            100_000_000,
            300,
            d(2026, 1, 31),
            d(2027, 1, 31),
            RepaymentMethod::InterestOnlyBullet,
        );
        let dues: Vec<NaiveDate> = s.iter().map(|i| i.due_on).collect();
        // Month-end clamping: 31 January plus three months is 30 April.
        assert_eq!(
            dues,
            [
                d(2026, 4, 30),
                d(2026, 7, 31),
                d(2026, 10, 31),
                d(2027, 1, 31)
            ]
        );
        assert_eq!(s[0].principal_fen, 0);
        assert_eq!(s[3].principal_fen, 100_000_000);
        // 89 days at 3 % on RMB 1 m: 100,000,000 × 0.03 × 89 / 365 = 731,506.8… fen.
        assert_eq!(s[0].interest_fen, 731_507);
        // Each period is rounded on its own: the year's total may differ from a year's interest
        // in one go by a fen a period.
        let total: i64 = s.iter().map(|i| i.interest_fen).sum();
        assert_eq!(total, 731_507 + 3 * 756_164);
        assert!((total - interest_fen(100_000_000, 300, 365)).abs() <= 4);
    }

    #[test]
    fn equal_principal_adds_up_and_interest_falls() {
        let s = schedule(
            100_000_001,
            400,
            d(2026, 3, 1),
            d(2027, 9, 1),
            RepaymentMethod::EqualPrincipal,
        );
        assert_eq!(s.len(), 6);
        assert_eq!(s.iter().map(|i| i.principal_fen).sum::<i64>(), 100_000_001);
        assert_eq!(s[0].principal_fen, 16_666_666);
        assert_eq!(s[5].principal_fen, 16_666_671);
        // The second quarter's interest is on 5/6 of the principal (92 days: June to September).
        assert_eq!(
            s[1].interest_fen,
            interest_fen(100_000_001 - 16_666_666, 400, 92)
        );
        assert!(s[5].interest_fen < s[0].interest_fen);
    }

    #[test]
    fn arrears_start_at_the_oldest_uncovered_instalment() {
        let s = schedule(
            10_000_000,
            365,
            d(2026, 1, 1),
            d(2027, 1, 1),
            RepaymentMethod::InterestOnlyBullet,
        );
        // Nothing due yet.
        assert_eq!(arrears(&s, &[], d(2026, 3, 31)).days_past_due, 0);
        // First quarter unpaid: 10 days late on 11 April.
        let a = arrears(&s, &[], d(2026, 4, 11));
        assert_eq!(a.days_past_due, 10);
        assert_eq!(a.interest_due_fen, s[0].interest_fen);
        assert_eq!(a.default_date(), Some(d(2026, 6, 30)));
        // Paid in full: not late; paid one fen short: still late from the same date.
        let full = [(d(2026, 4, 1), 0, s[0].interest_fen)];
        assert_eq!(arrears(&s, &full, d(2026, 4, 11)).days_past_due, 0);
        let short = [(d(2026, 4, 1), 0, s[0].interest_fen - 1)];
        assert_eq!(
            arrears(&s, &short, d(2026, 7, 11)).oldest_unpaid_due,
            Some(d(2026, 4, 1))
        );
        // A payment dated after today does not count yet.
        let later = [(d(2026, 4, 20), 0, s[0].interest_fen)];
        assert_eq!(arrears(&s, &later, d(2026, 4, 11)).days_past_due, 10);
    }
}
