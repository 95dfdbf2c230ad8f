//! Pledge registration (质押登记) of an approved application and the proposal to disburse.

use actix_web::{HttpResponse, post, web};

use crate::error::{ApiError, ErrorBody};
use crate::routes::Ctx;
use crate::services::applications::queue::ApplicationDetail;
use crate::services::pledges::{self, RegistrationRequest};
use crate::services::proposals::Proposal;

/// Record a patent's CNIPA pledge registration (number and date) or its refusal.
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), request_body = RegistrationRequest, security(("bearer" = [])),
    responses((status = 200, body = ApplicationDetail), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/applications/{id}/registrations")]
pub async fn register(
    ctx: Ctx,
    id: web::Path<i64>,
    body: web::Json<RegistrationRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    ctx.json(move |conn, c| pledges::register(conn, &c.principal, *id, body, c.now, &c.request_id))
        .await
}

/// Propose the disbursement once every pledge is registered (or refused) and the registered
/// ones cover the approved amount.
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 201, body = Proposal), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/applications/{id}/disbursement")]
pub async fn propose_disbursement(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    ctx.created(move |conn, c| {
        pledges::propose_disbursement(conn, &c.principal, *id, c.now, &c.request_id)
    })
    .await
}
