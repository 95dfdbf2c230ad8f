//! The district's risk-compensation pools (风险补偿资金池): figures, covered loans, rule changes (maker-checker).

use actix_web::{HttpResponse, get, post, web};

use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::services::pools::{self, CoveredLoan, PoolDetail, PoolView, RuleChange};
use crate::services::proposals::Proposal;
use crate::state::db_call;
use crate::state::{AppState, RequestId};

/// The district's pools with their figures.
#[utoipa::path(tag = "gov", security(("bearer" = [])),
    responses((status = 200, body = Vec<PoolView>), (status = 403, body = ErrorBody)))]
#[get("/pools")]
pub async fn list_pools(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let (district, now) = (principal.org_id, state.clock.now());
    Ok(HttpResponse::Ok()
        .json(db_call(&state, move |conn| pools::list(conn, district, now)).await?))
}

/// One pool: figures, contributions, every rule version.
#[utoipa::path(tag = "gov", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = PoolDetail), (status = 404, body = ErrorBody)))]
#[get("/pools/{id}")]
pub async fn pool(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (district, now, id) = (principal.org_id, state.clock.now(), id.into_inner());
    Ok(HttpResponse::Ok()
        .json(db_call(&state, move |conn| pools::get(conn, district, id, now)).await?))
}

/// The loans the pool covers or covered.
#[utoipa::path(tag = "gov", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<CoveredLoan>), (status = 404, body = ErrorBody)))]
#[get("/pools/{id}/loans")]
pub async fn pool_loans(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (district, id) = (principal.org_id, id.into_inner());
    Ok(HttpResponse::Ok()
        .json(db_call(&state, move |conn| pools::covered_loans(conn, district, id)).await?))
}

/// Propose a new rule version (shares, cap, leverage limit, eligibility, effective date); a
/// district manager approves it.
#[utoipa::path(tag = "gov", params(("id" = i64, Path)), request_body = RuleChange, security(("bearer" = [])),
    responses((status = 201, body = Proposal), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/pools/{id}/rules")]
pub async fn propose_rule(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
    body: web::Json<RuleChange>,
) -> Result<HttpResponse, ApiError> {
    let (now, id, body) = (state.clock.now(), id.into_inner(), body.into_inner());
    Ok(HttpResponse::Created().json(
        db_call(&state, move |conn| {
            pools::propose_rule(conn, &principal, id, body, now, &rid.0)
        })
        .await?,
    ))
}
