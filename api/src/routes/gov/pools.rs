//! The district's risk-compensation pools (风险补偿资金池): figures, covered loans, rule changes (maker-checker).

use actix_web::{HttpResponse, get, post, web};

use crate::error::{ApiError, ErrorBody};
use crate::routes::Ctx;
use crate::services::pools::{self, CoveredLoan, PoolDetail, PoolView, RuleChange};
use crate::services::proposals::Proposal;

/// The district's pools with their figures.
#[utoipa::path(tag = "gov", security(("bearer" = [])),
    responses((status = 200, body = Vec<PoolView>), (status = 403, body = ErrorBody)))]
#[get("/pools")]
pub async fn list_pools(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    ctx.json(|conn, c| pools::list(conn, c.org(), c.now)).await
}

/// One pool: figures, contributions, every rule version.
#[utoipa::path(tag = "gov", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = PoolDetail), (status = 404, body = ErrorBody)))]
#[get("/pools/{id}")]
pub async fn pool(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| pools::get(conn, c.org(), *id, c.now))
        .await
}

/// The loans the pool covers or covered.
#[utoipa::path(tag = "gov", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<CoveredLoan>), (status = 404, body = ErrorBody)))]
#[get("/pools/{id}/loans")]
pub async fn pool_loans(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| pools::covered_loans(conn, c.org(), *id))
        .await
}

/// Propose a new rule version (shares, cap, leverage limit, eligibility, effective date); a
/// district manager approves it.
#[utoipa::path(tag = "gov", params(("id" = i64, Path)), request_body = RuleChange, security(("bearer" = [])),
    responses((status = 201, body = Proposal), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/pools/{id}/rules")]
pub async fn propose_rule(
    ctx: Ctx,
    id: web::Path<i64>,
    body: web::Json<RuleChange>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    ctx.created(move |conn, c| {
        pools::propose_rule(conn, &c.principal, *id, body, c.now, &c.request_id)
    })
    .await
}
