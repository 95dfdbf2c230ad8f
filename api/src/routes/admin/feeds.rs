//! Data feed providers and the records they sent that were quarantined.

use actix_web::{HttpResponse, get, post, web};

use crate::error::{ApiError, ErrorBody};
use crate::feeds::{self, NewProvider, ProviderView, QuarantinedRecord};
use crate::routes::Ctx;

/// The data-feed providers (the token is never shown).
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<ProviderView>), (status = 403, body = ErrorBody)))]
#[get("/feeds")]
pub async fn list_feeds(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    ctx.json(|conn, _| feeds::list(conn)).await
}

/// Configure a provider of patent or enterprise events (polled every `interval_secs`).
#[utoipa::path(tag = "admin", request_body = NewProvider, security(("bearer" = [])),
    responses((status = 201, body = ProviderView), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/feeds")]
pub async fn add_feed(ctx: Ctx, body: web::Json<NewProvider>) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let allow_private = ctx.settings().feeds_allow_private;
    ctx.created(move |conn, c| {
        feeds::add_by(
            conn,
            &c.principal,
            body,
            allow_private,
            c.now,
            &c.request_id,
        )
    })
    .await
}

/// The provider's quarantined records with the reason each was refused, newest first.
#[utoipa::path(tag = "admin", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<QuarantinedRecord>), (status = 404, body = ErrorBody)))]
#[get("/feeds/{id}/quarantine")]
pub async fn feed_quarantine(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, _| feeds::quarantine(conn, *id)).await
}
