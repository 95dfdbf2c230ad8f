//! Users: listed, created, disabled, enabled, their passwords reset.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;

use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::services::admin::{self as service, UserView};
use crate::services::users::{self, NewUserRequest, UserError};
use crate::state::db_call;
use crate::state::{AppState, RequestId};

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
pub async fn list_users(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(db_call(&state, service::list_users).await?))
}

/// Create a user in an organisation of the kind its role needs.
#[utoipa::path(tag = "admin", request_body = NewUserBody, security(("bearer" = [])),
    responses((status = 201, body = UserView), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    body: web::Json<NewUserBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let body = body.into_inner();
    let user = db_call(&state, move |conn| {
        let req = NewUserRequest {
            username: &body.username,
            role: &body.role,
            org_id: body.org_id,
            password: &body.password,
        };
        let id =
            users::add_user(conn, &req, &principal.actor(), &rid.0, now).map_err(user_error)?;
        service::user_view(conn, id)
    })
    .await?;
    Ok(HttpResponse::Created().json(user))
}

/// Disable a user: their sessions end and they are refused from the next request on.
#[utoipa::path(tag = "admin", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/users/{id}/disable")]
pub async fn disable_user(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (now, id) = (state.clock.now(), id.into_inner());
    Ok(HttpResponse::Ok().json(
        db_call(&state, move |conn| {
            service::set_disabled(conn, &principal, id, true, now, &rid.0)
        })
        .await?,
    ))
}

/// Enable a disabled user again.
#[utoipa::path(tag = "admin", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 404, body = ErrorBody)))]
#[post("/users/{id}/enable")]
pub async fn enable_user(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (now, id) = (state.clock.now(), id.into_inner());
    Ok(HttpResponse::Ok().json(
        db_call(&state, move |conn| {
            service::set_disabled(conn, &principal, id, false, now, &rid.0)
        })
        .await?,
    ))
}

/// Set a new password; the user's sessions end.
#[utoipa::path(tag = "admin", params(("id" = i64, Path)), request_body = PasswordBody,
    security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[post("/users/{id}/reset-password")]
pub async fn reset_password(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
    body: web::Json<PasswordBody>,
) -> Result<HttpResponse, ApiError> {
    let (now, id) = (state.clock.now(), id.into_inner());
    let password = body.into_inner().password;
    Ok(HttpResponse::Ok().json(
        db_call(&state, move |conn| {
            service::reset_password(conn, &principal, id, &password, now, &rid.0)
        })
        .await?,
    ))
}
