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

use crate::auth::guard::{self, require_roles};
use crate::auth::jwt::JwtKeys;
use crate::clock::{Clock, SystemClock};
use crate::config::Settings;
use crate::db::Pool;
use crate::error::error_response;
use crate::idempotency::idempotent;
use crate::routes;

/// What every handler can reach.
pub struct AppState {
    pub pool: Pool,
    pub settings: Arc<Settings>,
    pub clock: Arc<dyn Clock>,
    pub jwt: Arc<JwtKeys>,
}

/// The request's id: the caller's `X-Request-Id` when it is short and plain, else a new UUID.
/// It is in every log line of the request and in the response header.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

fn request_id_from(value: Option<&HeaderValue>) -> String {
    value
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

pub const MAX_JSON_BYTES: usize = 256 * 1024;

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
    });
    crate::scheduler::spawn(
        state.pool.clone(),
        state.clock.clone(),
        settings.monitor_interval_secs,
    );
    crate::scheduler::spawn_feeds(state.pool.clone(), state.clock.clone());
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
                let request_id = request_id_from(req.headers().get("x-request-id"));
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
            .service(routes::auth::login)
            .service(routes::auth::refresh)
            .service(routes::auth::logout)
            .service(routes::auth::me)
            .service(
                web::scope("/api/enterprise")
                    .wrap(actix_web::middleware::from_fn(idempotent))
                    .wrap(actix_web::middleware::from_fn(|r, n| require_roles(guard::ENTERPRISE, r, n)))
                    .service(routes::organisation::enterprise)
                    .service(routes::enterprise::profile::get_profile)
                    .service(routes::enterprise::profile::put_profile)
                    // The template before `/patents/{id}`, which would take it for an id.
                    .service(routes::enterprise::patents::template)
                    .service(routes::enterprise::patents::list)
                    .service(routes::enterprise::patents::create)
                    .service(routes::enterprise::patents::import)
                    .service(routes::enterprise::patents::get_one)
                    .service(routes::enterprise::patents::update)
                    .service(routes::enterprise::patents::remove)
                    .service(routes::enterprise::valuations::create)
                    .service(routes::enterprise::applications::create)
                    .service(routes::enterprise::applications::list)
                    .service(routes::enterprise::applications::get_one)
                    .service(routes::enterprise::applications::readiness)
                    .service(routes::enterprise::applications::submit)
                    .service(routes::enterprise::applications::withdraw)
                    .service(routes::enterprise::financials::list)
                    .service(routes::enterprise::financials::import)
                    .service(routes::enterprise::financials::put_year)
                    .service(routes::enterprise::loans::list)
                    .service(routes::enterprise::alerts::list)
                    .service(routes::enterprise::alerts::read_all)
                    .service(routes::enterprise::alerts::read),
            )
            .service(
                web::scope("/api/bank")
                    .wrap(actix_web::middleware::from_fn(idempotent))
                    .wrap(actix_web::middleware::from_fn(|r, n| require_roles(guard::BANK, r, n)))
                    .service(routes::organisation::bank)
                    .service(routes::bank::queue)
                    .service(routes::bank::application)
                    .service(routes::bank::evaluation_report)
                    .service(routes::bank::propose_decision)
                    .service(routes::bank::register)
                    .service(routes::bank::propose_disbursement)
                    .service(routes::bank::loans)
                    .service(routes::bank::repay)
                    .service(routes::bank::open_disposal)
                    .service(routes::bank::file_claim)
                    .service(routes::bank::run_servicing)
                    .service(routes::bank::run_monitoring)
                    .service(routes::bank::alerts)
                    .service(routes::bank::acknowledge_alert)
                    .service(routes::bank::assign_alert)
                    .service(routes::bank::resolve_alert)
                    .service(routes::bank::list_disposals)
                    .service(routes::bank::disposal)
                    .service(routes::bank::add_offer)
                    .service(routes::bank::accept_offer)
                    .service(routes::bank::claims)
                    .service(routes::bank::record_recovery)
                    .service(routes::bank::list_scorecards)
                    .service(routes::bank::upload_scorecard)
                    .service(routes::bank::scorecard)
                    .service(routes::bank::activate_scorecard)
                    .service(routes::bank::list_loan_quality)
                    .service(routes::bank::declare_loan_quality)
                    .service(routes::proposals::bank::list)
                    .service(routes::proposals::bank::get)
                    .service(routes::proposals::bank::approve)
                    .service(routes::proposals::bank::send_back),
            )
            .service(
                web::scope("/api/gov")
                    .wrap(actix_web::middleware::from_fn(idempotent))
                    .wrap(actix_web::middleware::from_fn(|r, n| require_roles(guard::GOV, r, n)))
                    .service(routes::organisation::gov)
                    .service(routes::gov::list_pools)
                    .service(routes::gov::pool)
                    .service(routes::gov::pool_loans)
                    .service(routes::gov::propose_rule)
                    .service(routes::gov::start_simulation)
                    .service(routes::gov::list_simulations)
                    .service(routes::gov::simulation)
                    .service(routes::gov::list_claims)
                    .service(routes::gov::claim)
                    .service(routes::gov::propose_claim_decision)
                    .service(routes::gov::get_whitelist)
                    .service(routes::gov::get_criteria)
                    .service(routes::gov::put_criteria)
                    .service(routes::gov::financing_report)
                    .service(routes::proposals::gov::list)
                    .service(routes::proposals::gov::get)
                    .service(routes::proposals::gov::approve)
                    .service(routes::proposals::gov::send_back),
            )
            .service(
                web::scope("/api/admin")
                    .wrap(actix_web::middleware::from_fn(idempotent))
                    .wrap(actix_web::middleware::from_fn(|r, n| require_roles(guard::ADMIN, r, n)))
                    .service(routes::admin::list_organisations)
                    .service(routes::admin::create_organisation)
                    .service(routes::admin::list_users)
                    .service(routes::admin::create_user)
                    .service(routes::admin::disable_user)
                    .service(routes::admin::enable_user)
                    .service(routes::admin::reset_password)
                    .service(routes::admin::list_feeds)
                    .service(routes::admin::add_feed)
                    .service(routes::admin::feed_quarantine)
                    .service(routes::admin::jobs),
            )
            .service(routes::health::healthz)
            .service(routes::health::readyz)
            .service(routes::health::metrics)
            .service(routes::docs::openapi_json)
            .service(routes::docs::docs_page)
            .service(routes::docs::docs_init)
            .service(routes::docs::docs_css)
            .service(routes::docs::docs_bundle)
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
