//! What the proposal routes of a bank (`bank/proposals.rs`) and of a district
//! (`gov/proposals.rs`) take: the list's filter and the body of a decision.

use serde::Deserialize;

use crate::error::ApiError;
use crate::services::proposals::parse_status;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// pending, approved or sent_back
    pub status: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionNote {
    /// Why, especially when sending back.
    pub note: Option<String>,
}

impl ListQuery {
    /// The status asked for, checked (the service reads it as a `ProposalStatus`).
    pub fn status(self) -> Result<Option<String>, ApiError> {
        if let Some(s) = &self.status {
            parse_status(s)?;
        }
        Ok(self.status)
    }
}

impl DecisionNote {
    /// The note of an optional body.
    pub fn note_of(body: Option<actix_web::web::Json<DecisionNote>>) -> Option<String> {
        body.and_then(|b| b.into_inner().note)
    }
}
