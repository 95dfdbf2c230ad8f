//! The report of a simulation, as `zhirong pool simulate` writes it: the figures under fixed keys
//! (`mean_payout_fen`, `sd_payout_fen`, `quantiles`, `depletion_probability`,
//! `expected_shortfall_fen`, `balance_99_fen`), what produced them (model, parameter digest, seed),
//! and the explanation: each loan's expected loss and pool claim, and for a stress test the LTV
//! breaches and the baseline beside the stressed figures.

use std::collections::BTreeMap;

use serde::Serialize;

use super::POOL_MODEL;
use super::error::PoolError;
use super::model::{
    Loan, LoanExpectation, SimulationSummary, expectations, simulate_with_progress,
};
use super::params::{PoolRules, SimulationParams, StressScenario, params_digest};
use super::stress::{LtvBreach, Revalue, stress_test};

/// The figures of one simulation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    pub mean_payout_fen: i64,
    pub sd_payout_fen: i64,
    pub standard_error_fen: i64,
    /// Payout quantiles keyed "0.5", "0.95", "0.99", "0.999".
    pub quantiles: BTreeMap<String, i64>,
    pub depletion_probability: f64,
    pub expected_shortfall_fen: i64,
    pub balance_99_fen: i64,
    pub mean_claims_fen: i64,
    pub sd_claims_fen: i64,
    pub claims_quantiles: BTreeMap<String, i64>,
    pub mean_defaults: f64,
    pub rho: f64,
    /// Σ PD · loss over the loans (analytic).
    pub expected_loss_fen: i64,
    /// Σ PD · pool claim (analytic; the simulated mean claims estimate it).
    pub expected_pool_claim_fen: i64,
}

impl Figures {
    fn new(summary: &SimulationSummary, rho: f64, loans: &[LoanExpectation]) -> Self {
        Self {
            mean_payout_fen: summary.payouts.mean_fen,
            sd_payout_fen: summary.payouts.sd_fen,
            standard_error_fen: summary.payouts.standard_error_fen,
            quantiles: summary.payouts.quantiles.clone(),
            depletion_probability: summary.depletion_probability,
            expected_shortfall_fen: summary.expected_shortfall_fen,
            balance_99_fen: summary.balance_99_fen,
            mean_claims_fen: summary.claims.mean_fen,
            sd_claims_fen: summary.claims.sd_fen,
            claims_quantiles: summary.claims.quantiles.clone(),
            mean_defaults: summary.mean_defaults,
            rho,
            expected_loss_fen: loans.iter().map(|l| l.expected_loss_fen).sum(),
            expected_pool_claim_fen: loans.iter().map(|l| l.expected_pool_claim_fen).sum(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StressSection {
    pub name: String,
    pub pd_multiplier: f64,
    pub ltv_limit: f64,
    pub collateral_before_fen: i64,
    pub collateral_after_fen: i64,
    pub ltv_breaches: Vec<LtvBreach>,
    /// The same simulation without the stress (same seed).
    pub baseline: Figures,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimulationReport {
    pub model: &'static str,
    pub params_digest: String,
    pub scenarios: usize,
    pub seed: u64,
    pub recovery_rate: f64,
    pub horizon_years: f64,
    pub loans: usize,
    pub balance_fen: i64,
    pub gov_share: f64,
    pub per_loan_cap_fen: i64,
    pub covered_outstanding_fen: i64,
    /// Covered outstanding / balance (`null` for an empty pool).
    pub leverage: Option<f64>,
    pub leverage_limit: f64,
    pub leverage_exceeded: bool,
    /// The figures: stressed when a stress scenario was given.
    #[serde(flatten)]
    pub figures: Figures,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stress: Option<StressSection>,
    /// Each loan's expected figures (under the stress, when given).
    pub loan_expectations: Vec<LoanExpectation>,
}

/// Simulates and reports, with or without a stress scenario.
pub fn report(
    loans: &[Loan],
    rules: &PoolRules,
    sim: &SimulationParams,
    stress: Option<(&StressScenario, &dyn Revalue)>,
) -> Result<SimulationReport, PoolError> {
    report_with_progress(loans, rules, sim, stress, &mut |_| {})
}

/// The same, telling `progress` how far the base simulation is (0–1; a stress run reports 1 when
/// it is done).
pub fn report_with_progress(
    loans: &[Loan],
    rules: &PoolRules,
    sim: &SimulationParams,
    stress: Option<(&StressScenario, &dyn Revalue)>,
    progress: &mut dyn FnMut(f64),
) -> Result<SimulationReport, PoolError> {
    let outstanding: i64 = loans.iter().map(|l| l.ead_fen).sum();
    let leverage = (rules.balance_fen > 0).then(|| outstanding as f64 / rules.balance_fen as f64);
    let digest = params_digest(rules, sim, stress.map(|(s, _)| s));
    let base =
        |figures: Figures, stress: Option<StressSection>, loan_expectations| SimulationReport {
            model: POOL_MODEL,
            params_digest: digest.clone(),
            scenarios: sim.scenarios,
            seed: sim.seed,
            recovery_rate: sim.recovery_rate,
            horizon_years: sim.horizon_years,
            loans: loans.len(),
            balance_fen: rules.balance_fen,
            gov_share: rules.gov_share,
            per_loan_cap_fen: rules.per_loan_cap_fen,
            covered_outstanding_fen: outstanding,
            leverage,
            leverage_limit: rules.leverage_limit,
            leverage_exceeded: leverage.is_none_or(|l| l > rules.leverage_limit),
            figures,
            stress,
            loan_expectations,
        };
    match stress {
        None => {
            let summary = simulate_with_progress(loans, rules, sim, progress)?;
            let exp = expectations(loans, rules, sim);
            Ok(base(Figures::new(&summary, sim.rho, &exp), None, exp))
        }
        Some((scenario, revalue)) => {
            let outcome = stress_test(loans, rules, sim, scenario, revalue)?;
            let base_exp = expectations(loans, rules, sim);
            let stressed_exp = expectations(&outcome.stressed_loans, rules, sim);
            Ok(base(
                Figures::new(&outcome.stressed, outcome.rho, &stressed_exp),
                Some(StressSection {
                    name: outcome.name,
                    pd_multiplier: outcome.pd_multiplier,
                    ltv_limit: outcome.ltv_limit,
                    collateral_before_fen: outcome.collateral_before_fen,
                    collateral_after_fen: outcome.collateral_after_fen,
                    ltv_breaches: outcome.ltv_breaches,
                    baseline: Figures::new(&outcome.baseline, sim.rho, &base_exp),
                }),
                stressed_exp,
            ))
        }
    }
}
