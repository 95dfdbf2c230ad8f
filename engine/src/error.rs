//! The engine's error type.
//!
//! One enum so the CLI and the service map engine failures once: `BadInput` and `PatentXml` are the
//! user's fault (exit status 2 / HTTP 4xx), the rest are I/O or internal failures. Every variant
//! that comes from a file names the file.

use std::fmt;
use std::path::PathBuf;

use polars::error::PolarsError;

/// How many input problems an error message lists before it only counts the rest.
pub const LISTED_PROBLEMS: usize = 10;

/// One problem with one input value (or with the header when `row` is `None`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InputProblem {
    /// 1-based data row (the header is not counted); `None` for a problem with the file as a whole.
    pub row: Option<usize>,
    pub column: String,
    pub problem: String,
}

impl fmt::Display for InputProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.row {
            Some(row) => write!(f, "row {row}, column {}: {}", self.column, self.problem),
            None => write!(f, "column {}: {}", self.column, self.problem),
        }
    }
}

/// A rejected batch: the first [`LISTED_PROBLEMS`] problems and how many more there were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadInput {
    /// The file (or a description of the in-memory source).
    pub source_name: String,
    pub problems: Vec<InputProblem>,
    /// Problems found beyond the listed ones.
    pub more: usize,
}

impl BadInput {
    /// Keeps the first [`LISTED_PROBLEMS`] problems and counts the rest.
    pub fn new(source_name: impl Into<String>, mut all: Vec<InputProblem>) -> Self {
        let more = all.len().saturating_sub(LISTED_PROBLEMS);
        all.truncate(LISTED_PROBLEMS);
        Self {
            source_name: source_name.into(),
            problems: all,
            more,
        }
    }

    pub fn total(&self) -> usize {
        self.problems.len() + self.more
    }
}

impl fmt::Display for BadInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.total();
        let noun = if total == 1 { "problem" } else { "problems" };
        write!(
            f,
            "{}: invalid valuation input, {total} {noun}; the batch is rejected",
            self.source_name
        )?;
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        if self.more > 0 {
            write!(f, "\n  ... and {} more", self.more)?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("{0}")]
    BadInput(BadInput),

    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A Polars failure while reading, computing or writing; `context` says what and where.
    #[error("{context}: {source}")]
    Polars {
        context: String,
        #[source]
        source: PolarsError,
    },

    #[error("{path}: unsupported file type (expected a .csv or .parquet file name)")]
    UnsupportedFormat { path: PathBuf },

    #[error("{source_name}: invalid valuation parameters: {message}")]
    Params {
        source_name: String,
        message: String,
    },

    /// A USPTO grant document that cannot be read.
    #[error("{path}: document {index} ({doc_number}): {message}")]
    PatentXml {
        path: PathBuf,
        /// 1-based position of the document in the file.
        index: usize,
        /// The publication number when it was read before the failure, else "doc-number unknown".
        doc_number: String,
        message: String,
    },

    #[error("{source_name}: patent {patent_id} not found")]
    PatentNotFound {
        source_name: String,
        patent_id: String,
    },

    #[error("{source_name}: patent {patent_id} cannot be valued: {reasons}")]
    PatentRejected {
        source_name: String,
        patent_id: String,
        reasons: String,
    },
}

impl EngineError {
    pub(crate) fn polars(context: impl Into<String>) -> impl FnOnce(PolarsError) -> Self {
        let context = context.into();
        move |source| EngineError::Polars { context, source }
    }

    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| EngineError::Io { path, source }
    }

    /// True when the failure is the caller's input (the CLI exits with status 2).
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            EngineError::BadInput(_)
                | EngineError::PatentXml { .. }
                | EngineError::Params { .. }
                | EngineError::PatentNotFound { .. }
                | EngineError::PatentRejected { .. }
                | EngineError::UnsupportedFormat { .. }
        )
    }
}

pub type Result<T, E = EngineError> = std::result::Result<T, E>;
