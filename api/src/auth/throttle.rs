//! Brute-force protection for logins: counters per account and per client address. Past a
//! threshold each further failure locks the key for twice as long (1 min, 2, 4, … up to 15 min);
//! a success clears the account's counter; counters are forgotten after 15 quiet minutes.
//! Unknown usernames are counted like known ones, so a lock says nothing about existence.

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
    base_lock: Duration::minutes(1),
    max_lock: Duration::minutes(15),
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

/// The latest lock among `keys` still in force at `now`.
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
