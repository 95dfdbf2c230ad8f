//! Servicing: repayments recorded by the officer, days past due computed from the schedule, the
//! loan's status following them (active → overdue → defaulted at 90 days), the pool's coverage
//! ended at full repayment (the pledges stay registered until a manager approves their release,
//! `loans::release`). Money received while the loan's claim is filed and unpaid reduces the
//! claim's loss (`claims::money_received`). Overdue loans feed the enterprise's credit risk
//! (`overdue_30`, `overdue_90` events) and raise alerts to the bank and the enterprise.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::auth::Principal;
use crate::clock::china_today;
use crate::db::DbConnection;
use crate::db::audit::{self, Actor, Entry};
use crate::db::models::{LoanRecord, NewRepayment, NewRiskEvent};
use crate::db::schema::{claims, loans, pool_coverage, repayments};
use crate::domain::schedule::{Arrears, DEFAULT_DAYS, RepaymentMethod, arrears, schedule};
use crate::domain::status::{ClaimStatus, CoverageStatus, LoanStatus};
use crate::error::ApiError;
use crate::error::bad;
use crate::services::alerts::raise_alert;
use crate::services::loans::bank_loan;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RepaymentRequest {
    pub paid_on: NaiveDate,
    pub principal_fen: i64,
    pub interest_fen: i64,
}

/// What an assessment changed on one loan.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LoanChange {
    pub loan_id: i64,
    pub from_status: LoanStatus,
    pub to_status: LoanStatus,
    pub days_past_due: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ServicingRun {
    pub as_of: NaiveDate,
    pub loans_assessed: usize,
    pub changes: Vec<LoanChange>,
}

fn paid(conn: &mut DbConnection, loan_id: i64) -> Result<Vec<(NaiveDate, i64, i64)>, ApiError> {
    Ok(repayments::table
        .filter(repayments::loan_id.eq(loan_id))
        .select((
            repayments::paid_on,
            repayments::principal_fen,
            repayments::interest_fen,
        ))
        .load(conn)?)
}

/// The loan's arrears on `today` against its schedule.
pub fn arrears_of(
    conn: &mut DbConnection,
    loan: &LoanRecord,
    today: NaiveDate,
) -> Result<Arrears, ApiError> {
    let method = RepaymentMethod::parse(&loan.repayment_method).ok_or_else(|| {
        ApiError::Internal(format!(
            "loan {} has repayment method {}",
            loan.id, loan.repayment_method
        ))
    })?;
    let plan = schedule(
        loan.principal_fen,
        loan.rate_bp,
        loan.disbursed_on,
        loan.maturity_date,
        method,
    );
    Ok(arrears(&plan, &paid(conn, loan.id)?, today))
}

fn risk_event_once(
    conn: &mut DbConnection,
    loan: &LoanRecord,
    event_type: &str,
    occurred_on: NaiveDate,
    reference: String,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    crate::services::risk::insert_risk_event_once(
        conn,
        &NewRiskEvent {
            enterprise_id: loan.enterprise_id,
            event_type: event_type.into(),
            occurred_on,
            amount_fen: Some(loan.outstanding_fen),
            patent_id: None,
            source: "bank".into(),
            event_ref: reference,
            created_at: now,
        },
    )?;
    Ok(())
}

/// Brings one loan's days past due and status up to `today` (a defaulted loan stays defaulted;
/// a repaid one is closed). Returns the change, if the status changed.
pub fn assess(
    conn: &mut DbConnection,
    actor: &Actor,
    loan: &LoanRecord,
    today: NaiveDate,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<Option<LoanChange>, ApiError> {
    if loan.status.is_closed() {
        return Ok(None);
    }
    let a = arrears_of(conn, loan, today)?;
    let dpd = a.days_past_due;
    let status = if loan.outstanding_fen == 0 {
        LoanStatus::Repaid
    } else if loan.status == LoanStatus::Defaulted || dpd >= DEFAULT_DAYS {
        LoanStatus::Defaulted
    } else if dpd > 0 {
        LoanStatus::Overdue
    } else {
        LoanStatus::Active
    };
    let defaulted_on = if status == LoanStatus::Defaulted {
        loan.defaulted_on.or(a.default_date())
    } else {
        None
    };
    let dpd_stored = i32::try_from(dpd).unwrap_or(i32::MAX);
    if status == loan.status && dpd_stored == loan.days_past_due {
        return Ok(None);
    }
    diesel::update(loans::table.find(loan.id))
        .set((
            loans::status.eq(status),
            loans::days_past_due.eq(dpd_stored),
            loans::defaulted_on.eq(defaulted_on),
        ))
        .execute(conn)?;
    if let Some(due) = a.oldest_unpaid_due {
        if dpd >= 30 {
            let on = due + chrono::Duration::days(30);
            risk_event_once(
                conn,
                loan,
                "overdue_30",
                on,
                format!("loan-{}-{due}-30", loan.id),
                now,
            )?;
        }
        if dpd >= DEFAULT_DAYS {
            let on = due + chrono::Duration::days(DEFAULT_DAYS);
            risk_event_once(
                conn,
                loan,
                "overdue_90",
                on,
                format!("loan-{}-{due}-90", loan.id),
                now,
            )?;
        }
    }
    if status == loan.status {
        // Only the days past due moved: audited all the same (one row per loan per run).
        audit::append(
            conn,
            actor,
            &Entry {
                action: "loan.days_past_due",
                object_type: "loan",
                object_id: loan.id.to_string(),
                before: Some(&serde_json::json!({"days_past_due": loan.days_past_due})),
                after: Some(&serde_json::json!({"days_past_due": dpd_stored, "as_of": today})),
                request_id,
            },
            now,
        )?;
        return Ok(None);
    }
    audit::append(
        conn,
        actor,
        &Entry {
            action: "loan.status",
            object_type: "loan",
            object_id: loan.id.to_string(),
            before: Some(
                &serde_json::json!({"status": loan.status, "days_past_due": loan.days_past_due}),
            ),
            after: Some(
                &serde_json::json!({"status": status, "days_past_due": dpd, "defaulted_on": defaulted_on, "as_of": today}),
            ),
            request_id,
        },
        now,
    )?;
    let alert = match status {
        LoanStatus::Overdue => Some((
            "overdue",
            "warning",
            format!(
                "贷款 {} 逾期 {dpd} 天：应还本金 {}、利息 {} 未还。Loan overdue.",
                loan.id,
                crate::domain::Fen(a.principal_due_fen),
                crate::domain::Fen(a.interest_due_fen)
            ),
        )),
        LoanStatus::Defaulted => Some((
            "default",
            "critical",
            format!(
                "贷款 {} 逾期 {dpd} 天，已违约（{DEFAULT_DAYS} 天）。Loan in default.",
                loan.id
            ),
        )),
        _ => None,
    };
    if let Some((kind, severity, message)) = alert {
        raise_alert(
            conn,
            loan.enterprise_id,
            Some(loan.bank_id),
            Some(loan.id),
            None,
            kind,
            severity,
            message,
            &serde_json::json!({"days_past_due": dpd, "oldest_unpaid_due": a.oldest_unpaid_due,
                "principal_due_fen": a.principal_due_fen, "interest_due_fen": a.interest_due_fen}),
            now,
        )?;
    }
    Ok(Some(LoanChange {
        loan_id: loan.id,
        from_status: loan.status,
        to_status: status,
        days_past_due: dpd,
    }))
}

/// Assesses every live loan of the bank (or of every bank, for the scheduled run).
pub fn run(
    conn: &mut DbConnection,
    actor: &Actor,
    bank_id: Option<i64>,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<ServicingRun, ApiError> {
    let today = china_today(now);
    crate::db::write_tx(conn, |conn| {
        let mut q = loans::table
            .filter(loans::status.eq_any(LoanStatus::LIVE))
            .select(LoanRecord::as_select())
            .order(loans::id)
            .into_boxed();
        if let Some(b) = bank_id {
            q = q.filter(loans::bank_id.eq(b));
        }
        let live: Vec<LoanRecord> = q.load(conn)?;
        let mut changes = Vec::new();
        for loan in &live {
            if let Some(c) = assess(conn, actor, loan, today, now, request_id)? {
                changes.push(c);
            }
        }
        Ok(ServicingRun {
            as_of: today,
            loans_assessed: live.len(),
            changes,
        })
    })
}

/// Money received on a loan, as the loan's claim (if any) is told of it.
pub struct Received {
    pub actor: Actor,
    pub loan_id: i64,
    pub paid_on: NaiveDate,
    pub principal_fen: i64,
    pub interest_fen: i64,
}

/// What follows money received on a loan in the repayment's transaction: the claim's
/// recomputation (`claims::money_received`, passed by the route: claims sit above loans).
pub type ClaimFollows<'a> =
    &'a dyn Fn(&mut DbConnection, &Received, NaiveDateTime, &str) -> Result<(), ApiError>;

/// Records a repayment and brings the loan up to date; at full repayment the loan closes and the
/// pool's coverage ends, while its pledges stay registered until a manager approves their
/// release. `paid_on` is between the disbursement and today, at most `backdate_days` back. While
/// the loan's claim is filed and unpaid, the money reduces the claim's loss and the claim is
/// recomputed (`claim_follows`); once the pool has paid it, money received is a recovery on the claim, not a
/// repayment.
#[allow(clippy::too_many_arguments)]
pub fn record_repayment(
    conn: &mut DbConnection,
    principal: &Principal,
    loan_id: i64,
    req: RepaymentRequest,
    backdate_days: i64,
    claim_follows: ClaimFollows<'_>,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<LoanRecord, ApiError> {
    let today = china_today(now);
    if req.principal_fen < 0 {
        return Err(bad(
            "INVALID_AMOUNT",
            "principal_fen is negative",
            "principal_fen",
        ));
    }
    if req.interest_fen < 0 {
        return Err(bad(
            "INVALID_AMOUNT",
            "interest_fen is negative",
            "interest_fen",
        ));
    }
    if req.principal_fen == 0 && req.interest_fen == 0 {
        return Err(bad(
            "INVALID_AMOUNT",
            "a repayment pays some principal or interest",
            "principal_fen",
        ));
    }
    // The money received is principal + interest: it must be an amount (no wrap).
    crate::domain::money::add_fen("interest_fen", req.principal_fen, req.interest_fen)?;
    if req.paid_on > today {
        return Err(bad(
            "DATE_IN_FUTURE",
            format!("paid_on {} is after today, {today}", req.paid_on),
            "paid_on",
        ));
    }
    if req.paid_on < today - chrono::Duration::days(backdate_days) {
        return Err(bad(
            "DATE_TOO_OLD",
            format!(
                "paid_on {} is more than {backdate_days} days before today, {today}",
                req.paid_on
            ),
            "paid_on",
        ));
    }
    crate::db::write_tx(conn, |conn| {
        let loan = bank_loan(conn, principal.org_id, loan_id)?;
        let paid_claim: Option<i64> = claims::table
            .filter(claims::loan_id.eq(loan_id))
            .filter(claims::status.eq(ClaimStatus::Paid))
            .select(claims::id)
            .first(conn)
            .optional()?;
        if let Some(claim) = paid_claim {
            return Err(ApiError::conflict(
                "CLAIM_PAID",
                format!(
                    "the pool has paid claim {claim} on loan {loan_id}: record money received as a \
                     recovery (POST /api/bank/claims/{claim}/recoveries), shared with the pool"
                ),
            ));
        }
        if loan.status.is_closed() {
            return Err(ApiError::conflict(
                "LOAN_CLOSED",
                format!("loan {loan_id} is {}", loan.status),
            ));
        }
        if req.paid_on < loan.disbursed_on {
            return Err(bad(
                "DATE_BEFORE_DISBURSEMENT",
                format!(
                    "paid_on {} is before the disbursement, {}",
                    req.paid_on, loan.disbursed_on
                ),
                "paid_on",
            ));
        }
        // The loan's interest received, this repayment's included, is an amount too: the
        // loan's record sums it.
        let interest_so_far: Vec<i64> = repayments::table
            .filter(repayments::loan_id.eq(loan_id))
            .select(repayments::interest_fen)
            .load(conn)?;
        crate::domain::money::total_fen(
            "interest_fen",
            interest_so_far.into_iter().chain([req.interest_fen]),
        )?;
        if req.principal_fen > loan.outstanding_fen {
            return Err(bad(
                "ABOVE_OUTSTANDING",
                format!(
                    "principal_fen {} is above the outstanding {} fen",
                    req.principal_fen, loan.outstanding_fen
                ),
                "principal_fen",
            ));
        }
        diesel::insert_into(repayments::table)
            .values(NewRepayment {
                loan_id,
                paid_on: req.paid_on,
                principal_fen: req.principal_fen,
                interest_fen: req.interest_fen,
                created_at: now,
            })
            .execute(conn)?;
        // One conditional update, not the balance read above minus the payment: concurrent
        // repayments on PostgreSQL each wait for the row and take their share off what is there.
        let outstanding: Option<i64> = diesel::update(
            loans::table
                .find(loan_id)
                .filter(loans::outstanding_fen.ge(req.principal_fen)),
        )
        .set(loans::outstanding_fen.eq(loans::outstanding_fen - req.principal_fen))
        .returning(loans::outstanding_fen)
        .get_result(conn)
        .optional()?;
        let Some(outstanding) = outstanding else {
            return Err(bad(
                "ABOVE_OUTSTANDING",
                format!(
                    "principal_fen {} is above the outstanding fen of loan {loan_id} now",
                    req.principal_fen
                ),
                "principal_fen",
            ));
        };
        let loan = LoanRecord {
            outstanding_fen: outstanding + req.principal_fen,
            ..loan
        };
        audit::append(
            conn,
            &principal.actor(),
            &Entry {
                action: "loan.repayment",
                object_type: "loan",
                object_id: loan_id.to_string(),
                before: Some(&serde_json::json!({"outstanding_fen": loan.outstanding_fen})),
                after: Some(
                    &serde_json::json!({"outstanding_fen": outstanding, "paid_on": req.paid_on,
                    "principal_fen": req.principal_fen, "interest_fen": req.interest_fen}),
                ),
                request_id,
            },
            now,
        )?;
        claim_follows(
            conn,
            &Received {
                actor: principal.actor(),
                loan_id,
                paid_on: req.paid_on,
                principal_fen: req.principal_fen,
                interest_fen: req.interest_fen,
            },
            now,
            request_id,
        )?;
        if outstanding == 0 {
            diesel::update(loans::table.find(loan_id))
                .set((
                    loans::status.eq(LoanStatus::Repaid),
                    loans::days_past_due.eq(0),
                    loans::closed_on.eq(req.paid_on),
                ))
                .execute(conn)?;
            diesel::update(
                pool_coverage::table
                    .filter(pool_coverage::loan_id.eq(loan_id))
                    .filter(pool_coverage::status.eq(CoverageStatus::Covered)),
            )
            .set(pool_coverage::status.eq(CoverageStatus::Released))
            .execute(conn)?;
            audit::append(
                conn,
                &principal.actor(),
                &Entry {
                    action: "loan.repaid",
                    object_type: "loan",
                    object_id: loan_id.to_string(),
                    before: Some(&serde_json::json!({"status": loan.status})),
                    after: Some(
                        &serde_json::json!({"status": LoanStatus::Repaid, "closed_on": req.paid_on,
                            "pledges": "registered until a manager approves their release"}),
                    ),
                    request_id,
                },
                now,
            )?;
        } else {
            let fresh = bank_loan(conn, principal.org_id, loan_id)?;
            assess(conn, &principal.actor(), &fresh, today, now, request_id)?;
        }
        bank_loan(conn, principal.org_id, loan_id)
    })
}
