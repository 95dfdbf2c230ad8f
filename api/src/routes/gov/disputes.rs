//! Disputes over patent numbers claimed by enterprises of the district: the list, one with the
//! patent office's record of the number (looked up through the patent feed), and the decision.

use actix_web::{HttpResponse, get, post, web};

use crate::domain::PatentNumber;
use crate::error::{ApiError, ErrorBody};
use crate::feeds;
use crate::feeds::contract::RegisterRecord;
use crate::routes::Ctx;
use crate::services::patents::disputes::{self, Decision, DisputeQuery, DisputeView, HeldPatent};
use serde::Serialize;

/// Claims on patent numbers by the district's enterprises (open ones unless asked otherwise).
#[utoipa::path(tag = "gov", params(DisputeQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<DisputeView>), (status = 400, body = ErrorBody)))]
#[get("/patent-disputes")]
pub async fn list_disputes(
    ctx: Ctx,
    query: web::Query<DisputeQuery>,
) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| disputes::list(conn, c.org(), &query))
        .await
}

/// One dispute: the claim, the holder's patent as the platform has it, and the register's record
/// of the number as the patent feed's provider answers (or why it could not).
#[utoipa::path(tag = "gov", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = DisputeDetail), (status = 404, body = ErrorBody)))]
#[get("/patent-disputes/{id}")]
pub async fn dispute(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let today = ctx.call().today();
    let allow_private = ctx.settings().feeds_allow_private;
    let (view, holder_patent, providers) = ctx
        .run(move |conn, c| {
            let (view, held) = disputes::detail(conn, c.org(), id)?;
            Ok((view, held, feeds::providers(conn, true)?))
        })
        .await?;
    let number = PatentNumber::parse(&view.patent_number)
        .map_err(|e| ApiError::Internal(format!("dispute {id}: {e}")))?;
    let (provider, answer) =
        feeds::lookup_register(&providers, &number, today, allow_private).await;
    Ok(HttpResponse::Ok().json(DisputeDetail {
        dispute: view,
        holder_patent,
        register: lookup_result(provider, answer),
    }))
}

/// Decide a dispute: `holder` keeps the number, or the `claimant` gets it (refused while the
/// holder's patent is pledged: 409 naming the loan or application). A reason is required; both
/// enterprises are told.
#[utoipa::path(tag = "gov", params(("id" = i64, Path)), request_body = Decision, security(("bearer" = [])),
    responses((status = 200, body = DisputeView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/patent-disputes/{id}/decision")]
pub async fn decide(
    ctx: Ctx,
    id: web::Path<i64>,
    body: web::Json<Decision>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    ctx.json(move |conn, c| disputes::decide(conn, &c.principal, *id, body, c.now, &c.request_id))
        .await
}

/// The patent office's record of the number, as the patent feed's provider answered.
#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct RegisterLookup {
    /// The provider that answered (or was asked last).
    pub provider: Option<String>,
    pub record: Option<RegisterRecord>,
    /// Why there is no record: no patent provider, the provider does not know the number, or it
    /// could not be reached.
    pub error: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DisputeDetail {
    #[serde(flatten)]
    pub dispute: DisputeView,
    pub holder_patent: HeldPatent,
    pub register: RegisterLookup,
}

/// A provider's answer to a lookup, for [`RegisterLookup`].
pub fn lookup_result(
    provider: Option<String>,
    answer: Result<Option<RegisterRecord>, String>,
) -> RegisterLookup {
    match answer {
        Ok(Some(record)) => RegisterLookup {
            provider,
            record: Some(record),
            error: None,
        },
        Ok(None) => RegisterLookup {
            provider,
            record: None,
            error: Some("the register has no record of this number".into()),
        },
        Err(e) => RegisterLookup {
            provider,
            record: None,
            error: Some(e),
        },
    }
}
