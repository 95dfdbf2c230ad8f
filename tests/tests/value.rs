//! `zhirong value` and `zhirong import uspto-xml` end to end, through the binary.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use zhirong_tests::{run, stderr, stdout, zhirong};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../engine/tests/fixtures")
        .join(name)
}

#[test]
fn value_writes_one_row_per_patent_and_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("values.parquet");
    let res = run(zhirong("sqlite://unused.db")
        .args(["value", "--input"])
        .arg(fixture("reference_input.csv"))
        .args(["--as-of", "2026-11-21", "--output"])
        .arg(&out));
    assert!(res.status.success(), "{}", stderr(&res));
    assert!(stderr(&res).contains("400 rows valued"), "{}", stderr(&res));
    assert!(stderr(&res).contains("zr-val-1"));
    assert!(out.metadata().unwrap().len() > 1000);
}

#[test]
fn value_explains_one_patent_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let res = run(zhirong("sqlite://unused.db")
        .args(["value", "--input"])
        .arg(fixture("reference_input.csv"))
        .args(["--as-of", "2026-11-21", "--explain", "REF00002", "--output"])
        .arg(dir.path().join("v.csv")));
    assert!(res.status.success(), "{}", stderr(&res));
    let json: serde_json::Value = serde_json::from_str(&stdout(&res)).unwrap();
    assert_eq!(json["patent_id"], "REF00002");
    assert_eq!(json["model_version"], "zr-val-1");
}

#[test]
fn bad_valuation_input_exits_2_naming_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bad.csv");
    std::fs::write(
        &input,
        "patent_id,patent_type,filing_date,legal_status,claims,forward_citations,backward_citations,family_size,inventors,transfers,licenses,litigations,invalidation_requests\n\
         P1,invention,2015-03-01,valid,10,1,2,1,3,0,0,0,0\n\
         P2,invention,2015-03-01,valid,-1,1,2,0,3,0,0,0,0\n",
    )
    .unwrap();
    let res = run(zhirong("sqlite://unused.db")
        .args(["value", "--input"])
        .arg(&input)
        .args(["--as-of", "2026-11-21", "--output"])
        .arg(dir.path().join("o.csv")));
    assert_eq!(res.status.code(), Some(2));
    let err = stderr(&res);
    assert!(err.contains("bad.csv"), "{err}");
    assert!(err.contains("row 2, column claims"), "{err}");
    assert!(err.contains("row 2, column family_size"), "{err}");
    assert!(
        !dir.path().join("o.csv").exists(),
        "nothing is written for a rejected batch"
    );
}

#[test]
fn import_uspto_xml_feeds_value() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("us.csv");
    let res = run(zhirong("sqlite://unused.db")
        .args(["import", "uspto-xml"])
        .arg(fixture("us-grants-v40.xml"))
        .arg(fixture("us-grants-v43.xml"))
        .arg("--output")
        .arg(&input));
    assert!(res.status.success(), "{}", stderr(&res));
    let text = std::fs::read_to_string(&input).unwrap();
    assert!(text.lines().count() > 3, "{text}");
    let res = run(zhirong("sqlite://unused.db")
        .args(["value", "--input"])
        .arg(&input)
        .args(["--as-of", "2014-01-01", "--output"])
        .arg(dir.path().join("v.csv")));
    assert!(res.status.success(), "{}", stderr(&res));
}
