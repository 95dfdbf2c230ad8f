//! HTTP handlers. The audiences are folders (`enterprise/`, `bank/`, `gov/`, `admin/`), one file
//! per resource; they never import one another. What they share lives beside them: the request
//! context [`Ctx`], file uploads, the proposal bodies. Every route is registered once, in
//! [`api`], and the app and the OpenAPI document are both built from that registration.

pub mod admin;
pub mod auth;
pub mod bank;
pub mod dashboards;
pub mod docs;
pub mod enterprise;
pub mod gov;
pub mod health;
pub mod proposals;
pub mod upload;

use std::future::Future;
use std::pin::Pin;

use actix_web::middleware::from_fn;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Principal;
use crate::auth::guard::{self, require_roles};
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::idempotency::idempotent;
use crate::state::{AppState, RequestId, db_call};

/// Every route of the service: the probes and documentation, sign-in, and each role's scope
/// behind its guard.
pub fn api(cfg: &mut ServiceConfig) {
    cfg.service(auth::login)
        .service(auth::refresh)
        .service(auth::logout)
        .service(auth::me)
        .service(auth::sign_in_attempts)
        .service(auth::change_password)
        .service(
            scope::scope("/api/enterprise")
                .wrap(from_fn(idempotent))
                .wrap(from_fn(|r, n| require_roles(guard::ENTERPRISE, r, n)))
                .configure(enterprise::routes),
        )
        .service(
            scope::scope("/api/bank")
                .wrap(from_fn(idempotent))
                .wrap(from_fn(|r, n| require_roles(guard::BANK, r, n)))
                .configure(bank::routes),
        )
        .service(
            scope::scope("/api/gov")
                .wrap(from_fn(idempotent))
                .wrap(from_fn(|r, n| require_roles(guard::GOV, r, n)))
                .configure(gov::routes),
        )
        .service(
            scope::scope("/api/admin")
                .wrap(from_fn(idempotent))
                .wrap(from_fn(|r, n| require_roles(guard::ADMIN, r, n)))
                .configure(admin::routes),
        )
        .service(health::healthz)
        .service(health::readyz)
        .service(health::metrics)
        // The document and Swagger UI: pages about the API, not operations of it.
        .map(|app| {
            app.service(docs::openapi_json)
                .service(docs::docs_page)
                .service(docs::docs_init)
                .service(docs::docs_css)
                .service(docs::docs_bundle)
        });
}

/// Who acts, when, in which request: what a service needs besides its arguments.
pub struct Call {
    pub principal: Principal,
    pub now: NaiveDateTime,
    pub request_id: String,
}

impl Call {
    /// The caller's organisation.
    pub fn org(&self) -> i64 {
        self.principal.org_id
    }

    /// Today in China (legal dates).
    pub fn today(&self) -> NaiveDate {
        crate::clock::china_today(self.now)
    }
}

/// The request context a handler takes: the principal, the clock's now and the request id, with
/// the state to reach the database. A handler is then one line into a service.
pub struct Ctx {
    state: web::Data<AppState>,
    call: Call,
}

impl Ctx {
    /// The service's settings.
    pub fn settings(&self) -> &crate::config::Settings {
        &self.state.settings
    }

    /// Runs `f` with a pooled connection off the async workers.
    pub async fn run<T, F>(self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection, &Call) -> Result<T, ApiError> + Send + 'static,
    {
        let call = self.call;
        db_call(&self.state, move |conn| f(conn, &call)).await
    }

    /// `run`, answered 200 with the result as JSON.
    pub async fn json<T, F>(self, f: F) -> Result<HttpResponse, ApiError>
    where
        T: Serialize + Send + 'static,
        F: FnOnce(&mut DbConnection, &Call) -> Result<T, ApiError> + Send + 'static,
    {
        Ok(HttpResponse::Ok().json(self.run(f).await?))
    }

    /// `run`, answered 201 with what was created as JSON.
    pub async fn created<T, F>(self, f: F) -> Result<HttpResponse, ApiError>
    where
        T: Serialize + Send + 'static,
        F: FnOnce(&mut DbConnection, &Call) -> Result<T, ApiError> + Send + 'static,
    {
        Ok(HttpResponse::Created().json(self.run(f).await?))
    }

    /// `run`, answered 204 without a body.
    pub async fn no_content<F>(self, f: F) -> Result<HttpResponse, ApiError>
    where
        F: FnOnce(&mut DbConnection, &Call) -> Result<(), ApiError> + Send + 'static,
    {
        self.run(f).await?;
        Ok(HttpResponse::NoContent().finish())
    }

    /// What the service will get, for a check made before a connection is taken.
    pub fn call(&self) -> &Call {
        &self.call
    }
}

impl FromRequest for Ctx {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let principal = Principal::from_request(req, payload);
        let request_id = RequestId::extract(req).into_inner();
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Internal("no app state".into()))?;
            let principal = principal.await?;
            let request_id = request_id.map(|r| r.0).unwrap_or_else(|_| "-".into());
            let now = state.clock.now();
            Ok(Ctx {
                state,
                call: Call {
                    principal,
                    now,
                    request_id,
                },
            })
        })
    }
}

/// The client's address: the connection's peer, or, when the peer is one of the configured
/// trusted proxies (`ZHIRONG_TRUSTED_PROXIES`), the right-most address in `X-Forwarded-For` that
/// is not itself a trusted proxy (what the last trusted hop saw). Entries left of it were written
/// by the client and are never believed. Without trusted proxies the header is ignored.
pub fn client_ip(req: &HttpRequest) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return "unknown".into();
    };
    let trusted = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.settings.trusted_proxies.as_slice())
        .unwrap_or_default();
    forwarded_client(peer, trusted, req.headers().get_all("x-forwarded-for")).to_string()
}

fn forwarded_client<'a>(
    peer: std::net::IpAddr,
    trusted: &[crate::config::IpBlock],
    headers: impl Iterator<Item = &'a actix_web::http::header::HeaderValue>,
) -> std::net::IpAddr {
    let is_trusted = |ip: std::net::IpAddr| trusted.iter().any(|b| b.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    // Several X-Forwarded-For headers are one list, in order.
    let hops: Vec<String> = headers
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(','))
        .map(|s| s.trim().to_string())
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Ok(ip) = hop.parse::<std::net::IpAddr>() else {
            // Not an address: what the last trusted hop saw is all we know.
            break;
        };
        client = ip;
        if !is_trusted(ip) {
            break;
        }
    }
    client
}

#[cfg(test)]
mod client_ip_tests {
    use super::forwarded_client;
    use crate::config::IpBlock;
    use actix_web::http::header::HeaderValue;

    fn resolve(peer: &str, trusted: &[&str], xff: &[&str]) -> String {
        let trusted: Vec<IpBlock> = trusted.iter().filter_map(|t| IpBlock::parse(t)).collect();
        let values: Vec<HeaderValue> = xff
            .iter()
            .filter_map(|v| HeaderValue::from_str(v).ok())
            .collect();
        let peer = peer
            .parse()
            .unwrap_or(std::net::Ipv4Addr::UNSPECIFIED.into());
        forwarded_client(peer, &trusted, values.iter()).to_string()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        // No trusted proxy: the header is ignored.
        assert_eq!(resolve("192.0.2.1", &[], &["203.0.113.9"]), "192.0.2.1");
        // The peer is not trusted.
        assert_eq!(
            resolve("192.0.2.1", &["10.0.0.0/8"], &["203.0.113.9"]),
            "192.0.2.1"
        );
        // Trusted: the right-most untrusted entry, whatever the client wrote left of it.
        assert_eq!(
            resolve("10.0.0.5", &["10.0.0.0/8"], &["1.1.1.1, 203.0.113.9"]),
            "203.0.113.9"
        );
        // A chain of trusted proxies is walked through.
        assert_eq!(
            resolve(
                "10.0.0.5",
                &["10.0.0.0/8"],
                &["1.1.1.1", "203.0.113.9, 10.0.0.7"]
            ),
            "203.0.113.9"
        );
        // No header: the proxy itself.
        assert_eq!(resolve("10.0.0.5", &["10.0.0.0/8"], &[]), "10.0.0.5");
        // Garbage written by the last trusted hop's client: what that hop saw.
        assert_eq!(
            resolve("10.0.0.5", &["10.0.0.0/8"], &["not-an-address"]),
            "10.0.0.5"
        );
    }
}
