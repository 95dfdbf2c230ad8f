//! `/api/auth`: login, refresh, logout, me, the caller's sign-in attempts, and changing one's own
//! password.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};

use super::{Ctx, client_ip};
use crate::error::{ApiError, ErrorBody};
use crate::services::{auth as service, organisations};
use crate::state::db_call;
use crate::state::{AppState, RequestId};

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Exchange a username and password for an access token (15 min) and a refresh token.
#[utoipa::path(tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = service::Tokens), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
#[post("/api/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let ip = client_ip(&req);
    let now = state.clock.now();
    let st = state.clone();
    let tokens = db_call(&state, move |conn| {
        service::login(
            conn,
            &st.jwt,
            &body.username,
            &body.password,
            &ip,
            now,
            &rid.0,
        )
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(tokens))
}

/// Exchange a refresh token for new tokens; the presented one is used up.
#[utoipa::path(tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = service::Tokens), (status = 401, body = ErrorBody)))]
#[post("/api/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    rid: RequestId,
    body: web::Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let st = state.clone();
    let tokens = db_call(&state, move |conn| {
        service::refresh(conn, &st.jwt, &body.refresh_token, now, &rid.0)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(tokens))
}

/// End the session: its access and refresh tokens stop working at once.
#[utoipa::path(tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
#[post("/api/auth/logout")]
pub async fn logout(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    ctx.no_content(|conn, c| service::logout(conn, &c.principal, c.now, &c.request_id))
        .await
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    pub user_id: i64,
    pub username: String,
    pub role: crate::auth::Role,
    pub organisation: organisations::OrganisationView,
}

/// Who the token belongs to.
#[utoipa::path(tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
#[get("/api/auth/me")]
pub async fn me(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    ctx.json(|conn, c| {
        Ok(Me {
            user_id: c.principal.user_id,
            username: c.principal.username.clone(),
            role: c.principal.role,
            organisation: organisations::organisation(conn, c.org())?,
        })
    })
    .await
}

/// The caller's recent sign-ins and failed attempts (time and client address), so the owner of
/// an account notices someone guessing its password.
#[utoipa::path(tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = service::SignInActivity), (status = 401, body = ErrorBody)))]
#[get("/api/auth/me/sign-in-attempts")]
pub async fn sign_in_attempts(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    ctx.json(|conn, c| service::sign_in_activity(conn, c.principal.user_id))
        .await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub old_password: String,
    pub new_password: String,
}

impl std::fmt::Debug for ChangePasswordRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChangePasswordRequest")
            .finish_non_exhaustive()
    }
}

/// Change one's own password (every role; the only call open after a reset). The old password
/// is required; every other session of the user ends, this one lives on.
#[utoipa::path(tag = "auth", request_body = ChangePasswordRequest, security(("bearer" = [])),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
#[post("/api/auth/password")]
pub async fn change_password(
    ctx: Ctx,
    body: web::Json<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    ctx.no_content(move |conn, c| {
        service::change_password(
            conn,
            &c.principal,
            &body.old_password,
            &body.new_password,
            c.now,
            &c.request_id,
        )
    })
    .await
}
