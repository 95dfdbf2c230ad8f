//! What can go wrong in the scorecard toolkit. Messages name the column, the row (1-based, as a
//! person counts data rows) and the value, so a bank's analyst can fix the input.

use std::path::Path;

/// A scorecard failure. `is_user_error` splits bad input (the caller's to fix) from our failures.
#[derive(Debug, thiserror::Error)]
pub enum ScorecardError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{context}: {message}")]
    Polars { context: String, message: String },
    #[error("{path}: unsupported file type (expected .csv, .parquet or .arff)")]
    UnsupportedFormat { path: String },
    #[error("{path}, line {line}: {message}")]
    Arff {
        path: String,
        line: usize,
        message: String,
    },
    #[error(
        "the table has {rows} rows and {columns} columns: at most {max_columns} columns and {max_cells} values (rows × columns) are read from an upload; send a sample"
    )]
    TableTooLarge {
        rows: usize,
        columns: usize,
        max_cells: usize,
        max_columns: usize,
    },
    #[error("target column {0:?} is not in the data")]
    TargetMissing(String),
    #[error("column {0:?} is not in the data")]
    ColumnMissing(String),
    #[error(
        "target column {column:?} must have exactly two values (bad and good); it has {count}: {examples}"
    )]
    TargetNotBinary {
        column: String,
        count: usize,
        examples: String,
    },
    #[error("target column {column:?} is missing in {count} rows (first: row {first_row})")]
    TargetHasMissing {
        column: String,
        count: usize,
        first_row: usize,
    },
    #[error("the bad value {bad:?} is not one of the target's values ({values})")]
    BadValueUnknown { bad: String, values: String },
    #[error(
        "target column {column:?} has the values {first:?} and {second:?}: say which one is bad with --bad"
    )]
    BadValueAmbiguous {
        column: String,
        first: String,
        second: String,
    },
    #[error("target column {column:?} has only {bad} bad and {good} good rows: both are needed")]
    TargetOneClass {
        column: String,
        bad: usize,
        good: usize,
    },
    #[error(
        "column {0:?} has no values (every value is missing): leave it out with --exclude or fill it"
    )]
    AllMissing(String),
    #[error("breaks for {variable:?}: {message}")]
    Breaks { variable: String, message: String },
    #[error("breaks file: {0}")]
    BreaksJson(String),
    #[error("no variable is left to model: {0}")]
    NoVariables(String),
    #[error("logistic regression did not converge in {0} iterations (perfect separation?)")]
    NotConverged(usize),
    #[error(
        "logistic regression: the information matrix is singular (two variables carry the same information?)"
    )]
    Singular,
    #[error("row {row}: {variable:?} is {value:?}, a category the model did not see in training")]
    UnseenCategory {
        row: usize,
        variable: String,
        value: String,
    },
    #[error("row {row}: {variable:?} is missing and the model has no bin for missing values")]
    MissingValue { row: usize, variable: String },
    #[error(
        "column {variable:?} holds text ({value:?} in row {row}) but the model bins it as a number"
    )]
    NotNumeric {
        row: usize,
        variable: String,
        value: String,
    },
    #[error("model file: {0}")]
    ModelJson(String),
    #[error(
        "model file is {found}; this build reads {expected} (refit the model or use a matching build)"
    )]
    ModelVersion { found: String, expected: String },
    #[error("{0}")]
    Invalid(String),
}

impl ScorecardError {
    pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Self + '_ {
        move |source| Self::Io {
            path: path.display().to_string(),
            source,
        }
    }

    pub(crate) fn polars(
        context: impl Into<String>,
    ) -> impl FnOnce(polars::prelude::PolarsError) -> Self {
        let context = context.into();
        move |e| Self::Polars {
            context,
            message: e.to_string(),
        }
    }

    /// True when the input, not the program or the machine, is at fault.
    pub fn is_user_error(&self) -> bool {
        match self {
            Self::Polars { .. } => false,
            Self::Io { source, .. } => matches!(
                source.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied
            ),
            _ => true,
        }
    }
}

pub type Result<T> = std::result::Result<T, ScorecardError>;
