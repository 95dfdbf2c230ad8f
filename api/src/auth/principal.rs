//! Who is calling: the typed principal every protected handler takes, built once per request
//! from the bearer token and the user's current row (so a disabled user, a logged-out session
//! or a changed role stops working at the next request).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use diesel::prelude::*;

use super::Role;
use super::jwt;
use crate::db::schema::{refresh_tokens, users};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    pub org_id: i64,
    /// The session (refresh-token family) the access token belongs to.
    pub session: String,
}

impl Principal {
    pub fn actor(&self) -> crate::db::audit::Actor {
        crate::db::audit::Actor {
            user_id: Some(self.user_id),
            username: self.username.clone(),
            role: self.role.as_str().to_string(),
            org_id: Some(self.org_id),
        }
    }

    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ApiError::forbidden(
                "ROLE_NOT_ALLOWED",
                format!("a {} may not do this", self.role),
            ))
        }
    }
}

/// What a request needs to know of its user now: username, role, organisation, disabled,
/// whether the token's session is dead (never made, logged out or revoked), and whether a reset
/// password must be changed first.
type UserState = (String, String, i64, bool, bool, bool);

/// The calls open to a user whose password was reset: changing it, and signing out.
const OPEN_BEFORE_CHANGE: [&str; 2] = ["/api/auth/password", "/api/auth/logout"];

/// The token of an `Authorization: Bearer <token>` header (public for the fuzz targets).
pub fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

/// Verifies the token and the user behind it. Every refusal is the same 401 to the caller; the
/// reason goes to the log (without the token).
pub async fn authenticate(req: &HttpRequest) -> Result<Principal, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::Internal("no app state".into()))?;
    let Some(token) = bearer(req) else {
        return Err(ApiError::unauthorized());
    };
    let now = state.clock.now();
    let claims = match jwt::verify(&state.jwt, &token, now) {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(path = %req.path(), reason = %e, "refused token");
            return Err(ApiError::unauthorized());
        }
    };
    let user_id: i64 = claims.sub.parse().map_err(|_| ApiError::unauthorized())?;
    let pool = state.pool.clone();
    let sid = claims.sid.clone();
    let found = web::block(move || -> Result<Option<UserState>, ApiError> {
        let mut conn = pool
            .get()
            .map_err(|e| ApiError::Unavailable(format!("database unavailable: {e}")))?;
        let user = users::table
            .find(user_id)
            .select((
                users::username,
                users::role,
                users::org_id,
                users::disabled,
                users::must_change_password,
            ))
            .first::<(String, String, i64, bool, bool)>(&mut conn)
            .optional()?;
        // The session is live when its login made a row (a token naming an invented session
        // finds none) and no row of it was revoked (logout, reuse of a refresh token).
        let revoked: Vec<Option<chrono::NaiveDateTime>> = refresh_tokens::table
            .filter(refresh_tokens::family.eq(&sid))
            .filter(refresh_tokens::user_id.eq(user_id))
            .select(refresh_tokens::revoked_at)
            .load(&mut conn)?;
        let dead = revoked.is_empty() || revoked.iter().any(Option::is_some);
        Ok(user.map(|(u, r, o, d, m)| (u, r, o, d, dead, m)))
    })
    .await??;
    let reason = match &found {
        None => Some("user no longer exists"),
        Some((_, _, _, true, _, _)) => Some("user is disabled"),
        Some((_, _, _, _, true, _)) => Some("no live session: never made, logged out or revoked"),
        Some((_, role, org, _, _, _)) if *role != claims.role || *org != claims.org => {
            Some("role or organisation changed")
        }
        Some(_) => None,
    };
    if let Some(reason) = reason {
        tracing::warn!(user_id, path = %req.path(), reason, "refused token");
        return Err(ApiError::unauthorized());
    }
    let Some((username, role, org_id, _, _, must_change)) = found else {
        return Err(ApiError::unauthorized());
    };
    if must_change && !OPEN_BEFORE_CHANGE.contains(&req.path()) {
        return Err(ApiError::forbidden(
            "PASSWORD_CHANGE_REQUIRED",
            "the password was reset: set a new one (POST /api/auth/password) first",
        ));
    }
    let role = Role::parse(&role).ok_or_else(ApiError::unauthorized)?;
    Ok(Principal {
        user_id,
        username,
        role,
        org_id,
        session: claims.sid,
    })
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        // The role guard of a scope has already authenticated; elsewhere, do it here.
        if let Some(p) = req.extensions().get::<Principal>() {
            let p = p.clone();
            return Box::pin(async move { Ok(p) });
        }
        let req = req.clone();
        Box::pin(async move { authenticate(&req).await })
    }
}
