//! `/api/enterprise/applications`: drafts, the readiness check, submission and withdrawal.

use actix_web::{HttpResponse, get, post, web};

use crate::auth::Principal;
use crate::clock::china_today;
use crate::error::{ApiError, ErrorBody};
use crate::services::applications::{
    self as service, ApplicationView, NewApplicationRequest, Readiness,
};
use crate::state::db_call;
use crate::state::{AppState, RequestId};

/// Create a draft application: amount within the credit line of the named patents (as of
/// today), term 12–24 months, a bank, optionally a pool of the enterprise's district.
#[utoipa::path(tag = "enterprise", request_body = NewApplicationRequest, security(("bearer" = [])),
    responses((status = 201, body = ApplicationView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[post("/applications")]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    body: web::Json<NewApplicationRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let body = body.into_inner();
    let params = crate::services::valuations::params();
    let view = db_call(&state, move |conn| {
        service::create(conn, &principal, body, &params, now, &rid.0)
    })
    .await?;
    Ok(HttpResponse::Created().json(view))
}

/// The enterprise's applications, newest first, with their status and the bank's decision.
#[utoipa::path(tag = "enterprise", security(("bearer" = [])),
    responses((status = 200, body = Vec<ApplicationView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/applications")]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let org = principal.org_id;
    Ok(HttpResponse::Ok().json(db_call(&state, move |conn| service::list(conn, org)).await?))
}

/// One application.
#[utoipa::path(tag = "enterprise", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ApplicationView), (status = 404, body = ErrorBody)))]
#[get("/applications/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (org, id) = (principal.org_id, id.into_inner());
    Ok(HttpResponse::Ok().json(db_call(&state, move |conn| service::get(conn, org, id)).await?))
}

/// The readiness check against the pledge-registration refusal grounds, without submitting.
#[utoipa::path(tag = "enterprise", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Readiness), (status = 404, body = ErrorBody)))]
#[get("/applications/{id}/readiness")]
pub async fn readiness(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (org, id) = (principal.org_id, id.into_inner());
    let as_of = china_today(state.clock.now());
    let params = crate::services::valuations::params();
    Ok(HttpResponse::Ok().json(
        db_call(&state, move |conn| {
            service::readiness(conn, org, id, &params, as_of)
        })
        .await?,
    ))
}

/// Submit a draft to its bank. Refused (422, code NOT_READY) naming every failed ground of the
/// readiness check in `error.details.failed`.
#[utoipa::path(tag = "enterprise", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ApplicationView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/applications/{id}/submit")]
pub async fn submit(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (now, id) = (state.clock.now(), id.into_inner());
    let params = crate::services::valuations::params();
    Ok(HttpResponse::Ok().json(
        db_call(&state, move |conn| {
            service::submit(conn, &principal, id, &params, now, &rid.0)
        })
        .await?,
    ))
}

/// Withdraw an application before the bank decides.
#[utoipa::path(tag = "enterprise", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ApplicationView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/applications/{id}/withdraw")]
pub async fn withdraw(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (now, id) = (state.clock.now(), id.into_inner());
    Ok(HttpResponse::Ok().json(
        db_call(&state, move |conn| {
            service::withdraw(conn, &principal, id, now, &rid.0)
        })
        .await?,
    ))
}
