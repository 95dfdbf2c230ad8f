//! Secrets, sessions and leaks (#21, items 5 and 6): what an attacker tried against the
//! server's secret, its sessions and its unauthenticated answers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Stdio;
use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;
use zhirong_tests::{
    Backend, DEMO_PASSWORD, Server, TEST_JWT_SECRET, TestDb, load_demo, on_both_backends, stderr,
    zhirong,
};

/// `zhirong serve` with these variables: its exit, or a failure if it is still up after 15 s.
fn serve_must_exit(url: &str, env: &[(&str, &str)]) -> std::process::Output {
    let mut child = zhirong(url)
        .envs(env.iter().copied())
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(15) {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let out = child.wait_with_output().expect("output");
    panic!(
        "the server started and served: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// An operator sets a 5-byte secret in production (anyone can brute-force an HMAC key that
/// short and sign any token): the server refuses to start and says why.
#[test]
fn production_refuses_to_start_with_a_five_byte_jwt_secret() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("z.db").display());
    let out = serve_must_exit(
        &url,
        &[
            ("ZHIRONG_MODE", "production"),
            ("ZHIRONG_JWT_SECRET", "abcde"),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("ZHIRONG_JWT_SECRET") && err.contains("32"),
        "{err}"
    );
    assert!(!err.contains("abcde"), "the secret is not echoed: {err}");
}

/// A token signed with the right key but naming a session that never existed (as a leaked key
/// or a forged token would) is refused: a token is valid only for a live session.
fn a_token_naming_an_invented_session_is_refused(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let (client, _) = server.client().login("demo-officer", DEMO_PASSWORD);
    let me = client.get("/api/auth/me").json();
    let now = chrono::Utc::now().timestamp();
    let claims = json!({
        "sub": me["user_id"].to_string(), "iss": "zhirong", "aud": "zhirong-api",
        "iat": now, "nbf": now, "exp": now + 600,
        "role": me["role"], "org": me["organisation"]["id"], "sid": "invented-session",
    });
    let token = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(TEST_JWT_SECRET.as_bytes()),
    )
    .expect("sign");
    let res = server
        .client()
        .with_token(&token)
        .get("/api/bank/organisation");
    assert_eq!(res.status, 401, "{}", res.body);
    // The session the login made still works.
    assert_eq!(client.get("/api/bank/organisation").status, 200);
}

on_both_backends!(a_token_naming_an_invented_session_is_refused);

/// Anyone on the network asks `/readyz` while the database is down: the answer says the
/// service is unavailable, not the database's host, port, user or name.
#[test]
fn readyz_while_the_database_is_down_shows_no_connection_details() {
    let mut db = TestDb::new(Backend::Postgres);
    let server = Server::start(&db.url);
    assert_eq!(server.get("/readyz").status, 200);
    let url = db.url.clone();
    db.destroy();
    let ready = server.get("/readyz");
    assert_eq!(ready.status, 503, "{}", ready.body);
    let rest = url.split("://").nth(1).expect("url");
    let (userinfo, hostpart) = rest.split_once('@').expect("user@host");
    let user = userinfo.split(':').next().expect("user");
    let (hostport, name) = hostpart.split_once('/').expect("host/name");
    let (host, port) = hostport.split_once(':').expect("host:port");
    for detail in [host, port, name, user] {
        assert!(
            !ready.body.contains(detail),
            "{detail:?} is in the unauthenticated answer: {}",
            ready.body
        );
    }
}
