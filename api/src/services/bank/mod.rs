//! The bank view (银知宝): the applications sent to the caller's bank, the collateral evaluation,
//! decisions with maker-checker, pledge registration and disbursement, servicing, monitoring,
//! disposal of pledged patents, claims on the district pool, and the bank's scorecards.
//!
//! Every function takes the caller's bank and reads or writes only rows of that bank: another
//! bank's application, loan, alert, disposal or claim is "not found".

pub mod applications;
pub mod decisions;
pub mod disposals;
pub mod evaluation;
pub mod loan_quality;
pub mod monitoring;
pub mod pledges;
pub mod scorecards;
pub mod servicing;

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use zhirong_engine::risk::{EnterpriseScore, EventType, RiskEvent, RiskParams, score_enterprise};

use crate::db::DbConnection;
use crate::db::models::{ApplicationRow, LoanRecord, NewAlert};
use crate::db::schema::{self, alerts, loans, risk_events};
use crate::error::ApiError;

/// An application sent to the bank (a draft has not been sent, so the bank does not see it).
pub fn bank_application(
    conn: &mut DbConnection,
    bank_id: i64,
    id: i64,
) -> Result<ApplicationRow, ApiError> {
    Ok(schema::applications::table
        .find(id)
        .filter(schema::applications::bank_id.eq(bank_id))
        .filter(schema::applications::status.ne("draft"))
        .select(ApplicationRow::as_select())
        .first(conn)?)
}

/// A loan of the bank.
pub fn bank_loan(conn: &mut DbConnection, bank_id: i64, id: i64) -> Result<LoanRecord, ApiError> {
    Ok(loans::table
        .find(id)
        .filter(loans::bank_id.eq(bank_id))
        .select(LoanRecord::as_select())
        .first(conn)?)
}

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

/// Raises an alert (to the bank when `bank_id` is set; the enterprise sees every alert about it).
#[allow(clippy::too_many_arguments)]
pub fn raise_alert(
    conn: &mut DbConnection,
    enterprise_id: i64,
    bank_id: Option<i64>,
    loan_id: Option<i64>,
    patent_id: Option<i64>,
    kind: &str,
    severity: &str,
    message: String,
    details: &serde_json::Value,
    now: NaiveDateTime,
) -> Result<i64, ApiError> {
    Ok(diesel::insert_into(alerts::table)
        .values(NewAlert {
            enterprise_id,
            bank_id,
            loan_id,
            patent_id,
            kind: kind.into(),
            severity: severity.into(),
            message,
            details_json: details.to_string(),
            raised_at: now,
        })
        .returning(alerts::id)
        .get_result(conn)?)
}

/// Checks an optional free text: trimmed, at most `max` characters, empty as none.
pub fn text(value: Option<&str>, max: usize, field: &str) -> Result<Option<String>, ApiError> {
    crate::services::enterprise::optional_text(value, max, field)
}
