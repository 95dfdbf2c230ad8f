//! Disposal of pledged patents (处置变现): opening one on a defaulted loan, offers, the sale.

use actix_web::{HttpResponse, get, post, web};

use crate::error::{ApiError, ErrorBody};
use crate::routes::Ctx;
use crate::services::disposals::{self, DisposalView, NewOffer, OpenDisposal};
use crate::services::proposals::Proposal;

/// Open the disposal of a defaulted loan's pledged patent.
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), request_body = OpenDisposal, security(("bearer" = [])),
    responses((status = 201, body = DisposalView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/loans/{id}/disposals")]
pub async fn open_disposal(
    ctx: Ctx,
    id: web::Path<i64>,
    body: web::Json<OpenDisposal>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    ctx.created(move |conn, c| disposals::open(conn, &c.principal, *id, body, c.now, &c.request_id))
        .await
}

/// The bank's disposals with their offers.
#[utoipa::path(tag = "bank", security(("bearer" = [])),
    responses((status = 200, body = Vec<DisposalView>)))]
#[get("/disposals")]
pub async fn list_disposals(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    ctx.json(|conn, c| disposals::list(conn, c.org())).await
}

/// One disposal with its offers.
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = DisposalView), (status = 404, body = ErrorBody)))]
#[get("/disposals/{id}")]
pub async fn disposal(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| disposals::get(conn, c.org(), *id))
        .await
}

/// Record an offer for a disposed patent.
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), request_body = NewOffer, security(("bearer" = [])),
    responses((status = 201, body = DisposalView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/disposals/{id}/offers")]
pub async fn add_offer(
    ctx: Ctx,
    id: web::Path<i64>,
    body: web::Json<NewOffer>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    ctx.created(move |conn, c| {
        disposals::add_offer(conn, &c.principal, *id, body, c.now, &c.request_id)
    })
    .await
}

/// Propose accepting an offer (a manager approves the sale).
#[utoipa::path(tag = "bank", params(("id" = i64, Path), ("offer_id" = i64, Path)), security(("bearer" = [])),
    responses((status = 201, body = Proposal), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/disposals/{id}/offers/{offer_id}/accept")]
pub async fn accept_offer(ctx: Ctx, path: web::Path<(i64, i64)>) -> Result<HttpResponse, ApiError> {
    let (id, offer) = path.into_inner();
    ctx.created(move |conn, c| {
        disposals::propose_sale(conn, &c.principal, id, offer, c.now, &c.request_id)
    })
    .await
}
