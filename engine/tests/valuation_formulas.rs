//! Each formula branch of VALUATION.md on a hand-built patent. Expected numbers are worked out
//! from the document (the comments show how) and were cross-checked with an independent
//! implementation; every case also asserts that the Polars batch path equals the scalar one.

// A failed unwrap in a test is a failed test: the workspace ban on unwrap is for library code.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{as_of, base_patent, close, d, value_both};
use zhirong_engine::valuation::{LegalStatus, PatentType, Valuation};

struct Expect {
    term: i32,
    remaining: f64,
    lvd: f64,
    tvd: f64,
    evd: f64,
    pvd: f64,
    royalty: f64,
    economic_life: f64,
    discount: f64,
    appraised_fen: i64,
    legal: f64,
    fee: f64,
    pledge: f64,
    eligible: bool,
    collateral_fen: i64,
    flags: &'static str,
}

fn assert_expect(v: &Valuation, e: &Expect) {
    assert_eq!(v.term_years, e.term, "term_years");
    close(v.remaining_years, e.remaining, "remaining_years");
    close(v.lvd, e.lvd, "lvd");
    close(v.tvd, e.tvd, "tvd");
    close(v.evd, e.evd, "evd");
    close(v.pvd, e.pvd, "pvd");
    close(v.royalty_rate, e.royalty, "royalty_rate");
    close(v.economic_life, e.economic_life, "economic_life");
    close(v.discount_rate, e.discount, "discount_rate");
    assert_eq!(v.appraised_fen, e.appraised_fen, "appraised_fen");
    close(v.legal_factor, e.legal, "legal_factor");
    close(v.fee_factor, e.fee, "fee_factor");
    close(v.pledge_rate, e.pledge, "pledge_rate");
    assert_eq!(v.eligible, e.eligible, "eligible");
    assert_eq!(v.collateral_fen, e.collateral_fen, "collateral_fen");
    assert_eq!(v.flags, e.flags, "flags");
    assert_eq!(v.model_version, "zr-val-1");
}

/// The base patent on 2025-03-15: filed 2020-03-15, expires 2040-03-15, 5479 days away
/// (15 × 365 + the leap days 2028, 2032, 2036, 2040) = 15.000684… years; all saturations 0.5.
fn base_expect() -> Expect {
    let remaining = 5479.0 / 365.25;
    let lvd = 100.0 * (0.40 * (remaining / 20.0) + 0.30 * 0.5 + 0.30 * 1.0);
    let pvd = 0.30 * lvd + 0.40 * 50.0 + 0.30 * 70.0;
    Expect {
        term: 20,
        remaining,
        lvd,
        // 100 × 0.5 × (0.45 + 0.15 + 0.25 + 0.15)
        tvd: 50.0,
        // 100 × (0.40 × 0.5 + 0.40 × 1 + 0.20 × 0.5)
        evd: 70.0,
        pvd,
        // section H: 0.040 × (0.5 + PVD/100)
        royalty: 0.040 * (0.5 + pvd / 100.0),
        // min(15.0007, cap H = 7)
        economic_life: 7.0,
        discount: 0.105,
        // Σ_{t=1..7} 1e8 × (1.03 × 0.9)^t × 0.045400164… × 0.75 / 1.105^t = 12,547,225.97…
        appraised_fen: 12_547_226,
        legal: 1.0,
        fee: 1.0,
        pledge: 0.25,
        eligible: true,
        // 12,547,226 × 0.25 = 3,136,806.5 → half away from zero
        collateral_fen: 3_136_807,
        flags: "",
    }
}

#[test]
fn base_patent_matches_the_document() {
    let v = value_both(&base_patent(), as_of());
    assert_expect(&v, &base_expect());
}

#[test]
fn the_stream_sum_for_the_base_patent_is_the_documented_sum() {
    // Written out once more as in the document, to pin the rounding of 3,136,806.5 upwards.
    let rr = base_expect().royalty;
    let appraised: f64 = (1..=7)
        .map(|t| 1e8 * (1.03f64 * 0.9).powi(t) * rr * 0.75 / 1.105f64.powi(t))
        .sum();
    assert!((appraised - 12_547_225.972_912_334).abs() < 1e-4);
}

#[test]
fn under_invalidation_halves_stability_and_legal_factor() {
    let mut p = base_patent();
    p.legal_status = LegalStatus::UnderInvalidation;
    let v = value_both(&p, as_of());
    let remaining = 5479.0 / 365.25;
    let lvd = 100.0 * (0.40 * (remaining / 20.0) + 0.15 + 0.30 * 0.5);
    let pvd = 0.30 * lvd + 20.0 + 21.0;
    assert_expect(
        &v,
        &Expect {
            lvd,
            pvd,
            royalty: 0.040 * (0.5 + pvd / 100.0),
            appraised_fen: 12_049_761,
            legal: 0.5,
            // round(12,049,761 × 0.5 × 1.0 × 0.25) = round(1,506,220.125)
            collateral_fen: 1_506_220,
            flags: "under_invalidation",
            ..base_expect()
        },
    );
}

#[test]
fn pending_has_stability_0_3_and_cannot_be_pledged() {
    let mut p = base_patent();
    p.legal_status = LegalStatus::Pending;
    let v = value_both(&p, as_of());
    let lvd = 100.0 * (0.40 * (5479.0 / 365.25 / 20.0) + 0.15 + 0.30 * 0.3);
    let pvd = 0.30 * lvd + 41.0;
    assert_expect(
        &v,
        &Expect {
            lvd,
            pvd,
            royalty: 0.040 * (0.5 + pvd / 100.0),
            appraised_fen: 11_850_775,
            legal: 0.0,
            eligible: false,
            collateral_fen: 0,
            flags: "not_valid",
            ..base_expect()
        },
    );
}

#[test]
fn lapsed_invalidated_and_expired_have_zero_stability_and_zero_collateral() {
    for status in [
        LegalStatus::Lapsed,
        LegalStatus::Invalidated,
        LegalStatus::Expired,
    ] {
        let mut p = base_patent();
        p.legal_status = status;
        let v = value_both(&p, as_of());
        let lvd = 100.0 * (0.40 * (5479.0 / 365.25 / 20.0) + 0.15);
        let pvd = 0.30 * lvd + 41.0;
        assert_expect(
            &v,
            &Expect {
                lvd,
                pvd,
                royalty: 0.040 * (0.5 + pvd / 100.0),
                appraised_fen: 11_552_295,
                legal: 0.0,
                eligible: false,
                collateral_fen: 0,
                flags: "not_valid",
                ..base_expect()
            },
        );
    }
}

#[test]
fn unknown_fee_state_keeps_factor_one_and_flags_it() {
    let mut p = base_patent();
    p.fee_paid_until = None;
    let v = value_both(&p, as_of());
    assert_expect(
        &v,
        &Expect {
            flags: "fee_unknown",
            ..base_expect()
        },
    );
}

#[test]
fn fees_paid_until_the_valuation_date_count_as_paid() {
    let mut p = base_patent();
    p.fee_paid_until = Some(as_of());
    let v = value_both(&p, as_of());
    assert_expect(&v, &base_expect());
}

#[test]
fn grace_period_ends_on_the_last_day_of_a_shorter_month() {
    // 2024-08-31 + 6 months = 2025-02-31 → clamped to 2025-02-28: still in grace that day.
    let mut p = base_patent();
    p.fee_paid_until = Some(d(2024, 8, 31));
    let v = value_both(&p, d(2025, 2, 28));
    assert_eq!(v.fee_factor, 0.7);
    assert_eq!(v.flags, "fee_grace");
    assert_eq!(v.appraised_fen, 12_549_950);
    // round(12,549,950 × 0.7 × 0.25) = round(2,196,241.25)
    assert_eq!(v.collateral_fen, 2_196_241);
    assert!(v.eligible);

    let v = value_both(&p, d(2025, 3, 1));
    assert_eq!(v.fee_factor, 0.0);
    assert_eq!(v.flags, "fee_lapsed");
    assert!(!v.eligible);
    assert_eq!(v.collateral_fen, 0);
    assert_eq!(v.appraised_fen, 12_549_768);
}

#[test]
fn grace_period_clamps_to_29_february_in_a_leap_year() {
    // 2023-08-31 + 6 months = 2024-02-29.
    let mut p = base_patent();
    p.fee_paid_until = Some(d(2023, 8, 31));
    let v = value_both(&p, d(2024, 2, 29));
    assert_eq!((v.fee_factor, v.flags.as_str()), (0.7, "fee_grace"));
    assert_eq!(v.collateral_fen, 2_207_841);
    let v = value_both(&p, d(2024, 3, 1));
    assert_eq!((v.fee_factor, v.flags.as_str()), (0.0, "fee_lapsed"));
}

#[test]
fn design_filed_before_2021_06_01_has_a_10_year_term() {
    let mut p = base_patent();
    p.patent_type = PatentType::Design;
    p.filing_date = d(2021, 5, 31);
    p.ipc_main = None;
    let v = value_both(&p, as_of());
    // expiry 2031-05-31: 2268 days from 2025-03-15
    let remaining = 2268.0 / 365.25;
    let lvd = 100.0 * (0.40 * (remaining / 10.0) + 0.45);
    let pvd = 0.30 * lvd + 41.0;
    assert_expect(
        &v,
        &Expect {
            term: 10,
            remaining,
            lvd,
            pvd,
            // no IPC: "other" rate 0.025 and cap 8
            royalty: 0.025 * (0.5 + pvd / 100.0),
            economic_life: remaining,
            discount: 0.135,
            appraised_fen: 6_684_816,
            pledge: 0.10,
            collateral_fen: 668_482,
            ..base_expect()
        },
    );
}

#[test]
fn design_filed_on_2021_06_01_has_a_15_year_term() {
    let mut p = base_patent();
    p.patent_type = PatentType::Design;
    p.filing_date = d(2021, 6, 1);
    p.ipc_main = None;
    let v = value_both(&p, as_of());
    // expiry 2036-06-01: 4096 days
    let remaining = 4096.0 / 365.25;
    let lvd = 100.0 * (0.40 * (remaining / 15.0) + 0.45);
    let pvd = 0.30 * lvd + 41.0;
    assert_expect(
        &v,
        &Expect {
            term: 15,
            remaining,
            lvd,
            pvd,
            royalty: 0.025 * (0.5 + pvd / 100.0),
            economic_life: 8.0,
            discount: 0.135,
            appraised_fen: 7_604_611,
            pledge: 0.10,
            collateral_fen: 760_461,
            ..base_expect()
        },
    );
}

#[test]
fn remaining_life_under_three_years_is_valued_but_not_eligible() {
    let mut p = base_patent();
    p.patent_type = PatentType::UtilityModel;
    p.filing_date = d(2017, 9, 15);
    p.ipc_main = Some("C07D 1/00".to_owned());
    let v = value_both(&p, as_of());
    // expiry 2027-09-15: 914 days = 2.502… years; n = 3 with a last year of 0.502…
    let remaining = 914.0 / 365.25;
    let lvd = 100.0 * (0.40 * (remaining / 10.0) + 0.45);
    let pvd = 0.30 * lvd + 41.0;
    assert_expect(
        &v,
        &Expect {
            term: 10,
            remaining,
            lvd,
            pvd,
            royalty: 0.035 * (0.5 + pvd / 100.0),
            economic_life: remaining,
            discount: 0.125,
            appraised_fen: 5_034_513,
            pledge: 0.15,
            eligible: false,
            collateral_fen: 0,
            flags: "short_life",
            ..base_expect()
        },
    );
}

#[test]
fn missing_revenue_gives_zero_appraisal_and_no_revenue_flag() {
    for revenue in [None, Some(0), Some(-5)] {
        let mut p = base_patent();
        p.revenue_fen = revenue;
        let v = value_both(&p, as_of());
        // EVD loses its 40 revenue points: 100 × (0.40 × 0.5 + 0.20 × 0.5) = 30
        let lvd = base_expect().lvd;
        let pvd = 0.30 * lvd + 20.0 + 0.30 * 30.0;
        assert_expect(
            &v,
            &Expect {
                evd: 30.0,
                pvd,
                royalty: 0.040 * (0.5 + pvd / 100.0),
                appraised_fen: 0,
                eligible: false,
                collateral_fen: 0,
                flags: "no_revenue",
                ..base_expect()
            },
        );
    }
}

#[test]
fn an_agreed_royalty_rate_overrides_the_section_rate() {
    let mut p = base_patent();
    p.royalty_rate = Some(0.05);
    let v = value_both(&p, as_of());
    assert_expect(
        &v,
        &Expect {
            royalty: 0.05,
            appraised_fen: 13_818_481,
            collateral_fen: 3_454_620,
            ..base_expect()
        },
    );
}

#[test]
fn a_fractional_economic_life_counts_part_of_its_last_year() {
    let mut p = base_patent();
    p.patent_type = PatentType::UtilityModel;
    p.filing_date = d(2018, 9, 15);
    p.ipc_main = Some("A01B 1/00".to_owned());
    let v = value_both(&p, as_of());
    // expiry 2028-09-15: 1280 days = 3.5044… years; n = ceil = 4, the 4th year weighs 0.5044…
    let remaining = 1280.0 / 365.25;
    let lvd = 100.0 * (0.40 * (remaining / 10.0) + 0.45);
    let pvd = 0.30 * lvd + 41.0;
    let rr = 0.030 * (0.5 + pvd / 100.0);
    let q: f64 = 1.03 * 0.9;
    let by_hand = (1..=3)
        .map(|t| 1e8 * q.powi(t) * rr * 0.75 / 1.125f64.powi(t))
        .sum::<f64>()
        + (remaining - 3.0) * 1e8 * q.powi(4) * rr * 0.75 / 1.125f64.powi(4);
    assert_eq!(by_hand.round() as i64, 5_613_290);
    assert_expect(
        &v,
        &Expect {
            term: 10,
            remaining,
            lvd,
            pvd,
            royalty: rr,
            economic_life: remaining,
            discount: 0.125,
            appraised_fen: 5_613_290,
            pledge: 0.15,
            collateral_fen: 841_994,
            ..base_expect()
        },
    );
}

#[test]
fn filing_on_29_february_expires_on_28_february_of_a_common_year() {
    let mut p = base_patent();
    p.patent_type = PatentType::UtilityModel;
    p.filing_date = d(2016, 2, 29);
    // expiry 2026-02-28, 366 days after 2025-02-27 (a 1 March expiry would give 367)
    let v = value_both(&p, d(2025, 2, 27));
    close(v.remaining_years, 366.0 / 365.25, "remaining_years");
    assert_eq!(v.appraised_fen, 2_617_386);
    assert_eq!(v.flags, "short_life");

    // ... and stays on 29 February when the expiry year is a leap year.
    let mut p = base_patent();
    p.filing_date = d(2004, 2, 29);
    let v = value_both(&p, d(2024, 2, 28));
    close(v.remaining_years, 1.0 / 365.25, "remaining_years");
}

#[test]
fn an_expired_term_gives_zero_remaining_life_and_zero_value() {
    let mut p = base_patent();
    p.filing_date = d(2001, 1, 1);
    let v = value_both(&p, as_of());
    assert_eq!(v.remaining_years, 0.0);
    assert_eq!(v.economic_life, 0.0);
    assert_eq!(v.appraised_fen, 0);
    assert_eq!(v.flags, "short_life");
    assert!(!v.eligible);
}

#[test]
fn zero_counts_score_zero() {
    let mut p = base_patent();
    p.claims = 0;
    p.forward_citations = 0;
    p.backward_citations = 0;
    p.family_size = 1;
    p.inventors = 0;
    p.transfers = 0;
    p.litigations = 0;
    let v = value_both(&p, as_of());
    let lvd = 100.0 * (0.40 * (5479.0 / 365.25 / 20.0) + 0.30);
    assert_expect(
        &v,
        &Expect {
            lvd,
            tvd: 0.0,
            evd: 40.0,
            pvd: 0.30 * lvd + 0.30 * 40.0,
            royalty: 0.040 * (0.5 + (0.30 * lvd + 12.0) / 100.0),
            appraised_fen: 8_843_873,
            collateral_fen: 2_210_968,
            ..base_expect()
        },
    );
}

#[test]
fn flags_come_in_the_documented_order() {
    let mut p = base_patent();
    p.revenue_fen = None;
    p.fee_paid_until = Some(d(2024, 1, 1));
    p.legal_status = LegalStatus::UnderInvalidation;
    p.patent_type = PatentType::UtilityModel;
    p.filing_date = d(2016, 1, 1);
    let v = value_both(&p, as_of());
    assert_eq!(
        v.flags,
        "no_revenue,fee_lapsed,under_invalidation,short_life"
    );

    p.legal_status = LegalStatus::Lapsed;
    p.fee_paid_until = None;
    let v = value_both(&p, as_of());
    assert_eq!(v.flags, "no_revenue,fee_unknown,not_valid,short_life");
}

#[test]
fn section_is_read_from_the_first_letter_in_either_case() {
    let mut p = base_patent();
    p.ipc_main = Some("c07d 1/00".to_owned());
    let lower = value_both(&p, as_of());
    p.ipc_main = Some("C07D 1/00".to_owned());
    let upper = value_both(&p, as_of());
    assert_eq!(lower.appraised_fen, upper.appraised_fen);
    assert_eq!(upper.economic_life, 12.0);
    p.ipc_main = Some("X99".to_owned());
    let other = value_both(&p, as_of());
    assert_eq!(other.economic_life, 8.0);
}
