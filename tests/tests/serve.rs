//! `zhirong serve`: probes, documentation, JSON errors, fail-fast start-up, readiness that
//! follows the database, graceful shutdown.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use zhirong_tests::{Backend, Server, TestDb, on_both_backends, run, stderr, zhirong};

fn probes_docs_and_errors_answer(backend: Backend) {
    let db = TestDb::new(backend);
    let server = Server::start(&db.url);

    let health = server.get("/healthz");
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["status"], "ok");
    assert!(health.header("x-request-id").is_some_and(|v| !v.is_empty()));
    assert_eq!(health.header("x-content-type-options"), Some("nosniff"));

    let ready = server.get("/readyz");
    assert_eq!(ready.status, 200, "{}", ready.body);
    let expected = if backend == Backend::Sqlite {
        "sqlite"
    } else {
        "postgres"
    };
    assert_eq!(ready.json()["database"], expected);
    assert_eq!(ready.json()["migrations"], "current");

    let spec = server.get("/api/openapi.json");
    assert_eq!(spec.status, 200);
    let spec = spec.json();
    assert!(
        spec["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3."))
    );
    assert!(spec["paths"]["/readyz"].is_object());

    let docs = server.get("/api/docs");
    assert_eq!(docs.status, 200);
    assert!(docs.body.contains("/api/docs/swagger-ui-bundle.js"));
    let bundle = server.get("/api/docs/swagger-ui-bundle.js");
    assert_eq!(bundle.status, 200);
    assert!(
        bundle.body.len() > 100_000,
        "Swagger UI is served from the binary"
    );

    let missing = server.get("/api/nothing-here");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"]["code"], "NOT_FOUND");

    let status = server.terminate();
    assert!(
        status.success(),
        "graceful shutdown exits 0, got {status:?}"
    );
}

on_both_backends!(probes_docs_and_errors_answer);

#[test]
fn serve_fails_fast_on_an_unreachable_postgres() {
    // Port 1 on loopback: nothing listens there.
    let started = Instant::now();
    let out = run(zhirong("postgres://zhirong:pw@127.0.0.1:1/zhirong")
        .env("ZHIRONG_MODE", "demo")
        .args(["serve", "--bind", "127.0.0.1:0"]));
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("cannot connect to the database"), "{err}");
    assert!(
        err.contains("127.0.0.1:1"),
        "the message names the server: {err}"
    );
    assert!(!err.contains(":pw@"), "the password is not shown: {err}");
}

#[test]
fn production_mode_refuses_to_start_without_a_jwt_secret() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("z.db").display());
    let out = run(zhirong(&url).args(["serve", "--bind", "127.0.0.1:0"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("ZHIRONG_JWT_SECRET"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn readyz_goes_503_when_postgres_disappears() {
    let mut db = TestDb::new(Backend::Postgres);
    let server = Server::start(&db.url);
    assert_eq!(server.get("/readyz").status, 200);
    db.destroy();
    let ready = server.get("/readyz");
    assert_eq!(ready.status, 503, "{}", ready.body);
    assert_eq!(ready.json()["error"]["code"], "UNAVAILABLE");
    // The process itself is still up.
    assert_eq!(server.get("/healthz").status, 200);
}
