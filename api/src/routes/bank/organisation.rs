//! `GET /api/bank/organisation`: the caller's own organisation.

use actix_web::{HttpResponse, get};

use crate::error::{ApiError, ErrorBody};
use crate::routes::Ctx;
use crate::services::organisations::{self, OrganisationView};

/// The bank's (or guarantor's) own profile.
#[utoipa::path(tag = "bank", security(("bearer" = [])),
    responses((status = 200, body = OrganisationView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/organisation")]
pub async fn get_organisation(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    ctx.json(|conn, c| organisations::organisation(conn, c.org()))
        .await
}
