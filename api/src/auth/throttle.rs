//! Brute-force protection for sign-in, with counters per account and per client address.
//!
//! **Per account: a growing interval, never a lock.** Five failures within 15 minutes are free;
//! from then on each failure makes the account wait before its next attempt is even checked:
//! 1 s, 2 s, 4 s, then 5 s at most. An attempt that comes too early is answered 429 with
//! `Retry-After` *before* the password is verified, whether it is right or wrong (so the delay
//! cannot be skipped by guessing right), and it does not count as a failure (so it does not make
//! the wait longer). A stranger who knows a manager's username can therefore no longer keep the
//! manager out: after any number of wrong passwords the right one gets in after at most 5 s. What
//! the stranger can do is guess at one password per 5 s from the whole internet together (17 280
//! a day at the most), against passwords of 12 characters or more that are not on the common
//! list, while each address is held to the per-address limit below and the owner sees every
//! failed attempt with its address at the next sign-in (`GET /api/auth/me/sign-in-attempts`).
//! A success clears the account's counter; it is forgotten after 15 quiet minutes.
//!
//! **Per client address: a lock.** 20 failures from one address (any usernames) lock that
//! address for 1 min, then twice as long for each further failure, up to 15 min. The address is
//! the socket peer, or the client named by `X-Forwarded-For` when the peer is a configured
//! trusted proxy (see `routes::client_ip`), so clients behind one proxy are counted apart and a
//! client cannot choose its own address.
//!
//! Unknown usernames are counted like known ones, so the answers say nothing about existence.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::login_throttle;
use crate::db::{DbConnection, DbError};

pub struct Policy {
    pub threshold: i32,
    pub base_lock: Duration,
    pub max_lock: Duration,
    pub forget_after: Duration,
}

pub const ACCOUNT: Policy = Policy {
    threshold: 5,
    base_lock: Duration::seconds(1),
    max_lock: Duration::seconds(5),
    forget_after: Duration::minutes(15),
};
pub const ADDRESS: Policy = Policy {
    threshold: 20,
    base_lock: Duration::minutes(1),
    max_lock: Duration::minutes(15),
    forget_after: Duration::minutes(15),
};

pub fn account_key(username: &str) -> String {
    format!("user:{}", username.trim().to_lowercase())
}

pub fn address_key(ip: &str) -> String {
    format!("ip:{ip}")
}

/// The latest lock (or, for an account, the time of its next allowed attempt) among `keys` still
/// in force at `now`.
pub fn locked_until(
    conn: &mut DbConnection,
    keys: &[String],
    now: NaiveDateTime,
) -> Result<Option<NaiveDateTime>, DbError> {
    let locks: Vec<Option<NaiveDateTime>> = login_throttle::table
        .filter(login_throttle::throttle_key.eq_any(keys))
        .select(login_throttle::locked_until)
        .load(conn)?;
    Ok(locks.into_iter().flatten().filter(|t| *t > now).max())
}

pub fn record_failure(
    conn: &mut DbConnection,
    key: &str,
    policy: &Policy,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let row: Option<(i32, NaiveDateTime)> = login_throttle::table
        .find(key)
        .select((login_throttle::failures, login_throttle::updated_at))
        .first(conn)
        .optional()?;
    let previous = match row {
        Some((n, at)) if now - at < policy.forget_after => n,
        _ => 0,
    };
    let failures = previous + 1;
    let locked = (failures >= policy.threshold).then(|| {
        let doublings = (failures - policy.threshold).min(10) as u32;
        let lock = policy.base_lock * 2i32.pow(doublings);
        now + lock.min(policy.max_lock)
    });
    diesel::delete(login_throttle::table.find(key)).execute(conn)?;
    diesel::insert_into(login_throttle::table)
        .values((
            login_throttle::throttle_key.eq(key),
            login_throttle::failures.eq(failures),
            login_throttle::locked_until.eq(locked),
            login_throttle::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn clear(conn: &mut DbConnection, key: &str) -> Result<(), DbError> {
    diesel::delete(login_throttle::table.find(key)).execute(conn)?;
    Ok(())
}
