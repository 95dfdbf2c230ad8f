//! `GET/PUT /api/enterprise/profile`.

use actix_web::{HttpResponse, get, put, web};

use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::services::organisations::{self as service, Profile, ProfileUpdate};
use crate::state::db_call;
use crate::state::{AppState, RequestId};

/// The enterprise's profile.
#[utoipa::path(tag = "enterprise", security(("bearer" = [])),
    responses((status = 200, body = Profile), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/profile")]
pub async fn get_profile(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let org = principal.org_id;
    Ok(HttpResponse::Ok().json(db_call(&state, move |conn| service::get(conn, org)).await?))
}

/// Update name, industry and contact. The USCC and the district are fixed: sending a different
/// value is refused naming the field.
#[utoipa::path(tag = "enterprise", request_body = ProfileUpdate, security(("bearer" = [])),
    responses((status = 200, body = Profile), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[put("/profile")]
pub async fn put_profile(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    body: web::Json<ProfileUpdate>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let body = body.into_inner();
    Ok(HttpResponse::Ok().json(
        db_call(&state, move |conn| {
            service::update(conn, &principal, body, now, &rid.0)
        })
        .await?,
    ))
}
