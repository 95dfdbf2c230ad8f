//! The zr-risk-1 arithmetic: decay, the four dimension scores, the composite, the rating and its
//! severe-event floor, and the alerts between two scorings.
//!
//! One function, [`score_enterprise`], scores one enterprise from its events; the batch
//! ([`score_batch`]) and the incremental monitor ([`RiskMonitor`]) both call it, and it first puts
//! the events in a canonical order (type, ref, date, amount) and drops duplicates, so the two give
//! bit-identical figures whatever order the events arrived in.

use std::collections::{HashMap, HashSet};

use chrono::{Months, NaiveDate};
use rayon::prelude::*;
use serde::Serialize;

use super::error::RiskError;
use super::params::{Dimension, EventType, Rating, RiskParams};

/// One risk event of one enterprise (the enterprise is held by the caller).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskEvent {
    pub event_type: EventType,
    pub occurred_on: NaiveDate,
    /// The provider's id: events with the same (enterprise, type, ref) count once.
    pub reference: String,
    pub amount_fen: Option<i64>,
}

/// All events of one enterprise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnterpriseEvents {
    pub enterprise_id: String,
    pub events: Vec<RiskEvent>,
}

/// The scoring of one enterprise as of a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnterpriseScore {
    pub enterprise_id: String,
    /// 0–100 each.
    pub operating: f64,
    pub judicial: f64,
    pub credit: f64,
    pub ip: f64,
    pub composite: f64,
    /// The rating the composite alone earns.
    pub composite_rating: Rating,
    /// The rating after the severe-event floor.
    pub rating: Rating,
    /// Whether a severe event lifted the rating to `warning`.
    pub floored_by_severe_event: bool,
    /// Events counted after de-duplication (events after `as_of` are not counted).
    pub events_counted: usize,
}

impl EnterpriseScore {
    pub fn dimension_score(&self, d: Dimension) -> f64 {
        match d {
            Dimension::Operating => self.operating,
            Dimension::Judicial => self.judicial,
            Dimension::Credit => self.credit,
            Dimension::Ip => self.ip,
        }
    }
}

/// Days from `occurred_on` to `as_of`.
pub fn age_days(occurred_on: NaiveDate, as_of: NaiveDate) -> i64 {
    (as_of - occurred_on).num_days()
}

/// `weight · 2^(−age / half_life)`: what one event adds to its dimension's evidence.
pub fn decayed_weight(event_type: EventType, age_days: i64) -> f64 {
    event_type.weight() * (-(age_days as f64) / event_type.half_life_days()).exp2()
}

/// `100 · (1 − exp(−S))`, computed without cancellation for small S.
pub fn evidence_to_score(evidence: f64) -> f64 {
    -100.0 * (-evidence).exp_m1()
}

/// The events that count as of `as_of`, in canonical order: on or before `as_of`, sorted by
/// (type, ref, date, amount), one per (type, ref) — the earliest.
pub fn counted_events(events: &[RiskEvent], as_of: NaiveDate) -> Vec<&RiskEvent> {
    let mut counted: Vec<&RiskEvent> = events.iter().filter(|e| e.occurred_on <= as_of).collect();
    counted.sort_unstable_by(|a, b| {
        (a.event_type, &a.reference, a.occurred_on, a.amount_fen).cmp(&(
            b.event_type,
            &b.reference,
            b.occurred_on,
            b.amount_fen,
        ))
    });
    counted.dedup_by(|later, kept| {
        later.event_type == kept.event_type && later.reference == kept.reference
    });
    counted
}

/// Scores one enterprise from its events.
pub fn score_enterprise(
    enterprise_id: &str,
    events: &[RiskEvent],
    as_of: NaiveDate,
    params: &RiskParams,
) -> EnterpriseScore {
    let counted = counted_events(events, as_of);
    let mut evidence = [0.0_f64; 4];
    let mut severe = false;
    for e in &counted {
        let age = age_days(e.occurred_on, as_of);
        evidence[e.event_type.dimension().index()] += decayed_weight(e.event_type, age);
        severe |= e.event_type.is_severe() && age <= params.severe_window_days;
    }
    let total = evidence[0] + evidence[1] + evidence[2] + evidence[3];
    let composite = evidence_to_score(total);
    let composite_rating = params.rating_for(composite);
    let floored = severe && composite_rating < Rating::Warning;
    EnterpriseScore {
        enterprise_id: enterprise_id.to_string(),
        operating: evidence_to_score(evidence[Dimension::Operating.index()]),
        judicial: evidence_to_score(evidence[Dimension::Judicial.index()]),
        credit: evidence_to_score(evidence[Dimension::Credit.index()]),
        ip: evidence_to_score(evidence[Dimension::Ip.index()]),
        composite,
        composite_rating,
        rating: if floored {
            Rating::Warning
        } else {
            composite_rating
        },
        floored_by_severe_event: floored,
        events_counted: counted.len(),
    }
}

/// Scores every enterprise (in parallel); the result is sorted by enterprise id.
pub fn score_batch(
    enterprises: &[EnterpriseEvents],
    as_of: NaiveDate,
    params: &RiskParams,
) -> Vec<EnterpriseScore> {
    let mut scores: Vec<EnterpriseScore> = enterprises
        .par_iter()
        .map(|e| score_enterprise(&e.enterprise_id, &e.events, as_of, params))
        .collect();
    scores.par_sort_unstable_by(|a, b| a.enterprise_id.cmp(&b.enterprise_id));
    scores
}

/// The monitor's incremental entry point: it keeps every enterprise's events and latest score, and
/// re-scores only the enterprise a new event concerns.
#[derive(Debug, Clone)]
pub struct RiskMonitor {
    as_of: NaiveDate,
    params: RiskParams,
    events: HashMap<String, Vec<RiskEvent>>,
    scores: HashMap<String, EnterpriseScore>,
}

/// What recording one event produced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rescore {
    pub score: EnterpriseScore,
    pub alerts: Vec<Alert>,
}

impl RiskMonitor {
    pub fn new(as_of: NaiveDate, params: RiskParams) -> Self {
        Self {
            as_of,
            params,
            events: HashMap::new(),
            scores: HashMap::new(),
        }
    }

    /// A monitor holding events already scored in a batch (no alerts are raised for them).
    pub fn from_batch(
        enterprises: Vec<EnterpriseEvents>,
        as_of: NaiveDate,
        params: RiskParams,
    ) -> Self {
        let mut monitor = Self::new(as_of, params);
        for e in enterprises {
            let score = score_enterprise(&e.enterprise_id, &e.events, as_of, &monitor.params);
            monitor.scores.insert(e.enterprise_id.clone(), score);
            monitor.events.insert(e.enterprise_id, e.events);
        }
        monitor
    }

    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    pub fn score(&self, enterprise_id: &str) -> Option<&EnterpriseScore> {
        self.scores.get(enterprise_id)
    }

    pub fn events(&self, enterprise_id: &str) -> &[RiskEvent] {
        self.events.get(enterprise_id).map_or(&[], Vec::as_slice)
    }

    /// Every score, sorted by enterprise id (the batch's order).
    pub fn scores(&self) -> Vec<EnterpriseScore> {
        let mut all: Vec<EnterpriseScore> = self.scores.values().cloned().collect();
        all.sort_unstable_by(|a, b| a.enterprise_id.cmp(&b.enterprise_id));
        all
    }

    /// Records one new event, re-scores its enterprise and returns the new score with the alerts
    /// the change raises.
    pub fn record(&mut self, enterprise_id: &str, event: RiskEvent) -> Result<Rescore, RiskError> {
        let enterprise_id = enterprise_id.trim();
        if enterprise_id.is_empty() {
            return Err(RiskError::EventWithoutEnterprise);
        }
        if event.occurred_on > self.as_of {
            return Err(RiskError::EventAfterAsOf {
                enterprise_id: enterprise_id.to_string(),
                event_type: event.event_type,
                occurred_on: event.occurred_on,
                as_of: self.as_of,
            });
        }
        let events = self.events.entry(enterprise_id.to_string()).or_default();
        let previous = self.scores.get(enterprise_id).map(|s| Previous {
            rating: s.rating,
            seen: Some(alerting_event_keys(events, self.as_of)),
        });
        events.push(event);
        let score = score_enterprise(enterprise_id, events, self.as_of, &self.params);
        let alerts = alerts(previous.as_ref(), &score, events, self.as_of, &self.params);
        self.scores.insert(enterprise_id.to_string(), score.clone());
        Ok(Rescore { score, alerts })
    }
}

/// (type, ref): what identifies an event within its enterprise.
pub type EventKey = (EventType, String);

/// The keys of the events that can raise an alert of their own (fee grace, LTV breach): all that
/// [`alerts`] looks up in [`Previous::seen`].
fn alerting_event_keys(events: &[RiskEvent], as_of: NaiveDate) -> HashSet<EventKey> {
    events
        .iter()
        .filter(|e| {
            e.occurred_on <= as_of
                && matches!(e.event_type, EventType::FeeGrace | EventType::LtvBreach)
        })
        .map(|e| (e.event_type, e.reference.clone()))
        .collect()
}

/// What is known of an enterprise's previous scoring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Previous {
    pub rating: Rating,
    /// The events it counted (only the fee-grace and LTV-breach ones are looked at); `None` when only
    /// the rating is known (a scores file), in which case every fee-grace and LTV event still current
    /// raises its alert again.
    pub seen: Option<HashSet<EventKey>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AlertKind {
    RatingRose {
        from: Rating,
        to: Rating,
    },
    FeeGrace {
        due_on: NaiveDate,
        grace_ends_on: NaiveDate,
        days_left: i64,
    },
    LtvBreach {
        breached_on: NaiveDate,
    },
}

impl AlertKind {
    pub fn name(&self) -> &'static str {
        match self {
            AlertKind::RatingRose { .. } => "rating_rose",
            AlertKind::FeeGrace { .. } => "fee_grace",
            AlertKind::LtvBreach { .. } => "ltv_breach",
        }
    }
}

/// An event named by an alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventRef {
    pub event_type: EventType,
    pub reference: String,
    pub occurred_on: NaiveDate,
    pub contribution: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    pub enterprise_id: String,
    #[serde(flatten)]
    pub kind: AlertKind,
    pub message: String,
    /// The events behind the alert, the largest contribution first.
    pub events: Vec<EventRef>,
}

/// The alerts between a previous scoring (`None`: the enterprise was not scored before, which counts
/// as `normal` with no events seen) and the current one.
pub fn alerts(
    previous: Option<&Previous>,
    current: &EnterpriseScore,
    events: &[RiskEvent],
    as_of: NaiveDate,
    params: &RiskParams,
) -> Vec<Alert> {
    let counted = counted_events(events, as_of);
    let seen = |e: &RiskEvent| {
        previous
            .and_then(|p| p.seen.as_ref())
            .is_some_and(|s| s.contains(&(e.event_type, e.reference.clone())))
    };
    let event_ref = |e: &RiskEvent| EventRef {
        event_type: e.event_type,
        reference: e.reference.clone(),
        occurred_on: e.occurred_on,
        contribution: decayed_weight(e.event_type, age_days(e.occurred_on, as_of)),
    };
    let mut out = Vec::new();

    let from = previous.map_or(Rating::Normal, |p| p.rating);
    if current.rating > from {
        let mut behind: Vec<EventRef> = counted.iter().map(|e| event_ref(e)).collect();
        behind.sort_by(|a, b| b.contribution.total_cmp(&a.contribution));
        let named: Vec<String> = behind
            .iter()
            .take(3)
            .map(|e| format!("{} {} ({})", e.event_type, e.reference, e.occurred_on))
            .collect();
        out.push(Alert {
            enterprise_id: current.enterprise_id.clone(),
            kind: AlertKind::RatingRose {
                from,
                to: current.rating,
            },
            message: format!(
                "rating rose from {from} to {} (composite {:.1}{}); largest contributions: {}",
                current.rating,
                current.composite,
                if current.floored_by_severe_event {
                    ", floored by a severe event"
                } else {
                    ""
                },
                named.join(", ")
            ),
            events: behind,
        });
    }

    for e in counted
        .iter()
        .filter(|e| e.event_type == EventType::FeeGrace && !seen(e))
    {
        let Some(grace_ends_on) = e
            .occurred_on
            .checked_add_months(Months::new(params.fee_grace_months))
        else {
            continue;
        };
        let days_left = (grace_ends_on - as_of).num_days();
        if days_left < 0 {
            continue;
        }
        out.push(Alert {
            enterprise_id: current.enterprise_id.clone(),
            kind: AlertKind::FeeGrace {
                due_on: e.occurred_on,
                grace_ends_on,
                days_left,
            },
            message: format!(
                "pledged patent {}: annual fee unpaid since {}, {days_left} day(s) of grace left (the right ends after {grace_ends_on})",
                e.reference, e.occurred_on
            ),
            events: vec![event_ref(e)],
        });
    }

    for e in counted.iter().filter(|e| {
        e.event_type == EventType::LtvBreach
            && age_days(e.occurred_on, as_of) <= params.ltv_alert_days
            && !seen(e)
    }) {
        out.push(Alert {
            enterprise_id: current.enterprise_id.clone(),
            kind: AlertKind::LtvBreach {
                breached_on: e.occurred_on,
            },
            message: format!(
                "loan-to-value limit broken on {} ({})",
                e.occurred_on, e.reference
            ),
            events: vec![event_ref(e)],
        });
    }
    out
}
