//! Patent collateral valuation, model zr-val-1 (docs: VALUATION.md).
//!
//! - [`params`]: the parameter set, TOML overrides and its digest;
//! - [`input`]: the input schema check, which turns a raw frame into a typed one or a list of
//!   problems that names row, column and reason, and the value rules it applies (which the
//!   service applies to the patents it is given);
//! - [`model`]: the vectorised model as Polars lazy expressions (the batch path);
//! - [`explain`]: the same model as a scalar function with the full waterfall (the reference the
//!   batch path is tested against, and what `--explain` shows);
//! - [`synthetic`]: deterministic synthetic patents for benchmarks and tests.

pub mod explain;
pub mod input;
pub mod model;
pub mod params;
pub mod synthetic;

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use explain::{Explanation, explain_patent};
pub use input::InvalidRows;
pub use input::{RejectedRow, Validated, ValueProblem, validate};
pub use model::{BatchOutcome, value_batch, value_frame, value_lazy};
pub use params::ValuationParams;
pub use synthetic::synthetic;

/// Patent type (专利类型). The spelling of VALUATION.md's input is the one the service stores and
/// shows as well: `as_str`, `FromStr`, the `String` conversions and serde all use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PatentType {
    /// 发明
    Invention,
    /// 实用新型
    UtilityModel,
    /// 外观设计
    Design,
}

impl PatentType {
    pub const ALL: [PatentType; 3] = [Self::Invention, Self::UtilityModel, Self::Design];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invention => "invention",
            Self::UtilityModel => "utility_model",
            Self::Design => "design",
        }
    }

    /// Parses the input spelling; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// A `patent_type` that is not one of the three.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown patent_type '{0}' (expected invention, utility_model or design)")]
pub struct UnknownPatentType(pub String);

impl FromStr for PatentType {
    type Err = UnknownPatentType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or_else(|| UnknownPatentType(s.to_owned()))
    }
}

impl TryFrom<String> for PatentType {
    type Error = UnknownPatentType;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s).ok_or(UnknownPatentType(s))
    }
}

impl From<PatentType> for String {
    fn from(t: PatentType) -> String {
        t.as_str().to_owned()
    }
}

impl fmt::Display for PatentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Legal status (法律状态), spelled as [`PatentType`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalStatus {
    Valid,
    UnderInvalidation,
    Pending,
    Lapsed,
    Invalidated,
    Expired,
}

impl LegalStatus {
    pub const ALL: [LegalStatus; 6] = [
        Self::Valid,
        Self::UnderInvalidation,
        Self::Pending,
        Self::Lapsed,
        Self::Invalidated,
        Self::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::UnderInvalidation => "under_invalidation",
            Self::Pending => "pending",
            Self::Lapsed => "lapsed",
            Self::Invalidated => "invalidated",
            Self::Expired => "expired",
        }
    }

    /// The statuses of a right in force: valid, or under an invalidation request not yet decided
    /// (the statuses with a legal factor above 0).
    pub const IN_FORCE: [LegalStatus; 2] = [Self::Valid, Self::UnderInvalidation];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The right is gone for good: lapsed, invalidated or expired (a pending application may
    /// still be granted, a patent under invalidation may survive it).
    pub fn has_ended(self) -> bool {
        matches!(self, Self::Lapsed | Self::Invalidated | Self::Expired)
    }
}

/// A `legal_status` that is not one of the six.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown legal_status '{0}' (expected valid, under_invalidation, pending, lapsed, invalidated or expired)"
)]
pub struct UnknownLegalStatus(pub String);

impl FromStr for LegalStatus {
    type Err = UnknownLegalStatus;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or_else(|| UnknownLegalStatus(s.to_owned()))
    }
}

impl TryFrom<String> for LegalStatus {
    type Error = UnknownLegalStatus;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s).ok_or(UnknownLegalStatus(s))
    }
}

impl From<LegalStatus> for String {
    fn from(s: LegalStatus) -> String {
        s.as_str().to_owned()
    }
}

impl fmt::Display for LegalStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One validated input row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatentInput {
    pub patent_id: String,
    pub patent_type: PatentType,
    pub filing_date: NaiveDate,
    pub grant_date: Option<NaiveDate>,
    pub legal_status: LegalStatus,
    pub ipc_main: Option<String>,
    pub claims: i64,
    pub forward_citations: i64,
    pub backward_citations: i64,
    pub family_size: i64,
    pub inventors: i64,
    pub transfers: i64,
    pub licenses: i64,
    pub litigations: i64,
    pub invalidation_requests: i64,
    pub fee_paid_until: Option<NaiveDate>,
    pub revenue_fen: Option<i64>,
    pub royalty_rate: Option<f64>,
}

/// One output row of the model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Valuation {
    pub patent_id: String,
    pub term_years: i32,
    pub remaining_years: f64,
    pub lvd: f64,
    pub tvd: f64,
    pub evd: f64,
    pub pvd: f64,
    pub royalty_rate: f64,
    pub economic_life: f64,
    pub discount_rate: f64,
    pub appraised_fen: i64,
    pub legal_factor: f64,
    pub fee_factor: f64,
    pub pledge_rate: f64,
    pub eligible: bool,
    pub collateral_fen: i64,
    pub flags: String,
    pub model_version: String,
}

/// Values one patent with the scalar reference implementation.
pub fn value_patent(p: &PatentInput, as_of: NaiveDate, params: &ValuationParams) -> Valuation {
    explain_patent(p, as_of, params).valuation()
}

/// Totals of a pledge package (several patents pledged for one loan).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PledgePackage {
    pub patents: usize,
    pub eligible: usize,
    pub appraised_fen: i64,
    /// Σ collateral_fen before the product cap
    pub collateral_fen: i64,
    /// Σ collateral_fen capped at the product limit
    pub credit_line_fen: i64,
    pub capped: bool,
}

/// Credit line of a pledge package: Σ collateral_fen, capped at `params.product_cap_fen`.
/// Sums saturate rather than wrap, so an absurd input cannot turn into a small credit line.
pub fn pledge_package<'a>(
    valuations: impl IntoIterator<Item = &'a Valuation>,
    params: &ValuationParams,
) -> PledgePackage {
    let mut package = PledgePackage {
        patents: 0,
        eligible: 0,
        appraised_fen: 0,
        collateral_fen: 0,
        credit_line_fen: 0,
        capped: false,
    };
    for v in valuations {
        package.patents += 1;
        package.eligible += usize::from(v.eligible);
        package.appraised_fen = package.appraised_fen.saturating_add(v.appraised_fen);
        package.collateral_fen = package.collateral_fen.saturating_add(v.collateral_fen);
    }
    package.credit_line_fen = package.collateral_fen.min(params.product_cap_fen);
    package.capped = package.collateral_fen > params.product_cap_fen;
    package
}
