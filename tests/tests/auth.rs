//! Login, tokens, brute force, maker-checker, idempotency and the audit trail, over real HTTP,
//! on both backends.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, NaiveDate, Utc};
use diesel::connection::SimpleConnection;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;
use zhirong_api::auth::{Principal, Role};
use zhirong_tests::{
    Backend, Client, DEMO_PASSWORD, DEMO_USERS, InProcessServer, Server, TEST_JWT_SECRET, TestDb,
    b64url, load_demo, on_both_backends, principal_of, propose_as, run, stderr, stdout, zhirong,
};

fn claims_for(me: &serde_json::Value, now: i64) -> serde_json::Value {
    json!({
        "sub": me["user_id"].to_string(),
        "iss": "zhirong",
        "aud": "zhirong-api",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "role": me["role"],
        "org": me["organisation"]["id"],
        "sid": "forged-session",
    })
}

fn forge(claims: &serde_json::Value, alg: Algorithm, key: &str) -> String {
    jsonwebtoken::encode(
        &Header::new(alg),
        claims,
        &EncodingKey::from_secret(key.as_bytes()),
    )
    .unwrap()
}

fn every_demo_user_logs_in_and_sees_its_organisation(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    for (username, role) in DEMO_USERS {
        let (client, tokens) = server.client().login(username, DEMO_PASSWORD);
        assert_eq!(tokens["role"], role);
        assert_eq!(tokens["expires_in"], 900);
        let me = client.get("/api/auth/me");
        assert_eq!(me.status, 200, "{}", me.body);
        let me = me.json();
        assert_eq!(me["username"], username);
        assert_eq!(me["role"], role);
        assert_eq!(me["organisation"]["id"], tokens["org_id"]);
    }
    // Wrong password and unknown user: the same answer.
    let wrong = server.client().post(
        "/api/auth/login",
        &json!({"username": "demo-admin", "password": "not the password"}),
    );
    let unknown = server.client().post(
        "/api/auth/login",
        &json!({"username": "nobody-at-all", "password": "not the password"}),
    );
    assert_eq!(wrong.status, 401);
    assert_eq!(unknown.status, 401);
    assert_eq!(wrong.json()["error"], unknown.json()["error"]);
    assert_eq!(wrong.json()["error"]["code"], "INVALID_CREDENTIALS");
    // A malformed body names the problem.
    let bad = server
        .client()
        .post("/api/auth/login", &json!({"username": "demo-admin"}));
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["error"]["code"], "BAD_JSON");
    assert!(
        bad.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("password")
    );
}

fn bad_tokens_get_401(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let (client, tokens) = server.client().login("demo-officer", DEMO_PASSWORD);
    let me = client.get("/api/auth/me").json();
    let now = Utc::now().timestamp();
    let base = claims_for(&me, now);
    let good = client.token.clone().unwrap();
    assert_eq!(
        server
            .client()
            .with_token(&good)
            .get("/api/bank/organisation")
            .status,
        200
    );

    let mut cases: Vec<(&str, String)> = Vec::new();
    cases.push(("no token", String::new()));
    cases.push(("garbage", "not.a.jwt".into()));
    cases.push((
        "wrong signature",
        forge(&base, Algorithm::HS256, "another-secret"),
    ));
    let header = b64url(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = b64url(base.to_string().as_bytes());
    cases.push(("alg none", format!("{header}.{payload}.")));
    cases.push((
        "another algorithm",
        forge(&base, Algorithm::HS512, TEST_JWT_SECRET),
    ));
    let mut expired = base.clone();
    expired["iat"] = json!(now - 3600);
    expired["nbf"] = json!(now - 3600);
    expired["exp"] = json!(now - 60);
    cases.push((
        "expired",
        forge(&expired, Algorithm::HS256, TEST_JWT_SECRET),
    ));
    let mut early = base.clone();
    early["nbf"] = json!(now + 3600);
    early["exp"] = json!(now + 7200);
    cases.push((
        "not yet valid",
        forge(&early, Algorithm::HS256, TEST_JWT_SECRET),
    ));
    let mut audience = base.clone();
    audience["aud"] = json!("someone-else");
    cases.push((
        "wrong audience",
        forge(&audience, Algorithm::HS256, TEST_JWT_SECRET),
    ));
    let mut no_exp = base.clone();
    no_exp.as_object_mut().unwrap().remove("exp");
    cases.push((
        "missing exp",
        forge(&no_exp, Algorithm::HS256, TEST_JWT_SECRET),
    ));
    let mut other_org = base.clone();
    other_org["org"] = json!(1);
    cases.push((
        "organisation claim changed",
        forge(&other_org, Algorithm::HS256, TEST_JWT_SECRET),
    ));

    for (name, token) in &cases {
        let c = if token.is_empty() {
            server.client()
        } else {
            server.client().with_token(token)
        };
        let res = c.get("/api/bank/organisation");
        assert_eq!(res.status, 401, "{name}: {}", res.body);
        assert_eq!(res.json()["error"]["code"], "UNAUTHORIZED", "{name}");
    }

    // Refresh rotates; reusing the old refresh token revokes the session, access token included.
    let first_refresh = tokens["refresh_token"].as_str().unwrap().to_string();
    let rotated = server.client().post(
        "/api/auth/refresh",
        &json!({"refresh_token": first_refresh}),
    );
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    let rotated = rotated.json();
    assert_ne!(rotated["refresh_token"], tokens["refresh_token"]);
    let new_access = rotated["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        server
            .client()
            .with_token(&new_access)
            .get("/api/auth/me")
            .status,
        200
    );
    let reuse = server.client().post(
        "/api/auth/refresh",
        &json!({"refresh_token": first_refresh}),
    );
    assert_eq!(reuse.status, 401);
    assert_eq!(
        server
            .client()
            .with_token(&new_access)
            .get("/api/auth/me")
            .status,
        401,
        "session revoked after reuse"
    );
    let second = server.client().post(
        "/api/auth/refresh",
        &json!({"refresh_token": rotated["refresh_token"]}),
    );
    assert_eq!(second.status, 401, "the whole family is revoked");

    // Logout: the access token stops working at once.
    let (client, _) = server.client().login("demo-manager", DEMO_PASSWORD);
    assert_eq!(client.get("/api/auth/me").status, 200);
    assert_eq!(client.post("/api/auth/logout", &json!({})).status, 204);
    assert_eq!(client.get("/api/auth/me").status, 401);

    // A disabled user's token is refused on the next request; enabling lets them log in again.
    let (officer, _) = server.client().login("demo-officer", DEMO_PASSWORD);
    let (admin, _) = server.client().login("demo-admin", DEMO_PASSWORD);
    let officer_id = me["user_id"].as_i64().unwrap();
    assert_eq!(
        admin
            .post(
                &format!("/api/admin/users/{officer_id}/disable"),
                &json!({})
            )
            .status,
        200
    );
    assert_eq!(officer.get("/api/auth/me").status, 401);
    let refused = server.client().post(
        "/api/auth/login",
        &json!({"username": "demo-officer", "password": DEMO_PASSWORD}),
    );
    assert_eq!(refused.status, 401);
    assert_eq!(
        admin
            .post(&format!("/api/admin/users/{officer_id}/enable"), &json!({}))
            .status,
        200
    );
    server.client().login("demo-officer", DEMO_PASSWORD);

    // A password reset ends the sessions; the new password works, the old one not.
    let (officer, _) = server.client().login("demo-officer", DEMO_PASSWORD);
    let weak = admin.post(
        &format!("/api/admin/users/{officer_id}/reset-password"),
        &json!({"password": "password1234"}),
    );
    assert_eq!(weak.status, 400);
    assert_eq!(weak.json()["error"]["field"], "password");
    let reset = admin.post(
        &format!("/api/admin/users/{officer_id}/reset-password"),
        &json!({"password": "a brand new passphrase"}),
    );
    assert_eq!(
        reset.status, 202,
        "a proposal to the bank's manager: {}",
        reset.body
    );
    let id = reset.json()["id"].as_i64().unwrap();
    let (manager, _) = server.client().login("demo-manager", DEMO_PASSWORD);
    let approved = manager.post(&format!("/api/bank/proposals/{id}/approve"), &json!({}));
    assert_eq!(approved.status, 200, "{}", approved.body);
    assert_eq!(officer.get("/api/auth/me").status, 401);
    server
        .client()
        .login("demo-officer", "a brand new passphrase");
}

fn brute_force_slows_the_account_and_locks_the_address(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let start = NaiveDate::from_ymd_opt(2026, 11, 21)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    let server = InProcessServer::start(&db, start);
    let c = server.client();
    let attempt = |password: &str| {
        c.post(
            "/api/auth/login",
            &json!({"username": "demo-manager", "password": password}),
        )
    };
    for i in 0..5 {
        assert_eq!(attempt("wrong password!").status, 401, "attempt {i}");
    }
    // Too early now: even the right password is refused, with a Retry-After of one second.
    let early = attempt(DEMO_PASSWORD);
    assert_eq!(early.status, 429, "{}", early.body);
    assert_eq!(early.header("retry-after"), Some("1"));
    // Unknown usernames are slowed the same way: a 429 says nothing about existence.
    for _ in 0..5 {
        c.post(
            "/api/auth/login",
            &json!({"username": "no-such-user", "password": "wrong password!"}),
        );
    }
    assert_eq!(
        c.post(
            "/api/auth/login",
            &json!({"username": "no-such-user", "password": "x"})
        )
        .status,
        429
    );

    server.clock.advance(Duration::seconds(1));
    assert_eq!(
        attempt(DEMO_PASSWORD).status,
        200,
        "a second later the right password gets in"
    );
    // The success cleared the account's counter.
    assert_eq!(attempt("wrong password!").status, 401);

    // Each failure past the threshold doubles the interval, up to 5 s: never a lock.
    for _ in 0..4 {
        assert_eq!(attempt("wrong password!").status, 401);
    }
    for expected in ["1", "2", "4", "5"] {
        let early = attempt(DEMO_PASSWORD);
        assert_eq!(early.status, 429);
        assert_eq!(early.header("retry-after"), Some(expected));
        server
            .clock
            .advance(Duration::seconds(expected.parse().unwrap()));
        if expected != "5" {
            assert_eq!(attempt("wrong password!").status, 401);
        }
    }
    assert_eq!(attempt(DEMO_PASSWORD).status, 200);

    // The address limit: 20 failures from one address, whatever the usernames.
    server.clock.advance(Duration::hours(1));
    for i in 0..20 {
        c.post(
            "/api/auth/login",
            &json!({"username": format!("spray-{i}"), "password": "wrong password!"}),
        );
    }
    assert_eq!(
        c.post(
            "/api/auth/login",
            &json!({"username": "demo-admin", "password": DEMO_PASSWORD})
        )
        .status,
        429
    );
    server.clock.advance(Duration::minutes(2));
    assert_eq!(
        c.post(
            "/api/auth/login",
            &json!({"username": "demo-admin", "password": DEMO_PASSWORD})
        )
        .status,
        200
    );
}

fn principal(db: &TestDb, username: &str) -> Principal {
    principal_of(db, username)
}

fn propose(db: &TestDb, by: &Principal, required: Role) -> i64 {
    propose_as(db, by, required)
}

fn maker_checker_refuses_own_wrong_role_and_double_approval(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let (admin, _) = server.client().login("demo-admin", DEMO_PASSWORD);
    let bank_id = principal(&db, "demo-manager").org_id;
    // A second manager in the same bank.
    let created = admin.post(
        "/api/admin/users",
        &json!({"username": "second-manager", "role": "bank_manager", "org_id": bank_id, "password": "another long passphrase"}),
    );
    assert_eq!(
        created.status, 202,
        "a proposal to the bank's manager: {}",
        created.body
    );
    let (manager_c, _) = server.client().login("demo-manager", DEMO_PASSWORD);
    let id = created.json()["id"].as_i64().unwrap();
    let approved = manager_c.post(&format!("/api/bank/proposals/{id}/approve"), &json!({}));
    assert_eq!(approved.status, 200, "{}", approved.body);

    let officer = principal(&db, "demo-officer");
    let manager = principal(&db, "demo-manager");
    let (officer_c, _) = server.client().login("demo-officer", DEMO_PASSWORD);
    let (second_c, _) = server
        .client()
        .login("second-manager", "another long passphrase");

    // Own proposal: refused.
    let own = propose(&db, &manager, Role::BankManager);
    let res = manager_c.post(&format!("/api/bank/proposals/{own}/approve"), &json!({}));
    assert_eq!(res.status, 403, "{}", res.body);
    assert_eq!(res.json()["error"]["code"], "MAKER_CHECKER_OWN_PROPOSAL");

    // Wrong role: an officer cannot approve.
    let p = propose(&db, &officer, Role::BankManager);
    let res = officer_c.post(&format!("/api/bank/proposals/{p}/approve"), &json!({}));
    assert_eq!(res.status, 403);
    assert_eq!(res.json()["error"]["code"], "MAKER_CHECKER_ROLE");

    // A different manager approves once; the second approval is refused.
    let res = manager_c.post(
        &format!("/api/bank/proposals/{p}/approve"),
        &json!({"note": "ok"}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["status"], "approved");
    let again = second_c.post(&format!("/api/bank/proposals/{p}/approve"), &json!({}));
    assert_eq!(again.status, 409);
    assert_eq!(again.json()["error"]["code"], "PROPOSAL_ALREADY_DECIDED");
    let back = second_c.post(&format!("/api/bank/proposals/{p}/send-back"), &json!({}));
    assert_eq!(back.status, 409);

    // Another organisation's proposal is not found, not forbidden.
    let gov = principal(&db, "demo-gov-officer");
    let foreign = propose(&db, &gov, Role::GovManager);
    assert_eq!(
        manager_c
            .get(&format!("/api/bank/proposals/{foreign}"))
            .status,
        404
    );
    assert_eq!(
        manager_c
            .post(
                &format!("/api/bank/proposals/{foreign}/approve"),
                &json!({})
            )
            .status,
        404
    );
    let (gov_manager, _) = server.client().login("demo-gov-manager", DEMO_PASSWORD);
    assert_eq!(
        gov_manager
            .post(
                &format!("/api/gov/proposals/{foreign}/send-back"),
                &json!({"note": "incomplete"})
            )
            .json()["status"],
        "sent_back"
    );

    let verify = run(zhirong(&db.url).args(["audit", "verify"]));
    assert!(verify.status.success(), "{}", stderr(&verify));
}

fn idempotency_key_replays_the_first_result(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let (admin, _) = server.client().login("demo-admin", DEMO_PASSWORD);
    let body = json!({"kind": "bank", "name": "测试复核银行"});
    let first = admin.post_with(
        "/api/admin/organisations",
        &body,
        &[("Idempotency-Key", "create-bank-1")],
    );
    assert_eq!(first.status, 201, "{}", first.body);
    let retry = admin.post_with(
        "/api/admin/organisations",
        &body,
        &[("Idempotency-Key", "create-bank-1")],
    );
    assert_eq!(retry.status, 201);
    assert_eq!(retry.body, first.body);
    assert_eq!(retry.header("idempotency-replayed"), Some("true"));
    let banks = admin.get("/api/admin/organisations?kind=bank").json();
    assert_eq!(
        banks
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["name"] == "测试复核银行")
            .count(),
        1,
        "created once"
    );
    let other = admin.post_with(
        "/api/admin/organisations",
        &json!({"kind": "bank", "name": "另一家"}),
        &[("Idempotency-Key", "create-bank-1")],
    );
    assert_eq!(other.status, 422);
    assert_eq!(other.json()["error"]["code"], "IDEMPOTENCY_KEY_REUSED");
    // Without a key, two posts are two organisations... refused here by the USCC rule only for enterprises.
    let bad = admin.post(
        "/api/admin/organisations",
        &json!({"kind": "enterprise", "name": "无码企业", "district_org_id": 2}),
    );
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["error"]["field"], "uscc");
    let bad = admin.post(
        "/api/admin/organisations",
        &json!({"kind": "enterprise", "name": "坏码企业", "uscc": "91310110666007217A", "district_org_id": 2}),
    );
    assert_eq!(
        (bad.status, bad.json()["error"]["field"].clone()),
        (400, json!("uscc"))
    );
    assert_eq!(
        bad.json()["error"]["message"],
        "check character (position 18) is 'A', expected 'T'"
    );
    let named: Vec<String> = admin
        .get("/api/admin/organisations")
        .json()
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["name"].as_str().map(str::to_string))
        .collect();
    assert!(
        !named.iter().any(|n| n == "无码企业" || n == "坏码企业"),
        "nothing was created: {named:?}"
    );
}

fn audit_verify_detects_changed_deleted_and_reordered_rows(backend: Backend) {
    for tamper in ["change", "delete", "reorder"] {
        let db = TestDb::new(backend);
        load_demo(&db);
        let server = Server::start(&db.url);
        for (u, _) in DEMO_USERS {
            server.client().login(u, DEMO_PASSWORD);
        }
        drop(server);
        let ok = run(zhirong(&db.url).args(["audit", "verify"]));
        assert!(ok.status.success(), "{}", stderr(&ok));
        assert!(stdout(&ok).contains("intact: 7 rows"), "{}", stdout(&ok));
        let mut conn = db.connect();
        let sql = match tamper {
            "change" => "UPDATE audit_log SET username = 'someone-else' WHERE id = 4".to_string(),
            "delete" => "DELETE FROM audit_log WHERE id = 4".to_string(),
            _ => "UPDATE audit_log SET id = 1000 WHERE id = 4; UPDATE audit_log SET id = 4 WHERE id = 5; UPDATE audit_log SET id = 5 WHERE id = 1000"
                .to_string(),
        };
        conn.batch_execute(&sql).unwrap();
        let out = run(zhirong(&db.url).args(["audit", "verify"]));
        assert_eq!(out.status.code(), Some(1), "{tamper}");
        let expected_row = if tamper == "delete" { "row 5" } else { "row 4" };
        assert!(
            stderr(&out).contains(&format!("broken at {expected_row}")),
            "{tamper}: {}",
            stderr(&out)
        );
    }
}

fn security_headers_are_set(backend: Backend) {
    let db = TestDb::new(backend);
    let server = Server::start(&db.url);
    let res = Client {
        addr: server.addr,
        token: None,
    }
    .get("/api/auth/me");
    assert_eq!(res.status, 401);
    let csp = res.header("content-security-policy").unwrap_or_default();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(res.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(res.header("referrer-policy"), Some("no-referrer"));
    assert!(
        res.header("strict-transport-security").is_none(),
        "no HSTS over plain HTTP"
    );
    let tls = zhirong_tests::http_request(
        server.addr,
        "GET",
        "/healthz",
        &[("X-Forwarded-Proto", "https")],
        None,
    );
    assert!(
        tls.header("strict-transport-security")
            .is_some_and(|v| v.contains("max-age="))
    );
    // Oversized bodies are refused with JSON, not a dropped connection.
    let big = "x".repeat(300 * 1024);
    let res = Client {
        addr: server.addr,
        token: None,
    }
    .post(
        "/api/auth/login",
        &json!({"username": big, "password": "x"}),
    );
    assert_eq!(res.status, 400);
    assert_eq!(res.json()["error"]["code"], "BAD_JSON");
}

fn no_password_or_token_reaches_the_log(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("server.log");
    let server = Server::start_logging(&db.url, Some(&log));
    let (client, tokens) = server.client().login("demo-officer", DEMO_PASSWORD);
    client.get("/api/auth/me");
    server.client().post(
        "/api/auth/login",
        &json!({"username": "demo-officer", "password": "wrong-secret-987654"}),
    );
    server.client().post(
        "/api/auth/refresh",
        &json!({"refresh_token": tokens["refresh_token"]}),
    );
    server
        .client()
        .with_token("forged.token.value")
        .get("/api/bank/organisation");
    drop(server);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("login failed"),
        "the log has the failed login: {text}"
    );
    assert!(
        text.contains("refused token"),
        "the log has the refused token"
    );
    for secret in [
        DEMO_PASSWORD,
        "wrong-secret-987654",
        tokens["access_token"].as_str().unwrap(),
        tokens["refresh_token"].as_str().unwrap(),
        "forged.token.value",
        TEST_JWT_SECRET,
    ] {
        assert!(!text.contains(secret), "{secret:?} appears in the log");
    }
}

on_both_backends!(
    no_password_or_token_reaches_the_log,
    every_demo_user_logs_in_and_sees_its_organisation,
    bad_tokens_get_401,
    brute_force_slows_the_account_and_locks_the_address,
    maker_checker_refuses_own_wrong_role_and_double_approval,
    idempotency_key_replays_the_first_result,
    audit_verify_detects_changed_deleted_and_reordered_rows,
    security_headers_are_set,
);
