//! A pool's loss-sharing rules, the simulation settings and stress scenarios, each read from TOML with
//! unknown keys refused (a misspelt key must not fall back to a default silently).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::error::PoolError;

/// RISK.md §3 defaults.
pub const DEFAULT_GOV_SHARE: f64 = 0.40;
pub const DEFAULT_RHO: f64 = 0.15;
pub const DEFAULT_RECOVERY_RATE: f64 = 0.5;
pub const DEFAULT_LEVERAGE_LIMIT: f64 = 10.0;
pub const DEFAULT_LTV_LIMIT: f64 = 0.5;

/// One pool's rules as they stand for the loans simulated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolRules {
    /// Money in the pool, fen.
    pub balance_fen: i64,
    /// The pool's share of a loss (default 0.40).
    #[serde(default = "default_gov_share")]
    pub gov_share: f64,
    /// The most the pool pays on one loan, fen.
    pub per_loan_cap_fen: i64,
    /// The other parties' shares. When none is given, bank and guarantor split the rest equally
    /// (0.30 each with the default gov_share); when any is given, the four must add up to 1.
    #[serde(default)]
    pub bank_share: Option<f64>,
    #[serde(default)]
    pub guarantor_share: Option<f64>,
    #[serde(default)]
    pub insurer_share: Option<f64>,
    /// Covered outstanding loans may be at most this multiple of the pool (default 10).
    #[serde(default = "default_leverage_limit")]
    pub leverage_limit: f64,
}

fn default_gov_share() -> f64 {
    DEFAULT_GOV_SHARE
}

fn default_leverage_limit() -> f64 {
    DEFAULT_LEVERAGE_LIMIT
}

/// The four shares of a loss, adding up to 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Shares {
    pub gov: f64,
    pub bank: f64,
    pub guarantor: f64,
    pub insurer: f64,
}

impl PoolRules {
    pub fn parse_toml(text: &str) -> Result<PoolRules, PoolError> {
        let rules: PoolRules =
            toml::from_str(text).map_err(|e| PoolError::Rules(one_line(&e.to_string())))?;
        rules.validate()?;
        Ok(rules)
    }

    pub fn validate(&self) -> Result<(), PoolError> {
        let bad = |field: &'static str, reason: String| Err(PoolError::RuleField { field, reason });
        if self.balance_fen < 0 {
            return bad("balance_fen", format!("{} is negative", self.balance_fen));
        }
        if self.per_loan_cap_fen < 0 {
            return bad(
                "per_loan_cap_fen",
                format!("{} is negative", self.per_loan_cap_fen),
            );
        }
        for (field, v) in [
            ("gov_share", Some(self.gov_share)),
            ("bank_share", self.bank_share),
            ("guarantor_share", self.guarantor_share),
            ("insurer_share", self.insurer_share),
        ] {
            if let Some(v) = v
                && !(0.0..=1.0).contains(&v)
            {
                return bad(field, format!("{v} is not between 0 and 1"));
            }
        }
        if self.leverage_limit.is_nan() || self.leverage_limit <= 0.0 {
            return bad(
                "leverage_limit",
                format!("{} is not positive", self.leverage_limit),
            );
        }
        let s = self.shares();
        let total = s.gov + s.bank + s.guarantor + s.insurer;
        if (total - 1.0).abs() > 1e-9 {
            return bad(
                "bank_share",
                format!(
                    "gov + bank + guarantor + insurer shares add up to {total}, not 1 ({} + {} + {} + {})",
                    s.gov, s.bank, s.guarantor, s.insurer
                ),
            );
        }
        Ok(())
    }

    pub fn shares(&self) -> Shares {
        let given = self.bank_share.is_some()
            || self.guarantor_share.is_some()
            || self.insurer_share.is_some();
        if given {
            Shares {
                gov: self.gov_share,
                bank: self.bank_share.unwrap_or(0.0),
                guarantor: self.guarantor_share.unwrap_or(0.0),
                insurer: self.insurer_share.unwrap_or(0.0),
            }
        } else {
            let rest = (1.0 - self.gov_share) / 2.0;
            Shares {
                gov: self.gov_share,
                bank: rest,
                guarantor: rest,
                insurer: 0.0,
            }
        }
    }
}

/// How a simulation is run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimulationParams {
    pub scenarios: usize,
    pub seed: u64,
    /// Asset correlation of the one-factor copula (default 0.15).
    pub rho: f64,
    /// The share of the collateral value recovered on disposal (default 0.5).
    pub recovery_rate: f64,
    /// Years; a PD is a one-year PD and becomes `1 − (1 − PD)^h`.
    pub horizon_years: f64,
}

impl SimulationParams {
    pub fn new(scenarios: usize, seed: u64) -> Self {
        Self {
            scenarios,
            seed,
            rho: DEFAULT_RHO,
            recovery_rate: DEFAULT_RECOVERY_RATE,
            horizon_years: 1.0,
        }
    }

    pub fn validate(&self) -> Result<(), PoolError> {
        let bad = |field: &'static str, reason: String| Err(PoolError::Setting { field, reason });
        if self.scenarios == 0 {
            return bad("scenarios", "must be at least 1".to_string());
        }
        if !(0.0..1.0).contains(&self.rho) {
            return bad(
                "rho",
                format!(
                    "{} is not in [0, 1) (ρ = 1 leaves no idiosyncratic risk)",
                    self.rho
                ),
            );
        }
        if !(0.0..=1.0).contains(&self.recovery_rate) {
            return bad(
                "recovery_rate",
                format!("{} is not between 0 and 1", self.recovery_rate),
            );
        }
        if !(self.horizon_years > 0.0 && self.horizon_years.is_finite()) {
            return bad(
                "horizon_years",
                format!("{} is not a positive number of years", self.horizon_years),
            );
        }
        Ok(())
    }
}

/// A stress scenario: what a downturn does to collateral, PDs and correlation.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StressScenario {
    #[serde(default)]
    pub name: String,
    /// PDs are multiplied by this (capped at 1); default 1.
    #[serde(default)]
    pub pd_multiplier: Option<f64>,
    /// ρ under stress (replaces the base ρ).
    #[serde(default)]
    pub rho: Option<f64>,
    /// A loan breaks its limit when EAD > ltv_limit · collateral (default 0.5).
    #[serde(default)]
    pub ltv_limit: Option<f64>,
    /// The fall of collateral value by IPC section letter (A–H), 0–1: `H = 0.3` is a 30 % fall.
    #[serde(default)]
    pub value_shock: BTreeMap<String, f64>,
    /// Patents (the loans' `patent_id`) marked lapsed: their collateral is worth nothing.
    #[serde(default)]
    pub lapsed_patents: Vec<String>,
}

impl StressScenario {
    pub fn parse_toml(text: &str) -> Result<StressScenario, PoolError> {
        let s: StressScenario =
            toml::from_str(text).map_err(|e| PoolError::Stress(one_line(&e.to_string())))?;
        s.validate()?;
        Ok(s)
    }

    pub fn validate(&self) -> Result<(), PoolError> {
        let bad = |reason: String| Err(PoolError::Stress(reason));
        if let Some(m) = self.pd_multiplier
            && !(m >= 0.0 && m.is_finite())
        {
            return bad(format!("pd_multiplier {m} is not a non-negative number"));
        }
        if let Some(r) = self.rho
            && !(0.0..1.0).contains(&r)
        {
            return bad(format!("rho {r} is not in [0, 1)"));
        }
        if let Some(l) = self.ltv_limit
            && !(l > 0.0 && l.is_finite())
        {
            return bad(format!("ltv_limit {l} is not positive"));
        }
        for (section, fall) in &self.value_shock {
            if !is_ipc_section(section) {
                return bad(format!(
                    "value_shock: {section:?} is not an IPC section (A to H)"
                ));
            }
            if !(0.0..=1.0).contains(fall) {
                return bad(format!(
                    "value_shock.{section} = {fall} is not a fall between 0 and 1"
                ));
            }
        }
        Ok(())
    }

    pub fn ltv_limit(&self) -> f64 {
        self.ltv_limit.unwrap_or(DEFAULT_LTV_LIMIT)
    }
}

pub(crate) fn is_ipc_section(s: &str) -> bool {
    matches!(s, "A" | "B" | "C" | "D" | "E" | "F" | "G" | "H")
}

/// TOML errors span several lines (the offending source line and a caret); one line is enough here.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// SHA-256 over everything that determines a simulation's figures except the loans.
pub fn params_digest(
    rules: &PoolRules,
    sim: &SimulationParams,
    stress: Option<&StressScenario>,
) -> String {
    let mut h = Sha256::new();
    h.update(super::POOL_MODEL.as_bytes());
    h.update(serde_json::to_vec(rules).unwrap_or_default());
    h.update(serde_json::to_vec(sim).unwrap_or_default());
    h.update(serde_json::to_vec(&stress).unwrap_or_default());
    hex::encode(h.finalize())
}
