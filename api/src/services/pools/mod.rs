//! The district's risk-compensation pools (风险补偿资金池): size, contributions, balance, covered
//! loans, leverage against the limit, payouts, recoveries, payout rate (代偿率) and recovery rate
//! (回收率); the rules with their versions, and a rule change through maker-checker that applies to
//! loans covered from its effective date.
//!
//! Definitions: covered outstanding = Σ outstanding of the loans the pool covers now (coverage
//! `covered`); leverage = covered outstanding / size; payouts = Σ approved claims; recoveries = Σ
//! the pool's share of money recovered after a payout; payout rate = payouts / Σ amounts ever
//! covered; recovery rate = recoveries / payouts.

pub mod simulations;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::auth::{Principal, Role};
use crate::clock::china_today;
use crate::db::DbConnection;
use crate::db::audit::{self, Entry};
use crate::db::schema::{
    claim_recoveries, claims, fund_pools, loans, organisations, pool_banks, pool_contributions,
    pool_coverage, pool_rules,
};
use crate::domain::status::{ClaimStatus, CoverageStatus, LoanStatus, PoolStatus};
use crate::error::ApiError;
use crate::error::bad;
use crate::services::proposals::{self as maker_checker, Payload, Proposal};
pub use crate::services::proposals::{Eligibility, RuleChange};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RuleView {
    pub version: i32,
    pub gov_share_bp: i32,
    pub bank_share_bp: i32,
    pub guarantor_share_bp: i32,
    pub insurer_share_bp: i32,
    pub per_loan_cap_fen: i64,
    /// Per cent: 1000 = 10×.
    pub leverage_limit_pct: i32,
    pub effective_from: NaiveDate,
    pub eligibility: Eligibility,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Contribution {
    pub org_id: i64,
    pub name: String,
    /// district or bank
    pub kind: String,
    pub amount_fen: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PoolView {
    pub id: i64,
    pub name: String,
    pub status: PoolStatus,
    pub opened_on: NaiveDate,
    pub size_fen: i64,
    pub balance_fen: i64,
    pub government_contribution_fen: i64,
    pub bank_contribution_fen: i64,
    pub banks: Vec<i64>,
    pub covered_loans: i64,
    pub covered_outstanding_fen: i64,
    pub leverage: f64,
    pub leverage_limit: Option<f64>,
    pub payouts_fen: i64,
    pub recoveries_fen: i64,
    /// payouts / Σ amounts ever covered.
    pub payout_rate: Option<f64>,
    /// recoveries / payouts.
    pub recovery_rate: Option<f64>,
    pub claims_pending: i64,
    pub rule: Option<RuleView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PoolDetail {
    #[serde(flatten)]
    pub pool: PoolView,
    pub contributions: Vec<Contribution>,
    /// Every rule version, newest first.
    pub rules: Vec<RuleView>,
}

fn ratio(a: i64, b: i64) -> Option<f64> {
    (b > 0).then(|| (a as f64 / b as f64 * 10_000.0).round() / 10_000.0)
}

type RuleRow = (i32, i32, i32, i32, i32, i64, i32, NaiveDate, String);

fn rule_views(conn: &mut DbConnection, pool_id: i64) -> Result<Vec<RuleView>, ApiError> {
    let rows: Vec<RuleRow> = pool_rules::table
        .filter(pool_rules::pool_id.eq(pool_id))
        .order(pool_rules::version.desc())
        .select((
            pool_rules::version,
            pool_rules::gov_share_bp,
            pool_rules::bank_share_bp,
            pool_rules::guarantor_share_bp,
            pool_rules::insurer_share_bp,
            pool_rules::per_loan_cap_fen,
            pool_rules::leverage_limit_pct,
            pool_rules::effective_from,
            pool_rules::eligibility_json,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| RuleView {
            version: r.0,
            gov_share_bp: r.1,
            bank_share_bp: r.2,
            guarantor_share_bp: r.3,
            insurer_share_bp: r.4,
            per_loan_cap_fen: r.5,
            leverage_limit_pct: r.6,
            effective_from: r.7,
            eligibility: serde_json::from_str(&r.8).unwrap_or(Eligibility {
                max_bad_credit_years: None,
            }),
        })
        .collect())
}

/// The rule in force on `day`: the highest version effective by then.
pub fn rule_in_force(
    conn: &mut DbConnection,
    pool_id: i64,
    day: NaiveDate,
) -> Result<Option<RuleView>, ApiError> {
    Ok(rule_views(conn, pool_id)?
        .into_iter()
        .find(|r| r.effective_from <= day))
}

/// A pool as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = fund_pools)]
pub struct DistrictPool {
    pub id: i64,
    pub name: String,
    pub status: PoolStatus,
    pub opened_on: NaiveDate,
    pub size_fen: i64,
    pub balance_fen: i64,
}

/// A pool of the district, or not found.
pub fn district_pool(
    conn: &mut DbConnection,
    district_id: i64,
    pool_id: i64,
) -> Result<DistrictPool, ApiError> {
    Ok(fund_pools::table
        .find(pool_id)
        .filter(fund_pools::district_id.eq(district_id))
        .select(DistrictPool::as_select())
        .first(conn)?)
}

fn view(
    conn: &mut DbConnection,
    district_id: i64,
    pool_id: i64,
    today: NaiveDate,
) -> Result<(PoolView, Vec<Contribution>), ApiError> {
    let DistrictPool {
        id,
        name,
        status,
        opened_on,
        size_fen: size,
        balance_fen: balance,
    } = district_pool(conn, district_id, pool_id)?;
    let contributions: Vec<Contribution> = pool_contributions::table
        .inner_join(
            organisations::table.on(organisations::id.eq(pool_contributions::contributor_org_id)),
        )
        .filter(pool_contributions::pool_id.eq(id))
        .order(pool_contributions::id)
        .select((
            pool_contributions::contributor_org_id,
            organisations::name,
            organisations::kind,
            pool_contributions::amount_fen,
        ))
        .load::<(i64, String, String, i64)>(conn)?
        .into_iter()
        .map(|(org_id, name, kind, amount_fen)| Contribution {
            org_id,
            name,
            kind,
            amount_fen,
        })
        .collect();
    let gov: i64 = contributions
        .iter()
        .filter(|c| c.kind == "district")
        .map(|c| c.amount_fen)
        .sum();
    let banks_fen: i64 = contributions
        .iter()
        .filter(|c| c.kind != "district")
        .map(|c| c.amount_fen)
        .sum();
    let banks: Vec<i64> = pool_banks::table
        .filter(pool_banks::pool_id.eq(id))
        .order(pool_banks::bank_id)
        .select(pool_banks::bank_id)
        .load(conn)?;
    let covered: Vec<i64> = pool_coverage::table
        .inner_join(loans::table)
        .filter(pool_coverage::pool_id.eq(id))
        .filter(pool_coverage::status.eq(CoverageStatus::Covered))
        .select(loans::outstanding_fen)
        .load(conn)?;
    let ever_covered: i64 = pool_coverage::table
        .filter(pool_coverage::pool_id.eq(id))
        .select(pool_coverage::covered_amount_fen)
        .load::<i64>(conn)?
        .into_iter()
        .sum();
    let payouts: i64 = claims::table
        .filter(claims::pool_id.eq(id))
        .filter(claims::status.eq_any([ClaimStatus::Approved, ClaimStatus::Paid]))
        .select(claims::approved_fen)
        .load::<Option<i64>>(conn)?
        .into_iter()
        .flatten()
        .sum();
    let recoveries: i64 = claim_recoveries::table
        .inner_join(claims::table)
        .filter(claims::pool_id.eq(id))
        .select(claim_recoveries::pool_share_fen)
        .load::<i64>(conn)?
        .into_iter()
        .sum();
    let pending: i64 = claims::table
        .filter(claims::pool_id.eq(id))
        .filter(claims::status.eq_any([ClaimStatus::Filed, ClaimStatus::UnderReview]))
        .count()
        .get_result(conn)?;
    let covered_outstanding: i64 = covered.iter().sum();
    let rule = rule_in_force(conn, id, today)?;
    Ok((
        PoolView {
            id,
            name,
            status,
            opened_on,
            size_fen: size,
            balance_fen: balance,
            government_contribution_fen: gov,
            bank_contribution_fen: banks_fen,
            banks,
            covered_loans: covered.len() as i64,
            covered_outstanding_fen: covered_outstanding,
            leverage: ratio(covered_outstanding, size).unwrap_or(0.0),
            leverage_limit: rule
                .as_ref()
                .map(|r| f64::from(r.leverage_limit_pct) / 100.0),
            payouts_fen: payouts,
            recoveries_fen: recoveries,
            payout_rate: ratio(payouts, ever_covered),
            recovery_rate: ratio(recoveries, payouts),
            claims_pending: pending,
            rule,
        },
        contributions,
    ))
}

pub fn list(
    conn: &mut DbConnection,
    district_id: i64,
    now: NaiveDateTime,
) -> Result<Vec<PoolView>, ApiError> {
    let ids: Vec<i64> = fund_pools::table
        .filter(fund_pools::district_id.eq(district_id))
        .order(fund_pools::id)
        .select(fund_pools::id)
        .load(conn)?;
    let today = china_today(now);
    ids.into_iter()
        .map(|id| view(conn, district_id, id, today).map(|v| v.0))
        .collect()
}

pub fn get(
    conn: &mut DbConnection,
    district_id: i64,
    pool_id: i64,
    now: NaiveDateTime,
) -> Result<PoolDetail, ApiError> {
    let (pool, contributions) = view(conn, district_id, pool_id, china_today(now))?;
    let rules = rule_views(conn, pool_id)?;
    Ok(PoolDetail {
        pool,
        contributions,
        rules,
    })
}

fn check_rule(r: &RuleChange, today: NaiveDate) -> Result<(), ApiError> {
    for (field, v) in [
        ("gov_share_bp", r.gov_share_bp),
        ("bank_share_bp", r.bank_share_bp),
        ("guarantor_share_bp", r.guarantor_share_bp),
        ("insurer_share_bp", r.insurer_share_bp),
    ] {
        if !(0..=10_000).contains(&v) {
            return Err(bad(
                "INVALID_SHARE",
                format!("{field} is 0 to 10000 basis points"),
                field,
            ));
        }
    }
    if r.gov_share_bp + r.bank_share_bp + r.guarantor_share_bp + r.insurer_share_bp != 10_000 {
        return Err(bad(
            "SHARES_NOT_WHOLE",
            "the four shares add up to 10000 basis points",
            "gov_share_bp",
        ));
    }
    if r.per_loan_cap_fen <= 0 {
        return Err(bad(
            "INVALID_CAP",
            "per_loan_cap_fen must be positive",
            "per_loan_cap_fen",
        ));
    }
    if !(100..=5_000).contains(&r.leverage_limit_pct) {
        return Err(bad(
            "INVALID_LEVERAGE",
            "leverage_limit_pct is 100 to 5000 (1× to 50×)",
            "leverage_limit_pct",
        ));
    }
    if r.effective_from < today {
        return Err(bad(
            "DATE_IN_PAST",
            format!(
                "effective_from {} is before today, {today}: a rule applies to loans covered after it",
                r.effective_from
            ),
            "effective_from",
        ));
    }
    if r.eligibility
        .as_ref()
        .and_then(|e| e.max_bad_credit_years)
        .is_some_and(|y| !(1..=10).contains(&y))
    {
        return Err(bad(
            "INVALID_ELIGIBILITY",
            "eligibility.max_bad_credit_years is 1 to 10",
            "eligibility",
        ));
    }
    Ok(())
}

/// An officer's proposal of a new rule version; a district manager approves it.
pub fn propose_rule(
    conn: &mut DbConnection,
    principal: &Principal,
    pool_id: i64,
    change: RuleChange,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<Proposal, ApiError> {
    check_rule(&change, china_today(now))?;
    crate::db::write_tx(conn, |conn| {
        district_pool(conn, principal.org_id, pool_id)?;
        maker_checker::refuse_if_pending(conn, principal.org_id, "pool", pool_id)?;
        Payload::PoolRule(change).propose(
            conn,
            principal,
            "pool",
            pool_id,
            Role::GovManager,
            now,
            request_id,
        )
    })
}

/// Carries out an approved rule change: the next version of the pool's rules.
pub fn apply_rule(
    conn: &mut DbConnection,
    principal: &Principal,
    proposal_id: i64,
    pool_id: i64,
    change: &RuleChange,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<(), ApiError> {
    district_pool(conn, principal.org_id, pool_id)?;
    if change.effective_from < china_today(now) {
        return Err(ApiError::conflict(
            "DATE_IN_PAST",
            format!(
                "the rule was to take effect on {}, which has passed; send it back and propose it again",
                change.effective_from
            ),
        ));
    }
    let version: i32 = pool_rules::table
        .filter(pool_rules::pool_id.eq(pool_id))
        .select(diesel::dsl::max(pool_rules::version))
        .first::<Option<i32>>(conn)?
        .unwrap_or(0)
        + 1;
    let eligibility = serde_json::to_string(&change.eligibility.clone().unwrap_or(Eligibility {
        max_bad_credit_years: None,
    }))
    .unwrap_or_else(|_| "{}".into());
    diesel::insert_into(pool_rules::table)
        .values((
            pool_rules::pool_id.eq(pool_id),
            pool_rules::version.eq(version),
            pool_rules::gov_share_bp.eq(change.gov_share_bp),
            pool_rules::bank_share_bp.eq(change.bank_share_bp),
            pool_rules::guarantor_share_bp.eq(change.guarantor_share_bp),
            pool_rules::insurer_share_bp.eq(change.insurer_share_bp),
            pool_rules::per_loan_cap_fen.eq(change.per_loan_cap_fen),
            pool_rules::leverage_limit_pct.eq(change.leverage_limit_pct),
            pool_rules::effective_from.eq(change.effective_from),
            pool_rules::eligibility_json.eq(&eligibility),
            pool_rules::created_at.eq(now),
        ))
        .execute(conn)?;
    audit::append(
        conn,
        &principal.actor(),
        &Entry {
            action: "pool.rule",
            object_type: "pool",
            object_id: pool_id.to_string(),
            before: None,
            after: Some(
                &serde_json::json!({"version": version, "rule": change, "proposal_id": proposal_id}),
            ),
            request_id,
        },
        now,
    )?;
    Ok(())
}

/// A loan the pool covers or covered, as read from `pool_coverage` joined with `loans` and the
/// borrower in `organisations`.
#[derive(Debug, Serialize, utoipa::ToSchema, Queryable, Selectable)]
#[diesel(table_name = loans)]
pub struct CoveredLoan {
    #[diesel(select_expression = loans::id)]
    pub loan_id: i64,
    pub enterprise_id: i64,
    #[diesel(select_expression = organisations::name)]
    pub enterprise_name: String,
    pub bank_id: i64,
    pub principal_fen: i64,
    pub outstanding_fen: i64,
    pub rate_bp: i32,
    pub disbursed_on: NaiveDate,
    pub maturity_date: NaiveDate,
    pub status: LoanStatus,
    pub days_past_due: i32,
    #[diesel(select_expression = pool_coverage::status)]
    pub coverage: CoverageStatus,
    #[diesel(select_expression = pool_coverage::rule_version)]
    pub rule_version: i32,
    #[diesel(select_expression = pool_coverage::covered_on)]
    pub covered_on: NaiveDate,
}

/// The loans a pool of the district covers or covered, newest first.
pub fn covered_loans(
    conn: &mut DbConnection,
    district_id: i64,
    pool_id: i64,
) -> Result<Vec<CoveredLoan>, ApiError> {
    district_pool(conn, district_id, pool_id)?;
    Ok(pool_coverage::table
        .inner_join(loans::table)
        .inner_join(organisations::table.on(organisations::id.eq(loans::enterprise_id)))
        .filter(pool_coverage::pool_id.eq(pool_id))
        .order(loans::id.desc())
        .select(CoveredLoan::as_select())
        .load(conn)?)
}
