//! Maker-checker proposals of a bank or a district: list, read, approve, send back. The same
//! handlers serve `/api/bank/proposals` and `/api/gov/proposals`; the service scopes every
//! query by the caller's organisation, so another organisation's proposal is "not found".

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::db_call;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::services::proposals::{self as service, Decision};
use crate::startup::{AppState, RequestId};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// pending, approved or sent_back
    pub status: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// Why, especially when sending back.
    pub note: Option<String>,
}

async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    if let Some(s) = query.status.as_deref()
        && !["pending", "approved", "sent_back"].contains(&s)
    {
        return Err(ApiError::bad_request(
            "INVALID_STATUS",
            "status must be pending, approved or sent_back",
            Some("status"),
        ));
    }
    let status = query.into_inner().status;
    let org = principal.org_id;
    Ok(HttpResponse::Ok().json(
        db_call(&state, move |conn| {
            service::list(conn, org, status.as_deref())
        })
        .await?,
    ))
}

async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (org, id) = (principal.org_id, id.into_inner());
    Ok(HttpResponse::Ok().json(db_call(&state, move |conn| service::get(conn, org, id)).await?))
}

async fn decide(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
    body: Option<web::Json<DecisionRequest>>,
    decision: Decision,
) -> Result<HttpResponse, ApiError> {
    let note = body.and_then(|b| b.into_inner().note);
    let id = id.into_inner();
    let now = state.clock.now();
    let p = db_call(&state, move |conn| {
        service::decide(conn, &principal, id, decision, note.as_deref(), now, &rid.0)
    })
    .await?;
    Ok(HttpResponse::Ok().json(p))
}

macro_rules! proposal_routes {
    ($module:ident, $tag:literal, $list:literal, $one:literal, $approve:literal, $send_back:literal) => {
        pub mod $module {
            use actix_web::{HttpResponse, get as GET, post as POST, web};

            use super::{DecisionRequest, ListQuery};
            use crate::auth::Principal;
            use crate::error::{ApiError, ErrorBody};
            use crate::services::proposals::{Decision, Proposal};
            use crate::startup::{AppState, RequestId};

            /// The organisation's proposals, newest first.
            #[utoipa::path(get, path = $list, tag = $tag, params(ListQuery), security(("bearer" = [])),
                responses((status = 200, body = Vec<Proposal>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
            #[GET("/proposals")]
            pub async fn list(s: web::Data<AppState>, p: Principal, q: web::Query<ListQuery>) -> Result<HttpResponse, ApiError> {
                super::list(s, p, q).await
            }

            /// One proposal of the organisation.
            #[utoipa::path(get, path = $one, tag = $tag, params(("id" = i64, Path)), security(("bearer" = [])),
                responses((status = 200, body = Proposal), (status = 404, body = ErrorBody)))]
            #[GET("/proposals/{id}")]
            pub async fn get(s: web::Data<AppState>, p: Principal, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
                super::get(s, p, id).await
            }

            /// Approve (a different user of the required role than the proposer).
            #[utoipa::path(post, path = $approve, tag = $tag, params(("id" = i64, Path)), request_body = Option<DecisionRequest>,
                security(("bearer" = [])),
                responses((status = 200, body = Proposal), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
            #[POST("/proposals/{id}/approve")]
            pub async fn approve(
                s: web::Data<AppState>,
                p: Principal,
                r: RequestId,
                id: web::Path<i64>,
                b: Option<web::Json<DecisionRequest>>,
            ) -> Result<HttpResponse, ApiError> {
                super::decide(s, p, r, id, b, Decision::Approve).await
            }

            /// Send back to the proposer, with a note.
            #[utoipa::path(post, path = $send_back, tag = $tag, params(("id" = i64, Path)), request_body = Option<DecisionRequest>,
                security(("bearer" = [])),
                responses((status = 200, body = Proposal), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
            #[POST("/proposals/{id}/send-back")]
            pub async fn send_back(
                s: web::Data<AppState>,
                p: Principal,
                r: RequestId,
                id: web::Path<i64>,
                b: Option<web::Json<DecisionRequest>>,
            ) -> Result<HttpResponse, ApiError> {
                super::decide(s, p, r, id, b, Decision::SendBack).await
            }
        }
    };
}

proposal_routes!(
    bank,
    "bank",
    "/api/bank/proposals",
    "/api/bank/proposals/{id}",
    "/api/bank/proposals/{id}/approve",
    "/api/bank/proposals/{id}/send-back"
);
proposal_routes!(
    gov,
    "gov",
    "/api/gov/proposals",
    "/api/gov/proposals/{id}",
    "/api/gov/proposals/{id}/approve",
    "/api/gov/proposals/{id}/send-back"
);
