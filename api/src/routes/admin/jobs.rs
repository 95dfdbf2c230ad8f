//! Background job runs.

use actix_web::{HttpResponse, get, web};

use crate::error::{ApiError, ErrorBody};
use crate::feeds::jobs::JobView;
use crate::feeds::{self};
use crate::state::AppState;
use crate::state::db_call;

/// Each background job's last run (start, duration, records, errors, what it did) and totals.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<JobView>), (status = 403, body = ErrorBody)))]
#[get("/jobs")]
pub async fn jobs(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(db_call(&state, feeds::jobs::list).await?))
}
