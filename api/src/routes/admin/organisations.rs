//! Organisations: listed and created by the operator.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;

use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::services::admin::{self as service, NewOrganisationRequest, OrganisationView};
use crate::state::db_call;
use crate::state::{AppState, RequestId};

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
    state: web::Data<AppState>,
    query: web::Query<OrgQuery>,
) -> Result<HttpResponse, ApiError> {
    let kind = query.into_inner().kind;
    Ok(HttpResponse::Ok().json(
        db_call(&state, move |conn| {
            service::list_organisations(conn, kind.as_deref())
        })
        .await?,
    ))
}

/// Create an enterprise, bank, guarantor or district.
#[utoipa::path(tag = "admin", request_body = NewOrganisationRequest, security(("bearer" = [])),
    responses((status = 201, body = OrganisationView), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/organisations")]
pub async fn create_organisation(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    body: web::Json<NewOrganisationRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let body = body.into_inner();
    let org = db_call(&state, move |conn| {
        service::create_organisation(conn, &principal, body, now, &rid.0)
    })
    .await?;
    Ok(HttpResponse::Created().json(org))
}
