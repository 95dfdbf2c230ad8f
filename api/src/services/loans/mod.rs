//! The enterprise's loans: the schedule, the repayments made, outstanding principal, the next
//! due date, and the patents under pledge.
//!
//! The schedule follows the loan's repayment method (`domain::schedule`).

pub mod release;
pub mod servicing;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConnection;
use crate::db::models::LoanRecord;
use crate::db::schema::{loans, organisations, patents, pledges, repayments};
use crate::domain::schedule::{RepaymentMethod, schedule};
use crate::domain::status::{LoanStatus, PledgeStatus};
use crate::error::ApiError;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScheduledPayment {
    pub due_on: NaiveDate,
    pub principal_fen: i64,
    pub interest_fen: i64,
    /// Covered by the payments made: payments are applied in order, principal and interest
    /// apart, so this and every earlier instalment is paid in full.
    pub paid: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema, Queryable, Selectable)]
#[diesel(table_name = repayments)]
pub struct Repayment {
    pub paid_on: NaiveDate,
    pub principal_fen: i64,
    pub interest_fen: i64,
}

/// A pledge of the loan with its patent, as read from `pledges` joined with `patents`.
#[derive(Debug, Serialize, utoipa::ToSchema, Queryable, Selectable)]
#[diesel(table_name = pledges)]
pub struct PledgedPatent {
    pub patent_id: i64,
    #[diesel(select_expression = patents::patent_number)]
    pub patent_number: String,
    #[diesel(select_expression = pledges::status)]
    pub pledge_status: PledgeStatus,
    pub registration_no: Option<String>,
    pub registration_date: Option<NaiveDate>,
    #[diesel(select_expression = patents::legal_status)]
    pub legal_status: String,
    #[diesel(select_expression = patents::fee_paid_until)]
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
    pub status: LoanStatus,
    pub days_past_due: i32,
    /// interest_only_bullet (quarterly interest, principal at maturity) or equal_principal
    /// (equal principal each quarter with the interest on what is left).
    pub repayment_method: String,
    pub next_due_date: Option<NaiveDate>,
    pub schedule: Vec<ScheduledPayment>,
    pub repayments: Vec<Repayment>,
    pub patents: Vec<PledgedPatent>,
}

pub fn list(
    conn: &mut DbConnection,
    org_id: i64,
    today: NaiveDate,
) -> Result<Vec<LoanView>, ApiError> {
    let rows: Vec<LoanRecord> = loans::table
        .filter(loans::enterprise_id.eq(org_id))
        .order(loans::disbursed_on.desc())
        .select(LoanRecord::as_select())
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for loan in rows {
        let id = loan.id;
        let bank_name: String = organisations::table
            .find(loan.bank_id)
            .select(organisations::name)
            .first(conn)?;
        let made: Vec<Repayment> = repayments::table
            .filter(repayments::loan_id.eq(id))
            .order(repayments::paid_on)
            .select(Repayment::as_select())
            .load(conn)?;
        let method = RepaymentMethod::parse(&loan.repayment_method).ok_or_else(|| {
            ApiError::Internal(format!(
                "loan {id} has repayment method {}",
                loan.repayment_method
            ))
        })?;
        let paid_principal = crate::domain::money::stored_total(
            "principal repaid",
            made.iter().map(|r| r.principal_fen),
        )?;
        let paid_interest = crate::domain::money::stored_total(
            "interest received",
            made.iter().map(|r| r.interest_fen),
        )?;
        let (mut due_principal, mut due_interest) = (0i64, 0i64);
        let schedule: Vec<ScheduledPayment> = schedule(
            loan.principal_fen,
            loan.rate_bp,
            loan.disbursed_on,
            loan.maturity_date,
            method,
        )
        .into_iter()
        .map(|i| {
            due_principal += i.principal_fen;
            due_interest += i.interest_fen;
            ScheduledPayment {
                due_on: i.due_on,
                principal_fen: i.principal_fen,
                interest_fen: i.interest_fen,
                paid: paid_principal >= due_principal && paid_interest >= due_interest,
            }
        })
        .collect();
        let next_due_date = if loan.status.is_closed() {
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
            .select(PledgedPatent::as_select())
            .load(conn)?;
        out.push(LoanView {
            id,
            application_id: loan.application_id,
            bank_id: loan.bank_id,
            bank_name,
            principal_fen: loan.principal_fen,
            outstanding_fen: loan.outstanding_fen,
            rate_bp: loan.rate_bp,
            term_months: loan.term_months,
            disbursed_on: loan.disbursed_on,
            maturity_date: loan.maturity_date,
            status: loan.status,
            days_past_due: loan.days_past_due,
            repayment_method: method.as_str().to_string(),
            next_due_date,
            schedule,
            repayments: made,
            patents,
        });
    }
    Ok(out)
}

/// A loan of the bank.
pub fn bank_loan(conn: &mut DbConnection, bank_id: i64, id: i64) -> Result<LoanRecord, ApiError> {
    Ok(loans::table
        .find(id)
        .filter(loans::bank_id.eq(bank_id))
        .select(LoanRecord::as_select())
        .first(conn)?)
}
