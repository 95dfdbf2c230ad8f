//! Organisations: listed and created by the operator.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;

use crate::error::{ApiError, ErrorBody};
use crate::routes::Ctx;
use crate::services::organisations::{self as service, NewOrganisationRequest, OrganisationView};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgQuery {
    /// enterprise, bank, guarantor, district or operator
    pub kind: Option<String>,
}

/// All organisations, optionally of one kind.
#[utoipa::path(tag = "admin", params(OrgQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<OrganisationView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/organisations")]
pub async fn list_organisations(
    ctx: Ctx,
    query: web::Query<OrgQuery>,
) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, _| service::list_organisations(conn, query.kind.as_deref()))
        .await
}

/// Create an enterprise, bank, guarantor or district.
#[utoipa::path(tag = "admin", request_body = NewOrganisationRequest, security(("bearer" = [])),
    responses((status = 201, body = OrganisationView), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/organisations")]
pub async fn create_organisation(
    ctx: Ctx,
    body: web::Json<NewOrganisationRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    ctx.created(move |conn, c| {
        service::create_organisation(conn, &c.principal, body, c.now, &c.request_id)
    })
    .await
}
