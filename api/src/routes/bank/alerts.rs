//! Risk monitoring (风险监控): the monitoring run and the alerts it raises, acknowledged, assigned and resolved.

use actix_web::{HttpResponse, get, post, web};

use crate::error::{ApiError, ErrorBody};
use crate::routes::Ctx;
use crate::services::monitoring::{self, AlertAction, AlertQuery, BankAlert, MonitoringRun};
use crate::state::AppState;

/// `action` on alert `id`; the body is optional (acknowledging takes none).
async fn act_on_alert(
    ctx: Ctx,
    id: web::Path<i64>,
    body: Option<web::Json<AlertAction>>,
    action: &'static str,
) -> Result<HttpResponse, ApiError> {
    let body = body.map_or(
        AlertAction {
            user_id: None,
            resolution: None,
        },
        web::Json::into_inner,
    );
    ctx.json(move |conn, c| {
        monitoring::act_on_alert(conn, &c.principal, *id, action, body, c.now, &c.request_id)
    })
    .await
}

/// Revalue every pledged patent and raise the monitoring alerts (the scheduler does the same daily).
#[utoipa::path(tag = "bank", security(("bearer" = [])),
    responses((status = 200, body = MonitoringRun), (status = 429, body = ErrorBody)))]
#[post("/monitoring/run")]
pub async fn run_monitoring(
    ctx: Ctx,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let _permit = state.run_permit()?;
    ctx.json(|conn, c| {
        monitoring::run(
            conn,
            &c.principal.actor(),
            Some(c.org()),
            c.now,
            &c.request_id,
        )
    })
    .await
}

/// The bank's alerts, newest first (open ones by default).
#[utoipa::path(tag = "bank", params(AlertQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<BankAlert>), (status = 400, body = ErrorBody)))]
#[get("/alerts")]
pub async fn alerts(ctx: Ctx, query: web::Query<AlertQuery>) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| monitoring::list_alerts(conn, c.org(), &query))
        .await
}

/// Acknowledge an alert.
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = BankAlert), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/alerts/{id}/acknowledge")]
pub async fn acknowledge_alert(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    act_on_alert(ctx, id, None, "acknowledge").await
}

/// Assign an alert to a user of the bank (`user_id`).
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), request_body = AlertAction, security(("bearer" = [])),
    responses((status = 200, body = BankAlert), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/alerts/{id}/assign")]
pub async fn assign_alert(
    ctx: Ctx,
    id: web::Path<i64>,
    body: Option<web::Json<AlertAction>>,
) -> Result<HttpResponse, ApiError> {
    act_on_alert(ctx, id, body, "assign").await
}

/// Resolve an alert, saying what was done (`resolution`).
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), request_body = AlertAction, security(("bearer" = [])),
    responses((status = 200, body = BankAlert), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/alerts/{id}/resolve")]
pub async fn resolve_alert(
    ctx: Ctx,
    id: web::Path<i64>,
    body: Option<web::Json<AlertAction>>,
) -> Result<HttpResponse, ApiError> {
    act_on_alert(ctx, id, body, "resolve").await
}
