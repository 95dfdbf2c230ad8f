//! The credit decision with maker-checker: an officer proposes approve (amount, rate, term,
//! repayment method, conditions) or reject (reason code and text); a manager of the same bank
//! approves the proposal, which carries it out, or sends it back.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use zhirong_engine::valuation::ValuationParams;

use crate::auth::{Principal, Role};
use crate::clock::china_today;
use crate::db::DbConnection;
use crate::db::audit::{self, Entry};
use crate::db::schema::{applications, patents, pledges};
use crate::domain::schedule::RepaymentMethod;
use crate::domain::status::{ApplicationStatus, PledgeStatus};
use crate::domain::text::optional_text;
use crate::error::ApiError;
use crate::error::bad;
use crate::services::alerts::raise_alert;
use crate::services::applications::queue::bank_application;
use crate::services::applications::{MAX_TERM_MONTHS, MIN_TERM_MONTHS};
use crate::services::proposals::{self as maker_checker, ApplicationDecision, Payload, Proposal};
use crate::services::valuations::credit_line;

pub const REJECT_CODES: [&str; 6] = [
    "insufficient_collateral",
    "credit_risk",
    "registration_obstacle",
    "incomplete_information",
    "outside_policy",
    "other",
];
/// The highest rate a decision may carry (24 % a year).
pub const MAX_RATE_BP: i32 = 2_400;

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// approve or reject
    pub decision: String,
    /// Approve: at most the amount applied for and today's credit line of the package.
    pub amount_fen: Option<i64>,
    /// Approve: yearly rate in basis points (250 = 2.50 %).
    pub rate_bp: Option<i32>,
    /// Approve: 12–24 months.
    pub term_months: Option<i32>,
    /// Approve: interest_only_bullet or equal_principal.
    pub repayment_method: Option<String>,
    /// Approve: the conditions of the loan (covenants, guarantees), free text.
    pub conditions: Option<String>,
    /// Reject: insufficient_collateral, credit_risk, registration_obstacle,
    /// incomplete_information, outside_policy or other.
    pub reason_code: Option<String>,
    /// Reject: the reason in words (the enterprise sees it).
    pub reason: Option<String>,
}

fn required<T>(v: Option<T>, field: &str) -> Result<T, ApiError> {
    v.ok_or_else(|| {
        bad(
            "FIELD_REQUIRED",
            format!("{field} is required to approve"),
            field,
        )
    })
}

fn check(req: DecisionRequest, application_id: i64) -> Result<ApplicationDecision, ApiError> {
    match req.decision.as_str() {
        "approve" => {
            let amount_fen = required(req.amount_fen, "amount_fen")?;
            let rate_bp = required(req.rate_bp, "rate_bp")?;
            let term_months = required(req.term_months, "term_months")?;
            let method = required(req.repayment_method, "repayment_method")?;
            if amount_fen <= 0 {
                return Err(bad(
                    "INVALID_AMOUNT",
                    "amount_fen must be positive",
                    "amount_fen",
                ));
            }
            if !(1..=MAX_RATE_BP).contains(&rate_bp) {
                return Err(bad(
                    "INVALID_RATE",
                    format!("rate_bp is 1 to {MAX_RATE_BP} (0.01 % to 24 % a year)"),
                    "rate_bp",
                ));
            }
            if !(MIN_TERM_MONTHS..=MAX_TERM_MONTHS).contains(&term_months) {
                return Err(bad(
                    "INVALID_TERM",
                    format!("term_months is {MIN_TERM_MONTHS} to {MAX_TERM_MONTHS}"),
                    "term_months",
                ));
            }
            if RepaymentMethod::parse(&method).is_none() {
                return Err(bad(
                    "INVALID_REPAYMENT_METHOD",
                    format!("repayment_method is {}", RepaymentMethod::NAMES),
                    "repayment_method",
                ));
            }
            Ok(ApplicationDecision::Approve {
                application_id,
                amount_fen,
                rate_bp,
                term_months,
                repayment_method: method,
                conditions: optional_text(req.conditions.as_deref(), 2_000, "conditions")?,
            })
        }
        "reject" => {
            let code = req.reason_code.unwrap_or_default();
            if !REJECT_CODES.contains(&code.as_str()) {
                return Err(bad(
                    "INVALID_REASON_CODE",
                    format!("reason_code is one of {}", REJECT_CODES.join(", ")),
                    "reason_code",
                ));
            }
            let reason = optional_text(req.reason.as_deref(), 2_000, "reason")?
                .ok_or_else(|| bad("FIELD_REQUIRED", "reason is required to reject", "reason"))?;
            Ok(ApplicationDecision::Reject {
                application_id,
                reason_code: code,
                reason,
            })
        }
        _ => Err(bad(
            "INVALID_DECISION",
            "decision is approve or reject",
            "decision",
        )),
    }
}

/// Today's credit line of the application's package (its pledges not refused), valued as of
/// `today`: what an approved amount may not exceed, when proposed and again when approved.
fn todays_line(
    conn: &mut DbConnection,
    application_id: i64,
    today: chrono::NaiveDate,
    params: &ValuationParams,
) -> Result<i64, ApiError> {
    let rows = pledges::table
        .inner_join(patents::table)
        .filter(pledges::application_id.eq(application_id))
        .filter(pledges::refused_on.is_null())
        .select(crate::db::models::PatentRow::as_select())
        .load(conn)?;
    Ok(credit_line(&rows, today, params)?.0)
}

/// The officer's proposal. The application goes under review; nothing else changes until a
/// manager approves.
pub fn propose(
    conn: &mut DbConnection,
    principal: &Principal,
    application_id: i64,
    req: DecisionRequest,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<Proposal, ApiError> {
    let params: &ValuationParams = &crate::services::valuations::params();
    let decision = check(req, application_id)?;
    let today = china_today(now);
    crate::db::write_tx(conn, |conn| {
        let a = bank_application(conn, principal.org_id, application_id)?;
        if !matches!(
            a.status,
            ApplicationStatus::Submitted | ApplicationStatus::UnderReview
        ) {
            return Err(ApiError::conflict(
                "NOT_DECIDABLE",
                format!(
                    "application {application_id} is {}; only a submitted application is decided",
                    a.status
                ),
            ));
        }
        maker_checker::refuse_if_pending(conn, principal.org_id, "application", application_id)?;
        if let ApplicationDecision::Approve { amount_fen, .. } = &decision {
            if *amount_fen > a.amount_fen {
                return Err(bad(
                    "AMOUNT_ABOVE_REQUEST",
                    format!(
                        "amount_fen {amount_fen} is above the {} fen applied for",
                        a.amount_fen
                    ),
                    "amount_fen",
                ));
            }
            let line = todays_line(conn, application_id, today, params)?;
            if *amount_fen > line {
                return Err(bad(
                    "AMOUNT_ABOVE_LINE",
                    format!(
                        "amount_fen {amount_fen} is above today's credit line of the package, {line} fen"
                    ),
                    "amount_fen",
                ));
            }
        }
        if a.status == ApplicationStatus::Submitted {
            diesel::update(applications::table.find(application_id))
                .set(applications::status.eq(ApplicationStatus::UnderReview))
                .execute(conn)?;
            audit::append(
                conn,
                &principal.actor(),
                &Entry {
                    action: "application.review",
                    object_type: "application",
                    object_id: application_id.to_string(),
                    before: Some(&serde_json::json!({"status": a.status})),
                    after: Some(&serde_json::json!({"status": ApplicationStatus::UnderReview})),
                    request_id,
                },
                now,
            )?;
        }
        Payload::ApplicationDecision(decision).propose(
            conn,
            principal,
            "application",
            application_id,
            Role::BankManager,
            now,
            request_id,
        )
    })
}

/// Carries out an approved decision (inside the approval's transaction).
pub fn apply(
    conn: &mut DbConnection,
    principal: &Principal,
    proposal_id: i64,
    decision: &ApplicationDecision,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<(), ApiError> {
    let application_id = match decision {
        ApplicationDecision::Approve { application_id, .. }
        | ApplicationDecision::Reject { application_id, .. } => *application_id,
    };
    let a = bank_application(conn, principal.org_id, application_id)?;
    if a.status != ApplicationStatus::UnderReview {
        return Err(ApiError::conflict(
            "NOT_DECIDABLE",
            format!(
                "application {application_id} is now {}; send the proposal back",
                a.status
            ),
        ));
    }
    if let ApplicationDecision::Approve { amount_fen, .. } = decision {
        // The collateral may have lost value since the proposal (the feed lapsed a patent, a
        // fee fell due): the amount is checked again against today's valuation.
        let params: &ValuationParams = &crate::services::valuations::params();
        let line = todays_line(conn, application_id, china_today(now), params)?;
        if *amount_fen > line {
            return Err(ApiError::Detailed {
                status: actix_web::http::StatusCode::CONFLICT,
                code: "AMOUNT_ABOVE_LINE",
                message: format!(
                    "amount_fen {amount_fen} is now above today's credit line of the package, \
                     {line} fen; send the proposal back"
                ),
                field: Some("amount_fen".into()),
                details: serde_json::json!({"amount_fen": amount_fen, "credit_line_fen": line}),
            });
        }
    }
    let (status, message, after) = match decision {
        ApplicationDecision::Approve {
            amount_fen,
            rate_bp,
            term_months,
            repayment_method,
            conditions,
            ..
        } => {
            diesel::update(applications::table.find(application_id))
                .set((
                    applications::status.eq(ApplicationStatus::Approved),
                    applications::approved_amount_fen.eq(amount_fen),
                    applications::approved_term_months.eq(term_months),
                    applications::proposed_rate_bp.eq(rate_bp),
                    applications::repayment_method.eq(repayment_method),
                    applications::conditions.eq(conditions),
                    applications::decided_at.eq(now),
                ))
                .execute(conn)?;
            diesel::update(
                pledges::table
                    .filter(pledges::application_id.eq(application_id))
                    .filter(pledges::status.eq(PledgeStatus::Proposed))
                    .filter(pledges::refused_on.is_null()),
            )
            .set(pledges::status.eq(PledgeStatus::PendingRegistration))
            .execute(conn)?;
            (
                ApplicationStatus::Approved,
                format!(
                    "申请 {application_id} 已获批准：{} 元，年利率 {:.2} %，{term_months} 个月；请配合办理质押登记。Application approved.",
                    crate::domain::Fen(*amount_fen),
                    f64::from(*rate_bp) / 100.0
                ),
                serde_json::to_value(decision).unwrap_or_default(),
            )
        }
        ApplicationDecision::Reject {
            reason_code,
            reason,
            ..
        } => {
            diesel::update(applications::table.find(application_id))
                .set((
                    applications::status.eq(ApplicationStatus::Rejected),
                    applications::reject_code.eq(reason_code),
                    applications::decision_reason.eq(reason),
                    applications::decided_at.eq(now),
                ))
                .execute(conn)?;
            (
                ApplicationStatus::Rejected,
                format!("申请 {application_id} 未获批准 Application rejected: {reason}"),
                serde_json::to_value(decision).unwrap_or_default(),
            )
        }
    };
    audit::append(
        conn,
        &principal.actor(),
        &Entry {
            action: if status == ApplicationStatus::Approved {
                "application.approve"
            } else {
                "application.reject"
            },
            object_type: "application",
            object_id: application_id.to_string(),
            before: Some(&serde_json::json!({"status": a.status})),
            after: Some(
                &serde_json::json!({"status": status, "decision": after, "proposal_id": proposal_id}),
            ),
            request_id,
        },
        now,
    )?;
    raise_alert(
        conn,
        a.enterprise_id,
        None,
        None,
        None,
        "application_status",
        if status == ApplicationStatus::Approved {
            "info"
        } else {
            "watch"
        },
        message,
        &serde_json::json!({"application_id": application_id, "status": status}),
        now,
    )?;
    Ok(())
}
