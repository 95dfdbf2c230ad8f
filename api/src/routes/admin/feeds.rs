//! Data feed providers and the records they sent that were quarantined.

use actix_web::{HttpResponse, get, post, web};

use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::feeds::{self, NewProvider, ProviderView, QuarantinedRecord};
use crate::state::db_call;
use crate::state::{AppState, RequestId};

/// The data-feed providers (the token is never shown).
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<ProviderView>), (status = 403, body = ErrorBody)))]
#[get("/feeds")]
pub async fn list_feeds(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(db_call(&state, feeds::list).await?))
}

/// Configure a provider of patent or enterprise events (polled every `interval_secs`).
#[utoipa::path(tag = "admin", request_body = NewProvider, security(("bearer" = [])),
    responses((status = 201, body = ProviderView), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/feeds")]
pub async fn add_feed(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    body: web::Json<NewProvider>,
) -> Result<HttpResponse, ApiError> {
    let (now, body) = (state.clock.now(), body.into_inner());
    Ok(HttpResponse::Created().json(
        db_call(&state, move |conn| {
            feeds::add_by(conn, &principal, body, now, &rid.0)
        })
        .await?,
    ))
}

/// The provider's quarantined records with the reason each was refused, newest first.
#[utoipa::path(tag = "admin", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<QuarantinedRecord>), (status = 404, body = ErrorBody)))]
#[get("/feeds/{id}/quarantine")]
pub async fn feed_quarantine(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    Ok(HttpResponse::Ok().json(db_call(&state, move |conn| feeds::quarantine(conn, id)).await?))
}
