//! Pledge registration (质押办理) and disbursement. The officer records, per patent, the CNIPA
//! registration number and date, or the refusal and its ground. When every pledge is settled and
//! the registered ones cover the approved amount, the officer proposes the disbursement; a
//! manager's approval creates the loan (active, schedule from today) and asks the district pool
//! for coverage, which is granted only within the pool's leverage limit.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use zhirong_engine::valuation::explain::add_months_clamped;

use crate::auth::{Principal, Role};
use crate::clock::china_today;
use crate::db::DbConnection;
use crate::db::audit::{self, Entry};
use crate::db::models::{ApplicationRow, NewLoan, NewPoolCoverage};
use crate::db::schema::{fund_pools, loans, pledges, pool_coverage, pool_rules, risk_events};
use crate::domain::status::{
    ApplicationStatus, CoverageStatus, LoanStatus, PledgeStatus, PoolStatus,
};
use crate::domain::text::optional_text;
use crate::error::ApiError;
use crate::error::bad;
use crate::services::alerts::raise_alert;
use crate::services::applications::queue::bank_application;
use crate::services::proposals::{self as maker_checker, Disbursement, Payload, Proposal};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationRequest {
    pub patent_id: i64,
    /// 质押登记号, as CNIPA issued it (letters and digits, 6–32 characters).
    pub registration_no: Option<String>,
    pub registration_date: Option<NaiveDate>,
    /// When CNIPA refused: the date and the ground (instead of a number and date).
    pub refused_on: Option<NaiveDate>,
    pub refusal_ground: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CoverageOutcome {
    pub pool_id: i64,
    pub granted: bool,
    pub rule_version: Option<i32>,
    /// Covered outstanding loans before this one, and the most the pool may cover.
    pub covered_before_fen: i64,
    pub limit_fen: i64,
    pub message: String,
}

fn approved(conn: &mut DbConnection, bank_id: i64, id: i64) -> Result<ApplicationRow, ApiError> {
    let a = bank_application(conn, bank_id, id)?;
    if a.status != ApplicationStatus::Approved {
        return Err(ApiError::conflict(
            "NOT_APPROVED",
            format!("application {id} is {}, not approved", a.status),
        ));
    }
    let loan: i64 = loans::table
        .filter(loans::application_id.eq(id))
        .count()
        .get_result(conn)?;
    if loan > 0 {
        return Err(ApiError::conflict(
            "ALREADY_DISBURSED",
            format!("application {id} has been disbursed"),
        ));
    }
    Ok(a)
}

fn valid_registration_no(s: &str) -> bool {
    (6..=32).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Records one patent's registration or refusal.
pub fn register(
    conn: &mut DbConnection,
    principal: &Principal,
    application_id: i64,
    req: RegistrationRequest,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<crate::services::applications::queue::ApplicationDetail, ApiError> {
    let today = china_today(now);
    let refused = req.refused_on.is_some() || req.refusal_ground.is_some();
    if refused && (req.registration_no.is_some() || req.registration_date.is_some()) {
        return Err(bad(
            "REGISTRATION_OR_REFUSAL",
            "give either registration_no and registration_date, or refused_on and refusal_ground",
            "registration_no",
        ));
    }
    let (no, date, ground) = if refused {
        let on = req.refused_on.ok_or_else(|| {
            bad(
                "FIELD_REQUIRED",
                "refused_on is required with a refusal",
                "refused_on",
            )
        })?;
        let ground = optional_text(req.refusal_ground.as_deref(), 500, "refusal_ground")?
            .ok_or_else(|| {
                bad(
                    "FIELD_REQUIRED",
                    "refusal_ground is required with a refusal",
                    "refusal_ground",
                )
            })?;
        (None, on, Some(ground))
    } else {
        let no = req.registration_no.as_deref().map(str::trim).unwrap_or("");
        if !valid_registration_no(no) {
            return Err(bad(
                "INVALID_REGISTRATION_NO",
                "registration_no is the CNIPA pledge registration number: 6–32 letters, digits or '-'",
                "registration_no",
            ));
        }
        let date = req.registration_date.ok_or_else(|| {
            bad(
                "FIELD_REQUIRED",
                "registration_date is required",
                "registration_date",
            )
        })?;
        (Some(no.to_ascii_uppercase()), date, None)
    };
    let field = if refused {
        "refused_on"
    } else {
        "registration_date"
    };
    if date > today {
        return Err(bad(
            "DATE_IN_FUTURE",
            format!("{field} {date} is after today, {today}"),
            field,
        ));
    }
    crate::db::write_tx(conn, |conn| {
        let a = approved(conn, principal.org_id, application_id)?;
        if a.decided_at.is_some_and(|d| date < china_today(d)) {
            return Err(bad(
                "DATE_BEFORE_APPROVAL",
                format!("{field} {date} is before the approval"),
                field,
            ));
        }
        let pledge: Option<(i64, PledgeStatus)> = pledges::table
            .filter(pledges::application_id.eq(application_id))
            .filter(pledges::patent_id.eq(req.patent_id))
            .filter(pledges::refused_on.is_null())
            .select((pledges::id, pledges::status))
            .first(conn)
            .optional()?;
        let Some((pledge_id, status)) = pledge else {
            return Err(ApiError::NotFound);
        };
        if status != PledgeStatus::PendingRegistration {
            return Err(ApiError::conflict(
                "PLEDGE_NOT_PENDING",
                format!("the pledge of patent {} is {status}", req.patent_id),
            ));
        }
        if let Some(no) = &no {
            diesel::update(pledges::table.find(pledge_id))
                .set((
                    pledges::status.eq(PledgeStatus::Registered),
                    pledges::registration_no.eq(no),
                    pledges::registration_date.eq(date),
                ))
                .execute(conn)?;
        } else {
            // A refused pledge no longer binds the patent and no longer counts as collateral.
            diesel::update(pledges::table.find(pledge_id))
                .set((
                    pledges::status.eq(PledgeStatus::Proposed),
                    pledges::refused_on.eq(date),
                    pledges::refusal_ground.eq(&ground),
                ))
                .execute(conn)?;
        }
        audit::append(
            conn,
            &principal.actor(),
            &Entry {
                action: if no.is_some() {
                    "pledge.register"
                } else {
                    "pledge.refuse"
                },
                object_type: "pledge",
                object_id: pledge_id.to_string(),
                before: Some(&serde_json::json!({"status": status})),
                after: Some(
                    &serde_json::json!({"registration_no": no, "date": date, "refusal_ground": ground}),
                ),
                request_id,
            },
            now,
        )?;
        crate::services::applications::queue::detail(conn, principal.org_id, application_id)
    })
}

/// Where one pledge of an application stands, for the disbursement check.
#[derive(Queryable, Selectable)]
#[diesel(table_name = pledges)]
struct PledgeStanding {
    status: PledgeStatus,
    collateral_fen: Option<i64>,
    refused_on: Option<NaiveDate>,
}

/// Σ collateral of the registered pledges, and whether any pledge still awaits registration.
fn settled(conn: &mut DbConnection, application_id: i64) -> Result<(i64, usize), ApiError> {
    let rows: Vec<PledgeStanding> = pledges::table
        .filter(pledges::application_id.eq(application_id))
        .select(PledgeStanding::as_select())
        .load(conn)?;
    let registered = rows
        .iter()
        .filter(|p| p.status == PledgeStatus::Registered)
        .map(|p| p.collateral_fen.unwrap_or(0))
        .sum();
    let waiting = rows
        .iter()
        .filter(|p| p.status == PledgeStatus::PendingRegistration && p.refused_on.is_none())
        .count();
    Ok((registered, waiting))
}

fn check_disbursable(conn: &mut DbConnection, a: &ApplicationRow) -> Result<i64, ApiError> {
    let amount = a.approved_amount_fen.unwrap_or(a.amount_fen);
    let (registered, waiting) = settled(conn, a.id)?;
    if waiting > 0 {
        return Err(ApiError::Unprocessable {
            code: "REGISTRATION_PENDING",
            message: format!("{waiting} pledge(s) still await registration"),
        });
    }
    if registered < amount {
        return Err(ApiError::Unprocessable {
            code: "COLLATERAL_SHORT",
            message: format!(
                "the registered pledges' collateral, {registered} fen, does not cover the approved {amount} fen"
            ),
        });
    }
    Ok(amount)
}

/// The officer's proposal to disburse.
pub fn propose_disbursement(
    conn: &mut DbConnection,
    principal: &Principal,
    application_id: i64,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<Proposal, ApiError> {
    crate::db::write_tx(conn, |conn| {
        let a = approved(conn, principal.org_id, application_id)?;
        maker_checker::refuse_if_pending(conn, principal.org_id, "application", application_id)?;
        let amount = check_disbursable(conn, &a)?;
        let payload = Payload::Disbursement(Disbursement {
            application_id,
            amount_fen: amount,
            rate_bp: a.proposed_rate_bp,
            term_months: a.approved_term_months,
            repayment_method: a.repayment_method.clone(),
            pool_id: a.pool_id,
        });
        payload.propose(
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

/// Carries out an approved disbursement (inside the approval's transaction): the loan, its
/// pledges, and the pool's coverage when the pool has room.
pub fn disburse(
    conn: &mut DbConnection,
    principal: &Principal,
    proposal_id: i64,
    disbursement: &Disbursement,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<(), ApiError> {
    let application_id = disbursement.application_id;
    let a = approved(conn, principal.org_id, application_id)?;
    let amount = check_disbursable(conn, &a)?;
    let today = china_today(now);
    let term = a.approved_term_months.unwrap_or(a.term_months);
    let rate = a
        .proposed_rate_bp
        .ok_or_else(|| ApiError::Internal(format!("application {application_id} has no rate")))?;
    let maturity = add_months_clamped(today, term.unsigned_abs());
    let loan_id: i64 = diesel::insert_into(loans::table)
        .values(NewLoan {
            application_id,
            enterprise_id: a.enterprise_id,
            bank_id: a.bank_id,
            guarantor_id: None,
            principal_fen: amount,
            outstanding_fen: amount,
            rate_bp: rate,
            term_months: term,
            disbursed_on: today,
            maturity_date: maturity,
            status: LoanStatus::Active,
            days_past_due: 0,
            defaulted_on: None,
            closed_on: None,
            created_at: now,
            repayment_method: a
                .repayment_method
                .clone()
                .unwrap_or_else(|| "interest_only_bullet".into()),
            conditions: a.conditions.clone(),
        })
        .returning(loans::id)
        .get_result(conn)?;
    diesel::update(
        pledges::table
            .filter(pledges::application_id.eq(application_id))
            .filter(pledges::status.eq(PledgeStatus::Registered)),
    )
    .set(pledges::loan_id.eq(loan_id))
    .execute(conn)?;
    audit::append(
        conn,
        &principal.actor(),
        &Entry {
            action: "loan.disburse",
            object_type: "loan",
            object_id: loan_id.to_string(),
            before: None,
            after: Some(
                &serde_json::json!({"application_id": application_id, "principal_fen": amount,
                "rate_bp": rate, "term_months": term, "disbursed_on": today, "maturity_date": maturity,
                "proposal_id": proposal_id}),
            ),
            request_id,
        },
        now,
    )?;
    let coverage = match a.pool_id {
        Some(pool_id) => Some(cover(
            conn, principal, pool_id, loan_id, amount, today, now, request_id,
        )?),
        None => None,
    };
    raise_alert(
        conn,
        a.enterprise_id,
        None,
        Some(loan_id),
        None,
        "application_status",
        "info",
        format!(
            "贷款 {loan_id} 已放款 {}，到期日 {maturity}。Loan disbursed.{}",
            crate::domain::Fen(amount),
            coverage
                .as_ref()
                .map_or(String::new(), |c| format!(" {}", c.message))
        ),
        &serde_json::json!({"application_id": application_id, "loan_id": loan_id, "coverage": coverage.as_ref().map(|c| c.granted)}),
        now,
    )?;
    Ok(())
}

/// Asks the pool to cover a new loan: granted when the pool is open and its covered
/// outstanding loans with this one stay within size × leverage limit.
#[allow(clippy::too_many_arguments)]
pub fn cover(
    conn: &mut DbConnection,
    principal: &Principal,
    pool_id: i64,
    loan_id: i64,
    amount: i64,
    today: NaiveDate,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<CoverageOutcome, ApiError> {
    // Take the pool's row first (an update that changes nothing, on both databases): a coverage
    // granted at the same moment waits, and the covered total read below includes it.
    diesel::update(fund_pools::table.find(pool_id))
        .set(fund_pools::size_fen.eq(fund_pools::size_fen))
        .execute(conn)?;
    let (size, status): (i64, PoolStatus) = fund_pools::table
        .find(pool_id)
        .select((fund_pools::size_fen, fund_pools::status))
        .first(conn)?;
    let rule: Option<(i32, i32)> = pool_rules::table
        .filter(pool_rules::pool_id.eq(pool_id))
        .filter(pool_rules::effective_from.le(today))
        .order(pool_rules::version.desc())
        .select((pool_rules::version, pool_rules::leverage_limit_pct))
        .first(conn)
        .optional()?;
    let covered: i64 = pool_coverage::table
        .inner_join(loans::table)
        .filter(pool_coverage::pool_id.eq(pool_id))
        .filter(pool_coverage::status.eq(CoverageStatus::Covered))
        .select(loans::outstanding_fen)
        .load::<i64>(conn)?
        .into_iter()
        .sum();
    let limit = rule.map_or(0, |(_, pct)| {
        i64::try_from(i128::from(size) * i128::from(pct) / 100).unwrap_or(i64::MAX)
    });
    // The rule's eligibility: no bad credit record within so many years.
    let eligibility: Option<u32> = rule.and_then(|(version, _)| {
        pool_rules::table
            .filter(pool_rules::pool_id.eq(pool_id))
            .filter(pool_rules::version.eq(version))
            .select(pool_rules::eligibility_json)
            .first::<String>(conn)
            .ok()
            .and_then(|j| serde_json::from_str::<serde_json::Value>(&j).ok())
            .and_then(|j| j["max_bad_credit_years"].as_u64())
            .and_then(|y| u32::try_from(y).ok())
    });
    let bad_record: i64 = match eligibility {
        Some(years) => {
            let enterprise: i64 = loans::table
                .find(loan_id)
                .select(loans::enterprise_id)
                .first(conn)?;
            risk_events::table
                .filter(risk_events::enterprise_id.eq(enterprise))
                .filter(risk_events::event_type.eq_any([
                    "overdue_90",
                    "other_bank_overdue",
                    "guarantee_default",
                    "dishonest_debtor",
                ]))
                .filter(
                    risk_events::occurred_on
                        .gt(today - chrono::Duration::days(365 * i64::from(years))),
                )
                .filter(risk_events::occurred_on.le(today))
                .count()
                .get_result(conn)?
        }
        None => 0,
    };
    let (granted, message) = match rule {
        _ if status != PoolStatus::Open => (
            false,
            format!("风险补偿资金池 {pool_id} 状态为 {status}，未纳入补偿 (pool not open)"),
        ),
        None => (
            false,
            format!("资金池 {pool_id} 尚无生效规则 (no rule in force)"),
        ),
        Some(_) if bad_record > 0 => (
            false,
            format!(
                "借款企业近 {} 年有不良信用记录，不符合资金池 {pool_id} 的补偿条件 (bad credit record)",
                eligibility.unwrap_or(0)
            ),
        ),
        Some(_) if covered + amount > limit => (
            false,
            format!(
                "资金池 {pool_id} 放大倍数已满：在保余额 {} + 本笔 {} 超过上限 {} (leverage limit)",
                crate::domain::Fen(covered),
                crate::domain::Fen(amount),
                crate::domain::Fen(limit)
            ),
        ),
        Some(_) => (
            true,
            format!("已纳入资金池 {pool_id} 风险补偿 (covered by the pool)"),
        ),
    };
    if granted && let Some((version, _)) = rule {
        diesel::insert_into(pool_coverage::table)
            .values(NewPoolCoverage {
                pool_id,
                loan_id,
                rule_version: version,
                covered_on: today,
                covered_amount_fen: amount,
                status: CoverageStatus::Covered,
                created_at: now,
            })
            .execute(conn)?;
    }
    let outcome = CoverageOutcome {
        pool_id,
        granted,
        rule_version: rule.map(|r| r.0),
        covered_before_fen: covered,
        limit_fen: limit,
        message,
    };
    audit::append(
        conn,
        &principal.actor(),
        &Entry {
            action: if granted {
                "pool.cover"
            } else {
                "pool.cover_refused"
            },
            object_type: "loan",
            object_id: loan_id.to_string(),
            before: None,
            after: Some(&serde_json::to_value(&outcome).unwrap_or_default()),
            request_id,
        },
        now,
    )?;
    Ok(outcome)
}
