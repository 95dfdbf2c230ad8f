//! `/api/admin`: organisations, users, data feeds and background jobs, for the platform operator.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;

use super::db_call;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::feeds::jobs::JobView;
use crate::feeds::{self, NewProvider, ProviderView, QuarantinedRecord};
use crate::services::admin::{self as service, NewOrganisationRequest, OrganisationView, UserView};
use crate::services::users::{self, NewUserRequest, UserError};
use crate::startup::{AppState, RequestId};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgQuery {
    /// enterprise, bank, guarantor, district or operator
    pub kind: Option<String>,
}

/// All organisations, optionally of one kind.
#[utoipa::path(get, path = "/api/admin/organisations", tag = "admin", params(OrgQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<OrganisationView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/organisations")]
pub async fn list_organisations(
    state: web::Data<AppState>,
    query: web::Query<OrgQuery>,
) -> Result<HttpResponse, ApiError> {
    let kind = query.into_inner().kind;
    Ok(HttpResponse::Ok().json(
        db_call(&state, move |conn| {
            service::list_organisations(conn, kind.as_deref())
        })
        .await?,
    ))
}

/// Create an enterprise, bank, guarantor or district.
#[utoipa::path(post, path = "/api/admin/organisations", tag = "admin", request_body = NewOrganisationRequest, security(("bearer" = [])),
    responses((status = 201, body = OrganisationView), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/organisations")]
pub async fn create_organisation(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    body: web::Json<NewOrganisationRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let body = body.into_inner();
    let org = db_call(&state, move |conn| {
        service::create_organisation(conn, &principal, body, now, &rid.0)
    })
    .await?;
    Ok(HttpResponse::Created().json(org))
}

/// All users (never their password hashes).
#[utoipa::path(get, path = "/api/admin/users", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<UserView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/users")]
pub async fn list_users(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(db_call(&state, service::list_users).await?))
}

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

/// Create a user in an organisation of the kind its role needs.
#[utoipa::path(post, path = "/api/admin/users", tag = "admin", request_body = NewUserBody, security(("bearer" = [])),
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
#[utoipa::path(post, path = "/api/admin/users/{id}/disable", tag = "admin", params(("id" = i64, Path)), security(("bearer" = [])),
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
#[utoipa::path(post, path = "/api/admin/users/{id}/enable", tag = "admin", params(("id" = i64, Path)), security(("bearer" = [])),
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
#[utoipa::path(post, path = "/api/admin/users/{id}/reset-password", tag = "admin", params(("id" = i64, Path)), request_body = PasswordBody,
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

/// The data-feed providers (the token is never shown).
#[utoipa::path(get, path = "/api/admin/feeds", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<ProviderView>), (status = 403, body = ErrorBody)))]
#[get("/feeds")]
pub async fn list_feeds(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(db_call(&state, feeds::list).await?))
}

/// Configure a provider of patent or enterprise events (polled every `interval_secs`).
#[utoipa::path(post, path = "/api/admin/feeds", tag = "admin", request_body = NewProvider, security(("bearer" = [])),
    responses((status = 201, body = ProviderView), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/feeds")]
pub async fn add_feed(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    body: web::Json<NewProvider>,
) -> Result<HttpResponse, ApiError> {
    let (now, body) = (state.clock.now(), body.into_inner());
    Ok(HttpResponse::Created().json(
        db_call(&state, move |conn| {
            feeds::add_by(conn, &principal, body, now, &rid.0)
        })
        .await?,
    ))
}

/// The provider's quarantined records with the reason each was refused, newest first.
#[utoipa::path(get, path = "/api/admin/feeds/{id}/quarantine", tag = "admin", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<QuarantinedRecord>), (status = 404, body = ErrorBody)))]
#[get("/feeds/{id}/quarantine")]
pub async fn feed_quarantine(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    Ok(HttpResponse::Ok().json(db_call(&state, move |conn| feeds::quarantine(conn, id)).await?))
}

/// Each background job's last run (start, duration, records, errors, what it did) and totals.
#[utoipa::path(get, path = "/api/admin/jobs", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<JobView>), (status = 403, body = ErrorBody)))]
#[get("/jobs")]
pub async fn jobs(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(db_call(&state, feeds::jobs::list).await?))
}
