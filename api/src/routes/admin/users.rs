//! Users: listed, created, disabled, enabled, their passwords reset.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;

use crate::error::{ApiError, ErrorBody};
use crate::routes::Ctx;
use crate::services::users::{self as service, NewUserRequest, UserError, UserView};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    pub username: String,
    pub role: String,
    pub org_id: i64,
    pub password: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordBody {
    pub password: String,
}

fn user_error(e: UserError) -> ApiError {
    let field = match &e {
        UserError::BadUsername => "username",
        UserError::UsernameTaken(_) => return ApiError::conflict("USERNAME_TAKEN", e.to_string()),
        UserError::BadRole(_) => "role",
        UserError::NoSuchOrganisation(_) | UserError::WrongOrganisationKind { .. } => "org_id",
        UserError::Password(_) => "password",
        UserError::Db(_) => return ApiError::Internal(e.to_string()),
    };
    ApiError::bad_request("INVALID_USER", e.to_string(), Some(field))
}

/// All users (never their password hashes).
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<UserView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/users")]
pub async fn list_users(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    ctx.json(|conn, _| service::list_users(conn)).await
}

/// Create a user in an organisation of the kind its role needs.
#[utoipa::path(tag = "admin", request_body = NewUserBody, security(("bearer" = [])),
    responses((status = 201, body = UserView), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/users")]
pub async fn create_user(ctx: Ctx, body: web::Json<NewUserBody>) -> Result<HttpResponse, ApiError> {
    // Two steps of two services: `users` adds the user (with its own errors), `admin` shows it.
    ctx.created(move |conn, c| {
        let req = NewUserRequest {
            username: &body.username,
            role: &body.role,
            org_id: body.org_id,
            password: &body.password,
        };
        let id = service::add_user(conn, &req, &c.principal.actor(), &c.request_id, c.now)
            .map_err(user_error)?;
        service::user_view(conn, id)
    })
    .await
}

/// Disable a user: their sessions end and they are refused from the next request on.
#[utoipa::path(tag = "admin", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/users/{id}/disable")]
pub async fn disable_user(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| {
        service::set_disabled(conn, &c.principal, *id, true, c.now, &c.request_id)
    })
    .await
}

/// Enable a disabled user again.
#[utoipa::path(tag = "admin", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 404, body = ErrorBody)))]
#[post("/users/{id}/enable")]
pub async fn enable_user(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| {
        service::set_disabled(conn, &c.principal, *id, false, c.now, &c.request_id)
    })
    .await
}

/// Set a new password; the user's sessions end.
#[utoipa::path(tag = "admin", params(("id" = i64, Path)), request_body = PasswordBody,
    security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[post("/users/{id}/reset-password")]
pub async fn reset_password(
    ctx: Ctx,
    id: web::Path<i64>,
    body: web::Json<PasswordBody>,
) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| {
        service::reset_password(
            conn,
            &c.principal,
            *id,
            &body.password,
            c.now,
            &c.request_id,
        )
    })
    .await
}
