//! Claims on the district pool: filing one, the bank's claims, recoveries after payment.

use actix_web::{HttpResponse, get, post, web};

use crate::error::{ApiError, ErrorBody};
use crate::routes::Ctx;
use crate::services::disposals::{self, ClaimView, FiledClaim};

/// File the claim on the district pool (loss after recoveries, shared by the pool's rules).
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 201, body = FiledClaim), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/loans/{id}/claim")]
pub async fn file_claim(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    ctx.created(move |conn, c| disposals::file_claim(conn, &c.principal, *id, c.now, &c.request_id))
        .await
}

/// The bank's claims on district pools.
#[utoipa::path(tag = "bank", security(("bearer" = [])),
    responses((status = 200, body = Vec<ClaimView>)))]
#[get("/claims")]
pub async fn claims(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    ctx.json(|conn, c| disposals::list_claims(conn, c.org()))
        .await
}

/// Record money recovered after the pool paid a claim; the pool's share flows back to its balance.
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), request_body = crate::services::claims::RecoveryRequest, security(("bearer" = [])),
    responses((status = 201, body = ClaimView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/claims/{id}/recoveries")]
pub async fn record_recovery(
    ctx: Ctx,
    id: web::Path<i64>,
    body: web::Json<crate::services::claims::RecoveryRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    ctx.created(move |conn, c| {
        crate::services::claims::record_recovery(
            conn,
            &c.principal,
            *id,
            body,
            c.now,
            &c.request_id,
        )
    })
    .await
}
