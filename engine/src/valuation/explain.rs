//! The scalar reference implementation of zr-val-1 and the per-patent waterfall.
//!
//! This is the model written once more, row by row, in plain Rust and in the order of
//! VALUATION.md. It is what a reviewer recomputes by hand, what `--explain` prints, and what the
//! tests hold the vectorised Polars model (`model.rs`) against. Both implementations evaluate
//! every float expression in the same order, so they agree to the last bit, not just to 1e-9.

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

use super::params::ValuationParams;
use super::{LegalStatus, PatentInput, PatentType, Valuation};
use crate::VALUATION_MODEL;

/// Days per year when turning remaining days into years.
pub(crate) const DAYS_PER_YEAR: f64 = 365.25;

/// Saturation score s(x, m) = x / (x + m) for x > 0, else 0.
pub fn saturation(x: f64, median: f64) -> f64 {
    if x > 0.0 { x / (x + median) } else { 0.0 }
}

/// `date` plus `years` calendar years; 29 February becomes 28 February in a common year.
pub fn add_years_clamped(date: NaiveDate, years: i32) -> NaiveDate {
    let year = date.year() + years;
    NaiveDate::from_ymd_opt(year, date.month(), date.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 2, 28))
        .unwrap_or(NaiveDate::MAX)
}

/// `date` plus `months` calendar months, a day past the end of a shorter month clamped to its
/// last day (chrono's `checked_add_months` does exactly that).
pub fn add_months_clamped(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// Statutory term in years (design: 10 or 15 around the 2021-06-01 amendment).
pub fn term_years(
    patent_type: PatentType,
    filing_date: NaiveDate,
    params: &ValuationParams,
) -> i32 {
    let t = &params.terms;
    match patent_type {
        PatentType::Invention => t.invention,
        PatentType::UtilityModel => t.utility_model,
        PatentType::Design if filing_date >= t.design_change_date => t.design_from,
        PatentType::Design => t.design_before,
    }
}

/// The IPC section letter of a main IPC (its first non-blank character, upper-cased).
pub fn ipc_section(ipc_main: Option<&str>) -> Option<char> {
    ipc_main
        .and_then(|s| s.trim_start().chars().next())
        .map(|c| c.to_ascii_uppercase())
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermStep {
    pub patent_type: PatentType,
    pub filing_date: NaiveDate,
    pub term_years: i32,
    pub expiry: NaiveDate,
    /// days from `as_of` to expiry, negative once expired
    pub days_to_expiry: i64,
    pub remaining_years: f64,
}

/// One indicator's path into PVD.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorStep {
    /// `legal`, `technical` or `economic`
    pub degree: &'static str,
    pub indicator: &'static str,
    /// the indicator as it enters the score (e.g. family_size − 1)
    pub value: f64,
    /// reference median of the saturation; `None` for life and stability, which are ratios
    pub median: Option<f64>,
    /// score in 0..=1
    pub score: f64,
    /// weight within its degree
    pub weight: f64,
    /// points added to its degree (0–100 scale) = 100 × weight × score
    pub degree_points: f64,
    /// weight of the degree in PVD
    pub degree_weight: f64,
    /// points added to PVD = degree_weight × degree_points; these add up to PVD exactly
    pub pvd_points: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoyaltyStep {
    pub ipc_section: Option<char>,
    pub base_rate: f64,
    /// 0.5 + PVD / 100
    pub pvd_multiplier: f64,
    /// the agreed rate of the input row, which overrides base × multiplier
    pub agreed_rate: Option<f64>,
    pub royalty_rate: f64,
}

/// One year of the discounted royalty stream.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StreamYear {
    pub year: u32,
    /// share of the year inside the economic life: 1, or the fraction of the last year
    pub weight: f64,
    /// ((1 + g)(1 − d))^t
    pub growth_factor: f64,
    /// (1 + discount_rate)^t
    pub discount_factor: f64,
    /// weight × R0 × growth_factor, in fen before any rounding (only the appraised total is
    /// rounded to a whole fen)
    pub revenue: f64,
    /// present value of the after-tax royalty of the year, in fen before any rounding
    pub present_value: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncomeStep {
    pub revenue_fen: Option<i64>,
    pub life_cap: f64,
    pub economic_life: f64,
    /// n = ceil(economic_life)
    pub years: u32,
    pub discount_rate: f64,
    pub growth: f64,
    pub decay: f64,
    pub tax: f64,
    pub stream: Vec<StreamYear>,
    pub appraised: f64,
    pub appraised_fen: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeState {
    Unknown,
    Paid,
    Grace,
    Lapsed,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeeStep {
    pub fee_paid_until: Option<NaiveDate>,
    /// last day of the grace period (F + grace months, clamped)
    pub grace_ends: Option<NaiveDate>,
    pub state: FeeState,
    pub fee_factor: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CollateralStep {
    pub legal_status: LegalStatus,
    pub legal_factor: f64,
    pub fee: FeeStep,
    pub pledge_rate: f64,
    pub min_remaining_years: f64,
    pub eligible: bool,
    /// why it is not eligible, empty when eligible
    pub refusals: Vec<&'static str>,
    pub collateral_fen: i64,
}

/// The full waterfall for one patent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub patent_id: String,
    pub as_of: NaiveDate,
    pub model_version: &'static str,
    pub params_digest: String,
    pub term: TermStep,
    pub indicators: Vec<IndicatorStep>,
    pub lvd: f64,
    pub tvd: f64,
    pub evd: f64,
    pub pvd: f64,
    pub royalty: RoyaltyStep,
    pub income: IncomeStep,
    pub collateral: CollateralStep,
    pub flags: Vec<&'static str>,
}

impl Explanation {
    /// The output row of the model for this patent.
    pub fn valuation(&self) -> Valuation {
        Valuation {
            patent_id: self.patent_id.clone(),
            term_years: self.term.term_years,
            remaining_years: self.term.remaining_years,
            lvd: self.lvd,
            tvd: self.tvd,
            evd: self.evd,
            pvd: self.pvd,
            royalty_rate: self.royalty.royalty_rate,
            economic_life: self.income.economic_life,
            discount_rate: self.income.discount_rate,
            appraised_fen: self.income.appraised_fen,
            legal_factor: self.collateral.legal_factor,
            fee_factor: self.collateral.fee.fee_factor,
            pledge_rate: self.collateral.pledge_rate,
            eligible: self.collateral.eligible,
            collateral_fen: self.collateral.collateral_fen,
            flags: self.flags.join(","),
            model_version: VALUATION_MODEL.to_owned(),
        }
    }
}

pub(crate) fn stability(status: LegalStatus, params: &ValuationParams) -> f64 {
    let s = &params.stability;
    match status {
        LegalStatus::Valid => s.valid,
        LegalStatus::UnderInvalidation => s.under_invalidation,
        LegalStatus::Pending => s.pending,
        LegalStatus::Lapsed => s.lapsed,
        LegalStatus::Invalidated => s.invalidated,
        LegalStatus::Expired => s.expired,
    }
}

pub(crate) fn legal_factor(status: LegalStatus, params: &ValuationParams) -> f64 {
    let s = &params.legal_factors;
    match status {
        LegalStatus::Valid => s.valid,
        LegalStatus::UnderInvalidation => s.under_invalidation,
        LegalStatus::Pending => s.pending,
        LegalStatus::Lapsed => s.lapsed,
        LegalStatus::Invalidated => s.invalidated,
        LegalStatus::Expired => s.expired,
    }
}

pub(crate) fn pledge_rate(patent_type: PatentType, params: &ValuationParams) -> f64 {
    let p = &params.pledge_rates;
    match patent_type {
        PatentType::Invention => p.invention,
        PatentType::UtilityModel => p.utility_model,
        PatentType::Design => p.design,
    }
}

/// risk-free + risk premium + type premium, added in that order (the Polars model does the same).
pub(crate) fn discount_rate(patent_type: PatentType, params: &ValuationParams) -> f64 {
    let d = &params.discount;
    let premium = match patent_type {
        PatentType::Invention => d.type_premium.invention,
        PatentType::UtilityModel => d.type_premium.utility_model,
        PatentType::Design => d.type_premium.design,
    };
    d.risk_free + d.risk_premium + premium
}

/// ((1 + g)(1 − d))^t for t = 1..=years; index 0 is year 1.
pub(crate) fn growth_factors(params: &ValuationParams, years: u32) -> Vec<f64> {
    let q = (1.0 + params.income.growth) * (1.0 - params.income.decay);
    (1..=years).map(|t| q.powi(t as i32)).collect()
}

/// (1 + r)^t for t = 1..=years.
pub(crate) fn discount_factors(rate: f64, years: u32) -> Vec<f64> {
    (1..=years).map(|t| (1.0 + rate).powi(t as i32)).collect()
}

/// (degree, indicator, value, median, score, weight, degree weight) of one indicator.
type IndicatorRow = (&'static str, &'static str, f64, Option<f64>, f64, f64, f64);

/// Values one patent and explains every step. The patent must have passed input validation.
pub fn explain_patent(p: &PatentInput, as_of: NaiveDate, params: &ValuationParams) -> Explanation {
    // Term and remaining life.
    let term = term_years(p.patent_type, p.filing_date, params);
    let expiry = add_years_clamped(p.filing_date, term);
    let days_to_expiry = (expiry - as_of).num_days();
    let remaining_years = days_to_expiry.max(0) as f64 / DAYS_PER_YEAR;
    let life = (remaining_years / f64::from(term)).min(1.0);

    // Indicators, in the fixed order in which PVD adds them up.
    let m = &params.medians;
    let (lw, tw, ew, dw) = (
        &params.legal_weights,
        &params.technical_weights,
        &params.economic_weights,
        &params.degree_weights,
    );
    let transactions = (p.transfers + p.licenses) as f64;
    let has_revenue = p.revenue_fen.is_some_and(|r| r > 0);
    let revenue_indicator = if has_revenue { 1.0 } else { 0.0 };
    let rows: [IndicatorRow; 10] = [
        (
            "legal",
            "remaining_life",
            remaining_years,
            None,
            life,
            lw.life,
            dw.legal,
        ),
        (
            "legal",
            "claims",
            p.claims as f64,
            Some(m.claims),
            saturation(p.claims as f64, m.claims),
            lw.claims,
            dw.legal,
        ),
        (
            "legal",
            "stability",
            stability(p.legal_status, params),
            None,
            stability(p.legal_status, params),
            lw.stability,
            dw.legal,
        ),
        (
            "technical",
            "forward_citations",
            p.forward_citations as f64,
            Some(m.forward_citations),
            saturation(p.forward_citations as f64, m.forward_citations),
            tw.forward_citations,
            dw.technical,
        ),
        (
            "technical",
            "backward_citations",
            p.backward_citations as f64,
            Some(m.backward_citations),
            saturation(p.backward_citations as f64, m.backward_citations),
            tw.backward_citations,
            dw.technical,
        ),
        (
            "technical",
            "foreign_family_members",
            (p.family_size - 1) as f64,
            Some(m.family),
            saturation((p.family_size - 1) as f64, m.family),
            tw.family,
            dw.technical,
        ),
        (
            "technical",
            "inventors",
            p.inventors as f64,
            Some(m.inventors),
            saturation(p.inventors as f64, m.inventors),
            tw.inventors,
            dw.technical,
        ),
        (
            "economic",
            "transfers_and_licenses",
            transactions,
            Some(m.transactions),
            saturation(transactions, m.transactions),
            ew.transactions,
            dw.economic,
        ),
        (
            "economic",
            "revenue_present",
            revenue_indicator,
            None,
            revenue_indicator,
            ew.revenue,
            dw.economic,
        ),
        (
            "economic",
            "litigations",
            p.litigations as f64,
            Some(m.litigations),
            saturation(p.litigations as f64, m.litigations),
            ew.litigations,
            dw.economic,
        ),
    ];
    let indicators: Vec<IndicatorStep> = rows
        .iter()
        .map(
            |&(degree, indicator, value, median, score, weight, degree_weight)| {
                let part = weight * score;
                let degree_points = 100.0 * part;
                IndicatorStep {
                    degree,
                    indicator,
                    value,
                    median,
                    score,
                    weight,
                    degree_points,
                    degree_weight,
                    pvd_points: degree_weight * degree_points,
                }
            },
        )
        .collect();
    // Degrees: 100 × (Σ weight × score), summed left to right.
    let degree = |name: &str| {
        100.0
            * indicators
                .iter()
                .filter(|i| i.degree == name)
                .fold(0.0, |acc, i| acc + i.weight * i.score)
    };
    let (lvd, tvd, evd) = (degree("legal"), degree("technical"), degree("economic"));
    // PVD is defined as the sum of the indicator contributions, so the explanation adds up to
    // it exactly; it equals 0.3·LVD + 0.4·TVD + 0.3·EVD up to float rounding (~1e-15).
    let pvd = indicators.iter().fold(0.0, |acc, i| acc + i.pvd_points);

    // Royalty rate.
    let section = ipc_section(p.ipc_main.as_deref());
    let base_rate = params.royalty_rates.for_section(section);
    let pvd_multiplier = 0.5 + pvd / 100.0;
    let royalty_rate = p.royalty_rate.unwrap_or(base_rate * pvd_multiplier);

    // Income approach.
    let life_cap = params.life_caps.for_section(section);
    let economic_life = remaining_years.min(life_cap);
    let years = economic_life.ceil() as u32;
    let rate = discount_rate(p.patent_type, params);
    let after_tax = 1.0 - params.income.tax;
    let mut stream = Vec::new();
    let mut appraised = 0.0;
    if let (true, Some(r0)) = (has_revenue, p.revenue_fen) {
        let r0 = r0 as f64;
        let growth = growth_factors(params, years);
        let discount = discount_factors(rate, years);
        for t in 1..=years {
            let i = (t - 1) as usize;
            let weight = (economic_life - f64::from(t - 1)).min(1.0);
            let revenue = weight * r0 * growth[i];
            let present_value = revenue * royalty_rate * after_tax / discount[i];
            appraised += present_value;
            stream.push(StreamYear {
                year: t,
                weight,
                growth_factor: growth[i],
                discount_factor: discount[i],
                revenue,
                present_value,
            });
        }
    }
    let appraised_fen = appraised.round() as i64;

    // Collateral.
    let fee = fee_step(p.fee_paid_until, as_of, params);
    let lf = legal_factor(p.legal_status, params);
    let pr = pledge_rate(p.patent_type, params);
    let mut refusals = Vec::new();
    if lf <= 0.0 {
        refusals.push("legal_factor_zero");
    }
    if fee.fee_factor <= 0.0 {
        refusals.push("fee_factor_zero");
    }
    if remaining_years < params.min_remaining_years {
        refusals.push("remaining_life_below_floor");
    }
    if appraised_fen <= 0 {
        refusals.push("appraised_zero");
    }
    let eligible = refusals.is_empty();
    let collateral_fen = if eligible {
        (appraised_fen as f64 * lf * fee.fee_factor * pr).round() as i64
    } else {
        0
    };

    let mut flags = Vec::new();
    if !has_revenue {
        flags.push("no_revenue");
    }
    match fee.state {
        FeeState::Unknown => flags.push("fee_unknown"),
        FeeState::Grace => flags.push("fee_grace"),
        FeeState::Lapsed => flags.push("fee_lapsed"),
        FeeState::Paid => {}
    }
    if lf <= 0.0 {
        flags.push("not_valid");
    }
    if p.legal_status == LegalStatus::UnderInvalidation {
        flags.push("under_invalidation");
    }
    if remaining_years < params.min_remaining_years {
        flags.push("short_life");
    }

    Explanation {
        patent_id: p.patent_id.clone(),
        as_of,
        model_version: VALUATION_MODEL,
        params_digest: params.digest(),
        term: TermStep {
            patent_type: p.patent_type,
            filing_date: p.filing_date,
            term_years: term,
            expiry,
            days_to_expiry,
            remaining_years,
        },
        indicators,
        lvd,
        tvd,
        evd,
        pvd,
        royalty: RoyaltyStep {
            ipc_section: section,
            base_rate,
            pvd_multiplier,
            agreed_rate: p.royalty_rate,
            royalty_rate,
        },
        income: IncomeStep {
            revenue_fen: p.revenue_fen,
            life_cap,
            economic_life,
            years,
            discount_rate: rate,
            growth: params.income.growth,
            decay: params.income.decay,
            tax: params.income.tax,
            stream,
            appraised,
            appraised_fen,
        },
        collateral: CollateralStep {
            legal_status: p.legal_status,
            legal_factor: lf,
            fee,
            pledge_rate: pr,
            min_remaining_years: params.min_remaining_years,
            eligible,
            refusals,
            collateral_fen,
        },
        flags,
    }
}

fn fee_step(paid_until: Option<NaiveDate>, as_of: NaiveDate, params: &ValuationParams) -> FeeStep {
    let f = &params.fees;
    match paid_until {
        None => FeeStep {
            fee_paid_until: None,
            grace_ends: None,
            state: FeeState::Unknown,
            fee_factor: f.unknown_factor,
        },
        Some(paid) => {
            let grace_ends = add_months_clamped(paid, f.grace_months);
            let (state, fee_factor) = if as_of <= paid {
                (FeeState::Paid, 1.0)
            } else if as_of <= grace_ends {
                (FeeState::Grace, f.grace_factor)
            } else {
                (FeeState::Lapsed, f.lapsed_factor)
            };
            FeeStep {
                fee_paid_until: Some(paid),
                grace_ends: Some(grace_ends),
                state,
                fee_factor,
            }
        }
    }
}
