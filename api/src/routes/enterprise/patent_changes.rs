//! `/api/enterprise/patents/{id}/change-requests` and `/api/enterprise/patent-change-requests`:
//! the borrower asks its lending bank to change a pledged patent's fields, follows its requests
//! and may withdraw an open one.

use actix_web::{HttpResponse, get, post, web};

use crate::error::{ApiError, ErrorBody};
use crate::routes::Ctx;
use crate::services::patent_changes::{
    self as service, ChangeRequestBody, ChangeRequestQuery, ChangeRequestView,
};

/// Ask the lending bank to change a pledged patent's fields (valuation inputs, legal status, fee
/// date; not its number), with a reason. Nothing changes until the bank's manager approves its
/// officer's proposal to accept. One open request per patent (409).
#[utoipa::path(tag = "enterprise", params(("id" = i64, Path)), request_body = ChangeRequestBody, security(("bearer" = [])),
    responses((status = 201, body = ChangeRequestView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/patents/{id}/change-requests")]
pub async fn request_change(
    ctx: Ctx,
    id: web::Path<i64>,
    body: web::Json<ChangeRequestBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    ctx.created(move |conn, c| service::create(conn, &c.principal, *id, body, c.now, &c.request_id))
        .await
}

/// The enterprise's change requests, newest first, with the fields before and after and the
/// bank's reason of a refusal.
#[utoipa::path(tag = "enterprise", params(ChangeRequestQuery), security(("bearer" = [])),
    responses((status = 200, body = [ChangeRequestView]), (status = 400, body = ErrorBody)))]
#[get("/patent-change-requests")]
pub async fn list_change_requests(
    ctx: Ctx,
    query: web::Query<ChangeRequestQuery>,
) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| service::list_own(conn, c.org(), &query, c.now))
        .await
}

/// Withdraw an open change request.
#[utoipa::path(tag = "enterprise", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ChangeRequestView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/patent-change-requests/{id}/withdraw")]
pub async fn withdraw_change_request(
    ctx: Ctx,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| service::withdraw(conn, &c.principal, *id, c.now, &c.request_id))
        .await
}
