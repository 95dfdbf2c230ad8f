//! The database: one connection type over PostgreSQL and SQLite (diesel `MultiConnection`), an
//! r2d2 pool, the embedded migrations of both dialects, and the repositories.
//!
//! Everything here is blocking: handlers reach it through `web::block`.

pub mod audit;
pub mod migrate;
pub mod models;
pub mod schema;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::ManageConnection;

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// Which backend a `DATABASE_URL` names. Anything that is not `postgres://` or `postgresql://`
/// must be `sqlite://PATH` (or `sqlite::memory:`); a bare path is refused so a typo in a
/// PostgreSQL URL never silently creates a SQLite file.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Postgres(String),
    Sqlite(String),
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("DATABASE_URL must start with sqlite:// or postgres:// (got {0:?})")]
    BadUrl(String),
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("migration failed: {0}")]
    Migration(String),
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, DbError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_string()));
        }
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                return Err(DbError::BadUrl(url.to_string()));
            }
            return Ok(Self::Sqlite(path.to_string()));
        }
        Err(DbError::BadUrl(redact(url)))
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Self::Postgres(_) => "postgres",
            Self::Sqlite(_) => "sqlite",
        }
    }

    /// The URL with any password replaced, for logs and messages.
    pub fn redacted(&self) -> String {
        match self {
            Self::Postgres(u) => redact(u),
            Self::Sqlite(p) => format!("sqlite://{p}"),
        }
    }

    pub fn connect(&self) -> Result<DbConnection, DbError> {
        match self {
            Self::Postgres(url) => {
                let conn = diesel::PgConnection::establish(url)
                    .map_err(|e| DbError::Connect(connect_message(&e, self)))?;
                Ok(DbConnection::Postgresql(conn))
            }
            Self::Sqlite(path) => {
                let mut conn = diesel::SqliteConnection::establish(path)
                    .map_err(|e| DbError::Connect(connect_message(&e, self)))?;
                // WAL lets readers run beside the one writer; foreign keys are off by default in SQLite.
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                )
                .map_err(|e| DbError::Connect(e.to_string()))?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

fn connect_message(e: &ConnectionError, url: &DatabaseUrl) -> String {
    let detail = e.to_string();
    let detail = detail.lines().next().unwrap_or("").trim().to_string();
    format!("{} ({})", detail, url.redacted())
}

/// Replaces the password of `scheme://user:password@host` with `***`.
fn redact(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://")
        && let Some((creds, host)) = rest.rsplit_once('@')
    {
        let user = creds.split(':').next().unwrap_or("");
        return format!("{scheme}://{user}:***@{host}");
    }
    url.to_string()
}

pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = DbError;

    fn connect(&self) -> Result<DbConnection, DbError> {
        self.url.connect()
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), DbError> {
        conn.batch_execute("SELECT 1").map_err(DbError::Query)
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

/// Runs `f` in a transaction that takes the write lock up front: `BEGIN IMMEDIATE` in SQLite (a
/// deferred transaction that reads and then writes can fail when another writer got in between),
/// an ordinary transaction in PostgreSQL. Everything `f` writes commits together or not at all.
/// `f` must not open a transaction of its own.
pub fn write_tx<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        DbConnection::Sqlite(_) => {
            conn.batch_execute("BEGIN IMMEDIATE")?;
            match f(conn) {
                Ok(value) => {
                    conn.batch_execute("COMMIT")?;
                    Ok(value)
                }
                Err(e) => {
                    let _ = conn.batch_execute("ROLLBACK");
                    Err(e)
                }
            }
        }
        DbConnection::Postgresql(_) => conn.transaction(f),
    }
}

pub type Pool = r2d2::Pool<ConnectionManager>;
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

/// Opens the pool and checks one connection at once, so a wrong or unreachable database fails
/// at start-up with the reason instead of on the first request.
pub fn open_pool(url: &DatabaseUrl, max_size: u32) -> Result<Pool, DbError> {
    // Prove the database is reachable before building the pool: r2d2 would otherwise retry
    // until its timeout and report only "timed out".
    url.connect()?;
    let max_size = match url {
        // One writer at a time in SQLite; a few connections are plenty.
        DatabaseUrl::Sqlite(_) => max_size.min(8),
        DatabaseUrl::Postgres(_) => max_size,
    };
    r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(5))
        .test_on_check_out(true)
        .build(ConnectionManager { url: url.clone() })
        .map_err(|e| DbError::Connect(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_choose_the_backend_and_hide_passwords() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://zhirong.db")
                .map(|u| u.backend())
                .ok(),
            Some("sqlite")
        );
        let pg = DatabaseUrl::parse("postgres://zr:s3cret@127.0.0.1:5432/zr");
        assert_eq!(pg.as_ref().map(|u| u.backend()).ok(), Some("postgres"));
        assert_eq!(
            pg.map(|u| u.redacted()).ok(),
            Some("postgres://zr:***@127.0.0.1:5432/zr".to_string())
        );
        assert!(DatabaseUrl::parse("zhirong.db").is_err());
        assert!(DatabaseUrl::parse("mysql://x").is_err());
    }
}
