//! Data feeds on both backends, against providers on loopback: a scripted stub (down, slow,
//! malformed, a bad record, the same page twice, a crash before the commit) and the real demo
//! provider (`zhirong feed serve-demo`) feeding a running `zhirong serve` until the bank and the
//! enterprise hear of a lapsed fee.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use serde_json::{Value, json};
use zhirong_api::clock::SystemClock;
use zhirong_api::db::schema::{
    feed_providers, feed_quarantine, feed_records, loans, organisations, patents, pledges,
    risk_events,
};
use zhirong_api::db::{DatabaseUrl, Pool, open_pool};
use zhirong_api::feeds::client::{Circuit, FetchError, Policy};
use zhirong_api::feeds::contract::Page;
use zhirong_api::feeds::{self, NewProvider, ingest::ingest_page};
use zhirong_tests::{
    Backend, Client, DEMO_PASSWORD, DemoProvider, Server, TestDb, load_demo, on_both_backends,
    zhirong,
};

/// What the stub does with the next request.
enum Step {
    Answer(u16, String),
    /// Waits this long before answering (a slow provider).
    Slow(Duration, String),
}

/// A scripted provider on loopback: each request takes the next step (the last one repeats).
struct Stub {
    addr: SocketAddr,
    steps: Arc<Mutex<VecDeque<Step>>>,
    requests: Arc<AtomicUsize>,
}

impl Stub {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let steps: Arc<Mutex<VecDeque<Step>>> = Arc::default();
        let requests = Arc::new(AtomicUsize::new(0));
        let (s, r) = (steps.clone(), requests.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming().take(10_000) {
                let Ok(mut conn) = conn else { continue };
                let (s, r) = (s.clone(), r.clone());
                std::thread::spawn(move || serve(&mut conn, &s, &r));
            }
        });
        Self {
            addr,
            steps,
            requests,
        }
    }

    fn script(&self, steps: Vec<Step>) {
        *self.steps.lock().unwrap() = steps.into();
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

fn serve(conn: &mut TcpStream, steps: &Mutex<VecDeque<Step>>, requests: &AtomicUsize) {
    conn.set_read_timeout(Some(Duration::from_secs(5))).ok();
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut line = String::new();
    // The request head (a GET has no body).
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
    }
    requests.fetch_add(1, Ordering::SeqCst);
    let step = {
        let mut q = steps.lock().unwrap();
        if q.len() > 1 {
            q.pop_front()
        } else {
            q.front().map(|s| match s {
                Step::Answer(c, b) => Step::Answer(*c, b.clone()),
                Step::Slow(d, b) => Step::Slow(*d, b.clone()),
            })
        }
    };
    let (status, body) = match step {
        Some(Step::Answer(c, b)) => (c, b),
        Some(Step::Slow(d, b)) => {
            std::thread::sleep(d);
            (200, b)
        }
        None => (404, String::new()),
    };
    let _ = write!(
        conn,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut rest = Vec::new();
    let _ = conn.read_to_end(&mut rest);
}

fn policy() -> Policy {
    Policy {
        timeout: Duration::from_millis(500),
        attempts: 3,
        backoff: Duration::from_millis(20),
        breaker_threshold: 2,
        breaker_cooloff: Duration::from_millis(400),
        page_size: 100,
        // The stub is on loopback: a test bench.
        allow_private: true,
        ..Policy::default()
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn pool_of(db: &TestDb) -> Pool {
    open_pool(&DatabaseUrl::parse(&db.url).unwrap(), 4).unwrap()
}

fn add_provider(db: &TestDb, name: &str, kind: &str, addr: SocketAddr) -> feeds::ProviderRow {
    let mut conn = db.connect();
    feeds::add(
        &mut conn,
        &zhirong_api::feeds::jobs::scheduler_actor(),
        NewProvider {
            name: name.into(),
            kind: kind.into(),
            base_url: format!("http://{addr}"),
            token: Some("provider-token".into()),
            interval_secs: 60,
            max_per_sec: Some(100),
        },
        true,
        chrono::Utc::now().naive_utc(),
        "test",
    )
    .unwrap();
    feeds::provider_named(&mut conn, name).unwrap()
}

fn today() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// A demo enterprise and one of its patents.
fn an_enterprise_with_a_patent(db: &TestDb) -> (i64, String, i64, String) {
    let mut conn = db.connect();
    let (patent, owner, number): (i64, i64, String) = patents::table
        .filter(patents::legal_status.eq("valid"))
        .order(patents::id)
        .select((patents::id, patents::owner_org_id, patents::patent_number))
        .first(&mut conn)
        .unwrap();
    let uscc: String = organisations::table
        .find(owner)
        .select(organisations::uscc.assume_not_null())
        .first(&mut conn)
        .unwrap();
    (owner, uscc, patent, number)
}

fn page(records: Vec<Value>, next: &str, more: bool) -> String {
    json!({"records": records, "next_cursor": next, "has_more": more}).to_string()
}

/// Where the provider's next poll starts.
fn cursor_of(db: &TestDb, provider: i64) -> Option<String> {
    feed_providers::table
        .find(provider)
        .select(feed_providers::cursor)
        .first(&mut db.connect())
        .unwrap()
}

fn count_records(db: &TestDb, provider: i64) -> i64 {
    feed_records::table
        .filter(feed_records::provider_id.eq(provider))
        .count()
        .get_result(&mut db.connect())
        .unwrap()
}

/// Down (refused with 503 on every retry), then the circuit opens and calls stop; after the
/// cool-off one trial call finds it back and the poll goes through. A slow provider times out;
/// a page that is not JSON is refused without retrying.
fn a_failing_provider_is_retried_then_cut_off_then_recovers(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let pool = pool_of(&db);
    let stub = Stub::start();
    let provider = add_provider(&db, "stub-enterprise", "enterprise", stub.addr);
    let (_, uscc, _, _) = an_enterprise_with_a_patent(&db);
    let mut client = provider.client(policy()).unwrap();
    let rt = runtime();

    stub.script(vec![Step::Answer(503, "{}".into())]);
    let first = rt.block_on(feeds::poll(&pool, &SystemClock, provider.id, &mut client));
    assert!(matches!(
        first.error,
        Some(feeds::PollError::Fetch(FetchError::Status(503)))
    ));
    assert_eq!(stub.requests(), 3, "three attempts");
    let second = rt.block_on(feeds::poll(&pool, &SystemClock, provider.id, &mut client));
    assert!(second.error.is_some());
    assert_eq!(stub.requests(), 6);
    assert!(
        matches!(client.circuit(), Circuit::Open { .. }),
        "open after two failed polls"
    );
    let third = rt.block_on(feeds::poll(&pool, &SystemClock, provider.id, &mut client));
    assert!(matches!(
        third.error,
        Some(feeds::PollError::Fetch(FetchError::CircuitOpen { .. }))
    ));
    assert_eq!(stub.requests(), 6, "no call while the circuit is open");

    // Back up: after the cool-off the trial call succeeds and closes the circuit.
    let record = json!({"id": "e-1", "uscc": uscc, "event_type": "tax_arrears",
                        "occurred_on": today().to_string()});
    stub.script(vec![Step::Answer(200, page(vec![record], "1", false))]);
    std::thread::sleep(Duration::from_millis(450));
    let fourth = rt.block_on(feeds::poll(&pool, &SystemClock, provider.id, &mut client));
    assert!(fourth.error.is_none(), "{:?}", fourth.error);
    assert_eq!(fourth.ingested.applied, 1);
    assert_eq!(*client.circuit(), Circuit::Closed);

    // Slow: the request times out (and is retried, then given up).
    stub.script(vec![Step::Slow(
        Duration::from_millis(900),
        page(vec![], "1", false),
    )]);
    let started = Instant::now();
    let slow = rt.block_on(feeds::poll(&pool, &SystemClock, provider.id, &mut client));
    assert!(
        matches!(
            slow.error,
            Some(feeds::PollError::Fetch(FetchError::Timeout(_)))
        ),
        "{:?}",
        slow.error
    );
    assert!(started.elapsed() < Duration::from_secs(5));

    // Malformed: not retried.
    let mut client = provider.client(policy()).unwrap();
    stub.script(vec![Step::Answer(200, "{\"records\": [".into())]);
    let before = stub.requests();
    let bad = rt.block_on(feeds::poll(&pool, &SystemClock, provider.id, &mut client));
    assert!(matches!(
        bad.error,
        Some(feeds::PollError::Fetch(FetchError::Malformed(_)))
    ));
    assert_eq!(stub.requests(), before + 1);
}

/// A record of an unknown event type is quarantined with its reason and the rest of the page
/// goes in; the same page served again adds nothing; the cursor follows the pages.
fn bad_records_are_quarantined_and_a_page_twice_counts_once(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let pool = pool_of(&db);
    let stub = Stub::start();
    let ent = add_provider(&db, "stub-ent", "enterprise", stub.addr);
    let (enterprise, uscc, patent, number) = an_enterprise_with_a_patent(&db);
    let rt = runtime();
    let records = vec![
        json!({"id": "r-1", "uscc": uscc, "event_type": "lawsuit_defendant", "occurred_on": today().to_string()}),
        json!({"id": "r-2", "uscc": uscc, "event_type": "alien_abduction", "occurred_on": today().to_string()}),
        json!({"id": "r-3", "uscc": uscc, "event_type": "enforcement", "occurred_on": today().to_string(), "amount_fen": 5_000_000}),
        json!({"id": "r-4", "uscc": "91110108", "event_type": "enforcement", "occurred_on": today().to_string()}),
    ];
    let body = page(records, "p1", false);
    stub.script(vec![Step::Answer(200, body.clone())]);
    let mut client = ent.client(policy()).unwrap();
    let first = rt.block_on(feeds::poll(&pool, &SystemClock, ent.id, &mut client));
    assert!(first.error.is_none(), "{:?}", first.error);
    assert_eq!(first.ingested.received, 4);
    assert_eq!(first.ingested.applied, 2);
    assert_eq!(
        first.ingested.quarantined, 2,
        "an unknown type and a bad USCC"
    );
    let mut conn = db.connect();
    let reasons: Vec<(Option<String>, String)> = feed_quarantine::table
        .filter(feed_quarantine::provider_id.eq(ent.id))
        .order(feed_quarantine::id)
        .select((feed_quarantine::record_id, feed_quarantine::reason))
        .load(&mut conn)
        .unwrap();
    assert_eq!(reasons[0].0.as_deref(), Some("r-2"));
    assert!(
        reasons[0].1.contains("event_type \"alien_abduction\""),
        "{reasons:?}"
    );
    let cursor = cursor_of(&db, ent.id);
    assert_eq!(cursor.as_deref(), Some("p1"));
    let events = |conn: &mut zhirong_api::db::DbConnection| -> i64 {
        risk_events::table
            .filter(risk_events::enterprise_id.eq(enterprise))
            .filter(risk_events::source.eq("feed:stub-ent"))
            .count()
            .get_result(conn)
            .unwrap()
    };
    assert_eq!(events(&mut conn), 2);
    // The same page again: nothing new.
    let again = rt.block_on(feeds::poll(&pool, &SystemClock, ent.id, &mut client));
    assert_eq!(again.ingested.duplicates, 2);
    assert_eq!(again.ingested.applied, 0);
    assert_eq!(events(&mut conn), 2);
    assert_eq!(count_records(&db, ent.id), 2);

    // A patent provider: a fee paid only until 30 days ago puts the patent in grace.
    let pat = add_provider(&db, "stub-pat", "patent", stub.addr);
    let until = today() - chrono::Duration::days(30);
    stub.script(vec![Step::Answer(
        200,
        page(
            vec![
                json!({"id": "f-1", "patent_number": format!("ZL{number}"), "event": "fee_paid",
                        "fee_paid_until": until.to_string(), "occurred_on": today().to_string()}),
                json!({"id": "f-2", "patent_number": number, "event": "record",
                       "forward_citations": 77, "family_size": 5, "occurred_on": today().to_string()}),
            ],
            "q1",
            false,
        ),
    )]);
    let mut client = pat.client(policy()).unwrap();
    let fee = rt.block_on(feeds::poll(&pool, &SystemClock, pat.id, &mut client));
    assert_eq!(fee.ingested.applied, 2, "{:?}", fee.error);
    let (cited, family): (i32, i32) = patents::table
        .find(patent)
        .select((patents::forward_citations, patents::family_size))
        .first(&mut conn)
        .unwrap();
    assert_eq!(
        (cited, family),
        (77, 5),
        "the office's record replaces the indicators"
    );
    let (paid, grace): (Option<chrono::NaiveDate>, i64) = (
        patents::table
            .find(patent)
            .select(patents::fee_paid_until)
            .first(&mut conn)
            .unwrap(),
        risk_events::table
            .filter(risk_events::patent_id.eq(patent))
            .filter(risk_events::event_type.eq("fee_grace"))
            .count()
            .get_result(&mut conn)
            .unwrap(),
    );
    assert_eq!(paid, Some(until));
    assert_eq!(grace, 1);
}

/// A crash between fetching a page and committing it: nothing of the page is kept and the
/// cursor stays; the next poll re-reads the page from the saved cursor, and every record is
/// there once.
fn a_crash_before_the_commit_loses_nothing_and_doubles_nothing(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let pool = pool_of(&db);
    let stub = Stub::start();
    let ent = add_provider(&db, "stub-crash", "enterprise", stub.addr);
    let (_, uscc, _, _) = an_enterprise_with_a_patent(&db);
    let rt = runtime();
    let records: Vec<Value> = (0..5)
        .map(|i| {
            json!({"id": format!("c-{i}"), "uscc": uscc, "event_type": "credit_inquiry_surge",
                        "occurred_on": today().to_string()})
        })
        .collect();
    let p1 = page(records[..3].to_vec(), "c2", true);
    let p2 = page(records[3..].to_vec(), "c4", false);
    // The first page is fetched and ingested, then the process "dies" before the commit.
    let fetched: Page = serde_json::from_str(&p1).unwrap();
    let now = chrono::Utc::now().naive_utc();
    let mut conn = db.connect();
    let crashed = ingest_page(
        &mut conn,
        ent.id,
        zhirong_api::feeds::contract::FeedKind::Enterprise,
        "feed:stub-crash",
        &fetched,
        today(),
        now,
        &|| {
            Err(zhirong_api::error::ApiError::Internal(
                "killed before commit".into(),
            ))
        },
    );
    assert!(crashed.is_err());
    assert_eq!(count_records(&db, ent.id), 0, "nothing of the page is kept");
    let cursor = cursor_of(&db, ent.id);
    assert_eq!(cursor, None, "the cursor did not move");
    // The restart: the provider serves from the saved cursor (the start), both pages.
    stub.script(vec![Step::Answer(200, p1), Step::Answer(200, p2)]);
    let mut client = ent.client(policy()).unwrap();
    let out = rt.block_on(feeds::poll(&pool, &SystemClock, ent.id, &mut client));
    assert!(out.error.is_none(), "{:?}", out.error);
    assert_eq!((out.pages, out.ingested.applied), (2, 5));
    assert_eq!(count_records(&db, ent.id), 5);
    let cursor = cursor_of(&db, ent.id);
    assert_eq!(cursor.as_deref(), Some("c4"));

    // The same records from a file (CSV) under another source are checked the same way.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("events.csv");
    std::fs::write(
        &file,
        format!("id,uscc,event_type,occurred_on,amount_fen\nf-1,{uscc},tax_arrears,{},120000\nf-2,{uscc},moon_landing,{},\n", today(), today()),
    )
    .unwrap();
    let out = zhirong(&db.url)
        .args([
            "feed",
            "load",
            file.to_str().unwrap(),
            "--kind",
            "enterprise",
            "--source",
            "bank-file",
        ])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("2 records, 1 applied, 0 duplicates, 1 quarantined"),
        "{said}"
    );
    // The same source for the other kind of record is refused (exit 2), naming both kinds.
    let out = zhirong(&db.url)
        .args([
            "feed",
            "load",
            file.to_str().unwrap(),
            "--kind",
            "patent",
            "--source",
            "bank-file",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("holds enterprise records, not patent"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The demo provider feeds a running server: its first record (a pledged patent's fee paid only
/// until 40 days ago) becomes a bank alert and an enterprise fee reminder within one polling
/// interval; the run is in the jobs and the metrics.
fn the_demo_provider_raises_a_fee_alert_within_one_interval(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let provider = DemoProvider::start(50);
    let (addr, number) = (provider.addr, provider.first_pledged.clone());
    let server = Server::start_with_env(&db.url, &[("ZHIRONG_FEEDS_ALLOW_PRIVATE", "true")]);
    let login = |u: &str| -> Client { server.client().login(u, DEMO_PASSWORD).0 };
    let admin = login("demo-admin");

    let mut conn = db.connect();
    let (patent, owner, bank): (i64, i64, i64) = patents::table
        .inner_join(pledges::table.on(pledges::patent_id.eq(patents::id)))
        .inner_join(loans::table.on(loans::id.nullable().eq(pledges::loan_id)))
        .filter(patents::patent_number.eq(&number))
        .filter(pledges::status.eq("registered"))
        .select((patents::id, patents::owner_org_id, loans::bank_id))
        .first(&mut conn)
        .unwrap_or_else(|e| panic!("pledged patent {number}: {e}"));
    // In an organisation with a manager (the demo bank, the demo enterprise) the operator's new
    // user is a proposal that manager approves; elsewhere it is the organisation's bootstrap.
    let user = |name: &str, role: &str, org: i64, approver: &str, scope: &str| -> Client {
        let res = admin.post(
            "/api/admin/users",
            &json!({"username": name, "role": role, "org_id": org, "password": "feed passphrase 2026"}),
        );
        assert!(res.status == 201 || res.status == 202, "{}", res.body);
        if res.status == 202 {
            let id = res.json()["id"].as_i64().unwrap();
            let ok =
                login(approver).post(&format!("/api/{scope}/proposals/{id}/approve"), &json!({}));
            assert_eq!(ok.status, 200, "{}", ok.body);
        }
        server.client().login(name, "feed passphrase 2026").0
    };
    let officer = user(
        "feed-bank-officer",
        "bank_officer",
        bank,
        "demo-manager",
        "bank",
    );
    let owner_user = user(
        "feed-enterprise",
        "enterprise_user",
        owner,
        "demo-enterprise",
        "enterprise",
    );

    let interval = 2;
    let res = admin.post(
        "/api/admin/feeds",
        &json!({"name": "demo-patents", "kind": "patent", "base_url": format!("http://{addr}"),
                "interval_secs": interval}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    assert_eq!(res.json()["has_token"], false);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(30);
    let alert = loop {
        let alerts = officer.get("/api/bank/alerts?kind=fee_grace").json();
        if let Some(a) = alerts
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["patent_id"] == patent)
        {
            break a.clone();
        }
        assert!(
            Instant::now() < deadline,
            "no fee_grace alert for patent {patent}"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    let took = started.elapsed();
    println!("fee alert after {took:?} (polling every {interval} s)");
    assert!(took < Duration::from_secs(interval + 10), "{took:?}");
    assert_eq!(alert["kind"], "fee_grace");
    let mine = owner_user.get("/api/enterprise/alerts").json();
    assert!(
        mine["fee_reminders"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["patent_id"] == patent && r["stage"] == "grace"),
        "{mine}"
    );
    let jobs = admin.get("/api/admin/jobs").json();
    let job = jobs
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["job"] == "feed:demo-patents")
        .expect("the poll is recorded")
        .clone();
    assert!(job["records_total"].as_i64().unwrap() >= 50, "{job}");
    let metrics = server.get("/metrics");
    assert_eq!(metrics.status, 200);
    assert!(
        metrics
            .body
            .contains("zhirong_job_runs_total{job=\"feed:demo-patents\"}"),
        "{}",
        metrics.body
    );
    drop(provider);
}

/// Killed for real (SIGKILL) while a poll waits for its second page: the first page, committed,
/// is there with its cursor; the poll run again goes on from that cursor, and nothing is doubled.
/// `zhirong monitor` runs the daily job once and records it.
fn a_killed_poll_goes_on_from_its_cursor(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let stub = Stub::start();
    let ent = add_provider(&db, "stub-kill", "enterprise", stub.addr);
    let (_, uscc, _, _) = an_enterprise_with_a_patent(&db);
    let records: Vec<Value> = (0..6)
        .map(|i| {
            json!({"id": format!("k-{i}"), "uscc": uscc, "event_type": "tax_arrears",
                        "occurred_on": today().to_string()})
        })
        .collect();
    let p1 = page(records[..3].to_vec(), "k2", true);
    let p2 = page(records[3..].to_vec(), "k5", false);
    stub.script(vec![
        Step::Answer(200, p1),
        Step::Slow(Duration::from_secs(8), p2.clone()),
        Step::Answer(200, p2),
    ]);
    let mut child = zhirong(&db.url)
        .env("ZHIRONG_FEEDS_ALLOW_PRIVATE", "true")
        .args(["feed", "poll", "--provider", "stub-kill"])
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while stub.requests() < 2 {
        assert!(Instant::now() < deadline, "the poll never asked for page 2");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(
        count_records(&db, ent.id),
        3,
        "the first page was committed"
    );
    let cursor = cursor_of(&db, ent.id);
    assert_eq!(cursor.as_deref(), Some("k2"));
    let out = zhirong(&db.url)
        .env("ZHIRONG_FEEDS_ALLOW_PRIVATE", "true")
        .args(["feed", "poll", "--provider", "stub-kill"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("1 pages, 3 records, 3 applied, 0 duplicates"),
        "{said}"
    );
    assert_eq!(count_records(&db, ent.id), 6);

    let out = zhirong(&db.url).arg("monitor").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let runs: i64 = zhirong_api::db::schema::job_runs::table
        .filter(zhirong_api::db::schema::job_runs::job.eq("monitor"))
        .count()
        .get_result(&mut db.connect())
        .unwrap();
    assert_eq!(runs, 1);
}

on_both_backends!(
    a_killed_poll_goes_on_from_its_cursor,
    a_failing_provider_is_retried_then_cut_off_then_recovers,
    bad_records_are_quarantined_and_a_page_twice_counts_once,
    a_crash_before_the_commit_loses_nothing_and_doubles_nothing,
    the_demo_provider_raises_a_fee_alert_within_one_interval
);
