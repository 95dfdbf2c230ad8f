//! What can go wrong in a pool simulation. Input errors name the row (1-based data row) and column,
//! or the TOML key.

#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    #[error("{path}: cannot read: {reason}")]
    Read { path: String, reason: String },
    #[error(
        "loans: the column `{column}` is missing (required: loan_id, pd, ead_fen, collateral_fen)"
    )]
    MissingColumn { column: &'static str },
    #[error("loans: column `{column}` has type {found}, expected {expected}")]
    ColumnType {
        column: &'static str,
        found: String,
        expected: &'static str,
    },
    #[error("loans row {row}, column `{column}`: {reason}")]
    LoanField {
        row: usize,
        column: &'static str,
        reason: String,
    },
    #[error("loans: no loans to simulate")]
    NoLoans,
    #[error("pool rules: {0}")]
    Rules(String),
    #[error("pool rules, `{field}`: {reason}")]
    RuleField { field: &'static str, reason: String },
    #[error("simulation setting `{field}`: {reason}")]
    Setting { field: &'static str, reason: String },
    #[error("stress scenario: {0}")]
    Stress(String),
    #[error("{0}")]
    Polars(String),
}

impl From<polars::error::PolarsError> for PoolError {
    fn from(e: polars::error::PolarsError) -> Self {
        PoolError::Polars(e.to_string())
    }
}
