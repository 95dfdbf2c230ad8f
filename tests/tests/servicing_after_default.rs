//! Money after a default, and dates a bank may write (#20, item 2): what an officer tried alone.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use serde_json::json;
use zhirong_api::db::schema::{claims, fund_pools, loans, pledges, pool_coverage};
use zhirong_tests::{
    Backend, DEMO_PASSWORD, Server, TestDb, load_demo, on_both_backends, principal_of,
};

fn china_today() -> chrono::NaiveDate {
    zhirong_api::clock::china_today(chrono::Utc::now().naive_utc())
}

/// An officer back-dates a repayment by months to hide an arrear: refused past 30 days, naming
/// `paid_on`; a month back is still taken.
fn a_repayment_back_dated_beyond_thirty_days_is_refused(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let (officer, _) = server.client().login("demo-officer", DEMO_PASSWORD);
    let today = china_today();
    let loans = officer.get("/api/bank/loans").json();
    let loan = loans
        .as_array()
        .expect("loans")
        .iter()
        .find(|l| {
            l["status"] == "active"
                && l["disbursed_on"]
                    .as_str()
                    .and_then(|d| d.parse::<NaiveDate>().ok())
                    .is_some_and(|d| d <= today - Duration::days(40))
        })
        .expect("an active loan disbursed 40 days ago or more");
    let id = loan["loan_id"].as_i64().expect("id");
    let before = loan["outstanding_fen"].as_i64().expect("outstanding");

    let old = officer.post(
        &format!("/api/bank/loans/{id}/repayments"),
        &json!({"paid_on": (today - Duration::days(31)).to_string(), "principal_fen": 100_000, "interest_fen": 0}),
    );
    assert_eq!(old.status, 400, "{}", old.body);
    assert_eq!(old.json()["error"]["code"], "DATE_TOO_OLD");
    assert_eq!(old.json()["error"]["field"], "paid_on");
    let mut conn = db.connect();
    let outstanding: i64 = loans::table
        .find(id)
        .select(loans::outstanding_fen)
        .first(&mut conn)
        .expect("loan");
    assert_eq!(outstanding, before, "nothing was written");

    let month = officer.post(
        &format!("/api/bank/loans/{id}/repayments"),
        &json!({"paid_on": (today - Duration::days(30)).to_string(), "principal_fen": 100_000, "interest_fen": 0}),
    );
    assert_eq!(month.status, 201, "{}", month.body);
}

/// A bank whose claim the pool has paid books a "full repayment" on the defaulted loan: the
/// pledges would be released and the pool would never get its share. Refused: after the payout,
/// money received is a recovery on the claim.
fn a_repayment_on_a_loan_whose_claim_is_paid_is_refused_as_a_recovery(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let (officer, _) = server.client().login("demo-officer", DEMO_PASSWORD);
    let claims_page = officer.get("/api/bank/claims").json();
    let claim = &claims_page.as_array().expect("claims")[0];
    let (claim_id, loan_id) = (
        claim["id"].as_i64().expect("claim id"),
        claim["loan_id"].as_i64().expect("loan id"),
    );
    // Arrange: the district has paid the claim (its approval is tested in gov.rs).
    let mut conn = db.connect();
    diesel::update(claims::table.find(claim_id))
        .set((
            claims::status.eq("paid"),
            claims::approved_fen.eq(claims::claimed_fen.nullable()),
        ))
        .execute(&mut conn)
        .expect("paid");
    let (outstanding, disbursed_on): (i64, NaiveDate) = loans::table
        .find(loan_id)
        .select((loans::outstanding_fen, loans::disbursed_on))
        .first(&mut conn)
        .expect("loan");
    let registered = |conn: &mut zhirong_api::db::DbConnection| -> i64 {
        pledges::table
            .filter(pledges::loan_id.eq(loan_id))
            .filter(pledges::status.eq("registered"))
            .count()
            .get_result(conn)
            .expect("pledges")
    };
    let pledged = registered(&mut conn);
    let paid_on = china_today().max(disbursed_on);

    let res = officer.post(
        &format!("/api/bank/loans/{loan_id}/repayments"),
        &json!({"paid_on": paid_on.to_string(), "principal_fen": outstanding, "interest_fen": 0}),
    );
    assert_eq!(res.status, 409, "{}", res.body);
    assert_eq!(res.json()["error"]["code"], "CLAIM_PAID");
    assert!(
        res.json()["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains(&format!("/api/bank/claims/{claim_id}/recoveries"))),
        "{}",
        res.body
    );
    let still: i64 = loans::table
        .find(loan_id)
        .select(loans::outstanding_fen)
        .first(&mut conn)
        .expect("loan");
    assert_eq!(
        (still, registered(&mut conn)),
        (outstanding, pledged),
        "nothing released"
    );
}

/// A repayment dated before the loan was disbursed, or after today, is refused naming `paid_on`.
fn a_repayment_dated_before_the_disbursement_or_after_today_is_refused(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let (officer, _) = server.client().login("demo-officer", DEMO_PASSWORD);
    let today = china_today();
    let loans_page = officer.get("/api/bank/loans?status=active").json();
    let id = loans_page.as_array().expect("loans")[0]["loan_id"]
        .as_i64()
        .expect("id");
    // Arrange: the loan was disbursed five days ago, well inside the back-dating window.
    let mut conn = db.connect();
    diesel::update(loans::table.find(id))
        .set(loans::disbursed_on.eq(today - Duration::days(5)))
        .execute(&mut conn)
        .expect("disbursed");
    for (paid_on, code) in [
        (today - Duration::days(6), "DATE_BEFORE_DISBURSEMENT"),
        (today + Duration::days(1), "DATE_IN_FUTURE"),
    ] {
        let res = officer.post(
            &format!("/api/bank/loans/{id}/repayments"),
            &json!({"paid_on": paid_on.to_string(), "principal_fen": 100, "interest_fen": 0}),
        );
        assert_eq!(res.status, 400, "{paid_on}: {}", res.body);
        assert_eq!(res.json()["error"]["code"], code);
        assert_eq!(res.json()["error"]["field"], "paid_on");
    }
}

/// A claim of the demo bank on the demo district's pool, made fresh (filed, undecided) on a
/// well-funded pool: its id, loan, loss and the loan's outstanding.
fn a_filed_claim(db: &TestDb, gov_officer: &zhirong_tests::Client) -> (i64, i64, i64, i64) {
    let bank = principal_of(db, "demo-officer").org_id;
    let claims_page = gov_officer.get("/api/gov/claims").json();
    let claim = claims_page
        .as_array()
        .expect("claims")
        .iter()
        .find(|c| c["bank_id"] == bank)
        .expect("a claim of the demo bank in the demo district");
    let (claim_id, loan_id, pool_id) = (
        claim["id"].as_i64().expect("claim id"),
        claim["loan_id"].as_i64().expect("loan id"),
        claim["pool_id"].as_i64().expect("pool id"),
    );
    let mut conn = db.connect();
    diesel::update(claims::table.find(claim_id))
        .set((
            claims::status.eq("filed"),
            claims::approved_fen.eq(None::<i64>),
            claims::decided_on.eq(None::<NaiveDate>),
        ))
        .execute(&mut conn)
        .expect("filed");
    diesel::update(fund_pools::table.find(pool_id))
        .set(fund_pools::balance_fen.eq(100_000_000_000i64))
        .execute(&mut conn)
        .expect("balance");
    let (loss, outstanding): (i64, i64) = claims::table
        .inner_join(loans::table)
        .filter(claims::id.eq(claim_id))
        .select((claims::loss_fen, loans::outstanding_fen))
        .first(&mut conn)
        .expect("claim");
    assert!(loss > 1_000, "the demo claim has a loss");
    (claim_id, loan_id, loss, outstanding)
}

fn balance_of(db: &TestDb, claim_id: i64) -> i64 {
    claims::table
        .inner_join(fund_pools::table)
        .filter(claims::id.eq(claim_id))
        .select(fund_pools::balance_fen)
        .first(&mut db.connect())
        .expect("pool")
}

/// The bank files its claim, then collects half the loss from the borrower and still has the
/// district pay the claim on the full loss. Now the money received reduces the loss, the claim is
/// recomputed by the pool's rules (the district sees why), and the payout is on what is left.
fn the_bank_collects_after_filing_and_still_gets_the_full_claim_paid(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let login = |u: &str| server.client().login(u, DEMO_PASSWORD).0;
    let (officer, gov_officer, gov_manager) = (
        login("demo-officer"),
        login("demo-gov-officer"),
        login("demo-gov-manager"),
    );
    let (claim_id, loan_id, loss, _) = a_filed_claim(&db, &gov_officer);
    let before = gov_officer
        .get(&format!("/api/gov/claims/{claim_id}"))
        .json();
    assert_eq!(before["loss_fen"], loss);
    let full_payout = before["payable_now_fen"].as_i64().expect("payable");
    // The district's officer proposes paying on the loss as filed, before the money comes in.
    let res = gov_officer.post(
        &format!("/api/gov/claims/{claim_id}/proposals"),
        &json!({"decision": "approve"}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let stale = res.json()["id"].as_i64().expect("proposal");

    let (principal, interest) = (loss / 2, 1_000);
    let res = officer.post(
        &format!("/api/bank/loans/{loan_id}/repayments"),
        &json!({"paid_on": china_today().to_string(), "principal_fen": principal, "interest_fen": interest}),
    );
    assert_eq!(res.status, 201, "{}", res.body);

    let after = gov_officer
        .get(&format!("/api/gov/claims/{claim_id}"))
        .json();
    let reduced = loss - principal - interest;
    assert_eq!(after["loss_fen"], reduced, "{after}");
    let payable = after["payable_now_fen"].as_i64().expect("payable");
    assert!(payable < full_payout, "{payable} < {full_payout}");
    assert_eq!(after["claimed_fen"], payable, "the claimed figure follows");
    let changes = after["changes"].as_array().expect("why it changed");
    assert_eq!(changes.len(), 1, "{after}");
    assert_eq!(changes[0]["loss_before_fen"], loss);
    assert_eq!(changes[0]["loss_after_fen"], reduced);
    assert_eq!(changes[0]["received_fen"], principal + interest);

    let balance = balance_of(&db, claim_id);
    // The proposal made on the old figure is not paid: it goes back, and a new one is made.
    let res = gov_manager.post(&format!("/api/gov/proposals/{stale}/approve"), &json!({}));
    assert_eq!(res.status, 409, "{}", res.body);
    assert_eq!(res.json()["error"]["code"], "CLAIM_RECOMPUTED");
    assert_eq!(balance_of(&db, claim_id), balance, "nothing paid");
    let res = gov_manager.post(
        &format!("/api/gov/proposals/{stale}/send-back"),
        &json!({"note": "按收款后的损失重新提议"}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let res = gov_officer.post(
        &format!("/api/gov/claims/{claim_id}/proposals"),
        &json!({"decision": "approve"}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let proposal = res.json()["id"].as_i64().expect("proposal");
    let res = gov_manager.post(
        &format!("/api/gov/proposals/{proposal}/approve"),
        &json!({}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let paid = gov_officer
        .get(&format!("/api/gov/claims/{claim_id}"))
        .json();
    assert_eq!(paid["status"], "paid");
    assert_eq!(paid["approved_fen"], payable, "paid on the reduced loss");
    assert_eq!(balance_of(&db, claim_id), balance - payable);
}

/// The borrower pays the whole loan after the claim is filed: the loss is nil, so the claim is
/// withdrawn (not paid), the pool's cover ends and the district cannot pay it.
fn a_claim_whose_loss_is_repaid_in_full_is_withdrawn_not_paid(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let login = |u: &str| server.client().login(u, DEMO_PASSWORD).0;
    let (officer, gov_officer) = (login("demo-officer"), login("demo-gov-officer"));
    let (claim_id, loan_id, _, outstanding) = a_filed_claim(&db, &gov_officer);
    let balance = balance_of(&db, claim_id);
    let res = officer.post(
        &format!("/api/bank/loans/{loan_id}/repayments"),
        &json!({"paid_on": china_today().to_string(), "principal_fen": outstanding, "interest_fen": 0}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let after = gov_officer
        .get(&format!("/api/gov/claims/{claim_id}"))
        .json();
    assert_eq!(after["status"], "withdrawn", "{after}");
    assert_eq!(after["loss_fen"], 0);
    assert_eq!(after["payable_now_fen"], 0);
    let res = gov_officer.post(
        &format!("/api/gov/claims/{claim_id}/proposals"),
        &json!({"decision": "approve"}),
    );
    assert_eq!(res.status, 409, "{}", res.body);
    assert_eq!(res.json()["error"]["code"], "CLAIM_DECIDED");
    assert_eq!(balance_of(&db, claim_id), balance, "the pool paid nothing");
    let cover: String = pool_coverage::table
        .filter(pool_coverage::loan_id.eq(loan_id))
        .select(pool_coverage::status)
        .first(&mut db.connect())
        .expect("coverage");
    assert_eq!(cover, "released");
}

/// One officer alone records a full repayment and the loan's pledges are released at once (the
/// patents free to be sold or pledged elsewhere). Now the pledges stay registered until a
/// manager approves the officer's proposal to release them.
fn one_officer_alone_releases_the_pledges_by_repaying_in_full(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let login = |u: &str| server.client().login(u, DEMO_PASSWORD).0;
    let (officer, manager) = (login("demo-officer"), login("demo-manager"));
    let loans_page = officer.get("/api/bank/loans?status=active").json();
    let loan = &loans_page.as_array().expect("loans")[0];
    let loan_id = loan["loan_id"].as_i64().expect("id");
    let outstanding = loan["outstanding_fen"].as_i64().expect("outstanding");
    let mut conn = db.connect();
    let registered = |conn: &mut zhirong_api::db::DbConnection| -> i64 {
        pledges::table
            .filter(pledges::loan_id.eq(loan_id))
            .filter(pledges::status.eq("registered"))
            .count()
            .get_result(conn)
            .expect("pledges")
    };
    let pledged = registered(&mut conn);
    assert!(pledged > 0);

    let res = officer.post(
        &format!("/api/bank/loans/{loan_id}/repayments"),
        &json!({"paid_on": china_today().to_string(), "principal_fen": outstanding, "interest_fen": 0}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    assert_eq!(res.json()["status"], "repaid");
    assert_eq!(
        registered(&mut conn),
        pledged,
        "one officer's repayment releases no pledge"
    );

    let res = officer.post(
        &format!("/api/bank/loans/{loan_id}/pledge-release"),
        &json!({}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    assert_eq!(res.json()["kind"], "bank.pledge_release");
    let proposal = res.json()["id"].as_i64().expect("proposal");
    let own = officer.post(
        &format!("/api/bank/proposals/{proposal}/approve"),
        &json!({}),
    );
    assert_eq!(own.status, 403, "{}", own.body);
    assert_eq!(registered(&mut conn), pledged, "still registered");
    let res = manager.post(
        &format!("/api/bank/proposals/{proposal}/approve"),
        &json!({}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(
        registered(&mut conn),
        0,
        "released on the manager's approval"
    );
    let released_on: Vec<Option<NaiveDate>> = pledges::table
        .filter(pledges::loan_id.eq(loan_id))
        .select(pledges::released_on)
        .load(&mut conn)
        .expect("pledges");
    assert!(released_on.iter().all(|d| *d == Some(china_today())));
    let again = officer.post(
        &format!("/api/bank/loans/{loan_id}/pledge-release"),
        &json!({}),
    );
    assert_eq!(again.status, 409, "{}", again.body);
}

/// On PostgreSQL, where transactions interleave: the district's manager approves the payout while
/// the bank books the borrower's money on the same claim, many times over. Whatever the order,
/// the pool pays on the loss left by the money booked before the payout, and money after it is
/// refused as a recovery: never a payout on the old loss with the money booked as well.
#[test]
fn money_booked_at_the_moment_of_the_payout_never_leaves_the_pool_paying_the_old_loss() {
    const ROUNDS: usize = 6;
    const AT_ONCE: usize = 8;
    let db = TestDb::new(Backend::Postgres);
    load_demo(&db);
    let server = Server::start(&db.url);
    let login = |u: &str| server.client().login(u, DEMO_PASSWORD).0;
    let (officer, gov_officer, gov_manager) = (
        login("demo-officer"),
        login("demo-gov-officer"),
        login("demo-gov-manager"),
    );
    let (claim_id, loan_id, _, _) = a_filed_claim(&db, &gov_officer);
    let payment = 100_000;
    let today = china_today().to_string();
    let mut conn = db.connect();
    for round in 0..ROUNDS {
        // Arrange: the claim back to filed, its loss as it stands, and a proposal to pay it.
        diesel::update(claims::table.find(claim_id))
            .set((
                claims::status.eq("filed"),
                claims::approved_fen.eq(None::<i64>),
                claims::decided_on.eq(None::<NaiveDate>),
            ))
            .execute(&mut conn)
            .expect("filed");
        let loss: i64 = claims::table
            .find(claim_id)
            .select(claims::loss_fen)
            .first(&mut conn)
            .expect("loss");
        let res = gov_officer.post(
            &format!("/api/gov/claims/{claim_id}/proposals"),
            &json!({"decision": "approve"}),
        );
        assert_eq!(res.status, 201, "{}", res.body);
        let proposal = res.json()["id"].as_i64().expect("proposal");
        let barrier = std::sync::Barrier::new(AT_ONCE);
        let answers: Vec<(usize, u16, String)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..AT_ONCE)
                .map(|i| {
                    let (barrier, officer, gov_manager, today) =
                        (&barrier, &officer, &gov_manager, &today);
                    s.spawn(move || {
                        barrier.wait();
                        let r = if i == 0 {
                            gov_manager.post(
                                &format!("/api/gov/proposals/{proposal}/approve"),
                                &json!({}),
                            )
                        } else {
                            officer.post(
                                &format!("/api/bank/loans/{loan_id}/repayments"),
                                &json!({"paid_on": today, "principal_fen": payment, "interest_fen": 0}),
                            )
                        };
                        let code = r.json()["error"]["code"].as_str().unwrap_or("").to_string();
                        (i, r.status, code)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("thread"))
                .collect()
        });
        let booked = answers.iter().filter(|a| a.0 > 0 && a.1 == 201).count() as i64;
        for a in answers.iter().filter(|a| a.0 > 0 && a.1 != 201) {
            assert_eq!(
                (a.1, a.2.as_str()),
                (409, "CLAIM_PAID"),
                "round {round}: {answers:?}"
            );
        }
        let (status, loss_now, claimed, approved): (String, i64, i64, Option<i64>) = claims::table
            .find(claim_id)
            .select((
                claims::status,
                claims::loss_fen,
                claims::claimed_fen,
                claims::approved_fen,
            ))
            .first(&mut conn)
            .expect("claim");
        assert_eq!(
            loss_now,
            loss - booked * payment,
            "round {round}: every payment booked reduced the loss: {answers:?}"
        );
        let approval = &answers[0];
        if approval.1 == 200 {
            assert_eq!(status, "paid");
            assert_eq!(
                approved,
                Some(claimed),
                "round {round}: paid on the loss as it stood: {answers:?}"
            );
        } else {
            assert_eq!(
                (approval.1, approval.2.as_str()),
                (409, "CLAIM_RECOMPUTED"),
                "round {round}"
            );
            let res = gov_manager.post(
                &format!("/api/gov/proposals/{proposal}/send-back"),
                &json!({}),
            );
            assert_eq!(res.status, 200, "{}", res.body);
        }
    }
}

on_both_backends!(
    a_repayment_back_dated_beyond_thirty_days_is_refused,
    a_repayment_on_a_loan_whose_claim_is_paid_is_refused_as_a_recovery,
    a_repayment_dated_before_the_disbursement_or_after_today_is_refused,
    the_bank_collects_after_filing_and_still_gets_the_full_claim_paid,
    a_claim_whose_loss_is_repaid_in_full_is_withdrawn_not_paid,
    one_officer_alone_releases_the_pledges_by_repaying_in_full
);
