//! The bank's declared overall NPL rate, against which its IP loans are judged.

use actix_web::{HttpResponse, get, post, web};

use crate::error::{ApiError, ErrorBody};
use crate::routes::Ctx;
use crate::services::reports::loan_quality::{self, LoanQuality, LoanQualityDeclaration};

/// The bank's declarations of its overall non-performing-loan rate, latest period first.
#[utoipa::path(tag = "bank", security(("bearer" = [])),
    responses((status = 200, body = Vec<LoanQuality>), (status = 403, body = ErrorBody)))]
#[get("/loan-quality")]
pub async fn list_loan_quality(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    ctx.json(|conn, c| loan_quality::list(conn, c.org())).await
}

/// A bank manager declares the bank's overall non-performing-loan rate for a period (the
/// district's reports hold the IP loans' bad-loan rate against it).
#[utoipa::path(tag = "bank", request_body = LoanQualityDeclaration, security(("bearer" = [])),
    responses((status = 201, body = LoanQuality), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[post("/loan-quality")]
pub async fn declare_loan_quality(
    ctx: Ctx,
    body: web::Json<LoanQualityDeclaration>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    ctx.created(move |conn, c| {
        loan_quality::declare(conn, &c.principal, body, c.now, &c.request_id)
    })
    .await
}
