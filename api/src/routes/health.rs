//! Liveness and readiness probes for the load balancer and the operator.

use std::time::Duration;

use actix_web::{HttpResponse, get, web};
use serde::Serialize;

use crate::db::migrate;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok` while the process serves requests.
    pub status: &'static str,
    pub version: &'static str,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ServiceReadiness {
    /// `ready` when the database answers and its schema is current.
    pub status: &'static str,
    /// `sqlite` or `postgres`.
    pub database: &'static str,
    /// `current` when no migration is pending.
    pub migrations: &'static str,
}

/// The process is up.
#[utoipa::path(tag = "operations", responses((status = 200, body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// The database is reachable and every migration is applied.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, body = ServiceReadiness),
        (status = 503, description = "database unreachable or migrations pending", body = crate::error::ErrorBody)
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let pool = state.pool.clone();
    let backend = state.settings.database_url.backend();
    let pending = web::block(move || -> Result<Vec<String>, ApiError> {
        let mut conn = pool
            .get_timeout(Duration::from_secs(2))
            .map_err(|e| ApiError::Unavailable(format!("database unreachable: {e}")))?;
        migrate::pending(&mut conn)
            .map_err(|e| ApiError::Unavailable(format!("database unreachable: {e}")))
    })
    .await??;
    if !pending.is_empty() {
        return Err(ApiError::Unavailable(format!(
            "migrations pending: {}",
            pending.join(", ")
        )));
    }
    Ok(HttpResponse::Ok().json(ServiceReadiness {
        status: "ready",
        database: backend,
        migrations: "current",
    }))
}

/// Background jobs in Prometheus' text format (runs, records, errors, last run and duration by
/// job). No business data: counters only.
#[utoipa::path(tag = "operations", responses((status = 200, body = String, content_type = "text/plain")))]
#[get("/metrics")]
pub async fn metrics(
    state: actix_web::web::Data<crate::state::AppState>,
) -> Result<HttpResponse, crate::error::ApiError> {
    let jobs = crate::routes::db_call(&state, crate::feeds::jobs::list).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(crate::feeds::jobs::metrics(&jobs)))
}
