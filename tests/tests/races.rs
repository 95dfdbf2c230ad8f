//! Races on PostgreSQL: requests released together behind a barrier, each on its own connection,
//! against the real binary. A check that guards money or a session must hold when an attacker (or
//! a double-clicking officer) sends the same request sixteen times at once. SQLite takes one
//! writer at a time, so these run on PostgreSQL, where transactions interleave.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Barrier;

use diesel::prelude::*;
use serde_json::json;
use zhirong_api::db::schema::{claim_recoveries, loans, proposals, repayments};
use zhirong_tests::{Backend, DEMO_PASSWORD, HttpResponse, Server, TestDb, load_demo};

/// Requests released together.
const AT_ONCE: usize = 16;
/// Rounds of each race.
const ROUNDS: usize = 20;

/// Runs `request(i)` on `AT_ONCE` threads that start together, and returns the answers.
fn together(request: impl Fn(usize) -> HttpResponse + Sync) -> Vec<HttpResponse> {
    let barrier = Barrier::new(AT_ONCE);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..AT_ONCE)
            .map(|i| {
                let (barrier, request) = (&barrier, &request);
                s.spawn(move || {
                    barrier.wait();
                    request(i)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("request thread"))
            .collect()
    })
}

fn statuses(answers: &[HttpResponse]) -> Vec<u16> {
    let mut s: Vec<u16> = answers.iter().map(|a| a.status).collect();
    s.sort_unstable();
    s
}

fn demo_on_postgres() -> (TestDb, Server) {
    let db = TestDb::new(Backend::Postgres);
    load_demo(&db);
    let server = Server::start(&db.url);
    (db, server)
}

fn china_today() -> chrono::NaiveDate {
    zhirong_api::clock::china_today(chrono::Utc::now().naive_utc())
}

#[test]
fn sixteen_repayments_at_once_each_reduce_the_outstanding() {
    let (db, server) = demo_on_postgres();
    let (officer, _) = server.client().login("demo-officer", DEMO_PASSWORD);
    let loans_page = officer.get("/api/bank/loans").json();
    let loan = loans_page
        .as_array()
        .expect("loans")
        .iter()
        .filter(|l| l["status"] == "active")
        .max_by_key(|l| l["outstanding_fen"].as_i64().unwrap_or(0))
        .expect("an active loan in the demo");
    let loan_id = loan["loan_id"].as_i64().expect("loan id");
    let payment = 100_000; // RMB 1,000
    assert!(loan["outstanding_fen"].as_i64().unwrap_or(0) > payment * (AT_ONCE * ROUNDS) as i64);
    let today = china_today().to_string();
    let mut conn = db.connect();
    for round in 0..ROUNDS {
        let answers = together(|_| {
            officer.post(
                &format!("/api/bank/loans/{loan_id}/repayments"),
                &json!({"paid_on": today, "principal_fen": payment, "interest_fen": 0}),
            )
        });
        let acknowledged = answers.iter().filter(|a| a.status == 201).count();
        assert_eq!(
            acknowledged,
            AT_ONCE,
            "round {round}: {:?}",
            statuses(&answers)
        );
        let (principal, outstanding): (i64, i64) = loans::table
            .find(loan_id)
            .select((loans::principal_fen, loans::outstanding_fen))
            .first(&mut conn)
            .expect("loan");
        let repaid: i64 = repayments::table
            .filter(repayments::loan_id.eq(loan_id))
            .select(repayments::principal_fen)
            .load::<i64>(&mut conn)
            .expect("repayments")
            .iter()
            .sum();
        assert_eq!(
            principal - outstanding,
            repaid,
            "round {round}: every acknowledged repayment is in the outstanding"
        );
    }
}

#[test]
fn one_refresh_token_presented_sixteen_times_at_once_rotates_once() {
    let (_db, server) = demo_on_postgres();
    for round in 0..ROUNDS {
        let (_, tokens) = server.client().login("demo-enterprise", DEMO_PASSWORD);
        let refresh = tokens["refresh_token"]
            .as_str()
            .expect("refresh token")
            .to_string();
        let anonymous = server.client();
        let answers =
            together(|_| anonymous.post("/api/auth/refresh", &json!({"refresh_token": refresh})));
        let rotated = answers.iter().filter(|a| a.status == 200).count();
        assert!(
            rotated <= 1,
            "round {round}: one token rotated {rotated} times: {:?}",
            statuses(&answers)
        );
    }
}

#[test]
fn sixteen_proposals_at_once_on_one_application_leave_one_pending() {
    let (db, server) = demo_on_postgres();
    let (officer, _) = server.client().login("demo-officer", DEMO_PASSWORD);
    let (manager, _) = server.client().login("demo-manager", DEMO_PASSWORD);
    let queue = officer
        .get("/api/bank/applications?status=submitted")
        .json();
    let application = queue["items"][0]["id"]
        .as_i64()
        .expect("a submitted application");
    let mut conn = db.connect();
    for round in 0..ROUNDS {
        let answers = together(|i| {
            officer.post(
                &format!("/api/bank/applications/{application}/proposals"),
                &json!({"decision": "reject", "reason_code": "other", "reason": format!("race {round}.{i}")}),
            )
        });
        let made: Vec<&HttpResponse> = answers.iter().filter(|a| a.status == 201).collect();
        let pending: i64 = proposals::table
            .filter(proposals::object_type.eq("application"))
            .filter(proposals::object_id.eq(application.to_string()))
            .filter(proposals::status.eq("pending"))
            .count()
            .get_result(&mut conn)
            .expect("count");
        assert_eq!(
            (made.len(), pending),
            (1, 1),
            "round {round}: {:?}",
            statuses(&answers)
        );
        assert!(
            answers.iter().all(|a| a.status == 201
                || (a.status == 409 && a.json()["error"]["code"] == "PROPOSAL_PENDING")),
            "round {round}: the others are told a proposal is pending: {:?}",
            statuses(&answers)
        );
        let id = made[0].json()["id"].as_i64().expect("proposal id");
        let back = manager.post(
            &format!("/api/bank/proposals/{id}/send-back"),
            &json!({"note": "again"}),
        );
        assert_eq!(back.status, 200, "{}", back.body);
    }
}

#[test]
fn sixteen_recoveries_at_once_never_give_the_pool_back_more_than_it_paid() {
    let (db, server) = demo_on_postgres();
    let (officer, _) = server.client().login("demo-officer", DEMO_PASSWORD);
    let claims = officer.get("/api/bank/claims").json();
    let claims: Vec<i64> = claims
        .as_array()
        .expect("claims")
        .iter()
        .map(|c| c["id"].as_i64().expect("id"))
        .collect();
    assert!(!claims.is_empty(), "the demo bank has claims on its pool");
    // Arrange: the bank's claims as paid by the pool (the district's approval is tested in gov.rs).
    let mut setup = db.connect();
    for id in &claims {
        diesel::update(zhirong_api::db::schema::claims::table.find(id))
            .set((
                zhirong_api::db::schema::claims::status.eq("paid"),
                zhirong_api::db::schema::claims::approved_fen
                    .eq(zhirong_api::db::schema::claims::claimed_fen.nullable()),
            ))
            .execute(&mut setup)
            .expect("claim paid");
    }
    let claims = officer.get("/api/bank/claims").json();
    let paid: Vec<&serde_json::Value> = claims
        .as_array()
        .expect("claims")
        .iter()
        .filter(|c| c["status"] == "paid" && c["approved_fen"].as_i64().unwrap_or(0) > 0)
        .collect();
    assert!(!paid.is_empty(), "a paid claim with a payout");
    let today = china_today().to_string();
    let mut conn = db.connect();
    // Each recovery is a quarter of the loss: the pool's share reaches what it paid after four,
    // so sixteen at once must stop there. Later rounds find the share used up.
    for round in 0..ROUNDS {
        let claim = paid[round % paid.len()];
        let (id, loss, approved) = (
            claim["id"].as_i64().expect("id"),
            claim["loss_fen"].as_i64().expect("loss"),
            claim["approved_fen"].as_i64().expect("approved"),
        );
        let answers = together(|_| {
            officer.post(
                &format!("/api/bank/claims/{id}/recoveries"),
                &json!({"amount_fen": (loss / 4).max(1), "received_on": today}),
            )
        });
        assert!(
            answers.iter().all(|a| a.status == 200 || a.status == 201),
            "round {round}: {:?}",
            statuses(&answers)
        );
        let shares: i64 = claim_recoveries::table
            .filter(claim_recoveries::claim_id.eq(id))
            .select(claim_recoveries::pool_share_fen)
            .load::<i64>(&mut conn)
            .expect("recoveries")
            .iter()
            .sum();
        assert!(
            shares <= approved,
            "round {round}: claim {id} paid {approved} fen and got back {shares} fen"
        );
    }
}

/// Sixteen disbursements approved at once into one pool with room for three loans: the pool
/// covers three, never more than its leverage limit (size × limit), whatever the interleaving.
#[test]
fn sixteen_disbursements_at_once_never_cover_beyond_the_pool_leverage_limit() {
    use zhirong_api::db::models::{NewApplication, NewPledge};
    use zhirong_api::db::schema::{
        applications, fund_pools, patents, pledges, pool_banks, pool_coverage, pool_rules,
    };
    use zhirong_api::domain::status::{ApplicationStatus, PledgeStatus};

    let (db, server) = demo_on_postgres();
    let (manager, _) = server.client().login("demo-manager", DEMO_PASSWORD);
    let officer = zhirong_tests::principal_of(&db, "demo-officer");
    let enterprise = zhirong_tests::principal_of(&db, "demo-enterprise").org_id;
    let mut conn = db.connect();
    let pool: i64 = fund_pools::table
        .filter(fund_pools::status.eq("open"))
        .filter(
            fund_pools::id.eq_any(
                pool_banks::table
                    .filter(pool_banks::bank_id.eq(officer.org_id))
                    .select(pool_banks::pool_id),
            ),
        )
        .select(fund_pools::id)
        .first(&mut conn)
        .expect("an open pool the demo bank lends into");
    let patent: i64 = patents::table
        .filter(patents::owner_org_id.eq(enterprise))
        .select(patents::id)
        .first(&mut conn)
        .expect("a patent of demo-enterprise");
    // The pool's rule: a limit of 100 % of its size, no eligibility condition, so the size alone
    // decides how many loans fit.
    diesel::update(pool_rules::table.filter(pool_rules::pool_id.eq(pool)))
        .set((
            pool_rules::leverage_limit_pct.eq(100),
            pool_rules::eligibility_json.eq("{}"),
            pool_rules::effective_from.eq(china_today() - chrono::Duration::days(400)),
        ))
        .execute(&mut conn)
        .expect("rule");
    let amount: i64 = 10_000_000; // RMB 100,000
    let covered_outstanding = |conn: &mut zhirong_api::db::DbConnection| -> i64 {
        pool_coverage::table
            .inner_join(loans::table)
            .filter(pool_coverage::pool_id.eq(pool))
            .filter(pool_coverage::status.eq("covered"))
            .select(loans::outstanding_fen)
            .load::<i64>(conn)
            .expect("covered")
            .iter()
            .sum()
    };
    let now = chrono::Utc::now().naive_utc();
    for round in 0..ROUNDS {
        // Sixteen approved applications into the pool, their pledges registered, each with the
        // officer's disbursement proposal waiting for the manager.
        let proposals: Vec<i64> = (0..AT_ONCE)
            .map(|i| {
                let id: i64 = diesel::insert_into(applications::table)
                    .values(NewApplication {
                        enterprise_id: enterprise,
                        bank_id: officer.org_id,
                        pool_id: Some(pool),
                        amount_fen: amount,
                        term_months: 12,
                        purpose: format!("race {round}.{i}"),
                        status: ApplicationStatus::Approved,
                        credit_line_fen: Some(amount),
                        proposed_rate_bp: Some(350),
                        decision_reason: None,
                        submitted_at: Some(now),
                        decided_at: Some(now),
                        created_at: now,
                    })
                    .returning(applications::id)
                    .get_result(&mut conn)
                    .expect("application");
                diesel::update(applications::table.find(id))
                    .set((
                        applications::approved_amount_fen.eq(amount),
                        applications::approved_term_months.eq(12),
                        applications::repayment_method.eq("interest_only_bullet"),
                    ))
                    .execute(&mut conn)
                    .expect("approved terms");
                diesel::insert_into(pledges::table)
                    .values(NewPledge {
                        application_id: id,
                        loan_id: None,
                        patent_id: patent,
                        status: PledgeStatus::Registered,
                        collateral_fen: Some(amount),
                        registration_no: Some(format!("RACE{round:02}{i:02}X")),
                        registration_date: Some(china_today()),
                        released_on: None,
                        created_at: now,
                    })
                    .execute(&mut conn)
                    .expect("pledge");
                zhirong_api::services::pledges::propose_disbursement(
                    &mut conn, &officer, id, now, "race",
                )
                .expect("disbursement proposed")
                .id
            })
            .collect();
        // Room for three of them, and half of a fourth.
        let before = covered_outstanding(&mut conn);
        let limit = before + 3 * amount + amount / 2;
        diesel::update(fund_pools::table.find(pool))
            .set(fund_pools::size_fen.eq(limit))
            .execute(&mut conn)
            .expect("pool size");

        let answers = together(|i| {
            manager.post(
                &format!("/api/bank/proposals/{}/approve", proposals[i]),
                &json!({}),
            )
        });
        assert!(
            answers.iter().all(|a| a.status == 200),
            "round {round}: every disbursement goes ahead, covered or not: {:?} {}",
            statuses(&answers),
            answers
                .iter()
                .find(|a| a.status != 200)
                .map_or("", |a| a.body.as_str())
        );
        let after = covered_outstanding(&mut conn);
        assert!(
            after <= limit,
            "round {round}: the pool covers {after} fen over its limit of {limit} fen"
        );
        assert_eq!(
            after - before,
            3 * amount,
            "round {round}: three of the sixteen loans fit in the pool"
        );
    }
}

/// The district's officer proposes, sixteen times at once, to approve and to return one claim;
/// then the manager approves the one pending proposal sixteen times at once. One proposal is
/// made each round, and the pool pays the claim once.
#[test]
fn approve_and_return_at_once_on_one_claim_decide_it_once() {
    use zhirong_api::db::schema::{claims, fund_pools};
    let (db, server) = demo_on_postgres();
    let (officer, _) = server.client().login("demo-gov-officer", DEMO_PASSWORD);
    let (manager, _) = server.client().login("demo-gov-manager", DEMO_PASSWORD);
    let listed = officer.get("/api/gov/claims").json();
    let claim = listed["items"]
        .as_array()
        .or_else(|| listed.as_array())
        .expect("claims")
        .iter()
        .find(|c| c["status"] == "filed" || c["status"] == "under_review")
        .unwrap_or_else(|| panic!("an undecided claim in the demo district: {listed}"))
        .clone();
    let id = claim["id"].as_i64().expect("claim id");
    let mut conn = db.connect();
    let pool: i64 = claims::table
        .find(id)
        .select(claims::pool_id)
        .first(&mut conn)
        .expect("claim's pool");
    let balance = |conn: &mut zhirong_api::db::DbConnection| -> i64 {
        fund_pools::table
            .find(pool)
            .select(fund_pools::balance_fen)
            .first(conn)
            .expect("balance")
    };
    let pending = |conn: &mut zhirong_api::db::DbConnection| -> i64 {
        proposals::table
            .filter(proposals::object_type.eq("claim"))
            .filter(proposals::object_id.eq(id.to_string()))
            .filter(proposals::status.eq("pending"))
            .count()
            .get_result(conn)
            .expect("count")
    };
    let mut last = 0;
    for round in 0..ROUNDS {
        let answers = together(|i| {
            let body = if i % 2 == 0 {
                json!({"decision": "approve"})
            } else {
                json!({"decision": "return", "reason": format!("race {round}.{i}")})
            };
            officer.post(&format!("/api/gov/claims/{id}/proposals"), &body)
        });
        let made: Vec<&HttpResponse> = answers.iter().filter(|a| a.status == 201).collect();
        assert_eq!(
            (made.len(), pending(&mut conn)),
            (1, 1),
            "round {round}: {:?}",
            statuses(&answers)
        );
        last = made[0].json()["id"].as_i64().expect("proposal id");
        if round + 1 < ROUNDS {
            let back = manager.post(
                &format!("/api/gov/proposals/{last}/send-back"),
                &json!({"note": "again"}),
            );
            assert_eq!(back.status, 200, "{}", back.body);
        }
    }
    // The last proposal, approved sixteen times at once: decided once.
    let before = balance(&mut conn);
    let answers =
        together(|_| manager.post(&format!("/api/gov/proposals/{last}/approve"), &json!({})));
    assert_eq!(
        answers.iter().filter(|a| a.status == 200).count(),
        1,
        "{:?}",
        statuses(&answers)
    );
    let (status, approved): (String, Option<i64>) = claims::table
        .find(id)
        .select((claims::status, claims::approved_fen))
        .first(&mut conn)
        .expect("claim");
    let paid = before - balance(&mut conn);
    match status.as_str() {
        "paid" => assert_eq!(Some(paid), approved, "the pool paid the claim once"),
        "rejected" => assert_eq!(paid, 0, "a claim sent back costs the pool nothing"),
        other => panic!("the claim is {other} after its decision"),
    }
    assert!(balance(&mut conn) >= 0);
}
