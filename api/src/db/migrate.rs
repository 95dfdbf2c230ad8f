//! Embedded migrations of both dialects. `migrations/sqlite` and `migrations/postgres` hold the
//! same tables; each backend runs its own set.

use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::{DbConnection, DbError};

const SQLITE: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

fn names(versions: Vec<diesel::migration::MigrationVersion<'_>>) -> Vec<String> {
    versions.into_iter().map(|v| v.to_string()).collect()
}

/// Applies every pending migration; returns the versions applied, oldest first.
pub fn run_pending(conn: &mut DbConnection) -> Result<Vec<String>, DbError> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE).map(names),
        DbConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES).map(names),
    };
    applied.map_err(|e| DbError::Migration(e.to_string()))
}

/// The versions not yet applied (empty when the schema is current).
pub fn pending(conn: &mut DbConnection) -> Result<Vec<String>, DbError> {
    let pending = match conn {
        DbConnection::Sqlite(c) => c
            .pending_migrations(SQLITE)
            .map(|m| m.iter().map(|m| m.name().to_string()).collect()),
        DbConnection::Postgresql(c) => c
            .pending_migrations(POSTGRES)
            .map(|m| m.iter().map(|m| m.name().to_string()).collect()),
    };
    pending.map_err(|e| DbError::Migration(e.to_string()))
}

/// Reverts every applied migration, newest first; returns the versions reverted.
pub fn revert_all(conn: &mut DbConnection) -> Result<Vec<String>, DbError> {
    let reverted = match conn {
        DbConnection::Sqlite(c) => c.revert_all_migrations(SQLITE).map(names),
        DbConnection::Postgresql(c) => c.revert_all_migrations(POSTGRES).map(names),
    };
    reverted.map_err(|e| DbError::Migration(e.to_string()))
}
