//! Loss sharing and the depletion Monte Carlo (RISK.md §3).
//!
//! Money is `i64` fen throughout. Where a fen amount comes out of a product with a rate (a share of a
//! loss, a recovery, a mean) it is rounded half away from zero ([`fen_half_away`]); quantiles are order
//! statistics of the simulated fen amounts, so they need no rounding.
//!
//! Sampling: loan i defaults in scenario s when `√ρ·Z_s + √(1−ρ)·ε_is < Φ⁻¹(PD_i)`. The engine draws
//! `U_is = Φ(ε_is)` (a uniform) instead of ε_is, and tests `U_is < Φ((Φ⁻¹(PD_i) − √ρ·Z_s)/√(1−ρ))`,
//! the same event; the right side is computed once per scenario for each distinct PD, which is what
//! makes 10⁸ loan-scenarios take seconds.

use rayon::prelude::*;
use serde::Serialize;

use super::error::PoolError;
use super::normal;
use super::params::{PoolRules, Shares, SimulationParams};
use super::random::Xoshiro256pp;

/// A covered loan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Loan {
    pub loan_id: String,
    /// One-year probability of default, 0–1.
    pub pd: f64,
    /// Outstanding principal (exposure at default), fen.
    pub ead_fen: i64,
    /// Value of the pledged IP, fen.
    pub collateral_fen: i64,
    /// IPC section (A–H) of the pledged patent, for stress value shocks.
    pub ipc_section: Option<String>,
    /// The pledged patent, for stress scenarios that mark patents lapsed.
    pub patent_id: Option<String>,
}

/// Loss given default, `1 − recovery / EAD` (0 with nothing outstanding); both in fen.
fn lgd(recovery: i64, ead: i64) -> f64 {
    if ead > 0 {
        1.0 - recovery as f64 / ead as f64
    } else {
        0.0
    }
}

/// `x` rounded to whole fen, half away from zero. Saturates at the i64 range (far beyond any sum).
pub fn fen_half_away(x: f64) -> i64 {
    x.round() as i64
}

/// What disposing of the collateral recovers: `min(EAD, collateral · recovery_rate)`.
pub fn recovery_fen(loan: &Loan, recovery_rate: f64) -> i64 {
    fen_half_away(loan.collateral_fen as f64 * recovery_rate).min(loan.ead_fen)
}

/// `max(0, EAD − recovery)`.
pub fn loss_fen(loan: &Loan, recovery_rate: f64) -> i64 {
    (loan.ead_fen - recovery_fen(loan, recovery_rate)).max(0)
}

/// What the pool would pay on a loss before the balance is considered:
/// `min(gov_share · loss, per_loan_cap)`.
pub fn pool_claim_fen(loss_fen: i64, rules: &PoolRules) -> i64 {
    fen_half_away(rules.gov_share * loss_fen as f64).min(rules.per_loan_cap_fen)
}

/// How one loss is shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LossSplit {
    pub loss_fen: i64,
    pub pool_fen: i64,
    pub bank_fen: i64,
    pub guarantor_fen: i64,
    pub insurer_fen: i64,
}

/// The waterfall for one loss: the pool pays `min(gov_share · loss, cap, balance_left)`; the bank, the
/// guarantor and the insurer bear the rest in proportion to their shares (the bank takes the fen left
/// by rounding, so the four parts add up to the loss exactly).
pub fn share_loss(loss_fen: i64, rules: &PoolRules, balance_left_fen: i64) -> LossSplit {
    let pool_fen = pool_claim_fen(loss_fen, rules)
        .min(balance_left_fen.max(0))
        .max(0);
    let rest = loss_fen - pool_fen;
    let Shares {
        bank,
        guarantor,
        insurer,
        ..
    } = rules.shares();
    let others = bank + guarantor + insurer;
    let (guarantor_fen, insurer_fen) = if others > 0.0 {
        (
            fen_half_away(rest as f64 * guarantor / others),
            fen_half_away(rest as f64 * insurer / others),
        )
    } else {
        (0, 0)
    };
    LossSplit {
        loss_fen,
        pool_fen,
        bank_fen: rest - guarantor_fen - insurer_fen,
        guarantor_fen,
        insurer_fen,
    }
}

/// `1 − (1 − PD)^h`.
pub fn horizon_pd(pd: f64, horizon_years: f64) -> f64 {
    if horizon_years == 1.0 {
        pd
    } else {
        1.0 - (1.0 - pd).powf(horizon_years)
    }
}

/// One loan's expected figures: the explanation behind the simulated totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoanExpectation {
    pub loan_id: String,
    /// PD over the horizon.
    pub pd: f64,
    pub ead_fen: i64,
    pub recovery_fen: i64,
    pub loss_given_default_fen: i64,
    /// `1 − recovery / EAD` (0 for a loan with nothing outstanding).
    pub lgd: f64,
    /// `PD · LGD · EAD`.
    pub expected_loss_fen: i64,
    /// What the pool would pay if this loan defaulted and the balance sufficed.
    pub pool_claim_fen: i64,
    /// `PD · pool_claim`.
    pub expected_pool_claim_fen: i64,
    /// The waterfall of this loan's loss if it defaulted first (full balance).
    pub split_if_default: LossSplit,
}

pub fn expectations(
    loans: &[Loan],
    rules: &PoolRules,
    sim: &SimulationParams,
) -> Vec<LoanExpectation> {
    loans
        .iter()
        .map(|l| {
            let pd = horizon_pd(l.pd, sim.horizon_years);
            let recovery = recovery_fen(l, sim.recovery_rate);
            let loss = loss_fen(l, sim.recovery_rate);
            let claim = pool_claim_fen(loss, rules);
            LoanExpectation {
                loan_id: l.loan_id.clone(),
                pd,
                ead_fen: l.ead_fen,
                recovery_fen: recovery,
                loss_given_default_fen: loss,
                lgd: lgd(recovery, l.ead_fen),
                expected_loss_fen: fen_half_away(pd * loss as f64),
                pool_claim_fen: claim,
                expected_pool_claim_fen: fen_half_away(pd * claim as f64),
                split_if_default: share_loss(loss, rules, rules.balance_fen),
            }
        })
        .collect()
}

/// Every loan must have a PD in [0, 1] and no negative amount; errors name the loan's row (1-based).
pub fn validate_loans(loans: &[Loan]) -> Result<(), PoolError> {
    if loans.is_empty() {
        return Err(PoolError::NoLoans);
    }
    for (i, l) in loans.iter().enumerate() {
        let bad = |column: &'static str, reason: String| {
            Err(PoolError::LoanField {
                row: i + 1,
                column,
                reason,
            })
        };
        if l.loan_id.trim().is_empty() {
            return bad("loan_id", "the loan id is missing".to_string());
        }
        if !(0.0..=1.0).contains(&l.pd) {
            return bad(
                "pd",
                format!("{} is not a probability between 0 and 1", l.pd),
            );
        }
        if l.ead_fen < 0 {
            return bad("ead_fen", format!("{} is negative", l.ead_fen));
        }
        if l.collateral_fen < 0 {
            return bad(
                "collateral_fen",
                format!("{} is negative", l.collateral_fen),
            );
        }
    }
    Ok(())
}

/// A pool prepared for simulation: each loan's claim and PD class, each class's default threshold.
#[derive(Debug, Clone)]
pub struct PreparedPool {
    balance_fen: i64,
    claims_fen: Vec<i64>,
    class_of_loan: Vec<u32>,
    /// Φ⁻¹(PD) of each distinct PD.
    thresholds: Vec<f64>,
    sqrt_rho: f64,
    sqrt_one_minus_rho: f64,
    seed: u64,
}

impl PreparedPool {
    pub fn new(
        loans: &[Loan],
        rules: &PoolRules,
        sim: &SimulationParams,
    ) -> Result<PreparedPool, PoolError> {
        rules.validate()?;
        sim.validate()?;
        validate_loans(loans)?;
        let mut thresholds = Vec::new();
        let mut class_index = std::collections::HashMap::new();
        let mut class_of_loan = Vec::with_capacity(loans.len());
        let mut claims_fen = Vec::with_capacity(loans.len());
        for l in loans {
            let pd = horizon_pd(l.pd, sim.horizon_years);
            let class = *class_index.entry(pd.to_bits()).or_insert_with(|| {
                thresholds.push(normal::inverse_cdf(pd));
                thresholds.len() - 1
            });
            class_of_loan.push(u32::try_from(class).unwrap_or(u32::MAX));
            claims_fen.push(pool_claim_fen(loss_fen(l, sim.recovery_rate), rules));
        }
        Ok(PreparedPool {
            balance_fen: rules.balance_fen,
            claims_fen,
            class_of_loan,
            thresholds,
            sqrt_rho: sim.rho.sqrt(),
            sqrt_one_minus_rho: (1.0 - sim.rho).sqrt(),
            seed: sim.seed,
        })
    }

    pub fn loans(&self) -> usize {
        self.claims_fen.len()
    }

    /// Runs scenario `s`, calling `on_default(loan index, claim, paid, balance left after)` for each
    /// defaulted loan in loan order. The pool pays each claim up to the balance left.
    pub fn run_scenario(
        &self,
        s: u64,
        mut on_default: impl FnMut(usize, i64, i64, i64),
    ) -> ScenarioOutcome {
        let mut rng = Xoshiro256pp::for_scenario(self.seed, s);
        let z = rng.next_normal();
        let conditional_pd: Vec<f64> = self
            .thresholds
            .iter()
            .map(|&c| {
                if c == f64::NEG_INFINITY {
                    0.0
                } else if c == f64::INFINITY {
                    1.0
                } else {
                    normal::cdf_fast((c - self.sqrt_rho * z) / self.sqrt_one_minus_rho)
                }
            })
            .collect();
        let mut balance = self.balance_fen;
        let mut claims = 0_i64;
        let mut defaults = 0_u32;
        for (i, (&claim, &class)) in self.claims_fen.iter().zip(&self.class_of_loan).enumerate() {
            let u = rng.next_open01();
            if u < conditional_pd[class as usize] {
                defaults += 1;
                claims += claim;
                let paid = claim.min(balance);
                balance -= paid;
                on_default(i, claim, paid, balance);
            }
        }
        ScenarioOutcome {
            factor: z,
            defaults,
            claims_fen: claims,
            paid_fen: self.balance_fen - balance,
        }
    }

    /// Every scenario of the run, in parallel; the result is in scenario order and does not depend
    /// on the number of threads.
    pub fn run_all(&self, scenarios: usize) -> Vec<ScenarioOutcome> {
        (0..scenarios as u64)
            .into_par_iter()
            .map(|s| self.run_scenario(s, |_, _, _, _| {}))
            .collect()
    }

    /// Scenarios `range` of the run, in parallel and in scenario order: running a run's ranges one
    /// after the other gives exactly [`PreparedPool::run_all`].
    pub fn run_range(&self, range: std::ops::Range<u64>) -> Vec<ScenarioOutcome> {
        range
            .into_par_iter()
            .map(|s| self.run_scenario(s, |_, _, _, _| {}))
            .collect()
    }

    /// One scenario loan by loan, for inspection and tests.
    pub fn scenario_detail(&self, s: u64) -> ScenarioDetail {
        let mut payouts = Vec::new();
        let outcome = self.run_scenario(s, |loan, claim_fen, paid_fen, balance_after_fen| {
            payouts.push(LoanPayout {
                loan,
                claim_fen,
                paid_fen,
                balance_after_fen,
            })
        });
        ScenarioDetail { outcome, payouts }
    }
}

/// The totals of one scenario.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ScenarioOutcome {
    /// The systematic factor Z_s.
    pub factor: f64,
    pub defaults: u32,
    /// What the pool owed on the defaults (each claim capped per loan, the balance ignored).
    pub claims_fen: i64,
    /// What it paid (claims in loan order until the balance ran out).
    pub paid_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoanPayout {
    /// Index of the loan in the input.
    pub loan: usize,
    pub claim_fen: i64,
    pub paid_fen: i64,
    pub balance_after_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioDetail {
    pub outcome: ScenarioOutcome,
    pub payouts: Vec<LoanPayout>,
}

/// The quantile levels reported.
pub const QUANTILES: [(&str, f64); 4] = [
    ("0.5", 0.5),
    ("0.95", 0.95),
    ("0.99", 0.99),
    ("0.999", 0.999),
];

/// The q-quantile of sorted values as the inverse of the empirical distribution function: the
/// smallest value with at least a share q of the values at or below it.
pub fn quantile_sorted(sorted: &[i64], q: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let n = sorted.len();
    let k = ((q * n as f64).ceil() as usize).clamp(1, n);
    sorted[k - 1]
}

/// The summary statistics of one run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distribution {
    pub mean_fen: i64,
    pub sd_fen: i64,
    /// Standard error of the mean, `sd / √n`.
    pub standard_error_fen: i64,
    pub quantiles: std::collections::BTreeMap<String, i64>,
}

fn distribution(values: &[i64]) -> Distribution {
    let n = values.len().max(1);
    let sum: i128 = values.iter().map(|&v| i128::from(v)).sum();
    let mean = sum as f64 / n as f64;
    let ss: f64 = values
        .iter()
        .map(|&v| {
            let d = v as f64 - mean;
            d * d
        })
        .sum();
    let sd = if values.len() > 1 {
        (ss / (values.len() - 1) as f64).sqrt()
    } else {
        0.0
    };
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    Distribution {
        mean_fen: fen_half_away(mean),
        sd_fen: fen_half_away(sd),
        standard_error_fen: fen_half_away(sd / (n as f64).sqrt()),
        quantiles: QUANTILES
            .iter()
            .map(|(k, q)| ((*k).to_string(), quantile_sorted(&sorted, *q)))
            .collect(),
    }
}

/// What a depletion simulation reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimulationSummary {
    pub scenarios: usize,
    pub loans: usize,
    pub balance_fen: i64,
    /// Pool payouts (after caps and the balance).
    pub payouts: Distribution,
    /// Pool claims (after caps, before the balance): what the pool would have had to pay.
    pub claims: Distribution,
    /// Share of scenarios whose claims exceed the balance.
    pub depletion_probability: f64,
    /// Mean of `max(0, claims − balance)` over all scenarios.
    pub expected_shortfall_fen: i64,
    /// The balance that would cover the claims in 99 % of scenarios (their 0.99 quantile).
    pub balance_99_fen: i64,
    pub mean_defaults: f64,
}

pub fn summarise(
    outcomes: &[ScenarioOutcome],
    balance_fen: i64,
    loans: usize,
) -> SimulationSummary {
    let paid: Vec<i64> = outcomes.iter().map(|o| o.paid_fen).collect();
    let claims: Vec<i64> = outcomes.iter().map(|o| o.claims_fen).collect();
    let n = outcomes.len().max(1) as f64;
    let depleted = claims.iter().filter(|&&c| c > balance_fen).count();
    let shortfall: i128 = claims
        .iter()
        .map(|&c| i128::from((c - balance_fen).max(0)))
        .sum();
    let claims = distribution(&claims);
    SimulationSummary {
        scenarios: outcomes.len(),
        loans,
        balance_fen,
        payouts: distribution(&paid),
        balance_99_fen: claims.quantiles.get("0.99").copied().unwrap_or(0),
        claims,
        depletion_probability: depleted as f64 / n,
        expected_shortfall_fen: fen_half_away(shortfall as f64 / n),
        mean_defaults: outcomes.iter().map(|o| f64::from(o.defaults)).sum::<f64>() / n,
    }
}

/// Runs the depletion simulation.
pub fn simulate(
    loans: &[Loan],
    rules: &PoolRules,
    sim: &SimulationParams,
) -> Result<SimulationSummary, PoolError> {
    let pool = PreparedPool::new(loans, rules, sim)?;
    let outcomes = pool.run_all(sim.scenarios);
    Ok(summarise(&outcomes, rules.balance_fen, loans.len()))
}

/// The same in twenty steps, telling `progress` the share of scenarios done after each (the
/// result is identical to [`simulate`]).
pub fn simulate_with_progress(
    loans: &[Loan],
    rules: &PoolRules,
    sim: &SimulationParams,
    progress: &mut dyn FnMut(f64),
) -> Result<SimulationSummary, PoolError> {
    let pool = PreparedPool::new(loans, rules, sim)?;
    let mut outcomes = Vec::with_capacity(sim.scenarios);
    let step = (sim.scenarios / 20).max(1);
    let mut done = 0;
    while done < sim.scenarios {
        let end = (done + step).min(sim.scenarios);
        outcomes.extend(pool.run_range(done as u64..end as u64));
        done = end;
        progress(done as f64 / sim.scenarios as f64);
    }
    Ok(summarise(&outcomes, rules.balance_fen, loans.len()))
}
