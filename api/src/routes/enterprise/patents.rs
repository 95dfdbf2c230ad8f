//! `/api/enterprise/patents`: list, add, read, edit, remove, bulk upload and its template.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};

use crate::domain::PatentFields;
use crate::error::{ApiError, ErrorBody};
use crate::routes::Ctx;
use crate::routes::upload::{ImportQuery, read_upload, valid_only};
use crate::services::patents::upload::{self, ImportReport};
use crate::services::patents::{self as service, PatentPage, PatentQuery, PatentView};

/// A patent's body: a JSON object of its fields (documented as [`PatentFields`]), checked field
/// by field as an upload's row is, so counts may also be numeric strings and an empty value is
/// an unknown one.
type JsonObject = serde_json::Map<String, serde_json::Value>;

/// The enterprise's patents, paged, optionally of one legal status and type.
#[utoipa::path(tag = "enterprise", params(PatentQuery), security(("bearer" = [])),
    responses((status = 200, body = PatentPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
#[get("/patents")]
pub async fn list(ctx: Ctx, query: web::Query<PatentQuery>) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| service::list(conn, c.org(), &query))
        .await
}

/// Add a patent. The number is checked (check character, and its type digit against
/// patent_type); a number already on the platform is refused (409).
#[utoipa::path(tag = "enterprise", request_body = PatentFields, security(("bearer" = [])),
    responses((status = 201, body = PatentView), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/patents")]
pub async fn create(ctx: Ctx, body: web::Json<JsonObject>) -> Result<HttpResponse, ApiError> {
    ctx.created(move |conn, c| {
        let fields = service::check_json(&body, c.today())?;
        service::create(conn, &c.principal, fields, c.now, &c.request_id)
    })
    .await
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
    ctx: Ctx,
    req: HttpRequest,
    query: web::Query<ImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let valid_only = valid_only(query.into_inner().mode.as_deref())?;
    let file = read_upload(&req, payload).await?;
    ctx.created(move |conn, c| {
        upload::import(conn, &c.principal, &file, valid_only, c.now, &c.request_id)
    })
    .await
}

/// One patent of the enterprise.
#[utoipa::path(tag = "enterprise", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = PatentView), (status = 404, body = ErrorBody)))]
#[get("/patents/{id}")]
pub async fn get_one(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| service::get(conn, c.org(), *id))
        .await
}

/// Replace a patent's fields (the same body as adding one).
#[utoipa::path(tag = "enterprise", params(("id" = i64, Path)), request_body = PatentFields, security(("bearer" = [])),
    responses((status = 200, body = PatentView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[put("/patents/{id}")]
pub async fn update(
    ctx: Ctx,
    id: web::Path<i64>,
    body: web::Json<JsonObject>,
) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| {
        let fields = service::check_json(&body, c.today())?;
        service::update(conn, &c.principal, *id, fields, c.now, &c.request_id)
    })
    .await
}

/// Remove a patent that is not pledged nor named in an open application.
#[utoipa::path(tag = "enterprise", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[delete("/patents/{id}")]
pub async fn remove(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    ctx.run(move |conn, c| service::remove(conn, &c.principal, *id, c.now, &c.request_id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
