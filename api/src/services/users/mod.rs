//! Users: created (by the operator, or `zhirong user add` for the first one), listed, disabled,
//! enabled, their passwords reset; a disabled user's sessions end at once.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::auth::{Principal, Role, password};
use crate::db::audit::{self, Actor, Entry};
use crate::db::models::NewUser;
use crate::db::schema::{organisations, refresh_tokens, users};
use crate::db::{DbConnection, DbError, write_tx};
use crate::error::{ApiError, bad};

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("username: use 3 to 64 characters from a-z, 0-9, '.', '_' and '-'")]
    BadUsername,
    #[error("username: {0:?} is taken")]
    UsernameTaken(String),
    #[error(
        "role: {0:?} is not one of enterprise_user, bank_officer, bank_manager, gov_officer, gov_manager, admin"
    )]
    BadRole(String),
    #[error("org: organisation {0} does not exist")]
    NoSuchOrganisation(i64),
    #[error(
        "org: a {role} must belong to a {expected} organisation, organisation {org_id} is a {actual}"
    )]
    WrongOrganisationKind {
        role: Role,
        expected: String,
        org_id: i64,
        actual: String,
    },
    #[error("password: {0}")]
    Password(#[from] password::PasswordError),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for UserError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Db(DbError::Query(e))
    }
}

pub struct NewUserRequest<'a> {
    pub username: &'a str,
    pub role: &'a str,
    pub org_id: i64,
    pub password: &'a str,
}

fn valid_username(u: &str) -> bool {
    (3..=64).contains(&u.len())
        && u.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// Validates everything, hashes the password, inserts the user and its audit row in one
/// transaction. Returns the new user's id.
pub fn add_user(
    conn: &mut DbConnection,
    req: &NewUserRequest<'_>,
    actor: &Actor,
    request_id: &str,
    now: chrono::NaiveDateTime,
) -> Result<i64, UserError> {
    let username = req.username.trim();
    if !valid_username(username) {
        return Err(UserError::BadUsername);
    }
    let role = Role::parse(req.role).ok_or_else(|| UserError::BadRole(req.role.to_string()))?;
    let password_hash = password::hash(req.password)?;
    crate::db::write_tx(conn, |conn| {
        let kind: Option<String> = organisations::table
            .find(req.org_id)
            .select(organisations::kind)
            .first(conn)
            .optional()?;
        let kind = kind.ok_or(UserError::NoSuchOrganisation(req.org_id))?;
        if !role.org_kinds().contains(&kind.as_str()) {
            return Err(UserError::WrongOrganisationKind {
                role,
                expected: role.org_kinds().join(" or "),
                org_id: req.org_id,
                actual: kind,
            });
        }
        let taken: i64 = users::table
            .filter(users::username.eq(username))
            .count()
            .get_result(conn)?;
        if taken > 0 {
            return Err(UserError::UsernameTaken(username.to_string()));
        }
        let id: i64 = diesel::insert_into(users::table)
            .values(NewUser {
                username: username.to_string(),
                password_hash,
                role: role.as_str().to_string(),
                org_id: req.org_id,
                disabled: false,
                created_at: now,
            })
            .returning(users::id)
            .get_result(conn)?;
        let after = serde_json::json!({"id": id, "username": username, "role": role.as_str(), "org_id": req.org_id});
        audit::append(
            conn,
            actor,
            &Entry {
                action: "user.create",
                object_type: "user",
                object_id: id.to_string(),
                before: None,
                after: Some(&after),
                request_id,
            },
            now,
        )?;
        Ok(id)
    })
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub org_id: i64,
    pub disabled: bool,
}

/// A user as the operator sees it, read from its row.
#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
struct UserRow {
    id: i64,
    username: String,
    role: String,
    org_id: i64,
    disabled: bool,
}

impl TryFrom<UserRow> for UserView {
    type Error = ApiError;

    fn try_from(u: UserRow) -> Result<Self, ApiError> {
        let role = Role::parse(&u.role)
            .ok_or_else(|| ApiError::Internal(format!("user {} has role {}", u.id, u.role)))?;
        Ok(UserView {
            id: u.id,
            username: u.username,
            role,
            org_id: u.org_id,
            disabled: u.disabled,
        })
    }
}

pub fn list_users(conn: &mut DbConnection) -> Result<Vec<UserView>, ApiError> {
    users::table
        .select(UserRow::as_select())
        .order(users::id)
        .load(conn)?
        .into_iter()
        .map(UserView::try_from)
        .collect()
}

pub fn user_view(conn: &mut DbConnection, id: i64) -> Result<UserView, ApiError> {
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)?
        .try_into()
}

/// Disables or re-enables a user. Disabling also ends every session (and the disabled flag is
/// checked on every request anyway).
pub fn set_disabled(
    conn: &mut DbConnection,
    principal: &Principal,
    user_id: i64,
    disabled: bool,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<UserView, ApiError> {
    if user_id == principal.user_id && disabled {
        return Err(ApiError::conflict(
            "CANNOT_DISABLE_SELF",
            "an administrator cannot disable their own account",
        ));
    }
    write_tx(conn, |conn| {
        let before = user_view(conn, user_id)?;
        diesel::update(users::table.find(user_id))
            .set(users::disabled.eq(disabled))
            .execute(conn)?;
        if disabled {
            revoke_sessions(conn, user_id, now)?;
        }
        let after = user_view(conn, user_id)?;
        audit::append(
            conn,
            &principal.actor(),
            &Entry {
                action: if disabled {
                    "user.disable"
                } else {
                    "user.enable"
                },
                object_type: "user",
                object_id: user_id.to_string(),
                before: Some(&serde_json::json!({"disabled": before.disabled})),
                after: Some(&serde_json::json!({"disabled": after.disabled})),
                request_id,
            },
            now,
        )?;
        Ok(after)
    })
}

/// Ends every session of a user: their refresh tokens are revoked, and with them the access
/// tokens that name those sessions.
fn revoke_sessions(
    conn: &mut DbConnection,
    user_id: i64,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now))
    .execute(conn)?;
    Ok(())
}

pub fn reset_password(
    conn: &mut DbConnection,
    principal: &Principal,
    user_id: i64,
    new_password: &str,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<UserView, ApiError> {
    let hash = password::hash(new_password)
        .map_err(|e| bad("WEAK_PASSWORD", e.to_string(), "password"))?;
    write_tx(conn, |conn| {
        user_view(conn, user_id)?;
        diesel::update(users::table.find(user_id))
            .set(users::password_hash.eq(&hash))
            .execute(conn)?;
        revoke_sessions(conn, user_id, now)?;
        audit::append(
            conn,
            &principal.actor(),
            &Entry {
                action: "user.reset_password",
                object_type: "user",
                object_id: user_id.to_string(),
                before: None,
                after: None,
                request_id,
            },
            now,
        )?;
        user_view(conn, user_id)
    })
}
