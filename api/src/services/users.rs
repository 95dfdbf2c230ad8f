//! Creating users (the operator's bootstrap through `zhirong user add`; admin endpoints later).

use diesel::prelude::*;

use crate::auth::{Role, password};
use crate::db::audit::{self, Actor, Entry};
use crate::db::models::NewUser;
use crate::db::schema::{organisations, users};
use crate::db::{DbConnection, DbError};

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
