//! Users: listed, created, disabled, enabled, their passwords reset.

use actix_web::{HttpResponse, HttpResponseBuilder, get, post, web};
use serde::Deserialize;

use crate::error::{ApiError, ErrorBody};
use crate::routes::Ctx;
use crate::services::users::{self as service, NewUserRequest, Outcome, UserView};
use crate::workflow::Proposal;

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

/// 201 with the user made at once, or 202 with the proposal its organisation's manager decides.
fn answer(outcome: Outcome, done: HttpResponseBuilder) -> HttpResponse {
    match outcome {
        Outcome::Done(user) => {
            let mut done = done;
            done.json(user)
        }
        Outcome::Proposed(p) => HttpResponse::Accepted().json(p),
    }
}

/// All users (never their password hashes).
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<UserView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/users")]
pub async fn list_users(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    ctx.json(|conn, _| service::list_users(conn)).await
}

/// Create a user in an organisation of the kind its role needs. In a tenant organisation that
/// has a manager this is a proposal (202) that the manager approves; the first manager of a new
/// organisation is created at once (201, audited as a bootstrap).
#[utoipa::path(tag = "admin", request_body = NewUserBody, security(("bearer" = [])),
    responses((status = 201, body = UserView), (status = 202, body = Proposal), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/users")]
pub async fn create_user(ctx: Ctx, body: web::Json<NewUserBody>) -> Result<HttpResponse, ApiError> {
    let outcome = ctx
        .run(move |conn, c| {
            let req = NewUserRequest {
                username: &body.username,
                role: &body.role,
                org_id: body.org_id,
                password: &body.password,
            };
            service::create_by_operator(conn, &c.principal, &req, c.now, &c.request_id)
        })
        .await?;
    Ok(answer(outcome, HttpResponse::Created()))
}

/// The operator's proposals of users and password resets in tenant organisations, newest
/// first, with their status.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<Proposal>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/user-proposals")]
pub async fn user_proposals(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    ctx.json(|conn, _| service::operator_proposals(conn)).await
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

/// Set a new password the user must change at the next sign-in; the user's sessions end. In a
/// tenant organisation that has a manager this is a proposal (202) the manager decides.
#[utoipa::path(tag = "admin", params(("id" = i64, Path)), request_body = PasswordBody,
    security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 202, body = Proposal), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/users/{id}/reset-password")]
pub async fn reset_password(
    ctx: Ctx,
    id: web::Path<i64>,
    body: web::Json<PasswordBody>,
) -> Result<HttpResponse, ApiError> {
    let outcome = ctx
        .run(move |conn, c| {
            service::reset_password(
                conn,
                &c.principal,
                *id,
                &body.password,
                c.now,
                &c.request_id,
            )
        })
        .await?;
    Ok(answer(outcome, HttpResponse::Ok()))
}
