//! Pledge registration (质押登记) of an approved application and the proposal to disburse.

use actix_web::{HttpResponse, post, web};

use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::services::applications::queue::ApplicationDetail;
use crate::services::pledges::{self, RegistrationRequest};
use crate::services::proposals::Proposal;
use crate::state::db_call;
use crate::state::{AppState, RequestId};

/// Record a patent's CNIPA pledge registration (number and date) or its refusal.
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), request_body = RegistrationRequest, security(("bearer" = [])),
    responses((status = 200, body = ApplicationDetail), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/applications/{id}/registrations")]
pub async fn register(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
    body: web::Json<RegistrationRequest>,
) -> Result<HttpResponse, ApiError> {
    let (now, id, body) = (state.clock.now(), id.into_inner(), body.into_inner());
    Ok(HttpResponse::Ok().json(
        db_call(&state, move |conn| {
            pledges::register(conn, &principal, id, body, now, &rid.0)
        })
        .await?,
    ))
}

/// Propose the disbursement once every pledge is registered (or refused) and the registered
/// ones cover the approved amount.
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 201, body = Proposal), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/applications/{id}/disbursement")]
pub async fn propose_disbursement(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (now, id) = (state.clock.now(), id.into_inner());
    Ok(HttpResponse::Created().json(
        db_call(&state, move |conn| {
            pledges::propose_disbursement(conn, &principal, id, now, &rid.0)
        })
        .await?,
    ))
}
