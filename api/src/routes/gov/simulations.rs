//! Pool stress tests: Monte Carlo depletion runs started, listed and read.

use actix_web::{HttpResponse, get, post, web};

use crate::error::{ApiError, ErrorBody};
use crate::routes::Ctx;
use crate::services::pools::simulations::{self, SimulationRequest, SimulationView};
use crate::state::AppState;

/// Start a depletion simulation (and optional stress scenario) of the pool's live covered loans;
/// it runs in the background: follow it under `/simulations/{sim_id}`.
#[utoipa::path(tag = "gov", params(("id" = i64, Path)), request_body = SimulationRequest, security(("bearer" = [])),
    responses((status = 202, body = SimulationView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 429, body = ErrorBody)))]
#[post("/pools/{id}/simulations")]
pub async fn start_simulation(
    ctx: Ctx,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<SimulationRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    // Taken before the simulation is queued: one turned away leaves nothing behind.
    let permit = state.run_permit()?;
    let (view, job) = ctx
        .run(move |conn, c| simulations::queue(conn, &c.principal, *id, body, c.now, &c.request_id))
        .await?;
    // The run outlives the request: its own thread, with the pool and the clock.
    let (db, clock) = (state.pool.clone(), state.clock.clone());
    std::thread::Builder::new()
        .name(format!("simulation-{}", job.id))
        .spawn(move || {
            simulations::run(&db, &clock, job);
            drop(permit);
        })
        .map_err(|e| ApiError::Internal(format!("simulation thread: {e}")))?;
    Ok(HttpResponse::Accepted().json(view))
}

/// The pool's simulations, newest first.
#[utoipa::path(tag = "gov", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<SimulationView>), (status = 404, body = ErrorBody)))]
#[get("/pools/{id}/simulations")]
pub async fn list_simulations(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    ctx.json(move |conn, c| simulations::list(conn, c.org(), *id))
        .await
}

/// One simulation: status, progress, and the result once done.
#[utoipa::path(tag = "gov", params(("id" = i64, Path), ("sim_id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = SimulationView), (status = 404, body = ErrorBody)))]
#[get("/pools/{id}/simulations/{sim_id}")]
pub async fn simulation(ctx: Ctx, path: web::Path<(i64, i64)>) -> Result<HttpResponse, ApiError> {
    let (id, sim) = path.into_inner();
    ctx.json(move |conn, c| simulations::get(conn, c.org(), id, sim))
        .await
}
