//! The operator inside tenants (#21 item 3), tried as a hostile operator on the demo data, over
//! real HTTP on both backends: an admin cannot make anyone a bank's manager, nor reset a
//! manager's password, without that bank's manager approving; a reset user changes the password
//! before doing anything; every user changes their own password and a stolen session dies.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use zhirong_tests::{Backend, Client, DEMO_PASSWORD, Server, TestDb, load_demo, on_both_backends};

fn org_of(c: &Client) -> i64 {
    let me = c.get("/api/auth/me");
    assert_eq!(me.status, 200, "{}", me.body);
    me.json()["organisation"]["id"].as_i64().unwrap()
}

fn user_id(admin: &Client, username: &str) -> i64 {
    let users = admin.get("/api/admin/users").json();
    users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == username)
        .and_then(|u| u["id"].as_i64())
        .unwrap_or_else(|| panic!("user {username}"))
}

fn refused_login(server: &Server, username: &str, password: &str) -> bool {
    server
        .client()
        .post(
            "/api/auth/login",
            &json!({"username": username, "password": password}),
        )
        .status
        == 401
}

/// The admin tries to make a bank manager in the demo bank (which has one): it is only a
/// proposal that the bank's own manager decides; the password is nowhere in clear.
fn operator_cannot_make_a_bank_manager_without_that_banks_manager(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let (admin, _) = server.client().login("demo-admin", DEMO_PASSWORD);
    let (manager, _) = server.client().login("demo-manager", DEMO_PASSWORD);
    let (officer, _) = server.client().login("demo-officer", DEMO_PASSWORD);
    let bank = org_of(&manager);
    let secret = "the operator's own bank passphrase";
    let res = admin.post(
        "/api/admin/users",
        &json!({"username": "rogue-manager", "role": "bank_manager", "org_id": bank, "password": secret}),
    );
    assert_eq!(res.status, 202, "a proposal, not a user: {}", res.body);
    let proposal = res.json()["id"].as_i64().expect("the proposal's id");
    assert!(
        refused_login(&server, "rogue-manager", secret),
        "no user before the approval"
    );
    // The operator sees it pending; the bank's manager sees it with username and role only.
    let mine = admin.get("/api/admin/user-proposals");
    assert_eq!(mine.status, 200, "{}", mine.body);
    assert!(mine.body.contains("rogue-manager") && mine.body.contains("pending"));
    let seen = manager.get("/api/bank/proposals?status=pending");
    assert_eq!(seen.status, 200);
    assert!(seen.body.contains("rogue-manager") && seen.body.contains("bank_manager"));
    for body in [&seen.body, &mine.body] {
        assert!(
            !body.contains(secret) && !body.contains("$argon2"),
            "{body}"
        );
    }
    // Nobody but a manager of that bank decides: not the officer, not the operator.
    assert_eq!(
        officer
            .post(
                &format!("/api/bank/proposals/{proposal}/approve"),
                &json!({})
            )
            .status,
        403
    );
    assert_eq!(
        admin
            .post(
                &format!("/api/bank/proposals/{proposal}/approve"),
                &json!({})
            )
            .status,
        403
    );
    // Sent back: nothing happens.
    let back = manager.post(
        &format!("/api/bank/proposals/{proposal}/send-back"),
        &json!({"note": "we did not ask for this"}),
    );
    assert_eq!(back.status, 200, "{}", back.body);
    assert!(refused_login(&server, "rogue-manager", secret));
    assert!(
        admin
            .get("/api/admin/user-proposals")
            .body
            .contains("sent_back")
    );
    // Proposed again and approved: the user exists and signs in.
    let again = admin.post(
        "/api/admin/users",
        &json!({"username": "second-manager", "role": "bank_manager", "org_id": bank, "password": secret}),
    );
    assert_eq!(again.status, 202, "{}", again.body);
    let id = again.json()["id"].as_i64().unwrap();
    let ok = manager.post(&format!("/api/bank/proposals/{id}/approve"), &json!({}));
    assert_eq!(ok.status, 200, "{}", ok.body);
    server.client().login("second-manager", secret);

    // A bank without a manager yet: its first manager is created at once (bootstrap); the
    // next one is a proposal to that first manager.
    let banks = admin.get("/api/admin/organisations?kind=bank").json();
    let other = banks
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["id"].as_i64())
        .find(|id| *id != bank)
        .expect("a second bank");
    let first = admin.post(
        "/api/admin/users",
        &json!({"username": "first-manager", "role": "bank_manager", "org_id": other, "password": secret}),
    );
    assert_eq!(first.status, 201, "bootstrap: {}", first.body);
    let next = admin.post(
        "/api/admin/users",
        &json!({"username": "next-officer", "role": "bank_officer", "org_id": other, "password": secret}),
    );
    assert_eq!(next.status, 202, "{}", next.body);

    // The records: the bootstrap is audited as such; no password, clear or hashed, is in any
    // proposal or audit row, and a decided proposal keeps no hash.
    use diesel::prelude::*;
    use zhirong_api::db::schema::{audit_log, proposal_secrets, proposals};
    let mut conn = db.connect();
    let bootstraps: i64 = audit_log::table
        .filter(audit_log::action.eq("user.create_bootstrap"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(bootstraps, 1);
    let payloads: Vec<String> = proposals::table
        .select(proposals::payload_json)
        .load(&mut conn)
        .unwrap();
    let audits: Vec<Option<String>> = audit_log::table
        .select(audit_log::after_json)
        .load(&mut conn)
        .unwrap();
    for text in payloads.iter().chain(audits.iter().flatten()) {
        assert!(
            !text.contains(secret) && !text.contains("$argon2"),
            "{text}"
        );
    }
    let kept: Vec<i64> = proposal_secrets::table
        .select(proposal_secrets::proposal_id)
        .load(&mut conn)
        .unwrap();
    let pending = next.json()["id"].as_i64().unwrap();
    assert_eq!(
        kept,
        vec![pending],
        "only the pending proposal keeps its hash"
    );
}

/// The admin resets the bank manager's password to take the account over: only a proposal; the
/// old password keeps working until the bank's manager approves.
fn operator_cannot_reset_a_bank_managers_password_alone(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let (admin, _) = server.client().login("demo-admin", DEMO_PASSWORD);
    let (manager, _) = server.client().login("demo-manager", DEMO_PASSWORD);
    let target = user_id(&admin, "demo-manager");
    let taken = "the operator knows this one";
    let res = admin.post(
        &format!("/api/admin/users/{target}/reset-password"),
        &json!({"password": taken}),
    );
    assert_eq!(res.status, 202, "{}", res.body);
    assert!(!res.body.contains(taken) && !res.body.contains("$argon2"));
    assert!(refused_login(&server, "demo-manager", taken));
    assert_eq!(
        manager.get("/api/auth/me").status,
        200,
        "the manager's session lives on"
    );
    let pending = manager.get("/api/bank/proposals?status=pending");
    assert!(pending.body.contains("demo-manager"), "{}", pending.body);
    assert!(!pending.body.contains(taken) && !pending.body.contains("$argon2"));
    let id = res.json()["id"].as_i64().unwrap();
    let back = manager.post(&format!("/api/bank/proposals/{id}/send-back"), &json!({}));
    assert_eq!(back.status, 200, "{}", back.body);
    assert!(refused_login(&server, "demo-manager", taken));
    server.client().login("demo-manager", DEMO_PASSWORD);
}

/// A reset user (approved by the bank's manager) signs in with a flag and can do nothing but
/// change the password.
fn a_reset_user_must_change_the_password_before_doing_anything(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let (admin, _) = server.client().login("demo-admin", DEMO_PASSWORD);
    let (manager, _) = server.client().login("demo-manager", DEMO_PASSWORD);
    let officer_id = user_id(&admin, "demo-officer");
    let one_time = "a one-time passphrase";
    let res = admin.post(
        &format!("/api/admin/users/{officer_id}/reset-password"),
        &json!({"password": one_time}),
    );
    assert_eq!(res.status, 202, "{}", res.body);
    let id = res.json()["id"].as_i64().unwrap();
    let ok = manager.post(&format!("/api/bank/proposals/{id}/approve"), &json!({}));
    assert_eq!(ok.status, 200, "{}", ok.body);
    let (officer, tokens) = server.client().login("demo-officer", one_time);
    assert_eq!(tokens["must_change_password"], true, "{tokens}");
    for path in ["/api/auth/me", "/api/bank/proposals", "/api/bank/loans"] {
        let refused = officer.get(path);
        assert_eq!(refused.status, 403, "{path}: {}", refused.body);
        assert_eq!(refused.json()["error"]["code"], "PASSWORD_CHANGE_REQUIRED");
    }
    let same = officer.post(
        "/api/auth/password",
        &json!({"old_password": one_time, "new_password": one_time}),
    );
    assert_eq!(same.status, 400, "{}", same.body);
    assert_eq!(same.json()["error"]["field"], "new_password");
    let changed = officer.post(
        "/api/auth/password",
        &json!({"old_password": one_time, "new_password": "the officer's own passphrase"}),
    );
    assert_eq!(changed.status, 204, "{}", changed.body);
    assert_eq!(officer.get("/api/auth/me").status, 200);
    assert!(refused_login(&server, "demo-officer", one_time));
    let (_, tokens) = server
        .client()
        .login("demo-officer", "the officer's own passphrase");
    assert_eq!(tokens["must_change_password"], false);
}

/// Every user changes their own password; a session stolen before dies, this one lives on.
fn a_user_changes_their_own_password_and_a_stolen_session_elsewhere_dies(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let (stolen, stolen_tokens) = server.client().login("demo-enterprise", DEMO_PASSWORD);
    let (mine, _) = server.client().login("demo-enterprise", DEMO_PASSWORD);
    let wrong = mine.post(
        "/api/auth/password",
        &json!({"old_password": "not my password", "new_password": "a new enterprise passphrase"}),
    );
    assert_eq!(wrong.status, 400, "{}", wrong.body);
    assert_eq!(wrong.json()["error"]["field"], "old_password");
    let weak = mine.post(
        "/api/auth/password",
        &json!({"old_password": DEMO_PASSWORD, "new_password": "password1234"}),
    );
    assert_eq!(weak.status, 400, "{}", weak.body);
    assert_eq!(weak.json()["error"]["field"], "new_password");
    let ok = mine.post(
        "/api/auth/password",
        &json!({"old_password": DEMO_PASSWORD, "new_password": "a new enterprise passphrase"}),
    );
    assert_eq!(ok.status, 204, "{}", ok.body);
    assert_eq!(
        mine.get("/api/auth/me").status,
        200,
        "this session lives on"
    );
    assert_eq!(
        stolen.get("/api/auth/me").status,
        401,
        "the stolen one dies"
    );
    let refresh = server.client().post(
        "/api/auth/refresh",
        &json!({"refresh_token": stolen_tokens["refresh_token"]}),
    );
    assert_eq!(refresh.status, 401);
    assert!(refused_login(&server, "demo-enterprise", DEMO_PASSWORD));
    server
        .client()
        .login("demo-enterprise", "a new enterprise passphrase");
    // Every role has the route, the operator too.
    let (admin, _) = server.client().login("demo-admin", DEMO_PASSWORD);
    let admin_ok = admin.post(
        "/api/auth/password",
        &json!({"old_password": DEMO_PASSWORD, "new_password": "the operator's new passphrase"}),
    );
    assert_eq!(admin_ok.status, 204, "{}", admin_ok.body);
}

on_both_backends!(
    operator_cannot_make_a_bank_manager_without_that_banks_manager,
    operator_cannot_reset_a_bank_managers_password_alone,
    a_reset_user_must_change_the_password_before_doing_anything,
    a_user_changes_their_own_password_and_a_stolen_session_elsewhere_dies,
);
