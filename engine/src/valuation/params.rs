//! Parameters of model zr-val-1, with the defaults of VALUATION.md.
//!
//! A bank overrides any of them in a TOML file; a partial file changes only what it names (every
//! table and field has `serde(default)`), and unknown keys are refused so a misspelt override is
//! not silently ignored. The digest of the full parameter set is stored with every valuation.

use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{EngineError, Result};

/// Weights of the legal value degree (LVD).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LegalWeights {
    pub life: f64,
    pub claims: f64,
    pub stability: f64,
}
impl Default for LegalWeights {
    fn default() -> Self {
        Self {
            life: 0.40,
            claims: 0.30,
            stability: 0.30,
        }
    }
}

/// Weights of the technical value degree (TVD).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TechnicalWeights {
    pub forward_citations: f64,
    pub backward_citations: f64,
    pub family: f64,
    pub inventors: f64,
}
impl Default for TechnicalWeights {
    fn default() -> Self {
        Self {
            forward_citations: 0.45,
            backward_citations: 0.15,
            family: 0.25,
            inventors: 0.15,
        }
    }
}

/// Weights of the economic value degree (EVD).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EconomicWeights {
    /// transfers + licences
    pub transactions: f64,
    pub revenue: f64,
    pub litigations: f64,
}
impl Default for EconomicWeights {
    fn default() -> Self {
        Self {
            transactions: 0.40,
            revenue: 0.40,
            litigations: 0.20,
        }
    }
}

/// Weights of the three degrees in the patent value degree (PVD).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DegreeWeights {
    pub legal: f64,
    pub technical: f64,
    pub economic: f64,
}
impl Default for DegreeWeights {
    fn default() -> Self {
        Self {
            legal: 0.30,
            technical: 0.40,
            economic: 0.30,
        }
    }
}

/// Reference medians of the saturation scores s(x, m).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Medians {
    pub claims: f64,
    pub forward_citations: f64,
    pub backward_citations: f64,
    /// of family_size − 1 (foreign members)
    pub family: f64,
    pub inventors: f64,
    /// of transfers + licences
    pub transactions: f64,
    pub litigations: f64,
}
impl Default for Medians {
    fn default() -> Self {
        Self {
            claims: 10.0,
            forward_citations: 5.0,
            backward_citations: 10.0,
            family: 1.0,
            inventors: 3.0,
            transactions: 1.0,
            litigations: 1.0,
        }
    }
}

/// A factor per legal status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StatusFactors {
    pub valid: f64,
    pub under_invalidation: f64,
    pub pending: f64,
    pub lapsed: f64,
    pub invalidated: f64,
    pub expired: f64,
}
impl StatusFactors {
    fn stability() -> Self {
        Self {
            valid: 1.0,
            under_invalidation: 0.5,
            pending: 0.3,
            lapsed: 0.0,
            invalidated: 0.0,
            expired: 0.0,
        }
    }
}
impl Default for StatusFactors {
    fn default() -> Self {
        Self::stability()
    }
}

/// Legal factor of the collateral step; a separate type because its defaults differ from the
/// stability factors (a pending application cannot be pledged).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LegalFactors {
    pub valid: f64,
    pub under_invalidation: f64,
    pub pending: f64,
    pub lapsed: f64,
    pub invalidated: f64,
    pub expired: f64,
}
impl Default for LegalFactors {
    fn default() -> Self {
        Self {
            valid: 1.0,
            under_invalidation: 0.5,
            pending: 0.0,
            lapsed: 0.0,
            invalidated: 0.0,
            expired: 0.0,
        }
    }
}

/// Statutory terms in years.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Terms {
    pub invention: i32,
    pub utility_model: i32,
    /// design filed before `design_change_date`
    pub design_before: i32,
    /// design filed on or after `design_change_date` (Patent Law 2020 amendment)
    pub design_from: i32,
    pub design_change_date: NaiveDate,
}
impl Default for Terms {
    fn default() -> Self {
        Self {
            invention: 20,
            utility_model: 10,
            design_before: 10,
            design_from: 15,
            // A constant, valid date: the fallback is never taken.
            design_change_date: NaiveDate::from_ymd_opt(2021, 6, 1).unwrap_or_default(),
        }
    }
}

/// A value per IPC section A–H and one for other/empty.
macro_rules! section_table {
    ($name:ident, $doc:literal, [$a:expr, $b:expr, $c:expr, $d:expr, $e:expr, $f:expr, $g:expr, $h:expr, $other:expr]) => {
        #[doc = $doc]
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct $name {
            pub a: f64,
            pub b: f64,
            pub c: f64,
            pub d: f64,
            pub e: f64,
            pub f: f64,
            pub g: f64,
            pub h: f64,
            pub other: f64,
        }
        impl Default for $name {
            fn default() -> Self {
                Self {
                    a: $a,
                    b: $b,
                    c: $c,
                    d: $d,
                    e: $e,
                    f: $f,
                    g: $g,
                    h: $h,
                    other: $other,
                }
            }
        }
        impl $name {
            /// The value for an IPC section letter (`None` or not A–H: `other`).
            pub fn for_section(&self, section: Option<char>) -> f64 {
                match section {
                    Some('A') => self.a,
                    Some('B') => self.b,
                    Some('C') => self.c,
                    Some('D') => self.d,
                    Some('E') => self.e,
                    Some('F') => self.f,
                    Some('G') => self.g,
                    Some('H') => self.h,
                    _ => self.other,
                }
            }

            fn values(&self) -> [f64; 9] {
                [
                    self.a, self.b, self.c, self.d, self.e, self.f, self.g, self.h, self.other,
                ]
            }
        }
    };
}

section_table!(
    RoyaltyRates,
    "Base royalty rate by IPC section.",
    [
        0.030, 0.025, 0.035, 0.020, 0.020, 0.025, 0.040, 0.040, 0.025
    ]
);
section_table!(
    LifeCaps,
    "Economic life cap in years by IPC section.",
    [10.0, 10.0, 12.0, 8.0, 10.0, 10.0, 7.0, 7.0, 8.0]
);

/// A value per patent type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ByType {
    pub invention: f64,
    pub utility_model: f64,
    pub design: f64,
}
impl Default for ByType {
    fn default() -> Self {
        Self::TYPE_PREMIUM
    }
}
impl ByType {
    const TYPE_PREMIUM: Self = Self {
        invention: 0.00,
        utility_model: 0.02,
        design: 0.03,
    };
}

/// Pledge rates (质押率) by patent type; own type for its own defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PledgeRates {
    pub invention: f64,
    pub utility_model: f64,
    pub design: f64,
}
impl Default for PledgeRates {
    fn default() -> Self {
        Self {
            invention: 0.25,
            utility_model: 0.15,
            design: 0.10,
        }
    }
}

/// Discount rate components.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Discount {
    pub risk_free: f64,
    pub risk_premium: f64,
    pub type_premium: ByType,
}
impl Default for Discount {
    fn default() -> Self {
        Self {
            risk_free: 0.025,
            risk_premium: 0.08,
            type_premium: ByType::default(),
        }
    }
}

/// Income-approach constants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Income {
    /// revenue growth g
    pub growth: f64,
    /// technology decay d
    pub decay: f64,
    pub tax: f64,
}
impl Default for Income {
    fn default() -> Self {
        Self {
            growth: 0.03,
            decay: 0.10,
            tax: 0.25,
        }
    }
}

/// Annual-fee states.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Fees {
    /// Length of the late-payment grace period (滞纳期) in calendar months.
    pub grace_months: u32,
    pub grace_factor: f64,
    pub lapsed_factor: f64,
    pub unknown_factor: f64,
}
impl Default for Fees {
    fn default() -> Self {
        Self {
            grace_months: 6,
            grace_factor: 0.7,
            lapsed_factor: 0.0,
            unknown_factor: 1.0,
        }
    }
}

/// Every parameter of model zr-val-1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ValuationParams {
    pub legal_weights: LegalWeights,
    pub technical_weights: TechnicalWeights,
    pub economic_weights: EconomicWeights,
    pub degree_weights: DegreeWeights,
    pub medians: Medians,
    pub stability: StatusFactors,
    pub terms: Terms,
    pub royalty_rates: RoyaltyRates,
    pub life_caps: LifeCaps,
    pub discount: Discount,
    pub income: Income,
    pub fees: Fees,
    pub legal_factors: LegalFactors,
    pub pledge_rates: PledgeRates,
    /// Shortest remaining life for a pledge: longest loan (2 years) plus one year.
    pub min_remaining_years: f64,
    /// Product limit of one pledge package's credit line (RMB 50 m).
    pub product_cap_fen: i64,
}

impl Default for ValuationParams {
    fn default() -> Self {
        Self {
            legal_weights: LegalWeights::default(),
            technical_weights: TechnicalWeights::default(),
            economic_weights: EconomicWeights::default(),
            degree_weights: DegreeWeights::default(),
            medians: Medians::default(),
            stability: StatusFactors::stability(),
            terms: Terms::default(),
            royalty_rates: RoyaltyRates::default(),
            life_caps: LifeCaps::default(),
            discount: Discount::default(),
            income: Income::default(),
            fees: Fees::default(),
            legal_factors: LegalFactors::default(),
            pledge_rates: PledgeRates::default(),
            min_remaining_years: 3.0,
            product_cap_fen: 5_000_000_000,
        }
    }
}

impl ValuationParams {
    /// Parses a (possibly partial) TOML parameter file's text; `source_name` names it in errors.
    pub fn from_toml_str(text: &str, source_name: &str) -> Result<Self> {
        let params: Self = toml::from_str(text).map_err(|e| EngineError::Params {
            source_name: source_name.to_owned(),
            message: e.to_string(),
        })?;
        params.check(source_name)?;
        Ok(params)
    }

    /// Reads a TOML parameter file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(EngineError::io(path))?;
        Self::from_toml_str(&text, &path.display().to_string())
    }

    /// SHA-256 (hex) of the canonical serialisation: JSON of the full parameter set in
    /// declaration order, so equal parameters always give the same digest whatever the TOML
    /// looked like (order, comments, defaults written out or not).
    pub fn digest(&self) -> String {
        // Serialising plain structs of numbers and dates cannot fail; an empty string would
        // still give a stable (if useless) digest.
        let canonical = serde_json::to_string(self).unwrap_or_default();
        let mut hasher = Sha256::new();
        hasher.update(crate::VALUATION_MODEL.as_bytes());
        hasher.update(b"\n");
        hasher.update(canonical.as_bytes());
        hex::encode(hasher.finalize())
    }

    /// The longest economic life any section allows, in whole years: the number of yearly terms
    /// the vectorised royalty stream must provide for.
    pub fn max_stream_years(&self) -> u32 {
        let cap = self
            .life_caps
            .values()
            .iter()
            .copied()
            .fold(0.0_f64, f64::max);
        // Caps are checked finite and within 0..=100, so the cast is exact.
        cap.ceil() as u32
    }

    /// Refuses parameter sets the formulas cannot use (a zero median divides by zero, a
    /// negative rate turns collateral negative).
    pub fn check(&self, source_name: &str) -> Result<()> {
        let bad = |message: String| EngineError::Params {
            source_name: source_name.to_owned(),
            message,
        };
        let m = &self.medians;
        for (name, v) in [
            ("medians.claims", m.claims),
            ("medians.forward_citations", m.forward_citations),
            ("medians.backward_citations", m.backward_citations),
            ("medians.family", m.family),
            ("medians.inventors", m.inventors),
            ("medians.transactions", m.transactions),
            ("medians.litigations", m.litigations),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return Err(bad(format!("{name} must be a positive number, got {v}")));
            }
        }
        for (i, v) in self.life_caps.values().iter().enumerate() {
            if !(v.is_finite() && (0.0..=100.0).contains(v)) {
                return Err(bad(format!(
                    "life_caps entry {} must be between 0 and 100 years, got {v}",
                    i + 1
                )));
            }
        }
        for (i, v) in self.royalty_rates.values().iter().enumerate() {
            if !(v.is_finite() && (0.0..1.0).contains(v)) {
                return Err(bad(format!(
                    "royalty_rates entry {} must be in [0, 1), got {v}",
                    i + 1
                )));
            }
        }
        let t = &self.terms;
        for (name, v) in [
            ("terms.invention", t.invention),
            ("terms.utility_model", t.utility_model),
            ("terms.design_before", t.design_before),
            ("terms.design_from", t.design_from),
        ] {
            if !(1..=100).contains(&v) {
                return Err(bad(format!("{name} must be 1..=100 years, got {v}")));
            }
        }
        if self.fees.grace_months > 120 {
            return Err(bad(format!(
                "fees.grace_months must be at most 120, got {}",
                self.fees.grace_months
            )));
        }
        let rates = [
            self.discount.risk_free
                + self.discount.risk_premium
                + self.discount.type_premium.invention,
            self.discount.risk_free
                + self.discount.risk_premium
                + self.discount.type_premium.utility_model,
            self.discount.risk_free
                + self.discount.risk_premium
                + self.discount.type_premium.design,
        ];
        if rates.iter().any(|r| !(r.is_finite() && *r > -1.0)) {
            return Err(bad("discount rates must be above -100 %".to_owned()));
        }
        for (name, v) in [
            ("pledge_rates.invention", self.pledge_rates.invention),
            (
                "pledge_rates.utility_model",
                self.pledge_rates.utility_model,
            ),
            ("pledge_rates.design", self.pledge_rates.design),
            ("fees.grace_factor", self.fees.grace_factor),
            ("fees.lapsed_factor", self.fees.lapsed_factor),
            ("fees.unknown_factor", self.fees.unknown_factor),
            ("income.tax", self.income.tax),
        ] {
            if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
                return Err(bad(format!("{name} must be in [0, 1], got {v}")));
            }
        }
        if self.product_cap_fen < 0 {
            return Err(bad(format!(
                "product_cap_fen must not be negative, got {}",
                self.product_cap_fen
            )));
        }
        Ok(())
    }
}
