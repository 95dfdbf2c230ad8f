//! `GET /api/enterprise/loans`.

use actix_web::{HttpResponse, get, web};

use crate::auth::Principal;
use crate::clock::china_today;
use crate::error::{ApiError, ErrorBody};
use crate::services::loans::{self as service, LoanView};
use crate::state::AppState;
use crate::state::db_call;

/// The enterprise's loans: schedule, repayments made, outstanding principal, next due date and
/// the patents under pledge.
#[utoipa::path(tag = "enterprise", security(("bearer" = [])),
    responses((status = 200, body = Vec<LoanView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/loans")]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let (org, today) = (principal.org_id, china_today(state.clock.now()));
    Ok(
        HttpResponse::Ok()
            .json(db_call(&state, move |conn| service::list(conn, org, today)).await?),
    )
}
