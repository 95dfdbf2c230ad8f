//! The per-patent waterfall, pledge packages, and the file entry points.

// A failed unwrap in a test is a failed test: the workspace ban on unwrap is for library code.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{as_of, base_patent, d, frame_to_valuations};
use polars::prelude::*;
use zhirong_engine::EngineError;
use zhirong_engine::io::{explain_one, read_table, value_file, write_table};
use zhirong_engine::schema::output;
use zhirong_engine::valuation::explain::FeeState;
use zhirong_engine::valuation::input::frame_from_patents;
use zhirong_engine::valuation::{
    InvalidRows, ValuationParams, explain_patent, pledge_package, synthetic, value_patent,
};

#[test]
fn the_waterfall_of_the_base_patent_reads_step_by_step() {
    let params = ValuationParams::default();
    let e = explain_patent(&base_patent(), as_of(), &params);
    assert_eq!(e.term.expiry, d(2040, 3, 15));
    assert_eq!(e.term.days_to_expiry, 5479);
    let names: Vec<&str> = e.indicators.iter().map(|i| i.indicator).collect();
    assert_eq!(
        names,
        [
            "remaining_life",
            "claims",
            "stability",
            "forward_citations",
            "backward_citations",
            "foreign_family_members",
            "inventors",
            "transfers_and_licenses",
            "revenue_present",
            "litigations"
        ]
    );
    let claims = &e.indicators[1];
    assert_eq!(
        (claims.value, claims.median, claims.score),
        (10.0, Some(10.0), 0.5)
    );
    // 100 × 0.30 × 0.5 = 15 points of LVD, × 0.30 = 4.5 points of PVD
    assert!((claims.degree_points - 15.0).abs() < 1e-12);
    assert!((claims.pvd_points - 4.5).abs() < 1e-12);
    let sum = e.indicators.iter().fold(0.0, |acc, i| acc + i.pvd_points);
    assert_eq!(sum, e.pvd);
    assert_eq!(e.royalty.ipc_section, Some('H'));
    assert_eq!(e.royalty.base_rate, 0.040);
    assert_eq!(e.income.years, 7);
    assert_eq!(e.income.stream.len(), 7);
    assert_eq!(e.income.stream[0].growth_factor, 1.03 * 0.9);
    assert_eq!(e.income.appraised_fen, 12_547_226);
    assert_eq!(e.collateral.fee.state, FeeState::Paid);
    assert_eq!(e.collateral.fee.grace_ends, Some(d(2026, 9, 14)));
    assert_eq!(e.collateral.collateral_fen, 3_136_807);
    assert!(e.collateral.refusals.is_empty());
    assert_eq!(e.params_digest, params.digest());
    assert_eq!(
        e.valuation(),
        value_patent(&base_patent(), as_of(), &params)
    );
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["model_version"], "zr-val-1");
    assert_eq!(json["collateral"]["fee"]["state"], "paid");
}

#[test]
fn the_waterfall_names_why_a_patent_is_refused() {
    let mut p = base_patent();
    p.revenue_fen = None;
    p.fee_paid_until = Some(d(2020, 1, 1));
    let e = explain_patent(&p, as_of(), &ValuationParams::default());
    assert_eq!(e.collateral.refusals, ["fee_factor_zero", "appraised_zero"]);
    assert!(e.income.stream.is_empty());
}

#[test]
fn a_pledge_package_is_capped_at_the_product_limit() {
    let params = ValuationParams::default();
    let mut p = base_patent();
    p.revenue_fen = Some(500_000_000_000);
    let big = value_patent(&p, as_of(), &params);
    let small = value_patent(&base_patent(), as_of(), &params);
    let package = pledge_package([&small, &small], &params);
    assert_eq!(package.credit_line_fen, 2 * 3_136_807);
    assert!(!package.capped);
    let package = pledge_package([&big, &big, &small], &params);
    assert!(big.collateral_fen > 2_500_000_000, "{}", big.collateral_fen);
    assert_eq!(
        package.collateral_fen,
        2 * big.collateral_fen + small.collateral_fen
    );
    assert_eq!(package.credit_line_fen, 5_000_000_000);
    assert!(package.capped);
    assert_eq!(package.eligible, 3);
}

#[test]
fn csv_and_parquet_give_the_same_results_in_input_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut frame = synthetic(500, 11).unwrap();
    let (csv_in, pq_in) = (dir.path().join("in.csv"), dir.path().join("in.parquet"));
    write_table(&mut frame, &csv_in).unwrap();
    write_table(&mut frame, &pq_in).unwrap();
    let (csv_out, pq_out) = (dir.path().join("out.csv"), dir.path().join("out.parquet"));
    let params = ValuationParams::default();
    let a = value_file(
        &csv_in,
        &csv_out,
        d(2025, 7, 1),
        &params,
        InvalidRows::Reject,
    )
    .unwrap();
    let b = value_file(&pq_in, &pq_out, d(2025, 7, 1), &params, InvalidRows::Reject).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.rows, 500);
    assert!(a.eligible > 0 && a.collateral_fen > 0);

    let from_parquet = read_table(&pq_out).unwrap();
    let names: Vec<String> = from_parquet
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(names, output::ALL);
    let dtypes: Vec<DataType> = from_parquet.dtypes();
    assert_eq!(dtypes[2], DataType::Float64);
    assert_eq!(dtypes[10], DataType::Int64);
    assert_eq!(dtypes[14], DataType::Boolean);
    let ids = from_parquet
        .column("patent_id")
        .unwrap()
        .str()
        .unwrap()
        .clone();
    let input_ids = frame.column("patent_id").unwrap().str().unwrap().clone();
    assert!(ids.equal_missing(&input_ids).all());

    // The CSV output holds the same figures.
    let csv_text = std::fs::read_to_string(&csv_out).unwrap();
    assert!(csv_text.starts_with(&output::ALL.join(",")));
    let parquet_rows = frame_to_valuations(&from_parquet);
    // Floats are written in full (round-trip) precision.
    let from_csv = read_table(&csv_out).unwrap();
    for name in [
        "remaining_years",
        "lvd",
        "pvd",
        "royalty_rate",
        "economic_life",
    ] {
        let text = from_csv.column(name).unwrap().str().unwrap().clone();
        let exact = from_parquet.column(name).unwrap().f64().unwrap().clone();
        for (t, x) in text.iter().zip(exact.iter()) {
            assert_eq!(t.unwrap().parse::<f64>().unwrap(), x.unwrap(), "{name}");
        }
    }
    let first = csv_text.lines().nth(1).unwrap();
    assert!(first.starts_with(&format!("{},", parquet_rows[0].patent_id)));
    assert!(first.ends_with(",zr-val-1"));
}

#[test]
fn explain_one_finds_a_patent_in_a_file_and_names_missing_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.parquet");
    let mut second = base_patent();
    second.patent_id = "CN2".to_owned();
    second.claims = 20;
    let mut frame = frame_from_patents(&[base_patent(), second.clone()]).unwrap();
    write_table(&mut frame, &path).unwrap();
    let params = ValuationParams::default();
    let e = explain_one(&path, "CN2", as_of(), &params).unwrap();
    assert_eq!(e, explain_patent(&second, as_of(), &params));
    let err = explain_one(&path, "CN404", as_of(), &params).unwrap_err();
    assert!(matches!(err, EngineError::PatentNotFound { .. }));
    assert_eq!(
        err.to_string(),
        format!("{}: patent CN404 not found", path.display())
    );
}

#[test]
fn explain_one_reports_why_its_row_is_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.csv");
    std::fs::write(
        &path,
        "patent_id,patent_type,filing_date,legal_status,claims,forward_citations,\
backward_citations,family_size,inventors,transfers,licenses,litigations,invalidation_requests\n\
CN1,invention,2020-03-15,valid,10,5,10,2,3,1,0,1,0\n\
CN2,invention,2020-03-15,valid,-1,5,10,2,3,1,0,1,0\n",
    )
    .unwrap();
    let params = ValuationParams::default();
    assert!(explain_one(&path, "CN1", as_of(), &params).is_ok());
    let err = explain_one(&path, "CN2", as_of(), &params).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: patent CN2 cannot be valued: row 2: claims: negative count -1",
            path.display()
        )
    );
}

#[test]
fn the_synthetic_generator_is_deterministic_and_valid() {
    let a = synthetic(2_000, 42).unwrap();
    let b = synthetic(2_000, 42).unwrap();
    let c = synthetic(2_000, 43).unwrap();
    assert!(frames_equal(&a, &b));
    assert!(!frames_equal(&a, &c));
    let checked =
        zhirong_engine::valuation::validate(&a, d(2025, 7, 1), "synthetic", InvalidRows::Reject)
            .unwrap();
    assert_eq!(checked.frame.height(), 2_000);
    assert!(frames_equal(&checked.frame, &a));
}

fn frames_equal(a: &DataFrame, b: &DataFrame) -> bool {
    a.get_column_names() == b.get_column_names()
        && a.columns()
            .iter()
            .zip(b.columns())
            .all(|(x, y)| x.equals_missing(y))
}
