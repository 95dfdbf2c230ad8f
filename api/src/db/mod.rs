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
    #[error(
        "the database cannot be written to ({0}): check the file, its directory and its filesystem"
    )]
    NotWritable(String),
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
                let mut conn = diesel::SqliteConnection::establish(path).map_err(|e| {
                    DbError::Connect(format!(
                        "{}{}",
                        connect_message(&e, self),
                        sqlite_write_problem(path)
                    ))
                })?;
                // WAL lets readers run beside the one writer; foreign keys are off by default in SQLite.
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                )
                .map_err(|e| DbError::Connect(format!("{e}{}", sqlite_write_problem(path))))?;
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

/// Why SQLite could not open an existing file, in the operating system's words, when the
/// reason is that it cannot be written to (SQLite says only "unable to open database file"):
/// a read-only filesystem, say. Empty when the file opens for writing or does not exist.
fn sqlite_write_problem(path: &str) -> String {
    let path = std::path::Path::new(path);
    if !path.exists() {
        return String::new();
    }
    match std::fs::OpenOptions::new().append(true).open(path) {
        Ok(_) => String::new(),
        Err(e) => format!(
            "; {} cannot be opened for writing ({e}): zhirong needs to write to it and to its -wal and -shm files beside it",
            path.display()
        ),
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
                Ok(value) => match conn.batch_execute("COMMIT") {
                    Ok(()) => Ok(value),
                    Err(e) => {
                        // A COMMIT that fails (disk full, I/O error) may leave the transaction
                        // open; the pooled connection must not carry it to the next request.
                        let _ = conn.batch_execute("ROLLBACK");
                        Err(e.into())
                    }
                },
                Err(e) => {
                    let _ = conn.batch_execute("ROLLBACK");
                    Err(e)
                }
            }
        }
        DbConnection::Postgresql(_) => conn.transaction(f),
    }
}

/// A failure that is the state of the database or of its storage, not the request's fault and
/// not a bug: the connection lost, the database busy, the file read-only, the disk full. Nothing
/// of the request was saved (every write is one transaction); it can be retried once the cause
/// is gone. The service answers 503 with the code, and logs it for the operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageFault {
    ConnectionLost,
    Busy,
    ReadOnly,
    DiskFull,
    Io,
}

impl StorageFault {
    /// Recognises the failure from diesel's kind or, where the drivers give only text, from the
    /// message of PostgreSQL (libpq) or SQLite.
    pub fn of(e: &diesel::result::Error) -> Option<Self> {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => {
                Some(Self::ConnectionLost)
            }
            Error::DatabaseError(DatabaseErrorKind::ReadOnlyTransaction, _) => Some(Self::ReadOnly),
            Error::DatabaseError(DatabaseErrorKind::UnableToSendCommand, _) => {
                Some(Self::ConnectionLost)
            }
            Error::DatabaseError(_, info) => Self::of_message(info.message()),
            Error::RollbackErrorOnCommit {
                commit_error,
                rollback_error,
            } => Self::of(commit_error).or_else(|| Self::of(rollback_error)),
            _ => None,
        }
    }

    fn of_message(message: &str) -> Option<Self> {
        let m = message.to_ascii_lowercase();
        let any = |needles: &[&str]| needles.iter().any(|n| m.contains(n));
        if any(&[
            "server closed the connection",
            "terminating connection",
            "no connection to the server",
            "could not receive data from server",
            "could not send data to server",
            "connection to server",
            "the database system is shutting down",
            "the database system is starting up",
            "the database system is in recovery mode",
        ]) {
            Some(Self::ConnectionLost)
        } else if any(&["database is locked", "database table is locked"]) {
            Some(Self::Busy)
        } else if any(&["readonly database", "read-only transaction"]) {
            Some(Self::ReadOnly)
        } else if any(&["database or disk is full", "no space left on device"]) {
            Some(Self::DiskFull)
        } else if any(&[
            "disk i/o error",
            "could not extend file",
            "could not write to file",
        ]) {
            Some(Self::Io)
        } else {
            None
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::ConnectionLost => "DATABASE_UNAVAILABLE",
            Self::Busy => "DATABASE_BUSY",
            Self::ReadOnly => "DATABASE_READ_ONLY",
            Self::DiskFull => "DISK_FULL",
            Self::Io => "STORAGE_ERROR",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Self::ConnectionLost => {
                "the database connection was lost; nothing was saved, try again shortly"
            }
            Self::Busy => "the database is busy; nothing was saved, try again shortly",
            Self::ReadOnly => {
                "the database is read-only and accepts no changes; nothing was saved (the operator has been told)"
            }
            Self::DiskFull => {
                "the database's disk is full; nothing was saved (the operator has been told)"
            }
            Self::Io => {
                "the database's storage failed to write; nothing was saved (the operator has been told)"
            }
        }
    }
}

/// Refuses to serve from a database that cannot be written to (a read-only SQLite file or
/// filesystem): every sign-in writes, so such a service could do nothing but fail.
pub fn check_writable(conn: &mut DbConnection) -> Result<(), DbError> {
    let probe = match conn {
        DbConnection::Sqlite(_) => {
            "BEGIN IMMEDIATE; CREATE TABLE main.zr_write_probe (x INTEGER); ROLLBACK;"
        }
        DbConnection::Postgresql(_) => return Ok(()),
    };
    conn.batch_execute(probe).map_err(|e| {
        let _ = conn.batch_execute("ROLLBACK");
        match StorageFault::of(&e) {
            Some(fault) => DbError::NotWritable(format!("{}: {e}", fault.code())),
            None => DbError::Query(e),
        }
    })
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

    #[test]
    fn storage_faults_are_told_from_the_drivers_messages() {
        let cases = [
            // libpq when the server goes away, and PostgreSQL's own shutdown notices
            (
                "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally",
                Some(StorageFault::ConnectionLost),
            ),
            (
                "terminating connection due to administrator command",
                Some(StorageFault::ConnectionLost),
            ),
            (
                "the database system is shutting down",
                Some(StorageFault::ConnectionLost),
            ),
            (
                "no connection to the server",
                Some(StorageFault::ConnectionLost),
            ),
            // SQLite
            ("database is locked", Some(StorageFault::Busy)),
            (
                "attempt to write a readonly database",
                Some(StorageFault::ReadOnly),
            ),
            ("database or disk is full", Some(StorageFault::DiskFull)),
            ("disk I/O error", Some(StorageFault::Io)),
            // PostgreSQL out of space
            (
                "could not extend file \"base/16384/2619\": No space left on device",
                Some(StorageFault::DiskFull),
            ),
            // the request's own faults are not storage faults
            ("UNIQUE constraint failed: patents.patent_number", None),
            ("CHECK constraint failed: amount_fen > 0", None),
            ("no such table: patents", None),
        ];
        for (message, want) in cases {
            assert_eq!(StorageFault::of_message(message), want, "{message}");
        }
        let closed = diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::ClosedConnection,
            Box::new(String::from("anything")),
        );
        assert_eq!(
            StorageFault::of(&closed),
            Some(StorageFault::ConnectionLost)
        );
        assert_eq!(StorageFault::of(&diesel::result::Error::NotFound), None);
        for fault in [
            StorageFault::ConnectionLost,
            StorageFault::Busy,
            StorageFault::ReadOnly,
            StorageFault::DiskFull,
            StorageFault::Io,
        ] {
            assert!(fault.message().contains("nothing was saved"), "{fault:?}");
        }
    }

    #[test]
    fn a_sqlite_file_opened_read_only_is_not_writable() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("ro.db");
        let url = DatabaseUrl::parse(&format!("sqlite://{}", path.display())).expect("url");
        let mut conn = url.connect().expect("create");
        assert!(check_writable(&mut conn).is_ok());
        drop(conn);
        let ro = DatabaseUrl::Sqlite(format!("file:{}?mode=ro", path.display()));
        let mut conn = ro.connect().expect("open read-only");
        let err = check_writable(&mut conn).expect_err("read-only");
        assert!(err.to_string().contains("DATABASE_READ_ONLY"), "{err}");
    }
}
