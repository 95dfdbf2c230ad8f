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

/// The dashboards' typed client is generated from `dashboards/openapi.json`: the committed copy
/// must be the document the binary serves (and the one `zhirong openapi` prints). When the API
/// changes, refresh it with `zhirong openapi > dashboards/openapi.json`.
#[test]
fn the_committed_openapi_document_is_the_one_served() {
    let committed_path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../dashboards/openapi.json");
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&committed_path)
            .unwrap_or_else(|e| panic!("{}: {e}", committed_path.display())),
    )
    .expect("dashboards/openapi.json is JSON");

    let db = TestDb::new(Backend::Sqlite);
    let server = Server::start(&db.url);
    let served = server.get("/api/openapi.json").json();
    let printed = run(zhirong(&db.url).arg("openapi"));
    assert!(printed.status.success(), "{}", stderr(&printed));
    let printed: serde_json::Value =
        serde_json::from_slice(&printed.stdout).expect("zhirong openapi prints JSON");
    assert_eq!(printed, served, "`zhirong openapi` prints what is served");

    let mut drift = Vec::new();
    differences("", &committed, &served, &mut drift);
    assert!(
        drift.is_empty(),
        "dashboards/openapi.json differs from the served document in {} place(s); refresh it with \
         `zhirong openapi > dashboards/openapi.json` and rebuild the dashboards:\n{}",
        drift.len(),
        drift
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    server.terminate();
}

/// The JSON pointers where `a` and `b` differ.
fn differences(at: &str, a: &serde_json::Value, b: &serde_json::Value, out: &mut Vec<String>) {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let here = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => differences(&here, p, q, out),
                    (Some(_), None) => out.push(format!("{here}: only in the committed copy")),
                    (None, _) => out.push(format!("{here}: only in the served document")),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                differences(&format!("{at}/{i}"), p, q, out);
            }
        }
        _ if a == b => {}
        _ => out.push(format!("{at}: committed {a}, served {b}")),
    }
}

#[test]
fn the_drift_reader_names_what_differs() {
    let a = serde_json::json!({"paths": {"/x": {"get": 1}}, "tags": [1, 2]});
    let b = serde_json::json!({"paths": {"/x": {"get": 2}, "/y": {}}, "tags": [1, 2]});
    let mut out = Vec::new();
    differences("", &a, &b, &mut out);
    assert_eq!(
        out,
        vec![
            "/paths/~1x/get: committed 1, served 2".to_string(),
            "/paths/~1y: only in the served document".to_string(),
        ]
    );
}
