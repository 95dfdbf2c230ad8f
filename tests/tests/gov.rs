//! The government view (政知宝) on both backends: pool figures against the raw demo rows, a rule
//! change by maker-checker that applies to loans covered after it, a depletion simulation run in
//! the background to the end, and the whitelist with its published criteria and CSV export.
//! (Claims approved by the district are in `bank.rs`, at the end of the bank's flow.)

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, Utc};
use diesel::prelude::*;
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};

use zhirong_api::db::schema::{
    applications, claims, fund_pools, loans, organisations, pool_contributions, pool_coverage,
};
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

/// Adds the pool's next rule version, in force today (straight into the database: these tests
/// are about what a rule does, not how it is approved); answers the version.
fn add_rule(
    conn: &mut zhirong_api::db::DbConnection,
    pool: i64,
    leverage_limit_pct: i32,
    eligibility_json: &str,
) -> i32 {
    use zhirong_api::db::schema::pool_rules;
    let version: i32 = pool_rules::table
        .filter(pool_rules::pool_id.eq(pool))
        .select(diesel::dsl::max(pool_rules::version))
        .first::<Option<i32>>(conn)
        .unwrap()
        .unwrap();
    diesel::insert_into(pool_rules::table)
        .values((
            pool_rules::pool_id.eq(pool),
            pool_rules::version.eq(version + 1),
            pool_rules::gov_share_bp.eq(4000),
            pool_rules::bank_share_bp.eq(3000),
            pool_rules::guarantor_share_bp.eq(3000),
            pool_rules::insurer_share_bp.eq(0),
            pool_rules::per_loan_cap_fen.eq(500_000_000i64),
            pool_rules::leverage_limit_pct.eq(leverage_limit_pct),
            pool_rules::effective_from.eq(today()),
            pool_rules::eligibility_json.eq(eligibility_json),
            pool_rules::created_at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn)
        .unwrap();
    version + 1
}

/// A rule's eligibility refuses coverage to an enterprise with a bad credit record in its window
/// and grants it to one without.
fn eligibility_is_enforced_at_coverage(backend: Backend) {
    use zhirong_api::db::models::NewRiskEvent;
    use zhirong_api::db::schema::risk_events;
    use zhirong_api::services::pledges::cover;
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
    let now = Utc::now().naive_utc();
    let version = add_rule(&mut conn, pool, 5000, r#"{"max_bad_credit_years":3}"#) - 1;
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

/// The financing report's figures, by bank, industry, district and month, against sums computed
/// here from the raw demo rows; the Excel and CSV downloads carry the same figures under Chinese
/// headers; bad parameters are named; another district's report is its own.
fn financing_reports_match_the_raw_rows(backend: Backend) {
    use calamine::{Data, Reader, Xlsx};
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let login = |u: &str| -> Client { server.client().login(u, DEMO_PASSWORD).0 };
    let officer = login("demo-gov-officer");
    let district = principal_of(&db, "demo-gov-officer").org_id;
    let mut conn = db.connect();

    // The raw rows: the district's enterprises, their sent applications and their loans.
    let enterprises: HashMap<i64, Option<String>> = organisations::table
        .filter(organisations::kind.eq("enterprise"))
        .filter(organisations::district_org_id.eq(district))
        .select((organisations::id, organisations::industry))
        .load::<(i64, Option<String>)>(&mut conn)
        .unwrap()
        .into_iter()
        .collect();
    let ids: Vec<i64> = enterprises.keys().copied().collect();
    let apps: Vec<(i64, i64, String)> = applications::table
        .filter(applications::enterprise_id.eq_any(&ids))
        .filter(applications::submitted_at.is_not_null())
        .select((
            applications::enterprise_id,
            applications::bank_id,
            applications::status,
        ))
        .load(&mut conn)
        .unwrap();
    type Loan = (
        i64,
        i64,
        i64,
        i64,
        i32,
        String,
        Option<chrono::NaiveDate>,
        chrono::NaiveDate,
    );
    let raw_loans: Vec<Loan> = loans::table
        .filter(loans::enterprise_id.eq_any(&ids))
        .select((
            loans::enterprise_id,
            loans::bank_id,
            loans::principal_fen,
            loans::outstanding_fen,
            loans::rate_bp,
            loans::status,
            loans::defaulted_on,
            loans::disbursed_on,
        ))
        .load(&mut conn)
        .unwrap();
    assert!(!raw_loans.is_empty(), "the demo district has loans");
    let live = |s: &str| ["active", "overdue", "defaulted"].contains(&s);

    #[derive(Default, Debug, PartialEq)]
    struct Sums {
        applications: i64,
        approvals: i64,
        loans: i64,
        lent: i64,
        outstanding: i64,
        defaulted: i64,
        bad: i64,
        borrowers: usize,
        rate_x: i128,
    }
    let sums = |key: &dyn Fn(i64, i64, chrono::NaiveDate) -> String| {
        let mut out: BTreeMap<String, Sums> = BTreeMap::new();
        let mut borrowers: BTreeMap<String, HashSet<i64>> = BTreeMap::new();
        for (e, b, status) in &apps {
            let s = out.entry(key(*e, *b, chrono::NaiveDate::MIN)).or_default();
            s.applications += 1;
            s.approvals += i64::from(status == "approved");
        }
        for (e, b, principal, outstanding, rate, status, defaulted_on, on) in &raw_loans {
            let k = key(*e, *b, *on);
            borrowers.entry(k.clone()).or_default().insert(*e);
            let s = out.entry(k).or_default();
            s.loans += 1;
            s.lent += principal;
            s.rate_x += i128::from(*rate) * i128::from(*principal);
            if live(status) {
                s.outstanding += outstanding;
            }
            if status == "defaulted" {
                s.bad += outstanding;
            }
            s.defaulted += i64::from(defaulted_on.is_some() || status == "defaulted");
        }
        for (k, b) in borrowers {
            out.entry(k).or_default().borrowers = b.len();
        }
        out
    };
    let figures = |row: &serde_json::Value| Sums {
        applications: row["applications"].as_i64().unwrap(),
        approvals: row["approvals"].as_i64().unwrap(),
        loans: row["loans"].as_i64().unwrap(),
        lent: row["lent_fen"].as_i64().unwrap(),
        outstanding: row["outstanding_fen"].as_i64().unwrap(),
        defaulted: row["defaulted_loans"].as_i64().unwrap(),
        bad: row["bad_loan_fen"].as_i64().unwrap(),
        borrowers: row["enterprises_served"].as_u64().unwrap() as usize,
        rate_x: 0,
    };

    // By bank.
    let by_bank = officer.get("/api/gov/reports/financing?group_by=bank");
    assert_eq!(by_bank.status, 200, "{}", by_bank.body);
    let report = by_bank.json();
    assert_eq!(report["district_id"], district);
    let expected = sums(&|_, b, _| b.to_string());
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), expected.len());
    for row in rows {
        let key = row["key"].as_str().unwrap();
        let want = &expected[key];
        let got = figures(row);
        assert_eq!(
            Sums {
                rate_x: want.rate_x,
                ..got
            },
            *want,
            "bank {key}"
        );
        if want.lent > 0 {
            let rate = want.rate_x as f64 / want.lent as f64;
            assert!(
                (row["avg_rate_bp"].as_f64().unwrap() - rate).abs() < 0.01,
                "{row}"
            );
        }
        let name: String = organisations::table
            .find(key.parse::<i64>().unwrap())
            .select(organisations::name)
            .first(&mut conn)
            .unwrap();
        assert_eq!(row["label"], name.as_str());
        // Every demo bank declared its overall rate; the tolerance is 3 points above it.
        let overall = row["bank_overall_bad_loan_rate"].as_f64().unwrap();
        if let Some(rate) = row["bad_loan_rate"].as_f64() {
            assert_eq!(row["above_tolerance"], rate > overall + 0.03, "{row}");
        }
    }
    // Ranked by amount lent, largest first.
    let lent: Vec<i64> = rows
        .iter()
        .map(|r| r["lent_fen"].as_i64().unwrap())
        .collect();
    assert!(lent.windows(2).all(|w| w[0] >= w[1]), "{lent:?}");
    let all = sums(&|_, _, _| String::new()).remove("").unwrap();
    assert_eq!(
        Sums {
            rate_x: all.rate_x,
            ..figures(&report["totals"])
        },
        all
    );

    // By industry and by district: the same totals, split otherwise.
    let by_industry = officer
        .get("/api/gov/reports/financing?group_by=industry")
        .json();
    let expected = sums(&|e, _, _| enterprises[&e].clone().unwrap_or_default());
    let rows = by_industry["rows"].as_array().unwrap();
    assert_eq!(rows.len(), expected.len());
    for row in rows {
        let key = row["key"].as_str().unwrap();
        let want = &expected[key];
        assert_eq!(
            Sums {
                rate_x: want.rate_x,
                ..figures(row)
            },
            *want,
            "industry {key}"
        );
        assert!(row["label"].as_str().unwrap().starts_with(key), "{row}");
    }
    let by_district = officer
        .get("/api/gov/reports/financing?group_by=district")
        .json();
    assert_eq!(by_district["rows"].as_array().unwrap().len(), 1);
    assert_eq!(
        Sums {
            rate_x: all.rate_x,
            ..figures(&by_district["rows"][0])
        },
        all
    );

    // By month: loans by the month they were disbursed, months without gaps up to this one;
    // this month's closing balance is today's outstanding.
    let by_month = officer
        .get("/api/gov/reports/financing?group_by=month")
        .json();
    let rows = by_month["rows"].as_array().unwrap();
    let month = |d: chrono::NaiveDate| d.format("%Y-%m").to_string();
    let mut per_month: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for l in &raw_loans {
        let m = per_month.entry(month(l.7)).or_default();
        m.0 += 1;
        m.1 += l.2;
    }
    for row in rows {
        let (n, lent) = per_month
            .get(row["key"].as_str().unwrap())
            .copied()
            .unwrap_or_default();
        assert_eq!(
            (
                row["loans"].as_i64().unwrap(),
                row["lent_fen"].as_i64().unwrap()
            ),
            (n, lent),
            "{row}"
        );
    }
    let keys: Vec<&str> = rows.iter().map(|r| r["key"].as_str().unwrap()).collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(*keys.last().unwrap(), month(today()));
    assert!(per_month.keys().all(|k| keys.contains(&k.as_str())));
    assert_eq!(
        rows.last().unwrap()["outstanding_at_month_end_fen"],
        by_month["totals"]["outstanding_fen"]
    );

    // The downloads: a real workbook with Chinese headers, one row per group and the totals.
    let xlsx = officer.get("/api/gov/reports/financing?group_by=bank&format=xlsx");
    assert_eq!(xlsx.status, 200);
    assert!(
        xlsx.header("content-type")
            .unwrap()
            .contains("spreadsheetml")
    );
    assert!(
        xlsx.header("content-disposition")
            .unwrap()
            .contains(".xlsx")
    );
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(xlsx.bytes.clone())).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let cells: Vec<Vec<Data>> = book
        .worksheet_range(&sheet)
        .unwrap()
        .rows()
        .map(|r| r.to_vec())
        .collect();
    let header: Vec<String> = cells[0].iter().map(|c| c.to_string()).collect();
    for h in [
        "银行",
        "放款金额(元)",
        "贷款余额(元)",
        "不良率(%)",
        "银行整体不良率(%)",
    ] {
        assert!(header.iter().any(|x| x == h), "{h} in {header:?}");
    }
    let report_rows = report["rows"].as_array().unwrap();
    assert_eq!(cells.len(), 1 + report_rows.len() + 1);
    let lent_at = header.iter().position(|h| h == "放款金额(元)").unwrap();
    for (row, json_row) in cells[1..].iter().zip(report_rows) {
        assert_eq!(row[0].to_string(), json_row["label"].as_str().unwrap());
        // The cell's number to the fen, as decimal text: exactly the integer fen in 元.
        let fen = json_row["lent_fen"].as_i64().unwrap();
        let Data::Float(cell) = row[lent_at] else {
            panic!("{:?} is not a number", row[lent_at])
        };
        assert_eq!(
            format!("{cell:.2}"),
            format!("{}.{:02}", fen / 100, fen % 100)
        );
    }
    assert_eq!(cells.last().unwrap()[0].to_string(), "合计");
    let csv = officer.get("/api/gov/reports/financing?group_by=month&format=csv");
    assert_eq!(csv.status, 200);
    assert!(csv.body.starts_with("\u{feff}月份,服务企业数"));
    assert_eq!(csv.body.lines().count(), 1 + rows.len() + 1);
    let wl = officer.get("/api/gov/whitelist?format=xlsx");
    assert_eq!(wl.status, 200);
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(wl.bytes.clone())).unwrap();
    let range = book.worksheet_range("企业白名单").unwrap();
    assert_eq!(range.get((0, 0)).unwrap().to_string(), "企业名称");

    // Bad parameters are named.
    for (query, field) in [
        ("group_by=city", "group_by"),
        ("format=pdf", "format"),
        ("colour=red", ""),
    ] {
        let res = officer.get(&format!("/api/gov/reports/financing?{query}"));
        assert_eq!(res.status, 400, "{query}: {}", res.body);
        if !field.is_empty() {
            assert_eq!(res.json()["error"]["field"], field, "{query}");
        }
    }

    // A bank manager declares a new overall rate; the report holds the bank against it. An
    // officer may not declare, and a bad rate or a future period is named.
    let manager = login("demo-manager");
    let bank = principal_of(&db, "demo-manager").org_id;
    let bank_officer = login("demo-officer");
    let body = json!({"period_end": today().to_string(), "npl_rate_bp": 0});
    assert_eq!(
        bank_officer.post("/api/bank/loan-quality", &body).status,
        403
    );
    for (patch, field) in [
        (json!({"npl_rate_bp": 10_001}), "npl_rate_bp"),
        (
            json!({"period_end": (today() + Duration::days(1)).to_string()}),
            "period_end",
        ),
    ] {
        let mut b = body.clone();
        for (k, v) in patch.as_object().unwrap() {
            b[k] = v.clone();
        }
        let res = manager.post("/api/bank/loan-quality", &b);
        assert_eq!(
            (res.status, res.json()["error"]["field"].clone()),
            (400, json!(field))
        );
    }
    let res = manager.post("/api/bank/loan-quality", &body);
    assert_eq!(res.status, 201, "{}", res.body);
    assert_eq!(
        manager.get("/api/bank/loan-quality").json()[0]["npl_rate_bp"],
        0
    );
    let report = officer
        .get("/api/gov/reports/financing?group_by=bank")
        .json();
    if let Some(row) = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"].as_str().and_then(|k| k.parse().ok()) == Some(bank))
    {
        assert_eq!(row["bank_overall_bad_loan_rate"], 0.0);
        let rate = row["bad_loan_rate"].as_f64().unwrap_or(0.0);
        assert_eq!(row["above_tolerance"], json!(rate > 0.03), "{row}");
    }

    // Another district's report is its own: none of this district's loans in it.
    let other: i64 = organisations::table
        .filter(organisations::kind.eq("district"))
        .filter(organisations::id.ne(district))
        .select(organisations::id)
        .first(&mut conn)
        .unwrap();
    let admin = login("demo-admin");
    let res = admin.post(
        "/api/admin/users",
        &json!({"username": "report-gov-officer", "role": "gov_officer", "org_id": other,
                "password": "district passphrase 2026"}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let stranger = server
        .client()
        .login("report-gov-officer", "district passphrase 2026")
        .0;
    let theirs = stranger
        .get("/api/gov/reports/financing?group_by=bank")
        .json();
    assert_eq!(theirs["district_id"], other);
    let their_loans: i64 = loans::table
        .inner_join(organisations::table.on(organisations::id.eq(loans::enterprise_id)))
        .filter(organisations::district_org_id.eq(other))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(theirs["totals"]["loans"], their_loans);
}

/// Coverage is granted while the pool's covered outstanding stays within size × leverage limit
/// (up to it exactly), and refused past it, naming the limit.
fn coverage_stops_at_the_leverage_limit(backend: Backend) {
    use zhirong_api::services::pledges::cover;
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
    let covered: i64 = pool_coverage::table
        .inner_join(loans::table)
        .filter(pool_coverage::pool_id.eq(pool))
        .filter(pool_coverage::status.eq("covered"))
        .select(loans::outstanding_fen)
        .load::<i64>(&mut conn)
        .unwrap()
        .iter()
        .sum();
    // Two live loans that no pool covers.
    let uncovered: Vec<(i64, i64)> = loans::table
        .filter(loans::status.eq("active"))
        .filter(loans::outstanding_fen.gt(0))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            pool_coverage::table.filter(pool_coverage::loan_id.eq(loans::id)),
        )))
        .select((loans::id, loans::outstanding_fen))
        .order(loans::id)
        .limit(2)
        .load(&mut conn)
        .unwrap();
    assert_eq!(uncovered.len(), 2, "the demo has uncovered loans");
    let (a, b) = (uncovered[0], uncovered[1]);
    // A rule of 1× on a pool whose size is just what it covers now plus the first loan.
    let pct = 100;
    let size = covered + a.1;
    diesel::update(fund_pools::table.find(pool))
        .set(fund_pools::size_fen.eq(size))
        .execute(&mut conn)
        .unwrap();
    let now = Utc::now().naive_utc();
    add_rule(&mut conn, pool, pct, "{}");
    let first = zhirong_api::db::write_tx(&mut conn, |c| {
        cover(c, &officer, pool, a.0, a.1, today(), now, "test")
    })
    .unwrap();
    assert!(first.granted, "{}", first.message);
    let second = zhirong_api::db::write_tx(&mut conn, |c| {
        cover(c, &officer, pool, b.0, b.1, today(), now, "test")
    })
    .unwrap();
    assert!(!second.granted, "{}", second.message);
    assert!(
        second.message.contains("leverage limit"),
        "{}",
        second.message
    );
    let rows: i64 = pool_coverage::table
        .filter(pool_coverage::loan_id.eq(b.0))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(rows, 0, "a refused loan is not covered");
}

on_both_backends!(
    financing_reports_match_the_raw_rows,
    coverage_stops_at_the_leverage_limit,
    eligibility_is_enforced_at_coverage,
    pools_match_the_raw_rows_and_rules_change_by_maker_checker,
    a_simulation_runs_in_the_background_to_the_end,
    the_whitelist_follows_the_published_criteria
);
