//! Pledged collateral is frozen (#20, item 1): what a borrower tried on a patent pledged to its
//! live loan.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use diesel::prelude::*;
use serde_json::{Value, json};
use zhirong_api::db::schema::{audit_log, loans, patents, pledges};
use zhirong_tests::{
    Backend, Client, DEMO_PASSWORD, Server, TestDb, load_demo, on_both_backends, plain_patent,
    principal_of,
};

/// The borrower rewrites a pledged patent's valuation inputs (RMB 9 bn of revenue, 500 forward
/// citations, a family of 30) to lift its collateral: refused with 409 naming the loan, nothing
/// changed; the title alone may still be corrected.
fn a_borrower_cannot_rewrite_the_inputs_of_a_patent_pledged_to_its_loan(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let (enterprise, _) = server.client().login("demo-enterprise", DEMO_PASSWORD);
    let loans = enterprise.get("/api/enterprise/loans").json();
    let (loan, id) = loans
        .as_array()
        .expect("loans")
        .iter()
        .filter(|l| l["status"] == "active")
        .find_map(|l| {
            let patent = l["patents"].as_array()?.first()?["patent_id"].as_i64()?;
            Some((l["id"].as_i64()?, patent))
        })
        .expect("an active loan of demo-enterprise with a pledged patent");
    let pledged = enterprise
        .get(&format!("/api/enterprise/patents/{id}"))
        .json();
    assert_eq!(pledged["pledged"], true, "{pledged}");

    let mut inflated = pledged.clone();
    for (k, v) in [
        ("revenue_fen", json!(900_000_000_000i64)),
        ("forward_citations", json!(500)),
        ("family_size", json!(30)),
    ] {
        inflated[k] = v;
    }
    for k in ["id", "pledged", "updated_at"] {
        inflated.as_object_mut().expect("object").remove(k);
    }
    let res = enterprise.put(&format!("/api/enterprise/patents/{id}"), &inflated);
    assert_eq!(res.status, 409, "{}", res.body);
    assert_eq!(res.json()["error"]["code"], "PATENT_FROZEN");
    let message = res.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(message.contains(&format!("loan {loan}")), "{message}");
    let after = enterprise
        .get(&format!("/api/enterprise/patents/{id}"))
        .json();
    assert_eq!(after["revenue_fen"], pledged["revenue_fen"]);
    assert_eq!(after["forward_citations"], pledged["forward_citations"]);

    // A typo in the title is no collateral: it may be corrected.
    let mut retitled = pledged.clone();
    retitled["title"] = json!("一种更正了标题的方法");
    for k in ["id", "pledged", "updated_at"] {
        retitled.as_object_mut().expect("object").remove(k);
    }
    let res = enterprise.put(&format!("/api/enterprise/patents/{id}"), &retitled);
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["title"], "一种更正了标题的方法");
}

on_both_backends!(a_borrower_cannot_rewrite_the_inputs_of_a_patent_pledged_to_its_loan);

/// The demo enterprise's patent pledged (registered) to its active loan at the demo bank: the
/// loan, the patent's id and its fields as the enterprise reads them.
fn pledged_to_demo_bank(db: &TestDb, enterprise: &Client) -> (i64, i64, Value) {
    let mut conn = db.connect();
    let borrower = principal_of(db, "demo-enterprise").org_id;
    let bank = principal_of(db, "demo-officer").org_id;
    let (loan, patent): (i64, i64) = pledges::table
        .inner_join(loans::table.on(loans::id.nullable().eq(pledges::loan_id)))
        .filter(loans::enterprise_id.eq(borrower))
        .filter(loans::bank_id.eq(bank))
        .filter(loans::status.eq("active"))
        .filter(pledges::status.eq("registered"))
        .order(pledges::id)
        .select((loans::id, pledges::patent_id))
        .first(&mut conn)
        .expect("a patent of demo-enterprise registered to an active loan of the demo bank");
    let fields = enterprise
        .get(&format!("/api/enterprise/patents/{patent}"))
        .json();
    assert_eq!(fields["pledged"], true, "{fields}");
    (loan, patent, fields)
}

/// What the borrower asks for: the revenue and citations that lift the collateral.
fn inflating_request() -> Value {
    json!({"changes": {"revenue_fen": 900_000_000_000i64, "forward_citations": 500, "family_size": 30},
           "reason": "2026 年许可收入大幅增长", "evidence": "许可合同 No. 2026-017"})
}

/// A user of another bank, created by the operator and signed in.
fn other_bank_officer(server: &Server, db: &TestDb) -> Client {
    let (admin, _) = server.client().login("demo-admin", DEMO_PASSWORD);
    let demo_bank = principal_of(db, "demo-officer").org_id;
    let banks = admin.get("/api/admin/organisations?kind=bank").json();
    let other = banks
        .as_array()
        .expect("banks")
        .iter()
        .filter_map(|o| o["id"].as_i64())
        .find(|id| *id != demo_bank)
        .expect("a second bank in the demo data");
    let res = admin.post(
        "/api/admin/users",
        &json!({"username": "other-bank-officer", "role": "bank_officer", "org_id": other,
                "password": "another bank passphrase"}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    server
        .client()
        .login("other-bank-officer", "another bank passphrase")
        .0
}

/// The borrower cannot get a change of its collateral through without its bank: the edit is
/// refused and points to a change request; the request changes nothing by itself, only one may
/// be open per patent, and the borrower cannot decide it.
fn a_borrower_cannot_get_a_collateral_change_through_without_its_bank(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let (enterprise, _) = server.client().login("demo-enterprise", DEMO_PASSWORD);
    let (loan, id, pledged) = pledged_to_demo_bank(&db, &enterprise);

    let mut inflated = pledged.clone();
    inflated["revenue_fen"] = json!(900_000_000_000i64);
    for k in ["id", "pledged", "updated_at"] {
        inflated.as_object_mut().expect("object").remove(k);
    }
    let res = enterprise.put(&format!("/api/enterprise/patents/{id}"), &inflated);
    assert_eq!(res.status, 409, "{}", res.body);
    let message = res.json()["error"]["message"].to_string();
    assert!(message.contains("change request"), "{message}");

    // Nothing but a change request of the patent's own fields, with a reason.
    let path = format!("/api/enterprise/patents/{id}/change-requests");
    for (body, field) in [
        (
            json!({"changes": {"patent_number": "ZL201310699744.2"}, "reason": "x"}),
            "patent_number",
        ),
        (
            json!({"changes": {"revenue_fen": -1}, "reason": "x"}),
            "revenue_fen",
        ),
        (
            json!({"changes": {"colour": "blue"}, "reason": "x"}),
            "colour",
        ),
        (json!({"changes": {"revenue_fen": 1}}), "reason"),
        (json!({"changes": {}, "reason": "x"}), "changes"),
    ] {
        let res = enterprise.post(&path, &body);
        assert_eq!(res.status, 400, "{body}: {}", res.body);
        assert_eq!(res.json()["error"]["field"], field, "{body}: {}", res.body);
    }
    let res = enterprise.post(&path, &inflating_request());
    assert_eq!(res.status, 201, "{}", res.body);
    let request = res.json();
    assert_eq!(request["status"], "open", "{request}");
    assert_eq!(request["held_by"], format!("loan {loan}"), "{request}");
    assert_eq!(request["before"]["revenue_fen"], pledged["revenue_fen"]);
    assert_eq!(request["after"]["revenue_fen"], 900_000_000_000i64);
    let rid = request["id"].as_i64().expect("id");
    // One open request per patent.
    let res = enterprise.post(&path, &inflating_request());
    assert_eq!(res.status, 409, "{}", res.body);
    assert_eq!(res.json()["error"]["code"], "CHANGE_REQUEST_OPEN");
    // Asked, not changed; and the borrower cannot decide its own request.
    let now = enterprise
        .get(&format!("/api/enterprise/patents/{id}"))
        .json();
    assert_eq!(now["revenue_fen"], pledged["revenue_fen"]);
    assert_eq!(now["forward_citations"], pledged["forward_citations"]);
    let res = enterprise.post(
        &format!("/api/bank/patent-change-requests/{rid}/proposals"),
        &json!({"decision": "accept"}),
    );
    assert_eq!(res.status, 403, "{}", res.body);
    let mine = enterprise
        .get("/api/enterprise/patent-change-requests")
        .json();
    let listed = mine
        .as_array()
        .expect("list")
        .iter()
        .find(|r| r["id"] == rid)
        .expect("the enterprise sees its request");
    assert_eq!(listed["status"], "open");
}

/// The officer alone cannot apply a change: its proposal changes nothing, it may not approve
/// it; the manager's approval changes the fields, audited with the fields before and after, and
/// the enterprise is told. A refused request shows the bank's reason.
fn an_officer_alone_cannot_apply_a_collateral_change(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let (enterprise, _) = server.client().login("demo-enterprise", DEMO_PASSWORD);
    let (officer, _) = server.client().login("demo-officer", DEMO_PASSWORD);
    let (manager, _) = server.client().login("demo-manager", DEMO_PASSWORD);
    let (_, id, pledged) = pledged_to_demo_bank(&db, &enterprise);
    let res = enterprise.post(
        &format!("/api/enterprise/patents/{id}/change-requests"),
        &inflating_request(),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let rid = res.json()["id"].as_i64().expect("id");

    // The bank sees it side by side, with the collateral value before and after.
    let open = officer
        .get("/api/bank/patent-change-requests?status=open")
        .json();
    let seen = open
        .as_array()
        .expect("list")
        .iter()
        .find(|r| r["id"] == rid)
        .expect("the lending bank sees the request")
        .clone();
    assert_eq!(seen["before"]["revenue_fen"], pledged["revenue_fen"]);
    assert_eq!(seen["after"]["family_size"], 30);
    let (before, after) = (
        seen["value_before"]["appraised_fen"]
            .as_i64()
            .expect("value before"),
        seen["value_after"]["appraised_fen"]
            .as_i64()
            .expect("value after"),
    );
    assert!(after > before, "{seen}");
    assert_eq!(
        officer
            .get(&format!("/api/bank/patent-change-requests/{rid}"))
            .status,
        200
    );

    let res = officer.post(
        &format!("/api/bank/patent-change-requests/{rid}/proposals"),
        &json!({"decision": "accept"}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let proposal = res.json()["id"].as_i64().expect("proposal");
    assert_eq!(res.json()["kind"], "bank.patent_change");
    let unchanged = enterprise
        .get(&format!("/api/enterprise/patents/{id}"))
        .json();
    assert_eq!(unchanged["revenue_fen"], pledged["revenue_fen"]);
    let res = officer.post(
        &format!("/api/bank/proposals/{proposal}/approve"),
        &json!({}),
    );
    assert_eq!(res.status, 403, "{}", res.body);
    let unchanged = enterprise
        .get(&format!("/api/enterprise/patents/{id}"))
        .json();
    assert_eq!(unchanged["revenue_fen"], pledged["revenue_fen"]);

    let res = manager.post(
        &format!("/api/bank/proposals/{proposal}/approve"),
        &json!({}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let changed = enterprise
        .get(&format!("/api/enterprise/patents/{id}"))
        .json();
    assert_eq!(changed["revenue_fen"], 900_000_000_000i64);
    assert_eq!(changed["forward_citations"], 500);
    assert_eq!(changed["family_size"], 30);
    assert_eq!(changed["claims"], pledged["claims"]);
    let mine = enterprise
        .get("/api/enterprise/patent-change-requests")
        .json();
    let done = mine
        .as_array()
        .expect("list")
        .iter()
        .find(|r| r["id"] == rid)
        .expect("listed")
        .clone();
    assert_eq!(done["status"], "accepted", "{done}");

    // The audit row of the change carries the fields before and after.
    let (before_json, after_json): (Option<String>, Option<String>) = audit_log::table
        .filter(audit_log::action.eq("patent.change"))
        .filter(audit_log::object_type.eq("patent"))
        .filter(audit_log::object_id.eq(id.to_string()))
        .select((audit_log::before_json, audit_log::after_json))
        .first(&mut db.connect())
        .expect("an audit row of the change");
    let before_json: Value = serde_json::from_str(&before_json.expect("before")).expect("json");
    let after_json: Value = serde_json::from_str(&after_json.expect("after")).expect("json");
    assert_eq!(before_json["revenue_fen"], pledged["revenue_fen"]);
    assert_eq!(before_json["legal_status"], pledged["legal_status"]);
    assert_eq!(after_json["revenue_fen"], 900_000_000_000i64);
    assert_eq!(after_json["forward_citations"], 500);

    // The enterprise is told, in both languages.
    let alerts = enterprise.get("/api/enterprise/alerts").json();
    let told = alerts["alerts"]
        .as_array()
        .expect("alerts")
        .iter()
        .any(|a| {
            let m = a["message"].as_str().unwrap_or_default();
            m.contains(&format!("{rid}")) && m.contains("变更") && m.contains("change request")
        });
    assert!(told, "{alerts}");

    // A refused request: nothing changes, the enterprise reads the bank's reason.
    let res = enterprise.post(
        &format!("/api/enterprise/patents/{id}/change-requests"),
        &json!({"changes": {"legal_status": "valid", "licenses": 40}, "reason": "补录许可"}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let refused = res.json()["id"].as_i64().expect("id");
    let res = officer.post(
        &format!("/api/bank/patent-change-requests/{refused}/proposals"),
        &json!({"decision": "refuse"}),
    );
    assert_eq!(res.status, 400, "a refusal needs a reason: {}", res.body);
    let res = officer.post(
        &format!("/api/bank/patent-change-requests/{refused}/proposals"),
        &json!({"decision": "refuse", "reason": "许可合同未备案"}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let proposal = res.json()["id"].as_i64().expect("proposal");
    let res = manager.post(
        &format!("/api/bank/proposals/{proposal}/approve"),
        &json!({}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let mine = enterprise
        .get("/api/enterprise/patent-change-requests")
        .json();
    let r = mine
        .as_array()
        .expect("list")
        .iter()
        .find(|r| r["id"] == refused)
        .expect("listed")
        .clone();
    assert_eq!(r["status"], "refused", "{r}");
    assert_eq!(r["decision_reason"], "许可合同未备案");
    let after = enterprise
        .get(&format!("/api/enterprise/patents/{id}"))
        .json();
    assert_eq!(after["licenses"], changed["licenses"]);
}

/// Another bank cannot see nor decide a change request of a patent pledged to the demo bank.
fn another_bank_cannot_see_or_decide_a_collateral_change(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let (enterprise, _) = server.client().login("demo-enterprise", DEMO_PASSWORD);
    let other = other_bank_officer(&server, &db);
    let (_, id, pledged) = pledged_to_demo_bank(&db, &enterprise);
    let res = enterprise.post(
        &format!("/api/enterprise/patents/{id}/change-requests"),
        &inflating_request(),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let rid = res.json()["id"].as_i64().expect("id");
    let res = other.get("/api/bank/patent-change-requests");
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(
        !res.json()
            .as_array()
            .expect("list")
            .iter()
            .any(|r| r["id"] == rid),
        "{}",
        res.body
    );
    assert_eq!(
        other
            .get(&format!("/api/bank/patent-change-requests/{rid}"))
            .status,
        404
    );
    let res = other.post(
        &format!("/api/bank/patent-change-requests/{rid}/proposals"),
        &json!({"decision": "accept"}),
    );
    assert_eq!(res.status, 404, "{}", res.body);
    let now = enterprise
        .get(&format!("/api/enterprise/patents/{id}"))
        .json();
    assert_eq!(now["revenue_fen"], pledged["revenue_fen"]);
}

/// The manager approves a loan the collateral no longer carries: the officer proposed an
/// amount within the credit line, then the feed marked the pledged patent lapsed. The approval
/// re-checks the line against today's valuation and is refused, naming amount and line.
fn a_manager_cannot_approve_a_loan_above_todays_credit_line(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let (enterprise, _) = server.client().login("demo-enterprise", DEMO_PASSWORD);
    let (officer, _) = server.client().login("demo-officer", DEMO_PASSWORD);
    let (manager, _) = server.client().login("demo-manager", DEMO_PASSWORD);
    let bank = principal_of(&db, "demo-officer").org_id;
    let fee = (chrono::Utc::now() + chrono::Duration::days(300))
        .date_naive()
        .to_string();
    let res = enterprise.post(
        "/api/enterprise/patents",
        &plain_patent(9_640_001, "一种额度复核测试专利", &fee),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let patent = res.json()["id"].as_i64().expect("id");
    let res = enterprise.post(
        "/api/enterprise/applications",
        &json!({"bank_id": bank, "amount_fen": 10_000_000i64, "term_months": 12,
                "purpose": "额度复核", "patent_ids": [patent]}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let app = res.json()["id"].as_i64().expect("id");
    let res = enterprise.post(
        &format!("/api/enterprise/applications/{app}/submit"),
        &json!({}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let line = officer
        .get(&format!("/api/bank/applications/{app}/evaluation"))
        .json()["credit_line_fen"]
        .as_i64()
        .expect("a credit line");
    assert!(line > 0, "line {line}");
    let amount = line.min(10_000_000);
    let res = officer.post(
        &format!("/api/bank/applications/{app}/proposals"),
        &json!({"decision": "approve", "amount_fen": amount, "rate_bp": 350, "term_months": 12,
                "repayment_method": "equal_principal"}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let proposal = res.json()["id"].as_i64().expect("proposal");

    // The feed records the patent lapsed (fees unpaid), as its ingestion writes it.
    diesel::update(patents::table.find(patent))
        .set(patents::legal_status.eq("lapsed"))
        .execute(&mut db.connect())
        .expect("lapse");

    let res = manager.post(
        &format!("/api/bank/proposals/{proposal}/approve"),
        &json!({}),
    );
    assert_eq!(res.status, 409, "{}", res.body);
    assert_eq!(res.json()["error"]["code"], "AMOUNT_ABOVE_LINE");
    let message = res.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(message.contains(&amount.to_string()), "{message}");
    let detail = officer.get(&format!("/api/bank/applications/{app}")).json();
    assert_eq!(detail["status"], "under_review", "{detail}");
    assert!(detail["approved_amount_fen"].is_null(), "{detail}");
}

on_both_backends!(
    a_borrower_cannot_get_a_collateral_change_through_without_its_bank,
    an_officer_alone_cannot_apply_a_collateral_change,
    another_bank_cannot_see_or_decide_a_collateral_change,
    a_manager_cannot_approve_a_loan_above_todays_credit_line,
);
