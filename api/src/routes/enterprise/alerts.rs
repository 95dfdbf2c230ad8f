//! `/api/enterprise/alerts`: alerts and annual-fee reminders, marked read.

use actix_web::{HttpResponse, get, post, web};

use crate::auth::Principal;
use crate::clock::china_today;
use crate::error::{ApiError, ErrorBody};
use crate::services::alerts::{self as service, AlertQuery, AlertView, AlertsView, MarkedRead};
use crate::state::db_call;
use crate::state::{AppState, RequestId};

/// The enterprise's alerts (newest first; `unread=true` for the unread only) and the annual-fee
/// reminders due today (60/30/7 days before, and in the grace period with the late fee).
#[utoipa::path(tag = "enterprise", params(AlertQuery), security(("bearer" = [])),
    responses((status = 200, body = AlertsView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/alerts")]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<AlertQuery>,
) -> Result<HttpResponse, ApiError> {
    let (org, today) = (principal.org_id, china_today(state.clock.now()));
    let unread = query.into_inner().unread.unwrap_or(false);
    Ok(HttpResponse::Ok()
        .json(db_call(&state, move |conn| service::list(conn, org, unread, today)).await?))
}

/// Mark every unread alert read.
#[utoipa::path(tag = "enterprise", security(("bearer" = [])),
    responses((status = 200, body = MarkedRead), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[post("/alerts/read-all")]
pub async fn read_all(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    Ok(HttpResponse::Ok().json(
        db_call(&state, move |conn| {
            service::mark_all_read(conn, &principal, now, &rid.0)
        })
        .await?,
    ))
}

/// Mark one alert read.
#[utoipa::path(tag = "enterprise", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = AlertView), (status = 404, body = ErrorBody)))]
#[post("/alerts/{id}/read")]
pub async fn read(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (now, id) = (state.clock.now(), id.into_inner());
    Ok(HttpResponse::Ok().json(
        db_call(&state, move |conn| {
            service::mark_read(conn, &principal, id, now, &rid.0)
        })
        .await?,
    ))
}
