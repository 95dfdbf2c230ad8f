//! Pledged collateral is frozen (#20, item 1): what a borrower tried on a patent pledged to its
//! live loan.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use zhirong_tests::{Backend, DEMO_PASSWORD, Server, TestDb, load_demo, on_both_backends};

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
