//! Background job runs.

use actix_web::{HttpResponse, get};

use crate::error::{ApiError, ErrorBody};
use crate::feeds;
use crate::feeds::jobs::JobView;
use crate::routes::Ctx;

/// Each background job's last run (start, duration, records, errors, what it did) and totals.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<JobView>), (status = 403, body = ErrorBody)))]
#[get("/jobs")]
pub async fn jobs(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    ctx.json(|conn, _| feeds::jobs::list(conn)).await
}
