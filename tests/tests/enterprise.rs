//! The enterprise view (企知宝) end to end, on both backends: profile, patents by hand and by
//! CSV, valuation and credit line, applications with the readiness check; and every kind of bad
//! input refused with the field named and nothing partly written.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, NaiveDate, Utc};
use serde_json::{Value, json};
use zhirong_api::domain::PatentNumber;
use zhirong_engine::valuation::PatentType;
use zhirong_tests::{
    Backend, Client, DEMO_PASSWORD, Server, TestDb, load_demo, on_both_backends, run, stderr, xlsx,
    zhirong,
};

/// Today in China (the server's legal dates are China calendar dates).
fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

/// A valid number of the given type; serials far from the demo's.
fn number(t: PatentType, serial: u32) -> String {
    PatentNumber::new_style(2019, t, 9_800_000 + serial).to_string()
}

/// A granted, valid invention with revenue, its fee paid until `fee_paid_until`.
fn patent(number: &str, fee_paid_until: NaiveDate) -> Value {
    json!({
        "patent_number": number,
        "patent_type": "invention",
        "title": "一种测试用的专利",
        "filing_date": "2019-03-01",
        "grant_date": "2021-05-10",
        "legal_status": "valid",
        "ipc_main": "G06F 16/00",
        "claims": 12,
        "forward_citations": 6,
        "backward_citations": 10,
        "family_size": 2,
        "inventors": 3,
        "transfers": 1,
        "licenses": 1,
        "litigations": 0,
        "invalidation_requests": 0,
        "fee_paid_until": fee_paid_until.to_string(),
        "revenue_fen": 500_000_000i64,
    })
}

const HEADER: &str = "patent_number,patent_type,title,filing_date,grant_date,legal_status,ipc_main,claims,forward_citations,backward_citations,family_size,inventors,transfers,licenses,litigations,invalidation_requests,fee_paid_until,revenue_fen,royalty_rate,co_owners,co_owner_consent";

fn csv_row(number: &str, t: &str, fee: NaiveDate) -> String {
    format!(
        "{number},{t},\"标题, 带逗号\",2020-01-15,2021-09-01,valid,H04L 9/32,8,3,5,1,2,0,0,0,0,{fee},120000000,,0,false"
    )
}

/// A workbook with the header and one row per patent JSON (counts as number cells).
fn workbook(patents: &[Value]) -> Vec<u8> {
    let header: Vec<Value> = HEADER.split(',').map(|h| json!(h)).collect();
    let mut rows = vec![header];
    for p in patents {
        rows.push(
            HEADER
                .split(',')
                .map(|h| p.get(h).cloned().unwrap_or(Value::Null))
                .collect(),
        );
    }
    xlsx(&rows)
}

fn patent_count(client: &Client) -> i64 {
    let res = client.get("/api/enterprise/patents");
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()["total"].as_i64().unwrap()
}

fn demo_bank_id(server: &Server) -> i64 {
    let (officer, _) = server.client().login("demo-officer", DEMO_PASSWORD);
    officer.get("/api/bank/organisation").json()["id"]
        .as_i64()
        .unwrap()
}

/// Logs in a user of another demo enterprise, created for the test.
fn other_enterprise(server: &Server, me: &Client) -> Client {
    let (admin, _) = server.client().login("demo-admin", DEMO_PASSWORD);
    let mine = me.get("/api/enterprise/profile").json()["id"]
        .as_i64()
        .unwrap();
    let orgs = admin.get("/api/admin/organisations?kind=enterprise").json();
    let other = orgs
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .find(|id| *id != mine)
        .unwrap();
    let res = admin.post(
        "/api/admin/users",
        &json!({"username": "other-enterprise", "role": "enterprise_user", "org_id": other, "password": "another enterprise passphrase"}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    server
        .client()
        .login("other-enterprise", "another enterprise passphrase")
        .0
}

fn an_enterprise_goes_from_its_patents_to_a_submitted_application(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let (me, _) = server.client().login("demo-enterprise", DEMO_PASSWORD);

    // Profile: read, update the contact; the USCC stays.
    let profile = me.get("/api/enterprise/profile");
    assert_eq!(profile.status, 200, "{}", profile.body);
    let profile = profile.json();
    assert_eq!(profile["uscc"].as_str().unwrap().len(), 18);
    let updated = me.put(
        "/api/enterprise/profile",
        &json!({"name": "测试科技有限公司", "industry": "i65",
                "contact_name": "王经理", "contact_phone": "010-8888 6666",
                "uscc": profile["uscc"]}),
    );
    assert_eq!(updated.status, 200, "{}", updated.body);
    assert_eq!(updated.json()["name"], "测试科技有限公司");
    assert_eq!(updated.json()["industry"], "I65", "the code, upper-cased");
    assert_eq!(updated.json()["uscc"], profile["uscc"]);
    assert_eq!(
        me.get("/api/enterprise/profile").json()["contact_phone"],
        "010-8888 6666"
    );

    // Patents by hand: one with its fee paid, one in the grace period.
    let before = patent_count(&me);
    let paid = me.post(
        "/api/enterprise/patents",
        &patent(
            &number(PatentType::Invention, 1),
            today() + Duration::days(200),
        ),
    );
    assert_eq!(paid.status, 201, "{}", paid.body);
    let paid_id = paid.json()["id"].as_i64().unwrap();
    let grace_number = number(PatentType::Invention, 2);
    let in_grace = me.post(
        "/api/enterprise/patents",
        &patent(&grace_number, today() - Duration::days(30)),
    );
    assert_eq!(in_grace.status, 201, "{}", in_grace.body);
    let grace_id = in_grace.json()["id"].as_i64().unwrap();
    assert_eq!(
        in_grace.json()["patent_number"],
        grace_number,
        "the number is stored normalised"
    );

    // Patents by CSV, from the template's header.
    let template = me.get("/api/enterprise/patents/template.csv");
    assert_eq!(template.status, 200);
    assert!(template.body.starts_with(HEADER), "{}", template.body);
    let csv = format!(
        "{HEADER}\r\n{}\r\n{}\r\n",
        csv_row(
            &number(PatentType::Invention, 3),
            "invention",
            today() + Duration::days(90)
        ),
        csv_row(
            &number(PatentType::UtilityModel, 4),
            "utility_model",
            today() + Duration::days(90)
        ),
    );
    let imported = me.upload(
        "/api/enterprise/patents/import",
        "patents.csv",
        csv.as_bytes(),
    );
    assert_eq!(imported.status, 201, "{}", imported.body);
    let imported_ids: Vec<i64> = imported.json()["imported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert_eq!(imported_ids.len(), 2);
    assert_eq!(patent_count(&me), before + 4);

    // And by Excel.
    let book = workbook(&[patent(
        &number(PatentType::Invention, 5),
        today() + Duration::days(120),
    )]);
    let from_excel = me.upload("/api/enterprise/patents/import", "patents.xlsx", &book);
    assert_eq!(from_excel.status, 201, "{}", from_excel.body);
    let excel_id = from_excel.json()["imported"][0].as_i64().unwrap();
    let excel_patent = me
        .get(&format!("/api/enterprise/patents/{excel_id}"))
        .json();
    assert_eq!(excel_patent["claims"], 12);
    assert_eq!(excel_patent["revenue_fen"], 500_000_000i64);
    assert_eq!(excel_patent["filing_date"], "2019-03-01");
    let before = before + 1;
    let one = me.get(&format!("/api/enterprise/patents/{}", imported_ids[0]));
    assert_eq!(one.status, 200);
    assert_eq!(one.json()["title"], "标题, 带逗号");

    // Filters and paging.
    let utility = me.get("/api/enterprise/patents?type=utility_model&status=valid&per_page=200");
    assert_eq!(utility.status, 200, "{}", utility.body);
    assert!(
        utility.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["patent_type"] == "utility_model" && p["legal_status"] == "valid")
    );
    let page = me.get("/api/enterprise/patents?per_page=1&page=2").json();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["total"].as_i64().unwrap(), before + 4);

    // Valuation: the credit line, per patent the waterfall, and what would raise the line.
    let valued = me.post(
        "/api/enterprise/valuations",
        &json!({"patent_ids": [paid_id, grace_id]}),
    );
    assert_eq!(valued.status, 200, "{}", valued.body);
    let valued = valued.json();
    assert_eq!(valued["model_version"], "zr-val-1");
    assert_eq!(valued["as_of"], today().to_string());
    let patents = valued["patents"].as_array().unwrap();
    assert_eq!(patents.len(), 2);
    let sum: i64 = patents
        .iter()
        .map(|p| p["collateral_fen"].as_i64().unwrap())
        .sum();
    assert!(sum > 0);
    assert_eq!(valued["credit_line_fen"].as_i64().unwrap(), sum);
    for p in patents {
        assert!(p["appraised_fen"].as_i64().unwrap() >= p["collateral_fen"].as_i64().unwrap());
        assert!(p["explanation"]["indicators"].as_array().unwrap().len() > 5);
    }
    assert_eq!(patents[1]["patent_id"], grace_id);
    assert_eq!(patents[1]["flags"], json!(["fee_grace"]));
    let pay_fee = valued["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "pay_fee")
        .expect("paying the fee is suggested");
    assert_eq!(pay_fee["patent_id"], grace_id);
    assert!(pay_fee["gain_fen"].as_i64().unwrap() > 0);
    let add = valued["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "add_patent" && s["patent_id"].is_i64())
        .expect("another free patent is suggested");
    let suggested = add["patent_id"].as_i64().unwrap();
    assert!(suggested != paid_id && suggested != grace_id);
    assert!(add["gain_fen"].as_i64().unwrap() > 0);
    let line = valued["credit_line_fen"].as_i64().unwrap();

    // A draft within the line; the readiness check names the fee in grace; fix it; submit.
    let bank_id = demo_bank_id(&server);
    let draft = me.post(
        "/api/enterprise/applications",
        &json!({"bank_id": bank_id, "amount_fen": line, "term_months": 12,
                "purpose": "研发投入", "patent_ids": [paid_id, grace_id]}),
    );
    assert_eq!(draft.status, 201, "{}", draft.body);
    let draft = draft.json();
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["stage"], "draft");
    assert_eq!(draft["patents"].as_array().unwrap().len(), 2);
    let app_id = draft["id"].as_i64().unwrap();
    let refused = me.post(
        &format!("/api/enterprise/applications/{app_id}/submit"),
        &json!({}),
    );
    assert_eq!(refused.status, 422, "{}", refused.body);
    let failed = refused.json()["error"]["details"]["failed"].clone();
    assert_eq!(failed.as_array().unwrap().len(), 1, "{failed}");
    assert_eq!(failed[0]["ground"], "fee_unpaid");
    assert_eq!(failed[0]["patent_id"], grace_id);
    // A court preservation on a patent is a ground too, until it is over.
    let freeze = record_event(
        &db,
        &me,
        paid_id,
        "patent_freeze",
        today() - Duration::days(10),
    );
    let check = me
        .get(&format!("/api/enterprise/applications/{app_id}/readiness"))
        .json();
    let grounds: Vec<&str> = check["failed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["ground"].as_str().unwrap())
        .collect();
    assert_eq!(grounds, vec!["court_preservation", "fee_unpaid"], "{check}");
    remove_event(&db, freeze);
    // A patent named in an open application cannot be removed.
    let pinned = me.delete(&format!("/api/enterprise/patents/{grace_id}"));
    assert_eq!(pinned.status, 409, "{}", pinned.body);
    let fixed = me.put(
        &format!("/api/enterprise/patents/{grace_id}"),
        &patent(&grace_number, today() + Duration::days(365)),
    );
    assert_eq!(fixed.status, 200, "{}", fixed.body);
    let ready = me.get(&format!("/api/enterprise/applications/{app_id}/readiness"));
    assert_eq!(ready.status, 200, "{}", ready.body);
    assert_eq!(ready.json()["ready"], true, "{}", ready.body);
    let submitted = me.post(
        &format!("/api/enterprise/applications/{app_id}/submit"),
        &json!({}),
    );
    assert_eq!(submitted.status, 200, "{}", submitted.body);
    assert_eq!(submitted.json()["status"], "submitted");
    assert!(submitted.json()["submitted_at"].is_string());
    let again = me.post(
        &format!("/api/enterprise/applications/{app_id}/submit"),
        &json!({}),
    );
    assert_eq!(again.status, 409);

    // It arrives in the chosen bank's queue, and in no other bank's.
    let (officer, _) = server.client().login("demo-officer", DEMO_PASSWORD);
    let queue = officer
        .get("/api/bank/applications?status=submitted")
        .json();
    let arrived = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == app_id)
        .unwrap_or_else(|| panic!("application {app_id} is not in the bank's queue: {queue}"));
    assert_eq!(
        arrived["enterprise"]["id"],
        me.get("/api/enterprise/profile").json()["id"]
    );
    assert_eq!(
        officer
            .get(&format!("/api/bank/applications/{app_id}"))
            .json()["status"],
        "submitted"
    );

    // A second application on the imported patents, withdrawn; its patents are free again.
    let second = me.post(
        "/api/enterprise/applications",
        &json!({"bank_id": bank_id, "amount_fen": 100, "term_months": 24,
                "purpose": "流动资金", "patent_ids": [imported_ids[0]]}),
    );
    assert_eq!(second.status, 201, "{}", second.body);
    let second_id = second.json()["id"].as_i64().unwrap();
    let withdrawn = me.post(
        &format!("/api/enterprise/applications/{second_id}/withdraw"),
        &json!({}),
    );
    assert_eq!(withdrawn.status, 200, "{}", withdrawn.body);
    assert_eq!(withdrawn.json()["status"], "withdrawn");
    let list = me.get("/api/enterprise/applications").json();
    let statuses: Vec<(i64, String)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["id"].as_i64().unwrap(),
                a["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(statuses.contains(&(app_id, "submitted".into())));
    assert!(statuses.contains(&(second_id, "withdrawn".into())));
    let removed = me.delete(&format!("/api/enterprise/patents/{}", imported_ids[0]));
    assert_eq!(removed.status, 204, "{}", removed.body);
    assert_eq!(
        me.get(&format!("/api/enterprise/patents/{}", imported_ids[0]))
            .status,
        404
    );
    assert_eq!(patent_count(&me), before + 3);

    // Every change went into the audit chain, and the chain holds.
    let verify = run(zhirong(&db.url).args(["audit", "verify"]));
    assert!(verify.status.success(), "{}", stderr(&verify));
    use diesel::prelude::*;
    use zhirong_api::db::schema::audit_log;
    let actions: Vec<String> = audit_log::table
        .select(audit_log::action)
        .load(&mut db.connect())
        .unwrap();
    for action in [
        "enterprise.profile.update",
        "patent.create",
        "patent.update",
        "patent.remove",
        "valuation.create",
        "application.create",
        "application.submit",
        "application.withdraw",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "no audit row for {action}"
        );
    }
}

fn bad_input_is_refused_naming_the_field_and_nothing_is_written(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let (me, _) = server.client().login("demo-enterprise", DEMO_PASSWORD);
    let before = patent_count(&me);
    let fee = today() + Duration::days(100);

    // Profile: the USCC is fixed, and a bad one is refused too.
    for uscc in ["91310110666007217T", "91310110666007217X"] {
        let res = me.put(
            "/api/enterprise/profile",
            &json!({"name": "改名", "uscc": uscc}),
        );
        assert_eq!(res.status, 400, "{}", res.body);
        assert_eq!(res.json()["error"]["field"], "uscc");
    }
    let res = me.put("/api/enterprise/profile", &json!({"name": "  "}));
    assert_eq!(res.json()["error"]["field"], "name");
    assert_ne!(
        me.get("/api/enterprise/profile").json()["name"],
        "改名",
        "a refused profile change writes nothing"
    );

    // Patent numbers: a wrong check character, a type digit that disagrees with the type.
    let mut bad_check = patent("ZL201310699744.3", fee);
    bad_check["patent_number"] = json!("ZL201310699744.3");
    let res = me.post("/api/enterprise/patents", &bad_check);
    assert_eq!(res.status, 400, "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "patent_number");
    assert!(
        res.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("expected '2'")
    );
    let mut mismatch = patent(&number(PatentType::Invention, 10), fee);
    mismatch["patent_type"] = json!("design");
    let res = me.post("/api/enterprise/patents", &mismatch);
    assert_eq!(res.status, 400, "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "patent_number");
    assert!(res.body.contains("design"), "{}", res.body);
    let mut negative = patent(&number(PatentType::Invention, 11), fee);
    negative["claims"] = json!(-1);
    let res = me.post("/api/enterprise/patents", &negative);
    assert_eq!(res.json()["error"]["field"], "claims");
    let mut missing = patent(&number(PatentType::Invention, 11), fee);
    missing.as_object_mut().unwrap().remove("family_size");
    let res = me.post("/api/enterprise/patents", &missing);
    assert_eq!(res.json()["error"]["field"], "family_size");
    assert_eq!(patent_count(&me), before);

    // A duplicate number is refused.
    let first = me.post(
        "/api/enterprise/patents",
        &patent(&number(PatentType::Invention, 12), fee),
    );
    assert_eq!(first.status, 201, "{}", first.body);
    let own_id = first.json()["id"].as_i64().unwrap();
    let dup = me.post(
        "/api/enterprise/patents",
        &patent(&number(PatentType::Invention, 12), fee),
    );
    assert_eq!(dup.status, 409, "{}", dup.body);
    assert_eq!(dup.json()["error"]["field"], "patent_number");
    let before = before + 1;

    // CSV: a missing column; bad rows all reported (row, column, reason); nothing written.
    let no_claims = HEADER.replace(",claims,", ",");
    let res = me.upload(
        "/api/enterprise/patents/import",
        "p.csv",
        format!("{no_claims}\n").as_bytes(),
    );
    assert_eq!(res.status, 400, "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "claims");
    assert_eq!(res.json()["error"]["details"]["problems"][0]["row"], 0);
    let good = csv_row(&number(PatentType::Invention, 20), "invention", fee);
    let bad_check_row = csv_row("201310699744.3", "invention", fee);
    let bad_type_row = csv_row(&number(PatentType::Design, 21), "invention", fee);
    let bad_date_row = csv_row(&number(PatentType::Invention, 22), "invention", fee)
        .replace("2020-01-15", "2020-13-45");
    let dup_row = good.clone();
    let csv =
        format!("{HEADER}\n{good}\n{bad_check_row}\n{bad_type_row}\n{bad_date_row}\n{dup_row}\n");
    let res = me.upload("/api/enterprise/patents/import", "p.csv", csv.as_bytes());
    assert_eq!(res.status, 400, "{}", res.body);
    let problems = res.json()["error"]["details"]["problems"].clone();
    let cells: Vec<(i64, String)> = problems
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["row"].as_i64().unwrap(),
                p["column"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        cells,
        vec![
            (2, "patent_number".into()),
            (3, "patent_number".into()),
            (4, "filing_date".into()),
            (5, "patent_number".into()),
        ],
        "{problems}"
    );
    assert_eq!(patent_count(&me), before, "nothing partly written");
    // Unless the good rows are asked for.
    let res = me.upload(
        "/api/enterprise/patents/import?mode=valid_only",
        "p.csv",
        csv.as_bytes(),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    assert_eq!(res.json()["imported"].as_array().unwrap().len(), 1);
    assert_eq!(res.json()["rejected"].as_array().unwrap().len(), 4);
    assert_eq!(patent_count(&me), before + 1);
    let before = before + 1;

    // Not a CSV: an Excel file, bytes that are not text, an oversize upload, no file at all.
    let res = me.upload(
        "/api/enterprise/patents/import",
        "p.xlsx",
        b"PK\x03\x04\x14\x00\x06\x00not really a workbook",
    );
    assert_eq!(res.status, 400, "{}", res.body);
    assert_eq!(res.json()["error"]["code"], "NOT_EXCEL");
    assert_eq!(res.json()["error"]["field"], "file");
    let res = me.upload("/api/enterprise/patents/import", "p.xlsx", csv.as_bytes());
    assert_eq!(res.status, 400, "{}", res.body);
    assert_eq!(res.json()["error"]["code"], "NOT_EXCEL");
    // A workbook with a bad row: reported like a CSV row, nothing written.
    let mut bad_claims = patent(&number(PatentType::Invention, 23), fee);
    bad_claims["claims"] = json!("many");
    let book = workbook(&[patent(&number(PatentType::Invention, 24), fee), bad_claims]);
    let res = me.upload("/api/enterprise/patents/import", "p.xlsx", &book);
    assert_eq!(res.status, 400, "{}", res.body);
    let problem = res.json()["error"]["details"]["problems"][0].clone();
    assert_eq!(problem["row"], 2, "{problem}");
    assert_eq!(problem["column"], "claims");
    assert_eq!(patent_count(&me), before);
    let res = me.upload(
        "/api/enterprise/patents/import",
        "p.csv",
        b"\xff\xfe\x00garbage",
    );
    assert_eq!(res.status, 400, "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "file");
    let huge = vec![b'a'; 3 * 1024 * 1024];
    let res = me.upload("/api/enterprise/patents/import", "big.csv", &huge);
    assert_eq!(res.status, 413, "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "file");
    let res = me.post("/api/enterprise/patents/import", &json!({}));
    assert_eq!(res.status, 400, "{}", res.body);
    assert_eq!(patent_count(&me), before);

    // Another enterprise's patent is not found, whatever the route.
    let other = other_enterprise(&server, &me);
    let theirs = other.post(
        "/api/enterprise/patents",
        &patent(&number(PatentType::Invention, 30), fee),
    );
    assert_eq!(theirs.status, 201, "{}", theirs.body);
    let theirs = theirs.json()["id"].as_i64().unwrap();
    let path = format!("/api/enterprise/patents/{theirs}");
    assert_eq!(me.get(&path).status, 404);
    assert_eq!(
        me.put(&path, &patent(&number(PatentType::Invention, 30), fee))
            .status,
        404
    );
    assert_eq!(me.delete(&path).status, 404);
    let res = me.post(
        "/api/enterprise/valuations",
        &json!({"patent_ids": [own_id, theirs]}),
    );
    assert_eq!(res.status, 404, "{}", res.body);
    let bank_id = demo_bank_id(&server);
    let res = me.post(
        "/api/enterprise/applications",
        &json!({"bank_id": bank_id, "amount_fen": 100, "term_months": 12,
                "purpose": "x", "patent_ids": [theirs]}),
    );
    assert_eq!(res.status, 404, "{}", res.body);
    assert_eq!(other.get(&path).status, 200);

    // Applications: above the line, a term outside 12–24 months, a bank that is not one.
    let line = me
        .post(
            "/api/enterprise/valuations",
            &json!({"patent_ids": [own_id]}),
        )
        .json()["credit_line_fen"]
        .as_i64()
        .unwrap();
    assert!(line > 0);
    let apps_before = me.get("/api/enterprise/applications").json();
    let app = |amount: i64, term: i64, bank: i64| {
        me.post(
            "/api/enterprise/applications",
            &json!({"bank_id": bank, "amount_fen": amount, "term_months": term,
                    "purpose": "研发", "patent_ids": [own_id]}),
        )
    };
    let res = app(line + 1, 12, bank_id);
    assert_eq!(res.status, 400, "{}", res.body);
    assert_eq!(res.json()["error"]["code"], "AMOUNT_ABOVE_LINE");
    assert_eq!(res.json()["error"]["field"], "amount_fen");
    for term in [11, 25] {
        let res = app(line, term, bank_id);
        assert_eq!(res.status, 400, "{}", res.body);
        assert_eq!(res.json()["error"]["field"], "term_months");
    }
    let own_org = me.get("/api/enterprise/profile").json()["id"]
        .as_i64()
        .unwrap();
    let res = app(line, 12, own_org);
    assert_eq!(res.json()["error"]["field"], "bank_id");
    let res = me.post(
        "/api/enterprise/valuations",
        &json!({"patent_ids": [own_id, own_id]}),
    );
    assert_eq!(res.json()["error"]["field"], "patent_ids");
    assert_eq!(
        me.get("/api/enterprise/applications").json(),
        apps_before,
        "no application partly written"
    );
}

on_both_backends!(
    a_large_upload_retried_with_an_idempotency_key_imports_once,
    an_enterprise_goes_from_its_patents_to_a_submitted_application,
    bad_input_is_refused_naming_the_field_and_nothing_is_written
);

/// Records a risk event on one of the caller's patents, as the feed would; returns its id.
fn record_event(db: &TestDb, me: &Client, patent: i64, kind: &str, on: NaiveDate) -> i64 {
    use diesel::prelude::*;
    use zhirong_api::db::models::NewRiskEvent;
    use zhirong_api::db::schema::risk_events;
    let enterprise = me.get("/api/enterprise/profile").json()["id"]
        .as_i64()
        .unwrap();
    diesel::insert_into(risk_events::table)
        .values(NewRiskEvent {
            enterprise_id: enterprise,
            event_type: kind.into(),
            occurred_on: on,
            amount_fen: None,
            patent_id: Some(patent),
            source: "test".into(),
            event_ref: format!("test-{patent}-{kind}"),
            created_at: Utc::now().naive_utc(),
        })
        .returning(risk_events::id)
        .get_result(&mut db.connect())
        .unwrap()
}

fn remove_event(db: &TestDb, id: i64) {
    use diesel::prelude::*;
    use zhirong_api::db::schema::risk_events;
    diesel::delete(risk_events::table.find(id))
        .execute(&mut db.connect())
        .unwrap();
}

/// Stores an alert for `enterprise` as the monitor would, and returns its id.
fn raise_alert(db: &TestDb, enterprise: i64, kind: &str) -> i64 {
    use diesel::prelude::*;
    use zhirong_api::db::models::NewAlert;
    use zhirong_api::db::schema::alerts;
    let mut conn = db.connect();
    diesel::insert_into(alerts::table)
        .values(NewAlert {
            enterprise_id: enterprise,
            bank_id: None,
            loan_id: None,
            patent_id: None,
            kind: kind.into(),
            severity: "warning".into(),
            message: format!("测试提醒 {kind}"),
            details_json: r#"{"source":"test"}"#.into(),
            raised_at: Utc::now().naive_utc(),
        })
        .returning(alerts::id)
        .get_result(&mut conn)
        .unwrap()
}

fn an_enterprise_follows_its_loans_alerts_and_fee_reminders(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let (me, _) = server.client().login("demo-enterprise", DEMO_PASSWORD);
    let mine = me.get("/api/enterprise/profile").json()["id"]
        .as_i64()
        .unwrap();

    // Loans: the demo enterprise has a live loan; its repayments match the schedule.
    let loans = me.get("/api/enterprise/loans");
    assert_eq!(loans.status, 200, "{}", loans.body);
    let loans = loans.json();
    let live = loans
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["status"] == "active")
        .expect("a live loan");
    let schedule = live["schedule"].as_array().unwrap();
    assert_eq!(
        schedule.last().unwrap()["principal_fen"],
        live["principal_fen"],
        "the principal falls due at maturity"
    );
    assert_eq!(schedule.last().unwrap()["due_on"], live["maturity_date"]);
    assert!(live["next_due_date"].is_string());
    assert!(!live["patents"].as_array().unwrap().is_empty());
    for r in live["repayments"].as_array().unwrap() {
        let due = schedule
            .iter()
            .find(|s| s["due_on"] == r["paid_on"])
            .unwrap_or_else(|| panic!("repayment {r} is not on the schedule"));
        assert_eq!(due["interest_fen"], r["interest_fen"]);
        assert_eq!(due["paid"], true);
    }

    // The application behind the live loan shows it disbursed.
    let applications = me.get("/api/enterprise/applications").json();
    let behind = applications
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == live["application_id"])
        .expect("the loan's application is listed");
    assert_eq!(behind["stage"], "disbursed");
    assert_eq!(behind["loan_id"], live["id"]);

    // Alerts: own ones listed and marked read; another enterprise's is not found.
    let a = raise_alert(&db, mine, "fee_due");
    let b = raise_alert(&db, mine, "rating_rise");
    let other = other_enterprise(&server, &me);
    let theirs_org = other.get("/api/enterprise/profile").json()["id"]
        .as_i64()
        .unwrap();
    let theirs = raise_alert(&db, theirs_org, "overdue");
    let list = me.get("/api/enterprise/alerts?unread=true").json();
    let ids: Vec<i64> = list["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_i64().unwrap())
        .collect();
    assert!(ids.contains(&a) && ids.contains(&b) && !ids.contains(&theirs));
    let unread = list["unread"].as_i64().unwrap();
    assert_eq!(
        me.post(&format!("/api/enterprise/alerts/{theirs}/read"), &json!({}))
            .status,
        404
    );
    let read = me.post(&format!("/api/enterprise/alerts/{a}/read"), &json!({}));
    assert_eq!(read.status, 200, "{}", read.body);
    assert!(read.json()["read_at"].is_string());
    assert_eq!(
        me.get("/api/enterprise/alerts").json()["unread"]
            .as_i64()
            .unwrap(),
        unread - 1
    );
    let all = me.post("/api/enterprise/alerts/read-all", &json!({}));
    assert_eq!(all.status, 200, "{}", all.body);
    assert_eq!(all.json()["marked"].as_i64().unwrap(), unread - 1);
    let after = me.get("/api/enterprise/alerts?unread=true").json();
    assert_eq!(after["unread"], 0);
    assert!(after["alerts"].as_array().unwrap().is_empty());
    assert!(
        other.get("/api/enterprise/alerts?unread=true").json()["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == theirs),
        "another enterprise's alerts are left alone"
    );

    // Fee reminders: 30 days before, and in the grace period with the late fee accrued.
    let soon = me.post(
        "/api/enterprise/patents",
        &patent(
            &number(PatentType::Invention, 40),
            today() + Duration::days(20),
        ),
    );
    let soon = soon.json()["id"].as_i64().unwrap();
    let late = me.post(
        "/api/enterprise/patents",
        &patent(
            &number(PatentType::Invention, 41),
            today() - Duration::days(40),
        ),
    );
    let late = late.json()["id"].as_i64().unwrap();
    let far = me.post(
        "/api/enterprise/patents",
        &patent(
            &number(PatentType::Invention, 42),
            today() + Duration::days(200),
        ),
    );
    let far = far.json()["id"].as_i64().unwrap();
    let reminders = me.get("/api/enterprise/alerts").json()["fee_reminders"].clone();
    let of = |id: i64| {
        reminders
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["patent_id"] == id)
            .cloned()
    };
    let soon = of(soon).expect("a reminder 30 days ahead");
    assert_eq!(soon["stage"], "due_30");
    assert_eq!(soon["days_to_due"], 20);
    assert_eq!(soon["late_fee_fen"], 0);
    let late = of(late).expect("a grace-period reminder");
    assert_eq!(late["stage"], "grace");
    let fee = late["fee_fen"].as_i64().expect("the schedule has the fee");
    assert!(fee >= 90_000);
    assert_eq!(
        late["late_fee_fen"].as_i64().unwrap(),
        fee * 10 / 100,
        "two months started: 10 %"
    );
    assert!(of(far).is_none());
}

on_both_backends!(an_enterprise_follows_its_loans_alerts_and_fee_reminders);

/// A portfolio of 1,000 patents: uploaded in one file, valued in one request. The figure for
/// the README comes from the release build (`cargo test --release`); the debug build only has
/// to stay within a generous bound.
fn a_large_upload_retried_with_an_idempotency_key_imports_once(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let (me, _) = server.client().login("demo-enterprise", DEMO_PASSWORD);
    let before = patent_count(&me);
    let fee = today() + Duration::days(150);
    let mut csv = format!("{HEADER}\n");
    for i in 0..3000 {
        csv.push_str(&csv_row(
            &number(PatentType::Invention, 5000 + i),
            "invention",
            fee,
        ));
        csv.push('\n');
    }
    assert!(
        csv.len() > 300 * 1024,
        "bigger than a JSON body may be: {} bytes",
        csv.len()
    );
    let key = [("Idempotency-Key", "import-3000")];
    let first = me.upload_with(
        "/api/enterprise/patents/import",
        "3000.csv",
        csv.as_bytes(),
        &key,
    );
    assert_eq!(
        first.status,
        201,
        "{}",
        first.body.chars().take(300).collect::<String>()
    );
    let retry = me.upload_with(
        "/api/enterprise/patents/import",
        "3000.csv",
        csv.as_bytes(),
        &key,
    );
    assert_eq!(retry.status, 201);
    assert_eq!(retry.header("idempotency-replayed"), Some("true"));
    assert_eq!(retry.body, first.body);
    assert_eq!(patent_count(&me), before + 3000, "imported once");
}

fn a_thousand_patents_are_uploaded_and_valued_at_once(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let (me, _) = server.client().login("demo-enterprise", DEMO_PASSWORD);
    let fee = today() + Duration::days(150);
    let mut csv = format!("{HEADER}\n");
    for i in 0..1000 {
        let t = if i % 4 == 0 {
            ("utility_model", PatentType::UtilityModel)
        } else {
            ("invention", PatentType::Invention)
        };
        csv.push_str(&csv_row(&number(t.1, 1000 + i), t.0, fee));
        csv.push('\n');
    }
    let started = std::time::Instant::now();
    let res = me.upload("/api/enterprise/patents/import", "1000.csv", csv.as_bytes());
    let upload_time = started.elapsed();
    assert_eq!(res.status, 201, "{}", res.body);
    let ids = res.json()["imported"].clone();
    assert_eq!(ids.as_array().unwrap().len(), 1000);
    let started = std::time::Instant::now();
    let res = me.post("/api/enterprise/valuations", &json!({ "patent_ids": ids }));
    let valuation_time = started.elapsed();
    assert_eq!(
        res.status,
        200,
        "{}",
        res.body.chars().take(300).collect::<String>()
    );
    let report = res.json();
    assert_eq!(report["patents"].as_array().unwrap().len(), 1000);
    let sum: i64 = report["patents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["collateral_fen"].as_i64().unwrap())
        .sum();
    assert_eq!(
        report["credit_line_fen"].as_i64().unwrap(),
        sum.min(5_000_000_000)
    );
    eprintln!(
        "{backend:?}: upload of 1,000 patents {upload_time:?}, valuation of 1,000 patents {valuation_time:?} ({} bytes answered)",
        res.body.len()
    );
    assert!(
        valuation_time < std::time::Duration::from_secs(20),
        "valuing 1,000 patents took {valuation_time:?}"
    );
}

on_both_backends!(a_thousand_patents_are_uploaded_and_valued_at_once);

fn an_enterprise_keeps_its_financial_statements(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let (me, _) = server.client().login("demo-enterprise", DEMO_PASSWORD);
    let year = today().format("%Y").to_string().parse::<i32>().unwrap() - 1;

    // One year by hand.
    let res = me.put(
        &format!("/api/enterprise/financials/{year}"),
        &json!({"revenue_fen": 1_200_000_000i64, "profit_fen": 90_000_000i64,
                "assets_fen": 2_000_000_000i64, "liabilities_fen": 500_000_000i64, "headcount": 60}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["ratios"]["debt_ratio"], 0.25);
    assert_eq!(res.json()["ratios"]["profit_margin"], 0.075);
    assert_eq!(res.json()["ratios"]["revenue_per_head_fen"], 20_000_000);

    // Bad input names the field; nothing is written.
    let res = me.put(
        &format!("/api/enterprise/financials/{year}"),
        &json!({"revenue_fen": -1, "profit_fen": 0, "assets_fen": 0, "liabilities_fen": 0, "headcount": 1}),
    );
    assert_eq!(res.status, 400, "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "revenue_fen");
    let res = me.put(
        &format!("/api/enterprise/financials/{}", year + 5),
        &json!({"revenue_fen": 1, "profit_fen": 0, "assets_fen": 0, "liabilities_fen": 0, "headcount": 1}),
    );
    assert_eq!(res.json()["error"]["field"], "fiscal_year");
    let res = me.put(
        &format!("/api/enterprise/financials/{year}"),
        &json!({"revenue_fen": 1, "profit_fen": 0, "assets_fen": 0, "liabilities_fen": 0}),
    );
    assert_eq!(res.json()["error"]["field"], "headcount");

    // An upload with a bad row is refused whole; a good one is written, growth follows.
    let header = "fiscal_year,revenue_fen,profit_fen,assets_fen,liabilities_fen,headcount";
    let bad = format!(
        "{header}\n{},1000000000,1,1,1,10\n{},lots,1,1,1,10\n",
        year - 1,
        year - 2
    );
    let res = me.upload("/api/enterprise/financials/import", "f.csv", bad.as_bytes());
    assert_eq!(res.status, 400, "{}", res.body);
    let problem = res.json()["error"]["details"]["problems"][0].clone();
    assert_eq!(
        (problem["row"].as_i64(), problem["column"].as_str()),
        (Some(2), Some("revenue_fen"))
    );
    assert_eq!(
        me.get("/api/enterprise/financials")
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let res = me.upload(
        "/api/enterprise/financials/import",
        "f.csv",
        format!(
            "{header}\n{},1000000000,-20000000,1500000000,900000000,50\n",
            year - 1
        )
        .as_bytes(),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let list = me.get("/api/enterprise/financials").json();
    assert_eq!(list[0]["fiscal_year"], year);
    assert_eq!(list[0]["ratios"]["revenue_growth"], 0.2);
    assert_eq!(list[1]["ratios"]["profit_margin"], -0.02);
    assert_eq!(list[1]["ratios"]["revenue_growth"], Value::Null);
    let res = me.upload(
        "/api/enterprise/financials/import",
        "f.csv",
        b"fiscal_year,revenue_fen\n2020,1\n",
    );
    assert_eq!(res.status, 400);
    assert_eq!(res.json()["error"]["field"], "profit_fen");
}

on_both_backends!(an_enterprise_keeps_its_financial_statements);
