//! Loans, risk-compensation pools and loss sharing (RISK.md §3): the waterfall of one loss between
//! the pool, the bank, the guarantor and the insurer; each loan's expected loss; the pool depletion
//! Monte Carlo (one-factor Gaussian copula, seeded, parallel over scenarios, the same figures on any
//! number of threads); and stress scenarios that re-value the collateral, list LTV breaches and
//! re-simulate.

pub mod error;
pub mod explain;
pub mod io;
pub mod model;
pub mod normal;
pub mod params;
pub mod random;
pub mod stress;

#[cfg(test)]
mod tests;

pub use error::PoolError;
pub use explain::{Figures, SimulationReport, report, report_with_progress};
pub use model::{
    Loan, LoanExpectation, LossSplit, PreparedPool, SimulationSummary, expectations, share_loss,
    simulate, simulate_with_progress,
};
pub use params::{PoolRules, SimulationParams, StressScenario};
pub use stress::{LtvBreach, Revalue, SectionShock, StressOutcome, stress_test};

/// Model version string, stored with every result.
pub const POOL_MODEL: &str = "zr-pool-1";

/// Column names of the loans input.
pub mod columns {
    pub const LOAN_ID: &str = "loan_id";
    pub const PD: &str = "pd";
    pub const EAD_FEN: &str = "ead_fen";
    pub const COLLATERAL_FEN: &str = "collateral_fen";
    pub const IPC_SECTION: &str = "ipc_section";
    pub const PATENT_ID: &str = "patent_id";
}
