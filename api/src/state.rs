//! What every request can reach: the shared state (database pool, settings, clock, token keys),
//! the request's id, and [`db_call`], the one way a handler reaches the database (off the async
//! workers, with a pooled connection).

use std::sync::Arc;

use actix_web::http::header::HeaderValue;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use crate::auth::jwt::JwtKeys;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::{DbConnection, Pool};
use crate::error::ApiError;

/// What every handler can reach.
pub struct AppState {
    pub pool: Pool,
    pub settings: Arc<Settings>,
    pub clock: Arc<dyn Clock>,
    pub jwt: Arc<JwtKeys>,
    /// Heavy runs at once (pool simulations, monitoring and servicing runs), at most
    /// `max_concurrent_runs`: a permit is taken for the length of the run.
    pub runs: Arc<tokio::sync::Semaphore>,
}

/// How long a caller turned away by the cap is told to wait.
pub const BUSY_RETRY_AFTER_SECS: i64 = 5;

impl AppState {
    /// A permit for one heavy run, or 429 with a Retry-After when the cap is reached.
    pub fn run_permit(&self) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
        self.runs
            .clone()
            .try_acquire_owned()
            .map_err(|_| ApiError::TooManyRequests {
                retry_after_secs: BUSY_RETRY_AFTER_SECS,
            })
    }
}

/// The request's id: the caller's `X-Request-Id` when it is short and plain, else a new UUID.
/// It is in every log line of the request and in the response header.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

impl RequestId {
    pub fn from_header(value: Option<&HeaderValue>) -> Self {
        RequestId(
            value
                .and_then(|v| v.to_str().ok())
                .filter(|v| {
                    !v.is_empty()
                        && v.len() <= 64
                        && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                })
                .map(str::to_string)
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        )
    }
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

/// The largest JSON body a request may carry.
pub const MAX_JSON_BYTES: usize = 256 * 1024;
