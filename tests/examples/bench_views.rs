//! Benchmark of the two answers a user waits for (not a timed test): an enterprise valuing a
//! portfolio of 1,000 patents (`POST /api/enterprise/valuations`, each result stored with its
//! waterfall) and a loan officer opening the collateral evaluation report of a 50-patent
//! package (`GET /api/bank/applications/{id}/evaluation`, JSON and the printable HTML).
//!
//! Real HTTP on loopback against the `zhirong` binary named by `ZHIRONG_BIN` (build it with
//! `--release` for the figures in the README), on SQLite, and on PostgreSQL too when
//! `ZHIRONG_TEST_PG` names a server:
//!
//! ```text
//! cargo build --release -p zhirong-api --bin zhirong
//! ZHIRONG_BIN=$CARGO_TARGET_DIR/release/zhirong cargo run -p zhirong-tests --example bench_views
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use serde_json::json;
use zhirong_api::domain::PatentNumber;
use zhirong_engine::valuation::PatentType;
use zhirong_tests::{Backend, Client, DEMO_PASSWORD, Server, TestDb, load_demo};

const HEADER: &str = "patent_number,patent_type,title,filing_date,grant_date,legal_status,ipc_main,claims,forward_citations,backward_citations,family_size,inventors,transfers,licenses,litigations,invalidation_requests,fee_paid_until,revenue_fen,royalty_rate,co_owners,co_owner_consent";
const IPC: [&str; 8] = [
    "A61K 31/00",
    "B01D 53/00",
    "C07D 401/00",
    "E04B 1/00",
    "F16H 57/00",
    "G06F 16/00",
    "H04L 9/32",
    "H01M 10/00",
];

/// `n` varied, granted inventions with their fee paid, as the import CSV.
fn portfolio_csv(first_serial: u32, n: u32, fee_paid_until: chrono::NaiveDate) -> String {
    let mut csv = format!("{HEADER}\n");
    for i in 0..n {
        let number = PatentNumber::new_style(
            2018 + (i % 5) as u16,
            PatentType::Invention,
            first_serial + i,
        );
        csv.push_str(&format!(
            "{number},invention,基准测试专利{i},{}-03-01,{}-06-15,valid,{},{},{},{},{},{},{},{},0,0,{fee_paid_until},{},,0,false\n",
            2018 + i % 5,
            2020 + i % 5 + i % 2,
            IPC[(i % 8) as usize],
            5 + i % 20,
            i % 15,
            3 + i % 30,
            1 + i % 4,
            1 + i % 6,
            i % 3,
            i % 2,
            100_000_000 + u64::from(i % 50) * 20_000_000,
        ));
    }
    csv
}

fn import(me: &Client, csv: &str) -> Vec<i64> {
    let res = me.upload(
        "/api/enterprise/patents/import",
        "bench.csv",
        csv.as_bytes(),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()["imported"]
        .as_array()
        .map(|ids| ids.iter().map(|v| v.as_i64().unwrap()).collect())
        .unwrap_or_default()
}

fn timed(runs: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    (times[0], times[times.len() / 2])
}

fn bench(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let server = Server::start(&db.url);
    let (me, _) = server.client().login("demo-enterprise", DEMO_PASSWORD);
    let (officer, _) = server.client().login("demo-officer", DEMO_PASSWORD);
    let bank = officer.get("/api/bank/organisation").json()["id"]
        .as_i64()
        .unwrap();
    let fee = (chrono::Utc::now() + chrono::Duration::days(400)).date_naive();

    let ids = import(&me, &portfolio_csv(9_500_000, 1_000, fee));
    assert_eq!(ids.len(), 1_000, "import answered with the ids");
    let (best, median) = timed(5, || {
        let res = me.post("/api/enterprise/valuations", &json!({"patent_ids": ids}));
        assert_eq!(res.status, 200, "{}", res.body);
    });
    println!(
        "{backend:?}: value 1,000 patents (stored, with waterfalls): best {:.0} ms, median {:.0} ms",
        best.as_secs_f64() * 1e3,
        median.as_secs_f64() * 1e3
    );

    let package: Vec<i64> = ids[..50].to_vec();
    let res = me.post(
        "/api/enterprise/applications",
        &json!({"bank_id": bank, "amount_fen": 100_000, "term_months": 12, "purpose": "基准测试", "patent_ids": package}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let app = res.json()["id"].as_i64().unwrap();
    let res = me.post(
        &format!("/api/enterprise/applications/{app}/submit"),
        &json!({}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    for (label, path) in [
        ("JSON", format!("/api/bank/applications/{app}/evaluation")),
        (
            "HTML",
            format!("/api/bank/applications/{app}/evaluation?format=html"),
        ),
    ] {
        let (best, median) = timed(20, || {
            let res = officer.get(&path);
            assert_eq!(res.status, 200, "{}", res.body);
        });
        println!(
            "{backend:?}: evaluation report of a 50-patent package ({label}): best {:.1} ms, median {:.1} ms",
            best.as_secs_f64() * 1e3,
            median.as_secs_f64() * 1e3
        );
    }
}

fn main() {
    bench(Backend::Sqlite);
    if std::env::var("ZHIRONG_TEST_PG").is_ok() {
        bench(Backend::Postgres);
    }
}
