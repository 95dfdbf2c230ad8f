//! `/api/enterprise/financials`: financial statements by year, one at a time or uploaded.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};

use crate::error::{ApiError, ErrorBody};
use crate::routes::Ctx;
use crate::routes::upload::{ImportQuery, read_upload, valid_only};
use crate::services::financials::{self as service, StatementView};
use crate::services::patents::upload::ImportReport;

/// The statements, latest year first, each with its ratios (debt ratio, profit margin, revenue
/// growth, revenue per head).
#[utoipa::path(tag = "enterprise", security(("bearer" = [])),
    responses((status = 200, body = Vec<StatementView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/financials")]
pub async fn list(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    ctx.json(|conn, c| service::list(conn, c.org())).await
}

/// Enter or replace one year: `revenue_fen`, `profit_fen`, `assets_fen`, `liabilities_fen`,
/// `headcount` (all whole numbers; only profit may be negative).
#[utoipa::path(tag = "enterprise", params(("year" = i32, Path)), security(("bearer" = [])),
    request_body = Object,
    responses((status = 200, body = StatementView), (status = 400, body = ErrorBody)))]
#[put("/financials/{year}")]
pub async fn put_year(
    ctx: Ctx,
    year: web::Path<i32>,
    body: web::Json<serde_json::Map<String, serde_json::Value>>,
) -> Result<HttpResponse, ApiError> {
    // Checked before a connection is taken: a bad body never waits for the database.
    let statement = service::check_json(*year, &body, ctx.call().today())?;
    ctx.json(move |conn, c| service::put(conn, &c.principal, statement, c.now, &c.request_id))
        .await
}

/// Upload statements (multipart field `file`, CSV or .xlsx with the columns `fiscal_year`,
/// `revenue_fen`, `profit_fen`, `assets_fen`, `liabilities_fen`, `headcount`): checked whole
/// like the patent upload; `imported` lists the years written.
#[utoipa::path(tag = "enterprise", params(ImportQuery), security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", content = String),
    responses((status = 201, body = ImportReport), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody)))]
#[post("/financials/import")]
pub async fn import(
    ctx: Ctx,
    req: HttpRequest,
    query: web::Query<ImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let valid_only = valid_only(query.mode.as_deref())?;
    let file = read_upload(&req, payload).await?;
    ctx.created(move |conn, c| {
        service::import(
            conn,
            &c.principal,
            &file,
            valid_only,
            c.today(),
            c.now,
            &c.request_id,
        )
    })
    .await
}
