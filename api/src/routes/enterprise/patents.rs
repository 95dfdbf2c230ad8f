//! `/api/enterprise/patents`: list, add, read, edit, remove, bulk upload and its template.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use chrono::NaiveDate;

use crate::auth::Principal;
use crate::clock::china_today;
use crate::error::{ApiError, ErrorBody};
use crate::routes::upload::{ImportQuery, read_upload, valid_only};
use crate::services::patents::upload::{self, ImportReport};
use crate::services::patents::{self as service, PatentPage, PatentQuery, PatentView};
use crate::state::db_call;
use crate::state::{AppState, RequestId};

/// The JSON of one patent: the input fields of VALUATION.md with the number in
/// `patent_number`. Counts may be numbers or numeric strings; empty means unknown.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // documents the body, which is checked field by field from a JSON object
pub struct PatentBody {
    /// CN application number, e.g. ZL201310699744.2; its type digit must match patent_type.
    patent_number: String,
    /// invention, utility_model or design
    patent_type: String,
    title: Option<String>,
    filing_date: NaiveDate,
    grant_date: Option<NaiveDate>,
    /// valid, under_invalidation, pending, lapsed, invalidated, expired
    legal_status: String,
    ipc_main: Option<String>,
    claims: i32,
    forward_citations: i32,
    backward_citations: i32,
    family_size: i32,
    inventors: i32,
    transfers: i32,
    licenses: i32,
    litigations: i32,
    invalidation_requests: i32,
    fee_paid_until: Option<NaiveDate>,
    revenue_fen: Option<i64>,
    royalty_rate: Option<f64>,
    co_owners: Option<i32>,
    co_owner_consent: Option<bool>,
}

type JsonObject = serde_json::Map<String, serde_json::Value>;

/// The enterprise's patents, paged, optionally of one legal status and type.
#[utoipa::path(tag = "enterprise", params(PatentQuery), security(("bearer" = [])),
    responses((status = 200, body = PatentPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
#[get("/patents")]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<PatentQuery>,
) -> Result<HttpResponse, ApiError> {
    let (org, q) = (principal.org_id, query.into_inner());
    Ok(HttpResponse::Ok().json(db_call(&state, move |conn| service::list(conn, org, &q)).await?))
}

/// Add a patent. The number is checked (check character, and its type digit against
/// patent_type); a number already on the platform is refused (409).
#[utoipa::path(tag = "enterprise", request_body = PatentBody, security(("bearer" = [])),
    responses((status = 201, body = PatentView), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/patents")]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    body: web::Json<JsonObject>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let fields = service::check_json(&body, china_today(now))?;
    let view = db_call(&state, move |conn| {
        service::create(conn, &principal, fields, now, &rid.0)
    })
    .await?;
    Ok(HttpResponse::Created().json(view))
}

/// The CSV template of the bulk upload: the header and one example row.
#[utoipa::path(tag = "enterprise", security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String), (status = 401, body = ErrorBody)))]
#[get("/patents/template.csv")]
pub async fn template() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"patents-template.csv\"",
        ))
        .body(upload::template())
}

/// Bulk upload (multipart/form-data, field `file`): CSV in UTF-8 with a header row (see the
/// template), or an Excel workbook (.xlsx) whose first sheet has the same columns. The whole file is checked first; every problem is reported in
/// `error.details.problems` with its row (1-based data row, 0 for the header), column and reason,
/// and nothing is written, unless `mode=valid_only`.
#[utoipa::path(tag = "enterprise", params(ImportQuery), security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", content = String),
    responses((status = 201, body = ImportReport), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody)))]
#[post("/patents/import")]
pub async fn import(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    req: HttpRequest,
    query: web::Query<ImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let valid_only = valid_only(query.into_inner().mode.as_deref())?;
    let upload = read_upload(&req, payload).await?;
    let now = state.clock.now();
    let report = db_call(&state, move |conn| {
        upload::import(conn, &principal, &upload, valid_only, now, &rid.0)
    })
    .await?;
    Ok(HttpResponse::Created().json(report))
}

/// One patent of the enterprise.
#[utoipa::path(tag = "enterprise", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = PatentView), (status = 404, body = ErrorBody)))]
#[get("/patents/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (org, id) = (principal.org_id, id.into_inner());
    Ok(HttpResponse::Ok().json(db_call(&state, move |conn| service::get(conn, org, id)).await?))
}

/// Replace a patent's fields (the same body as adding one).
#[utoipa::path(tag = "enterprise", params(("id" = i64, Path)), request_body = PatentBody, security(("bearer" = [])),
    responses((status = 200, body = PatentView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[put("/patents/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
    body: web::Json<JsonObject>,
) -> Result<HttpResponse, ApiError> {
    let (now, id) = (state.clock.now(), id.into_inner());
    let fields = service::check_json(&body, china_today(now))?;
    Ok(HttpResponse::Ok().json(
        db_call(&state, move |conn| {
            service::update(conn, &principal, id, fields, now, &rid.0)
        })
        .await?,
    ))
}

/// Remove a patent that is not pledged nor named in an open application.
#[utoipa::path(tag = "enterprise", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[delete("/patents/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (now, id) = (state.clock.now(), id.into_inner());
    db_call(&state, move |conn| {
        service::remove(conn, &principal, id, now, &rid.0)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
