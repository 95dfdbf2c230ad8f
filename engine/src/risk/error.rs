//! What can go wrong when scoring: every input error names the row (1-based, counting data rows
//! after the header) and the column, so the person who made the file can find it.

use chrono::NaiveDate;

#[derive(Debug, thiserror::Error)]
pub enum RiskError {
    #[error("{path}: cannot read events: {reason}")]
    Read { path: String, reason: String },
    #[error("events: the column `{column}` is missing (required: {required})")]
    MissingColumn {
        column: &'static str,
        required: &'static str,
    },
    #[error("events: column `{column}` has type {found}, expected {expected}")]
    ColumnType {
        column: &'static str,
        found: String,
        expected: &'static str,
    },
    #[error("events row {row}, column `enterprise_id`: the enterprise id is missing")]
    MissingEnterprise { row: usize },
    #[error("events row {row}, column `event_type`: unknown event type {found:?} (known: {known})")]
    UnknownEventType {
        row: usize,
        found: String,
        known: String,
    },
    #[error("events row {row}, column `event_type`: the event type is missing")]
    MissingEventType { row: usize },
    #[error(
        "events row {row}, column `occurred_on`: {found:?} is not a date in the form YYYY-MM-DD"
    )]
    BadDate { row: usize, found: String },
    #[error("events row {row}, column `occurred_on`: the date is missing")]
    MissingDate { row: usize },
    #[error(
        "events row {row}, column `occurred_on`: {occurred_on} is after the scoring date {as_of}"
    )]
    AfterAsOf {
        row: usize,
        occurred_on: NaiveDate,
        as_of: NaiveDate,
    },
    #[error(
        "event {event_type} of {enterprise_id} on {occurred_on} is after the scoring date {as_of}"
    )]
    EventAfterAsOf {
        enterprise_id: String,
        event_type: crate::risk::EventType,
        occurred_on: NaiveDate,
        as_of: NaiveDate,
    },
    #[error("an event has no enterprise id")]
    EventWithoutEnterprise,
    #[error(
        "events row {row}, column `ref`: the provider's reference is missing (it is what de-duplicates events)"
    )]
    MissingRef { row: usize },
    #[error("events row {row}, column `amount_fen`: {found} is negative")]
    NegativeAmount { row: usize, found: i64 },
    #[error("previous scores row {row}, column `{column}`: {reason}")]
    Previous {
        row: usize,
        column: &'static str,
        reason: String,
    },
    #[error("{0}")]
    Polars(String),
}

impl From<polars::error::PolarsError> for RiskError {
    fn from(e: polars::error::PolarsError) -> Self {
        RiskError::Polars(e.to_string())
    }
}
