//! `/api/enterprise/alerts`: alerts and annual-fee reminders, marked read.

use actix_web::{HttpResponse, get, post, web};

use crate::error::{ApiError, ErrorBody};
use crate::routes::Ctx;
use crate::services::alerts::{self as service, AlertQuery, AlertView, AlertsView, MarkedRead};

/// The enterprise's alerts (newest first; `unread=true` for the unread only) and the annual-fee
/// reminders due today (60/30/7 days before, and in the grace period with the late fee).
#[utoipa::path(tag = "enterprise", params(AlertQuery), security(("bearer" = [])),
    responses((status = 200, body = AlertsView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/alerts")]
pub async fn list(ctx: Ctx, query: web::Query<AlertQuery>) -> Result<HttpResponse, ApiError> {
    let unread = query.unread.unwrap_or(false);
    ctx.json(move |conn, c| service::list(conn, c.org(), unread, c.today()))
        .await
}

/// Mark every unread alert read.
#[utoipa::path(tag = "enterprise", security(("bearer" = [])),
    responses((status = 200, body = MarkedRead), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[post("/alerts/read-all")]
pub async fn read_all(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    ctx.json(|conn, c| service::mark_all_read(conn, &c.principal, c.now, &c.request_id))
        .await
}

/// Mark one alert read.
#[utoipa::path(tag = "enterprise", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = AlertView), (status = 404, body = ErrorBody)))]
#[post("/alerts/{id}/read")]
pub async fn read(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| service::mark_read(conn, &c.principal, *id, c.now, &c.request_id))
        .await
}
