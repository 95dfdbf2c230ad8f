//! Claims the banks filed on the district's pools, and the officer's proposed decision.

use actix_web::{HttpResponse, get, post, web};

use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::services::claims::{self, ClaimDecisionRequest, ClaimDetail, ClaimQuery};
use crate::services::proposals::Proposal;
use crate::state::db_call;
use crate::state::{AppState, RequestId};

/// Claims on the district's pools, with their computation.
#[utoipa::path(tag = "gov", params(ClaimQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<ClaimDetail>), (status = 400, body = ErrorBody)))]
#[get("/claims")]
pub async fn list_claims(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<ClaimQuery>,
) -> Result<HttpResponse, ApiError> {
    let (district, q) = (principal.org_id, query.into_inner());
    Ok(HttpResponse::Ok()
        .json(db_call(&state, move |conn| claims::list(conn, district, &q)).await?))
}

/// One claim with its computation.
#[utoipa::path(tag = "gov", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ClaimDetail), (status = 404, body = ErrorBody)))]
#[get("/claims/{id}")]
pub async fn claim(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (district, id) = (principal.org_id, id.into_inner());
    Ok(HttpResponse::Ok()
        .json(db_call(&state, move |conn| claims::detail(conn, district, id)).await?))
}

/// Propose approving (paying what the pool owes now) or returning a claim; a district manager
/// approves the proposal.
#[utoipa::path(tag = "gov", params(("id" = i64, Path)), request_body = ClaimDecisionRequest, security(("bearer" = [])),
    responses((status = 201, body = Proposal), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/claims/{id}/proposals")]
pub async fn propose_claim_decision(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
    body: web::Json<ClaimDecisionRequest>,
) -> Result<HttpResponse, ApiError> {
    let (now, id, body) = (state.clock.now(), id.into_inner(), body.into_inner());
    Ok(HttpResponse::Created().json(
        db_call(&state, move |conn| {
            claims::propose(conn, &principal, id, body, now, &rid.0)
        })
        .await?,
    ))
}
