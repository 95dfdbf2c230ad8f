//! The bank's own scorecards: fitted or uploaded, inspected, made active (maker-checker).

use actix_web::{HttpRequest, HttpResponse, get, post, web};

use crate::error::{ApiError, ErrorBody};
use crate::routes::Ctx;
use crate::routes::upload::read_upload;
use crate::services::proposals::Proposal;
use crate::services::scorecards::{self, ScorecardDetail, ScorecardSummary, ScorecardUploadQuery};

/// The bank's scorecards.
#[utoipa::path(tag = "bank", security(("bearer" = [])),
    responses((status = 200, body = Vec<ScorecardSummary>)))]
#[get("/scorecards")]
pub async fn list_scorecards(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    ctx.json(|conn, c| scorecards::list(conn, c.org())).await
}

/// Upload a fitted scorecard (.json) or training data (.csv / .parquet with `target`) to fit one.
#[utoipa::path(tag = "bank", params(ScorecardUploadQuery), security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", content = String),
    responses((status = 201, body = ScorecardDetail), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody)))]
#[post("/scorecards")]
pub async fn upload_scorecard(
    ctx: Ctx,
    req: HttpRequest,
    query: web::Query<ScorecardUploadQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let upload = read_upload(&req, payload).await?;
    ctx.created(move |conn, c| {
        // Fitted before the transaction, on the blocking pool.
        let (card, source) = scorecards::model_of(&upload, &query)?;
        scorecards::create(
            conn,
            &c.principal,
            &query.name,
            &card,
            source,
            c.now,
            &c.request_id,
        )
    })
    .await
}

/// One scorecard with its report.
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ScorecardDetail), (status = 404, body = ErrorBody)))]
#[get("/scorecards/{id}")]
pub async fn scorecard(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| scorecards::get(conn, c.org(), *id))
        .await
}

/// Propose making a scorecard the bank's active model (a manager approves).
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 201, body = Proposal), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/scorecards/{id}/activate")]
pub async fn activate_scorecard(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    ctx.created(move |conn, c| {
        scorecards::propose_activation(conn, &c.principal, *id, c.now, &c.request_id)
    })
    .await
}
