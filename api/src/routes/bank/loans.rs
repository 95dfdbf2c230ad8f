//! The bank's loans: the portfolio, repayments, and the servicing run (days past due, defaults).

use actix_web::{HttpResponse, get, post, web};

use crate::error::{ApiError, ErrorBody};
use crate::routes::Ctx;
use crate::services::claims;
use crate::services::loans::servicing::{self, RepaymentRequest, ServicingRun};
use crate::services::monitoring::{self, LoanQuery, PortfolioLoan};
use crate::state::AppState;

/// The bank's loans with rating, collateral and LTV.
#[utoipa::path(tag = "bank", params(LoanQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<PortfolioLoan>), (status = 400, body = ErrorBody)))]
#[get("/loans")]
pub async fn loans(ctx: Ctx, query: web::Query<LoanQuery>) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| monitoring::portfolio(conn, c.org(), &query, c.now))
        .await
}

/// Record a repayment; the loan's arrears and status follow.
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), request_body = RepaymentRequest, security(("bearer" = [])),
    responses((status = 201, body = crate::db::models::LoanRecord), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/loans/{id}/repayments")]
pub async fn repay(
    ctx: Ctx,
    id: web::Path<i64>,
    body: web::Json<RepaymentRequest>,
) -> Result<HttpResponse, ApiError> {
    let (body, backdate_days) = (body.into_inner(), ctx.settings().repayment_backdate_days);
    ctx.created(move |conn, c| {
        servicing::record_repayment(
            conn,
            &c.principal,
            *id,
            body,
            backdate_days,
            &|conn, money, now, request_id| {
                claims::money_received(conn, money, now, request_id).map(|_| ())
            },
            c.now,
            &c.request_id,
        )
    })
    .await
}

/// Bring every live loan's arrears and status up to today (the scheduler does the same daily).
#[utoipa::path(tag = "bank", security(("bearer" = [])),
    responses((status = 200, body = ServicingRun), (status = 429, body = ErrorBody)))]
#[post("/servicing/run")]
pub async fn run_servicing(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let _permit = state.run_permit()?;
    ctx.json(|conn, c| {
        servicing::run(
            conn,
            &c.principal.actor(),
            Some(c.org()),
            c.now,
            &c.request_id,
        )
    })
    .await
}

/// Propose releasing a repaid loan's registered pledges; a bank manager approves the proposal.
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 201, body = crate::services::proposals::Proposal), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/loans/{id}/pledge-release")]
pub async fn propose_pledge_release(
    ctx: Ctx,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    ctx.created(move |conn, c| {
        crate::services::loans::release::propose(conn, &c.principal, *id, c.now, &c.request_id)
    })
    .await
}
