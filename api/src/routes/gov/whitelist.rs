//! The enterprise whitelist (白名单) and its criteria.

use actix_web::{HttpResponse, get, put, web};
use serde::Deserialize;

use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::export::{self, Format};
use crate::services::whitelist::{self, Criteria, CriteriaView, Whitelist};
use crate::state::db_call;
use crate::state::{AppState, RequestId};

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
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let format = Format::parse(query.format.as_deref())?;
    let (district, now) = (principal.org_id, state.clock.now());
    let params = crate::services::valuations::params();
    let list = db_call(&state, move |conn| {
        whitelist::list(conn, district, &params, now)
    })
    .await?;
    match format {
        Format::Json => Ok(HttpResponse::Ok().json(list)),
        f => export::download(
            &whitelist::to_table(&list),
            f,
            &format!("whitelist-{}", list.as_of),
        ),
    }
}

/// The whitelist criteria in force.
#[utoipa::path(tag = "gov", security(("bearer" = [])),
    responses((status = 200, body = CriteriaView)))]
#[get("/whitelist/criteria")]
pub async fn get_criteria(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let district = principal.org_id;
    Ok(HttpResponse::Ok()
        .json(db_call(&state, move |conn| whitelist::criteria(conn, district)).await?))
}

/// Publish new whitelist criteria (a new version, effective today).
#[utoipa::path(tag = "gov", request_body = Criteria, security(("bearer" = [])),
    responses((status = 200, body = CriteriaView), (status = 400, body = ErrorBody)))]
#[put("/whitelist/criteria")]
pub async fn put_criteria(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    body: web::Json<Criteria>,
) -> Result<HttpResponse, ApiError> {
    let (now, body) = (state.clock.now(), body.into_inner());
    Ok(HttpResponse::Ok().json(
        db_call(&state, move |conn| {
            whitelist::publish(conn, &principal, body, now, &rid.0)
        })
        .await?,
    ))
}
