//! `POST /api/enterprise/valuations`.

use actix_web::{HttpResponse, post, web};

use crate::error::{ApiError, ErrorBody};
use crate::routes::Ctx;
use crate::services::valuations::{self as service, ValuationReport, ValuationRequest};

/// Value the chosen patents as of today (China time) with model zr-val-1: the credit line of the
/// package (capped at RMB 50 m), per patent the value degrees, appraised and collateral value,
/// flags and waterfall, and what would raise the line. Each result is stored.
#[utoipa::path(tag = "enterprise", request_body = ValuationRequest, security(("bearer" = [])),
    responses((status = 200, body = ValuationReport), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody, description = "a patent that is not the caller's")))]
#[post("/valuations")]
pub async fn create(ctx: Ctx, body: web::Json<ValuationRequest>) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| {
        service::value(conn, &c.principal, &body.patent_ids, c.now, &c.request_id)
    })
    .await
}
