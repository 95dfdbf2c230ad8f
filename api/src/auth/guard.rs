//! The role guard of each `/api/<role>` scope: authenticates, checks the role, and leaves the
//! principal in the request for the handler. Refusals are logged (not in the audit chain).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};

use super::Role;
use super::principal::authenticate;
use crate::error::ApiError;

pub async fn require_roles(
    roles: &'static [Role],
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let principal = authenticate(req.request()).await?;
    if !roles.contains(&principal.role) {
        tracing::warn!(user_id = principal.user_id, role = %principal.role, path = %req.path(), "access refused: role");
        return Err(ApiError::forbidden(
            "ROLE_NOT_ALLOWED",
            format!("a {} may not use {}", principal.role, req.path()),
        )
        .into());
    }
    req.extensions_mut().insert(principal);
    next.call(req).await
}

pub const ENTERPRISE: &[Role] = &[Role::EnterpriseUser];
pub const BANK: &[Role] = &[Role::BankOfficer, Role::BankManager];
pub const GOV: &[Role] = &[Role::GovOfficer, Role::GovManager];
pub const ADMIN: &[Role] = &[Role::Admin];

/// The roles the guard lets through to `path` (a route of the OpenAPI document), or None when
/// the path is not under a role's scope.
pub fn roles_of_path(path: &str) -> Option<&'static [Role]> {
    [
        ("/api/enterprise/", ENTERPRISE),
        ("/api/bank/", BANK),
        ("/api/gov/", GOV),
        ("/api/admin/", ADMIN),
    ]
    .into_iter()
    .find(|(prefix, _)| path.starts_with(prefix))
    .map(|(_, roles)| roles)
}
