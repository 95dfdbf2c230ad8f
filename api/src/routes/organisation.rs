//! `GET /api/{enterprise,bank,gov}/organisation`: the caller's own organisation.

use actix_web::{HttpResponse, get, web};

use super::db_call;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::services::admin;
use crate::startup::AppState;

async fn own(state: web::Data<AppState>, principal: Principal) -> Result<HttpResponse, ApiError> {
    let org_id = principal.org_id;
    Ok(HttpResponse::Ok()
        .json(db_call(&state, move |conn| admin::organisation(conn, org_id)).await?))
}

/// The enterprise's own profile.
#[utoipa::path(get, path = "/api/enterprise/organisation", tag = "enterprise", security(("bearer" = [])),
    responses((status = 200, body = admin::OrganisationView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/organisation")]
pub async fn enterprise(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    own(state, principal).await
}

/// The bank's (or guarantor's) own profile.
#[utoipa::path(get, path = "/api/bank/organisation", tag = "bank", security(("bearer" = [])),
    responses((status = 200, body = admin::OrganisationView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/organisation")]
pub async fn bank(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    own(state, principal).await
}

/// The district office's own profile.
#[utoipa::path(get, path = "/api/gov/organisation", tag = "gov", security(("bearer" = [])),
    responses((status = 200, body = admin::OrganisationView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/organisation")]
pub async fn gov(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    own(state, principal).await
}
