//! Upload bombs (#21, item 2): a small file that decodes to something huge must be refused
//! from its metadata, before it is decoded, and cost the server (every tenant's) nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use polars::prelude::*;
use zhirong_tests::{Backend, DEMO_PASSWORD, Server, TestDb, load_demo};

/// 200 million rows of zeros in one column: dictionary and run-length encoding keep the file
/// under 2 MiB, the upload limit; decoded it is 1.6 GB of integers.
fn parquet_bomb(path: &std::path::Path) -> Vec<u8> {
    let batch = 1_000_000usize;
    let file = std::fs::File::create(path).expect("bomb file");
    let frame = df!("x" => vec![0i64; batch]).expect("batch");
    let mut writer = ParquetWriter::new(file)
        .with_compression(ParquetCompression::Zstd(None))
        .batched(frame.schema())
        .expect("writer");
    for _ in 0..200 {
        writer.write_batch(&frame).expect("batch written");
    }
    writer.finish().expect("finished");
    std::fs::read(path).expect("bomb bytes")
}

/// A bank uploads a 200-million-row Parquet file of zeros as scorecard training data: a 4xx
/// naming the file within 5 s, and the server stays under 512 MiB.
#[test]
fn a_parquet_decompression_bomb_is_refused_from_its_metadata() {
    let dir = tempfile::tempdir().expect("dir");
    let bomb = parquet_bomb(&dir.path().join("bomb.parquet"));
    assert!(
        bomb.len() < 2 * 1024 * 1024,
        "the bomb fits the upload limit: {} bytes",
        bomb.len()
    );
    let db = TestDb::new(Backend::Sqlite);
    load_demo(&db);
    let mut server = Server::start(&db.url);
    let (officer, _) = server.client().login("demo-officer", DEMO_PASSWORD);
    let started = Instant::now();
    let res = officer.upload(
        "/api/bank/scorecards?name=bomb&target=x",
        "training.parquet",
        &bomb,
    );
    let took = started.elapsed();
    let peak = server.peak_rss_bytes();
    eprintln!(
        "bomb of {} bytes: {} in {took:?}, server peak RSS {} MiB",
        bomb.len(),
        res.status,
        peak / 1024 / 1024
    );
    assert!(
        (400..500).contains(&res.status),
        "{}: {}",
        res.status,
        res.body
    );
    assert_eq!(res.json()["error"]["field"], "file", "{}", res.body);
    assert!(took < Duration::from_secs(5), "answered in {took:?}");
    assert!(
        peak < 512 * 1024 * 1024,
        "the server's peak memory: {} MiB",
        peak / 1024 / 1024
    );
    assert!(server.is_running(), "the server is still up");
}
