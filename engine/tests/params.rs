//! Parameter defaults, partial TOML overrides and the digest.

// A failed unwrap in a test is a failed test: the workspace ban on unwrap is for library code.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use zhirong_engine::valuation::ValuationParams;

#[test]
fn defaults_are_the_documented_ones() {
    let p = ValuationParams::default();
    assert_eq!(
        (
            p.legal_weights.life,
            p.legal_weights.claims,
            p.legal_weights.stability
        ),
        (0.40, 0.30, 0.30)
    );
    assert_eq!(p.technical_weights.forward_citations, 0.45);
    assert_eq!(p.technical_weights.family, 0.25);
    assert_eq!(p.economic_weights.revenue, 0.40);
    assert_eq!(
        (
            p.degree_weights.legal,
            p.degree_weights.technical,
            p.degree_weights.economic
        ),
        (0.30, 0.40, 0.30)
    );
    assert_eq!(p.medians.claims, 10.0);
    assert_eq!(p.medians.forward_citations, 5.0);
    assert_eq!(p.medians.inventors, 3.0);
    assert_eq!(p.royalty_rates.for_section(Some('C')), 0.035);
    assert_eq!(p.royalty_rates.for_section(Some('G')), 0.040);
    assert_eq!(p.royalty_rates.for_section(None), 0.025);
    assert_eq!(p.life_caps.for_section(Some('C')), 12.0);
    assert_eq!(p.life_caps.for_section(Some('H')), 7.0);
    assert_eq!(p.life_caps.for_section(Some('Z')), 8.0);
    assert_eq!(
        (p.discount.risk_free, p.discount.risk_premium),
        (0.025, 0.08)
    );
    assert_eq!(p.discount.type_premium.design, 0.03);
    assert_eq!(
        (p.income.growth, p.income.decay, p.income.tax),
        (0.03, 0.10, 0.25)
    );
    assert_eq!(p.pledge_rates.utility_model, 0.15);
    assert_eq!(p.min_remaining_years, 3.0);
    assert_eq!(p.product_cap_fen, 5_000_000_000);
    assert_eq!(p.terms.design_change_date.to_string(), "2021-06-01");
    assert_eq!(p.fees.grace_months, 6);
}

#[test]
fn a_partial_toml_overrides_only_what_it_names() {
    let text = r#"
        min_remaining_years = 4.0

        [royalty_rates]
        g = 0.05

        [discount.type_premium]
        design = 0.04
    "#;
    let p = ValuationParams::from_toml_str(text, "bank.toml").unwrap();
    let mut expected = ValuationParams {
        min_remaining_years: 4.0,
        ..ValuationParams::default()
    };
    expected.royalty_rates.g = 0.05;
    expected.discount.type_premium.design = 0.04;
    assert_eq!(p, expected);
    assert_ne!(p.digest(), ValuationParams::default().digest());
}

#[test]
fn an_empty_toml_gives_the_defaults_and_their_digest() {
    let p = ValuationParams::from_toml_str("", "empty.toml").unwrap();
    assert_eq!(p, ValuationParams::default());
    assert_eq!(p.digest(), ValuationParams::default().digest());
}

#[test]
fn the_digest_is_stable_hex_sha256_and_ignores_how_the_toml_was_written() {
    let a = ValuationParams::from_toml_str("[income]\ntax = 0.2\ngrowth = 0.03\n", "a").unwrap();
    let b = ValuationParams::from_toml_str("# comment\n[income]\ngrowth=0.03\ntax=0.20\n", "b")
        .unwrap();
    assert_eq!(a.digest(), b.digest());
    let digest = ValuationParams::default().digest();
    assert_eq!(digest.len(), 64);
    assert!(digest.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(digest, ValuationParams::default().digest());
}

#[test]
fn unknown_keys_and_impossible_values_are_refused_with_the_file_name() {
    let err =
        ValuationParams::from_toml_str("[royalty_rates]\nq = 0.1\n", "bank.toml").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("bank.toml: invalid valuation parameters:"),
        "{err}"
    );
    assert!(err.to_string().contains("unknown field `q`"), "{err}");
    let err = ValuationParams::from_toml_str("[medians]\nclaims = 0\n", "bank.toml").unwrap_err();
    assert_eq!(
        err.to_string(),
        "bank.toml: invalid valuation parameters: medians.claims must be a positive number, got 0"
    );
}

#[test]
fn a_parameter_file_is_loaded_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.toml");
    std::fs::write(&path, "product_cap_fen = 100\n").unwrap();
    assert_eq!(ValuationParams::load(&path).unwrap().product_cap_fen, 100);
    let err = ValuationParams::load(&dir.path().join("missing.toml")).unwrap_err();
    assert!(err.to_string().contains("missing.toml"), "{err}");
}
