//! Benchmark of feed ingest (not a timed test): records per second from the demo provider
//! (`zhirong feed serve-demo`, real HTTP on loopback) into the database, checked, de-duplicated
//! and applied page by page (500 a page, each page one transaction with its cursor), on SQLite
//! and, when `ZHIRONG_TEST_PG` names a server, on PostgreSQL. The demo data is loaded first, so
//! the records land on real patents and enterprises. Then the same stream again: every record a
//! duplicate.
//!
//! ```text
//! ZHIRONG_BIN=$CARGO_TARGET_DIR/debug/zhirong cargo run -p zhirong-tests --example bench_feeds [N]
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use zhirong_api::clock::SystemClock;
use zhirong_api::db::{DatabaseUrl, open_pool};
use zhirong_api::feeds::{self, NewProvider, client::Policy};
use zhirong_tests::{Backend, DemoProvider, TestDb, load_demo};

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000);
    let provider = DemoProvider::start(n);
    let addr = provider.addr;
    let mut backends = vec![Backend::Sqlite];
    if std::env::var_os("ZHIRONG_TEST_PG").is_some() {
        backends.push(Backend::Postgres);
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    println!("{n} records per stream, pages of 500, demo provider on {addr}");
    for backend in backends {
        let db = TestDb::new(backend);
        load_demo(&db);
        let pool = open_pool(&DatabaseUrl::parse(&db.url).unwrap(), 4).unwrap();
        for kind in ["patent", "enterprise"] {
            let mut conn = db.connect();
            feeds::add(
                &mut conn,
                &feeds::jobs::scheduler_actor(),
                NewProvider {
                    name: format!("bench-{kind}"),
                    kind: kind.into(),
                    base_url: format!("http://{addr}"),
                    token: None,
                    interval_secs: 3600,
                    max_per_sec: Some(100),
                },
                true,
                chrono::Utc::now().naive_utc(),
                "bench",
            )
            .unwrap();
            let row = feeds::provider_named(&mut conn, &format!("bench-{kind}")).unwrap();
            let mut client = row
                .client(Policy {
                    allow_private: true,
                    ..Policy::default()
                })
                .unwrap();
            let t = Instant::now();
            let out = rt.block_on(feeds::poll(&pool, &SystemClock, row.id, &mut client));
            let took = t.elapsed();
            assert!(out.error.is_none(), "{:?}", out.error);
            assert_eq!(out.ingested.received as u64, n);
            // The same stream once more from the start: all duplicates.
            diesel::RunQueryDsl::execute(
                diesel::update(diesel::QueryDsl::find(
                    zhirong_api::db::schema::feed_providers::table,
                    row.id,
                ))
                .set(diesel::ExpressionMethods::eq(
                    zhirong_api::db::schema::feed_providers::cursor,
                    None::<String>,
                )),
                &mut conn,
            )
            .unwrap();
            let t2 = Instant::now();
            let again = rt.block_on(feeds::poll(&pool, &SystemClock, row.id, &mut client));
            let took2 = t2.elapsed();
            assert_eq!(
                again.ingested.duplicates as u64,
                out.ingested.received as u64 - out.ingested.quarantined as u64
            );
            let rate = |d: Duration| n as f64 / d.as_secs_f64();
            println!(
                "{backend:?} {kind:<10}: {:>6.2} s, {:>7.0} records/s ({} applied, {} unknown, {} quarantined); again as duplicates {:>6.2} s, {:>7.0} records/s",
                took.as_secs_f64(),
                rate(took),
                out.ingested.applied,
                out.ingested.unknown,
                out.ingested.quarantined,
                took2.as_secs_f64(),
                rate(took2)
            );
        }
    }
    drop(provider);
}
