//! Claims on the district's pools: filed by banks for defaulted covered loans, shown with their
//! loss computation (outstanding at default, recoveries, the rule's shares and cap, the balance),
//! approved by a district manager on an officer's proposal (maker-checker) — the payout reduces
//! the balance — or returned to the bank with a reason. Money a bank recovers after the payout
//! flows back to the pool by the share the pool bore.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use zhirong_engine::pool::share_loss;

use crate::auth::{Principal, Role};
use crate::clock::china_today;
use crate::db::DbConnection;
use crate::db::audit::{self, Entry};
use crate::db::schema::{
    claim_recoveries, claims, fund_pools, loans, organisations, pool_coverage,
};
use crate::domain::text::optional_text;
use crate::error::ApiError;
use crate::error::bad;
use crate::services::disposals::rules_of;
use crate::services::proposals::{self as maker_checker, ClaimDecision, Payload, Proposal};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ClaimDetail {
    pub id: i64,
    pub pool_id: i64,
    pub pool_name: String,
    pub loan_id: i64,
    pub bank_id: i64,
    pub bank_name: String,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    /// filed, under_review, approved, rejected (returned), paid
    pub status: String,
    pub filed_on: NaiveDate,
    pub decided_on: Option<NaiveDate>,
    pub decision_reason: Option<String>,
    /// The computation: loss = max(0, outstanding at default − recoveries).
    pub outstanding_at_default_fen: i64,
    pub recoveries_fen: i64,
    pub loss_fen: i64,
    pub rule_version: i32,
    pub gov_share_bp: i32,
    pub per_loan_cap_fen: i64,
    /// The pool's balance now, and what the pool would pay now: min(share × loss, cap, balance).
    pub balance_fen: i64,
    pub payable_now_fen: i64,
    pub claimed_fen: i64,
    pub approved_fen: Option<i64>,
    /// Recovered after the payout, and the pool's part of it.
    pub recovered_after_payout_fen: i64,
    pub returned_to_pool_fen: i64,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ClaimQuery {
    /// filed, under_review, approved, rejected or paid.
    pub status: Option<String>,
    pub pool_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimDecisionRequest {
    /// approve (pay what the pool owes now) or return (to the bank, with a reason).
    pub decision: String,
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoveryRequest {
    pub amount_fen: i64,
    pub received_on: NaiveDate,
}

type Row = (
    i64,
    i64,
    i64,
    i64,
    i32,
    i64,
    i64,
    i64,
    Option<i64>,
    String,
    NaiveDate,
    Option<NaiveDate>,
    Option<String>,
);

fn row(conn: &mut DbConnection, id: i64) -> Result<Row, ApiError> {
    Ok(claims::table
        .find(id)
        .select((
            claims::id,
            claims::pool_id,
            claims::loan_id,
            claims::bank_id,
            claims::rule_version,
            claims::loss_fen,
            claims::recoveries_fen,
            claims::claimed_fen,
            claims::approved_fen,
            claims::status,
            claims::filed_on,
            claims::decided_on,
            claims::decision_reason,
        ))
        .first(conn)?)
}

fn name_of(conn: &mut DbConnection, id: i64) -> Result<String, ApiError> {
    Ok(organisations::table
        .find(id)
        .select(organisations::name)
        .first(conn)?)
}

/// A claim on one of the district's pools, with its computation.
pub fn detail(conn: &mut DbConnection, district_id: i64, id: i64) -> Result<ClaimDetail, ApiError> {
    let r = row(conn, id)?;
    let (pool_name, balance): (String, i64) = fund_pools::table
        .find(r.1)
        .filter(fund_pools::district_id.eq(district_id))
        .select((fund_pools::name, fund_pools::balance_fen))
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound)?;
    let (enterprise_id, outstanding): (i64, i64) = loans::table
        .find(r.2)
        .select((loans::enterprise_id, loans::outstanding_fen))
        .first(conn)?;
    let rules = rules_of(conn, r.1, r.4, balance)?;
    let split = share_loss(r.5, &rules, balance);
    let recovered: Vec<(i64, i64)> = claim_recoveries::table
        .filter(claim_recoveries::claim_id.eq(id))
        .select((
            claim_recoveries::amount_fen,
            claim_recoveries::pool_share_fen,
        ))
        .load(conn)?;
    Ok(ClaimDetail {
        id: r.0,
        pool_id: r.1,
        pool_name,
        loan_id: r.2,
        bank_id: r.3,
        bank_name: name_of(conn, r.3)?,
        enterprise_id,
        enterprise_name: name_of(conn, enterprise_id)?,
        status: r.9,
        filed_on: r.10,
        decided_on: r.11,
        decision_reason: r.12,
        outstanding_at_default_fen: outstanding,
        recoveries_fen: r.6,
        loss_fen: r.5,
        rule_version: r.4,
        gov_share_bp: (rules.gov_share * 10_000.0).round() as i32,
        per_loan_cap_fen: rules.per_loan_cap_fen,
        balance_fen: balance,
        payable_now_fen: split.pool_fen,
        claimed_fen: r.7,
        approved_fen: r.8,
        recovered_after_payout_fen: recovered.iter().map(|x| x.0).sum(),
        returned_to_pool_fen: recovered.iter().map(|x| x.1).sum(),
    })
}

pub fn list(
    conn: &mut DbConnection,
    district_id: i64,
    q: &ClaimQuery,
) -> Result<Vec<ClaimDetail>, ApiError> {
    const STATUSES: [&str; 5] = ["filed", "under_review", "approved", "rejected", "paid"];
    if let Some(s) = q.status.as_deref()
        && !STATUSES.contains(&s)
    {
        return Err(bad(
            "INVALID_STATUS",
            format!("status is one of {}", STATUSES.join(", ")),
            "status",
        ));
    }
    let mut query = claims::table
        .inner_join(fund_pools::table)
        .filter(fund_pools::district_id.eq(district_id))
        .select(claims::id)
        .order(claims::id.desc())
        .into_boxed();
    if let Some(s) = &q.status {
        query = query.filter(claims::status.eq(s.clone()));
    }
    if let Some(p) = q.pool_id {
        query = query.filter(claims::pool_id.eq(p));
    }
    let ids: Vec<i64> = query.load(conn)?;
    ids.into_iter()
        .map(|id| detail(conn, district_id, id))
        .collect()
}

/// An officer's proposal to approve or return a claim.
pub fn propose(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    req: ClaimDecisionRequest,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<Proposal, ApiError> {
    let reason = optional_text(req.reason.as_deref(), 2_000, "reason")?;
    match req.decision.as_str() {
        "approve" => {}
        "return" if reason.is_none() => {
            return Err(bad(
                "FIELD_REQUIRED",
                "reason is required to return a claim",
                "reason",
            ));
        }
        "return" => {}
        _ => {
            return Err(bad(
                "INVALID_DECISION",
                "decision is approve or return",
                "decision",
            ));
        }
    }
    crate::db::write_tx(conn, |conn| {
        let c = detail(conn, principal.org_id, id)?;
        if !["filed", "under_review"].contains(&c.status.as_str()) {
            return Err(ApiError::conflict(
                "CLAIM_DECIDED",
                format!("claim {id} is {}", c.status),
            ));
        }
        maker_checker::refuse_if_pending(conn, principal.org_id, "claim", id)?;
        if c.status == "filed" {
            diesel::update(claims::table.find(id))
                .set(claims::status.eq("under_review"))
                .execute(conn)?;
        }
        let payload = Payload::ClaimDecision(ClaimDecision {
            claim_id: id,
            decision: req.decision.clone(),
            reason: reason.clone(),
            payable_now_fen: c.payable_now_fen,
            loss_fen: c.loss_fen,
        });
        payload.propose(
            conn,
            principal,
            "claim",
            id,
            Role::GovManager,
            now,
            request_id,
        )
    })
}

/// Carries out an approved decision: the payout (what the pool owes now, at most its balance)
/// leaves the balance, or the claim goes back to the bank and the loan is covered again.
pub fn apply(
    conn: &mut DbConnection,
    principal: &Principal,
    proposal_id: i64,
    decision: &ClaimDecision,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<(), ApiError> {
    let id = decision.claim_id;
    let c = detail(conn, principal.org_id, id)?;
    if c.status != "under_review" {
        return Err(ApiError::conflict(
            "CLAIM_DECIDED",
            format!("claim {id} is now {}; send the proposal back", c.status),
        ));
    }
    let today = china_today(now);
    let reason = decision.reason.clone();
    if decision.decision == "approve" {
        let paid = c.payable_now_fen;
        let changed = diesel::update(
            fund_pools::table
                .find(c.pool_id)
                .filter(fund_pools::balance_fen.ge(paid)),
        )
        .set(fund_pools::balance_fen.eq(fund_pools::balance_fen - paid))
        .execute(conn)?;
        if changed == 0 {
            return Err(ApiError::conflict(
                "BALANCE_SHORT",
                format!("pool {} cannot pay {paid} fen", c.pool_id),
            ));
        }
        diesel::update(claims::table.find(id))
            .set((
                claims::status.eq("paid"),
                claims::approved_fen.eq(paid),
                claims::decided_on.eq(today),
                claims::decision_reason.eq(&reason),
            ))
            .execute(conn)?;
        audit::append(
            conn,
            &principal.actor(),
            &Entry {
                action: "claim.pay",
                object_type: "claim",
                object_id: id.to_string(),
                before: Some(
                    &serde_json::json!({"status": c.status, "balance_fen": c.balance_fen}),
                ),
                after: Some(&serde_json::json!({"status": "paid", "approved_fen": paid,
                    "balance_fen": c.balance_fen - paid, "loss_fen": c.loss_fen, "proposal_id": proposal_id})),
                request_id,
            },
            now,
        )?;
    } else {
        diesel::update(claims::table.find(id))
            .set((
                claims::status.eq("rejected"),
                claims::decided_on.eq(today),
                claims::decision_reason.eq(&reason),
            ))
            .execute(conn)?;
        diesel::update(
            pool_coverage::table
                .filter(pool_coverage::loan_id.eq(c.loan_id))
                .filter(pool_coverage::status.eq("claimed")),
        )
        .set(pool_coverage::status.eq("covered"))
        .execute(conn)?;
        audit::append(
            conn,
            &principal.actor(),
            &Entry {
                action: "claim.return",
                object_type: "claim",
                object_id: id.to_string(),
                before: Some(&serde_json::json!({"status": c.status})),
                after: Some(
                    &serde_json::json!({"status": "rejected", "reason": reason, "proposal_id": proposal_id}),
                ),
                request_id,
            },
            now,
        )?;
    }
    Ok(())
}

/// The bank records money recovered after the pool paid; the pool's part (its share of the loss)
/// flows back to the balance.
pub fn record_recovery(
    conn: &mut DbConnection,
    principal: &Principal,
    claim_id: i64,
    req: RecoveryRequest,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<crate::services::disposals::ClaimView, ApiError> {
    if req.amount_fen <= 0 {
        return Err(bad(
            "INVALID_AMOUNT",
            "amount_fen must be positive",
            "amount_fen",
        ));
    }
    if req.received_on > china_today(now) {
        return Err(bad(
            "DATE_IN_FUTURE",
            format!("received_on {} is after today", req.received_on),
            "received_on",
        ));
    }
    crate::db::write_tx(conn, |conn| {
        let r = row(conn, claim_id)?;
        if r.3 != principal.org_id {
            return Err(ApiError::NotFound);
        }
        if r.9 != "paid" {
            return Err(ApiError::conflict(
                "CLAIM_NOT_PAID",
                format!(
                    "claim {claim_id} is {}; recoveries before a payout reduce the claim instead",
                    r.9
                ),
            ));
        }
        let paid = r.8.unwrap_or(0);
        let loss = r.5;
        let already: i64 = claim_recoveries::table
            .filter(claim_recoveries::claim_id.eq(claim_id))
            .select(claim_recoveries::pool_share_fen)
            .load::<i64>(conn)?
            .into_iter()
            .sum();
        // The pool bore paid / loss of the loss; it gets that part back, never more than it paid.
        let share = if loss > 0 {
            i64::try_from(i128::from(req.amount_fen) * i128::from(paid) / i128::from(loss))
                .unwrap_or(0)
        } else {
            0
        }
        .min(paid - already)
        .max(0);
        diesel::insert_into(claim_recoveries::table)
            .values((
                claim_recoveries::claim_id.eq(claim_id),
                claim_recoveries::amount_fen.eq(req.amount_fen),
                claim_recoveries::pool_share_fen.eq(share),
                claim_recoveries::received_on.eq(req.received_on),
                claim_recoveries::created_at.eq(now),
            ))
            .execute(conn)?;
        diesel::update(fund_pools::table.find(r.1))
            .set(fund_pools::balance_fen.eq(fund_pools::balance_fen + share))
            .execute(conn)?;
        audit::append(
            conn,
            &principal.actor(),
            &Entry {
                action: "claim.recovery",
                object_type: "claim",
                object_id: claim_id.to_string(),
                before: None,
                after: Some(
                    &serde_json::json!({"amount_fen": req.amount_fen, "pool_share_fen": share,
                    "received_on": req.received_on}),
                ),
                request_id,
            },
            now,
        )?;
        crate::services::disposals::list_claims(conn, principal.org_id)?
            .into_iter()
            .find(|c| c.id == claim_id)
            .ok_or(ApiError::NotFound)
    })
}
