//! Enterprise risk monitoring, model zr-risk-1 (RISK.md §1): risk events of four kinds (operating,
//! judicial, credit, the pledged IP) decay with their half-lives into four dimension scores, a
//! composite and a rating; a severe event floors the rating; a change between two scorings raises
//! alerts. Batch ([`score_batch`]) and incremental ([`RiskMonitor::record`]) scoring share one kernel
//! and give identical figures.
//!
//! `as_of` is always explicit. Events dated after it are an input error when read from a file
//! ([`io::read_events`]) or recorded ([`RiskMonitor::record`]); the kernel itself ignores them, as the
//! formula in RISK.md says, so re-scoring a history as of an earlier date stays possible.

pub mod error;
pub mod explain;
pub mod io;
pub mod model;
pub mod params;

#[cfg(test)]
mod tests;

pub use error::RiskError;
pub use explain::{Contribution, Explanation, explain};
pub use model::{
    Alert, AlertKind, EnterpriseEvents, EnterpriseScore, Previous, Rescore, RiskEvent, RiskMonitor,
    alerts, score_batch, score_enterprise,
};
pub use params::{Dimension, EventType, Rating, RiskParams};

/// Model version string, stored with every result.
pub const RISK_MODEL: &str = "zr-risk-1";

/// Column names of the event input and the score output.
pub mod columns {
    pub const ENTERPRISE_ID: &str = "enterprise_id";
    pub const EVENT_TYPE: &str = "event_type";
    pub const OCCURRED_ON: &str = "occurred_on";
    pub const AMOUNT_FEN: &str = "amount_fen";
    pub const SOURCE: &str = "source";
    pub const REF: &str = "ref";
    pub const OPERATING: &str = "operating";
    pub const JUDICIAL: &str = "judicial";
    pub const CREDIT: &str = "credit";
    pub const IP: &str = "ip";
    pub const COMPOSITE: &str = "composite";
    pub const RATING: &str = "rating";
}
