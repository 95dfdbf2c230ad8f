//! Users: created (by the operator, or `zhirong user add` for the first one), listed, disabled,
//! enabled, their passwords reset; a disabled user's sessions end at once.
//!
//! Inside a tenant organisation (enterprise, bank, guarantor, district) the operator does not
//! act alone: a new user, or a password reset, there is a proposal that the organisation's
//! manager (`Role::manager_of`) decides; the password's hash waits apart from the proposal
//! (`proposal_secrets`). Only an organisation that never had a manager takes its users from
//! the operator directly (bootstrap, audited as such). A reset password is changed by its user
//! at the next sign-in.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::auth::{Principal, Role, password};
use crate::db::audit::{self, Actor, Entry};
use crate::db::models::NewUser;
use crate::db::schema::{organisations, proposal_secrets, proposals, refresh_tokens, users};
use crate::db::{DbConnection, DbError, write_tx};
use crate::error::{ApiError, bad};
use crate::services::proposals::{PasswordReset, Payload, Proposal, UserCreate};

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
        check_new(conn, username, role, req.org_id)?;
        insert_user(
            conn,
            username,
            role,
            req.org_id,
            password_hash,
            actor,
            "user.create",
            serde_json::json!({}),
            request_id,
            now,
        )
    })
}

/// The organisation's kind, once the role fits it and the username is free.
fn check_new(
    conn: &mut DbConnection,
    username: &str,
    role: Role,
    org_id: i64,
) -> Result<String, UserError> {
    let kind: Option<String> = organisations::table
        .find(org_id)
        .select(organisations::kind)
        .first(conn)
        .optional()?;
    let kind = kind.ok_or(UserError::NoSuchOrganisation(org_id))?;
    if !role.org_kinds().contains(&kind.as_str()) {
        return Err(UserError::WrongOrganisationKind {
            role,
            expected: role.org_kinds().join(" or "),
            org_id,
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
    Ok(kind)
}

/// Inserts a checked user and its audit row (`action`, with `extra` merged into the after).
#[allow(clippy::too_many_arguments)]
fn insert_user(
    conn: &mut DbConnection,
    username: &str,
    role: Role,
    org_id: i64,
    password_hash: String,
    actor: &Actor,
    action: &'static str,
    extra: serde_json::Value,
    request_id: &str,
    now: NaiveDateTime,
) -> Result<i64, UserError> {
    let id: i64 = diesel::insert_into(users::table)
        .values(NewUser {
            username: username.to_string(),
            password_hash,
            role: role.as_str().to_string(),
            org_id,
            disabled: false,
            created_at: now,
        })
        .returning(users::id)
        .get_result(conn)?;
    let mut after = serde_json::json!({"id": id, "username": username, "role": role.as_str(), "org_id": org_id});
    if let (Some(a), Some(e)) = (after.as_object_mut(), extra.as_object()) {
        a.extend(e.clone());
    }
    audit::append(
        conn,
        actor,
        &Entry {
            action,
            object_type: "user",
            object_id: id.to_string(),
            before: None,
            after: Some(&after),
            request_id,
        },
        now,
    )?;
    Ok(id)
}

/// A user error as the API answers it (400 naming the field, 409 for a taken name).
pub fn user_error(e: UserError) -> ApiError {
    let field = match &e {
        UserError::BadUsername => "username",
        UserError::UsernameTaken(_) => return ApiError::conflict("USERNAME_TAKEN", e.to_string()),
        UserError::BadRole(_) => "role",
        UserError::NoSuchOrganisation(_) | UserError::WrongOrganisationKind { .. } => "org_id",
        UserError::Password(_) => "password",
        UserError::Db(_) => return ApiError::Internal(e.to_string()),
    };
    ApiError::bad_request("INVALID_USER", e.to_string(), Some(field))
}

/// The role that decides user changes in a tenant organisation of `kind` when the organisation
/// has (or ever had, disabled or not) a user of that role; None when the operator acts alone:
/// its own organisation, or a tenant's bootstrap before its first manager.
fn deciding_role(
    conn: &mut DbConnection,
    org_id: i64,
    kind: &str,
) -> Result<Option<Role>, ApiError> {
    let Some(manager) = Role::manager_of(kind) else {
        return Ok(None);
    };
    let managers: i64 = users::table
        .filter(users::org_id.eq(org_id))
        .filter(users::role.eq(manager.as_str()))
        .count()
        .get_result(conn)?;
    Ok((managers > 0).then_some(manager))
}

/// What the operator's change did: done at once, or proposed to the organisation's manager.
pub enum Outcome {
    Done(UserView),
    Proposed(Proposal),
}

/// Keeps the hash of a proposed password apart from the proposal (its deciders read the payload).
fn keep_secret(conn: &mut DbConnection, proposal_id: i64, hash: &str) -> Result<(), ApiError> {
    diesel::insert_into(proposal_secrets::table)
        .values((
            proposal_secrets::proposal_id.eq(proposal_id),
            proposal_secrets::password_hash.eq(hash),
        ))
        .execute(conn)?;
    Ok(())
}

fn take_secret(conn: &mut DbConnection, proposal_id: i64) -> Result<String, ApiError> {
    proposal_secrets::table
        .find(proposal_id)
        .select(proposal_secrets::password_hash)
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::Internal(format!("proposal {proposal_id}: no password kept")))
}

/// The operator creates a user: at once in its own organisation or for a tenant's first manager
/// (bootstrap), otherwise as a proposal to that organisation's manager.
pub fn create_by_operator(
    conn: &mut DbConnection,
    principal: &Principal,
    req: &NewUserRequest<'_>,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<Outcome, ApiError> {
    let username = req.username.trim();
    if !valid_username(username) {
        return Err(user_error(UserError::BadUsername));
    }
    let role = Role::parse(req.role)
        .ok_or_else(|| user_error(UserError::BadRole(req.role.to_string())))?;
    let hash = password::hash(req.password).map_err(|e| user_error(e.into()))?;
    write_tx(conn, |conn| {
        let kind = check_new(conn, username, role, req.org_id).map_err(user_error)?;
        match deciding_role(conn, req.org_id, &kind)? {
            Some(manager) => {
                let p = Payload::UserCreate(UserCreate {
                    username: username.to_string(),
                    role: role.as_str().to_string(),
                    org_id: req.org_id,
                })
                .propose_in(
                    conn,
                    principal,
                    req.org_id,
                    "new_user",
                    username.to_string(),
                    manager,
                    now,
                    request_id,
                )?;
                keep_secret(conn, p.id, &hash)?;
                Ok(Outcome::Proposed(p))
            }
            None => {
                let bootstrap = Role::manager_of(&kind).is_some();
                let id = insert_user(
                    conn,
                    username,
                    role,
                    req.org_id,
                    hash,
                    &principal.actor(),
                    if bootstrap {
                        "user.create_bootstrap"
                    } else {
                        "user.create"
                    },
                    serde_json::json!({}),
                    request_id,
                    now,
                )
                .map_err(user_error)?;
                Ok(Outcome::Done(user_view(conn, id)?))
            }
        }
    })
}

/// Carries out an approved `org.user_create`: the user exists from now, with the proposed
/// password; the audit names the approving manager and the proposal.
pub fn apply_create(
    conn: &mut DbConnection,
    principal: &Principal,
    p: &Proposal,
    u: &UserCreate,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<(), ApiError> {
    let role =
        Role::parse(&u.role).ok_or_else(|| user_error(UserError::BadRole(u.role.clone())))?;
    if u.org_id != p.org_id {
        return Err(ApiError::Internal(format!(
            "proposal {}: organisation",
            p.id
        )));
    }
    check_new(conn, &u.username, role, u.org_id).map_err(user_error)?;
    let hash = take_secret(conn, p.id)?;
    insert_user(
        conn,
        &u.username,
        role,
        u.org_id,
        hash,
        &principal.actor(),
        "user.create",
        serde_json::json!({"proposal_id": p.id, "proposed_by": p.proposed_by}),
        request_id,
        now,
    )
    .map_err(user_error)?;
    Ok(())
}

/// Carries out an approved `org.password_reset`: the new password, sessions ended, a change
/// required at the next sign-in.
pub fn apply_reset(
    conn: &mut DbConnection,
    principal: &Principal,
    p: &Proposal,
    r: &PasswordReset,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<(), ApiError> {
    let target = user_view(conn, r.user_id)?;
    if target.org_id != p.org_id {
        return Err(ApiError::conflict(
            "USER_MOVED",
            format!("user {} is no longer in this organisation", r.user_id),
        ));
    }
    let hash = take_secret(conn, p.id)?;
    set_password(
        conn,
        &principal.actor(),
        r.user_id,
        &hash,
        serde_json::json!({"proposal_id": p.id, "proposed_by": p.proposed_by}),
        now,
        request_id,
    )
}

/// Writes a reset password (a hash): sessions end, a change is required at the next sign-in.
fn set_password(
    conn: &mut DbConnection,
    actor: &Actor,
    user_id: i64,
    hash: &str,
    extra: serde_json::Value,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<(), ApiError> {
    diesel::update(users::table.find(user_id))
        .set((
            users::password_hash.eq(hash),
            users::must_change_password.eq(true),
        ))
        .execute(conn)?;
    revoke_sessions(conn, user_id, now)?;
    let mut after = serde_json::json!({"must_change_password": true, "sessions_revoked": true});
    if let (Some(a), Some(e)) = (after.as_object_mut(), extra.as_object()) {
        a.extend(e.clone());
    }
    audit::append(
        conn,
        actor,
        &Entry {
            action: "user.reset_password",
            object_type: "user",
            object_id: user_id.to_string(),
            before: None,
            after: Some(&after),
            request_id,
        },
        now,
    )?;
    Ok(())
}

/// The operator's user proposals in every organisation, newest first: what each proposed and
/// where it stands (no secret: the payload holds usernames and roles only).
pub fn operator_proposals(conn: &mut DbConnection) -> Result<Vec<Proposal>, ApiError> {
    Ok(proposals::table
        .filter(proposals::kind.eq_any(["org.user_create", "org.password_reset"]))
        .select(Proposal::as_select())
        .order(proposals::id.desc())
        .load(conn)?)
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

/// The operator resets a password: at once in its own organisation or where the tenant has no
/// manager yet (bootstrap), otherwise as a proposal to that organisation's manager. Either way
/// the user changes it at the next sign-in.
pub fn reset_password(
    conn: &mut DbConnection,
    principal: &Principal,
    user_id: i64,
    new_password: &str,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<Outcome, ApiError> {
    let hash = password::hash(new_password)
        .map_err(|e| bad("WEAK_PASSWORD", e.to_string(), "password"))?;
    write_tx(conn, |conn| {
        let target = user_view(conn, user_id)?;
        let kind: String = organisations::table
            .find(target.org_id)
            .select(organisations::kind)
            .first(conn)?;
        match deciding_role(conn, target.org_id, &kind)? {
            Some(manager) => {
                let p = Payload::PasswordReset(PasswordReset {
                    user_id,
                    username: target.username.clone(),
                    role: target.role.as_str().to_string(),
                })
                .propose_in(
                    conn,
                    principal,
                    target.org_id,
                    "user",
                    user_id.to_string(),
                    manager,
                    now,
                    request_id,
                )?;
                keep_secret(conn, p.id, &hash)?;
                Ok(Outcome::Proposed(p))
            }
            None => {
                let bootstrap = Role::manager_of(&kind).is_some();
                set_password(
                    conn,
                    &principal.actor(),
                    user_id,
                    &hash,
                    serde_json::json!({"bootstrap": bootstrap}),
                    now,
                    request_id,
                )?;
                Ok(Outcome::Done(user_view(conn, user_id)?))
            }
        }
    })
}
