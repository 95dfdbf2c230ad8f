//! The bank's declared overall NPL rate, against which its IP loans are judged.

use actix_web::{HttpResponse, get, post, web};

use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::services::reports::loan_quality::{self, LoanQuality, LoanQualityDeclaration};
use crate::state::db_call;
use crate::state::{AppState, RequestId};

/// The bank's declarations of its overall non-performing-loan rate, latest period first.
#[utoipa::path(tag = "bank", security(("bearer" = [])),
    responses((status = 200, body = Vec<LoanQuality>), (status = 403, body = ErrorBody)))]
#[get("/loan-quality")]
pub async fn list_loan_quality(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let bank = principal.org_id;
    Ok(HttpResponse::Ok().json(db_call(&state, move |conn| loan_quality::list(conn, bank)).await?))
}

/// A bank manager declares the bank's overall non-performing-loan rate for a period (the
/// district's reports hold the IP loans' bad-loan rate against it).
#[utoipa::path(tag = "bank", request_body = LoanQualityDeclaration, security(("bearer" = [])),
    responses((status = 201, body = LoanQuality), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[post("/loan-quality")]
pub async fn declare_loan_quality(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    body: web::Json<LoanQualityDeclaration>,
) -> Result<HttpResponse, ApiError> {
    let (now, body) = (state.clock.now(), body.into_inner());
    Ok(HttpResponse::Created().json(
        db_call(&state, move |conn| {
            loan_quality::declare(conn, &principal, body, now, &rid.0)
        })
        .await?,
    ))
}
