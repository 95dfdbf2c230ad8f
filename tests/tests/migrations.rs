//! The schema: both dialects apply, revert and re-apply cleanly, and the tables are the same.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use zhirong_api::db::{DbConnection, migrate};
use zhirong_tests::{Backend, TestDb, on_both_backends};

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn tables(conn: &mut DbConnection) -> Vec<String> {
    let sql = match conn {
        DbConnection::Sqlite(_) => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations' ORDER BY name"
        }
        DbConnection::Postgresql(_) => {
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations' ORDER BY table_name"
        }
    };
    let rows: Vec<Name> = diesel::sql_query(sql).load(conn).expect("list tables");
    rows.into_iter().map(|r| r.name).collect()
}

const TABLES: [&str; 40] = [
    "alerts",
    "annual_fee_schedule",
    "applications",
    "audit_log",
    "bank_loan_quality",
    "claim_adjustments",
    "claim_recoveries",
    "claims",
    "disposal_cases",
    "disposal_offers",
    "disposals",
    "feed_providers",
    "feed_quarantine",
    "feed_records",
    "financial_statements",
    "fund_pools",
    "idempotency_keys",
    "job_runs",
    "loans",
    "login_throttle",
    "organisations",
    "patent_change_requests",
    "patent_disputes",
    "patents",
    "pledges",
    "pool_banks",
    "pool_contributions",
    "pool_coverage",
    "pool_rules",
    "pool_simulations",
    "proposal_secrets",
    "proposals",
    "refresh_tokens",
    "repayments",
    "risk_events",
    "scorecards",
    "sign_in_attempts",
    "users",
    "valuations",
    "whitelist_criteria",
];

fn migrations_apply_revert_and_reapply(backend: Backend) {
    let db = TestDb::new(backend);
    let mut conn = db.connect();
    assert!(
        !migrate::pending(&mut conn).expect("pending").is_empty(),
        "a fresh database has pending migrations"
    );

    let applied = migrate::run_pending(&mut conn).expect("apply");
    assert!(!applied.is_empty());
    assert!(migrate::pending(&mut conn).expect("pending").is_empty());
    assert_eq!(tables(&mut conn), TABLES);

    // The seed rows: the operator organisation and the annual fee schedule (15 bands).
    let fees: Vec<Count> = diesel::sql_query("SELECT COUNT(*) AS n FROM annual_fee_schedule")
        .load(&mut conn)
        .expect("count");
    assert_eq!(fees[0].n, 15);
    let ops: Vec<Count> =
        diesel::sql_query("SELECT COUNT(*) AS n FROM organisations WHERE kind = 'operator'")
            .load(&mut conn)
            .expect("count");
    assert_eq!(ops[0].n, 1);

    let reverted = migrate::revert_all(&mut conn).expect("revert");
    assert_eq!(reverted.len(), applied.len());
    assert!(
        tables(&mut conn).is_empty(),
        "revert leaves no table behind: {:?}",
        tables(&mut conn)
    );

    migrate::run_pending(&mut conn).expect("re-apply");
    assert_eq!(tables(&mut conn), TABLES);
}

fn constraints_refuse_bad_rows(backend: Backend) {
    let db = TestDb::new(backend);
    let mut conn = db.connect();
    migrate::run_pending(&mut conn).expect("apply");
    use diesel::connection::SimpleConnection;
    // An enterprise must carry a USCC and a district.
    assert!(conn.batch_execute("INSERT INTO organisations (kind, name, created_at) VALUES ('enterprise', 'x', '2026-01-01 00:00:00')").is_err());
    // A foreign key that points nowhere.
    assert!(conn
        .batch_execute("INSERT INTO users (username, password_hash, role, org_id, disabled, created_at) VALUES ('u', 'h', 'admin', 999, FALSE, '2026-01-01 00:00:00')")
        .is_err());
    // A role that does not exist.
    assert!(conn
        .batch_execute("INSERT INTO users (username, password_hash, role, org_id, disabled, created_at) VALUES ('u', 'h', 'root', 1, FALSE, '2026-01-01 00:00:00')")
        .is_err());
    // Pool shares must add up to 100 %. (Ids come from queries: PostgreSQL's sequences advance
    // on failed inserts too.)
    assert!(conn
        .batch_execute("INSERT INTO organisations (kind, name, division_code, created_at) VALUES ('district', 'd', '110108', '2026-01-01 00:00:00')")
        .is_ok());
    assert!(conn
        .batch_execute("INSERT INTO fund_pools (district_id, name, size_fen, balance_fen, opened_on, status, created_at) SELECT id, 'p', 100, 100, '2026-01-01', 'open', '2026-01-01 00:00:00' FROM organisations WHERE kind = 'district'")
        .is_ok());
    assert!(conn
        .batch_execute("INSERT INTO pool_rules (pool_id, version, gov_share_bp, bank_share_bp, guarantor_share_bp, insurer_share_bp, per_loan_cap_fen, leverage_limit_pct, effective_from, created_at) SELECT id, 1, 4000, 3000, 2000, 0, 100, 1000, '2026-01-01', '2026-01-01 00:00:00' FROM fund_pools")
        .is_err());
}

on_both_backends!(
    migrations_apply_revert_and_reapply,
    constraints_refuse_bad_rows
);
