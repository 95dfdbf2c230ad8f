//! The enterprises' risk events as stored, and their zr-risk-1 scores as of a date: what the
//! bank's queue, the evaluation, monitoring and the whitelist read.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use zhirong_engine::risk::{EnterpriseScore, EventType, RiskEvent, RiskParams, score_enterprise};

use crate::db::DbConnection;
use crate::db::schema::risk_events;
use crate::error::ApiError;

/// The stored risk events of enterprises, as the engine takes them, by enterprise.
pub fn events_of(
    conn: &mut DbConnection,
    enterprise_ids: &[i64],
) -> Result<HashMap<i64, Vec<RiskEvent>>, ApiError> {
    let rows: Vec<(i64, String, NaiveDate, String, Option<i64>)> = risk_events::table
        .filter(risk_events::enterprise_id.eq_any(enterprise_ids))
        .select((
            risk_events::enterprise_id,
            risk_events::event_type,
            risk_events::occurred_on,
            risk_events::event_ref,
            risk_events::amount_fen,
        ))
        .load(conn)?;
    let mut out: HashMap<i64, Vec<RiskEvent>> = HashMap::new();
    for (enterprise, kind, occurred_on, reference, amount_fen) in rows {
        let Some(event_type) = EventType::parse(&kind) else {
            tracing::warn!(enterprise, kind = %kind, "risk event of an unknown type skipped");
            continue;
        };
        out.entry(enterprise).or_default().push(RiskEvent {
            event_type,
            occurred_on,
            reference,
            amount_fen,
        });
    }
    Ok(out)
}

/// Each enterprise's risk scores (zr-risk-1) as of `as_of`.
pub fn scores_of(
    conn: &mut DbConnection,
    enterprise_ids: &[i64],
    as_of: NaiveDate,
) -> Result<HashMap<i64, EnterpriseScore>, ApiError> {
    let events = events_of(conn, enterprise_ids)?;
    let params = RiskParams::default();
    Ok(enterprise_ids
        .iter()
        .map(|id| {
            let e = events.get(id).map_or(&[][..], Vec::as_slice);
            (*id, score_enterprise(&id.to_string(), e, as_of, &params))
        })
        .collect())
}

/// Stores a risk event unless the same (enterprise, type, reference) is already there; answers
/// whether it was new.
pub fn insert_risk_event_once(
    conn: &mut DbConnection,
    event: &crate::db::models::NewRiskEvent,
) -> Result<bool, ApiError> {
    let exists: i64 = risk_events::table
        .filter(risk_events::enterprise_id.eq(event.enterprise_id))
        .filter(risk_events::event_type.eq(&event.event_type))
        .filter(risk_events::event_ref.eq(&event.event_ref))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(false);
    }
    diesel::insert_into(risk_events::table)
        .values(event.clone())
        .execute(conn)?;
    Ok(true)
}
