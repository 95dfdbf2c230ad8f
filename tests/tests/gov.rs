//! The government view (政知宝) on both backends: pool figures against the raw demo rows, a rule
//! change by maker-checker that applies to loans covered after it, a depletion simulation run in
//! the background to the end, and the whitelist with its published criteria and CSV export.
//! (Claims approved by the district are in `bank.rs`, at the end of the bank's flow.)

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, Utc};
use diesel::prelude::*;
use serde_json::json;
use zhirong_api::db::schema::{claims, fund_pools, loans, pool_contributions, pool_coverage};
use zhirong_tests::{
    Backend, Client, DEMO_PASSWORD, Server, TestDb, load_demo, on_both_backends, principal_of,
};

fn today() -> chrono::NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

fn pools_match_the_raw_rows_and_rules_change_by_maker_checker(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let login = |u: &str| -> Client { server.client().login(u, DEMO_PASSWORD).0 };
    let (officer, manager) = (login("demo-gov-officer"), login("demo-gov-manager"));
    let district = principal_of(&db, "demo-gov-officer").org_id;
    let mut conn = db.connect();

    let listed = officer.get("/api/gov/pools").json();
    let ids: Vec<i64> = fund_pools::table
        .filter(fund_pools::district_id.eq(district))
        .order(fund_pools::id)
        .select(fund_pools::id)
        .load(&mut conn)
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), ids.len());
    for p in listed.as_array().unwrap() {
        let id = p["id"].as_i64().unwrap();
        let (size, balance): (i64, i64) = fund_pools::table
            .find(id)
            .select((fund_pools::size_fen, fund_pools::balance_fen))
            .first(&mut conn)
            .unwrap();
        assert_eq!(p["balance_fen"], balance);
        let covered: Vec<i64> = pool_coverage::table
            .inner_join(loans::table)
            .filter(pool_coverage::pool_id.eq(id))
            .filter(pool_coverage::status.eq("covered"))
            .select(loans::outstanding_fen)
            .load(&mut conn)
            .unwrap();
        assert_eq!(p["covered_loans"], covered.len());
        let outstanding: i64 = covered.iter().sum();
        assert_eq!(p["covered_outstanding_fen"], outstanding);
        let leverage = p["leverage"].as_f64().unwrap();
        assert!((leverage - outstanding as f64 / size as f64).abs() < 1e-4);
        let paid: i64 = claims::table
            .filter(claims::pool_id.eq(id))
            .filter(claims::status.eq_any(["approved", "paid"]))
            .select(claims::approved_fen.assume_not_null())
            .load::<i64>(&mut conn)
            .unwrap()
            .iter()
            .sum();
        assert_eq!(p["payouts_fen"], paid);
        let contributed: i64 = pool_contributions::table
            .filter(pool_contributions::pool_id.eq(id))
            .select(pool_contributions::amount_fen)
            .load::<i64>(&mut conn)
            .unwrap()
            .iter()
            .sum();
        assert_eq!(
            p["government_contribution_fen"].as_i64().unwrap()
                + p["bank_contribution_fen"].as_i64().unwrap(),
            contributed
        );
        assert_eq!(
            contributed, size,
            "the demo's contributions make up the pool"
        );
    }

    // A rule change: bad input named; proposed; the proposer cannot approve; approved, it is
    // the next version and in force from its date.
    let pool = ids[0];
    let detail = officer.get(&format!("/api/gov/pools/{pool}")).json();
    let versions = detail["rules"].as_array().unwrap().len() as i64;
    let rule = json!({"gov_share_bp": 5000, "bank_share_bp": 3000, "guarantor_share_bp": 2000,
        "insurer_share_bp": 0, "per_loan_cap_fen": 300_000_000i64, "leverage_limit_pct": 800,
        "effective_from": today().to_string(), "eligibility": {"max_bad_credit_years": 3}});
    for (patch, want) in [
        (json!({"gov_share_bp": 6000}), "gov_share_bp"),
        (json!({"leverage_limit_pct": 0}), "leverage_limit_pct"),
        (
            json!({"effective_from": (today() - Duration::days(1)).to_string()}),
            "effective_from",
        ),
        (
            json!({"eligibility": {"max_bad_credit_years": 0}}),
            "eligibility",
        ),
    ] {
        let mut body = rule.clone();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let res = officer.post(&format!("/api/gov/pools/{pool}/rules"), &body);
        assert_eq!(res.status, 400, "{patch}: {}", res.body);
        assert_eq!(res.json()["error"]["field"], want);
    }
    let res = officer.post(&format!("/api/gov/pools/{pool}/rules"), &rule);
    assert_eq!(res.status, 201, "{}", res.body);
    let proposal = res.json()["id"].as_i64().unwrap();
    assert_eq!(
        officer
            .post(
                &format!("/api/gov/proposals/{proposal}/approve"),
                &json!({})
            )
            .status,
        403
    );
    let res = manager.post(
        &format!("/api/gov/proposals/{proposal}/approve"),
        &json!({}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let detail = officer.get(&format!("/api/gov/pools/{pool}")).json();
    assert_eq!(
        detail["rules"].as_array().unwrap().len() as i64,
        versions + 1
    );
    assert_eq!(detail["rule"]["version"], versions + 1);
    assert_eq!(detail["rule"]["gov_share_bp"], 5000);
    assert_eq!(detail["rule"]["eligibility"]["max_bad_credit_years"], 3);
    assert_eq!(detail["leverage_limit"], 8.0);
}

fn a_simulation_runs_in_the_background_to_the_end(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let officer = server.client().login("demo-gov-officer", DEMO_PASSWORD).0;
    let pool = officer.get("/api/gov/pools").json()[0]["id"]
        .as_i64()
        .unwrap();
    let res = officer.post(
        &format!("/api/gov/pools/{pool}/simulations"),
        &json!({"scenarios": 0}),
    );
    assert_eq!(res.status, 400);
    assert_eq!(res.json()["error"]["field"], "scenarios");
    let res = officer.post(
        &format!("/api/gov/pools/{pool}/simulations"),
        &json!({"scenarios": 1}),
    );
    assert_eq!(res.status, 202, "{}", res.body);
    let res = officer.post(
        &format!("/api/gov/pools/{pool}/simulations"),
        &json!({"scenarios": 20000, "seed": 7, "stress": {"pd_multiplier": 2.0, "value_shock": {"G": 0.3}}}),
    );
    assert_eq!(res.status, 202, "{}", res.body);
    let sim = res.json()["id"].as_i64().unwrap();
    let started = std::time::Instant::now();
    let mut view = json!(null);
    while started.elapsed() < std::time::Duration::from_secs(60) {
        view = officer
            .get(&format!("/api/gov/pools/{pool}/simulations/{sim}"))
            .json();
        if view["status"] == "done" || view["status"] == "failed" {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(view["status"], "done", "{view}");
    assert_eq!(view["progress"], 1.0);
    let result = &view["result"];
    assert_eq!(result["scenarios"], 20000);
    assert!(result["loans"].as_i64().unwrap() > 0, "{result}");
    let p = result["depletion_probability"].as_f64().unwrap_or(-1.0);
    assert!((0.0..=1.0).contains(&p), "{result}");
    assert!(result["stress"].is_object(), "{result}");
    let list = officer
        .get(&format!("/api/gov/pools/{pool}/simulations"))
        .json();
    assert!(list.as_array().unwrap().len() >= 2);
}

fn the_whitelist_follows_the_published_criteria(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let officer = server.client().login("demo-gov-officer", DEMO_PASSWORD).0;
    let list = officer.get("/api/gov/whitelist").json();
    assert_eq!(list["criteria"]["version"], 0, "the platform's defaults");
    let entries = list["entries"].as_array().unwrap();
    assert!(!entries.is_empty(), "{list}");
    assert!(entries.iter().all(|e| e["rating"] == "normal"));
    assert!(
        entries
            .iter()
            .all(|e| e["valid_inventions"].as_i64().unwrap() >= 1)
    );
    // Stricter criteria: fewer (or as many) enterprises, all meeting them.
    let res = officer.put(
        "/api/gov/whitelist/criteria",
        &json!({"ratings": ["normal"], "no_severe_event_years": 3, "min_valid_inventions": 5,
                "min_collateral_coverage": 2.0}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["version"], 1);
    let strict = officer.get("/api/gov/whitelist").json();
    let strict_entries = strict["entries"].as_array().unwrap();
    assert!(strict_entries.len() <= entries.len());
    assert!(
        strict_entries
            .iter()
            .all(|e| e["valid_inventions"].as_i64().unwrap() >= 5)
    );
    let res = officer.put(
        "/api/gov/whitelist/criteria",
        &json!({"ratings": ["excellent"], "no_severe_event_years": 3, "min_valid_inventions": 1,
                "min_collateral_coverage": 1.0}),
    );
    assert_eq!(
        (res.status, res.json()["error"]["field"].clone()),
        (400, json!("ratings"))
    );
    let csv = officer.get("/api/gov/whitelist?format=csv");
    assert_eq!(csv.status, 200);
    assert!(csv.body.starts_with('\u{feff}'));
    assert!(csv.body.contains("企业名称,统一社会信用代码"));
    assert_eq!(csv.body.lines().count(), strict_entries.len() + 1);
}

/// A rule's eligibility refuses coverage to an enterprise with a bad credit record in its window
/// and grants it to one without.
fn eligibility_is_enforced_at_coverage(backend: Backend) {
    use zhirong_api::db::models::NewRiskEvent;
    use zhirong_api::db::schema::{pool_rules, risk_events};
    use zhirong_api::services::bank::pledges::cover;
    let db = TestDb::new(backend);
    load_demo(&db);
    let mut conn = db.connect();
    let officer = principal_of(&db, "demo-officer");
    let district = principal_of(&db, "demo-gov-officer").org_id;
    let pool: i64 = fund_pools::table
        .filter(fund_pools::district_id.eq(district))
        .select(fund_pools::id)
        .first(&mut conn)
        .unwrap();
    let version: i32 = pool_rules::table
        .filter(pool_rules::pool_id.eq(pool))
        .select(diesel::dsl::max(pool_rules::version))
        .first::<Option<i32>>(&mut conn)
        .unwrap()
        .unwrap();
    let now = Utc::now().naive_utc();
    diesel::insert_into(pool_rules::table)
        .values((
            pool_rules::pool_id.eq(pool),
            pool_rules::version.eq(version + 1),
            pool_rules::gov_share_bp.eq(4000),
            pool_rules::bank_share_bp.eq(3000),
            pool_rules::guarantor_share_bp.eq(3000),
            pool_rules::insurer_share_bp.eq(0),
            pool_rules::per_loan_cap_fen.eq(500_000_000i64),
            pool_rules::leverage_limit_pct.eq(5000),
            pool_rules::effective_from.eq(today()),
            pool_rules::eligibility_json.eq(r#"{"max_bad_credit_years":3}"#),
            pool_rules::created_at.eq(now),
        ))
        .execute(&mut conn)
        .unwrap();
    // Two loans of the demo bank not covered by any pool, of enterprises without bad records.
    let bad_types = [
        "overdue_90",
        "other_bank_overdue",
        "guarantee_default",
        "dishonest_debtor",
    ];
    let candidates: Vec<(i64, i64)> = loans::table
        .filter(loans::bank_id.eq(officer.org_id))
        .select((loans::id, loans::enterprise_id))
        .load(&mut conn)
        .unwrap();
    let clean: Vec<(i64, i64)> = candidates
        .into_iter()
        .filter(|(loan, enterprise)| {
            let covered: i64 = pool_coverage::table
                .filter(pool_coverage::loan_id.eq(loan))
                .count()
                .get_result(&mut conn)
                .unwrap();
            let bad: i64 = risk_events::table
                .filter(risk_events::enterprise_id.eq(enterprise))
                .filter(risk_events::event_type.eq_any(bad_types))
                .count()
                .get_result(&mut conn)
                .unwrap();
            covered == 0 && bad == 0
        })
        .take(2)
        .collect();
    assert_eq!(
        clean.len(),
        2,
        "the demo has uncovered loans of clean enterprises"
    );
    diesel::insert_into(risk_events::table)
        .values(NewRiskEvent {
            enterprise_id: clean[0].1,
            event_type: "dishonest_debtor".into(),
            occurred_on: today() - Duration::days(400),
            amount_fen: None,
            patent_id: None,
            source: "test".into(),
            event_ref: "eligibility-test".into(),
            created_at: now,
        })
        .execute(&mut conn)
        .unwrap();
    let refused = zhirong_api::db::write_tx(&mut conn, |c| {
        cover(c, &officer, pool, clean[0].0, 100, today(), now, "test")
    })
    .unwrap();
    assert!(!refused.granted, "{}", refused.message);
    assert!(
        refused.message.contains("不良信用记录"),
        "{}",
        refused.message
    );
    let granted = zhirong_api::db::write_tx(&mut conn, |c| {
        cover(c, &officer, pool, clean[1].0, 100, today(), now, "test")
    })
    .unwrap();
    assert!(granted.granted, "{}", granted.message);
    assert_eq!(granted.rule_version, Some(version + 1));
}

on_both_backends!(
    eligibility_is_enforced_at_coverage,
    pools_match_the_raw_rows_and_rules_change_by_maker_checker,
    a_simulation_runs_in_the_background_to_the_end,
    the_whitelist_follows_the_published_criteria
);
