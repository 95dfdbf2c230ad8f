//! The bank's overall loan quality: its non-performing-loan rate over all its lending, as its
//! manager declares it each period, so the district can hold the bank's IP-loan bad-loan rate
//! against it (the regulator tolerates IP loans running up to 3 points above it).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::auth::{Principal, Role};
use crate::clock::china_today;
use crate::db::DbConnection;
use crate::db::audit::{self, Entry};
use crate::db::schema::bank_loan_quality;
use crate::error::ApiError;
use crate::error::bad;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoanQualityDeclaration {
    /// The last day of the period the rate is for (not after today).
    pub period_end: NaiveDate,
    /// Non-performing loans / all loans of the bank, in basis points (150 = 1.50 %), 0–10,000.
    pub npl_rate_bp: i32,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LoanQuality {
    pub id: i64,
    pub period_end: NaiveDate,
    pub npl_rate_bp: i32,
    pub declared_by: Option<i64>,
    #[serde(serialize_with = "crate::domain::instant::utc")]
    pub created_at: NaiveDateTime,
}

/// The bank's declarations, latest period first.
pub fn list(conn: &mut DbConnection, bank_id: i64) -> Result<Vec<LoanQuality>, ApiError> {
    let rows: Vec<(i64, NaiveDate, i32, Option<i64>, NaiveDateTime)> = bank_loan_quality::table
        .filter(bank_loan_quality::bank_id.eq(bank_id))
        .order((
            bank_loan_quality::period_end.desc(),
            bank_loan_quality::id.desc(),
        ))
        .select((
            bank_loan_quality::id,
            bank_loan_quality::period_end,
            bank_loan_quality::npl_rate_bp,
            bank_loan_quality::declared_by,
            bank_loan_quality::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| LoanQuality {
            id: r.0,
            period_end: r.1,
            npl_rate_bp: r.2,
            declared_by: r.3,
            created_at: r.4,
        })
        .collect())
}

/// A manager declares the bank's overall rate for a period.
pub fn declare(
    conn: &mut DbConnection,
    principal: &Principal,
    d: LoanQualityDeclaration,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<LoanQuality, ApiError> {
    if principal.role != Role::BankManager {
        return Err(ApiError::forbidden(
            "MANAGER_ONLY",
            "the bank's overall loan quality is declared by a bank manager",
        ));
    }
    if !(0..=10_000).contains(&d.npl_rate_bp) {
        return Err(bad(
            "INVALID_RATE",
            "npl_rate_bp is 0 to 10,000 basis points",
            "npl_rate_bp",
        ));
    }
    if d.period_end > china_today(now) {
        return Err(bad(
            "INVALID_DATE",
            "period_end is not after today",
            "period_end",
        ));
    }
    crate::db::write_tx(conn, |conn| {
        let id: i64 = diesel::insert_into(bank_loan_quality::table)
            .values((
                bank_loan_quality::bank_id.eq(principal.org_id),
                bank_loan_quality::period_end.eq(d.period_end),
                bank_loan_quality::npl_rate_bp.eq(d.npl_rate_bp),
                bank_loan_quality::declared_by.eq(principal.user_id),
                bank_loan_quality::created_at.eq(now),
            ))
            .returning(bank_loan_quality::id)
            .get_result(conn)?;
        audit::append(
            conn,
            &principal.actor(),
            &Entry {
                action: "bank.loan_quality",
                object_type: "bank",
                object_id: principal.org_id.to_string(),
                before: None,
                after: Some(&serde_json::json!({"id": id, "period_end": d.period_end,
                    "npl_rate_bp": d.npl_rate_bp})),
                request_id,
            },
            now,
        )?;
        Ok(LoanQuality {
            id,
            period_end: d.period_end,
            npl_rate_bp: d.npl_rate_bp,
            declared_by: Some(principal.user_id),
            created_at: now,
        })
    })
}
