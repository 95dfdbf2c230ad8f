//! Login, refresh-token rotation and logout.
//!
//! A login starts a session (a refresh-token family). Each refresh uses up its token and hands
//! out the next one in the family; presenting a used token again means it was stolen or
//! replayed, so the whole family is revoked and its access tokens stop working. Logout revokes
//! the caller's family. All of this runs inside `web::block` (argon2 is slow on purpose).
//!
//! Every attempt on a known account, failed or not, is kept with its client address (the latest
//! [`ATTEMPTS_KEPT`] per user), so the owner sees what happened since the previous sign-in; see
//! [`crate::auth::throttle`] for how failures slow an account down without locking it.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::auth::{Principal, Role, jwt, password, throttle};
use crate::db::audit::{self, Actor, Entry};
use crate::db::models::User;
use crate::db::schema::{refresh_tokens, sign_in_attempts, users};
use crate::db::{DbConnection, write_tx};
use crate::error::ApiError;

pub const REFRESH_TTL: Duration = Duration::hours(12);
/// Sign-in attempts kept per user (older ones are deleted as new ones come).
pub const ATTEMPTS_KEPT: i64 = 100;
/// Failed attempts listed to the owner.
pub const FAILURES_SHOWN: i64 = 20;

/// id, user, family, expires, used, revoked
type RefreshRow = (
    i64,
    i64,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

#[derive(Serialize, utoipa::ToSchema)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    pub token_type: &'static str,
    pub role: Role,
    pub org_id: i64,
    pub user_id: i64,
    /// The password was reset: every call but `POST /api/auth/password` (and logout) is refused
    /// with 403 `PASSWORD_CHANGE_REQUIRED` until the user sets a new one.
    pub must_change_password: bool,
}

fn invalid_credentials() -> ApiError {
    ApiError::Unauthorized {
        code: "INVALID_CREDENTIALS",
        message: "username or password is wrong".into(),
    }
}

fn invalid_refresh() -> ApiError {
    ApiError::Unauthorized {
        code: "INVALID_REFRESH_TOKEN",
        message: "the refresh token is not valid".into(),
    }
}

fn random_token() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| ApiError::Internal(format!("random source: {e}")))?;
    Ok(hex::encode(bytes))
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn user_actor(u: &User) -> Actor {
    Actor {
        user_id: Some(u.id),
        username: u.username.clone(),
        role: u.role.clone(),
        org_id: Some(u.org_id),
    }
}

/// Starts a session in `family` (new at login) and returns both tokens.
fn issue_pair(
    conn: &mut DbConnection,
    keys: &jwt::JwtKeys,
    user: &User,
    family: &str,
    now: NaiveDateTime,
) -> Result<Tokens, ApiError> {
    let refresh = random_token()?;
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::user_id.eq(user.id),
            refresh_tokens::family.eq(family),
            refresh_tokens::token_hash.eq(token_hash(&refresh)),
            refresh_tokens::issued_at.eq(now),
            refresh_tokens::expires_at.eq(now + REFRESH_TTL),
        ))
        .execute(conn)?;
    let (access, _) = jwt::issue(keys, user.id, &user.role, user.org_id, family, now)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Tokens {
        access_token: access,
        refresh_token: refresh,
        expires_in: jwt::ACCESS_TTL.num_seconds(),
        token_type: "Bearer",
        role: Role::parse(&user.role).ok_or_else(|| {
            ApiError::Internal(format!("user {} has role {}", user.id, user.role))
        })?,
        org_id: user.org_id,
        user_id: user.id,
        must_change_password: user.must_change_password,
    })
}

pub fn login(
    conn: &mut DbConnection,
    keys: &jwt::JwtKeys,
    username: &str,
    secret: &str,
    client_ip: &str,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<Tokens, ApiError> {
    let username = username.trim().to_lowercase();
    let keys_throttled = [
        throttle::account_key(&username),
        throttle::address_key(client_ip),
    ];
    if let Some(until) = throttle::locked_until(conn, &keys_throttled, now)? {
        tracing::warn!(client_ip, "login refused: throttled");
        return Err(ApiError::TooManyRequests {
            retry_after_secs: (until - now).num_seconds().max(1),
        });
    }
    let user: Option<User> = users::table
        .filter(users::username.eq(&username))
        .select(User::as_select())
        .first(conn)
        .optional()?;
    // Verify against a dummy hash when the user is unknown: the same work, the same answer.
    let phc = user
        .as_ref()
        .map(|u| u.password_hash.as_str())
        .unwrap_or(password::DUMMY_HASH);
    let matches = password::verify(secret, phc);
    let user = match user {
        Some(u) if matches && !u.disabled => u,
        _ => {
            write_tx(conn, |conn| -> Result<(), ApiError> {
                throttle::record_failure(conn, &keys_throttled[0], &throttle::ACCOUNT, now)?;
                throttle::record_failure(conn, &keys_throttled[1], &throttle::ADDRESS, now)?;
                if let Some(u) = &user {
                    record_attempt(conn, u.id, false, client_ip, now)?;
                }
                Ok(())
            })?;
            tracing::warn!(client_ip, "login failed");
            return Err(invalid_credentials());
        }
    };
    write_tx(conn, |conn| {
        throttle::clear(conn, &keys_throttled[0])?;
        record_attempt(conn, user.id, true, client_ip, now)?;
        let family = uuid::Uuid::new_v4().to_string();
        let tokens = issue_pair(conn, keys, &user, &family, now)?;
        audit::append(
            conn,
            &user_actor(&user),
            &Entry {
                action: "auth.login",
                object_type: "session",
                object_id: family,
                before: None,
                after: None,
                request_id,
            },
            now,
        )?;
        Ok(tokens)
    })
}

/// Keeps one sign-in attempt on `user_id`'s account and forgets the oldest beyond [`ATTEMPTS_KEPT`].
fn record_attempt(
    conn: &mut DbConnection,
    user_id: i64,
    succeeded: bool,
    client_ip: &str,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    diesel::insert_into(sign_in_attempts::table)
        .values((
            sign_in_attempts::user_id.eq(user_id),
            sign_in_attempts::succeeded.eq(succeeded),
            sign_in_attempts::client_address.eq(client_ip.chars().take(64).collect::<String>()),
            sign_in_attempts::attempted_at.eq(now),
        ))
        .execute(conn)?;
    let oldest_kept: Option<i64> = sign_in_attempts::table
        .filter(sign_in_attempts::user_id.eq(user_id))
        .order(sign_in_attempts::id.desc())
        .select(sign_in_attempts::id)
        .offset(ATTEMPTS_KEPT - 1)
        .first(conn)
        .optional()?;
    if let Some(oldest) = oldest_kept {
        diesel::delete(
            sign_in_attempts::table
                .filter(sign_in_attempts::user_id.eq(user_id))
                .filter(sign_in_attempts::id.lt(oldest)),
        )
        .execute(conn)?;
    }
    Ok(())
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SignInAttempt {
    #[serde(serialize_with = "crate::domain::instant::utc")]
    pub at: NaiveDateTime,
    /// The client address (see `ZHIRONG_TRUSTED_PROXIES`).
    pub address: String,
}

/// What the owner of an account is told about its sign-ins.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SignInActivity {
    /// The latest successful sign-in (normally the caller's own).
    pub last_sign_in: Option<SignInAttempt>,
    /// The successful sign-in before that one.
    pub previous_sign_in: Option<SignInAttempt>,
    /// Wrong passwords (or sign-ins refused because the account was disabled) since the previous
    /// sign-in, the latest one included.
    pub failed_since_previous_sign_in: i64,
    /// The latest failed attempts, newest first (at most 20).
    pub recent_failures: Vec<SignInAttempt>,
}

pub fn sign_in_activity(conn: &mut DbConnection, user_id: i64) -> Result<SignInActivity, ApiError> {
    let mine = || sign_in_attempts::table.filter(sign_in_attempts::user_id.eq(user_id));
    let successes: Vec<(i64, NaiveDateTime, String)> = mine()
        .filter(sign_in_attempts::succeeded.eq(true))
        .order(sign_in_attempts::id.desc())
        .select((
            sign_in_attempts::id,
            sign_in_attempts::attempted_at,
            sign_in_attempts::client_address,
        ))
        .limit(2)
        .load(conn)?;
    let since_id = successes.get(1).map(|s| s.0).unwrap_or(0);
    let failed_since_previous_sign_in: i64 = mine()
        .filter(sign_in_attempts::succeeded.eq(false))
        .filter(sign_in_attempts::id.gt(since_id))
        .count()
        .get_result(conn)?;
    let recent_failures: Vec<(NaiveDateTime, String)> = mine()
        .filter(sign_in_attempts::succeeded.eq(false))
        .order(sign_in_attempts::id.desc())
        .select((
            sign_in_attempts::attempted_at,
            sign_in_attempts::client_address,
        ))
        .limit(FAILURES_SHOWN)
        .load(conn)?;
    let view = |(_, at, address): &(i64, NaiveDateTime, String)| SignInAttempt {
        at: *at,
        address: address.clone(),
    };
    Ok(SignInActivity {
        last_sign_in: successes.first().map(view),
        previous_sign_in: successes.get(1).map(view),
        failed_since_previous_sign_in,
        recent_failures: recent_failures
            .into_iter()
            .map(|(at, address)| SignInAttempt { at, address })
            .collect(),
    })
}

pub fn refresh(
    conn: &mut DbConnection,
    keys: &jwt::JwtKeys,
    presented: &str,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<Tokens, ApiError> {
    let hash = token_hash(presented.trim());
    write_tx(conn, |conn| -> Result<Result<Tokens, ApiError>, ApiError> {
        let row: Option<RefreshRow> = refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(&hash))
            .select((
                refresh_tokens::id,
                refresh_tokens::user_id,
                refresh_tokens::family,
                refresh_tokens::expires_at,
                refresh_tokens::used_at,
                refresh_tokens::revoked_at,
            ))
            .first(conn)
            .optional()?;
        let Some((id, user_id, family, expires_at, used_at, revoked_at)) = row else {
            return Ok(Err(invalid_refresh()));
        };
        let user: User = users::table
            .find(user_id)
            .select(User::as_select())
            .first(conn)?;
        if revoked_at.is_some() || expires_at <= now || user.disabled {
            return Ok(Err(invalid_refresh()));
        }
        // Used once: only a presentation that finds the token unused (and marks it, in one
        // statement) rotates it. Another presentation, later or at the same moment, means somebody
        // else has a copy: the whole session ends.
        let taken = used_at.is_none()
            && diesel::update(
                refresh_tokens::table
                    .find(id)
                    .filter(refresh_tokens::used_at.is_null()),
            )
            .set(refresh_tokens::used_at.eq(now))
            .execute(conn)?
                == 1;
        if !taken {
            diesel::update(
                refresh_tokens::table
                    .filter(refresh_tokens::family.eq(&family))
                    .filter(refresh_tokens::revoked_at.is_null()),
            )
            .set(refresh_tokens::revoked_at.eq(now))
            .execute(conn)?;
            audit::append(
                conn,
                &user_actor(&user),
                &Entry {
                    action: "auth.refresh_reuse",
                    object_type: "session",
                    object_id: family,
                    before: None,
                    after: None,
                    request_id,
                },
                now,
            )?;
            tracing::warn!(user_id, "refresh token reused: session revoked");
            return Ok(Err(invalid_refresh()));
        }
        let tokens = issue_pair(conn, keys, &user, &family, now)?;
        audit::append(
            conn,
            &user_actor(&user),
            &Entry {
                action: "auth.refresh",
                object_type: "session",
                object_id: family,
                before: None,
                after: None,
                request_id,
            },
            now,
        )?;
        Ok(Ok(tokens))
    })?
}

pub fn logout(
    conn: &mut DbConnection,
    principal: &Principal,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<(), ApiError> {
    write_tx(conn, |conn| {
        diesel::update(
            refresh_tokens::table
                .filter(refresh_tokens::family.eq(&principal.session))
                .filter(refresh_tokens::user_id.eq(principal.user_id))
                .filter(refresh_tokens::revoked_at.is_null()),
        )
        .set(refresh_tokens::revoked_at.eq(now))
        .execute(conn)?;
        audit::append(
            conn,
            &principal.actor(),
            &Entry {
                action: "auth.logout",
                object_type: "session",
                object_id: principal.session.clone(),
                before: None,
                after: None,
                request_id,
            },
            now,
        )?;
        Ok(())
    })
}

/// A signed-in user changes their own password: the old one proves it is them, the new one
/// follows the password rules and differs from the old; every other session of the user ends
/// (a stolen token or refresh token dies), this one lives on, and a required change is done.
pub fn change_password(
    conn: &mut DbConnection,
    principal: &Principal,
    old_password: &str,
    new_password: &str,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<(), ApiError> {
    let phc: String = users::table
        .find(principal.user_id)
        .select(users::password_hash)
        .first(conn)?;
    if !password::verify(old_password, &phc) {
        tracing::warn!(
            user_id = principal.user_id,
            "password change refused: wrong old password"
        );
        return Err(ApiError::bad_request(
            "WRONG_PASSWORD",
            "old_password: this is not your current password",
            Some("old_password"),
        ));
    }
    if old_password == new_password {
        return Err(ApiError::bad_request(
            "SAME_PASSWORD",
            "new_password: choose a password different from the current one",
            Some("new_password"),
        ));
    }
    let hash = password::hash(new_password).map_err(|e| {
        ApiError::bad_request(
            "WEAK_PASSWORD",
            format!("new_password: {e}"),
            Some("new_password"),
        )
    })?;
    write_tx(conn, |conn| {
        let was_required: bool = users::table
            .find(principal.user_id)
            .select(users::must_change_password)
            .first(conn)?;
        diesel::update(users::table.find(principal.user_id))
            .set((
                users::password_hash.eq(&hash),
                users::must_change_password.eq(false),
            ))
            .execute(conn)?;
        let ended = diesel::update(
            refresh_tokens::table
                .filter(refresh_tokens::user_id.eq(principal.user_id))
                .filter(refresh_tokens::family.ne(&principal.session))
                .filter(refresh_tokens::revoked_at.is_null()),
        )
        .set(refresh_tokens::revoked_at.eq(now))
        .execute(conn)?;
        audit::append(
            conn,
            &principal.actor(),
            &Entry {
                action: "user.change_password",
                object_type: "user",
                object_id: principal.user_id.to_string(),
                before: Some(&serde_json::json!({"must_change_password": was_required})),
                after: Some(&serde_json::json!({
                    "must_change_password": false,
                    "other_sessions_ended": ended,
                })),
                request_id,
            },
            now,
        )?;
        Ok(())
    })
}
