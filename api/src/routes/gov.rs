//! `/api/gov`: the government view (政知宝). Every handler acts for the caller's own district;
//! another district's pool, loan, claim or simulation is "not found".

use actix_web::{HttpResponse, get, post, put, web};
use serde::Deserialize;

use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::export::{self, Format};
use crate::routes::db_call;
use crate::routes::enterprise::valuation_params;
use crate::services::gov::claims::{self, ClaimDecisionRequest, ClaimDetail, ClaimQuery};
use crate::services::gov::pools::{self, CoveredLoan, PoolDetail, PoolView, RuleChange};
use crate::services::gov::reports::{self, FinancingReport, GroupBy};
use crate::services::gov::simulations::{self, SimulationRequest, SimulationView};
use crate::services::gov::whitelist::{self, Criteria, CriteriaView, Whitelist};
use crate::services::proposals::Proposal;
use crate::startup::{AppState, RequestId};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// json (default), csv or xlsx.
    pub format: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// bank (default), district, industry or month.
    pub group_by: Option<String>,
    /// json (default), csv or xlsx (Chinese headers; money in 元).
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

/// The district's enterprises meeting its whitelist criteria today (`?format=csv` or `xlsx` to
/// export).
#[utoipa::path(get, path = "/api/gov/whitelist", tag = "gov", params(ExportQuery), security(("bearer" = [])),
    responses((status = 200, body = Whitelist), (status = 400, body = ErrorBody)))]
#[get("/whitelist")]
pub async fn get_whitelist(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let format = Format::parse(query.format.as_deref())?;
    let (district, now) = (principal.org_id, state.clock.now());
    let params = valuation_params();
    let list = db_call(&state, move |conn| {
        whitelist::list(conn, district, &params, now)
    })
    .await?;
    match format {
        Format::Json => Ok(HttpResponse::Ok().json(list)),
        f => export::download(
            &whitelist::to_table(&list),
            f,
            &format!("whitelist-{}", list.as_of),
        ),
    }
}

/// The district's financing report by bank, district, industry or month: enterprises served,
/// applications and approvals, amounts lent and outstanding, average rate and term, time to
/// disbursement, collateral coverage, arrears, defaults and the bad-loan rate (by bank against
/// the bank's overall rate), ratings; as JSON, CSV or Excel.
#[utoipa::path(get, path = "/api/gov/reports/financing", tag = "gov", params(ReportQuery), security(("bearer" = [])),
    responses((status = 200, body = FinancingReport), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/reports/financing")]
pub async fn financing_report(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let group_by = GroupBy::parse(query.group_by.as_deref())?;
    let format = Format::parse(query.format.as_deref())?;
    let (district, now) = (principal.org_id, state.clock.now());
    let report = db_call(&state, move |conn| {
        reports::financing(conn, district, group_by, now)
    })
    .await?;
    match format {
        Format::Json => Ok(HttpResponse::Ok().json(report)),
        f => export::download(&reports::to_table(&report), f, &reports::file_stem(&report)),
    }
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
