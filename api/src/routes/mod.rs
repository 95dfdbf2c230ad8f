//! HTTP handlers, one file per resource. A handler extracts, calls one service through
//! [`db_call`] (off the async workers, with a pooled connection) and maps the result.

pub mod admin;
pub mod auth;
pub mod bank;
pub mod dashboards;
pub mod docs;
pub mod enterprise;
pub mod gov;
pub mod health;
pub mod organisation;
pub mod proposals;

use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use crate::db::DbConnection;
use crate::error::ApiError;
use crate::startup::{AppState, RequestId};

/// Runs `f` with a pooled connection on the blocking thread pool.
pub async fn db_call<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
{
    let pool = state.pool.clone();
    web::block(move || {
        let mut conn = pool
            .get()
            .map_err(|e| ApiError::Unavailable(format!("database unavailable: {e}")))?;
        f(&mut conn)
    })
    .await?
}

impl FromRequest for RequestId {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let id = req
            .extensions()
            .get::<RequestId>()
            .cloned()
            .unwrap_or_else(|| RequestId("-".into()));
        std::future::ready(Ok(id))
    }
}

/// The client's address as the connection shows it (a deployment behind a proxy sets the
/// proxy to pass the real address through PROXY protocol or terminates TLS on this host).
pub fn client_ip(req: &HttpRequest) -> String {
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}
