//! What a hostile enterprise can put into the district's downloads (#21, item 1): a spreadsheet
//! formula in its name or industry must reach the CSV as text, not as a formula Excel runs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use diesel::prelude::*;
use serde_json::json;
use zhirong_api::db::schema::organisations;
use zhirong_tests::{Backend, DEMO_PASSWORD, Server, TestDb, load_demo, on_both_backends};

/// The cells of an RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF rows).
fn cells(csv: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut cell, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = csv.trim_start_matches('\u{feff}').chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    rows
}

/// A cell a spreadsheet would run as a formula (OWASP's list); a negative number is a number.
fn runs_as_formula(cell: &str) -> bool {
    match cell.chars().next() {
        Some('=' | '+' | '@' | '\t' | '\r' | '\0') => true,
        Some('-') => cell.parse::<f64>().is_err(),
        _ => false,
    }
}

fn a_formula_in_an_enterprise_name_or_industry_reaches_the_district_csv_as_text(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let (gov, _) = server.client().login("demo-gov-officer", DEMO_PASSWORD);
    let whitelist = gov.get("/api/gov/whitelist").json();
    let listed = whitelist["entries"][0]["enterprise_id"]
        .as_i64()
        .unwrap_or_else(|| panic!("an enterprise on the demo whitelist: {whitelist}"));
    // Arrange: names and an industry as stored before the checks (or by a feed): formulas.
    let mut conn = db.connect();
    diesel::update(organisations::table.find(listed))
        .set((
            organisations::name.eq("=HYPERLINK(\"http://x\",\"a\")"),
            organisations::industry.eq("=1+2"),
        ))
        .execute(&mut conn)
        .expect("arrange");

    let csv = gov.get("/api/gov/whitelist?format=csv");
    assert_eq!(csv.status, 200, "{}", csv.body);
    let table = cells(&csv.body);
    assert!(
        table
            .iter()
            .any(|r| r.iter().any(|c| c == "'=HYPERLINK(\"http://x\",\"a\")")),
        "the name is there, as text: {}",
        csv.body
    );
    let report = gov.get("/api/gov/reports/financing?group_by=industry&format=csv");
    assert_eq!(report.status, 200, "{}", report.body);
    for (what, body) in [("whitelist", &csv.body), ("financing", &report.body)] {
        for (r, row) in cells(body).iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                assert!(
                    !runs_as_formula(cell),
                    "{what} row {r} column {c} runs as a formula: {cell:?}"
                );
            }
        }
    }
}

/// The enterprise itself types a formula as its industry, or a name with control characters:
/// refused, naming the field. The industry is a GB/T 4754 code.
fn an_enterprise_cannot_store_a_formula_as_industry_or_control_characters_in_its_name(
    backend: Backend,
) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let (me, _) = server.client().login("demo-enterprise", DEMO_PASSWORD);
    let profile = me.get("/api/enterprise/profile").json();
    let base = json!({"name": profile["name"], "industry": "C39",
        "contact_name": profile["contact_name"], "contact_phone": profile["contact_phone"]});
    for (patch, field) in [
        (json!({"industry": "=1+2"}), "industry"),
        (json!({"industry": "C99"}), "industry"),
        (json!({"industry": "生物医药"}), "industry"),
        (json!({"name": "北京\u{7}科技有限公司"}), "name"),
        (json!({"name": "北京科技\n有限公司"}), "name"),
    ] {
        let mut body = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let res = me.put("/api/enterprise/profile", &body);
        assert_eq!(res.status, 400, "{patch}: {}", res.body);
        assert_eq!(res.json()["error"]["field"], field, "{patch}");
    }
    let res = me.put("/api/enterprise/profile", &base);
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["industry"], "C39");
}

on_both_backends!(
    a_formula_in_an_enterprise_name_or_industry_reaches_the_district_csv_as_text,
    an_enterprise_cannot_store_a_formula_as_industry_or_control_characters_in_its_name
);
