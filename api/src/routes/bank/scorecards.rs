//! The bank's own scorecards: fitted or uploaded, inspected, made active (maker-checker).

use actix_web::{HttpRequest, HttpResponse, get, post, web};

use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::routes::upload::read_upload;
use crate::services::proposals::Proposal;
use crate::services::scorecards::{self, ScorecardDetail, ScorecardSummary, ScorecardUploadQuery};
use crate::state::db_call;
use crate::state::{AppState, RequestId};

/// The bank's scorecards.
#[utoipa::path(tag = "bank", security(("bearer" = [])),
    responses((status = 200, body = Vec<ScorecardSummary>)))]
#[get("/scorecards")]
pub async fn list_scorecards(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let bank = principal.org_id;
    Ok(HttpResponse::Ok().json(db_call(&state, move |conn| scorecards::list(conn, bank)).await?))
}

/// Upload a fitted scorecard (.json) or training data (.csv / .parquet with `target`) to fit one.
#[utoipa::path(tag = "bank", params(ScorecardUploadQuery), security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", content = String),
    responses((status = 201, body = ScorecardDetail), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody)))]
#[post("/scorecards")]
pub async fn upload_scorecard(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    req: HttpRequest,
    query: web::Query<ScorecardUploadQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let upload = read_upload(&req, payload).await?;
    let q = query.into_inner();
    let now = state.clock.now();
    let detail = db_call(&state, move |conn| {
        // Fitted before the transaction, on the blocking pool.
        let (card, source) = scorecards::model_of(&upload, &q)?;
        scorecards::create(conn, &principal, &q.name, &card, source, now, &rid.0)
    })
    .await?;
    Ok(HttpResponse::Created().json(detail))
}

/// One scorecard with its report.
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ScorecardDetail), (status = 404, body = ErrorBody)))]
#[get("/scorecards/{id}")]
pub async fn scorecard(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (bank, id) = (principal.org_id, id.into_inner());
    Ok(
        HttpResponse::Ok()
            .json(db_call(&state, move |conn| scorecards::get(conn, bank, id)).await?),
    )
}

/// Propose making a scorecard the bank's active model (a manager approves).
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 201, body = Proposal), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/scorecards/{id}/activate")]
pub async fn activate_scorecard(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (now, id) = (state.clock.now(), id.into_inner());
    Ok(HttpResponse::Created().json(
        db_call(&state, move |conn| {
            scorecards::propose_activation(conn, &principal, id, now, &rid.0)
        })
        .await?,
    ))
}
