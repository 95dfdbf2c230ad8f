//! Leaks and gaps (#21 item 6), each test named after what the attacker (or an unlucky caller)
//! tried, against the real binary over HTTP: an admin pointing a feed at the cloud's metadata
//! address, at loopback or at a private network, or sending its token over plain http; a
//! provider answering a body of 50 MiB; amounts near `i64::MAX` that would wrap a sum; many
//! simulations at once; and the feed, alert and days-past-due changes nobody audited.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::sync::Barrier;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use serde_json::json;
use zhirong_api::db::schema::audit_log;
use zhirong_tests::{
    Backend, DEMO_PASSWORD, HttpResponse, Server, TestDb, load_demo, on_both_backends, zhirong,
};

fn field(res: &HttpResponse) -> String {
    res.json()["error"]["field"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

fn china_today() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// The admin configures feeds at the cloud's metadata address, at loopback (by number and by
/// name), at private and link-local networks, and with a bearer token over plain http: each is
/// refused with a 400 naming `base_url`, nothing is stored. A public https address with a token
/// is fine; with `ZHIRONG_FEEDS_ALLOW_PRIVATE=true` (a test bench) loopback is allowed.
fn an_admin_points_a_feed_at_the_metadata_address_loopback_or_plain_http_with_a_token(
    backend: Backend,
) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let (admin, _) = server.client().login("demo-admin", DEMO_PASSWORD);
    let add = |name: &str, url: &str, token: Option<&str>| {
        admin.post(
            "/api/admin/feeds",
            &json!({"name": name, "kind": "patent", "base_url": url, "token": token,
                    "interval_secs": 3600}),
        )
    };
    let port = server.addr.port();
    let refused = [
        ("metadata", "http://169.254.169.254/".to_string(), None),
        ("metadata-v6", "http://[fd00:ec2::254]/".to_string(), None),
        ("loopback", format!("http://127.0.0.1:{port}"), None),
        ("loopback-name", format!("http://localhost:{port}/"), None),
        ("loopback-v6", format!("http://[::1]:{port}/"), None),
        (
            "loopback-mapped",
            "http://[::ffff:127.0.0.1]/".to_string(),
            None,
        ),
        ("private-10", "http://10.1.2.3/".to_string(), None),
        ("private-192", "https://192.168.0.1/".to_string(), None),
        ("private-172", "https://172.16.5.4:8443/".to_string(), None),
        ("link-local-v6", "http://[fe80::1]/".to_string(), None),
        ("unspecified", "http://0.0.0.0:9400/".to_string(), None),
        ("multicast", "http://224.0.0.1/".to_string(), None),
        ("decimal-loopback", "http://2130706433/".to_string(), None),
        (
            "token-over-http",
            "http://203.0.113.7/".to_string(),
            Some("provider-token"),
        ),
    ];
    for (name, url, token) in &refused {
        let res = add(name, url, *token);
        assert_eq!(
            (res.status, field(&res).as_str()),
            (400, "base_url"),
            "{name} {url}: {}",
            res.body
        );
    }
    let listed = admin.get("/api/admin/feeds").json();
    assert_eq!(listed.as_array().unwrap().len(), 0, "{listed}");
    let ok = add("public", "https://203.0.113.7/", Some("provider-token"));
    assert_eq!(ok.status, 201, "{}", ok.body);
    drop(server);

    let bench = Server::start_with_env(&db.url, &[("ZHIRONG_FEEDS_ALLOW_PRIVATE", "true")]);
    let (admin, _) = bench.client().login("demo-admin", DEMO_PASSWORD);
    let res = admin.post(
        "/api/admin/feeds",
        &json!({"name": "bench", "kind": "patent", "base_url": format!("http://127.0.0.1:{port}"),
                "interval_secs": 3600}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
}

/// A provider (configured on a test bench) answers a page of 50 MiB: the poll refuses it as too
/// large after reading at most the cap, instead of holding the whole body in memory.
#[test]
fn a_provider_answers_a_50_mib_body() {
    let db = TestDb::new(Backend::Sqlite);
    load_demo(&db);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let sent = Arc::new(AtomicU64::new(0));
    let counter = sent.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { break };
            let mut buf = [0u8; 4096];
            let _ = conn.read(&mut buf);
            let size: u64 = 50 << 20;
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {size}\r\n\r\n{{\"records\":[\""
            );
            if conn.write_all(head.as_bytes()).is_err() {
                continue;
            }
            let chunk = vec![b'x'; 64 << 10];
            let mut written = head.len() as u64;
            while written < size {
                if conn.write_all(&chunk).is_err() {
                    break;
                }
                written += chunk.len() as u64;
                counter.fetch_max(written, Ordering::SeqCst);
            }
        }
    });
    let bench = Server::start_with_env(&db.url, &[("ZHIRONG_FEEDS_ALLOW_PRIVATE", "true")]);
    let (admin, _) = bench.client().login("demo-admin", DEMO_PASSWORD);
    let res = admin.post(
        "/api/admin/feeds",
        &json!({"name": "bomb", "kind": "enterprise", "base_url": format!("http://{addr}"),
                "interval_secs": 86400}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    drop(bench);
    let started = Instant::now();
    let out = zhirong(&db.url)
        .env("ZHIRONG_FEEDS_ALLOW_PRIVATE", "true")
        .args(["feed", "poll", "--provider", "bomb"])
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("too large"), "{said}");
    std::thread::sleep(Duration::from_millis(300));
    let read = sent.load(Ordering::SeqCst);
    assert!(
        read < 24 << 20,
        "the client read {read} bytes of a 50 MiB body"
    );
    assert!(started.elapsed() < Duration::from_secs(30));
}

/// The officer records a repayment whose interest is near `i64::MAX`, and then another: the sum
/// of what the loan was paid would wrap. Each overflow is a 400 naming `interest_fen`; the loan
/// reads as before.
fn an_officer_records_interest_near_i64_max(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let (officer, _) = server.client().login("demo-officer", DEMO_PASSWORD);
    let loans = officer.get("/api/bank/loans").json();
    let loan = loans
        .as_array()
        .or_else(|| loans["items"].as_array())
        .unwrap()
        .iter()
        .find(|l| l["status"] == "active")
        .unwrap_or_else(|| panic!("an active demo loan: {loans}"))
        .clone();
    let id = loan["loan_id"].as_i64().unwrap();
    let today = china_today().to_string();
    let pay = |principal: i64, interest: i64| {
        officer.post(
            &format!("/api/bank/loans/{id}/repayments"),
            &json!({"paid_on": today, "principal_fen": principal, "interest_fen": interest}),
        )
    };
    let res = pay(100, i64::MAX);
    assert_eq!(
        (res.status, field(&res).as_str()),
        (400, "interest_fen"),
        "{}",
        res.body
    );
    let res = pay(0, 5_000_000_000_000_000_000);
    assert_eq!(res.status, 201, "{}", res.body);
    let res = pay(0, 5_000_000_000_000_000_000);
    assert_eq!(
        (res.status, field(&res).as_str()),
        (400, "interest_fen"),
        "{}",
        res.body
    );
    let after = officer.get("/api/bank/loans");
    assert_eq!(after.status, 200, "{}", after.body);
    assert!(!after.body.contains('-') || !after.body.contains("\"paid_interest_fen\":-"));
}

/// Sixteen pool simulations started at once against a server that runs one at a time: the
/// others are told 429 with a Retry-After, none is queued behind the cap, and the server stays
/// healthy.
#[test]
fn sixteen_simulations_at_once_against_a_cap_of_one() {
    let db = TestDb::new(Backend::Sqlite);
    load_demo(&db);
    let server = Server::start_with_env(&db.url, &[("ZHIRONG_MAX_CONCURRENT_RUNS", "1")]);
    let (officer, _) = server.client().login("demo-gov-officer", DEMO_PASSWORD);
    let pool = officer.get("/api/gov/pools").json()[0]["id"]
        .as_i64()
        .unwrap();
    let barrier = Barrier::new(16);
    let answers: Vec<HttpResponse> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..16)
            .map(|i| {
                let (barrier, officer) = (&barrier, &officer);
                s.spawn(move || {
                    barrier.wait();
                    officer.post(
                        &format!("/api/gov/pools/{pool}/simulations"),
                        &json!({"scenarios": 1_000_000, "seed": i}),
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let accepted = answers.iter().filter(|a| a.status == 202).count();
    let busy: Vec<&HttpResponse> = answers.iter().filter(|a| a.status == 429).collect();
    assert_eq!(
        accepted + busy.len(),
        16,
        "{:?}",
        answers
            .iter()
            .map(|a| (a.status, &a.body))
            .collect::<Vec<_>>()
    );
    assert!(accepted >= 1 && !busy.is_empty(), "{accepted} accepted");
    for b in &busy {
        let after: i64 = b
            .header("retry-after")
            .expect("Retry-After")
            .parse()
            .unwrap();
        assert!(after >= 1, "{after}");
    }
    assert_eq!(server.get("/readyz").status, 200);
}

/// A feed poll changes a patent and an enterprise's risk, and the monitor moves a loan's days
/// past due and raises alerts: each changed object has an audit row with its before and after
/// (one per object per run), and `zhirong audit verify` passes.
fn a_feed_and_the_monitor_change_things_nobody_audited(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let before: i64 = audit_log::table
        .count()
        .get_result(&mut db.connect())
        .unwrap();
    let provider = zhirong_tests::DemoProvider::start(20);
    let bench = Server::start_with_env(&db.url, &[("ZHIRONG_FEEDS_ALLOW_PRIVATE", "true")]);
    let (admin, _) = bench.client().login("demo-admin", DEMO_PASSWORD);
    let res = admin.post(
        "/api/admin/feeds",
        &json!({"name": "demo-patents", "kind": "patent",
                "base_url": format!("http://{}", provider.addr), "interval_secs": 86400}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    drop(bench);
    let out = zhirong(&db.url)
        .env("ZHIRONG_FEEDS_ALLOW_PRIVATE", "true")
        .args(["feed", "poll", "--provider", "demo-patents"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = zhirong(&db.url).arg("monitor").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<(String, String, Option<String>, Option<String>)> = audit_log::table
        .filter(audit_log::id.gt(before))
        .select((
            audit_log::username,
            audit_log::action,
            audit_log::before_json,
            audit_log::after_json,
        ))
        .load(&mut db.connect())
        .unwrap();
    let of = |prefix: &str| -> Vec<&(String, String, Option<String>, Option<String>)> {
        rows.iter().filter(|r| r.1.starts_with(prefix)).collect()
    };
    let fed = of("feed.patent");
    assert!(!fed.is_empty(), "{rows:?}");
    assert!(
        fed.iter()
            .all(|r| r.0.contains("demo-patents") && r.2.is_some() && r.3.is_some()),
        "{fed:?}"
    );
    let alerts = of("alert.raise");
    assert!(!alerts.is_empty(), "{rows:?}");
    assert!(alerts.iter().all(|r| r.3.is_some()), "{alerts:?}");
    let out = zhirong(&db.url).args(["audit", "verify"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

on_both_backends!(
    an_admin_points_a_feed_at_the_metadata_address_loopback_or_plain_http_with_a_token,
    an_officer_records_interest_near_i64_max,
    a_feed_and_the_monitor_change_things_nobody_audited,
);
