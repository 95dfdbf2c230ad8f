//! Pool stress tests: Monte Carlo depletion runs started, listed and read.

use actix_web::{HttpResponse, get, post, web};

use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::services::pools::simulations::{self, SimulationRequest, SimulationView};
use crate::state::db_call;
use crate::state::{AppState, RequestId};

/// Start a depletion simulation (and optional stress scenario) of the pool's live covered loans;
/// it runs in the background: follow it under `/simulations/{sim_id}`.
#[utoipa::path(tag = "gov", params(("id" = i64, Path)), request_body = SimulationRequest, security(("bearer" = [])),
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
#[utoipa::path(tag = "gov", params(("id" = i64, Path)), security(("bearer" = [])),
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
#[utoipa::path(tag = "gov", params(("id" = i64, Path), ("sim_id" = i64, Path)), security(("bearer" = [])),
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
