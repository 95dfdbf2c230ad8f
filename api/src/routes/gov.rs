//! `/api/gov`: the government view (政知宝). Every handler acts for the caller's own district;
//! another district's pool, loan, claim or simulation is "not found".

use actix_web::{HttpResponse, get, post, put, web};
use serde::Deserialize;

use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::routes::db_call;
use crate::routes::enterprise::valuation_params;
use crate::services::gov::claims::{self, ClaimDecisionRequest, ClaimDetail, ClaimQuery};
use crate::services::gov::pools::{self, CoveredLoan, PoolDetail, PoolView, RuleChange};
use crate::services::gov::simulations::{self, SimulationRequest, SimulationView};
use crate::services::gov::whitelist::{self, Criteria, CriteriaView, Whitelist};
use crate::services::proposals::Proposal;
use crate::startup::{AppState, RequestId};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// json (default) or csv.
    pub format: Option<String>,
}

/// The district's pools with their figures.
#[utoipa::path(get, path = "/api/gov/pools", tag = "gov", security(("bearer" = [])),
    responses((status = 200, body = Vec<PoolView>), (status = 403, body = ErrorBody)))]
#[get("/pools")]
pub async fn list_pools(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let (district, now) = (principal.org_id, state.clock.now());
    Ok(HttpResponse::Ok()
        .json(db_call(&state, move |conn| pools::list(conn, district, now)).await?))
}

/// One pool: figures, contributions, every rule version.
#[utoipa::path(get, path = "/api/gov/pools/{id}", tag = "gov", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = PoolDetail), (status = 404, body = ErrorBody)))]
#[get("/pools/{id}")]
pub async fn pool(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (district, now, id) = (principal.org_id, state.clock.now(), id.into_inner());
    Ok(HttpResponse::Ok()
        .json(db_call(&state, move |conn| pools::get(conn, district, id, now)).await?))
}

/// The loans the pool covers or covered.
#[utoipa::path(get, path = "/api/gov/pools/{id}/loans", tag = "gov", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<CoveredLoan>), (status = 404, body = ErrorBody)))]
#[get("/pools/{id}/loans")]
pub async fn pool_loans(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (district, id) = (principal.org_id, id.into_inner());
    Ok(HttpResponse::Ok()
        .json(db_call(&state, move |conn| pools::covered_loans(conn, district, id)).await?))
}

/// Propose a new rule version (shares, cap, leverage limit, eligibility, effective date); a
/// district manager approves it.
#[utoipa::path(post, path = "/api/gov/pools/{id}/rules", tag = "gov", params(("id" = i64, Path)), request_body = RuleChange, security(("bearer" = [])),
    responses((status = 201, body = Proposal), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/pools/{id}/rules")]
pub async fn propose_rule(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
    body: web::Json<RuleChange>,
) -> Result<HttpResponse, ApiError> {
    let (now, id, body) = (state.clock.now(), id.into_inner(), body.into_inner());
    Ok(HttpResponse::Created().json(
        db_call(&state, move |conn| {
            pools::propose_rule(conn, &principal, id, body, now, &rid.0)
        })
        .await?,
    ))
}

/// Start a depletion simulation (and optional stress scenario) of the pool's live covered loans;
/// it runs in the background: follow it under `/simulations/{sim_id}`.
#[utoipa::path(post, path = "/api/gov/pools/{id}/simulations", tag = "gov", params(("id" = i64, Path)), request_body = SimulationRequest, security(("bearer" = [])),
    responses((status = 202, body = SimulationView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/pools/{id}/simulations")]
pub async fn start_simulation(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
    body: web::Json<SimulationRequest>,
) -> Result<HttpResponse, ApiError> {
    let (now, id, body) = (state.clock.now(), id.into_inner(), body.into_inner());
    let (view, job) = db_call(&state, move |conn| {
        simulations::queue(conn, &principal, id, body, now, &rid.0)
    })
    .await?;
    let (db, clock) = (state.pool.clone(), state.clock.clone());
    std::thread::Builder::new()
        .name(format!("simulation-{}", job.id))
        .spawn(move || simulations::run(&db, &clock, job))
        .map_err(|e| ApiError::Internal(format!("simulation thread: {e}")))?;
    Ok(HttpResponse::Accepted().json(view))
}

/// The pool's simulations, newest first.
#[utoipa::path(get, path = "/api/gov/pools/{id}/simulations", tag = "gov", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<SimulationView>), (status = 404, body = ErrorBody)))]
#[get("/pools/{id}/simulations")]
pub async fn list_simulations(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (district, id) = (principal.org_id, id.into_inner());
    Ok(HttpResponse::Ok()
        .json(db_call(&state, move |conn| simulations::list(conn, district, id)).await?))
}

/// One simulation: status, progress, and the result once done.
#[utoipa::path(get, path = "/api/gov/pools/{id}/simulations/{sim_id}", tag = "gov", params(("id" = i64, Path), ("sim_id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = SimulationView), (status = 404, body = ErrorBody)))]
#[get("/pools/{id}/simulations/{sim_id}")]
pub async fn simulation(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (district, (id, sim)) = (principal.org_id, path.into_inner());
    Ok(HttpResponse::Ok().json(
        db_call(&state, move |conn| {
            simulations::get(conn, district, id, sim)
        })
        .await?,
    ))
}

/// Claims on the district's pools, with their computation.
#[utoipa::path(get, path = "/api/gov/claims", tag = "gov", params(ClaimQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<ClaimDetail>), (status = 400, body = ErrorBody)))]
#[get("/claims")]
pub async fn list_claims(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<ClaimQuery>,
) -> Result<HttpResponse, ApiError> {
    let (district, q) = (principal.org_id, query.into_inner());
    Ok(HttpResponse::Ok()
        .json(db_call(&state, move |conn| claims::list(conn, district, &q)).await?))
}

/// One claim with its computation.
#[utoipa::path(get, path = "/api/gov/claims/{id}", tag = "gov", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ClaimDetail), (status = 404, body = ErrorBody)))]
#[get("/claims/{id}")]
pub async fn claim(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (district, id) = (principal.org_id, id.into_inner());
    Ok(HttpResponse::Ok()
        .json(db_call(&state, move |conn| claims::detail(conn, district, id)).await?))
}

/// Propose approving (paying what the pool owes now) or returning a claim; a district manager
/// approves the proposal.
#[utoipa::path(post, path = "/api/gov/claims/{id}/proposals", tag = "gov", params(("id" = i64, Path)), request_body = ClaimDecisionRequest, security(("bearer" = [])),
    responses((status = 201, body = Proposal), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/claims/{id}/proposals")]
pub async fn propose_claim_decision(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    id: web::Path<i64>,
    body: web::Json<ClaimDecisionRequest>,
) -> Result<HttpResponse, ApiError> {
    let (now, id, body) = (state.clock.now(), id.into_inner(), body.into_inner());
    Ok(HttpResponse::Created().json(
        db_call(&state, move |conn| {
            claims::propose(conn, &principal, id, body, now, &rid.0)
        })
        .await?,
    ))
}

/// The district's enterprises meeting its whitelist criteria today (`?format=csv` to export).
#[utoipa::path(get, path = "/api/gov/whitelist", tag = "gov", params(ExportQuery), security(("bearer" = [])),
    responses((status = 200, body = Whitelist), (status = 400, body = ErrorBody)))]
#[get("/whitelist")]
pub async fn get_whitelist(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let csv = match query.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => {
            return Err(ApiError::bad_request(
                "INVALID_FORMAT",
                "format is json or csv",
                Some("format"),
            ));
        }
    };
    let (district, now) = (principal.org_id, state.clock.now());
    let params = valuation_params();
    let list = db_call(&state, move |conn| {
        whitelist::list(conn, district, &params, now)
    })
    .await?;
    Ok(if csv {
        HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                "Content-Disposition",
                format!("attachment; filename=\"whitelist-{}.csv\"", list.as_of),
            ))
            .body(whitelist::to_csv(&list))
    } else {
        HttpResponse::Ok().json(list)
    })
}

/// The whitelist criteria in force.
#[utoipa::path(get, path = "/api/gov/whitelist/criteria", tag = "gov", security(("bearer" = [])),
    responses((status = 200, body = CriteriaView)))]
#[get("/whitelist/criteria")]
pub async fn get_criteria(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let district = principal.org_id;
    Ok(HttpResponse::Ok()
        .json(db_call(&state, move |conn| whitelist::criteria(conn, district)).await?))
}

/// Publish new whitelist criteria (a new version, effective today).
#[utoipa::path(put, path = "/api/gov/whitelist/criteria", tag = "gov", request_body = Criteria, security(("bearer" = [])),
    responses((status = 200, body = CriteriaView), (status = 400, body = ErrorBody)))]
#[put("/whitelist/criteria")]
pub async fn put_criteria(
    state: web::Data<AppState>,
    principal: Principal,
    rid: RequestId,
    body: web::Json<Criteria>,
) -> Result<HttpResponse, ApiError> {
    let (now, body) = (state.clock.now(), body.into_inner());
    Ok(HttpResponse::Ok().json(
        db_call(&state, move |conn| {
            whitelist::publish(conn, &principal, body, now, &rid.0)
        })
        .await?,
    ))
}
