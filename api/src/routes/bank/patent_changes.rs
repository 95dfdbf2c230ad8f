//! `/api/bank/patent-change-requests`: the borrowers' requests to change a patent pledged to the
//! bank, with the fields and the collateral value before and after, and the officer's proposal
//! to accept or refuse (a manager decides it under `/api/bank/proposals`).

use actix_web::{HttpResponse, get, post, web};

use crate::error::{ApiError, ErrorBody};
use crate::routes::Ctx;
use crate::services::patent_changes::{
    self as service, ChangeDecisionRequest, ChangeRequestQuery, ChangeRequestView,
};
use crate::services::proposals::Proposal;

/// The change requests of the bank's borrowers, newest first, optionally by status.
#[utoipa::path(tag = "bank", params(ChangeRequestQuery), security(("bearer" = [])),
    responses((status = 200, body = [ChangeRequestView]), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/patent-change-requests")]
pub async fn list_change_requests(
    ctx: Ctx,
    query: web::Query<ChangeRequestQuery>,
) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| service::list_for_bank(conn, c.org(), &query, c.now))
        .await
}

/// One change request to the bank.
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ChangeRequestView), (status = 404, body = ErrorBody)))]
#[get("/patent-change-requests/{id}")]
pub async fn change_request(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| service::get_for_bank(conn, c.org(), *id, c.now))
        .await
}

/// Propose to accept or refuse (with a reason) a change request; a manager decides it under
/// `/api/bank/proposals`.
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), request_body = ChangeDecisionRequest, security(("bearer" = [])),
    responses((status = 201, body = Proposal), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/patent-change-requests/{id}/proposals")]
pub async fn propose_change_decision(
    ctx: Ctx,
    id: web::Path<i64>,
    body: web::Json<ChangeDecisionRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    ctx.created(move |conn, c| {
        service::propose(conn, &c.principal, *id, body, c.now, &c.request_id)
    })
    .await
}
