//! `POST /api/enterprise/valuations`.

use actix_web::{HttpResponse, post, web};

use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::services::valuations::{self as service, ValuationReport, ValuationRequest};
use crate::state::db_call;
use crate::state::{AppState, RequestId};

/// Value the chosen patents as of today (China time) with model zr-val-1: the credit line of the
/// package (capped at RMB 50 m), per patent the value degrees, appraised and collateral value,
/// flags and waterfall, and what would raise the line. Each result is stored.
#[utoipa::path(tag = "enterprise", request_body = ValuationRequest, security(("bearer" = [])),
    responses((status = 200, body = ValuationReport), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody, description = "a patent that is not the caller's")))]
#[post("/valuations")]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    body: web::Json<ValuationRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let ids = body.into_inner().patent_ids;
    let params = crate::services::valuations::params();
    Ok(HttpResponse::Ok().json(
        db_call(&state, move |conn| {
            service::value(conn, &principal, &ids, &params, now, &rid.0)
        })
        .await?,
    ))
}
