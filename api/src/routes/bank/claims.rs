//! Claims on the district pool: filing one, the bank's claims, recoveries after payment.

use actix_web::{HttpResponse, get, post, web};

use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::services::disposals::{self, ClaimView, FiledClaim};
use crate::state::db_call;
use crate::state::{AppState, RequestId};

/// File the claim on the district pool (loss after recoveries, shared by the pool's rules).
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 201, body = FiledClaim), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/loans/{id}/claim")]
pub async fn file_claim(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (now, id) = (state.clock.now(), id.into_inner());
    Ok(HttpResponse::Created().json(
        db_call(&state, move |conn| {
            disposals::file_claim(conn, &principal, id, now, &rid.0)
        })
        .await?,
    ))
}

/// The bank's claims on district pools.
#[utoipa::path(tag = "bank", security(("bearer" = [])),
    responses((status = 200, body = Vec<ClaimView>)))]
#[get("/claims")]
pub async fn claims(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let bank = principal.org_id;
    Ok(HttpResponse::Ok()
        .json(db_call(&state, move |conn| disposals::list_claims(conn, bank)).await?))
}

/// Record money recovered after the pool paid a claim; the pool's share flows back to its balance.
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), request_body = crate::services::claims::RecoveryRequest, security(("bearer" = [])),
    responses((status = 201, body = ClaimView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/claims/{id}/recoveries")]
pub async fn record_recovery(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
    body: web::Json<crate::services::claims::RecoveryRequest>,
) -> Result<HttpResponse, ApiError> {
    let (now, id, body) = (state.clock.now(), id.into_inner(), body.into_inner());
    Ok(HttpResponse::Created().json(
        db_call(&state, move |conn| {
            crate::services::claims::record_recovery(conn, &principal, id, body, now, &rid.0)
        })
        .await?,
    ))
}
