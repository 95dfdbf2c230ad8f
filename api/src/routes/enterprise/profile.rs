//! `GET/PUT /api/enterprise/profile`.

use actix_web::{HttpResponse, get, put, web};

use crate::error::{ApiError, ErrorBody};
use crate::routes::Ctx;
use crate::services::organisations::profile::{self as service, Profile, ProfileUpdate};

/// The enterprise's profile.
#[utoipa::path(tag = "enterprise", security(("bearer" = [])),
    responses((status = 200, body = Profile), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/profile")]
pub async fn get_profile(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    ctx.json(|conn, c| service::get(conn, c.org())).await
}

/// Update name, industry and contact. The USCC and the district are fixed: sending a different
/// value is refused naming the field.
#[utoipa::path(tag = "enterprise", request_body = ProfileUpdate, security(("bearer" = [])),
    responses((status = 200, body = Profile), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[put("/profile")]
pub async fn put_profile(
    ctx: Ctx,
    body: web::Json<ProfileUpdate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    ctx.json(move |conn, c| service::update(conn, &c.principal, body, c.now, &c.request_id))
        .await
}
