//! `/api/bank/applications`: the queue, one application, its collateral evaluation report, and the officer's proposed decision.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;

use crate::error::{ApiError, ErrorBody};
use crate::routes::Ctx;
use crate::services::applications::decisions::{self, DecisionRequest};
use crate::services::applications::evaluation::{self, EvaluationReport};
use crate::services::applications::queue::{
    self as applications, ApplicationDetail, QueuePage, QueueQuery,
};
use crate::services::proposals::Proposal;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FormatQuery {
    /// json (default) or html (a printable page for the credit file).
    pub format: Option<String>,
}

impl FormatQuery {
    /// Whether the printable page was asked for; a format other than json or html is a 400.
    fn html(&self) -> Result<bool, ApiError> {
        match self.format.as_deref() {
            None | Some("json") => Ok(false),
            Some("html") => Ok(true),
            Some(_) => Err(ApiError::bad_request(
                "INVALID_FORMAT",
                "format is json or html",
                Some("format"),
            )),
        }
    }
}

/// Applications sent to the bank, filtered and sorted, with the enterprise, amount, credit
/// line and risk rating.
#[utoipa::path(tag = "bank", params(QueueQuery), security(("bearer" = [])),
    responses((status = 200, body = QueuePage), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/applications")]
pub async fn queue(ctx: Ctx, query: web::Query<QueueQuery>) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| applications::queue(conn, c.org(), &query, c.now))
        .await
}

/// One application with its enterprise, pledges, decision and proposals.
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ApplicationDetail), (status = 404, body = ErrorBody)))]
#[get("/applications/{id}")]
pub async fn application(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| applications::detail(conn, c.org(), *id))
        .await
}

/// The collateral evaluation report as of today (JSON, or `?format=html` to print).
#[utoipa::path(tag = "bank", params(("id" = i64, Path), FormatQuery), security(("bearer" = [])),
    responses((status = 200, body = EvaluationReport), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/applications/{id}/evaluation")]
pub async fn evaluation_report(
    ctx: Ctx,
    id: web::Path<i64>,
    query: web::Query<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    let html = query.html()?;
    let report = ctx
        .run(move |conn, c| evaluation::open(conn, &c.principal, *id, c.now, &c.request_id))
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
    ctx: Ctx,
    id: web::Path<i64>,
    body: web::Json<DecisionRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    ctx.created(move |conn, c| {
        decisions::propose(conn, &c.principal, *id, body, c.now, &c.request_id)
    })
    .await
}
