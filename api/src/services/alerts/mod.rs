//! The enterprise's alerts and reminders: the stored alerts that concern it (fee grace, overdue,
//! risk, ...), marked read one by one or all at once, and the annual-fee reminders computed from
//! its patents as of today: 60, 30 and 7 days before the fee falls due, and during the grace
//! period with the late fee accrued (5 % of the year's fee per month late, CONVENTIONS.md).

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use zhirong_engine::valuation::LegalStatus;
use zhirong_engine::valuation::explain::add_months_clamped;

use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::schema::{alerts, annual_fee_schedule, patents};
use crate::db::{DbConnection, write_tx};
use crate::error::ApiError;

/// Reminder stages, days before the due date.
pub const REMINDER_DAYS: [i64; 3] = [60, 30, 7];
/// The grace period after a missed fee, in months.
pub const GRACE_MONTHS: u32 = 6;
/// Late fee per month (or part of a month) late, in basis points of the year's fee.
pub const LATE_FEE_BP_PER_MONTH: i64 = 500;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AlertView {
    pub id: i64,
    /// rating_rise, fee_grace, ltv_breach, fee_due, overdue
    pub kind: String,
    /// info, watch, warning, critical
    pub severity: String,
    pub message: String,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    pub loan_id: Option<i64>,
    pub patent_id: Option<i64>,
    #[serde(serialize_with = "crate::domain::instant::utc")]
    pub raised_at: NaiveDateTime,
    #[serde(serialize_with = "crate::domain::instant::utc_option")]
    pub read_at: Option<NaiveDateTime>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FeeReminder {
    pub patent_id: i64,
    pub patent_number: String,
    /// The date the fee falls (or fell) due: the date fees are paid until.
    pub due_on: NaiveDate,
    /// due_60, due_30, due_7 (days before), or grace (after the due date, before the right ends).
    pub stage: String,
    /// Negative once the due date has passed.
    pub days_to_due: i64,
    /// The last day of the grace period.
    pub grace_ends: NaiveDate,
    /// The patent year the fee is for (1 = the first year from filing).
    pub patent_year: i32,
    /// The fee from the schedule, before reductions; none when the schedule has no row for it.
    pub fee_fen: Option<i64>,
    /// Late fee accrued so far (grace stage).
    pub late_fee_fen: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AlertsView {
    pub unread: i64,
    pub alerts: Vec<AlertView>,
    pub fee_reminders: Vec<FeeReminder>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AlertQuery {
    /// Only the alerts not yet read.
    pub unread: Option<bool>,
}

type AlertRow = (
    i64,
    String,
    String,
    String,
    String,
    Option<i64>,
    Option<i64>,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

fn load(
    conn: &mut DbConnection,
    org_id: i64,
    only_unread: bool,
    id: Option<i64>,
) -> Result<Vec<AlertView>, ApiError> {
    let mut q = alerts::table
        .filter(alerts::enterprise_id.eq(org_id))
        .order((alerts::raised_at.desc(), alerts::id.desc()))
        .select((
            alerts::id,
            alerts::kind,
            alerts::severity,
            alerts::message,
            alerts::details_json,
            alerts::loan_id,
            alerts::patent_id,
            alerts::raised_at,
            alerts::read_at,
        ))
        .into_boxed();
    if only_unread {
        q = q.filter(alerts::read_at.is_null());
    }
    if let Some(id) = id {
        q = q.filter(alerts::id.eq(id));
    }
    let rows: Vec<AlertRow> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, kind, severity, message, details, loan_id, patent_id, raised_at, read_at)| {
                AlertView {
                    id,
                    kind,
                    severity,
                    message,
                    details: serde_json::from_str(&details).unwrap_or(serde_json::Value::Null),
                    loan_id,
                    patent_id,
                    raised_at,
                    read_at,
                }
            },
        )
        .collect())
}

/// The patent year a fee due on `due` pays for: the year starting at that filing anniversary.
fn patent_year(filing: NaiveDate, due: NaiveDate) -> i32 {
    let mut years = due.year() - filing.year();
    if (due.month(), due.day()) < (filing.month(), filing.day()) {
        years -= 1;
    }
    years + 1
}

/// The fee reminders due today for the enterprise's listed, in-force patents.
pub fn fee_reminders(
    conn: &mut DbConnection,
    org_id: i64,
    today: NaiveDate,
) -> Result<Vec<FeeReminder>, ApiError> {
    let rows: Vec<(i64, String, String, NaiveDate, Option<NaiveDate>)> = patents::table
        .filter(patents::owner_org_id.eq(org_id))
        .filter(patents::removed_at.is_null())
        .filter(patents::legal_status.eq_any(LegalStatus::IN_FORCE.map(LegalStatus::as_str)))
        .filter(patents::fee_paid_until.is_not_null())
        .order(patents::fee_paid_until)
        .select((
            patents::id,
            patents::patent_number,
            patents::patent_type,
            patents::filing_date,
            patents::fee_paid_until,
        ))
        .load(conn)?;
    let schedule: Vec<(String, i32, i32, i64, NaiveDate)> = annual_fee_schedule::table
        .select((
            annual_fee_schedule::patent_type,
            annual_fee_schedule::year_from,
            annual_fee_schedule::year_to,
            annual_fee_schedule::fee_fen,
            annual_fee_schedule::valid_from,
        ))
        .load(conn)?;
    let mut out = Vec::new();
    for (id, number, patent_type, filing, due) in rows {
        let Some(due) = due else { continue };
        let grace_ends = add_months_clamped(due, GRACE_MONTHS);
        let days_to_due = (due - today).num_days();
        let stage = if days_to_due < 0 {
            if today > grace_ends {
                continue; // the right has ended: a legal-status matter, not a reminder
            }
            "grace".to_string()
        } else if let Some(d) = REMINDER_DAYS.iter().rev().find(|d| days_to_due <= **d) {
            format!("due_{d}")
        } else {
            continue;
        };
        let year = patent_year(filing, due);
        let fee_fen = schedule
            .iter()
            .filter(|(t, from, to, _, valid_from)| {
                *t == patent_type && (*from..=*to).contains(&year) && *valid_from <= due
            })
            .max_by_key(|r| r.4)
            .map(|r| r.3);
        let late_fee_fen = if stage == "grace" {
            // Each month or part of a month past the due date.
            let months = (1..=GRACE_MONTHS)
                .find(|m| add_months_clamped(due, *m) >= today)
                .unwrap_or(GRACE_MONTHS);
            fee_fen.unwrap_or(0) * LATE_FEE_BP_PER_MONTH * i64::from(months) / 10_000
        } else {
            0
        };
        out.push(FeeReminder {
            patent_id: id,
            patent_number: number,
            due_on: due,
            stage,
            days_to_due,
            grace_ends,
            patent_year: year,
            fee_fen,
            late_fee_fen,
        });
    }
    Ok(out)
}

pub fn list(
    conn: &mut DbConnection,
    org_id: i64,
    only_unread: bool,
    today: NaiveDate,
) -> Result<AlertsView, ApiError> {
    let unread: i64 = alerts::table
        .filter(alerts::enterprise_id.eq(org_id))
        .filter(alerts::read_at.is_null())
        .count()
        .get_result(conn)?;
    Ok(AlertsView {
        unread,
        alerts: load(conn, org_id, only_unread, None)?,
        fee_reminders: fee_reminders(conn, org_id, today)?,
    })
}

/// Marks one of the enterprise's alerts read (again is harmless: the first time stays).
pub fn mark_read(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<AlertView, ApiError> {
    write_tx(conn, |conn| {
        let before = load(conn, principal.org_id, false, Some(id))?
            .pop()
            .ok_or(ApiError::NotFound)?;
        if before.read_at.is_none() {
            diesel::update(alerts::table.find(id))
                .set(alerts::read_at.eq(now))
                .execute(conn)?;
            audit::append(
                conn,
                &principal.actor(),
                &Entry {
                    action: "alert.read",
                    object_type: "alert",
                    object_id: id.to_string(),
                    before: None,
                    after: Some(&serde_json::json!({"read_at": now})),
                    request_id,
                },
                now,
            )?;
        }
        load(conn, principal.org_id, false, Some(id))?
            .pop()
            .ok_or(ApiError::NotFound)
    })
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MarkedRead {
    pub marked: usize,
}

/// Marks every unread alert of the enterprise read.
pub fn mark_all_read(
    conn: &mut DbConnection,
    principal: &Principal,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<MarkedRead, ApiError> {
    write_tx(conn, |conn| {
        let marked = diesel::update(
            alerts::table
                .filter(alerts::enterprise_id.eq(principal.org_id))
                .filter(alerts::read_at.is_null()),
        )
        .set(alerts::read_at.eq(now))
        .execute(conn)?;
        if marked > 0 {
            audit::append(
                conn,
                &principal.actor(),
                &Entry {
                    action: "alert.read_all",
                    object_type: "alert",
                    object_id: format!("enterprise:{}", principal.org_id),
                    before: None,
                    after: Some(&serde_json::json!({"marked": marked, "read_at": now})),
                    request_id,
                },
                now,
            )?;
        }
        Ok(MarkedRead { marked })
    })
}

/// Who raises alerts in the audit log: the monitor (the run's own row says who started it).
pub fn alerts_actor() -> audit::Actor {
    audit::Actor {
        user_id: None,
        username: "system:alerts".into(),
        role: "system".into(),
        org_id: None,
    }
}

/// Raises an alert (to the bank when `bank_id` is set; the enterprise sees every alert about it),
/// audited in the caller's transaction.
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
    let after = serde_json::json!({
        "enterprise_id": enterprise_id, "bank_id": bank_id, "loan_id": loan_id,
        "patent_id": patent_id, "kind": kind, "severity": severity, "message": message,
        "details": details, "raised_at": now,
    });
    let id: i64 = diesel::insert_into(alerts::table)
        .values(crate::db::models::NewAlert {
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
        .get_result(conn)?;
    audit::append(
        conn,
        &alerts_actor(),
        &Entry {
            action: "alert.raise",
            object_type: "alert",
            object_id: id.to_string(),
            before: None,
            after: Some(&after),
            request_id: &format!("alert:{kind}"),
        },
        now,
    )?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_patent_year_starts_on_the_filing_anniversary() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
        assert_eq!(patent_year(d(2019, 3, 1), d(2019, 3, 1)), 1);
        assert_eq!(patent_year(d(2019, 3, 1), d(2026, 3, 1)), 8);
        assert_eq!(patent_year(d(2019, 3, 1), d(2026, 2, 28)), 7);
    }
}
