//! `/api/enterprise/proposals`: the operator's proposals of users and password resets in the
//! enterprise, which another user of the enterprise decides (an enterprise has one role). The
//! service scopes every query by the caller's organisation.

use actix_web::{HttpResponse, get, post, web};

use crate::error::{ApiError, ErrorBody};
use crate::routes::Ctx;
use crate::routes::proposals::{DecisionNote, ListQuery};
use crate::workflow::{self, Decision, Proposal};

/// The organisation's proposals, newest first.
#[utoipa::path(tag = "enterprise", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<Proposal>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/proposals")]
pub async fn list_proposals(
    ctx: Ctx,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let status = query.into_inner().status()?;
    ctx.json(move |conn, c| workflow::list(conn, c.org(), status.as_deref()))
        .await
}

/// One proposal of the organisation.
#[utoipa::path(tag = "enterprise", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Proposal), (status = 404, body = ErrorBody)))]
#[get("/proposals/{id}")]
pub async fn proposal(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| workflow::get(conn, c.org(), *id))
        .await
}

/// Approve (a different user of the required role than the proposer).
#[utoipa::path(tag = "enterprise", params(("id" = i64, Path)), request_body = Option<DecisionNote>,
    security(("bearer" = [])),
    responses((status = 200, body = Proposal), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/proposals/{id}/approve")]
pub async fn approve(
    ctx: Ctx,
    id: web::Path<i64>,
    body: Option<web::Json<DecisionNote>>,
) -> Result<HttpResponse, ApiError> {
    let note = DecisionNote::note_of(body);
    ctx.json(move |conn, c| {
        workflow::decide(
            conn,
            &c.principal,
            *id,
            Decision::Approve,
            note.as_deref(),
            c.now,
            &c.request_id,
        )
    })
    .await
}

/// Send back to the proposer, with a note.
#[utoipa::path(tag = "enterprise", params(("id" = i64, Path)), request_body = Option<DecisionNote>,
    security(("bearer" = [])),
    responses((status = 200, body = Proposal), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/proposals/{id}/send-back")]
pub async fn send_back(
    ctx: Ctx,
    id: web::Path<i64>,
    body: Option<web::Json<DecisionNote>>,
) -> Result<HttpResponse, ApiError> {
    let note = DecisionNote::note_of(body);
    ctx.json(move |conn, c| {
        workflow::decide(
            conn,
            &c.principal,
            *id,
            Decision::SendBack,
            note.as_deref(),
            c.now,
            &c.request_id,
        )
    })
    .await
}
