//! Properties of the model that must hold for every patent.

// A failed unwrap in a test is a failed test: the workspace ban on unwrap is for library code.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{Duration, NaiveDate};
use common::{d, polars_values};
use proptest::prelude::*;
use zhirong_engine::valuation::{
    LegalStatus, PatentInput, PatentType, ValuationParams, value_patent,
};

fn as_of() -> NaiveDate {
    d(2025, 3, 15)
}

fn patent() -> impl Strategy<Value = PatentInput> {
    let types = prop_oneof![
        Just(PatentType::Invention),
        Just(PatentType::UtilityModel),
        Just(PatentType::Design)
    ];
    let status = prop::sample::select(LegalStatus::ALL.to_vec());
    let ipc = prop::option::of(prop::sample::select(vec![
        "A01B 1/00",
        "B62D 35/02",
        "C07C 249/00",
        "D01F 1/00",
        "E04C 2/38",
        "F16L 39/00",
        "G06F 17/00",
        "H04L 9/32",
        "Y02E 10/00",
    ]));
    (
        (types, 0i64..9_000, status, ipc),
        (0i64..60, 0i64..400, 0i64..80, 1i64..40, 0i64..12),
        (0i64..5, 0i64..5, 0i64..4, 0i64..3),
        (
            prop::option::of(-400i64..800),
            prop::option::of(prop_oneof![Just(0i64), 1i64..100_000_000_000]),
            prop::option::of(0.0001f64..0.9999),
        ),
    )
        .prop_map(
            |((t, age, s, ipc), (c, f, b, fam, inv), (tr, li, lit, ir), (fee, rev, roy))| {
                PatentInput {
                    patent_id: "P".to_owned(),
                    patent_type: t,
                    filing_date: as_of() - Duration::days(age),
                    grant_date: None,
                    legal_status: s,
                    ipc_main: ipc.map(str::to_owned),
                    claims: c,
                    forward_citations: f,
                    backward_citations: b,
                    family_size: fam,
                    inventors: inv,
                    transfers: tr,
                    licenses: li,
                    litigations: lit,
                    invalidation_requests: ir,
                    fee_paid_until: fee.map(|k| as_of() + Duration::days(k)),
                    revenue_fen: rev,
                    royalty_rate: roy,
                }
            },
        )
}

fn pvd(p: &PatentInput) -> f64 {
    value_patent(p, as_of(), &ValuationParams::default()).pvd
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn more_forward_citations_never_lower_pvd(p in patent(), extra in 0i64..500) {
        let mut q = p.clone();
        q.forward_citations += extra;
        prop_assert!(pvd(&q) >= pvd(&p));
    }

    #[test]
    fn more_claims_never_lower_pvd(p in patent(), extra in 0i64..500) {
        let mut q = p.clone();
        q.claims += extra;
        prop_assert!(pvd(&q) >= pvd(&p));
    }

    #[test]
    fn a_larger_family_never_lowers_pvd(p in patent(), extra in 0i64..100) {
        let mut q = p.clone();
        q.family_size += extra;
        prop_assert!(pvd(&q) >= pvd(&p));
    }

    #[test]
    fn more_remaining_life_never_lowers_the_appraisal(p in patent(), later in 0i64..4000) {
        // A later filing date, all else equal, leaves more of the term.
        let mut q = p.clone();
        q.filing_date = (p.filing_date + Duration::days(later)).min(as_of());
        let params = ValuationParams::default();
        let (a, b) = (value_patent(&p, as_of(), &params), value_patent(&q, as_of(), &params));
        prop_assert!(b.remaining_years >= a.remaining_years);
        prop_assert!(b.appraised_fen >= a.appraised_fen, "{} < {}", b.appraised_fen, a.appraised_fen);
    }

    #[test]
    fn collateral_never_exceeds_appraised_times_pledge_rate(p in patent()) {
        let v = value_patent(&p, as_of(), &ValuationParams::default());
        // Up to the rounding of the product to a whole fen.
        let cap = (v.appraised_fen as f64 * v.pledge_rate).round() as i64;
        prop_assert!(v.collateral_fen <= cap);
        prop_assert!(v.collateral_fen >= 0);
        prop_assert!(v.eligible || v.collateral_fen == 0);
    }

    #[test]
    fn explanation_contributions_add_up_to_pvd_exactly(p in patent()) {
        let e = zhirong_engine::valuation::explain_patent(&p, as_of(), &ValuationParams::default());
        let sum = e.indicators.iter().fold(0.0, |acc, i| acc + i.pvd_points);
        prop_assert_eq!(sum, e.pvd);
        let stream = e.income.stream.iter().fold(0.0, |acc, y| acc + y.present_value);
        prop_assert_eq!(stream, e.income.appraised);
        prop_assert_eq!(e.income.stream.len() as u32, if e.income.revenue_fen.unwrap_or(0) > 0 { e.income.years } else { 0 });
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn polars_equals_scalar_on_random_batches(patents in prop::collection::vec(patent(), 1..120)) {
        let patents: Vec<PatentInput> = patents
            .into_iter()
            .enumerate()
            .map(|(k, mut p)| { p.patent_id = format!("P{k}"); p })
            .collect();
        let params = ValuationParams::default();
        let got = polars_values(&patents, as_of(), &params);
        for (p, v) in patents.iter().zip(&got) {
            prop_assert_eq!(v, &value_patent(p, as_of(), &params));
        }
    }
}
