//! Risk monitoring (风险监控): the monitoring run and the alerts it raises, acknowledged, assigned and resolved.

use actix_web::{HttpResponse, get, post, web};

use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::services::monitoring::{self, AlertAction, AlertQuery, BankAlert, MonitoringRun};
use crate::state::db_call;
use crate::state::{AppState, RequestId};

async fn alert_action(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
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
    let (now, id) = (state.clock.now(), id.into_inner());
    Ok(HttpResponse::Ok().json(
        db_call(&state, move |conn| {
            monitoring::act_on_alert(conn, &principal, id, action, body, now, &rid.0)
        })
        .await?,
    ))
}

/// Revalue every pledged patent and raise the monitoring alerts (the scheduler does the same daily).
#[utoipa::path(tag = "bank", security(("bearer" = [])),
    responses((status = 200, body = MonitoringRun)))]
#[post("/monitoring/run")]
pub async fn run_monitoring(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let params = crate::services::valuations::params();
    Ok(HttpResponse::Ok().json(
        db_call(&state, move |conn| {
            monitoring::run(
                conn,
                &principal.actor(),
                Some(principal.org_id),
                &params,
                now,
                &rid.0,
            )
        })
        .await?,
    ))
}

/// The bank's alerts, newest first (open ones by default).
#[utoipa::path(tag = "bank", params(AlertQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<BankAlert>), (status = 400, body = ErrorBody)))]
#[get("/alerts")]
pub async fn alerts(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<AlertQuery>,
) -> Result<HttpResponse, ApiError> {
    let (bank, q) = (principal.org_id, query.into_inner());
    Ok(HttpResponse::Ok()
        .json(db_call(&state, move |conn| monitoring::list_alerts(conn, bank, &q)).await?))
}

/// Acknowledge an alert.
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = BankAlert), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/alerts/{id}/acknowledge")]
pub async fn acknowledge_alert(
    s: web::Data<AppState>,
    p: Principal,
    r: RequestId,
    id: web::Path<i64>,
    b: Option<web::Json<AlertAction>>,
) -> Result<HttpResponse, ApiError> {
    alert_action(s, p, r, id, b, "acknowledge").await
}

/// Assign an alert to a user of the bank (`user_id`).
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), request_body = AlertAction, security(("bearer" = [])),
    responses((status = 200, body = BankAlert), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/alerts/{id}/assign")]
pub async fn assign_alert(
    s: web::Data<AppState>,
    p: Principal,
    r: RequestId,
    id: web::Path<i64>,
    b: Option<web::Json<AlertAction>>,
) -> Result<HttpResponse, ApiError> {
    alert_action(s, p, r, id, b, "assign").await
}

/// Resolve an alert, saying what was done (`resolution`).
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), request_body = AlertAction, security(("bearer" = [])),
    responses((status = 200, body = BankAlert), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/alerts/{id}/resolve")]
pub async fn resolve_alert(
    s: web::Data<AppState>,
    p: Principal,
    r: RequestId,
    id: web::Path<i64>,
    b: Option<web::Json<AlertAction>>,
) -> Result<HttpResponse, ApiError> {
    alert_action(s, p, r, id, b, "resolve").await
}
