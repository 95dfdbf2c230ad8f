//! Disposal of a defaulted loan's pledged patents (处置变现) and the claim on the district pool.
//!
//! A disposal case is one pledged patent offered through one channel (transfer, auction,
//! licence); offers are recorded as they come; accepting one is a maker-checker proposal whose
//! approval records the sale (the disposal and its proceeds) and marks the pledge disposed. The
//! claim takes the loss after recoveries, `max(0, outstanding at default − proceeds)`, and the
//! pool's share by the rules the loan was covered under (RISK.md §3, engine `pool::share_loss`).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use zhirong_engine::pool::{PoolRules, share_loss};

use crate::auth::{Principal, Role};
use crate::clock::china_today;
use crate::db::DbConnection;
use crate::db::audit::{self, Entry};
use crate::db::models::{NewClaim, NewDisposal};
use crate::db::schema::{
    claims, disposal_cases, disposal_offers, disposals, fund_pools, patents, pledges,
    pool_coverage, pool_rules,
};
use crate::domain::status::{
    ClaimStatus, CoverageStatus, DisposalStatus, LoanStatus, OfferStatus, PledgeStatus,
};
use crate::domain::text::optional_text;
use crate::error::ApiError;
use crate::error::bad;
use crate::services::loans::bank_loan;
use crate::services::proposals::{self as maker_checker, DisposalSale, Payload, Proposal};

pub const CHANNELS: [&str; 3] = ["transfer", "auction", "licence"];

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenDisposal {
    pub patent_id: i64,
    /// transfer, auction or licence
    pub channel: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOffer {
    pub bidder: String,
    pub amount_fen: i64,
    pub offered_on: NaiveDate,
}

#[derive(Debug, Serialize, utoipa::ToSchema, Queryable, Selectable)]
#[diesel(table_name = disposal_offers)]
pub struct OfferView {
    pub id: i64,
    pub bidder: String,
    pub amount_fen: i64,
    pub offered_on: NaiveDate,
    pub status: OfferStatus,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DisposalView {
    pub id: i64,
    pub loan_id: i64,
    pub patent_id: i64,
    pub patent_number: String,
    pub channel: String,
    pub status: DisposalStatus,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub proceeds_fen: Option<i64>,
    pub offers: Vec<OfferView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema, Queryable, Selectable)]
#[diesel(table_name = claims)]
pub struct ClaimView {
    pub id: i64,
    pub pool_id: i64,
    pub loan_id: i64,
    pub rule_version: i32,
    pub loss_fen: i64,
    pub recoveries_fen: i64,
    pub claimed_fen: i64,
    pub approved_fen: Option<i64>,
    pub status: ClaimStatus,
    pub filed_on: NaiveDate,
    pub decided_on: Option<NaiveDate>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FiledClaim {
    pub claim: ClaimView,
    /// outstanding at default − recoveries, floored at 0.
    pub outstanding_fen: i64,
    /// How the loss is shared: pool, bank, guarantor, insurer.
    pub pool_fen: i64,
    pub bank_fen: i64,
    pub guarantor_fen: i64,
    pub insurer_fen: i64,
    pub pool_balance_fen: i64,
}

/// A disposal case with its patent's number, as read from `disposal_cases` joined with `patents`.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = disposal_cases)]
struct Case {
    id: i64,
    loan_id: i64,
    patent_id: i64,
    #[diesel(select_expression = patents::patent_number)]
    patent_number: String,
    channel: String,
    status: DisposalStatus,
    opened_on: NaiveDate,
    closed_on: Option<NaiveDate>,
}

/// What an offer proposes, and whether it is still open.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = disposal_offers)]
struct OfferTerms {
    bidder: String,
    amount_fen: i64,
    status: OfferStatus,
}

fn case_of(conn: &mut DbConnection, bank_id: i64, id: i64) -> Result<Case, ApiError> {
    Ok(disposal_cases::table
        .inner_join(patents::table)
        .filter(disposal_cases::id.eq(id))
        .filter(disposal_cases::bank_id.eq(bank_id))
        .select(Case::as_select())
        .first(conn)?)
}

fn offer_terms(
    conn: &mut DbConnection,
    case_id: i64,
    offer_id: i64,
) -> Result<OfferTerms, ApiError> {
    Ok(disposal_offers::table
        .find(offer_id)
        .filter(disposal_offers::case_id.eq(case_id))
        .select(OfferTerms::as_select())
        .first(conn)?)
}

fn view(conn: &mut DbConnection, c: Case) -> Result<DisposalView, ApiError> {
    let offers: Vec<OfferView> = disposal_offers::table
        .filter(disposal_offers::case_id.eq(c.id))
        .order(disposal_offers::id)
        .select(OfferView::as_select())
        .load(conn)?;
    let proceeds = offers
        .iter()
        .find(|o| o.status == OfferStatus::Accepted)
        .map(|o| o.amount_fen);
    Ok(DisposalView {
        id: c.id,
        loan_id: c.loan_id,
        patent_id: c.patent_id,
        patent_number: c.patent_number,
        channel: c.channel,
        status: c.status,
        opened_on: c.opened_on,
        closed_on: c.closed_on,
        proceeds_fen: proceeds,
        offers,
    })
}

pub fn get(conn: &mut DbConnection, bank_id: i64, id: i64) -> Result<DisposalView, ApiError> {
    let c = case_of(conn, bank_id, id)?;
    view(conn, c)
}

pub fn list(conn: &mut DbConnection, bank_id: i64) -> Result<Vec<DisposalView>, ApiError> {
    let ids: Vec<i64> = disposal_cases::table
        .filter(disposal_cases::bank_id.eq(bank_id))
        .order(disposal_cases::id.desc())
        .select(disposal_cases::id)
        .load(conn)?;
    ids.into_iter().map(|id| get(conn, bank_id, id)).collect()
}

pub fn open(
    conn: &mut DbConnection,
    principal: &Principal,
    loan_id: i64,
    req: OpenDisposal,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<DisposalView, ApiError> {
    if !CHANNELS.contains(&req.channel.as_str()) {
        return Err(bad(
            "INVALID_CHANNEL",
            "channel is transfer, auction or licence",
            "channel",
        ));
    }
    crate::db::write_tx(conn, |conn| {
        let loan = bank_loan(conn, principal.org_id, loan_id)?;
        if loan.status != LoanStatus::Defaulted {
            return Err(ApiError::conflict(
                "LOAN_NOT_DEFAULTED",
                format!(
                    "loan {loan_id} is {}; only a defaulted loan's pledges are disposed of",
                    loan.status
                ),
            ));
        }
        let pledged: i64 = pledges::table
            .filter(pledges::loan_id.eq(loan_id))
            .filter(pledges::patent_id.eq(req.patent_id))
            .filter(pledges::status.eq(PledgeStatus::Registered))
            .count()
            .get_result(conn)?;
        if pledged == 0 {
            return Err(bad(
                "NOT_PLEDGED",
                format!(
                    "patent {} is not a registered pledge of loan {loan_id}",
                    req.patent_id
                ),
                "patent_id",
            ));
        }
        let open_cases: i64 = disposal_cases::table
            .filter(disposal_cases::loan_id.eq(loan_id))
            .filter(disposal_cases::patent_id.eq(req.patent_id))
            .filter(disposal_cases::status.eq(DisposalStatus::Open))
            .count()
            .get_result(conn)?;
        if open_cases > 0 {
            return Err(ApiError::conflict(
                "DISPOSAL_OPEN",
                format!("patent {} is already being disposed of", req.patent_id),
            ));
        }
        let id: i64 = diesel::insert_into(disposal_cases::table)
            .values((
                disposal_cases::loan_id.eq(loan_id),
                disposal_cases::patent_id.eq(req.patent_id),
                disposal_cases::bank_id.eq(principal.org_id),
                disposal_cases::channel.eq(&req.channel),
                disposal_cases::status.eq(DisposalStatus::Open),
                disposal_cases::opened_on.eq(china_today(now)),
                disposal_cases::created_at.eq(now),
            ))
            .returning(disposal_cases::id)
            .get_result(conn)?;
        audit::append(
            conn,
            &principal.actor(),
            &Entry {
                action: "disposal.open",
                object_type: "disposal",
                object_id: id.to_string(),
                before: None,
                after: Some(
                    &serde_json::json!({"loan_id": loan_id, "patent_id": req.patent_id, "channel": req.channel}),
                ),
                request_id,
            },
            now,
        )?;
        get(conn, principal.org_id, id)
    })
}

pub fn add_offer(
    conn: &mut DbConnection,
    principal: &Principal,
    case_id: i64,
    req: NewOffer,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<DisposalView, ApiError> {
    let bidder = optional_text(Some(&req.bidder), 200, "bidder")?
        .ok_or_else(|| bad("FIELD_REQUIRED", "bidder is required", "bidder"))?;
    if req.amount_fen <= 0 {
        return Err(bad(
            "INVALID_AMOUNT",
            "amount_fen must be positive",
            "amount_fen",
        ));
    }
    if req.offered_on > china_today(now) {
        return Err(bad(
            "DATE_IN_FUTURE",
            format!("offered_on {} is after today", req.offered_on),
            "offered_on",
        ));
    }
    crate::db::write_tx(conn, |conn| {
        let c = case_of(conn, principal.org_id, case_id)?;
        if c.status != DisposalStatus::Open {
            return Err(ApiError::conflict(
                "DISPOSAL_CLOSED",
                format!("disposal {case_id} is {}", c.status),
            ));
        }
        if req.offered_on < c.opened_on {
            return Err(bad(
                "DATE_BEFORE_OPENING",
                format!(
                    "offered_on {} is before the disposal opened, {}",
                    req.offered_on, c.opened_on
                ),
                "offered_on",
            ));
        }
        let id: i64 = diesel::insert_into(disposal_offers::table)
            .values((
                disposal_offers::case_id.eq(case_id),
                disposal_offers::bidder.eq(&bidder),
                disposal_offers::amount_fen.eq(req.amount_fen),
                disposal_offers::offered_on.eq(req.offered_on),
                disposal_offers::status.eq(OfferStatus::Open),
                disposal_offers::created_at.eq(now),
            ))
            .returning(disposal_offers::id)
            .get_result(conn)?;
        audit::append(
            conn,
            &principal.actor(),
            &Entry {
                action: "disposal.offer",
                object_type: "disposal_offer",
                object_id: id.to_string(),
                before: None,
                after: Some(
                    &serde_json::json!({"case_id": case_id, "bidder": bidder, "amount_fen": req.amount_fen}),
                ),
                request_id,
            },
            now,
        )?;
        view(conn, c)
    })
}

/// The officer's proposal to accept an offer.
pub fn propose_sale(
    conn: &mut DbConnection,
    principal: &Principal,
    case_id: i64,
    offer_id: i64,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<Proposal, ApiError> {
    crate::db::write_tx(conn, |conn| {
        let c = case_of(conn, principal.org_id, case_id)?;
        if c.status != DisposalStatus::Open {
            return Err(ApiError::conflict(
                "DISPOSAL_CLOSED",
                format!("disposal {case_id} is {}", c.status),
            ));
        }
        let offer = offer_terms(conn, case_id, offer_id)?;
        if offer.status != OfferStatus::Open {
            return Err(ApiError::conflict(
                "OFFER_NOT_OPEN",
                format!("offer {offer_id} is {}", offer.status),
            ));
        }
        maker_checker::refuse_if_pending(conn, principal.org_id, "disposal", case_id)?;
        let payload = Payload::DisposalSale(DisposalSale {
            case_id,
            offer_id,
            bidder: offer.bidder,
            amount_fen: offer.amount_fen,
        });
        payload.propose(
            conn,
            principal,
            "disposal",
            case_id,
            Role::BankManager,
            now,
            request_id,
        )
    })
}

/// Carries out an approved sale (inside the approval's transaction).
pub fn apply_sale(
    conn: &mut DbConnection,
    principal: &Principal,
    proposal_id: i64,
    sale: &DisposalSale,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<(), ApiError> {
    let (case_id, offer_id) = (sale.case_id, sale.offer_id);
    let c = case_of(conn, principal.org_id, case_id)?;
    if c.status != DisposalStatus::Open {
        return Err(ApiError::conflict(
            "DISPOSAL_CLOSED",
            format!(
                "disposal {case_id} is now {}; send the proposal back",
                c.status
            ),
        ));
    }
    let OfferTerms {
        bidder,
        amount_fen: amount,
        status,
    } = offer_terms(conn, case_id, offer_id)?;
    if status != OfferStatus::Open {
        return Err(ApiError::conflict(
            "OFFER_NOT_OPEN",
            format!("offer {offer_id} is now {status}; send the proposal back"),
        ));
    }
    let today = china_today(now);
    diesel::update(disposal_offers::table.filter(disposal_offers::case_id.eq(case_id)))
        .set(disposal_offers::status.eq(OfferStatus::Declined))
        .execute(conn)?;
    diesel::update(disposal_offers::table.find(offer_id))
        .set(disposal_offers::status.eq(OfferStatus::Accepted))
        .execute(conn)?;
    diesel::update(disposal_cases::table.find(case_id))
        .set((
            disposal_cases::status.eq(DisposalStatus::Sold),
            disposal_cases::closed_on.eq(today),
        ))
        .execute(conn)?;
    diesel::insert_into(disposals::table)
        .values(NewDisposal {
            loan_id: c.loan_id,
            patent_id: c.patent_id,
            method: c.channel.clone(),
            counterparty: bidder.clone(),
            proceeds_fen: amount,
            disposed_on: today,
            created_at: now,
        })
        .execute(conn)?;
    diesel::update(
        pledges::table
            .filter(pledges::loan_id.eq(c.loan_id))
            .filter(pledges::patent_id.eq(c.patent_id))
            .filter(pledges::status.eq(PledgeStatus::Registered)),
    )
    .set(pledges::status.eq(PledgeStatus::Disposed))
    .execute(conn)?;
    audit::append(
        conn,
        &principal.actor(),
        &Entry {
            action: "disposal.sell",
            object_type: "disposal",
            object_id: case_id.to_string(),
            before: Some(&serde_json::json!({"status": DisposalStatus::Open})),
            after: Some(
                &serde_json::json!({"status": DisposalStatus::Sold, "offer_id": offer_id, "counterparty": bidder,
                "proceeds_fen": amount, "disposed_on": today, "proposal_id": proposal_id}),
            ),
            request_id,
        },
        now,
    )?;
    Ok(())
}

fn claim_view(conn: &mut DbConnection, bank_id: i64, id: i64) -> Result<ClaimView, ApiError> {
    Ok(claims::table
        .find(id)
        .filter(claims::bank_id.eq(bank_id))
        .select(ClaimView::as_select())
        .first(conn)?)
}

pub fn list_claims(conn: &mut DbConnection, bank_id: i64) -> Result<Vec<ClaimView>, ApiError> {
    let ids: Vec<i64> = claims::table
        .filter(claims::bank_id.eq(bank_id))
        .order(claims::id.desc())
        .select(claims::id)
        .load(conn)?;
    ids.into_iter()
        .map(|id| claim_view(conn, bank_id, id))
        .collect()
}

/// The pool's rules of a version, as the engine reads them.
pub fn rules_of(
    conn: &mut DbConnection,
    pool_id: i64,
    version: i32,
    balance_fen: i64,
) -> Result<PoolRules, ApiError> {
    let (gov, bank, guarantor, insurer, cap, leverage): (i32, i32, i32, i32, i64, i32) =
        pool_rules::table
            .filter(pool_rules::pool_id.eq(pool_id))
            .filter(pool_rules::version.eq(version))
            .select((
                pool_rules::gov_share_bp,
                pool_rules::bank_share_bp,
                pool_rules::guarantor_share_bp,
                pool_rules::insurer_share_bp,
                pool_rules::per_loan_cap_fen,
                pool_rules::leverage_limit_pct,
            ))
            .first(conn)?;
    let share = |bp: i32| f64::from(bp) / 10_000.0;
    Ok(PoolRules {
        balance_fen,
        gov_share: share(gov),
        per_loan_cap_fen: cap,
        bank_share: Some(share(bank)),
        guarantor_share: Some(share(guarantor)),
        insurer_share: Some(share(insurer)),
        leverage_limit: f64::from(leverage) / 100.0,
    })
}

/// Files the claim on the pool for a defaulted, covered loan whose disposals are done.
pub fn file_claim(
    conn: &mut DbConnection,
    principal: &Principal,
    loan_id: i64,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<FiledClaim, ApiError> {
    let today = china_today(now);
    crate::db::write_tx(conn, |conn| {
        let loan = bank_loan(conn, principal.org_id, loan_id)?;
        if loan.status != LoanStatus::Defaulted {
            return Err(ApiError::conflict(
                "LOAN_NOT_DEFAULTED",
                format!(
                    "loan {loan_id} is {}; a claim follows a default",
                    loan.status
                ),
            ));
        }
        let coverage: Option<(i64, i64, i32)> = pool_coverage::table
            .filter(pool_coverage::loan_id.eq(loan_id))
            .filter(pool_coverage::status.eq(CoverageStatus::Covered))
            .select((
                pool_coverage::id,
                pool_coverage::pool_id,
                pool_coverage::rule_version,
            ))
            .first(conn)
            .optional()?;
        let Some((coverage_id, pool_id, version)) = coverage else {
            return Err(ApiError::conflict(
                "NOT_COVERED",
                format!("loan {loan_id} is not covered by a pool (or its claim is filed)"),
            ));
        };
        let open_cases: i64 = disposal_cases::table
            .filter(disposal_cases::loan_id.eq(loan_id))
            .filter(disposal_cases::status.eq(DisposalStatus::Open))
            .count()
            .get_result(conn)?;
        if open_cases > 0 {
            return Err(ApiError::conflict(
                "DISPOSAL_OPEN",
                format!(
                    "{open_cases} disposal(s) of loan {loan_id} are still open: finish them first"
                ),
            ));
        }
        let recoveries: i64 = disposals::table
            .filter(disposals::loan_id.eq(loan_id))
            .select(disposals::proceeds_fen)
            .load::<i64>(conn)?
            .into_iter()
            .sum();
        let loss = (loan.outstanding_fen - recoveries).max(0);
        let balance: i64 = fund_pools::table
            .find(pool_id)
            .select(fund_pools::balance_fen)
            .first(conn)?;
        let rules = rules_of(conn, pool_id, version, balance)?;
        let split = share_loss(loss, &rules, balance);
        // A claim the district returned is filed again in its place (one claim per loan; the
        // audit log keeps the returned one).
        let returned: Option<i64> = claims::table
            .filter(claims::loan_id.eq(loan_id))
            .filter(claims::status.eq(ClaimStatus::Rejected))
            .select(claims::id)
            .first(conn)
            .optional()?;
        let id: i64 = match returned {
            Some(old) => {
                diesel::update(claims::table.find(old))
                    .set((
                        claims::rule_version.eq(version),
                        claims::loss_fen.eq(loss),
                        claims::recoveries_fen.eq(recoveries),
                        claims::claimed_fen.eq(split.pool_fen),
                        claims::approved_fen.eq(None::<i64>),
                        claims::status.eq(ClaimStatus::Filed),
                        claims::filed_on.eq(today),
                        claims::decided_on.eq(None::<NaiveDate>),
                        claims::decision_reason.eq(None::<String>),
                    ))
                    .execute(conn)?;
                old
            }
            None => diesel::insert_into(claims::table)
                .values(NewClaim {
                    pool_id,
                    loan_id,
                    bank_id: principal.org_id,
                    rule_version: version,
                    loss_fen: loss,
                    recoveries_fen: recoveries,
                    claimed_fen: split.pool_fen,
                    approved_fen: None,
                    status: ClaimStatus::Filed,
                    filed_on: today,
                    decided_on: None,
                    created_at: now,
                })
                .returning(claims::id)
                .get_result(conn)?,
        };
        diesel::update(pool_coverage::table.find(coverage_id))
            .set(pool_coverage::status.eq(CoverageStatus::Claimed))
            .execute(conn)?;
        audit::append(
            conn,
            &principal.actor(),
            &Entry {
                action: "claim.file",
                object_type: "claim",
                object_id: id.to_string(),
                before: None,
                after: Some(
                    &serde_json::json!({"loan_id": loan_id, "pool_id": pool_id, "rule_version": version,
                    "loss_fen": loss, "recoveries_fen": recoveries, "claimed_fen": split.pool_fen}),
                ),
                request_id,
            },
            now,
        )?;
        Ok(FiledClaim {
            claim: claim_view(conn, principal.org_id, id)?,
            outstanding_fen: loan.outstanding_fen,
            pool_fen: split.pool_fen,
            bank_fen: split.bank_fen,
            guarantor_fen: split.guarantor_fen,
            insurer_fen: split.insurer_fen,
            pool_balance_fen: balance,
        })
    })
}
