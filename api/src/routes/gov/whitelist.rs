//! The enterprise whitelist (白名单) and its criteria.

use actix_web::{HttpResponse, get, put, web};
use serde::Deserialize;

use super::exported;
use crate::error::{ApiError, ErrorBody};
use crate::export::Format;
use crate::routes::Ctx;
use crate::services::whitelist::{self, Criteria, CriteriaView, Whitelist};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// json (default), csv or xlsx.
    pub format: Option<String>,
}

/// The district's enterprises meeting its whitelist criteria today (`?format=csv` or `xlsx` to
/// export).
#[utoipa::path(tag = "gov", params(ExportQuery), security(("bearer" = [])),
    responses((status = 200, body = Whitelist), (status = 400, body = ErrorBody)))]
#[get("/whitelist")]
pub async fn get_whitelist(
    ctx: Ctx,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let format = Format::parse(query.format.as_deref())?;
    exported(
        ctx,
        format,
        |conn, c| whitelist::list(conn, c.org(), c.now),
        |list| {
            (
                whitelist::to_table(list),
                format!("whitelist-{}", list.as_of),
            )
        },
    )
    .await
}

/// The whitelist criteria in force.
#[utoipa::path(tag = "gov", security(("bearer" = [])),
    responses((status = 200, body = CriteriaView)))]
#[get("/whitelist/criteria")]
pub async fn get_criteria(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    ctx.json(|conn, c| whitelist::criteria(conn, c.org())).await
}

/// Publish new whitelist criteria (a new version, effective today).
#[utoipa::path(tag = "gov", request_body = Criteria, security(("bearer" = [])),
    responses((status = 200, body = CriteriaView), (status = 400, body = ErrorBody)))]
#[put("/whitelist/criteria")]
pub async fn put_criteria(ctx: Ctx, body: web::Json<Criteria>) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    ctx.json(move |conn, c| whitelist::publish(conn, &c.principal, body, c.now, &c.request_id))
        .await
}
