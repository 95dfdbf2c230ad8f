//! Claims on the district's pools: filed by banks for defaulted covered loans, shown with their
//! loss computation (outstanding at default, recoveries, the rule's shares and cap, the balance),
//! approved by a district manager on an officer's proposal (maker-checker) — the payout reduces
//! the balance — or returned to the bank with a reason. Money a bank recovers after the payout
//! flows back to the pool by the share the pool bore. Money the bank receives while the claim is
//! filed and unpaid reduces the loss: the claim is recomputed by the pool's rules, each change kept
//! with the money that caused it, and a claim whose loss falls to nil is withdrawn, not paid.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use zhirong_engine::pool::share_loss;

use crate::auth::{Principal, Role};
use crate::clock::china_today;
use crate::db::DbConnection;
use crate::db::audit::{self, Entry};
use crate::db::schema::{
    claim_adjustments, claim_recoveries, claims, fund_pools, loans, organisations, pool_coverage,
};
use crate::domain::status::{ClaimStatus, CoverageStatus};
use crate::domain::text::optional_text;
use crate::error::ApiError;
use crate::error::bad;
use crate::services::disposals::rules_of;
use crate::services::loans::servicing::Received;
use crate::services::proposals::{self as maker_checker, ClaimDecision, Payload, Proposal};
use crate::services::status_filter;

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
    /// rejected: returned to the bank.
    pub status: ClaimStatus,
    pub filed_on: NaiveDate,
    pub decided_on: Option<NaiveDate>,
    pub decision_reason: Option<String>,
    /// The computation: loss = max(0, outstanding at default − recoveries), the recoveries being
    /// the disposals' proceeds and the money received from the borrower since filing.
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
    /// Why the claim changed since it was filed: the money received from the borrower while it
    /// was unpaid, oldest first.
    pub changes: Vec<ClaimChange>,
}

/// One recomputation of a filed claim: the money received and the loss and claim before and
/// after it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ClaimChange {
    pub received_on: NaiveDate,
    pub principal_fen: i64,
    pub interest_fen: i64,
    /// principal + interest.
    pub received_fen: i64,
    pub loss_before_fen: i64,
    pub loss_after_fen: i64,
    pub claimed_before_fen: i64,
    pub claimed_after_fen: i64,
    /// The claim's status after it: unchanged, or withdrawn when the loss fell to nil.
    pub status_after: String,
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

/// A recomputation as stored.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = claim_adjustments)]
struct AdjustmentRow {
    received_on: NaiveDate,
    principal_fen: i64,
    interest_fen: i64,
    loss_before_fen: i64,
    loss_after_fen: i64,
    claimed_before_fen: i64,
    claimed_after_fen: i64,
    status_after: String,
}

impl From<AdjustmentRow> for ClaimChange {
    fn from(a: AdjustmentRow) -> Self {
        ClaimChange {
            received_on: a.received_on,
            principal_fen: a.principal_fen,
            interest_fen: a.interest_fen,
            received_fen: a.principal_fen.saturating_add(a.interest_fen),
            loss_before_fen: a.loss_before_fen,
            loss_after_fen: a.loss_after_fen,
            claimed_before_fen: a.claimed_before_fen,
            claimed_after_fen: a.claimed_after_fen,
            status_after: a.status_after,
        }
    }
}

/// A claim as stored.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = claims)]
struct ClaimRow {
    id: i64,
    pool_id: i64,
    loan_id: i64,
    bank_id: i64,
    rule_version: i32,
    loss_fen: i64,
    recoveries_fen: i64,
    claimed_fen: i64,
    approved_fen: Option<i64>,
    status: ClaimStatus,
    filed_on: NaiveDate,
    decided_on: Option<NaiveDate>,
    decision_reason: Option<String>,
}

/// Money recovered after the payout, and the pool's part of it.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = claim_recoveries)]
struct Recovery {
    amount_fen: i64,
    pool_share_fen: i64,
}

fn row(conn: &mut DbConnection, id: i64) -> Result<ClaimRow, ApiError> {
    Ok(claims::table
        .find(id)
        .select(ClaimRow::as_select())
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
        .find(r.pool_id)
        .filter(fund_pools::district_id.eq(district_id))
        .select((fund_pools::name, fund_pools::balance_fen))
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound)?;
    let (enterprise_id, outstanding): (i64, i64) = loans::table
        .find(r.loan_id)
        .select((loans::enterprise_id, loans::outstanding_fen))
        .first(conn)?;
    // The outstanding when the claim was filed: the principal received since came off the loan
    // and is counted among the recoveries.
    let changes: Vec<ClaimChange> = claim_adjustments::table
        .filter(claim_adjustments::claim_id.eq(id))
        .order(claim_adjustments::id)
        .select(AdjustmentRow::as_select())
        .load(conn)?
        .into_iter()
        .map(ClaimChange::from)
        .collect();
    let outstanding = outstanding + changes.iter().map(|c| c.principal_fen).sum::<i64>();
    let rules = rules_of(conn, r.pool_id, r.rule_version, balance)?;
    let split = share_loss(r.loss_fen, &rules, balance);
    let recovered: Vec<Recovery> = claim_recoveries::table
        .filter(claim_recoveries::claim_id.eq(id))
        .select(Recovery::as_select())
        .load(conn)?;
    Ok(ClaimDetail {
        id: r.id,
        pool_id: r.pool_id,
        pool_name,
        loan_id: r.loan_id,
        bank_id: r.bank_id,
        bank_name: name_of(conn, r.bank_id)?,
        enterprise_id,
        enterprise_name: name_of(conn, enterprise_id)?,
        status: r.status,
        filed_on: r.filed_on,
        decided_on: r.decided_on,
        decision_reason: r.decision_reason,
        outstanding_at_default_fen: outstanding,
        recoveries_fen: r.recoveries_fen,
        loss_fen: r.loss_fen,
        rule_version: r.rule_version,
        gov_share_bp: (rules.gov_share * 10_000.0).round() as i32,
        per_loan_cap_fen: rules.per_loan_cap_fen,
        balance_fen: balance,
        payable_now_fen: split.pool_fen,
        claimed_fen: r.claimed_fen,
        approved_fen: r.approved_fen,
        recovered_after_payout_fen: crate::domain::money::stored_total(
            "recovered after the payout",
            recovered.iter().map(|x| x.amount_fen),
        )?,
        returned_to_pool_fen: crate::domain::money::stored_total(
            "returned to the pool",
            recovered.iter().map(|x| x.pool_share_fen),
        )?,
        changes,
    })
}

pub fn list(
    conn: &mut DbConnection,
    district_id: i64,
    q: &ClaimQuery,
) -> Result<Vec<ClaimDetail>, ApiError> {
    let status = status_filter(q.status.as_deref(), ClaimStatus::parse, ClaimStatus::ALL)?;
    let mut query = claims::table
        .inner_join(fund_pools::table)
        .filter(fund_pools::district_id.eq(district_id))
        .select(claims::id)
        .order(claims::id.desc())
        .into_boxed();
    if let Some(s) = status {
        query = query.filter(claims::status.eq(s));
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
        if !matches!(c.status, ClaimStatus::Filed | ClaimStatus::UnderReview) {
            return Err(ApiError::conflict(
                "CLAIM_DECIDED",
                format!("claim {id} is {}", c.status),
            ));
        }
        maker_checker::refuse_if_pending(conn, principal.org_id, "claim", id)?;
        if c.status == ClaimStatus::Filed {
            diesel::update(claims::table.find(id))
                .set(claims::status.eq(ClaimStatus::UnderReview))
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

/// Takes claim `id`'s row for the rest of the transaction, on both databases (an update that
/// changes nothing): whoever else takes it waits until this transaction ends, then reads what it
/// wrote. Zero when there is no such claim.
fn take_row(conn: &mut DbConnection, id: i64) -> Result<usize, ApiError> {
    Ok(diesel::update(claims::table.find(id))
        .set(claims::status.eq(claims::status))
        .execute(conn)?)
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
    // Take the claim's row first: a repayment recomputing it at the same moment waits, or this
    // waits for it and sees the new loss.
    take_row(conn, id)?;
    let c = detail(conn, principal.org_id, id)?;
    if c.status != ClaimStatus::UnderReview {
        return Err(ApiError::conflict(
            "CLAIM_DECIDED",
            format!("claim {id} is now {}; send the proposal back", c.status),
        ));
    }
    if decision.decision == "approve" && c.loss_fen != decision.loss_fen {
        return Err(ApiError::conflict(
            "CLAIM_RECOMPUTED",
            format!(
                "claim {id} was recomputed since the proposal (loss {} fen, now {} fen): send \
                 the proposal back and propose again on the new figure",
                decision.loss_fen, c.loss_fen
            ),
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
                claims::status.eq(ClaimStatus::Paid),
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
                after: Some(
                    &serde_json::json!({"status": ClaimStatus::Paid, "approved_fen": paid,
                    "balance_fen": c.balance_fen - paid, "loss_fen": c.loss_fen, "proposal_id": proposal_id}),
                ),
                request_id,
            },
            now,
        )?;
    } else {
        diesel::update(claims::table.find(id))
            .set((
                claims::status.eq(ClaimStatus::Rejected),
                claims::decided_on.eq(today),
                claims::decision_reason.eq(&reason),
            ))
            .execute(conn)?;
        diesel::update(
            pool_coverage::table
                .filter(pool_coverage::loan_id.eq(c.loan_id))
                .filter(pool_coverage::status.eq(CoverageStatus::Claimed)),
        )
        .set(pool_coverage::status.eq(CoverageStatus::Covered))
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
                    &serde_json::json!({"status": ClaimStatus::Rejected, "reason": reason, "proposal_id": proposal_id}),
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
        // Take the claim's row first: a recovery recorded at the same moment waits, and the
        // shares read below include it.
        take_row(conn, claim_id)?;
        let r = row(conn, claim_id)?;
        if r.bank_id != principal.org_id {
            return Err(ApiError::NotFound);
        }
        if r.status != ClaimStatus::Paid {
            return Err(ApiError::conflict(
                "CLAIM_NOT_PAID",
                format!(
                    "claim {claim_id} is {}; recoveries before a payout reduce the claim instead",
                    r.status
                ),
            ));
        }
        let paid = r.approved_fen.unwrap_or(0);
        let loss = r.loss_fen;
        let before: Vec<(i64, i64)> = claim_recoveries::table
            .filter(claim_recoveries::claim_id.eq(claim_id))
            .select((
                claim_recoveries::amount_fen,
                claim_recoveries::pool_share_fen,
            ))
            .load(conn)?;
        // What the claim shows as recovered after the payout is a sum: it must stay an amount.
        crate::domain::money::total_fen(
            "amount_fen",
            before.iter().map(|b| b.0).chain([req.amount_fen]),
        )?;
        let already = crate::domain::money::stored_total(
            "the pool's share of recoveries",
            before.iter().map(|b| b.1),
        )?;
        // The pool bore paid / loss of the loss; it gets that part back, never more than it paid
        // (computed in i128 and capped before it is narrowed: no wrap, no silent zero).
        let owed = i128::from(paid) - i128::from(already);
        let share = if loss > 0 {
            (i128::from(req.amount_fen) * i128::from(paid) / i128::from(loss)).min(owed)
        } else {
            0
        }
        .max(0);
        let share = i64::try_from(share).unwrap_or(0);
        let balance: i64 = fund_pools::table
            .find(r.pool_id)
            .select(fund_pools::balance_fen)
            .first(conn)?;
        crate::domain::money::add_fen("amount_fen", balance, share)?;
        diesel::insert_into(claim_recoveries::table)
            .values((
                claim_recoveries::claim_id.eq(claim_id),
                claim_recoveries::amount_fen.eq(req.amount_fen),
                claim_recoveries::pool_share_fen.eq(share),
                claim_recoveries::received_on.eq(req.received_on),
                claim_recoveries::created_at.eq(now),
            ))
            .execute(conn)?;
        diesel::update(fund_pools::table.find(r.pool_id))
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

/// Money the bank received from the borrower on a loan whose claim is filed and not yet paid
/// (filed, under review or approved): it is a recovery — principal and interest alike — and
/// reduces the loss, `max(0, outstanding at default − recoveries)`; the claim is recomputed by the rules the
/// loan was covered under, against the pool's balance now. A loss brought to nil withdraws the
/// claim and ends the pool's cover. Call inside the repayment's transaction. Returns the
/// change, if the loan has such a claim.
pub fn money_received(
    conn: &mut DbConnection,
    money: &Received,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<Option<ClaimChange>, ApiError> {
    let Received {
        actor,
        loan_id,
        paid_on: received_on,
        principal_fen,
        interest_fen,
    } = money;
    let (loan_id, received_on, principal_fen, interest_fen) =
        (*loan_id, *received_on, *principal_fen, *interest_fen);
    // Take the claim's row first (an update that changes nothing): a decision on it or another
    // repayment at the same moment waits for this one, and this one sees what they did.
    let taken = diesel::update(claims::table.filter(claims::loan_id.eq(loan_id)))
        .set(claims::status.eq(claims::status))
        .execute(conn)?;
    if taken == 0 {
        return Ok(None);
    }
    let r: ClaimRow = claims::table
        .filter(claims::loan_id.eq(loan_id))
        .select(ClaimRow::as_select())
        .first(conn)?;
    match r.status {
        ClaimStatus::Filed | ClaimStatus::UnderReview | ClaimStatus::Approved => {}
        ClaimStatus::Paid => {
            return Err(ApiError::conflict(
                "CLAIM_PAID",
                format!(
                    "the pool has paid claim {} on loan {loan_id}: record money received as a \
                     recovery (POST /api/bank/claims/{}/recoveries), shared with the pool",
                    r.id, r.id
                ),
            ));
        }
        ClaimStatus::Rejected | ClaimStatus::Withdrawn => return Ok(None),
    }
    let received = crate::domain::money::add_fen("interest_fen", principal_fen, interest_fen)?;
    let recoveries = crate::domain::money::add_fen("interest_fen", r.recoveries_fen, received)?;
    let loss = (r.loss_fen - received).max(0);
    let balance: i64 = fund_pools::table
        .find(r.pool_id)
        .select(fund_pools::balance_fen)
        .first(conn)?;
    let rules = rules_of(conn, r.pool_id, r.rule_version, balance)?;
    let claimed = share_loss(loss, &rules, balance).pool_fen;
    let status = if loss == 0 {
        ClaimStatus::Withdrawn
    } else {
        r.status
    };
    let today = china_today(now);
    diesel::update(claims::table.find(r.id))
        .set((
            claims::loss_fen.eq(loss),
            claims::recoveries_fen.eq(recoveries),
            claims::claimed_fen.eq(claimed),
            claims::status.eq(status),
        ))
        .execute(conn)?;
    if status == ClaimStatus::Withdrawn {
        diesel::update(claims::table.find(r.id))
            .set((
                claims::decided_on.eq(today),
                claims::decision_reason.eq(format!(
                    "贷款 {loan_id} 的损失已由借款人还款全部弥补，索赔撤回。The borrower's money \
                     covered the loss: the claim is withdrawn."
                )),
            ))
            .execute(conn)?;
        diesel::update(
            pool_coverage::table
                .filter(pool_coverage::loan_id.eq(loan_id))
                .filter(pool_coverage::status.eq(CoverageStatus::Claimed)),
        )
        .set(pool_coverage::status.eq(CoverageStatus::Released))
        .execute(conn)?;
    }
    let change = ClaimChange {
        received_on,
        principal_fen,
        interest_fen,
        received_fen: received,
        loss_before_fen: r.loss_fen,
        loss_after_fen: loss,
        claimed_before_fen: r.claimed_fen,
        claimed_after_fen: claimed,
        status_after: status.as_str().to_string(),
    };
    diesel::insert_into(claim_adjustments::table)
        .values((
            claim_adjustments::claim_id.eq(r.id),
            claim_adjustments::received_on.eq(received_on),
            claim_adjustments::principal_fen.eq(principal_fen),
            claim_adjustments::interest_fen.eq(interest_fen),
            claim_adjustments::loss_before_fen.eq(r.loss_fen),
            claim_adjustments::loss_after_fen.eq(loss),
            claim_adjustments::claimed_before_fen.eq(r.claimed_fen),
            claim_adjustments::claimed_after_fen.eq(claimed),
            claim_adjustments::status_after.eq(status.as_str()),
            claim_adjustments::created_at.eq(now),
        ))
        .execute(conn)?;
    audit::append(
        conn,
        actor,
        &Entry {
            action: "claim.recompute",
            object_type: "claim",
            object_id: r.id.to_string(),
            before: Some(
                &serde_json::json!({"status": r.status, "loss_fen": r.loss_fen,
                "recoveries_fen": r.recoveries_fen, "claimed_fen": r.claimed_fen}),
            ),
            after: Some(&serde_json::json!({"status": status, "loss_fen": loss,
                "recoveries_fen": recoveries, "claimed_fen": claimed,
                "received_on": received_on, "principal_fen": principal_fen,
                "interest_fen": interest_fen, "loan_id": loan_id})),
            request_id,
        },
        now,
    )?;
    Ok(Some(change))
}
