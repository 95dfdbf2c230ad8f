//! Builds the application: shared state, middleware, routes; binds and returns the server.
//! Tests bind port 0 and read the port back.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Instant;

use actix_web::dev::{Server, Service};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::DefaultHeaders;
use actix_web::{App, HttpMessage, HttpResponse, HttpServer, web};
use tracing::Instrument;

use crate::config::Settings;
use crate::db::Pool;
use crate::error::error_response;
use crate::routes;

/// What every handler can reach.
pub struct AppState {
    pub pool: Pool,
    pub settings: Arc<Settings>,
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
    let state = web::Data::new(AppState {
        pool,
        settings: settings.clone(),
    });
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
            .app_data(web::PathConfig::default().error_handler(|err, _req| {
                let message = err.to_string();
                actix_web::error::InternalError::from_response(
                    err,
                    error_response(StatusCode::NOT_FOUND, "NOT_FOUND", &message, None),
                )
                .into()
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
                    .add((header::X_FRAME_OPTIONS, "DENY")),
            )
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
            .service(routes::health::healthz)
            .service(routes::health::readyz)
            .service(routes::docs::openapi_json)
            .service(routes::docs::docs_page)
            .service(routes::docs::docs_init)
            .service(routes::docs::docs_css)
            .service(routes::docs::docs_bundle)
            .route("/", web::get().to(landing))
            .default_service(web::to(not_found))
    })
    .workers(settings.workers)
    .shutdown_timeout(10)
    .listen(listener)?
    .run();
    Ok(server)
}

async fn not_found() -> HttpResponse {
    error_response(StatusCode::NOT_FOUND, "NOT_FOUND", "no such route", None)
}

/// Until the dashboards land, `/` says what is here.
async fn landing() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(LANDING)
}

const LANDING: &str = r#"<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>智融 Zhirong</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>智融 Zhirong</h1>
<p>知识产权质押融资风险平台 — IP-pledge financing risk platform.</p>
<ul>
<li><a href="/api/docs">API documentation (Swagger UI)</a></li>
<li><a href="/readyz">Readiness</a></li>
</ul>
</body></html>
"#;
