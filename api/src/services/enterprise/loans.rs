//! The enterprise's loans: the schedule, the repayments made, outstanding principal, the next
//! due date, and the patents under pledge.
//!
//! The schedule is interest-only with quarterly interest and the principal at maturity (the
//! bank's product in the demo data); loans carry no other repayment method yet.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;
use zhirong_engine::valuation::explain::add_months_clamped;

use crate::db::DbConnection;
use crate::db::schema::{loans, organisations, patents, pledges, repayments};
use crate::error::ApiError;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScheduledPayment {
    pub due_on: NaiveDate,
    pub principal_fen: i64,
    pub interest_fen: i64,
    /// A repayment is recorded after the previous due date and by this one.
    pub paid: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Repayment {
    pub paid_on: NaiveDate,
    pub principal_fen: i64,
    pub interest_fen: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PledgedPatent {
    pub patent_id: i64,
    pub patent_number: String,
    /// proposed, pending_registration, registered, released, disposed
    pub pledge_status: String,
    pub registration_no: Option<String>,
    pub registration_date: Option<NaiveDate>,
    pub legal_status: String,
    pub fee_paid_until: Option<NaiveDate>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LoanView {
    pub id: i64,
    pub application_id: i64,
    pub bank_id: i64,
    pub bank_name: String,
    pub principal_fen: i64,
    pub outstanding_fen: i64,
    pub rate_bp: i32,
    pub term_months: i32,
    pub disbursed_on: NaiveDate,
    pub maturity_date: NaiveDate,
    /// active, overdue, defaulted, repaid, written_off
    pub status: String,
    pub days_past_due: i32,
    /// interest_only_bullet: quarterly interest, principal at maturity.
    pub repayment_method: String,
    pub next_due_date: Option<NaiveDate>,
    pub schedule: Vec<ScheduledPayment>,
    pub repayments: Vec<Repayment>,
    pub patents: Vec<PledgedPatent>,
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

/// Quarterly interest on the principal, the principal with the last interest at maturity.
pub fn schedule(
    principal: i64,
    rate_bp: i32,
    disbursed: NaiveDate,
    maturity: NaiveDate,
) -> Vec<(NaiveDate, i64, i64)> {
    let mut out = Vec::new();
    let mut previous = disbursed;
    let mut k = 1;
    while previous < maturity && k <= 40 {
        let due = add_months_clamped(disbursed, 3 * k).min(maturity);
        let interest = interest_fen(principal, rate_bp, (due - previous).num_days());
        let principal_part = if due == maturity { principal } else { 0 };
        out.push((due, principal_part, interest));
        previous = due;
        k += 1;
    }
    out
}

type LoanRow = (
    i64,
    i64,
    i64,
    i64,
    i64,
    i32,
    i32,
    NaiveDate,
    NaiveDate,
    String,
    i32,
);

pub fn list(
    conn: &mut DbConnection,
    org_id: i64,
    today: NaiveDate,
) -> Result<Vec<LoanView>, ApiError> {
    let rows: Vec<LoanRow> = loans::table
        .filter(loans::enterprise_id.eq(org_id))
        .order(loans::disbursed_on.desc())
        .select((
            loans::id,
            loans::application_id,
            loans::bank_id,
            loans::principal_fen,
            loans::outstanding_fen,
            loans::rate_bp,
            loans::term_months,
            loans::disbursed_on,
            loans::maturity_date,
            loans::status,
            loans::days_past_due,
        ))
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for (
        id,
        application_id,
        bank_id,
        principal,
        outstanding,
        rate,
        term,
        disbursed,
        maturity,
        status,
        dpd,
    ) in rows
    {
        let bank_name: String = organisations::table
            .find(bank_id)
            .select(organisations::name)
            .first(conn)?;
        let made: Vec<Repayment> = repayments::table
            .filter(repayments::loan_id.eq(id))
            .order(repayments::paid_on)
            .select((
                repayments::paid_on,
                repayments::principal_fen,
                repayments::interest_fen,
            ))
            .load::<(NaiveDate, i64, i64)>(conn)?
            .into_iter()
            .map(|(paid_on, principal_fen, interest_fen)| Repayment {
                paid_on,
                principal_fen,
                interest_fen,
            })
            .collect();
        let mut previous = disbursed;
        let schedule: Vec<ScheduledPayment> = schedule(principal, rate, disbursed, maturity)
            .into_iter()
            .map(|(due_on, principal_fen, interest_fen)| {
                let paid = made
                    .iter()
                    .any(|r| r.paid_on > previous && r.paid_on <= due_on);
                previous = due_on;
                ScheduledPayment {
                    due_on,
                    principal_fen,
                    interest_fen,
                    paid,
                }
            })
            .collect();
        let closed = matches!(status.as_str(), "repaid" | "written_off");
        let next_due_date = if closed {
            None
        } else {
            schedule
                .iter()
                .find(|s| !s.paid)
                .map(|s| s.due_on)
                .or_else(|| {
                    schedule
                        .iter()
                        .find(|s| s.due_on >= today)
                        .map(|s| s.due_on)
                })
        };
        let patents: Vec<PledgedPatent> = pledges::table
            .inner_join(patents::table)
            .filter(pledges::loan_id.eq(id))
            .order(pledges::id)
            .select((
                pledges::patent_id,
                patents::patent_number,
                pledges::status,
                pledges::registration_no,
                pledges::registration_date,
                patents::legal_status,
                patents::fee_paid_until,
            ))
            .load::<(
                i64,
                String,
                String,
                Option<String>,
                Option<NaiveDate>,
                String,
                Option<NaiveDate>,
            )>(conn)?
            .into_iter()
            .map(
                |(
                    patent_id,
                    patent_number,
                    pledge_status,
                    registration_no,
                    registration_date,
                    legal_status,
                    fee_paid_until,
                )| PledgedPatent {
                    patent_id,
                    patent_number,
                    pledge_status,
                    registration_no,
                    registration_date,
                    legal_status,
                    fee_paid_until,
                },
            )
            .collect();
        out.push(LoanView {
            id,
            application_id,
            bank_id,
            bank_name,
            principal_fen: principal,
            outstanding_fen: outstanding,
            rate_bp: rate,
            term_months: term,
            disbursed_on: disbursed,
            maturity_date: maturity,
            status,
            days_past_due: dpd,
            repayment_method: "interest_only_bullet".into(),
            next_due_date,
            schedule,
            repayments: made,
            patents,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn a_one_year_loan_pays_interest_quarterly_and_the_principal_at_maturity() {
        let s = schedule(100_000_000, 300, d(2026, 1, 31), d(2027, 1, 31));
        let dues: Vec<NaiveDate> = s.iter().map(|r| r.0).collect();
        assert_eq!(
            dues,
            vec![
                d(2026, 4, 30),
                d(2026, 7, 31),
                d(2026, 10, 31),
                d(2027, 1, 31)
            ]
        );
        assert_eq!(s[3].1, 100_000_000);
        assert!(s[..3].iter().all(|r| r.1 == 0));
        // 89 days at 3 % on RMB 1 m: 7,315.07 yuan.
        assert_eq!(s[0].2, 731_507);
        // Each period is rounded on its own: the year's total may differ from a year's interest
        // in one go by a fen a period.
        let total: i64 = s.iter().map(|r| r.2).sum();
        assert_eq!(total, 731_507 + 3 * 756_164);
        assert!((total - interest_fen(100_000_000, 300, 365)).abs() <= 4);
    }
}
