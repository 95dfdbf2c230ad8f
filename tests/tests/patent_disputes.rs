//! One live holder per patent number (#20, item 4): what an enterprise tried on the numbers of
//! another enterprise, and the district deciding the dispute with the patent office's record.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use diesel::prelude::*;
use serde_json::{Value, json};
use zhirong_api::db::schema::{audit_log, organisations, patents};
use zhirong_tests::{
    Backend, Client, DEMO_PASSWORD, DemoProvider, Server, TestDb, load_demo, on_both_backends,
    plain_patent,
};

/// What an enterprise is told when the number it adds is another's.
const NEUTRAL: &str =
    "this patent cannot be added now; your claim has been sent to your district for review";

/// The demo enterprise (the holder), and a user of another enterprise of its district (the
/// claimant), with both organisations' ids.
struct Cast {
    holder: Client,
    holder_org: i64,
    claimant: Client,
    claimant_org: i64,
    gov: Client,
}

fn cast(server: &Server, db: &TestDb) -> Cast {
    let (holder, _) = server.client().login("demo-enterprise", DEMO_PASSWORD);
    let (admin, _) = server.client().login("demo-admin", DEMO_PASSWORD);
    let (gov, _) = server.client().login("demo-gov-officer", DEMO_PASSWORD);
    let holder_org = holder.get("/api/enterprise/profile").json()["id"]
        .as_i64()
        .unwrap();
    let district = gov.get("/api/gov/organisation").json()["id"]
        .as_i64()
        .unwrap();
    let mut conn = db.connect();
    let holder_district: Option<i64> = organisations::table
        .find(holder_org)
        .select(organisations::district_org_id)
        .first(&mut conn)
        .unwrap();
    assert_eq!(
        holder_district,
        Some(district),
        "demo-enterprise is in demo-gov's district"
    );
    let claimant_org: i64 = organisations::table
        .filter(organisations::kind.eq("enterprise"))
        .filter(organisations::district_org_id.eq(district))
        .filter(organisations::id.ne(holder_org))
        .select(organisations::id)
        .order(organisations::id)
        .first(&mut conn)
        .expect("another enterprise in the district");
    let res = admin.post(
        "/api/admin/users",
        &json!({"username": "claimant", "role": "enterprise_user", "org_id": claimant_org,
                "password": "a claimant's passphrase 2026"}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let (claimant, _) = server
        .client()
        .login("claimant", "a claimant's passphrase 2026");
    Cast {
        holder,
        holder_org,
        claimant,
        claimant_org,
        gov,
    }
}

/// A patent of the holder's list as the body that adds it.
fn body_of(p: &Value) -> Value {
    let mut b = p.clone();
    for k in ["id", "pledged", "updated_at"] {
        b.as_object_mut().unwrap().remove(k);
    }
    b
}

/// The holder's listed patents, pledged or not.
fn listed(client: &Client, pledged: bool) -> Vec<Value> {
    let res = client.get("/api/enterprise/patents?per_page=200");
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["pledged"] == pledged)
        .cloned()
        .collect()
}

/// The names and codes of an organisation that must not reach the other enterprise.
fn identity(db: &TestDb, org: i64) -> (String, String) {
    let mut conn = db.connect();
    let (name, uscc): (String, Option<String>) = organisations::table
        .find(org)
        .select((organisations::name, organisations::uscc))
        .first(&mut conn)
        .unwrap();
    (name, uscc.unwrap_or_default())
}

fn assert_neutral(
    res: &zhirong_tests::HttpResponse,
    db: &TestDb,
    holder_org: i64,
    holder_patent: i64,
) {
    assert_eq!(res.status, 409, "{}", res.body);
    let body = res.json();
    assert_eq!(body["error"]["code"], "PATENT_CLAIM_SENT", "{body}");
    assert_eq!(body["error"]["message"], NEUTRAL, "{body}");
    let (name, uscc) = identity(db, holder_org);
    for leak in [name.as_str(), uscc.as_str(), "already registered"] {
        assert!(!res.body.contains(leak), "{leak:?} leaks: {}", res.body);
    }
    assert!(
        !res.body.contains(&format!(":{holder_patent}")),
        "the holder's patent id leaks: {}",
        res.body
    );
}

fn audit_actions(db: &TestDb, object_type: &str) -> Vec<(String, String)> {
    let mut conn = db.connect();
    audit_log::table
        .filter(audit_log::object_type.eq(object_type))
        .order(audit_log::id)
        .select((audit_log::action, audit_log::object_id))
        .load(&mut conn)
        .unwrap()
}

/// The open disputes the district sees.
fn open_disputes(gov: &Client) -> Vec<Value> {
    let res = gov.get("/api/gov/patent-disputes");
    assert_eq!(res.status, 200, "{}", res.body);
    res.json().as_array().unwrap().clone()
}

/// An enterprise adds a number another enterprise holds: a neutral answer that names no holder,
/// the holder's patent untouched, and the claim recorded (once, however often it is tried) for
/// the district.
fn adding_another_enterprises_number_gets_a_neutral_answer_and_a_dispute(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let c = cast(&server, &db);
    let held = listed(&c.holder, false)
        .into_iter()
        .next()
        .expect("an unpledged patent");
    let number = held["patent_number"].as_str().unwrap().to_string();
    let id = held["id"].as_i64().unwrap();

    let mut claim = body_of(&held);
    claim["title"] = json!("我们的专利");
    for _ in 0..2 {
        let res = c.claimant.post("/api/enterprise/patents", &claim);
        assert_neutral(&res, &db, c.holder_org, id);
    }
    let after = c.holder.get(&format!("/api/enterprise/patents/{id}"));
    assert_eq!(after.status, 200, "{}", after.body);
    assert_eq!(after.json()["title"], held["title"]);
    assert!(
        listed(&c.claimant, false)
            .iter()
            .all(|p| p["patent_number"] != number.as_str())
    );

    let disputes = open_disputes(&c.gov);
    let mine: Vec<&Value> = disputes
        .iter()
        .filter(|d| d["patent_number"] == number.as_str())
        .collect();
    assert_eq!(
        mine.len(),
        1,
        "one open claim however often it is tried: {disputes:?}"
    );
    assert_eq!(mine[0]["claimant"]["id"], c.claimant_org);
    assert_eq!(mine[0]["holder"]["id"], c.holder_org);
    assert_eq!(mine[0]["status"], "open");
    let dispute = mine[0]["id"].as_i64().unwrap();
    assert!(
        audit_actions(&db, "patent_dispute")
            .contains(&("patent_dispute.open".into(), dispute.to_string())),
        "the claim is audited"
    );
}

/// The holder removed a patent; another enterprise adds the number: it gets a row of its own,
/// the holder's row (and the history that names it) stays the holder's.
fn re_adding_a_number_another_enterprise_removed_does_not_take_over_its_row(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let c = cast(&server, &db);
    let body = plain_patent(7_654_321, "原权利人的专利", "2027-03-01");
    let res = c.holder.post("/api/enterprise/patents", &body);
    assert_eq!(res.status, 201, "{}", res.body);
    let old = res.json()["id"].as_i64().unwrap();
    let res = c.holder.delete(&format!("/api/enterprise/patents/{old}"));
    assert_eq!(res.status, 204, "{}", res.body);

    let res = c.claimant.post("/api/enterprise/patents", &body);
    assert_eq!(res.status, 201, "{}", res.body);
    let new = res.json()["id"].as_i64().unwrap();
    assert_ne!(
        new, old,
        "the removed row of another enterprise is not handed over"
    );
    let mut conn = db.connect();
    let (owner, removed): (i64, Option<chrono::NaiveDateTime>) = patents::table
        .find(old)
        .select((patents::owner_org_id, patents::removed_at))
        .first(&mut conn)
        .unwrap();
    assert_eq!(owner, c.holder_org);
    assert!(removed.is_some());

    // The holder adding its own removed number again while another holds it: a claim.
    let res = c.holder.post("/api/enterprise/patents", &body);
    assert_neutral(&res, &db, c.claimant_org, new);
}

/// An enterprise renames its own patent to a number another enterprise holds: refused with the
/// neutral answer, nothing changed; to a number another enterprise removed: allowed, and the
/// removed row is not deleted. Every step is audited.
fn renaming_ones_patent_to_another_enterprises_number_deletes_nothing(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let c = cast(&server, &db);
    let held = listed(&c.holder, false)
        .into_iter()
        .next()
        .expect("an unpledged patent");
    let held_id = held["id"].as_i64().unwrap();
    let res = c.claimant.post(
        "/api/enterprise/patents",
        &plain_patent(7_111_111, "申请人自己的专利", "2027-03-01"),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let own = res.json();
    let own_id = own["id"].as_i64().unwrap();

    let mut renamed = body_of(&held);
    renamed["title"] = own["title"].clone();
    let res = c
        .claimant
        .put(&format!("/api/enterprise/patents/{own_id}"), &renamed);
    assert_neutral(&res, &db, c.holder_org, held_id);
    let mine = c
        .claimant
        .get(&format!("/api/enterprise/patents/{own_id}"))
        .json();
    assert_eq!(
        mine["patent_number"], own["patent_number"],
        "the rename did not happen"
    );
    let theirs = c.holder.get(&format!("/api/enterprise/patents/{held_id}"));
    assert_eq!(theirs.status, 200, "{}", theirs.body);
    assert!(
        audit_actions(&db, "patent_dispute")
            .iter()
            .any(|(a, _)| a == "patent_dispute.open")
    );

    // A number another enterprise removed: the rename goes through, the removed row stays.
    let gone = plain_patent(7_222_222, "已移除的专利", "2027-03-01");
    let res = c.holder.post("/api/enterprise/patents", &gone);
    assert_eq!(res.status, 201, "{}", res.body);
    let gone_id = res.json()["id"].as_i64().unwrap();
    assert_eq!(
        c.holder
            .delete(&format!("/api/enterprise/patents/{gone_id}"))
            .status,
        204
    );
    let res = c
        .claimant
        .put(&format!("/api/enterprise/patents/{own_id}"), &gone);
    assert_eq!(res.status, 200, "{}", res.body);
    let mut conn = db.connect();
    let still: i64 = patents::table
        .find(gone_id)
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(
        still, 1,
        "the removed row of another enterprise is not deleted"
    );
    let updates = audit_actions(&db, "patent");
    assert!(updates.contains(&("patent.update".into(), own_id.to_string())));
    assert!(
        !updates.iter().any(|(a, o)| o == &gone_id.to_string()
            && a != "patent.create"
            && a != "patent.remove"),
        "{updates:?}"
    );
}

/// The bulk upload follows the same rule, row by row: the neutral reason on the held number's
/// row; with `valid_only` the other rows are imported and the claim goes to the district.
fn uploading_another_enterprises_number_gets_the_neutral_row_reason(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let c = cast(&server, &db);
    let held = listed(&c.holder, false)
        .into_iter()
        .next()
        .expect("an unpledged patent");
    let header = c.claimant.get("/api/enterprise/patents/template.csv").body;
    let header: Vec<&str> = header.lines().next().unwrap().split(',').collect();
    let row = |p: &Value| -> String {
        header
            .iter()
            .map(|h| match &p[*h] {
                Value::Null => String::new(),
                Value::String(s) => format!("\"{s}\""),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    let fresh = plain_patent(7_333_333, "新专利", "2027-03-01");
    let csv = format!(
        "{}\n{}\n{}\n",
        header.join(","),
        row(&fresh),
        row(&body_of(&held))
    );

    let res = c
        .claimant
        .upload("/api/enterprise/patents/import", "p.csv", csv.as_bytes());
    assert_eq!(res.status, 400, "{}", res.body);
    let problems = res.json()["error"]["details"]["problems"].clone();
    assert_eq!(problems.as_array().unwrap().len(), 1, "{problems}");
    assert_eq!(problems[0]["row"], 2);
    assert!(
        problems[0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("this patent cannot be added now"),
        "{problems}"
    );
    let (name, uscc) = identity(&db, c.holder_org);
    assert!(
        !res.body.contains(&name)
            && !res.body.contains(&uscc)
            && !res.body.contains("already registered"),
        "{}",
        res.body
    );

    let res = c.claimant.upload(
        "/api/enterprise/patents/import?mode=valid_only",
        "p.csv",
        csv.as_bytes(),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let report = res.json();
    assert_eq!(report["imported"].as_array().unwrap().len(), 1, "{report}");
    assert_eq!(report["rejected"][0]["reason"], NEUTRAL, "{report}");
    assert!(
        !res.body.contains(&name) && !res.body.contains(&uscc),
        "{}",
        res.body
    );
    assert!(
        open_disputes(&c.gov)
            .iter()
            .any(|d| d["patent_number"] == held["patent_number"]
                && d["claimant"]["id"] == c.claimant_org)
    );
}

/// The database holds the rule whatever the service does: two live rows of one number cannot
/// both be written (two enterprises racing past the service's check), a removed row and a live
/// one can.
fn two_live_rows_of_one_number_cannot_both_be_written(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let mut conn = db.connect();
    let copy = |conn: &mut zhirong_api::db::DbConnection,
                number: &str,
                owner: i64|
     -> QueryResult<usize> {
        diesel::sql_query(format!(
            "INSERT INTO patents (owner_org_id, patent_number, patent_type, title, filing_date, grant_date, \
             legal_status, ipc_main, claims, forward_citations, backward_citations, family_size, inventors, \
             transfers, licenses, litigations, invalidation_requests, fee_paid_until, revenue_fen, royalty_rate, \
             co_owners, co_owner_consent, created_at, updated_at) \
             SELECT {owner}, patent_number, patent_type, title, filing_date, grant_date, legal_status, ipc_main, \
             claims, forward_citations, backward_citations, family_size, inventors, transfers, licenses, \
             litigations, invalidation_requests, fee_paid_until, revenue_fen, royalty_rate, co_owners, \
             co_owner_consent, created_at, updated_at FROM patents WHERE patent_number = '{number}' AND removed_at IS NULL"
        ))
        .execute(conn)
    };
    let (id, number, owner): (i64, String, i64) = patents::table
        .filter(patents::removed_at.is_null())
        .select((patents::id, patents::patent_number, patents::owner_org_id))
        .order(patents::id)
        .first(&mut conn)
        .unwrap();
    let other: i64 = organisations::table
        .filter(organisations::kind.eq("enterprise"))
        .filter(organisations::id.ne(owner))
        .select(organisations::id)
        .first(&mut conn)
        .unwrap();
    assert!(
        copy(&mut conn, &number, other).is_err(),
        "a second live row of {number} was written"
    );
    // A removed row and a live row of one number.
    let res = diesel::sql_query(format!(
        "INSERT INTO patents (owner_org_id, patent_number, patent_type, title, filing_date, grant_date, \
         legal_status, ipc_main, claims, forward_citations, backward_citations, family_size, inventors, \
         transfers, licenses, litigations, invalidation_requests, fee_paid_until, revenue_fen, royalty_rate, \
         co_owners, co_owner_consent, created_at, updated_at, removed_at) \
         SELECT {other}, patent_number, patent_type, title, filing_date, grant_date, legal_status, ipc_main, \
         claims, forward_citations, backward_citations, family_size, inventors, transfers, licenses, \
         litigations, invalidation_requests, fee_paid_until, revenue_fen, royalty_rate, co_owners, \
         co_owner_consent, created_at, updated_at, updated_at FROM patents WHERE id = {id}"
    ))
    .execute(&mut conn);
    assert!(res.is_ok(), "a removed row beside the live one: {res:?}");
}

/// Two enterprises race to add the same new numbers at once: each number ends with exactly one
/// live holder; the loser is answered 409 (the neutral claim, or "try again" when the database's
/// index refused the second row), never 500.
fn two_enterprises_racing_for_a_number_cannot_both_hold_it(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let c = cast(&server, &db);
    for serial in 7_500_000..7_500_006u32 {
        let body = plain_patent(serial, "抢注的专利", "2027-03-01");
        let (a, b) = std::thread::scope(|s| {
            let a = s.spawn(|| c.holder.post("/api/enterprise/patents", &body));
            let b = s.spawn(|| c.claimant.post("/api/enterprise/patents", &body));
            (a.join().unwrap(), b.join().unwrap())
        });
        let statuses = [a.status, b.status];
        assert!(
            statuses.contains(&201) && statuses.contains(&409),
            "{serial}: {} / {}",
            a.body,
            b.body
        );
        let loser = if a.status == 409 { &a } else { &b };
        let code = loser.json()["error"]["code"].as_str().unwrap().to_string();
        assert!(
            code == "PATENT_CLAIM_SENT" || code == "PATENT_UNAVAILABLE",
            "{}",
            loser.body
        );
        let mut conn = db.connect();
        let live: i64 = patents::table
            .filter(patents::patent_number.eq(body["patent_number"].as_str().unwrap()))
            .filter(patents::removed_at.is_null())
            .count()
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(live, 1, "{serial}");
    }
}

/// The district sees the claim with the patent office's record (looked up by number through the
/// patent feed), and decides: the holder keeps it, or the claimant gets it (not while the patent
/// is pledged: 409 naming the loan or application). A reason is required; both enterprises are
/// told in zh-CN and en; everything is audited.
fn the_district_decides_a_dispute_with_the_registers_record(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let provider = DemoProvider::start(1);
    let server = Server::start_with_env(&db.url, &[("ZHIRONG_FEEDS_ALLOW_PRIVATE", "true")]);
    let c = cast(&server, &db);
    let free = listed(&c.holder, false);
    let pledged = listed(&c.holder, true)
        .into_iter()
        .next()
        .expect("a pledged patent");
    let (kept, granted) = (&free[0], &free[1]);
    for p in [kept, granted, &pledged] {
        let res = c.claimant.post("/api/enterprise/patents", &body_of(p));
        assert_eq!(res.status, 409, "{}", res.body);
    }
    let disputes = open_disputes(&c.gov);
    let of = |p: &Value| -> i64 {
        disputes
            .iter()
            .find(|d| d["patent_number"] == p["patent_number"])
            .unwrap_or_else(|| panic!("no dispute of {}: {disputes:?}", p["patent_number"]))["id"]
            .as_i64()
            .unwrap()
    };
    let (kept_d, granted_d, pledged_d) = (of(kept), of(granted), of(&pledged));

    // Without a patent provider the detail says why there is no record.
    let res = c.gov.get(&format!("/api/gov/patent-disputes/{granted_d}"));
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(res.json()["register"]["record"].is_null(), "{}", res.body);
    assert_eq!(
        res.json()["register"]["error"],
        "no patent data provider is configured"
    );
    assert_eq!(res.json()["holder_patent"]["id"], granted["id"]);
    assert!(res.json()["holder_patent"]["pledged_to"].is_null());
    let res = c.gov.get(&format!("/api/gov/patent-disputes/{pledged_d}"));
    let pledged_to = res.json()["holder_patent"]["pledged_to"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        pledged_to.starts_with("loan ") || pledged_to.starts_with("application "),
        "{}",
        res.body
    );

    let (admin, _) = server.client().login("demo-admin", DEMO_PASSWORD);
    let res = admin.post(
        "/api/admin/feeds",
        &json!({"name": "register", "kind": "patent", "base_url": format!("http://{}", provider.addr),
                "interval_secs": 86_400}),
    );
    assert_eq!(res.status, 201, "{}", res.body);

    // The register's record, by number.
    let res = c.gov.get(&format!("/api/gov/patent-disputes/{granted_d}"));
    assert_eq!(res.status, 200, "{}", res.body);
    let detail = res.json();
    let (holder_name, holder_uscc) = identity(&db, c.holder_org);
    let record = &detail["register"]["record"];
    assert_eq!(
        record["patent_number"], granted["patent_number"],
        "{detail}"
    );
    assert_eq!(record["patent_type"], granted["patent_type"], "{detail}");
    assert_eq!(record["filing_date"], granted["filing_date"], "{detail}");
    assert!(record["legal_status"].is_string(), "{detail}");
    assert_eq!(
        record["patentees"][0]["name"],
        holder_name.as_str(),
        "{detail}"
    );
    assert_eq!(
        record["patentees"][0]["uscc"],
        holder_uscc.as_str(),
        "{detail}"
    );
    assert_eq!(detail["register"]["provider"], "register", "{detail}");

    let decide = |id: i64, body: Value| {
        c.gov
            .post(&format!("/api/gov/patent-disputes/{id}/decision"), &body)
    };
    // A reason is required; the outcome is one of two.
    let res = decide(kept_d, json!({"outcome": "holder"}));
    assert_eq!(res.status, 400, "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "reason");
    let res = decide(kept_d, json!({"outcome": "both", "reason": "x"}));
    assert_eq!(res.status, 400, "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "outcome");

    // Pledged: the claimant cannot get it now.
    let res = decide(
        pledged_d,
        json!({"outcome": "claimant", "reason": "登记簿显示申请人为权利人"}),
    );
    assert_eq!(res.status, 409, "{}", res.body);
    let message = res.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(
        message.contains(&pledged_to),
        "{message} names {pledged_to}"
    );
    assert_eq!(
        c.holder
            .get(&format!("/api/enterprise/patents/{}", pledged["id"]))
            .status,
        200
    );

    let res = decide(
        kept_d,
        json!({"outcome": "holder", "reason": "登记簿显示原权利人"}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["status"], "holder_kept");
    let res = decide(kept_d, json!({"outcome": "claimant", "reason": "again"}));
    assert_eq!(res.status, 409, "{}", res.body);

    let res = decide(
        granted_d,
        json!({"outcome": "claimant", "reason": "登记簿显示申请人为权利人"}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["status"], "claimant_granted");
    assert!(
        listed(&c.claimant, false)
            .iter()
            .any(|p| p["patent_number"] == granted["patent_number"])
    );
    let gone = c
        .holder
        .get(&format!("/api/enterprise/patents/{}", granted["id"]));
    assert_eq!(gone.status, 404, "{}", gone.body);
    let mut conn = db.connect();
    let rows: i64 = patents::table
        .find(granted["id"].as_i64().unwrap())
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(rows, 1, "the holder's row is kept (removed), not deleted");
    assert_eq!(
        c.holder
            .get(&format!("/api/enterprise/patents/{}", kept["id"]))
            .status,
        200
    );

    // Both enterprises are told, in both languages.
    for (who, number) in [
        (&c.holder, &granted["patent_number"]),
        (&c.claimant, &granted["patent_number"]),
        (&c.claimant, &kept["patent_number"]),
    ] {
        let alerts = who.get("/api/enterprise/alerts").json();
        let n = number.as_str().unwrap();
        let alert = alerts["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["message"].as_str().unwrap_or("").contains(n))
            .unwrap_or_else(|| panic!("no alert of {n}: {alerts}"));
        let text = alert["message"].as_str().unwrap();
        assert!(text.contains("专利") && text.contains("patent"), "{text}");
    }
    // The claimant is not told who held it.
    let claimant_alerts = c.claimant.get("/api/enterprise/alerts").body;
    assert!(!claimant_alerts.contains(&holder_name), "{claimant_alerts}");

    let audited = audit_actions(&db, "patent_dispute");
    for d in [kept_d, granted_d] {
        assert!(
            audited.contains(&("patent_dispute.decide".into(), d.to_string())),
            "{audited:?}"
        );
    }
    assert!(audit_actions(&db, "patent").contains(&(
        "patent.remove".into(),
        granted["id"].as_i64().unwrap().to_string()
    )));
    let decided = c.gov.get("/api/gov/patent-disputes?status=decided").json();
    assert_eq!(decided.as_array().unwrap().len(), 2, "{decided}");
    // Another district does not see it (a bank or an enterprise does not reach the route).
    assert_eq!(c.claimant.get("/api/gov/patent-disputes").status, 403);
}

on_both_backends!(
    adding_another_enterprises_number_gets_a_neutral_answer_and_a_dispute,
    re_adding_a_number_another_enterprise_removed_does_not_take_over_its_row,
    renaming_ones_patent_to_another_enterprises_number_deletes_nothing,
    uploading_another_enterprises_number_gets_the_neutral_row_reason,
    two_live_rows_of_one_number_cannot_both_be_written,
    two_enterprises_racing_for_a_number_cannot_both_hold_it,
    the_district_decides_a_dispute_with_the_registers_record,
);
