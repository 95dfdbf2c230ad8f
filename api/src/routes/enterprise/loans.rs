//! `GET /api/enterprise/loans`.

use actix_web::{HttpResponse, get};

use crate::error::{ApiError, ErrorBody};
use crate::routes::Ctx;
use crate::services::loans::{self as service, LoanView};

/// The enterprise's loans: schedule, repayments made, outstanding principal, next due date and
/// the patents under pledge.
#[utoipa::path(tag = "enterprise", security(("bearer" = [])),
    responses((status = 200, body = Vec<LoanView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/loans")]
pub async fn list(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    ctx.json(|conn, c| service::list(conn, c.org(), c.today()))
        .await
}
