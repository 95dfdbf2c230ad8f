//! Disposal of pledged patents (处置变现): opening one on a defaulted loan, offers, the sale.

use actix_web::{HttpResponse, get, post, web};

use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::services::disposals::{self, DisposalView, NewOffer, OpenDisposal};
use crate::services::proposals::Proposal;
use crate::state::db_call;
use crate::state::{AppState, RequestId};

/// Open the disposal of a defaulted loan's pledged patent.
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), request_body = OpenDisposal, security(("bearer" = [])),
    responses((status = 201, body = DisposalView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/loans/{id}/disposals")]
pub async fn open_disposal(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
    body: web::Json<OpenDisposal>,
) -> Result<HttpResponse, ApiError> {
    let (now, id, body) = (state.clock.now(), id.into_inner(), body.into_inner());
    Ok(HttpResponse::Created().json(
        db_call(&state, move |conn| {
            disposals::open(conn, &principal, id, body, now, &rid.0)
        })
        .await?,
    ))
}

/// The bank's disposals with their offers.
#[utoipa::path(tag = "bank", security(("bearer" = [])),
    responses((status = 200, body = Vec<DisposalView>)))]
#[get("/disposals")]
pub async fn list_disposals(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let bank = principal.org_id;
    Ok(HttpResponse::Ok().json(db_call(&state, move |conn| disposals::list(conn, bank)).await?))
}

/// One disposal with its offers.
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = DisposalView), (status = 404, body = ErrorBody)))]
#[get("/disposals/{id}")]
pub async fn disposal(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (bank, id) = (principal.org_id, id.into_inner());
    Ok(HttpResponse::Ok().json(db_call(&state, move |conn| disposals::get(conn, bank, id)).await?))
}

/// Record an offer for a disposed patent.
#[utoipa::path(tag = "bank", params(("id" = i64, Path)), request_body = NewOffer, security(("bearer" = [])),
    responses((status = 201, body = DisposalView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/disposals/{id}/offers")]
pub async fn add_offer(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
    body: web::Json<NewOffer>,
) -> Result<HttpResponse, ApiError> {
    let (now, id, body) = (state.clock.now(), id.into_inner(), body.into_inner());
    Ok(HttpResponse::Created().json(
        db_call(&state, move |conn| {
            disposals::add_offer(conn, &principal, id, body, now, &rid.0)
        })
        .await?,
    ))
}

/// Propose accepting an offer (a manager approves the sale).
#[utoipa::path(tag = "bank", params(("id" = i64, Path), ("offer_id" = i64, Path)), security(("bearer" = [])),
    responses((status = 201, body = Proposal), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/disposals/{id}/offers/{offer_id}/accept")]
pub async fn accept_offer(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (now, (id, offer)) = (state.clock.now(), path.into_inner());
    Ok(HttpResponse::Created().json(
        db_call(&state, move |conn| {
            disposals::propose_sale(conn, &principal, id, offer, now, &rid.0)
        })
        .await?,
    ))
}
