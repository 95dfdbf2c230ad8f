//! `/api/enterprise`: the enterprise view (企知宝). Every handler acts for the caller's own
//! enterprise only.

pub mod alerts;
pub mod applications;
pub mod loans;
pub mod patents;
pub mod profile;
pub mod valuations;

use zhirong_engine::valuation::ValuationParams;

/// The parameters of the enterprise's indicative valuation: the model's defaults (a bank values
/// with its own parameter file when it evaluates the collateral).
pub fn valuation_params() -> ValuationParams {
    ValuationParams::default()
}
