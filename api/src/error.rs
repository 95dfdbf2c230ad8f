//! One mapping from domain, database and engine failures to HTTP: a status, a stable code, a
//! message, and the field at fault where there is one. Users' faults are 4xx; ours are 5xx and
//! their details go to the log (once, here), never to the client.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    BadRequest {
        code: &'static str,
        message: String,
        field: Option<String>,
    },
    #[error("not found")]
    NotFound,
    /// No credentials, or credentials that do not hold (always the same message).
    #[error("{message}")]
    Unauthorized { code: &'static str, message: String },
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String },
    /// A refusal with its particulars: every bad row of an upload, every failed ground of a
    /// readiness check. `status` is a 4xx.
    #[error("{message}")]
    Detailed {
        status: StatusCode,
        code: &'static str,
        message: String,
        field: Option<String>,
        details: serde_json::Value,
    },
    #[error("too many attempts; try again in {retry_after_secs} s")]
    TooManyRequests { retry_after_secs: i64 },
    #[error("{0}")]
    Unavailable(String),
    /// The database or its storage cannot take the request now (connection lost, read-only,
    /// disk full): 503 with the fault's code; the operator reads the cause in the log.
    #[error("{}", .0.message())]
    Storage(crate::db::StorageFault),
    #[error("internal error")]
    Internal(String),
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable, machine-readable: clients switch on it.
    pub code: String,
    pub message: String,
    /// The request field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The particulars of a refusal that has several (rows of an upload, readiness grounds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

impl ApiError {
    pub fn bad_request(
        code: &'static str,
        message: impl Into<String>,
        field: Option<&str>,
    ) -> Self {
        Self::BadRequest {
            code,
            message: message.into(),
            field: field.map(str::to_string),
        }
    }

    pub fn unauthorized() -> Self {
        Self::Unauthorized {
            code: "UNAUTHORIZED",
            message: "a valid access token is required".into(),
        }
    }

    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::Forbidden {
            code,
            message: message.into(),
        }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { code, .. } => code,
            Self::NotFound => "NOT_FOUND",
            Self::Unauthorized { code, .. }
            | Self::Forbidden { code, .. }
            | Self::Conflict { code, .. }
            | Self::Unprocessable { code, .. } => code,
            Self::Detailed { code, .. } => code,
            Self::TooManyRequests { .. } => "TOO_MANY_ATTEMPTS",
            Self::Unavailable(_) => "UNAVAILABLE",
            Self::Storage(fault) => fault.code(),
            Self::Internal(_) => "INTERNAL",
        }
    }
}

/// The JSON error document every failure uses.
pub fn error_response(
    status: StatusCode,
    code: &str,
    message: &str,
    field: Option<String>,
) -> HttpResponse {
    HttpResponse::build(status).json(ErrorBody {
        error: ErrorDetail {
            code: code.to_string(),
            message: message.to_string(),
            field,
            details: None,
        },
    })
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Detailed { status, .. } => *status,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) | Self::Storage(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::BadRequest {
                code,
                message,
                field,
            } => error_response(self.status_code(), code, message, field.clone()),
            Self::NotFound => error_response(self.status_code(), self.code(), "not found", None),
            Self::Unauthorized { code, message }
            | Self::Forbidden { code, message }
            | Self::Conflict { code, message }
            | Self::Unprocessable { code, message } => {
                error_response(self.status_code(), code, message, None)
            }
            Self::Detailed {
                status,
                code,
                message,
                field,
                details,
            } => HttpResponse::build(*status).json(ErrorBody {
                error: ErrorDetail {
                    code: code.to_string(),
                    message: message.clone(),
                    field: field.clone(),
                    details: Some(details.clone()),
                },
            }),
            Self::TooManyRequests { retry_after_secs } => {
                let mut res =
                    error_response(self.status_code(), self.code(), &self.to_string(), None);
                if let Ok(v) =
                    actix_web::http::header::HeaderValue::from_str(&retry_after_secs.to_string())
                {
                    res.headers_mut()
                        .insert(actix_web::http::header::RETRY_AFTER, v);
                }
                res
            }
            Self::Unavailable(_) | Self::Storage(_) => {
                // The cause (which can name the database's host, port, user and name) goes to
                // the log; the answer, unauthenticated on /readyz, says only what it is.
                let message = match self {
                    Self::Unavailable(detail) => {
                        tracing::warn!(detail = %detail, "service unavailable");
                        "the service cannot reach its database now; try again shortly (the request id identifies the cause in the log)".to_string()
                    }
                    _ => self.to_string(),
                };
                let mut res = error_response(self.status_code(), self.code(), &message, None);
                res.headers_mut().insert(
                    actix_web::http::header::RETRY_AFTER,
                    actix_web::http::header::HeaderValue::from_static("5"),
                );
                res
            }
            Self::Internal(detail) => {
                tracing::error!(detail = %detail, "internal error");
                error_response(
                    self.status_code(),
                    self.code(),
                    "internal error; the request id identifies it in the log",
                    None,
                )
            }
        }
    }
}

impl From<crate::db::DbError> for ApiError {
    fn from(e: crate::db::DbError) -> Self {
        use crate::db::{DbError, StorageFault};
        match e {
            DbError::Query(diesel::result::Error::NotFound) => Self::NotFound,
            DbError::Query(e) => match StorageFault::of(&e) {
                Some(fault) => {
                    tracing::error!(code = fault.code(), detail = %e, "database fault");
                    Self::Storage(fault)
                }
                None => Self::Internal(DbError::Query(e).to_string()),
            },
            DbError::Connect(m) => Self::Unavailable(format!("database unavailable: {m}")),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        crate::db::DbError::Query(e).into()
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        Self::Internal(format!("blocking task failed: {e}"))
    }
}

/// A 400 naming the field at fault (the short form every service uses).
pub fn bad(code: &'static str, message: impl Into<String>, field: &str) -> ApiError {
    ApiError::bad_request(code, message, Some(field))
}

/// The engine's failures, mapped once: what the caller's data or request caused is a 4xx naming
/// the field; what the platform's own data or the machine caused is a 500 (logged, not shown).
impl From<zhirong_engine::EngineError> for ApiError {
    fn from(e: zhirong_engine::EngineError) -> Self {
        use zhirong_engine::EngineError as E;
        match e {
            E::BadInput(_) => ApiError::bad_request("INVALID_INPUT", e.to_string(), None),
            E::PatentRejected { .. } => ApiError::Unprocessable {
                code: "PATENT_NOT_VALUABLE",
                message: e.to_string(),
            },
            E::Io { .. }
            | E::Polars { .. }
            | E::UnsupportedFormat { .. }
            | E::Params { .. }
            | E::PatentXml { .. }
            | E::PatentNotFound { .. } => ApiError::Internal(format!("engine: {e}")),
        }
    }
}

impl From<zhirong_engine::scorecard::ScorecardError> for ApiError {
    fn from(e: zhirong_engine::scorecard::ScorecardError) -> Self {
        use zhirong_engine::scorecard::ScorecardError as E;
        match e {
            E::Io { .. } | E::Polars { .. } => ApiError::Internal(format!("scorecard: {e}")),
            E::ModelJson(_) | E::ModelVersion { .. } | E::Invalid(_) | E::BreaksJson(_) => {
                ApiError::bad_request("INVALID_SCORECARD", e.to_string(), Some("file"))
            }
            _ => ApiError::bad_request("INVALID_TRAINING_DATA", e.to_string(), Some("file")),
        }
    }
}

impl From<zhirong_engine::pool::PoolError> for ApiError {
    fn from(e: zhirong_engine::pool::PoolError) -> Self {
        use zhirong_engine::pool::PoolError as E;
        match &e {
            E::Setting { field, .. } => {
                ApiError::bad_request("INVALID_SETTING", e.to_string(), Some(field))
            }
            E::RuleField { field, .. } => {
                ApiError::bad_request("INVALID_RULE", e.to_string(), Some(field))
            }
            E::Stress(_) => ApiError::bad_request("INVALID_STRESS", e.to_string(), Some("stress")),
            _ => ApiError::Internal(format!("pool: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::ResponseError;
    use zhirong_engine::pool::PoolError;
    use zhirong_engine::scorecard::ScorecardError;

    use super::*;

    #[test]
    fn an_engine_refusal_of_the_callers_input_is_a_4xx_naming_the_field_and_a_machine_fault_a_500()
    {
        let setting: ApiError = PoolError::Setting {
            field: "rho",
            reason: "must be in [0, 1)".into(),
        }
        .into();
        assert_eq!(setting.status_code(), StatusCode::BAD_REQUEST);
        assert_eq!(setting.code(), "INVALID_SETTING");
        assert!(matches!(&setting, ApiError::BadRequest { field: Some(f), .. } if f == "rho"));

        let data: ApiError = ScorecardError::TargetMissing("default".into()).into();
        assert_eq!(data.code(), "INVALID_TRAINING_DATA");
        let broken: ApiError = ScorecardError::Polars {
            context: "fit".into(),
            message: "out of memory".into(),
        }
        .into();
        assert_eq!(broken.status_code(), StatusCode::INTERNAL_SERVER_ERROR);

        let io: ApiError = zhirong_engine::EngineError::UnsupportedFormat {
            path: "x.txt".into(),
        }
        .into();
        assert_eq!(io.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
