//! The bank view (银知宝) end to end, on both backends, on a clock the test moves: an
//! application from the enterprise view goes through evaluation → proposal → approval by a
//! manager (the proposer may not approve it) → pledge registration → disbursement → pool
//! coverage → missed payments → default → disposal with proceeds → claim filed; every step is in
//! the audit log and the chain verifies. Bad input on the way gets a 4xx naming the field.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, NaiveDate, Utc};
use diesel::prelude::*;
use serde_json::{Value, json};
use zhirong_api::db::schema::{
    audit_log, fund_pools, organisations, pool_banks, pool_coverage, pool_rules,
};
use zhirong_api::domain::PatentNumber;
use zhirong_engine::valuation::PatentType;
use zhirong_tests::{
    Backend, Client, DEMO_PASSWORD, InProcessServer, TestDb, load_demo, on_both_backends,
    plain_patent, principal_of,
};

/// A user of the given role in organisation `org`, created by the operator and signed in: at
/// once where the organisation has no manager yet (bootstrap), otherwise approved by the demo
/// manager of that organisation.
fn gov_user(server: &InProcessServer, admin: &Client, name: &str, role: &str, org: i64) -> Client {
    let res = admin.post(
        "/api/admin/users",
        &json!({"username": name, "role": role, "org_id": org, "password": "district passphrase 2026"}),
    );
    assert!(res.status == 201 || res.status == 202, "{}", res.body);
    if res.status == 202 {
        let p = res.json();
        let (approver, scope) = match p["required_role"].as_str() {
            Some("bank_manager") => ("demo-manager", "bank"),
            Some("gov_manager") => ("demo-gov-manager", "gov"),
            _ => ("demo-enterprise", "enterprise"),
        };
        let id = p["id"].as_i64().unwrap();
        let ok = server
            .client()
            .login(approver, DEMO_PASSWORD)
            .0
            .post(&format!("/api/{scope}/proposals/{id}/approve"), &json!({}));
        assert_eq!(ok.status, 200, "{}", ok.body);
    }
    server.client().login(name, "district passphrase 2026").0
}

fn china_today(server: &InProcessServer) -> NaiveDate {
    use zhirong_api::clock::Clock;
    (server.clock.now() + Duration::hours(8)).date()
}

fn field(res: &zhirong_tests::HttpResponse) -> String {
    res.json()["error"]["field"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// A pool of the enterprise's district that the bank takes part in (joined here if none is).
fn pool_for(db: &TestDb, enterprise: i64, bank: i64) -> i64 {
    let mut conn = db.connect();
    let district: i64 = organisations::table
        .find(enterprise)
        .select(organisations::district_org_id.assume_not_null())
        .first(&mut conn)
        .unwrap();
    let pool: i64 = fund_pools::table
        .filter(fund_pools::district_id.eq(district))
        .filter(fund_pools::status.eq("open"))
        .select(fund_pools::id)
        .first(&mut conn)
        .unwrap();
    let joined: i64 = pool_banks::table
        .filter(pool_banks::pool_id.eq(pool))
        .filter(pool_banks::bank_id.eq(bank))
        .count()
        .get_result(&mut conn)
        .unwrap();
    if joined == 0 {
        diesel::insert_into(pool_banks::table)
            .values((
                pool_banks::pool_id.eq(pool),
                pool_banks::bank_id.eq(bank),
                pool_banks::joined_on.eq(NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()),
            ))
            .execute(&mut conn)
            .unwrap();
    }
    pool
}

fn the_loan_goes_from_application_to_claim(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = InProcessServer::start(&db, Utc::now().naive_utc());
    let login = |u: &str| -> Client { server.client().login(u, DEMO_PASSWORD).0 };
    let (me, officer, manager) = (
        login("demo-enterprise"),
        login("demo-officer"),
        login("demo-manager"),
    );
    let enterprise = principal_of(&db, "demo-enterprise").org_id;
    let bank = principal_of(&db, "demo-officer").org_id;
    let pool = pool_for(&db, enterprise, bank);
    let today = china_today(&server);

    // The enterprise: a patent, last year's statements, an application to the demo bank.
    let number = PatentNumber::new_style(2019, PatentType::Invention, 9_650_001).to_string();
    let res = me.post(
        "/api/enterprise/patents",
        &json!({"patent_number": number, "patent_type": "invention", "title": "一种质押融资测试专利",
            "filing_date": "2019-03-01", "grant_date": "2021-05-10", "legal_status": "valid",
            "ipc_main": "G06F 16/00", "claims": 14, "forward_citations": 9, "backward_citations": 12,
            "family_size": 3, "inventors": 4, "transfers": 0, "licenses": 1, "litigations": 0,
            "invalidation_requests": 0, "fee_paid_until": (today + Duration::days(400)).to_string(),
            "revenue_fen": 2_000_000_000i64}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let patent = res.json()["id"].as_i64().unwrap();
    let res = me.put(
        "/api/enterprise/financials/2025",
        &json!({"revenue_fen": 3_000_000_000i64, "profit_fen": 240_000_000i64,
            "assets_fen": 5_000_000_000i64, "liabilities_fen": 2_000_000_000i64, "headcount": 120}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let line = me
        .post(
            "/api/enterprise/valuations",
            &json!({"patent_ids": [patent]}),
        )
        .json()["credit_line_fen"]
        .as_i64()
        .unwrap();
    assert!(line > 1_000_000, "credit line {line}");
    let amount = line / 100 * 100;
    let res = me.post(
        "/api/enterprise/applications",
        &json!({"bank_id": bank, "pool_id": pool, "amount_fen": amount, "term_months": 12,
            "purpose": "研发投入", "patent_ids": [patent]}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let app = res.json()["id"].as_i64().unwrap();
    // A draft is not in the bank's queue.
    assert_eq!(
        officer.get(&format!("/api/bank/applications/{app}")).status,
        404
    );
    let res = me.post(
        &format!("/api/enterprise/applications/{app}/submit"),
        &json!({}),
    );
    assert_eq!(res.status, 200, "{}", res.body);

    // The queue: there, with the enterprise, the line and a rating.
    let queue = officer
        .get("/api/bank/applications?status=submitted&sort=-amount")
        .json();
    let item = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == app)
        .expect("in the queue")
        .clone();
    assert_eq!(item["amount_fen"], amount);
    assert_eq!(item["credit_line_fen"], line);
    assert_eq!(item["enterprise"]["id"], enterprise);
    assert!(item["rating"].is_string());
    assert_eq!(officer.get("/api/bank/applications?sort=size").status, 400);

    // The evaluation report: the patent's collateral, the four risk scores, a PD.
    let report = officer
        .get(&format!("/api/bank/applications/{app}/evaluation"))
        .json();
    assert_eq!(report["patents"][0]["patent_id"], patent);
    assert!(report["patents"][0]["collateral_fen"].as_i64().unwrap() > 0);
    assert_eq!(report["credit_line_fen"], line);
    assert_eq!(report["concentration"]["largest_share"], 1.0);
    for dim in ["operating", "judicial", "credit", "ip"] {
        assert!(report["risk"][dim].is_number(), "{dim}: {report}");
    }
    assert_eq!(report["pd"]["source"], "default");
    assert_eq!(report["pd"]["fiscal_year"], 2025);
    let pd = report["pd"]["pd"]
        .as_f64()
        .unwrap_or_else(|| panic!("a PD from the statements: {}", report["pd"]));
    assert!(pd > 0.0 && pd < 1.0);
    assert_eq!(report["checks"].as_array().unwrap().len(), 0, "{report}");
    assert_eq!(report["models"]["valuation"], "zr-val-1");
    let html = officer.get(&format!(
        "/api/bank/applications/{app}/evaluation?format=html"
    ));
    assert_eq!(html.status, 200);
    assert!(html.body.contains("质物评价报告") && html.body.contains(&number));

    // Bad decisions, each naming its field, and nothing proposed.
    let propose =
        |body: Value| officer.post(&format!("/api/bank/applications/{app}/proposals"), &body);
    let approve = json!({"decision": "approve", "amount_fen": amount, "rate_bp": 300, "term_months": 12,
        "repayment_method": "equal_principal", "conditions": "按季报送财务报表"});
    for (patch, want) in [
        (json!({"rate_bp": 0}), "rate_bp"),
        (json!({"term_months": 36}), "term_months"),
        (json!({"amount_fen": amount + 100}), "amount_fen"),
        (json!({"repayment_method": "balloon"}), "repayment_method"),
    ] {
        let mut body = approve.clone();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let res = propose(body);
        assert_eq!(res.status, 400, "{patch}: {}", res.body);
        assert_eq!(field(&res), want);
    }
    let res = propose(json!({"decision": "reject", "reason_code": "because"}));
    assert_eq!((res.status, field(&res).as_str()), (400, "reason_code"));

    // The officer proposes; the officer may not approve it; the manager does.
    let res = propose(approve.clone());
    assert_eq!(res.status, 201, "{}", res.body);
    let proposal = res.json()["id"].as_i64().unwrap();
    assert_eq!(
        propose(approve.clone()).status,
        409,
        "one pending proposal at a time"
    );
    let res = officer.post(
        &format!("/api/bank/proposals/{proposal}/approve"),
        &json!({}),
    );
    assert_eq!(res.status, 403);
    let res = manager.post(
        &format!("/api/bank/proposals/{proposal}/approve"),
        &json!({}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let detail = officer.get(&format!("/api/bank/applications/{app}")).json();
    assert_eq!(detail["status"], "approved");
    assert_eq!(detail["approved_amount_fen"], amount);
    assert_eq!(detail["repayment_method"], "equal_principal");
    assert_eq!(detail["pledges"][0]["status"], "pending_registration");
    let alerts = me.get("/api/enterprise/alerts").json();
    assert!(
        alerts["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["kind"] == "application_status"),
        "the enterprise hears of the approval: {alerts}"
    );

    // Disbursement is refused until the pledge is registered.
    let res = officer.post(
        &format!("/api/bank/applications/{app}/disbursement"),
        &json!({}),
    );
    assert_eq!(res.status, 422, "{}", res.body);
    let register = |body: Value| {
        officer.post(
            &format!("/api/bank/applications/{app}/registrations"),
            &body,
        )
    };
    let res = register(
        json!({"patent_id": patent, "registration_no": "质押", "registration_date": today.to_string()}),
    );
    assert_eq!((res.status, field(&res).as_str()), (400, "registration_no"));
    let res = register(
        json!({"patent_id": patent, "registration_no": "Y2026990012345",
        "registration_date": (today + Duration::days(1)).to_string()}),
    );
    assert_eq!(
        (res.status, field(&res).as_str()),
        (400, "registration_date")
    );
    let res = register(
        json!({"patent_id": patent, "registration_no": "Y2026990012345", "registration_date": today.to_string()}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["pledges"][0]["status"], "registered");

    // The manager proposes the disbursement this time: approving it himself is refused, a
    // second manager of the bank approves it.
    let res = manager.post(
        &format!("/api/bank/applications/{app}/disbursement"),
        &json!({}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let disbursement = res.json()["id"].as_i64().unwrap();
    let res = manager.post(
        &format!("/api/bank/proposals/{disbursement}/approve"),
        &json!({}),
    );
    assert_eq!(
        (res.status, res.json()["error"]["code"].clone()),
        (403, json!("MAKER_CHECKER_OWN_PROPOSAL")),
        "{}",
        res.body
    );
    let second_manager = gov_user(
        &server,
        &login("demo-admin"),
        "second-bank-manager",
        "bank_manager",
        bank,
    );
    let res = second_manager.post(
        &format!("/api/bank/proposals/{disbursement}/approve"),
        &json!({}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let loans = officer.get("/api/bank/loans").json();
    let loan = loans
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["application_id"] == app)
        .expect("the loan")
        .clone();
    let loan_id = loan["loan_id"].as_i64().unwrap();
    assert_eq!(loan["principal_fen"], amount);
    assert_eq!(loan["status"], "active");
    assert_eq!(loan["disbursed_on"], today.to_string());
    let covered: i64 = pool_coverage::table
        .filter(pool_coverage::loan_id.eq(loan_id))
        .filter(pool_coverage::pool_id.eq(pool))
        .count()
        .get_result(&mut db.connect())
        .unwrap();
    assert_eq!(
        covered, 1,
        "the pool covers the loan within its leverage limit"
    );

    // A repayment above the outstanding is refused; none is made, the first quarter is missed.
    let res = officer.post(
        &format!("/api/bank/loans/{loan_id}/repayments"),
        &json!({"paid_on": today.to_string(), "principal_fen": amount + 1, "interest_fen": 0}),
    );
    assert_eq!((res.status, field(&res).as_str()), (400, "principal_fen"));
    server.clock.advance(Duration::days(100));
    // Access tokens expire on the service clock: sign in again after moving it.
    let officer = login("demo-officer");
    let run = officer.post("/api/bank/servicing/run", &json!({})).json();
    let change = run["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["loan_id"] == loan_id)
        .expect("the loan changes")
        .clone();
    assert_eq!(change["to_status"], "overdue");
    server.clock.advance(Duration::days(90));
    let (officer, manager) = (login("demo-officer"), login("demo-manager"));
    let run = officer.post("/api/bank/servicing/run", &json!({})).json();
    let change = run["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["loan_id"] == loan_id)
        .expect("the loan defaults")
        .clone();
    assert_eq!(change["to_status"], "defaulted");
    assert!(change["days_past_due"].as_i64().unwrap() >= 90);
    let open = officer
        .get(&format!("/api/bank/alerts?loan_id={loan_id}"))
        .json();
    let kinds: Vec<&str> = open
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"overdue") && kinds.contains(&"default"),
        "{kinds:?}"
    );
    let alert = open[0]["id"].as_i64().unwrap();
    let res = officer.post(&format!("/api/bank/alerts/{alert}/resolve"), &json!({}));
    assert_eq!((res.status, field(&res).as_str()), (400, "resolution"));
    let res = officer.post(
        &format!("/api/bank/alerts/{alert}/resolve"),
        &json!({"resolution": "已启动处置"}),
    );
    assert_eq!(res.status, 200, "{}", res.body);

    // A claim before the disposal is done is refused; then the disposal.
    let res = officer.post(
        &format!("/api/bank/loans/{loan_id}/disposals"),
        &json!({"patent_id": patent, "channel": "auction"}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let case = res.json()["id"].as_i64().unwrap();
    assert_eq!(
        officer
            .post(&format!("/api/bank/loans/{loan_id}/claim"), &json!({}))
            .status,
        409
    );
    let later = china_today(&server);
    let res = officer.post(
        &format!("/api/bank/disposals/{case}/offers"),
        &json!({"bidder": "某科技有限公司", "amount_fen": 0, "offered_on": later.to_string()}),
    );
    assert_eq!((res.status, field(&res).as_str()), (400, "amount_fen"));
    let proceeds = amount / 4;
    let res = officer.post(
        &format!("/api/bank/disposals/{case}/offers"),
        &json!({"bidder": "某科技有限公司", "amount_fen": proceeds, "offered_on": later.to_string()}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let offer = res.json()["offers"][0]["id"].as_i64().unwrap();
    let res = officer.post(
        &format!("/api/bank/disposals/{case}/offers/{offer}/accept"),
        &json!({}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let sale = res.json()["id"].as_i64().unwrap();
    let res = manager.post(&format!("/api/bank/proposals/{sale}/approve"), &json!({}));
    assert_eq!(res.status, 200, "{}", res.body);
    let case_view = officer.get(&format!("/api/bank/disposals/{case}")).json();
    assert_eq!(case_view["status"], "sold");
    assert_eq!(case_view["proceeds_fen"], proceeds);

    // The claim: loss after recoveries, the pool's share by its rules.
    let res = officer.post(&format!("/api/bank/loans/{loan_id}/claim"), &json!({}));
    assert_eq!(res.status, 201, "{}", res.body);
    let filed = res.json();
    let loss = amount - proceeds;
    assert_eq!(filed["claim"]["loss_fen"], loss);
    assert_eq!(filed["claim"]["recoveries_fen"], proceeds);
    let (gov_bp, cap): (i32, i64) = pool_rules::table
        .filter(pool_rules::pool_id.eq(pool))
        .filter(pool_rules::version.eq(filed["claim"]["rule_version"].as_i64().unwrap() as i32))
        .select((pool_rules::gov_share_bp, pool_rules::per_loan_cap_fen))
        .first(&mut db.connect())
        .unwrap();
    let balance = filed["pool_balance_fen"].as_i64().unwrap();
    let by_share = (loss as f64 * f64::from(gov_bp) / 10_000.0).round() as i64;
    assert_eq!(
        filed["claim"]["claimed_fen"],
        by_share.min(cap).min(balance)
    );
    assert_eq!(
        filed["pool_fen"].as_i64().unwrap()
            + filed["bank_fen"].as_i64().unwrap()
            + filed["guarantor_fen"].as_i64().unwrap()
            + filed["insurer_fen"].as_i64().unwrap(),
        loss
    );
    let claims = officer.get("/api/bank/claims").json();
    assert!(
        claims
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["loan_id"] == loan_id)
    );
    assert_eq!(
        officer
            .post(&format!("/api/bank/loans/{loan_id}/claim"), &json!({}))
            .status,
        409,
        "one claim per loan"
    );

    // The district: an officer proposes paying the claim, a manager (not the proposer) approves;
    // the balance falls and the payouts rise by exactly the pool's share.
    let district: i64 = organisations::table
        .find(enterprise)
        .select(organisations::district_org_id.assume_not_null())
        .first(&mut db.connect())
        .unwrap();
    let admin = login("demo-admin");
    let (gov_officer, gov_manager, stranger) =
        if principal_of(&db, "demo-gov-officer").org_id == district {
            (login("demo-gov-officer"), login("demo-gov-manager"), None)
        } else {
            (
                gov_user(
                    &server,
                    &admin,
                    "claim-gov-officer",
                    "gov_officer",
                    district,
                ),
                gov_user(
                    &server,
                    &admin,
                    "claim-gov-manager",
                    "gov_manager",
                    district,
                ),
                Some(login("demo-gov-officer")),
            )
        };
    let stranger = stranger.unwrap_or_else(|| {
        let other: i64 = organisations::table
            .filter(organisations::kind.eq("district"))
            .filter(organisations::id.ne(district))
            .select(organisations::id)
            .first(&mut db.connect())
            .unwrap();
        gov_user(
            &server,
            &admin,
            "stranger-gov-officer",
            "gov_officer",
            other,
        )
    });
    let claim_id = filed["claim"]["id"].as_i64().unwrap();
    let pool_before = gov_officer.get(&format!("/api/gov/pools/{pool}")).json();
    let computed = gov_officer
        .get(&format!("/api/gov/claims/{claim_id}"))
        .json();
    assert_eq!(computed["loss_fen"], loss);
    assert_eq!(computed["recoveries_fen"], proceeds);
    assert_eq!(computed["payable_now_fen"], filed["pool_fen"]);
    let payable = computed["payable_now_fen"].as_i64().unwrap();
    let res = gov_officer.post(
        &format!("/api/gov/claims/{claim_id}/proposals"),
        &json!({"decision": "return"}),
    );
    assert_eq!((res.status, field(&res).as_str()), (400, "reason"));
    let res = gov_officer.post(
        &format!("/api/gov/claims/{claim_id}/proposals"),
        &json!({"decision": "approve"}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let decision = res.json()["id"].as_i64().unwrap();
    assert_eq!(
        gov_officer
            .post(
                &format!("/api/gov/proposals/{decision}/approve"),
                &json!({})
            )
            .status,
        403
    );
    let res = gov_manager.post(
        &format!("/api/gov/proposals/{decision}/approve"),
        &json!({}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let pool_after = gov_officer.get(&format!("/api/gov/pools/{pool}")).json();
    assert_eq!(
        pool_after["balance_fen"].as_i64().unwrap(),
        pool_before["balance_fen"].as_i64().unwrap() - payable
    );
    assert_eq!(
        pool_after["payouts_fen"].as_i64().unwrap(),
        pool_before["payouts_fen"].as_i64().unwrap() + payable
    );
    let paid = gov_officer
        .get(&format!("/api/gov/claims/{claim_id}"))
        .json();
    assert_eq!(paid["status"], "paid");
    assert_eq!(paid["approved_fen"], payable);
    // Money recovered after the payout flows back by the pool's share of the loss.
    let recovered = loss / 10;
    let res = officer.post(
        &format!("/api/bank/claims/{claim_id}/recoveries"),
        &json!({"amount_fen": recovered, "received_on": china_today(&server).to_string()}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let back = (i128::from(recovered) * i128::from(payable) / i128::from(loss)) as i64;
    let pool_later = gov_officer.get(&format!("/api/gov/pools/{pool}")).json();
    assert_eq!(
        pool_later["balance_fen"].as_i64().unwrap(),
        pool_after["balance_fen"].as_i64().unwrap() + back
    );
    assert_eq!(
        pool_later["recoveries_fen"].as_i64().unwrap(),
        pool_after["recoveries_fen"].as_i64().unwrap() + back
    );
    // Another district sees none of it.
    for path in [
        format!("/api/gov/pools/{pool}"),
        format!("/api/gov/pools/{pool}/loans"),
        format!("/api/gov/claims/{claim_id}"),
    ] {
        assert_eq!(stranger.get(&path).status, 404, "{path}");
    }
    assert!(
        !stranger
            .get("/api/gov/claims")
            .json()
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == claim_id)
    );

    // Every step is in the audit log, and the chain holds.
    let mut conn = db.connect();
    let actions: Vec<String> = audit_log::table
        .select(audit_log::action)
        .load(&mut conn)
        .unwrap();
    for step in [
        "application.submit",
        "application.review",
        "proposal.create",
        "proposal.approve",
        "application.approve",
        "pledge.register",
        "loan.disburse",
        "pool.cover",
        "loan.status",
        "alert.resolve",
        "disposal.open",
        "disposal.offer",
        "disposal.sell",
        "claim.file",
        "claim.pay",
        "claim.recovery",
    ] {
        assert!(
            actions.iter().any(|a| a == step),
            "{step} is not in the audit log"
        );
    }
    // ... and tied to this application and this loan: the evaluation the officer read, both
    // decisions, the loan going overdue and then into default.
    let rows: Vec<(String, String, String)> = audit_log::table
        .filter(audit_log::object_type.eq_any(["application", "loan"]))
        .select((
            audit_log::action,
            audit_log::object_type,
            audit_log::object_id,
        ))
        .load(&mut conn)
        .unwrap();
    let on = |kind: &str, id: i64| -> Vec<String> {
        rows.iter()
            .filter(|r| r.1 == kind && r.2 == id.to_string())
            .map(|r| r.0.clone())
            .collect()
    };
    let on_app = on("application", app);
    for step in [
        "application.submit",
        "application.evaluate",
        "application.review",
        "application.approve",
    ] {
        assert!(
            on_app.iter().any(|a| a == step),
            "{step} on application {app}: {on_app:?}"
        );
    }
    let on_loan = on("loan", loan_id);
    assert!(on_loan.iter().any(|a| a == "loan.disburse"), "{on_loan:?}");
    assert_eq!(
        on_loan.iter().filter(|a| *a == "loan.status").count(),
        2,
        "overdue, then defaulted: {on_loan:?}"
    );
    assert!(matches!(
        zhirong_api::db::audit::verify(&mut conn),
        Ok(Ok(_))
    ));

    // Another bank's officer finds none of it in any list.
    let other_bank: i64 = organisations::table
        .filter(organisations::kind.eq("bank"))
        .filter(organisations::id.ne(bank))
        .select(organisations::id)
        .first(&mut conn)
        .unwrap();
    let stranger = gov_user(
        &server,
        &login("demo-admin"),
        "other-bank-officer",
        "bank_officer",
        other_bank,
    );
    let queue = stranger.get("/api/bank/applications?limit=200").json();
    assert!(
        !queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == app)
    );
    for (path, key, id) in [
        ("/api/bank/loans", "loan_id", loan_id),
        ("/api/bank/claims", "loan_id", loan_id),
        ("/api/bank/alerts?state=all", "loan_id", loan_id),
        ("/api/bank/disposals", "loan_id", loan_id),
        ("/api/bank/proposals", "object_id", app),
    ] {
        let list = stranger.get(path);
        assert_eq!(list.status, 200, "{path}: {}", list.body);
        let list = list.json();
        let items = list
            .as_array()
            .or_else(|| list["items"].as_array())
            .unwrap_or_else(|| panic!("{path}: {list}"));
        assert!(
            !items
                .iter()
                .any(|i| i[key] == id || i[key].as_str().and_then(|s| s.parse().ok()) == Some(id)),
            "{path} shows another bank's {key} {id}"
        );
    }
    assert_eq!(
        stranger
            .get(&format!(
                "/api/bank/applications/{app}/evaluation?format=html"
            ))
            .status,
        404
    );
}

/// A rejection reaches the enterprise with its reason; a withdrawn application cannot be approved.
fn rejection_and_withdrawal(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = InProcessServer::start(&db, Utc::now().naive_utc());
    let login = |u: &str| -> Client { server.client().login(u, DEMO_PASSWORD).0 };
    let (me, officer, manager) = (
        login("demo-enterprise"),
        login("demo-officer"),
        login("demo-manager"),
    );
    let bank = principal_of(&db, "demo-officer").org_id;
    let today = china_today(&server);
    let mut apps = Vec::new();
    for serial in [9_650_101, 9_650_102] {
        let res = me.post(
            "/api/enterprise/patents",
            &plain_patent(
                serial,
                "测试专利",
                &(today + Duration::days(200)).to_string(),
            ),
        );
        assert_eq!(res.status, 201, "{}", res.body);
        let patent = res.json()["id"].as_i64().unwrap();
        let res = me.post(
            "/api/enterprise/applications",
            &json!({"bank_id": bank, "amount_fen": 100_000, "term_months": 12, "purpose": "流动资金", "patent_ids": [patent]}),
        );
        let app = res.json()["id"].as_i64().unwrap();
        assert_eq!(
            me.post(
                &format!("/api/enterprise/applications/{app}/submit"),
                &json!({})
            )
            .status,
            200
        );
        apps.push(app);
    }
    let reject = officer.post(
        &format!("/api/bank/applications/{}/proposals", apps[0]),
        &json!({"decision": "reject", "reason_code": "credit_risk", "reason": "近期涉诉较多"}),
    );
    assert_eq!(reject.status, 201, "{}", reject.body);
    let id = reject.json()["id"].as_i64().unwrap();
    assert_eq!(
        manager
            .post(&format!("/api/bank/proposals/{id}/approve"), &json!({}))
            .status,
        200
    );
    let mine = me
        .get(&format!("/api/enterprise/applications/{}", apps[0]))
        .json();
    assert_eq!(mine["status"], "rejected");
    assert_eq!(mine["decision_reason"], "近期涉诉较多");

    let approve = officer.post(
        &format!("/api/bank/applications/{}/proposals", apps[1]),
        &json!({"decision": "approve", "amount_fen": 100_000, "rate_bp": 280, "term_months": 12,
            "repayment_method": "interest_only_bullet"}),
    );
    assert_eq!(approve.status, 201, "{}", approve.body);
    let id = approve.json()["id"].as_i64().unwrap();
    assert_eq!(
        me.post(
            &format!("/api/enterprise/applications/{}/withdraw", apps[1]),
            &json!({})
        )
        .status,
        200
    );
    let res = manager.post(&format!("/api/bank/proposals/{id}/approve"), &json!({}));
    assert_eq!(res.status, 409, "{}", res.body);
    let p = manager.get(&format!("/api/bank/proposals/{id}")).json();
    assert_eq!(
        p["status"], "pending",
        "a failed approval leaves the proposal pending"
    );
    assert_eq!(
        manager
            .post(
                &format!("/api/bank/proposals/{id}/send-back"),
                &json!({"note": "已撤回"})
            )
            .status,
        200
    );
}

/// The monitor wakes by itself: a pledged patent whose annual fee has fallen into the grace
/// period raises a fee-grace alert to the lending bank without anyone asking.
fn the_monitor_runs_by_itself(backend: Backend) {
    use zhirong_api::db::schema::{alerts, loans, patents, pledges};
    let db = TestDb::new(backend);
    load_demo(&db);
    let mut conn = db.connect();
    let (loan, bank, patent): (i64, i64, i64) = loans::table
        .inner_join(pledges::table.on(pledges::loan_id.eq(loans::id.nullable())))
        .filter(loans::status.eq("active"))
        .filter(pledges::status.eq("registered"))
        .select((loans::id, loans::bank_id, pledges::patent_id))
        .first(&mut conn)
        .unwrap();
    let lapsed = (Utc::now() + Duration::hours(8)).date_naive() - Duration::days(30);
    diesel::update(patents::table.find(patent))
        .set(patents::fee_paid_until.eq(lapsed))
        .execute(&mut conn)
        .unwrap();
    let _server =
        zhirong_tests::Server::start_with_env(&db.url, &[("ZHIRONG_MONITOR_INTERVAL_SECS", "1")]);
    let started = std::time::Instant::now();
    let mut found = 0;
    while started.elapsed() < std::time::Duration::from_secs(60) {
        found = alerts::table
            .filter(alerts::kind.eq("fee_grace"))
            .filter(alerts::loan_id.eq(loan))
            .filter(alerts::patent_id.eq(patent))
            .filter(alerts::bank_id.eq(bank))
            .count()
            .get_result::<i64>(&mut conn)
            .unwrap();
        if found > 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    assert_eq!(found, 1, "the monitor raised the fee-grace alert once");
    let by_scheduler: i64 = audit_log::table
        .filter(audit_log::action.eq("monitoring.run"))
        .filter(audit_log::username.eq("scheduler"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert!(by_scheduler >= 1);
}

on_both_backends!(
    the_loan_goes_from_application_to_claim,
    rejection_and_withdrawal,
    the_monitor_runs_by_itself
);
