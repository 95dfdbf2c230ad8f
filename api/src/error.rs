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
    #[error("{0}")]
    Unavailable(String),
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

    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { code, .. } => code,
            Self::NotFound => "NOT_FOUND",
            Self::Unavailable(_) => "UNAVAILABLE",
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
        },
    })
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
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
            Self::Unavailable(m) => error_response(self.status_code(), self.code(), m, None),
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
        match e {
            crate::db::DbError::Query(diesel::result::Error::NotFound) => Self::NotFound,
            crate::db::DbError::Connect(m) => {
                Self::Unavailable(format!("database unavailable: {m}"))
            }
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
