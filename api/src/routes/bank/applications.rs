//! `/api/bank/applications`: the queue, one application, its collateral evaluation report, and the officer's proposed decision.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;

use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::services::applications::decisions::{self, DecisionRequest};
use crate::services::applications::evaluation::{self, EvaluationReport};
use crate::services::applications::queue::{
    self as applications, ApplicationDetail, QueuePage, QueueQuery,
};
use crate::services::proposals::Proposal;
use crate::state::db_call;
use crate::state::{AppState, RequestId};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FormatQuery {
    /// json (default) or html (a printable page for the credit file).
    pub format: Option<String>,
}

/// Applications sent to the bank, filtered and sorted, with the enterprise, amount, credit
/// line and risk rating.
#[utoipa::path(tag = "bank", params(QueueQuery), security(("bearer" = [])),
    responses((status = 200, body = QueuePage), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/applications")]
pub async fn queue(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse, ApiError> {
    let (bank, now, q) = (principal.org_id, state.clock.now(), query.into_inner());
    Ok(HttpResponse::Ok()
        .json(db_call(&state, move |conn| applications::queue(conn, bank, &q, now)).await?))
}

/// One application with its enterprise, pledges, decision and proposals.
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ApplicationDetail), (status = 404, body = ErrorBody)))]
#[get("/applications/{id}")]
pub async fn application(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (bank, id) = (principal.org_id, id.into_inner());
    Ok(HttpResponse::Ok()
        .json(db_call(&state, move |conn| applications::detail(conn, bank, id)).await?))
}

/// The collateral evaluation report as of today (JSON, or `?format=html` to print).
#[utoipa::path(tag = "bank", params(("id" = i64, Path), FormatQuery), security(("bearer" = [])),
    responses((status = 200, body = EvaluationReport), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/applications/{id}/evaluation")]
pub async fn evaluation_report(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
    query: web::Query<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    let html = match query.format.as_deref() {
        None | Some("json") => false,
        Some("html") => true,
        Some(_) => {
            return Err(ApiError::bad_request(
                "INVALID_FORMAT",
                "format is json or html",
                Some("format"),
            ));
        }
    };
    let (id, now) = (id.into_inner(), state.clock.now());
    let params = crate::services::valuations::params();
    let report = db_call(&state, move |conn| {
        evaluation::open(conn, &principal, id, &params, now, &rid.0)
    })
    .await?;
    Ok(if html {
        HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(evaluation::to_html(&report))
    } else {
        HttpResponse::Ok().json(report)
    })
}

/// Propose a decision (approve with terms, or reject with a reason); a manager decides it under
/// `/api/bank/proposals`.
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), request_body = DecisionRequest, security(("bearer" = [])),
    responses((status = 201, body = Proposal), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/applications/{id}/proposals")]
pub async fn propose_decision(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
    body: web::Json<DecisionRequest>,
) -> Result<HttpResponse, ApiError> {
    let (now, id, body) = (state.clock.now(), id.into_inner(), body.into_inner());
    let params = crate::services::valuations::params();
    Ok(HttpResponse::Created().json(
        db_call(&state, move |conn| {
            decisions::propose(conn, &principal, id, body, &params, now, &rid.0)
        })
        .await?,
    ))
}
