//! Stress tests: a scenario shocks collateral values by IPC section, marks patents lapsed, multiplies
//! PDs and raises ρ; the engine re-values the collateral, lists the loans whose LTV limit breaks and
//! re-runs the simulation beside the baseline.
//!
//! Re-valuation goes through [`Revalue`]. [`SectionShock`] applies the scenario to each loan's
//! `collateral_fen` directly (value × (1 − fall of its section), 0 when its patent lapsed); once the
//! patent valuation zr-val-1 is in the engine, an implementation that re-runs it on the pledged
//! patents with the shocked inputs takes its place without changing anything else here.

use std::collections::HashSet;

use serde::Serialize;

use super::error::PoolError;
use super::model::{Loan, SimulationSummary, fen_half_away, simulate};
use super::params::{PoolRules, SimulationParams, StressScenario};

/// Re-values each loan's collateral under a stress scenario: one fen amount per loan, in loan order.
pub trait Revalue {
    fn revalue(&self, loans: &[Loan], stress: &StressScenario) -> Result<Vec<i64>, PoolError>;
}

/// The re-valuation that needs no patent data: shock `collateral_fen` by the loan's IPC section.
#[derive(Debug, Clone, Copy, Default)]
pub struct SectionShock;

impl Revalue for SectionShock {
    fn revalue(&self, loans: &[Loan], stress: &StressScenario) -> Result<Vec<i64>, PoolError> {
        let lapsed: HashSet<&str> = stress.lapsed_patents.iter().map(String::as_str).collect();
        if !lapsed.is_empty() && !loans.is_empty() && loans.iter().all(|l| l.patent_id.is_none()) {
            return Err(PoolError::Stress(
                "lapsed_patents needs the loans' `patent_id` column".to_string(),
            ));
        }
        loans
            .iter()
            .enumerate()
            .map(|(i, l)| {
                if l.patent_id.as_deref().is_some_and(|p| lapsed.contains(p)) {
                    return Ok(0);
                }
                if stress.value_shock.is_empty() {
                    return Ok(l.collateral_fen);
                }
                let section = l
                    .ipc_section
                    .as_deref()
                    .ok_or_else(|| PoolError::LoanField {
                        row: i + 1,
                        column: "ipc_section",
                        reason: format!(
                            "loan {} has no IPC section, which the value shock needs",
                            l.loan_id
                        ),
                    })?;
                let fall = stress.value_shock.get(section).copied().unwrap_or(0.0);
                Ok(fen_half_away(l.collateral_fen as f64 * (1.0 - fall)))
            })
            .collect()
    }
}

/// A loan whose loan-to-value limit breaks under the stress.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LtvBreach {
    pub loan_id: String,
    pub ead_fen: i64,
    pub collateral_before_fen: i64,
    pub collateral_after_fen: i64,
    /// EAD / collateral; `None` when the collateral is worth nothing.
    pub ltv_before: Option<f64>,
    pub ltv_after: Option<f64>,
    pub ltv_limit: f64,
    /// Whether the loan was over its limit before the stress already.
    pub breached_before: bool,
}

/// Loan to value, EAD over collateral (both in fen); none without collateral.
fn ltv(ead: i64, collateral: i64) -> Option<f64> {
    (collateral > 0).then(|| ead as f64 / collateral as f64)
}

/// `EAD > limit · collateral` (both in fen): a loan with nothing outstanding never breaks.
fn breaks(ead: i64, collateral: i64, limit: f64) -> bool {
    ead > 0 && (ead as f64) > limit * collateral as f64
}

/// The stress result: the stressed loans' breaches and both simulations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StressOutcome {
    pub name: String,
    pub rho: f64,
    pub pd_multiplier: f64,
    pub ltv_limit: f64,
    pub collateral_before_fen: i64,
    pub collateral_after_fen: i64,
    pub ltv_breaches: Vec<LtvBreach>,
    pub stressed_loans: Vec<Loan>,
    pub baseline: SimulationSummary,
    pub stressed: SimulationSummary,
}

/// Applies the scenario to the loans (collateral by `revalue`, PDs by the multiplier) without simulating.
pub fn stressed_loans(
    loans: &[Loan],
    stress: &StressScenario,
    revalue: &dyn Revalue,
) -> Result<Vec<Loan>, PoolError> {
    stress.validate()?;
    let values = revalue.revalue(loans, stress)?;
    if values.len() != loans.len() {
        return Err(PoolError::Stress(format!(
            "re-valuation returned {} values for {} loans",
            values.len(),
            loans.len()
        )));
    }
    let m = stress.pd_multiplier.unwrap_or(1.0);
    Ok(loans
        .iter()
        .zip(values)
        .map(|(l, v)| Loan {
            pd: (l.pd * m).min(1.0),
            collateral_fen: v,
            ..l.clone()
        })
        .collect())
}

/// Runs the baseline and the stressed simulation with the same seed (common random numbers, so the
/// difference is the stress and not sampling noise) and lists the LTV breaches.
pub fn stress_test(
    loans: &[Loan],
    rules: &PoolRules,
    sim: &SimulationParams,
    stress: &StressScenario,
    revalue: &dyn Revalue,
) -> Result<StressOutcome, PoolError> {
    let stressed = stressed_loans(loans, stress, revalue)?;
    let limit = stress.ltv_limit();
    let ltv_breaches = loans
        .iter()
        .zip(&stressed)
        .filter(|(_, after)| breaks(after.ead_fen, after.collateral_fen, limit))
        .map(|(before, after)| LtvBreach {
            loan_id: before.loan_id.clone(),
            ead_fen: before.ead_fen,
            collateral_before_fen: before.collateral_fen,
            collateral_after_fen: after.collateral_fen,
            ltv_before: ltv(before.ead_fen, before.collateral_fen),
            ltv_after: ltv(after.ead_fen, after.collateral_fen),
            ltv_limit: limit,
            breached_before: breaks(before.ead_fen, before.collateral_fen, limit),
        })
        .collect();
    let stressed_sim = SimulationParams {
        rho: stress.rho.unwrap_or(sim.rho),
        ..sim.clone()
    };
    let baseline = simulate(loans, rules, sim)?;
    let stressed_summary = simulate(&stressed, rules, &stressed_sim)?;
    Ok(StressOutcome {
        name: stress.name.clone(),
        rho: stressed_sim.rho,
        pd_multiplier: stress.pd_multiplier.unwrap_or(1.0),
        ltv_limit: limit,
        collateral_before_fen: loans.iter().map(|l| l.collateral_fen).sum(),
        collateral_after_fen: stressed.iter().map(|l| l.collateral_fen).sum(),
        ltv_breaches,
        stressed_loans: stressed,
        baseline,
        stressed: stressed_summary,
    })
}
