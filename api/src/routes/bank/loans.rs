//! The bank's loans: the portfolio, repayments, and the servicing run (days past due, defaults).

use actix_web::{HttpResponse, get, post, web};

use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::services::loans::servicing::{self, RepaymentRequest, ServicingRun};
use crate::services::monitoring::{self, LoanQuery, PortfolioLoan};
use crate::state::db_call;
use crate::state::{AppState, RequestId};

/// The bank's loans with rating, collateral and LTV.
#[utoipa::path(tag = "bank", params(LoanQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<PortfolioLoan>), (status = 400, body = ErrorBody)))]
#[get("/loans")]
pub async fn loans(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<LoanQuery>,
) -> Result<HttpResponse, ApiError> {
    let (bank, now, q) = (principal.org_id, state.clock.now(), query.into_inner());
    Ok(HttpResponse::Ok().json(
        db_call(&state, move |conn| {
            monitoring::portfolio(conn, bank, &q, now)
        })
        .await?,
    ))
}

/// Record a repayment; the loan's arrears and status follow.
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), request_body = RepaymentRequest, security(("bearer" = [])),
    responses((status = 201, body = crate::db::models::LoanRecord), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/loans/{id}/repayments")]
pub async fn repay(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
    body: web::Json<RepaymentRequest>,
) -> Result<HttpResponse, ApiError> {
    let (now, id, body) = (state.clock.now(), id.into_inner(), body.into_inner());
    Ok(HttpResponse::Created().json(
        db_call(&state, move |conn| {
            servicing::record_repayment(conn, &principal, id, body, now, &rid.0)
        })
        .await?,
    ))
}

/// Bring every live loan's arrears and status up to today (the scheduler does the same daily).
#[utoipa::path(tag = "bank", security(("bearer" = [])),
    responses((status = 200, body = ServicingRun)))]
#[post("/servicing/run")]
pub async fn run_servicing(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    Ok(HttpResponse::Ok().json(
        db_call(&state, move |conn| {
            servicing::run(
                conn,
                &principal.actor(),
                Some(principal.org_id),
                now,
                &rid.0,
            )
        })
        .await?,
    ))
}
