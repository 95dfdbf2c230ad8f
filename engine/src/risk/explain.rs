//! The explanation of a score: each counted event's decayed contribution, so a loan officer sees which
//! events make the rating and how much each still weighs.

use chrono::NaiveDate;
use serde::Serialize;

use super::RISK_MODEL;
use super::model::{
    EnterpriseScore, RiskEvent, age_days, counted_events, decayed_weight, score_enterprise,
};
use super::params::{Dimension, EventType, RiskParams};

/// One event's part in a score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    pub event_type: EventType,
    pub dimension: Dimension,
    pub reference: String,
    pub occurred_on: NaiveDate,
    pub age_days: i64,
    pub weight: f64,
    pub half_life_days: f64,
    /// `weight · 2^(−age / half_life)`: what the event adds to its dimension's evidence S.
    pub contribution: f64,
    /// Its share of all evidence (Σ over dimensions), 0–1.
    pub share_of_evidence: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub model: &'static str,
    pub params_digest: String,
    pub as_of: NaiveDate,
    pub score: EnterpriseScore,
    /// Counted events, the largest contribution first. Duplicates and events after `as_of` are absent.
    pub contributions: Vec<Contribution>,
}

/// Scores one enterprise and says why.
pub fn explain(
    enterprise_id: &str,
    events: &[RiskEvent],
    as_of: NaiveDate,
    params: &RiskParams,
) -> Explanation {
    let score = score_enterprise(enterprise_id, events, as_of, params);
    let mut contributions: Vec<Contribution> = counted_events(events, as_of)
        .into_iter()
        .map(|e| {
            let age = age_days(e.occurred_on, as_of);
            Contribution {
                event_type: e.event_type,
                dimension: e.event_type.dimension(),
                reference: e.reference.clone(),
                occurred_on: e.occurred_on,
                age_days: age,
                weight: e.event_type.weight(),
                half_life_days: e.event_type.half_life_days(),
                contribution: decayed_weight(e.event_type, age),
                share_of_evidence: 0.0,
            }
        })
        .collect();
    let total: f64 = contributions.iter().map(|c| c.contribution).sum();
    if total > 0.0 {
        for c in &mut contributions {
            c.share_of_evidence = c.contribution / total;
        }
    }
    contributions.sort_by(|a, b| b.contribution.total_cmp(&a.contribution));
    Explanation {
        model: RISK_MODEL,
        params_digest: params.digest(),
        as_of,
        score,
        contributions,
    }
}
