//! Use cases between the handlers (or the CLI) and the database, one folder per business object
//! (not per audience: the audiences are route prefixes and guards in `routes/`). Each use case
//! validates, enforces who may do what, writes in one transaction and appends to the audit log.

pub mod alerts;
pub mod applications;
pub mod auth;
pub mod claims;
pub mod disposals;
pub mod financials;
pub mod loans;
pub mod monitoring;
pub mod organisations;
pub mod patent_changes;
pub mod patents;
pub mod pledges;
pub mod pools;
pub mod proposals;
pub mod reports;
pub mod risk;
pub mod scorecards;
pub mod users;
pub mod valuations;
pub mod whitelist;

use crate::error::{ApiError, bad};

/// The status a list is filtered by (`?status=`), read as its enum: 400 `INVALID_STATUS` on the
/// field `status`, naming the statuses `allowed`, for any other spelling.
pub fn status_filter<S: Copy + PartialEq + std::fmt::Display>(
    status: Option<&str>,
    parse: fn(&str) -> Option<S>,
    allowed: &[S],
) -> Result<Option<S>, ApiError> {
    let Some(s) = status else {
        return Ok(None);
    };
    parse(s)
        .filter(|s| allowed.contains(s))
        .map(Some)
        .ok_or_else(|| {
            let names: Vec<String> = allowed.iter().map(ToString::to_string).collect();
            bad(
                "INVALID_STATUS",
                format!("status is one of {}", names.join(", ")),
                "status",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::status::{ApplicationStatus, LoanStatus};

    #[test]
    fn a_status_filter_reads_the_enum_and_names_the_statuses_allowed_otherwise() {
        assert_eq!(
            status_filter(Some("overdue"), LoanStatus::parse, LoanStatus::ALL).ok(),
            Some(Some(LoanStatus::Overdue))
        );
        assert_eq!(
            status_filter(None, LoanStatus::parse, LoanStatus::ALL).ok(),
            Some(None)
        );
        let sent = applications::queue::STATUSES;
        match status_filter(Some("draft"), ApplicationStatus::parse, &sent) {
            Err(ApiError::BadRequest {
                code,
                message,
                field,
            }) => {
                assert_eq!(code, "INVALID_STATUS");
                assert_eq!(
                    message,
                    "status is one of submitted, under_review, approved, rejected, withdrawn"
                );
                assert_eq!(field.as_deref(), Some("status"));
            }
            other => panic!("{other:?}"),
        }
    }
}
