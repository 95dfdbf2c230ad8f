//! Loan applications as the enterprise sees them: a draft (amount within the credit line of the
//! patents it names, term 12–24 months, a bank, optionally a district pool), the readiness check
//! against the pledge-registration refusal grounds (DOMAIN.md, step 3), submission and
//! withdrawal before a decision.

pub mod decisions;
pub mod evaluation;
pub mod queue;

use actix_web::http::StatusCode;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use zhirong_engine::valuation::{LegalStatus, ValuationParams, explain};

use crate::auth::Principal;
use crate::clock::china_today;
use crate::db::audit::{self, Entry};
use crate::db::models::{ApplicationRow, NewApplication, NewPledge, PatentRow};
use crate::db::schema::{
    applications, fund_pools, loans, organisations, patents, pledges, pool_banks, risk_events,
};
use crate::db::{DbConnection, write_tx};
use crate::domain::status::{ApplicationStatus, PledgeStatus, PoolStatus};
use crate::error::ApiError;
use crate::error::bad;
use crate::services::patents::{bound_patents, own_patents};
use crate::services::valuations::{check_ids, credit_line};

pub const MIN_TERM_MONTHS: i32 = 12;
pub const MAX_TERM_MONTHS: i32 = 24;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApplicationRequest {
    pub bank_id: i64,
    /// A pool of the enterprise's district that the bank takes part in.
    pub pool_id: Option<i64>,
    pub amount_fen: i64,
    pub term_months: i32,
    pub purpose: String,
    /// The patents to pledge.
    pub patent_ids: Vec<i64>,
}

/// A patent named in the application, as read from `pledges` joined with `patents`.
#[derive(Debug, Serialize, utoipa::ToSchema, Queryable, Selectable)]
#[diesel(table_name = pledges)]
pub struct ApplicationPatent {
    pub patent_id: i64,
    #[diesel(select_expression = patents::patent_number)]
    pub patent_number: String,
    #[diesel(select_expression = pledges::status)]
    pub pledge_status: PledgeStatus,
    pub collateral_fen: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApplicationView {
    pub id: i64,
    pub bank_id: i64,
    pub bank_name: String,
    pub pool_id: Option<i64>,
    pub amount_fen: i64,
    pub term_months: i32,
    pub purpose: String,
    pub status: ApplicationStatus,
    /// Where the loan stands, following the application past approval: the status, or
    /// pledge_registration (approved, pledges being registered) or disbursed (a loan exists).
    pub stage: String,
    pub loan_id: Option<i64>,
    /// The credit line of the named patents when the draft was made.
    pub credit_line_fen: Option<i64>,
    /// The bank's decision, once there is one.
    pub proposed_rate_bp: Option<i32>,
    pub decision_reason: Option<String>,
    #[serde(serialize_with = "crate::domain::instant::utc_option")]
    pub submitted_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::domain::instant::utc_option")]
    pub decided_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::domain::instant::utc")]
    pub created_at: NaiveDateTime,
    pub patents: Vec<ApplicationPatent>,
}

/// One failed ground of the readiness check.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FailedGround {
    /// owner_not_pledgor, not_granted, not_in_force, invalidation_under_way, fee_unpaid,
    /// already_pledged, court_preservation, term_beyond_patent, co_owner_consent_missing,
    /// amount_above_line
    pub ground: String,
    pub patent_id: Option<i64>,
    pub patent_number: Option<String>,
    pub message: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Readiness {
    pub ready: bool,
    pub credit_line_fen: i64,
    pub failed: Vec<FailedGround>,
}

fn own_application(
    conn: &mut DbConnection,
    org_id: i64,
    id: i64,
) -> Result<ApplicationRow, ApiError> {
    Ok(applications::table
        .find(id)
        .filter(applications::enterprise_id.eq(org_id))
        .select(ApplicationRow::as_select())
        .first(conn)?)
}

fn view(conn: &mut DbConnection, a: ApplicationRow) -> Result<ApplicationView, ApiError> {
    let bank_name: String = organisations::table
        .find(a.bank_id)
        .select(organisations::name)
        .first(conn)?;
    let patents: Vec<ApplicationPatent> = pledges::table
        .inner_join(patents::table)
        .filter(pledges::application_id.eq(a.id))
        .order(pledges::id)
        .select(ApplicationPatent::as_select())
        .load(conn)?;
    let loan_id: Option<i64> = loans::table
        .filter(loans::application_id.eq(a.id))
        .select(loans::id)
        .first(conn)
        .optional()?;
    let stage = if loan_id.is_some() {
        "disbursed".to_string()
    } else if a.status == ApplicationStatus::Approved
        && patents.iter().any(|p| {
            matches!(
                p.pledge_status,
                PledgeStatus::PendingRegistration | PledgeStatus::Registered
            )
        })
    {
        "pledge_registration".to_string()
    } else {
        a.status.as_str().to_string()
    };
    Ok(ApplicationView {
        id: a.id,
        stage,
        loan_id,
        bank_id: a.bank_id,
        bank_name,
        pool_id: a.pool_id,
        amount_fen: a.amount_fen,
        term_months: a.term_months,
        purpose: a.purpose,
        status: a.status,
        credit_line_fen: a.credit_line_fen,
        proposed_rate_bp: a.proposed_rate_bp,
        decision_reason: a.decision_reason,
        submitted_at: a.submitted_at,
        decided_at: a.decided_at,
        created_at: a.created_at,
        patents,
    })
}

pub fn get(conn: &mut DbConnection, org_id: i64, id: i64) -> Result<ApplicationView, ApiError> {
    let a = own_application(conn, org_id, id)?;
    view(conn, a)
}

pub fn list(conn: &mut DbConnection, org_id: i64) -> Result<Vec<ApplicationView>, ApiError> {
    let rows: Vec<ApplicationRow> = applications::table
        .filter(applications::enterprise_id.eq(org_id))
        .order(applications::id.desc())
        .select(ApplicationRow::as_select())
        .load(conn)?;
    rows.into_iter().map(|a| view(conn, a)).collect()
}

fn check_request(req: &NewApplicationRequest) -> Result<String, ApiError> {
    if !(MIN_TERM_MONTHS..=MAX_TERM_MONTHS).contains(&req.term_months) {
        return Err(bad(
            "INVALID_TERM",
            format!("term_months is {MIN_TERM_MONTHS} to {MAX_TERM_MONTHS}"),
            "term_months",
        ));
    }
    if req.amount_fen <= 0 {
        return Err(bad(
            "INVALID_AMOUNT",
            "amount_fen must be positive",
            "amount_fen",
        ));
    }
    let purpose = req.purpose.trim().to_string();
    if purpose.is_empty() || purpose.chars().count() > 500 {
        return Err(bad(
            "INVALID_PURPOSE",
            "purpose has 1 to 500 characters",
            "purpose",
        ));
    }
    check_ids(&req.patent_ids)?;
    Ok(purpose)
}

/// Creates a draft. The amount is checked against the credit line of the named patents as of
/// today; the patents are recorded as proposed pledges.
pub fn create(
    conn: &mut DbConnection,
    principal: &Principal,
    req: NewApplicationRequest,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<ApplicationView, ApiError> {
    let params: &ValuationParams = &crate::services::valuations::params();
    let purpose = check_request(&req)?;
    let as_of = china_today(now);
    write_tx(conn, |conn| {
        let bank_kind: Option<String> = organisations::table
            .find(req.bank_id)
            .select(organisations::kind)
            .first(conn)
            .optional()?;
        if bank_kind.as_deref() != Some("bank") {
            return Err(bad(
                "INVALID_BANK",
                format!("organisation {} is not a bank", req.bank_id),
                "bank_id",
            ));
        }
        if let Some(pool_id) = req.pool_id {
            let district: Option<i64> = organisations::table
                .find(principal.org_id)
                .select(organisations::district_org_id)
                .first::<Option<i64>>(conn)?;
            let pool: Option<(i64, PoolStatus)> = fund_pools::table
                .find(pool_id)
                .select((fund_pools::district_id, fund_pools::status))
                .first(conn)
                .optional()?;
            let bank_in_pool: i64 = pool_banks::table
                .filter(pool_banks::pool_id.eq(pool_id))
                .filter(pool_banks::bank_id.eq(req.bank_id))
                .count()
                .get_result(conn)?;
            match pool {
                Some((d, status))
                    if Some(d) == district && status == PoolStatus::Open && bank_in_pool > 0 => {}
                _ => {
                    return Err(bad(
                        "INVALID_POOL",
                        format!(
                            "pool {pool_id} is not an open pool of your district that bank {} takes part in",
                            req.bank_id
                        ),
                        "pool_id",
                    ));
                }
            }
        }
        let rows = own_patents(conn, principal.org_id, &req.patent_ids)?;
        let (line, results) = credit_line(&rows, as_of, params)?;
        if req.amount_fen > line {
            return Err(ApiError::Detailed {
                status: StatusCode::BAD_REQUEST,
                code: "AMOUNT_ABOVE_LINE",
                message: format!(
                    "amount_fen {} is above the credit line of these patents, {} fen",
                    req.amount_fen, line
                ),
                field: Some("amount_fen".into()),
                details: serde_json::json!({"credit_line_fen": line}),
            });
        }
        let id: i64 = diesel::insert_into(applications::table)
            .values(NewApplication {
                enterprise_id: principal.org_id,
                bank_id: req.bank_id,
                pool_id: req.pool_id,
                amount_fen: req.amount_fen,
                term_months: req.term_months,
                purpose: purpose.clone(),
                status: ApplicationStatus::Draft,
                credit_line_fen: Some(line),
                proposed_rate_bp: None,
                decision_reason: None,
                submitted_at: None,
                decided_at: None,
                created_at: now,
            })
            .returning(applications::id)
            .get_result(conn)?;
        for (row, v) in rows.iter().zip(&results) {
            diesel::insert_into(pledges::table)
                .values(NewPledge {
                    application_id: id,
                    loan_id: None,
                    patent_id: row.id,
                    status: PledgeStatus::Proposed,
                    collateral_fen: Some(v.collateral_fen),
                    registration_no: None,
                    registration_date: None,
                    released_on: None,
                    created_at: now,
                })
                .execute(conn)?;
        }
        audit::append(
            conn,
            &principal.actor(),
            &Entry {
                action: "application.create",
                object_type: "application",
                object_id: id.to_string(),
                before: None,
                after: Some(
                    &serde_json::json!({"bank_id": req.bank_id, "pool_id": req.pool_id,
                    "amount_fen": req.amount_fen, "term_months": req.term_months,
                    "patent_ids": req.patent_ids, "credit_line_fen": line}),
                ),
                request_id,
            },
            now,
        )?;
        get(conn, principal.org_id, id)
    })
}

fn ground(g: &str, p: Option<&PatentRow>, message: String) -> FailedGround {
    FailedGround {
        ground: g.into(),
        patent_id: p.map(|p| p.id),
        patent_number: p.map(|p| p.patent_number.to_string()),
        message,
    }
}

/// The readiness check: every refusal ground of pledge registration, for every patent.
pub fn readiness(
    conn: &mut DbConnection,
    org_id: i64,
    id: i64,
    as_of: NaiveDate,
) -> Result<Readiness, ApiError> {
    let params: &ValuationParams = &crate::services::valuations::params();
    let a = own_application(conn, org_id, id)?;
    let ids: Vec<i64> = pledges::table
        .filter(pledges::application_id.eq(id))
        .order(pledges::id)
        .select(pledges::patent_id)
        .load(conn)?;
    let rows: Vec<PatentRow> = patents::table
        .filter(patents::id.eq_any(&ids))
        .select(PatentRow::as_select())
        .order(patents::id)
        .load(conn)?;
    let bound = bound_patents(conn, &ids, Some(id))?;
    // A court preservation (patent_freeze event, RISK.md) recorded in the last year and not
    // known to be lifted: registration is refused while it lasts.
    let frozen: Vec<(Option<i64>, NaiveDate)> = risk_events::table
        .filter(risk_events::patent_id.eq_any(&ids))
        .filter(risk_events::event_type.eq("patent_freeze"))
        .filter(risk_events::occurred_on.le(as_of))
        .filter(risk_events::occurred_on.gt(as_of - chrono::Duration::days(365)))
        .select((risk_events::patent_id, risk_events::occurred_on))
        .load(conn)?;
    let maturity = explain::add_months_clamped(as_of, a.term_months.unsigned_abs());
    let mut failed = Vec::new();
    for p in &rows {
        let n = &p.patent_number;
        if p.owner_org_id != org_id || p.removed_at.is_some() {
            failed.push(ground(
                "owner_not_pledgor",
                Some(p),
                format!("patent {n} is not registered to the applicant"),
            ));
        }
        if p.legal_status == LegalStatus::Pending || p.grant_date.is_none() {
            failed.push(ground(
                "not_granted",
                Some(p),
                format!("patent {n} has not been granted"),
            ));
        }
        if p.legal_status.has_ended() {
            failed.push(ground(
                "not_in_force",
                Some(p),
                format!("patent {n} is {}", p.legal_status),
            ));
        }
        if p.legal_status == LegalStatus::UnderInvalidation {
            failed.push(ground(
                "invalidation_under_way",
                Some(p),
                format!("an invalidation request against patent {n} is under way"),
            ));
        }
        match p.fee_paid_until {
            Some(paid) if paid >= as_of => {}
            Some(paid) => failed.push(ground(
                "fee_unpaid",
                Some(p),
                format!(
                    "the annual fee of patent {n} is paid only until {paid}: pay it (with the late fee) and update fee_paid_until"
                ),
            )),
            None => failed.push(ground(
                "fee_unpaid",
                Some(p),
                format!("no record that the annual fee of patent {n} is paid"),
            )),
        }
        if let Some((_, other)) = bound.iter().find(|(patent, _)| *patent == p.id) {
            failed.push(ground(
                "already_pledged",
                Some(p),
                format!("patent {n} is already pledged or named in application {other}"),
            ));
        }
        if let Some((_, on)) = frozen.iter().find(|(patent, _)| *patent == Some(p.id)) {
            failed.push(ground(
                "court_preservation",
                Some(p),
                format!("patent {n} has been under court preservation since {on}"),
            ));
        }
        let expiry = explain::add_years_clamped(
            p.filing_date,
            explain::term_years(p.patent_type, p.filing_date, params),
        );
        if expiry <= maturity {
            failed.push(ground(
                "term_beyond_patent",
                Some(p),
                format!("patent {n} expires on {expiry}, before the loan matures on {maturity}"),
            ));
        }
        if p.co_owners > 0 && !p.co_owner_consent {
            failed.push(ground(
                "co_owner_consent_missing",
                Some(p),
                format!(
                    "patent {n} has {} co-owner(s) whose consent is not recorded",
                    p.co_owners
                ),
            ));
        }
    }
    let (line, _) = credit_line(&rows, as_of, params)?;
    if a.amount_fen > line {
        failed.push(ground(
            "amount_above_line",
            None,
            format!(
                "the amount, {} fen, is above today's credit line of the patents, {line} fen",
                a.amount_fen
            ),
        ));
    }
    Ok(Readiness {
        ready: failed.is_empty(),
        credit_line_fen: line,
        failed,
    })
}

fn set_status(
    conn: &mut DbConnection,
    principal: &Principal,
    a: &ApplicationRow,
    status: ApplicationStatus,
    action: &str,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<(), ApiError> {
    let submitted_at = if status == ApplicationStatus::Submitted {
        Some(now)
    } else {
        a.submitted_at
    };
    diesel::update(applications::table.find(a.id))
        .set((
            applications::status.eq(status),
            applications::submitted_at.eq(submitted_at),
        ))
        .execute(conn)?;
    audit::append(
        conn,
        &principal.actor(),
        &Entry {
            action,
            object_type: "application",
            object_id: a.id.to_string(),
            before: Some(&serde_json::json!({"status": a.status})),
            after: Some(&serde_json::json!({"status": status})),
            request_id,
        },
        now,
    )?;
    Ok(())
}

/// Sends a draft to its bank once the readiness check passes; otherwise names every failed ground.
pub fn submit(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<ApplicationView, ApiError> {
    let as_of = china_today(now);
    write_tx(conn, |conn| {
        let a = own_application(conn, principal.org_id, id)?;
        if a.status != ApplicationStatus::Draft {
            return Err(ApiError::conflict(
                "NOT_A_DRAFT",
                format!(
                    "application {id} is {}; only a draft can be submitted",
                    a.status
                ),
            ));
        }
        let check = readiness(conn, principal.org_id, id, as_of)?;
        if !check.ready {
            let first = check
                .failed
                .first()
                .map(|g| g.message.clone())
                .unwrap_or_default();
            return Err(ApiError::Detailed {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                code: "NOT_READY",
                message: format!(
                    "{} ground(s) would refuse the pledge registration (first: {first})",
                    check.failed.len()
                ),
                field: Some("patent_ids".into()),
                details: serde_json::json!({"failed": check.failed, "credit_line_fen": check.credit_line_fen}),
            });
        }
        set_status(
            conn,
            principal,
            &a,
            ApplicationStatus::Submitted,
            "application.submit",
            now,
            request_id,
        )?;
        get(conn, principal.org_id, id)
    })
}

/// Withdraws an application before the bank decides.
pub fn withdraw(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<ApplicationView, ApiError> {
    write_tx(conn, |conn| {
        let a = own_application(conn, principal.org_id, id)?;
        if !matches!(
            a.status,
            ApplicationStatus::Draft
                | ApplicationStatus::Submitted
                | ApplicationStatus::UnderReview
        ) {
            return Err(ApiError::conflict(
                "ALREADY_DECIDED",
                format!(
                    "application {id} is {}; it can no longer be withdrawn",
                    a.status
                ),
            ));
        }
        set_status(
            conn,
            principal,
            &a,
            ApplicationStatus::Withdrawn,
            "application.withdraw",
            now,
            request_id,
        )?;
        get(conn, principal.org_id, id)
    })
}
