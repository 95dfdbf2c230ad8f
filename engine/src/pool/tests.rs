#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;

use super::io::{read_loans, read_rules};
use super::model::{
    ScenarioOutcome, horizon_pd, loss_fen, pool_claim_fen, quantile_sorted, recovery_fen, summarise,
};
use super::normal::{cdf, cdf_fast, inverse_cdf};
use super::random::Xoshiro256pp;
use super::*;

/// A loan; `ead` and `collateral` in fen.
fn loan(id: &str, pd: f64, ead: i64, collateral: i64) -> Loan {
    Loan {
        loan_id: id.to_string(),
        pd,
        ead_fen: ead,
        collateral_fen: collateral,
        ipc_section: None,
        patent_id: None,
    }
}

/// Pool rules; `balance` and `cap` in fen.
fn rules(balance: i64, gov_share: f64, cap: i64) -> PoolRules {
    PoolRules {
        balance_fen: balance,
        gov_share,
        per_loan_cap_fen: cap,
        bank_share: None,
        guarantor_share: None,
        insurer_share: None,
        leverage_limit: 10.0,
    }
}

fn rel_close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(f64::MIN_POSITIVE)
}

#[test]
fn phi_matches_reference_values_to_twelve_digits() {
    for (x, want) in [
        (0.0, 0.5),
        (1.0, 0.841_344_746_068_542_9),
        (-1.959_963_984_540_054, 0.025),
        (3.0, 0.998_650_101_968_369_9),
        (-5.0, 2.866_515_718_791_939e-7),
        (-8.0, 6.220_960_574_271_784e-16),
        (-10.0, 7.619_853_024_160_527e-24),
        (-3.5, 2.326_290_790_355_250_3e-4),
        (4.5, 0.999_996_602_326_875_7),
    ] {
        assert!(
            rel_close(cdf(x), want, 1e-12),
            "Φ({x}) = {} not {want}",
            cdf(x)
        );
    }
}

#[test]
fn the_fast_phi_is_accurate_in_absolute_terms() {
    for k in -400..=400 {
        let x = f64::from(k) / 40.0;
        assert!((cdf_fast(x) - cdf(x)).abs() <= 2.5e-16, "x = {x}");
    }
}

#[test]
fn lapsed_patents_need_the_loans_patent_ids() {
    let loans = vec![loan("L1", 0.02, 1, 1)];
    let lapsed_only = StressScenario {
        lapsed_patents: vec!["ZL1".into()],
        ..StressScenario::default()
    };
    let e = stress::stressed_loans(&loans, &lapsed_only, &SectionShock)
        .unwrap_err()
        .to_string();
    assert!(e.contains("`patent_id`"), "{e}");
}

#[test]
fn phi_inverse_matches_reference_values_and_inverts_phi() {
    for (p, want) in [
        (0.975, 1.959_963_984_540_054),
        (0.999, 3.090_232_306_167_813_5),
        (1e-10, -6.361_340_902_404_056),
        (0.02, -2.053_748_910_631_823),
    ] {
        assert!(
            rel_close(inverse_cdf(p), want, 1e-12),
            "Φ⁻¹({p}) = {}",
            inverse_cdf(p)
        );
    }
    assert_eq!(inverse_cdf(0.5), 0.0);
    for k in 1..1000 {
        let p = k as f64 / 1000.0;
        assert!(rel_close(cdf(inverse_cdf(p)), p, 1e-13), "p = {p}");
    }
    assert_eq!(inverse_cdf(0.0), f64::NEG_INFINITY);
    assert_eq!(inverse_cdf(1.0), f64::INFINITY);
    assert!(inverse_cdf(1.5).is_nan());
}

#[test]
fn a_scenario_stream_depends_only_on_seed_and_scenario() {
    let draw = |seed, s| {
        let mut r = Xoshiro256pp::for_scenario(seed, s);
        (0..4).map(|_| r.next_u64()).collect::<Vec<_>>()
    };
    assert_eq!(draw(7, 3), draw(7, 3));
    assert_ne!(draw(7, 3), draw(7, 4));
    assert_ne!(draw(7, 3), draw(8, 3));
}

#[test]
fn normal_draws_have_mean_zero_and_variance_one() {
    let n = 200_000;
    let mut r = Xoshiro256pp::for_scenario(1, 0);
    let xs: Vec<f64> = (0..n).map(|_| r.next_normal()).collect();
    let mean = xs.iter().sum::<f64>() / n as f64;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    // standard errors: 1/√n for the mean, √(2/n) for the variance
    assert!(mean.abs() < 4.0 / (n as f64).sqrt(), "mean {mean}");
    assert!(
        (var - 1.0).abs() < 4.0 * (2.0 / n as f64).sqrt(),
        "variance {var}"
    );
    let below = xs.iter().filter(|&&x| x < -1.959_963_984_540_054).count() as f64 / n as f64;
    assert!((below - 0.025).abs() < 4.0 * (0.025 * 0.975 / n as f64).sqrt());
}

#[test]
fn recovery_is_collateral_times_recovery_rate_at_most_the_exposure() {
    let l = loan("L1", 0.02, 1_000_000, 800_000);
    assert_eq!(recovery_fen(&l, 0.5), 400_000);
    assert_eq!(loss_fen(&l, 0.5), 600_000);
    let overcovered = loan("L2", 0.02, 1_000_000, 5_000_000);
    assert_eq!(recovery_fen(&overcovered, 0.5), 1_000_000);
    assert_eq!(loss_fen(&overcovered, 0.5), 0);
}

#[test]
fn expected_loss_is_pd_times_lgd_times_ead() {
    let loans = [loan("L1", 0.02, 1_000_000, 800_000)];
    let e = &expectations(
        &loans,
        &rules(10_000_000, 0.4, 1_000_000),
        &SimulationParams::new(1, 1),
    )[0];
    assert!((e.lgd - 0.6).abs() < 1e-15);
    assert_eq!(e.expected_loss_fen, 12_000);
    assert_eq!(e.pool_claim_fen, 240_000);
    assert_eq!(e.expected_pool_claim_fen, 4_800);
}

#[test]
fn a_longer_horizon_compounds_the_one_year_pd() {
    assert!((horizon_pd(0.1, 2.0) - 0.19).abs() < 1e-15);
    assert_eq!(horizon_pd(0.1, 1.0), 0.1);
}

#[test]
fn the_pool_pays_its_share_and_the_others_split_the_rest_by_theirs() {
    let split = share_loss(1_000_000, &rules(10_000_000, 0.4, 5_000_000), 10_000_000);
    assert_eq!(split.pool_fen, 400_000);
    assert_eq!(split.bank_fen, 300_000);
    assert_eq!(split.guarantor_fen, 300_000);
    assert_eq!(split.insurer_fen, 0);
}

#[test]
fn the_per_loan_cap_limits_the_pool_and_the_others_bear_the_excess() {
    let split = share_loss(1_000_000, &rules(10_000_000, 0.4, 250_000), 10_000_000);
    assert_eq!(split.pool_fen, 250_000);
    assert_eq!(split.bank_fen + split.guarantor_fen, 750_000);
    assert_eq!(split.guarantor_fen, 375_000);
}

#[test]
fn the_pool_pays_no_more_than_its_balance_left() {
    let split = share_loss(1_000_000, &rules(10_000_000, 0.4, 5_000_000), 123_456);
    assert_eq!(split.pool_fen, 123_456);
    let empty = share_loss(1_000_000, &rules(10_000_000, 0.4, 5_000_000), 0);
    assert_eq!(empty.pool_fen, 0);
}

#[test]
fn the_parts_of_a_loss_add_up_to_the_loss_to_the_fen() {
    let r = PoolRules {
        bank_share: Some(0.25),
        guarantor_share: Some(0.2),
        insurer_share: Some(0.15),
        ..rules(10_000_000, 0.4, 5_000_000)
    };
    for loss in [1, 7, 333, 1_000_001, 98_765_431] {
        let s = share_loss(loss, &r, 10_000_000);
        assert_eq!(
            s.pool_fen + s.bank_fen + s.guarantor_fen + s.insurer_fen,
            loss
        );
    }
}

#[test]
fn pool_rules_read_from_toml_with_defaults_and_checks() {
    let r = PoolRules::parse_toml("balance_fen = 100\nper_loan_cap_fen = 10\n").unwrap();
    assert_eq!(r.gov_share, 0.4);
    assert_eq!(r.shares().bank, 0.3);
    let e = PoolRules::parse_toml("balance_fen = 100\nper_loan_cap_fen = 10\nbalance = 3\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown field `balance`"), "{e}");
    let e = PoolRules::parse_toml("balance_fen = 100\nper_loan_cap_fen = 10\ngov_share = 1.4\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("`gov_share`"), "{e}");
    let e = PoolRules::parse_toml(
        "balance_fen = 100\nper_loan_cap_fen = 10\nbank_share = 0.5\nguarantor_share = 0.3\n",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("add up to"), "{e}");
    let e = PoolRules::parse_toml("balance_fen = -1\nper_loan_cap_fen = 10\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("`balance_fen`"), "{e}");
}

/// A varied pool: PDs from 0.5 % to 8 %, exposures and collateral of several sizes.
fn varied_pool(n: usize) -> Vec<Loan> {
    (0..n)
        .map(|i| {
            let pd = [0.005, 0.01, 0.02, 0.04, 0.08][i % 5];
            let ead = 1_000_000 * (1 + (i % 7) as i64);
            let collateral = 400_000 * (i % 4) as i64;
            loan(&format!("L{i}"), pd, ead, collateral)
        })
        .collect()
}

#[test]
fn the_mean_payout_is_within_three_standard_errors_of_the_expected_pool_loss_when_no_cap_binds() {
    let loans = varied_pool(300);
    let r = rules(i64::MAX / 4, 0.4, i64::MAX / 4);
    let sim = SimulationParams::new(20_000, 2026);
    let expected: f64 = loans
        .iter()
        .map(|l| l.pd * (0.4 * loss_fen(l, 0.5) as f64).round())
        .sum();
    let s = simulate(&loans, &r, &sim).unwrap();
    assert_eq!(s.depletion_probability, 0.0);
    let diff = (s.payouts.mean_fen as f64 - expected).abs();
    let se = s.payouts.sd_fen as f64 / (sim.scenarios as f64).sqrt();
    assert!(
        diff <= 3.0 * se,
        "mean {} vs {expected}, se {se}",
        s.payouts.mean_fen
    );
    assert!(se > 0.0);
}

/// Vasicek's large-portfolio limit: P(L ≤ x) = Φ((√(1−ρ)·Φ⁻¹(x) − Φ⁻¹(p)) / √ρ).
fn vasicek_cdf(x: f64, p: f64, rho: f64) -> f64 {
    cdf(((1.0 - rho).sqrt() * inverse_cdf(x) - inverse_cdf(p)) / rho.sqrt())
}

#[test]
fn a_large_homogeneous_pool_has_vasicek_loss_quantiles() {
    // 4,000 identical loans, loss = EAD = 1 yuan, the pool pays all of it: payout / (N · EAD) is the
    // default rate L. At the simulated q-quantile of L the limit distribution must be q, within
    // three standard errors of an empirical quantile (√(q(1−q)/n)) plus the 1/N granularity step.
    let n_loans = 4_000;
    let (p, rho) = (0.02, 0.15);
    let loans: Vec<Loan> = (0..n_loans)
        .map(|i| loan(&format!("L{i}"), p, 100, 0))
        .collect();
    let r = rules(i64::MAX / 4, 1.0, i64::MAX / 4);
    let sim = SimulationParams {
        rho,
        ..SimulationParams::new(10_000, 99)
    };
    let s = simulate(&loans, &r, &sim).unwrap();
    let n = sim.scenarios as f64;
    for (key, q) in [("0.95", 0.95), ("0.99", 0.99), ("0.999", 0.999)] {
        let l = s.payouts.quantiles[key] as f64 / (100.0 * n_loans as f64);
        let step = 1.0 / n_loans as f64;
        let (lo, hi) = (vasicek_cdf(l - step, p, rho), vasicek_cdf(l + step, p, rho));
        let tol = 3.0 * (q * (1.0 - q) / n).sqrt();
        assert!(
            lo - tol <= q && q <= hi + tol,
            "q {q}: simulated L {l}, Vasicek CDF there {lo}..{hi}, tolerance {tol}"
        );
    }
}

#[test]
fn when_the_balance_runs_out_mid_scenario_later_claims_get_nothing() {
    // Every loan defaults (PD 1); each claim is min(0.4 · 1,000,000, 300,000) = 300,000 (the cap
    // binds); the balance of 1,000,000 pays three claims in full, a fourth in part, then nothing.
    let loans: Vec<Loan> = (0..6)
        .map(|i| loan(&format!("L{i}"), 1.0, 1_000_000, 0))
        .collect();
    let r = rules(1_000_000, 0.4, 300_000);
    let pool = PreparedPool::new(&loans, &r, &SimulationParams::new(1, 5)).unwrap();
    let detail = pool.scenario_detail(0);
    let paid: Vec<i64> = detail.payouts.iter().map(|p| p.paid_fen).collect();
    assert_eq!(paid, [300_000, 300_000, 300_000, 100_000, 0, 0]);
    let left: Vec<i64> = detail.payouts.iter().map(|p| p.balance_after_fen).collect();
    assert_eq!(left, [700_000, 400_000, 100_000, 0, 0, 0]);
    assert_eq!(detail.outcome.claims_fen, 1_800_000);
    assert_eq!(detail.outcome.paid_fen, 1_000_000);
    let s = simulate(&loans, &r, &SimulationParams::new(50, 5)).unwrap();
    assert_eq!(s.depletion_probability, 1.0);
    assert_eq!(s.expected_shortfall_fen, 800_000);
    assert_eq!(s.payouts.quantiles["0.999"], 1_000_000);
    assert_eq!(s.balance_99_fen, 1_800_000);
}

#[test]
fn caps_and_the_running_balance_hold_in_every_scenario() {
    let loans = varied_pool(200);
    let r = rules(6_000_000, 0.4, 1_500_000);
    let sim = SimulationParams {
        rho: 0.3,
        ..SimulationParams::new(2_000, 11)
    };
    let pool = PreparedPool::new(&loans, &r, &sim).unwrap();
    let fast = pool.run_all(sim.scenarios);
    let mut ran_out = 0;
    for (s, outcome) in fast.iter().enumerate() {
        let d = pool.scenario_detail(s as u64);
        assert_eq!(&d.outcome, outcome, "scenario {s}");
        let mut balance = r.balance_fen;
        for p in &d.payouts {
            let l = &loans[p.loan];
            assert_eq!(p.claim_fen, pool_claim_fen(loss_fen(l, 0.5), &r));
            assert!(p.claim_fen <= r.per_loan_cap_fen);
            assert_eq!(p.paid_fen, p.claim_fen.min(balance));
            balance -= p.paid_fen;
            assert_eq!(p.balance_after_fen, balance);
            assert!(balance >= 0);
        }
        assert_eq!(outcome.paid_fen, r.balance_fen - balance);
        assert!(outcome.paid_fen <= r.balance_fen);
        if outcome.claims_fen > r.balance_fen {
            ran_out += 1;
            assert_eq!(balance, 0);
        }
    }
    assert!(
        ran_out > 0,
        "the test pool should run dry in some scenarios"
    );
}

#[test]
fn the_same_seed_gives_the_same_result_on_any_number_of_threads() {
    let loans = varied_pool(150);
    let r = rules(20_000_000, 0.4, 2_000_000);
    let sim = SimulationParams::new(3_000, 42);
    let on = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| simulate(&loans, &r, &sim).unwrap())
    };
    let one = on(1);
    assert_eq!(one, on(3));
    assert_eq!(one, simulate(&loans, &r, &sim).unwrap());
    let other_seed = simulate(&loans, &r, &SimulationParams::new(3_000, 43)).unwrap();
    assert_ne!(one, other_seed);
}

#[test]
fn summary_statistics_follow_their_definitions() {
    let outcome = |claims_fen: i64, paid_fen: i64| ScenarioOutcome {
        factor: 0.0,
        defaults: 1,
        claims_fen,
        paid_fen,
    };
    // balance 100: claims 0, 50, 100, 150, 300 → paid 0, 50, 100, 100, 100
    let outcomes = [
        outcome(0, 0),
        outcome(50, 50),
        outcome(100, 100),
        outcome(150, 100),
        outcome(300, 100),
    ];
    let s = summarise(&outcomes, 100, 3);
    assert_eq!(s.payouts.mean_fen, 70);
    assert_eq!(s.payouts.sd_fen, 45); // √(2000/4 · …) = 44.72 → 45
    assert_eq!(s.depletion_probability, 0.4);
    assert_eq!(s.expected_shortfall_fen, 50); // (50 + 200) / 5
    assert_eq!(s.balance_99_fen, 300);
    assert_eq!(s.payouts.quantiles["0.5"], 100);
    assert_eq!(quantile_sorted(&[1, 2, 3, 4], 0.5), 2);
    assert_eq!(quantile_sorted(&[1, 2, 3, 4], 0.51), 3);
    assert_eq!(quantile_sorted(&[1, 2, 3, 4], 0.999), 4);
}

fn shocked_loans() -> Vec<Loan> {
    vec![
        Loan {
            ipc_section: Some("H".into()),
            patent_id: Some("ZL201310699744.2".into()),
            ..loan("H1", 0.02, 400_000, 1_000_000)
        },
        Loan {
            ipc_section: Some("G".into()),
            patent_id: Some("ZL200000000001.1".into()),
            ..loan("G1", 0.03, 400_000, 1_000_000)
        },
        Loan {
            ipc_section: Some("A".into()),
            patent_id: Some("ZL200000000002.X".into()),
            ..loan("A1", 0.6, 300_000, 1_000_000)
        },
    ]
}

fn stress_h() -> StressScenario {
    StressScenario::parse_toml(
        "name = \"electronics downturn\"\npd_multiplier = 2.0\nlapsed_patents = [\"ZL200000000002.X\"]\n[value_shock]\nH = 0.3\n",
    )
    .unwrap()
}

#[test]
fn a_stress_shocks_collateral_by_section_marks_lapsed_patents_worthless_and_multiplies_pds() {
    let stressed = stress::stressed_loans(&shocked_loans(), &stress_h(), &SectionShock).unwrap();
    assert_eq!(stressed[0].collateral_fen, 700_000);
    assert_eq!(stressed[1].collateral_fen, 1_000_000);
    assert_eq!(stressed[2].collateral_fen, 0);
    assert_eq!(stressed[0].pd, 0.04);
    assert_eq!(stressed[2].pd, 1.0);
}

#[test]
fn a_stress_lists_the_loans_whose_ltv_limit_breaks_and_re_simulates() {
    let r = rules(1_000_000, 0.4, 1_000_000);
    let sim = SimulationParams::new(4_000, 3);
    let out = stress_test(&shocked_loans(), &r, &sim, &stress_h(), &SectionShock).unwrap();
    let ids: Vec<&str> = out
        .ltv_breaches
        .iter()
        .map(|b| b.loan_id.as_str())
        .collect();
    assert_eq!(ids, ["H1", "A1"]);
    let h = &out.ltv_breaches[0];
    assert_eq!(h.ltv_before, Some(0.4));
    assert!((h.ltv_after.unwrap() - 4.0 / 7.0).abs() < 1e-15);
    assert!(!h.breached_before);
    assert_eq!(out.ltv_breaches[1].ltv_after, None);
    assert!(out.stressed.payouts.mean_fen > out.baseline.payouts.mean_fen);
    assert_eq!(out.baseline, simulate(&shocked_loans(), &r, &sim).unwrap());
}

#[test]
fn a_value_shock_needs_each_loans_ipc_section() {
    let loans = vec![loan("L1", 0.02, 1, 1), loan("L2", 0.02, 1, 1)];
    let shock_only = StressScenario {
        lapsed_patents: vec![],
        ..stress_h()
    };
    let e = stress::stressed_loans(&loans, &shock_only, &SectionShock)
        .unwrap_err()
        .to_string();
    assert!(e.contains("row 1, column `ipc_section`"), "{e}");
}

#[test]
fn a_stress_scenario_with_a_bad_section_or_fall_is_refused() {
    let e = StressScenario::parse_toml("[value_shock]\nZ = 0.3\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("\"Z\" is not an IPC section"), "{e}");
    let e = StressScenario::parse_toml("[value_shock]\nH = 1.3\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("value_shock.H"), "{e}");
    let e = StressScenario::parse_toml("rho = 1.0\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("rho"), "{e}");
}

#[test]
fn the_report_carries_the_fixed_keys_and_the_baseline_under_stress() {
    let r = rules(1_000_000, 0.4, 1_000_000);
    let sim = SimulationParams::new(500, 3);
    let plain = serde_json::to_value(report(&shocked_loans(), &r, &sim, None).unwrap()).unwrap();
    for key in [
        "mean_payout_fen",
        "sd_payout_fen",
        "quantiles",
        "depletion_probability",
        "expected_shortfall_fen",
        "balance_99_fen",
    ] {
        assert!(plain.get(key).is_some(), "{key} missing");
    }
    let q = plain["quantiles"].as_object().unwrap();
    assert_eq!(
        q.keys().collect::<Vec<_>>(),
        ["0.5", "0.95", "0.99", "0.999"]
    );
    assert_eq!(plain["model"], "zr-pool-1");
    assert!(plain.get("stress").is_none());
    let stress = stress_h();
    let stressed = serde_json::to_value(
        report(&shocked_loans(), &r, &sim, Some((&stress, &SectionShock))).unwrap(),
    )
    .unwrap();
    assert_eq!(
        stressed["stress"]["baseline"]["mean_payout_fen"],
        plain["mean_payout_fen"]
    );
    assert_eq!(
        stressed["stress"]["ltv_breaches"].as_array().unwrap().len(),
        2
    );
    assert_ne!(stressed["params_digest"], plain["params_digest"]);
}

#[test]
fn invalid_simulation_settings_are_refused() {
    let loans = varied_pool(3);
    let r = rules(1, 0.4, 1);
    let e = simulate(&loans, &r, &SimulationParams::new(0, 1))
        .unwrap_err()
        .to_string();
    assert!(e.contains("`scenarios`"), "{e}");
    let e = simulate(
        &loans,
        &r,
        &SimulationParams {
            rho: 1.0,
            ..SimulationParams::new(1, 1)
        },
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("`rho`"), "{e}");
    let e = simulate(
        &loans,
        &r,
        &SimulationParams {
            recovery_rate: -0.1,
            ..SimulationParams::new(1, 1)
        },
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("`recovery_rate`"), "{e}");
    assert!(matches!(
        simulate(&[], &r, &SimulationParams::new(1, 1)),
        Err(PoolError::NoLoans)
    ));
}

fn write_file(dir: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    path
}

#[test]
fn a_loans_file_is_read_with_its_optional_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(
        &dir,
        "loans.csv",
        "loan_id,pd,ead_fen,collateral_fen,ipc_section\n001,0.02,1000000,800000,H04L\n002,0.5,10,0,\n",
    );
    let loans = read_loans(&path).unwrap();
    assert_eq!(loans.len(), 2);
    assert_eq!(loans[0].loan_id, "001");
    assert_eq!(loans[0].ipc_section.as_deref(), Some("H"));
    assert_eq!(loans[1].ipc_section, None);
    assert_eq!(loans[1].pd, 0.5);
    let rules_path = write_file(
        &dir,
        "pool.toml",
        "balance_fen = 5\ngov_share = 0.5\nper_loan_cap_fen = 2\n",
    );
    assert_eq!(read_rules(&rules_path).unwrap().gov_share, 0.5);
}

fn loans_err(rows: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(
        &dir,
        "loans.csv",
        &format!("loan_id,pd,ead_fen,collateral_fen\n{rows}"),
    );
    read_loans(&path).unwrap_err().to_string()
}

#[test]
fn a_pd_outside_zero_to_one_is_an_error_naming_row_and_column() {
    let e = loans_err("a,0.02,1,1\nb,1.2,1,1\n");
    assert!(e.contains("loans row 2, column `pd`"), "{e}");
}

#[test]
fn a_fractional_fen_amount_is_an_error_naming_row_and_column() {
    let e = loans_err("a,0.02,100.5,1\n");
    assert!(e.contains("loans row 1, column `ead_fen`"), "{e}");
}

#[test]
fn a_negative_collateral_is_an_error_naming_row_and_column() {
    let e = loans_err("a,0.02,100,-1\n");
    assert!(e.contains("loans row 1, column `collateral_fen`"), "{e}");
}

#[test]
fn a_missing_loan_id_is_an_error_naming_row_and_column() {
    let e = loans_err("a,0.02,100,1\n,0.02,100,1\n");
    assert!(e.contains("loans row 2, column `loan_id`"), "{e}");
}

#[test]
fn a_loans_file_without_collateral_is_refused_naming_the_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(&dir, "loans.csv", "loan_id,pd,ead_fen\na,0.1,1\n");
    let e = read_loans(&path).unwrap_err().to_string();
    assert!(e.contains("`collateral_fen` is missing"), "{e}");
}

#[test]
fn the_simulation_in_steps_is_the_simulation_and_says_how_far_it_is() {
    let loans = varied_pool(200);
    let r = rules(50_000_000, 0.4, 20_000_000);
    let sim = SimulationParams::new(1_003, 7);
    let whole = simulate(&loans, &r, &sim).unwrap();
    let mut seen = Vec::new();
    let stepped = simulate_with_progress(&loans, &r, &sim, &mut |p| seen.push(p)).unwrap();
    assert_eq!(whole, stepped);
    assert_eq!(seen.len(), 21, "twenty steps of 50 and the last 3");
    assert!(seen.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(seen.last().copied(), Some(1.0));
}
