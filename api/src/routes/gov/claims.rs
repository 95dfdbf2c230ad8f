//! Claims the banks filed on the district's pools, and the officer's proposed decision.

use actix_web::{HttpResponse, get, post, web};

use crate::error::{ApiError, ErrorBody};
use crate::routes::Ctx;
use crate::services::claims::{self, ClaimDecisionRequest, ClaimDetail, ClaimQuery};
use crate::services::proposals::Proposal;

/// Claims on the district's pools, with their computation.
#[utoipa::path(tag = "gov", params(ClaimQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<ClaimDetail>), (status = 400, body = ErrorBody)))]
#[get("/claims")]
pub async fn list_claims(
    ctx: Ctx,
    query: web::Query<ClaimQuery>,
) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| claims::list(conn, c.org(), &query))
        .await
}

/// One claim with its computation.
#[utoipa::path(tag = "gov", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ClaimDetail), (status = 404, body = ErrorBody)))]
#[get("/claims/{id}")]
pub async fn claim(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| claims::detail(conn, c.org(), *id))
        .await
}

/// Propose approving (paying what the pool owes now) or returning a claim; a district manager
/// approves the proposal.
#[utoipa::path(tag = "gov", params(("id" = i64, Path)), request_body = ClaimDecisionRequest, security(("bearer" = [])),
    responses((status = 201, body = Proposal), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/claims/{id}/proposals")]
pub async fn propose_claim_decision(
    ctx: Ctx,
    id: web::Path<i64>,
    body: web::Json<ClaimDecisionRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    ctx.created(move |conn, c| claims::propose(conn, &c.principal, *id, body, c.now, &c.request_id))
        .await
}
