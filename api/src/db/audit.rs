//! The append-only, hash-chained audit log.
//!
//! Each row's `hash` is SHA-256 over the previous row's hash and the row's own fields, so a
//! changed field, a deleted row or two swapped rows break the chain at a row that `verify` names.
//! Appends take a table lock (PostgreSQL) or run in SQLite's single writer, so the chain never forks.

use chrono::{NaiveDateTime, Timelike};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::models::AuditRow;
use super::schema::audit_log;
use super::{DbConnection, DbError};

/// The hash before the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who did something: a user, or the operator's command line.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub username: String,
    pub role: String,
    pub org_id: Option<i64>,
}

impl Actor {
    /// The `zhirong` command line run by the operator on the server.
    pub fn cli(command: &str) -> Self {
        Self {
            user_id: None,
            username: format!("cli:{command}"),
            role: "operator".into(),
            org_id: None,
        }
    }
}

/// One change to record.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: String,
    pub before: Option<&'a serde_json::Value>,
    pub after: Option<&'a serde_json::Value>,
    pub request_id: &'a str,
}

/// SHA-256 hex of a JSON value's canonical text (serde_json keeps map keys sorted); "-" for none.
pub fn digest(value: Option<&serde_json::Value>) -> String {
    match value {
        None => "-".to_string(),
        Some(v) => hex::encode(Sha256::digest(v.to_string().as_bytes())),
    }
}

fn row_hash(row: &AuditRow) -> String {
    let mut h = Sha256::new();
    for part in [
        row.prev_hash.as_str(),
        &row.at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
        &row.user_id.map(|v| v.to_string()).unwrap_or_default(),
        &row.username,
        &row.role,
        &row.org_id.map(|v| v.to_string()).unwrap_or_default(),
        &row.action,
        &row.object_type,
        &row.object_id,
        &row.before_digest,
        &row.after_digest,
        &row.request_id,
    ] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    hex::encode(h.finalize())
}

/// Appends one row; call it inside the transaction that makes the change.
pub fn append(
    conn: &mut DbConnection,
    actor: &Actor,
    entry: &Entry<'_>,
    at: NaiveDateTime,
) -> Result<AuditRow, DbError> {
    if let DbConnection::Postgresql(_) = conn {
        conn.batch_execute("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE")?;
    }
    let prev_hash: String = audit_log::table
        .select(audit_log::hash)
        .order(audit_log::id.desc())
        .first(conn)
        .optional()?
        .unwrap_or_else(|| GENESIS.to_string());
    // Both backends keep microseconds: truncate so the stored value hashes the same when read back.
    let at = at
        .with_nanosecond(at.nanosecond() / 1000 * 1000)
        .unwrap_or(at);
    let mut row = AuditRow {
        id: 0,
        at,
        user_id: actor.user_id,
        username: actor.username.clone(),
        role: actor.role.clone(),
        org_id: actor.org_id,
        action: entry.action.to_string(),
        object_type: entry.object_type.to_string(),
        object_id: entry.object_id.clone(),
        before_digest: digest(entry.before),
        after_digest: digest(entry.after),
        request_id: entry.request_id.to_string(),
        prev_hash,
        hash: String::new(),
        before_json: entry.before.map(serde_json::Value::to_string),
        after_json: entry.after.map(serde_json::Value::to_string),
    };
    row.hash = row_hash(&row);
    let id: i64 = diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(row.at),
            audit_log::user_id.eq(row.user_id),
            audit_log::username.eq(&row.username),
            audit_log::role.eq(&row.role),
            audit_log::org_id.eq(row.org_id),
            audit_log::action.eq(&row.action),
            audit_log::object_type.eq(&row.object_type),
            audit_log::object_id.eq(&row.object_id),
            audit_log::before_digest.eq(&row.before_digest),
            audit_log::after_digest.eq(&row.after_digest),
            audit_log::request_id.eq(&row.request_id),
            audit_log::prev_hash.eq(&row.prev_hash),
            audit_log::hash.eq(&row.hash),
            audit_log::before_json.eq(&row.before_json),
            audit_log::after_json.eq(&row.after_json),
        ))
        .returning(audit_log::id)
        .get_result(conn)?;
    row.id = id;
    Ok(row)
}

/// The first place the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub row_id: i64,
    pub reason: String,
}

/// Walks the chain in id order. `Ok(n)` is the number of rows checked.
pub fn verify(conn: &mut DbConnection) -> Result<Result<usize, BrokenLink>, DbError> {
    let rows: Vec<AuditRow> = audit_log::table
        .select(AuditRow::as_select())
        .order(audit_log::id.asc())
        .load(conn)?;
    let mut prev = GENESIS.to_string();
    for row in &rows {
        if row.prev_hash != prev {
            return Ok(Err(BrokenLink {
                row_id: row.id,
                reason: "prev_hash does not match the previous row's hash (a row was deleted, inserted or reordered)".into(),
            }));
        }
        if row_hash(row) != row.hash {
            return Ok(Err(BrokenLink {
                row_id: row.id,
                reason: "hash does not match the row's contents (a field was changed)".into(),
            }));
        }
        for (text, stored) in [
            (&row.before_json, &row.before_digest),
            (&row.after_json, &row.after_digest),
        ] {
            if let Some(text) = text
                && hex::encode(Sha256::digest(text.as_bytes())) != *stored
            {
                return Ok(Err(BrokenLink {
                    row_id: row.id,
                    reason: "the recorded fields do not match their digest (a before or after was changed)".into(),
                }));
            }
        }
        prev = row.hash.clone();
    }
    Ok(Ok(rows.len()))
}
