//! Money after a default, and dates a bank may write (#20, item 2): what an officer tried alone.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use serde_json::json;
use zhirong_api::db::schema::{claims, loans, pledges};
use zhirong_tests::{Backend, DEMO_PASSWORD, Server, TestDb, load_demo, on_both_backends};

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

on_both_backends!(
    a_repayment_back_dated_beyond_thirty_days_is_refused,
    a_repayment_on_a_loan_whose_claim_is_paid_is_refused_as_a_recovery
);
