//! The engine against an independent implementation of VALUATION.md (fixtures/
//! reference_zr_val_1.py, plain Python written from the document): floats to 1e-9 relative,
//! fen exactly, flags exactly, for 400 random patents read from CSV; and the Polars batch path
//! against the scalar reference, bit for bit, on many synthetic rows.

// A failed unwrap in a test is a failed test: the workspace ban on unwrap is for library code.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::{d, frame_to_valuations};
use polars::prelude::*;
use zhirong_engine::io::{read_table, value_file};
use zhirong_engine::valuation::input::patents_from_frame;
use zhirong_engine::valuation::{
    InvalidRows, ValuationParams, synthetic, validate, value_lazy, value_patent,
};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn close(actual: f64, expected: f64, what: &str) {
    let tol = 1e-9 * expected.abs().max(1e-300);
    assert!(
        (actual - expected).abs() <= tol || actual == expected,
        "{what}: got {actual:?}, expected {expected:?}"
    );
}

#[test]
fn engine_matches_the_independent_reference_on_400_random_patents() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("values.parquet");
    let summary = value_file(
        &fixture("reference_input.csv"),
        &out,
        d(2025, 3, 15),
        &ValuationParams::default(),
        InvalidRows::Reject,
    )
    .unwrap();
    assert_eq!(summary.rows, 400);
    let got = frame_to_valuations(&read_table(&out).unwrap());
    let expected = read_table(&fixture("reference_expected.csv")).unwrap();
    let col = |name: &str| -> Vec<String> {
        expected
            .column(name)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap_or("").to_owned())
            .collect()
    };
    let f = |name: &str| -> Vec<f64> { col(name).iter().map(|v| v.parse().unwrap()).collect() };
    let i = |name: &str| -> Vec<i64> { col(name).iter().map(|v| v.parse().unwrap()).collect() };
    let (ids, flags, eligible) = (col("patent_id"), col("flags"), col("eligible"));
    let term = i("term_years");
    let (ry, lvd, tvd, evd, pvd) = (f("remaining_years"), f("lvd"), f("tvd"), f("evd"), f("pvd"));
    let (rr, el, dr) = (f("royalty_rate"), f("economic_life"), f("discount_rate"));
    let (lf, ff, pr) = (f("legal_factor"), f("fee_factor"), f("pledge_rate"));
    let (afen, cfen) = (i("appraised_fen"), i("collateral_fen"));
    let mut eligible_count = 0;
    for (k, v) in got.iter().enumerate() {
        let id = &ids[k];
        assert_eq!(&v.patent_id, id, "row order");
        assert_eq!(i64::from(v.term_years), term[k], "{id} term");
        close(v.remaining_years, ry[k], &format!("{id} remaining_years"));
        close(v.lvd, lvd[k], &format!("{id} lvd"));
        close(v.tvd, tvd[k], &format!("{id} tvd"));
        close(v.evd, evd[k], &format!("{id} evd"));
        close(v.pvd, pvd[k], &format!("{id} pvd"));
        close(v.royalty_rate, rr[k], &format!("{id} royalty_rate"));
        close(v.economic_life, el[k], &format!("{id} economic_life"));
        close(v.discount_rate, dr[k], &format!("{id} discount_rate"));
        assert_eq!(v.appraised_fen, afen[k], "{id} appraised_fen");
        close(v.legal_factor, lf[k], &format!("{id} legal_factor"));
        close(v.fee_factor, ff[k], &format!("{id} fee_factor"));
        close(v.pledge_rate, pr[k], &format!("{id} pledge_rate"));
        assert_eq!(v.eligible.to_string(), eligible[k], "{id} eligible");
        assert_eq!(v.collateral_fen, cfen[k], "{id} collateral_fen");
        assert_eq!(v.flags, flags[k], "{id} flags");
        eligible_count += usize::from(v.eligible);
    }
    assert_eq!(summary.eligible, eligible_count);
    assert!(
        eligible_count > 30,
        "the fixture exercises the collateral step"
    );
}

#[test]
fn polars_batch_equals_the_scalar_reference_bit_for_bit_on_synthetic_rows() {
    let params = ValuationParams::default();
    for (n, seed, as_of) in [(20_000, 1, d(2025, 7, 1)), (5_000, 99, d(2029, 2, 28))] {
        let frame = synthetic(n, seed).unwrap();
        let checked = validate(&frame, as_of, "synthetic", InvalidRows::Reject).unwrap();
        let patents = patents_from_frame(&checked.frame).unwrap();
        let out = value_lazy(checked.frame.lazy(), as_of, &params)
            .collect()
            .unwrap();
        let got = frame_to_valuations(&out);
        assert_eq!(got.len(), n);
        for (p, v) in patents.iter().zip(&got) {
            assert_eq!(*v, value_patent(p, as_of, &params), "{}", p.patent_id);
        }
    }
}

#[test]
fn polars_batch_equals_the_scalar_reference_with_overridden_parameters() {
    let params = ValuationParams::from_toml_str(
        r#"
        min_remaining_years = 5.5
        [fees]
        grace_months = 13
        [life_caps]
        c = 12.5
        other = 3.25
        [terms]
        design_change_date = "2019-01-01"
        "#,
        "override.toml",
    )
    .unwrap();
    let as_of = d(2025, 12, 31);
    let frame = synthetic(5_000, 7).unwrap();
    let patents = patents_from_frame(&frame).unwrap();
    let got = frame_to_valuations(&value_lazy(frame.lazy(), as_of, &params).collect().unwrap());
    for (p, v) in patents.iter().zip(&got) {
        assert_eq!(*v, value_patent(p, as_of, &params), "{}", p.patent_id);
    }
}
