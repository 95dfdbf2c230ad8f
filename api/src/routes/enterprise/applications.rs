//! `/api/enterprise/applications`: drafts, the readiness check, submission and withdrawal.

use actix_web::{HttpResponse, get, post, web};

use crate::error::{ApiError, ErrorBody};
use crate::routes::Ctx;
use crate::services::applications::{
    self as service, ApplicationView, NewApplicationRequest, Readiness,
};

/// Create a draft application: amount within the credit line of the named patents (as of
/// today), term 12–24 months, a bank, optionally a pool of the enterprise's district.
#[utoipa::path(tag = "enterprise", request_body = NewApplicationRequest, security(("bearer" = [])),
    responses((status = 201, body = ApplicationView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[post("/applications")]
pub async fn create(
    ctx: Ctx,
    body: web::Json<NewApplicationRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    ctx.created(move |conn, c| service::create(conn, &c.principal, body, c.now, &c.request_id))
        .await
}

/// The enterprise's applications, newest first, with their status and the bank's decision.
#[utoipa::path(tag = "enterprise", security(("bearer" = [])),
    responses((status = 200, body = Vec<ApplicationView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/applications")]
pub async fn list(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    ctx.json(|conn, c| service::list(conn, c.org())).await
}

/// One application.
#[utoipa::path(tag = "enterprise", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ApplicationView), (status = 404, body = ErrorBody)))]
#[get("/applications/{id}")]
pub async fn get_one(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| service::get(conn, c.org(), *id))
        .await
}

/// The readiness check against the pledge-registration refusal grounds, without submitting.
#[utoipa::path(tag = "enterprise", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Readiness), (status = 404, body = ErrorBody)))]
#[get("/applications/{id}/readiness")]
pub async fn readiness(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| service::readiness(conn, c.org(), *id, c.today()))
        .await
}

/// Submit a draft to its bank. Refused (422, code NOT_READY) naming every failed ground of the
/// readiness check in `error.details.failed`.
#[utoipa::path(tag = "enterprise", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ApplicationView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/applications/{id}/submit")]
pub async fn submit(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| service::submit(conn, &c.principal, *id, c.now, &c.request_id))
        .await
}

/// Withdraw an application before the bank decides.
#[utoipa::path(tag = "enterprise", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ApplicationView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/applications/{id}/withdraw")]
pub async fn withdraw(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| service::withdraw(conn, &c.principal, *id, c.now, &c.request_id))
        .await
}
