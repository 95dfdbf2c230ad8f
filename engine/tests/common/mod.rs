//! Shared test helpers: a base patent, and running one patent through both implementations.
#![allow(dead_code)]

use chrono::NaiveDate;
use polars::prelude::*;
use zhirong_engine::valuation::input::frame_from_patents;
use zhirong_engine::valuation::{
    LegalStatus, PatentInput, PatentType, Valuation, ValuationParams, value_lazy, value_patent,
};

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Every saturation of this patent is 0.5: each count sits at its reference median.
pub fn base_patent() -> PatentInput {
    PatentInput {
        patent_id: "CN202010000001".to_owned(),
        patent_type: PatentType::Invention,
        filing_date: d(2020, 3, 15),
        grant_date: Some(d(2022, 6, 1)),
        legal_status: LegalStatus::Valid,
        ipc_main: Some("H04L 9/32".to_owned()),
        claims: 10,
        forward_citations: 5,
        backward_citations: 10,
        family_size: 2,
        inventors: 3,
        transfers: 1,
        licenses: 0,
        litigations: 1,
        invalidation_requests: 0,
        fee_paid_until: Some(d(2026, 3, 14)),
        revenue_fen: Some(100_000_000),
        royalty_rate: None,
    }
}

pub const AS_OF: (i32, u32, u32) = (2025, 3, 15);

pub fn as_of() -> NaiveDate {
    d(AS_OF.0, AS_OF.1, AS_OF.2)
}

/// Values patents with the Polars model and reads the rows back as structs.
pub fn polars_values(
    patents: &[PatentInput],
    as_of: NaiveDate,
    params: &ValuationParams,
) -> Vec<Valuation> {
    let frame = frame_from_patents(patents).unwrap();
    let out = value_lazy(frame.lazy(), as_of, params).collect().unwrap();
    frame_to_valuations(&out)
}

pub fn frame_to_valuations(out: &DataFrame) -> Vec<Valuation> {
    let s = |c: &str| -> Vec<String> {
        out.column(c)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap().to_owned())
            .collect()
    };
    let f = |c: &str| -> Vec<f64> {
        out.column(c)
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .map(|v| v.unwrap())
            .collect()
    };
    let i = |c: &str| -> Vec<i64> {
        out.column(c)
            .unwrap()
            .i64()
            .unwrap()
            .iter()
            .map(|v| v.unwrap())
            .collect()
    };
    let ids = s("patent_id");
    let term: Vec<i32> = out
        .column("term_years")
        .unwrap()
        .i32()
        .unwrap()
        .iter()
        .map(|v| v.unwrap())
        .collect();
    let eligible: Vec<bool> = out
        .column("eligible")
        .unwrap()
        .bool()
        .unwrap()
        .iter()
        .map(|v| v.unwrap())
        .collect();
    let (ry, lvd, tvd, evd, pvd) = (f("remaining_years"), f("lvd"), f("tvd"), f("evd"), f("pvd"));
    let (rr, el, dr) = (f("royalty_rate"), f("economic_life"), f("discount_rate"));
    let (lf, ff, pr) = (f("legal_factor"), f("fee_factor"), f("pledge_rate"));
    let (afen, cfen) = (i("appraised_fen"), i("collateral_fen"));
    let (flags, mv) = (s("flags"), s("model_version"));
    (0..out.height())
        .map(|k| Valuation {
            patent_id: ids[k].clone(),
            term_years: term[k],
            remaining_years: ry[k],
            lvd: lvd[k],
            tvd: tvd[k],
            evd: evd[k],
            pvd: pvd[k],
            royalty_rate: rr[k],
            economic_life: el[k],
            discount_rate: dr[k],
            appraised_fen: afen[k],
            legal_factor: lf[k],
            fee_factor: ff[k],
            pledge_rate: pr[k],
            eligible: eligible[k],
            collateral_fen: cfen[k],
            flags: flags[k].clone(),
            model_version: mv[k].clone(),
        })
        .collect()
}

/// Values one patent both ways, asserts the two agree exactly, and returns the result.
pub fn value_both(p: &PatentInput, as_of: NaiveDate) -> Valuation {
    let params = ValuationParams::default();
    let scalar = value_patent(p, as_of, &params);
    let vectorised = polars_values(std::slice::from_ref(p), as_of, &params);
    assert_eq!(vectorised.len(), 1);
    assert_eq!(
        vectorised[0], scalar,
        "Polars and scalar differ for {}",
        p.patent_id
    );
    scalar
}

pub fn close(actual: f64, expected: f64, what: &str) {
    let tol = 1e-9 * expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tol,
        "{what}: got {actual:?}, expected {expected:?}"
    );
}
