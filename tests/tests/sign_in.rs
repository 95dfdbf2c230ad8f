//! Sign-in under attack (issue #21 item 4), over real HTTP: a stranger guessing a manager's
//! password, clients sharing a reverse proxy, a client forging X-Forwarded-For, and the owner
//! seeing the failed attempts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::connection::SimpleConnection;
use serde_json::json;
use zhirong_tests::{
    Backend, Client, DEMO_PASSWORD, HttpResponse, InProcessServer, Server, TestDb, load_demo,
    on_both_backends,
};

const LOGIN: &str = "/api/auth/login";

fn start() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 21)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
}

fn login_from(c: &Client, forwarded_for: &str, username: &str, password: &str) -> HttpResponse {
    c.post_with(
        LOGIN,
        &json!({"username": username, "password": password}),
        &[("X-Forwarded-For", forwarded_for)],
    )
}

fn retry_after(res: &HttpResponse) -> i64 {
    res.header("retry-after")
        .unwrap_or_else(|| panic!("429 without Retry-After: {}", res.body))
        .parse()
        .unwrap()
}

/// A stranger (from many addresses, behind the bank's trusted proxy) sends 50 wrong passwords for
/// demo-manager; the manager then signs in with the right one within seconds.
fn a_strangers_fifty_wrong_passwords_do_not_keep_the_manager_out(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server =
        InProcessServer::start_with_env(&db, start(), &[("ZHIRONG_TRUSTED_PROXIES", "127.0.0.1")]);
    let c = server.client();
    let mut wrong = 0;
    let mut refused_early = 0;
    let mut longest_wait = 0;
    for attempt in 0..500 {
        if wrong == 50 {
            break;
        }
        let from = format!("203.0.113.{}", attempt % 60 + 1);
        let res = login_from(&c, &from, "demo-manager", "guess-number-one");
        match res.status {
            401 => wrong += 1,
            429 => {
                let wait = retry_after(&res);
                assert!(
                    (1..=5).contains(&wait),
                    "a wrong password waits a few seconds, not {wait}"
                );
                longest_wait = longest_wait.max(wait);
                refused_early += 1;
                server.clock.advance(Duration::seconds(wait));
            }
            s => panic!("attempt {attempt}: {s} {}", res.body),
        }
    }
    assert_eq!(wrong, 50, "the stranger got 50 answers");
    assert!(refused_early > 0, "repeated failures are slowed down");
    assert!(longest_wait >= 4, "the delay grows: {longest_wait}");

    // Too early, even the right password gets 429 (no oracle that skips the delay).
    let early = login_from(&c, "203.0.113.200", "demo-manager", DEMO_PASSWORD);
    assert_eq!(early.status, 429, "{}", early.body);

    // The manager, from the office: at most a few seconds' wait.
    let mut waited = 0;
    loop {
        let res = login_from(&c, "198.51.100.7", "demo-manager", DEMO_PASSWORD);
        if res.status == 200 {
            break;
        }
        assert_eq!(res.status, 429, "{}", res.body);
        waited += retry_after(&res);
        assert!(waited <= 5, "the manager waited {waited} s");
        server.clock.advance(Duration::seconds(retry_after(&res)));
    }
    // The success starts afresh: the next wrong password is answered at once.
    let after = login_from(&c, "198.51.100.7", "demo-manager", "a typo in it");
    assert_eq!(after.status, 401, "{}", after.body);
}

/// Behind a trusted proxy every request comes from the proxy's address; one client's failures
/// must not lock the other clients out.
fn behind_a_trusted_proxy_one_clients_failures_do_not_lock_the_others(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start_with_env(&db.url, &[("ZHIRONG_TRUSTED_PROXIES", "127.0.0.1/32")]);
    let c = server.client();
    // The sprayer also writes X-Forwarded-For itself; the proxy appends the real address.
    let mut blocked = false;
    for i in 0..30 {
        let chain = format!("10.9.8.{i}, 203.0.113.9");
        let res = login_from(&c, &chain, &format!("spray-{i}"), "wrong password!");
        if res.status == 429 {
            blocked = true;
            break;
        }
        assert_eq!(res.status, 401, "{}", res.body);
    }
    assert!(
        blocked,
        "the sprayer's own address is limited, whatever it forges"
    );
    // Another client behind the same proxy signs in.
    let other = login_from(&c, "198.51.100.20", "demo-admin", DEMO_PASSWORD);
    assert_eq!(other.status, 200, "{}", other.body);
    // And a request with no X-Forwarded-For (the proxy itself) is not blocked either.
    let direct = c.post(
        LOGIN,
        &json!({"username": "demo-officer", "password": DEMO_PASSWORD}),
    );
    assert_eq!(direct.status, 200, "{}", direct.body);
}

/// When the peer is not a trusted proxy, X-Forwarded-For is ignored: a new forged address per
/// request does not reset the per-address limit.
fn a_client_cannot_dodge_the_address_limit_with_x_forwarded_for(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    for trusted in [None, Some("10.0.0.0/8")] {
        let env: Vec<(&str, &str)> = trusted
            .map(|t| vec![("ZHIRONG_TRUSTED_PROXIES", t)])
            .unwrap_or_default();
        let server = Server::start_with_env(&db.url, &env);
        let c = server.client();
        for i in 0..20 {
            let res = login_from(
                &c,
                &format!("192.0.2.{i}"),
                &format!("spray-{i}"),
                "wrong password!",
            );
            assert_eq!(res.status, 401, "{trusted:?} attempt {i}: {}", res.body);
        }
        let res = login_from(&c, "192.0.2.99", "demo-admin", DEMO_PASSWORD);
        assert_eq!(res.status, 429, "{trusted:?}: {}", res.body);
        drop(server);
        let mut conn = db.connect();
        conn.batch_execute("DELETE FROM login_throttle").unwrap();
    }
}

/// The owner of an account sees the failed attempts since the previous sign-in, with their
/// addresses; nobody else does.
fn the_owner_sees_the_failed_attempts(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start_with_env(&db.url, &[("ZHIRONG_TRUSTED_PROXIES", "127.0.0.1")]);
    let c = server.client();
    let first = c.post(
        LOGIN,
        &json!({"username": "demo-manager", "password": DEMO_PASSWORD}),
    );
    assert_eq!(first.status, 200, "{}", first.body);
    for _ in 0..3 {
        let res = login_from(&c, "203.0.113.5", "demo-manager", "is it password1?");
        assert_eq!(res.status, 401, "{}", res.body);
    }
    // Someone else's failure is not the manager's business.
    login_from(&c, "203.0.113.6", "demo-officer", "wrong password!");

    let res = login_from(&c, "198.51.100.7", "demo-manager", DEMO_PASSWORD);
    assert_eq!(res.status, 200, "{}", res.body);
    let token = res.json()["access_token"].as_str().unwrap().to_string();
    let manager = c.with_token(&token);
    let seen = manager.get("/api/auth/me/sign-in-attempts");
    assert_eq!(seen.status, 200, "{}", seen.body);
    let seen = seen.json();
    assert_eq!(seen["failed_since_previous_sign_in"], 3, "{seen}");
    let failures = seen["recent_failures"].as_array().unwrap();
    assert_eq!(failures.len(), 3, "{seen}");
    assert!(
        failures.iter().all(|f| f["address"] == "203.0.113.5"),
        "{seen}"
    );
    assert!(failures.iter().all(|f| f["at"].is_string()), "{seen}");
    assert_eq!(seen["last_sign_in"]["address"], "198.51.100.7", "{seen}");
    assert_eq!(seen["previous_sign_in"]["address"], "127.0.0.1", "{seen}");

    // The officer sees only the officer's failure.
    let (officer, _) = c.login("demo-officer", DEMO_PASSWORD);
    let theirs = officer.get("/api/auth/me/sign-in-attempts").json();
    assert_eq!(theirs["failed_since_previous_sign_in"], 1, "{theirs}");
    assert_eq!(theirs["recent_failures"][0]["address"], "203.0.113.6");
    // Without a token: 401.
    assert_eq!(c.get("/api/auth/me/sign-in-attempts").status, 401);
}

on_both_backends!(
    a_strangers_fifty_wrong_passwords_do_not_keep_the_manager_out,
    behind_a_trusted_proxy_one_clients_failures_do_not_lock_the_others,
    a_client_cannot_dodge_the_address_limit_with_x_forwarded_for,
    the_owner_sees_the_failed_attempts,
);
