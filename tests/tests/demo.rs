//! `zhirong demo`: the figures of DOMAIN.md, checked in the database, on both backends.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use zhirong_api::auth::password;
use zhirong_api::db::DbConnection;
use zhirong_api::domain::{PatentNumber, Uscc};
use zhirong_engine::valuation::PatentType;
use zhirong_tests::{Backend, TestDb, on_both_backends, run, stderr, stdout, zhirong};

#[derive(QueryableByName)]
struct N {
    #[diesel(sql_type = Nullable<BigInt>)]
    n: Option<i64>,
}

#[derive(QueryableByName)]
struct S {
    #[diesel(sql_type = Text)]
    s: String,
}

fn scalar(conn: &mut DbConnection, sql: &str) -> i64 {
    let rows: Vec<N> = diesel::sql_query(sql)
        .load(conn)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.first().and_then(|r| r.n).unwrap_or(0)
}

fn strings(conn: &mut DbConnection, sql: &str) -> Vec<String> {
    let rows: Vec<S> = diesel::sql_query(sql)
        .load(conn)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.into_iter().map(|r| r.s).collect()
}

const YUAN: i64 = 100;

fn demo_loads_the_published_figures(backend: Backend) {
    let db = TestDb::new(backend);
    let out = run(zhirong(&db.url).args(["demo"]));
    assert!(out.status.success(), "demo failed: {}", stderr(&out));
    let text = stdout(&out);
    for login in [
        "demo-enterprise",
        "demo-officer",
        "demo-manager",
        "demo-gov-officer",
        "demo-gov-manager",
        "demo-admin",
    ] {
        assert!(text.contains(login), "login {login} not printed:\n{text}");
    }
    assert!(
        text.contains("zhirong-demo"),
        "the default password is printed:\n{text}"
    );

    let mut c = db.connect();
    // Five district pools, RMB 130 m in all, co-built with banks.
    assert_eq!(scalar(&mut c, "SELECT COUNT(*) AS n FROM fund_pools"), 5);
    assert_eq!(
        scalar(
            &mut c,
            "SELECT CAST(SUM(size_fen) AS BIGINT) AS n FROM fund_pools"
        ),
        130_000_000 * YUAN
    );
    let districts = strings(
        &mut c,
        "SELECT o.name AS s FROM fund_pools p JOIN organisations o ON o.id = p.district_id ORDER BY o.name",
    );
    for d in ["海淀", "顺义", "门头沟", "房山", "滨海"] {
        assert!(
            districts.iter().any(|n| n.contains(d)),
            "no pool for {d}: {districts:?}"
        );
    }
    assert!(
        scalar(
            &mut c,
            "SELECT MIN(k) AS n FROM (SELECT COUNT(*) AS k FROM pool_banks GROUP BY pool_id) x"
        ) >= 3
    );
    // Shares add up (also a CHECK), and every pool has a rule.
    assert_eq!(
        scalar(
            &mut c,
            "SELECT COUNT(DISTINCT pool_id) AS n FROM pool_rules"
        ),
        5
    );

    // About a dozen banks and a guarantor.
    let banks = scalar(
        &mut c,
        "SELECT COUNT(*) AS n FROM organisations WHERE kind = 'bank'",
    );
    assert!((10..=14).contains(&banks), "{banks} banks");
    assert_eq!(
        scalar(
            &mut c,
            "SELECT COUNT(*) AS n FROM organisations WHERE kind = 'guarantor'"
        ),
        1
    );

    // About 420 enterprises, each with a valid USCC whose division code is its district's.
    let enterprises = scalar(
        &mut c,
        "SELECT COUNT(*) AS n FROM organisations WHERE kind = 'enterprise'",
    );
    assert!(
        (400..=440).contains(&enterprises),
        "{enterprises} enterprises"
    );
    let codes = strings(
        &mut c,
        "SELECT e.uscc || '|' || d.division_code AS s FROM organisations e JOIN organisations d ON d.id = e.district_org_id WHERE e.kind = 'enterprise'",
    );
    assert_eq!(codes.len() as i64, enterprises);
    for row in &codes {
        let (uscc, division) = row.split_once('|').expect("pair");
        let parsed = Uscc::parse(uscc).unwrap_or_else(|e| panic!("{uscc}: {e}"));
        assert_eq!(parsed.division_code(), division);
    }

    // A few thousand patents, every number valid and agreeing with its type.
    let patents = scalar(&mut c, "SELECT COUNT(*) AS n FROM patents");
    assert!((2_000..=6_000).contains(&patents), "{patents} patents");
    for row in strings(
        &mut c,
        "SELECT patent_number || '|' || patent_type AS s FROM patents",
    ) {
        let (number, t) = row.split_once('|').expect("pair");
        let t = PatentType::parse(t).expect("type");
        PatentNumber::parse_for(number, t).unwrap_or_else(|e| panic!("{number}: {e}"));
    }
    assert!(
        scalar(
            &mut c,
            "SELECT COUNT(*) AS n FROM patents WHERE legal_status = 'valid'"
        ) > patents / 2
    );

    // RMB 1.5–2 bn lent in 1–2 year loans at 2–3 %; some in arrears, a few defaulted.
    let lent = scalar(
        &mut c,
        "SELECT CAST(SUM(principal_fen) AS BIGINT) AS n FROM loans",
    );
    assert!(
        (1_500_000_000 * YUAN..=2_000_000_000 * YUAN).contains(&lent),
        "lent {lent} fen"
    );
    assert_eq!(
        scalar(
            &mut c,
            "SELECT COUNT(*) AS n FROM loans WHERE term_months < 12 OR term_months > 24"
        ),
        0
    );
    assert_eq!(
        scalar(
            &mut c,
            "SELECT COUNT(*) AS n FROM loans WHERE rate_bp < 200 OR rate_bp > 300"
        ),
        0
    );
    assert_eq!(
        scalar(
            &mut c,
            "SELECT COUNT(*) AS n FROM loans WHERE principal_fen > 5000000000"
        ),
        0
    );
    let overdue = scalar(
        &mut c,
        "SELECT COUNT(*) AS n FROM loans WHERE status = 'overdue'",
    );
    let defaulted = scalar(
        &mut c,
        "SELECT COUNT(*) AS n FROM loans WHERE status = 'defaulted'",
    );
    assert!(overdue >= 5, "{overdue} overdue loans");
    assert!((3..=40).contains(&defaulted), "{defaulted} defaulted loans");
    assert!(scalar(&mut c, "SELECT COUNT(*) AS n FROM disposals") >= 3);
    assert!(scalar(&mut c, "SELECT COUNT(*) AS n FROM claims") >= 2);
    assert!(
        scalar(
            &mut c,
            "SELECT COUNT(*) AS n FROM claims WHERE status = 'paid'"
        ) >= 1
    );
    // Every registered pledge carries its registration number and date (a CHECK too).
    assert!(
        scalar(
            &mut c,
            "SELECT COUNT(*) AS n FROM pledges WHERE status = 'registered'"
        ) > 100
    );
    // Paid claims came out of the pools.
    assert_eq!(
        scalar(
            &mut c,
            "SELECT CAST(SUM(size_fen - balance_fen) AS BIGINT) AS n FROM fund_pools"
        ),
        scalar(
            &mut c,
            "SELECT CAST(COALESCE(SUM(approved_fen), 0) AS BIGINT) AS n FROM claims WHERE status = 'paid'"
        )
    );
    // No pool covers more than its leverage limit allows of live loans.
    assert_eq!(
        scalar(
            &mut c,
            "SELECT COUNT(*) AS n FROM (SELECT p.id, p.size_fen, MAX(r.leverage_limit_pct) AS lev, CAST(SUM(l.outstanding_fen) AS BIGINT) AS covered \
             FROM fund_pools p JOIN pool_rules r ON r.pool_id = p.id JOIN pool_coverage c ON c.pool_id = p.id AND c.status = 'covered' \
             JOIN loans l ON l.id = c.loan_id GROUP BY p.id, p.size_fen) x WHERE covered * 100 > size_fen * lev"
        ),
        0
    );

    // Risk events of every type in RISK.md.
    let types = strings(&mut c, "SELECT DISTINCT event_type AS s FROM risk_events");
    assert_eq!(types.len(), 21, "{types:?}");

    // The six logins, with the demo password, in organisations of the right kind.
    let rows = strings(
        &mut c,
        "SELECT u.username || '|' || u.role || '|' || o.kind || '|' || u.password_hash AS s FROM users u JOIN organisations o ON o.id = u.org_id ORDER BY u.username",
    );
    assert_eq!(rows.len(), 6);
    for row in rows {
        let parts: Vec<&str> = row.splitn(4, '|').collect();
        let expected_kind = match parts[1] {
            "enterprise_user" => "enterprise",
            "bank_officer" | "bank_manager" => "bank",
            "gov_officer" | "gov_manager" => "district",
            _ => "operator",
        };
        assert_eq!(parts[2], expected_kind, "{}", parts[0]);
        assert!(
            password::verify("zhirong-demo", parts[3]),
            "{} cannot log in with the demo password",
            parts[0]
        );
    }
    // The demo enterprise has a live loan with the demo bank.
    assert!(
        scalar(
            &mut c,
            "SELECT COUNT(*) AS n FROM loans l JOIN users e ON e.org_id = l.enterprise_id AND e.username = 'demo-enterprise' \
             JOIN users b ON b.org_id = l.bank_id AND b.username = 'demo-officer' WHERE l.status = 'active'"
        ) >= 1
    );
    // The load itself is audited.
    assert_eq!(
        scalar(
            &mut c,
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'demo.load'"
        ),
        1
    );
}

fn demo_refuses_a_non_empty_database_unless_reset_and_is_deterministic(backend: Backend) {
    let db = TestDb::new(backend);
    let first = run(zhirong(&db.url).args(["demo"]));
    assert!(first.status.success(), "{}", stderr(&first));
    let mut c = db.connect();
    let lent = scalar(
        &mut c,
        "SELECT CAST(SUM(principal_fen) AS BIGINT) AS n FROM loans",
    );
    let numbers = strings(
        &mut c,
        "SELECT patent_number AS s FROM patents ORDER BY patent_number",
    );

    let again = run(zhirong(&db.url).args(["demo"]));
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("--reset"), "{}", stderr(&again));

    let reset = run(zhirong(&db.url)
        .args(["demo", "--reset"])
        .env("ZHIRONG_DEMO_PASSWORD", "another-password-123"));
    assert!(reset.status.success(), "{}", stderr(&reset));
    assert!(
        !stdout(&reset).contains("another-password-123"),
        "a chosen password is not printed"
    );
    assert_eq!(
        scalar(
            &mut c,
            "SELECT CAST(SUM(principal_fen) AS BIGINT) AS n FROM loans"
        ),
        lent
    );
    assert_eq!(
        strings(
            &mut c,
            "SELECT patent_number AS s FROM patents ORDER BY patent_number"
        ),
        numbers
    );
    let hash = strings(
        &mut c,
        "SELECT password_hash AS s FROM users WHERE username = 'demo-admin'",
    );
    assert!(password::verify("another-password-123", &hash[0]));
}

on_both_backends!(
    demo_loads_the_published_figures,
    demo_refuses_a_non_empty_database_unless_reset_and_is_deterministic
);
