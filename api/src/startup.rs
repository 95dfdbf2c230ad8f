//! Builds the application: shared state, middleware, routes; binds and returns the server.
//! Tests bind port 0 and read the port back.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Instant;

use actix_web::dev::{Server, Service};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::DefaultHeaders;
use actix_web::{App, HttpMessage, HttpServer, web};
use tracing::Instrument;
use utoipa_actix_web::AppExt;

use crate::auth::jwt::JwtKeys;
use crate::clock::{Clock, SystemClock};
use crate::config::Settings;
use crate::db::Pool;
use crate::error::error_response;
use crate::routes;
use crate::state::{AppState, MAX_JSON_BYTES, RequestId};

/// Starts serving on `listener`. The server stops gracefully on SIGINT/SIGTERM: it stops
/// accepting, lets requests in flight finish (up to 10 s), then exits.
pub fn run(listener: TcpListener, settings: Arc<Settings>, pool: Pool) -> std::io::Result<Server> {
    run_with_clock(listener, settings, pool, Arc::new(SystemClock))
}

/// Content-Security-Policy: our own scripts and styles only (Swagger UI sets inline styles).
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
                   connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The same, with the clock given (tests move a manual clock instead of sleeping).
pub fn run_with_clock(
    listener: TcpListener,
    settings: Arc<Settings>,
    pool: Pool,
    clock: Arc<dyn Clock>,
) -> std::io::Result<Server> {
    let secret = settings.jwt_secret.clone().ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, "no JWT secret configured")
    })?;
    let jwt = Arc::new(JwtKeys::new(&secret));
    let state = web::Data::new(AppState {
        pool,
        settings: settings.clone(),
        clock,
        jwt,
        runs: Arc::new(tokio::sync::Semaphore::new(
            settings.max_concurrent_runs.max(1),
        )),
    });
    crate::scheduler::spawn(
        state.pool.clone(),
        state.clock.clone(),
        settings.monitor_interval_secs,
    );
    crate::scheduler::spawn_feeds(
        state.pool.clone(),
        state.clock.clone(),
        state.settings.feeds_allow_private,
    );
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(web::JsonConfig::default().limit(MAX_JSON_BYTES).error_handler(|err, _req| {
                let message = err.to_string();
                actix_web::error::InternalError::from_response(
                    err,
                    error_response(StatusCode::BAD_REQUEST, "BAD_JSON", &message, None),
                )
                .into()
            }))
            .app_data(web::PathConfig::default().error_handler(|err, req| {
                let message = err.to_string();
                // `PUT /patents/import` reached `PUT /patents/{id}`: the path is a route of its own.
                let res = routes::docs::wrong_method(req.path(), true).unwrap_or_else(|| {
                    error_response(StatusCode::NOT_FOUND, "NOT_FOUND", &message, None)
                });
                actix_web::error::InternalError::from_response(err, res).into()
            }))
            .app_data(web::QueryConfig::default().error_handler(|err, _req| {
                let message = err.to_string();
                actix_web::error::InternalError::from_response(
                    err,
                    error_response(StatusCode::BAD_REQUEST, "BAD_QUERY", &message, None),
                )
                .into()
            }))
            .wrap(
                DefaultHeaders::new()
                    .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
                    .add((header::REFERRER_POLICY, "no-referrer"))
                    .add((header::X_FRAME_OPTIONS, "DENY"))
                    .add((header::CONTENT_SECURITY_POLICY, CSP))
                    .add(("Cross-Origin-Opener-Policy", "same-origin"))
                    .add(("Permissions-Policy", "camera=(), microphone=(), geolocation=()")),
            )
            .wrap(actix_web::middleware::from_fn(hsts))
            .wrap_fn(|req, srv| {
                let request_id = RequestId::from_header(req.headers().get("x-request-id")).0;
                req.extensions_mut().insert(RequestId(request_id.clone()));
                // Path only: query strings may carry things that do not belong in logs.
                let span = tracing::info_span!("request", request_id = %request_id, method = %req.method(), path = %req.path());
                let started = Instant::now();
                let fut = srv.call(req);
                async move {
                    let mut res = fut.instrument(span.clone()).await?;
                    if let Ok(v) = HeaderValue::from_str(&request_id) {
                        res.headers_mut().insert(header::HeaderName::from_static("x-request-id"), v);
                    }
                    span.in_scope(|| {
                        tracing::info!(status = res.status().as_u16(), elapsed_ms = started.elapsed().as_millis() as u64, "served")
                    });
                    Ok(res)
                }
            })
            .into_utoipa_app()
            .configure(routes::api)
            .into_app()
            .default_service(web::to(routes::dashboards::serve))
    })
    .workers(settings.workers)
    .shutdown_timeout(10)
    .listen(listener)?
    .run();
    Ok(server)
}

/// HSTS only when the request came over TLS (directly or as the proxy says): over plain HTTP
/// the header would be meaningless.
async fn hsts(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let tls = req.connection_info().scheme() == "https";
    let mut res = next.call(req).await?;
    if tls {
        res.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    Ok(res)
}
