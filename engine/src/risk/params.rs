//! The zr-risk-1 parameters: the event catalogue (dimension, weight, half-life) and the rating bands,
//! as RISK.md §1 gives them. The catalogue is code, not data, because each type is matched by name in
//! the validation and an unknown name must be an error, not a silent zero.

use std::fmt;

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The four risks the monitor watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Operating,
    Judicial,
    Credit,
    Ip,
}

impl Dimension {
    pub const ALL: [Dimension; 4] = [
        Dimension::Operating,
        Dimension::Judicial,
        Dimension::Credit,
        Dimension::Ip,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Operating => "operating",
            Dimension::Judicial => "judicial",
            Dimension::Credit => "credit",
            Dimension::Ip => "ip",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

macro_rules! event_types {
    ($($variant:ident = $name:literal, $dim:ident, $weight:literal, $half_life:literal;)+) => {
        /// A risk event type of RISK.md §1.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum EventType { $($variant),+ }

        impl EventType {
            pub const ALL: &'static [EventType] = &[$(EventType::$variant),+];

            /// The name used in event files.
            pub fn as_str(self) -> &'static str {
                match self { $(EventType::$variant => $name),+ }
            }

            /// The type a name stands for; `None` for a name the catalogue does not know.
            pub fn parse(name: &str) -> Option<EventType> {
                match name { $($name => Some(EventType::$variant),)+ _ => None }
            }

            pub fn dimension(self) -> Dimension {
                match self { $(EventType::$variant => Dimension::$dim),+ }
            }

            /// The weight of a fresh event (age 0).
            pub fn weight(self) -> f64 {
                match self { $(EventType::$variant => $weight),+ }
            }

            /// Days after which an event's weight has halved.
            pub fn half_life_days(self) -> f64 {
                match self { $(EventType::$variant => $half_life),+ }
            }
        }
    };
}

event_types! {
    AbnormalOperationListing = "abnormal_operation_listing", Operating, 0.8, 365.0;
    RevenueDrop = "revenue_drop", Operating, 0.5, 180.0;
    TaxArrears = "tax_arrears", Operating, 0.6, 180.0;
    HeadcountDrop = "headcount_drop", Operating, 0.3, 180.0;
    EquityFreeze = "equity_freeze", Operating, 0.7, 365.0;
    LawsuitDefendant = "lawsuit_defendant", Judicial, 0.2, 365.0;
    Enforcement = "enforcement", Judicial, 0.6, 365.0;
    DishonestDebtor = "dishonest_debtor", Judicial, 2.0, 730.0;
    ConsumptionBan = "consumption_ban", Judicial, 1.2, 730.0;
    BankruptcyFiling = "bankruptcy_filing", Judicial, 3.0, 3650.0;
    Overdue30 = "overdue_30", Credit, 0.5, 180.0;
    Overdue90 = "overdue_90", Credit, 1.5, 365.0;
    OtherBankOverdue = "other_bank_overdue", Credit, 0.8, 365.0;
    GuaranteeDefault = "guarantee_default", Credit, 1.0, 365.0;
    CreditInquirySurge = "credit_inquiry_surge", Credit, 0.2, 90.0;
    FeeGrace = "fee_grace", Ip, 0.8, 180.0;
    InvalidationRequest = "invalidation_request", Ip, 0.7, 365.0;
    PatentLapsed = "patent_lapsed", Ip, 1.5, 730.0;
    OwnershipTransfer = "ownership_transfer", Ip, 0.8, 365.0;
    PatentFreeze = "patent_freeze", Ip, 1.5, 365.0;
    LtvBreach = "ltv_breach", Ip, 1.0, 90.0;
}

impl EventType {
    /// A severe event keeps the rating at `warning` or above for [`RiskParams::severe_window_days`].
    pub fn is_severe(self) -> bool {
        matches!(
            self,
            EventType::DishonestDebtor | EventType::BankruptcyFiling
        )
    }

    /// The catalogue's names, for error messages.
    pub fn names() -> String {
        EventType::ALL
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The rating of an enterprise, in rising order of concern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    /// 正常
    Normal,
    /// 关注
    Watch,
    /// 预警
    Warning,
    /// 高危
    Critical,
}

impl Rating {
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Normal => "normal",
            Rating::Watch => "watch",
            Rating::Warning => "warning",
            Rating::Critical => "critical",
        }
    }

    pub fn parse(name: &str) -> Option<Rating> {
        match name {
            "normal" => Some(Rating::Normal),
            "watch" => Some(Rating::Watch),
            "warning" => Some(Rating::Warning),
            "critical" => Some(Rating::Critical),
            _ => None,
        }
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The model's tunable constants. [`RiskParams::default`] is zr-risk-1 as published.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskParams {
    /// Composite scores at or above this are `watch` (RISK.md: 20).
    pub watch_from: f64,
    /// … `warning` (45).
    pub warning_from: f64,
    /// … `critical` (70).
    pub critical_from: f64,
    /// A severe event at most this many days old floors the rating at `warning` (365).
    pub severe_window_days: i64,
    /// The annual-fee grace period after the due date, in months (6).
    pub fee_grace_months: u32,
    /// An `ltv_breach` event raises an alert while it is at most this many days old (90, its half-life).
    pub ltv_alert_days: i64,
}

impl Default for RiskParams {
    fn default() -> Self {
        Self {
            watch_from: 20.0,
            warning_from: 45.0,
            critical_from: 70.0,
            severe_window_days: 365,
            fee_grace_months: 6,
            ltv_alert_days: 90,
        }
    }
}

impl RiskParams {
    /// The rating a composite score earns before the severe-event floor.
    pub fn rating_for(&self, composite: f64) -> Rating {
        if composite >= self.critical_from {
            Rating::Critical
        } else if composite >= self.warning_from {
            Rating::Warning
        } else if composite >= self.watch_from {
            Rating::Watch
        } else {
            Rating::Normal
        }
    }

    /// SHA-256 over the parameters and the event catalogue, stored with every result so a figure can
    /// be traced to the exact parameter set that made it.
    pub fn digest(&self) -> String {
        let mut h = Sha256::new();
        h.update(super::RISK_MODEL.as_bytes());
        h.update(serde_json::to_vec(self).unwrap_or_default());
        for t in EventType::ALL {
            h.update(
                format!(
                    "|{}:{}:{}:{}",
                    t.as_str(),
                    t.dimension().as_str(),
                    t.weight(),
                    t.half_life_days()
                )
                .as_bytes(),
            );
        }
        hex::encode(h.finalize())
    }
}
