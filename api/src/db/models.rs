//! Rows as diesel reads and writes them. Money fields are `i64` fen, rates `i32` basis points.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::*;
use crate::domain::PatentFields;
use crate::domain::status::{
    ApplicationStatus, ClaimStatus, CoverageStatus, LoanStatus, PledgeStatus, PoolStatus,
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organisations)]
pub struct Organisation {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub uscc: Option<String>,
    pub division_code: Option<String>,
    pub district_org_id: Option<i64>,
    pub industry: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = organisations)]
pub struct NewOrganisation {
    pub kind: String,
    pub name: String,
    pub uscc: Option<String>,
    pub division_code: Option<String>,
    pub district_org_id: Option<i64>,
    pub industry: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub org_id: i64,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
    pub must_change_password: bool,
}

impl std::fmt::Debug for User {
    // The hash is a secret too: never print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("role", &self.role)
            .field("org_id", &self.org_id)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUser {
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub org_id: i64,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = annual_fee_schedule)]
pub struct NewAnnualFee {
    pub patent_type: String,
    pub year_from: i32,
    pub year_to: i32,
    pub fee_fen: i64,
    pub valid_from: NaiveDate,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = fund_pools)]
pub struct NewFundPool {
    pub district_id: i64,
    pub name: String,
    pub size_fen: i64,
    pub balance_fen: i64,
    pub opened_on: NaiveDate,
    pub status: PoolStatus,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = pool_banks)]
pub struct NewPoolBank {
    pub pool_id: i64,
    pub bank_id: i64,
    pub joined_on: NaiveDate,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = pool_rules)]
pub struct NewPoolRule {
    pub pool_id: i64,
    pub version: i32,
    pub gov_share_bp: i32,
    pub bank_share_bp: i32,
    pub guarantor_share_bp: i32,
    pub insurer_share_bp: i32,
    pub per_loan_cap_fen: i64,
    pub leverage_limit_pct: i32,
    pub effective_from: NaiveDate,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = applications)]
pub struct NewApplication {
    pub enterprise_id: i64,
    pub bank_id: i64,
    pub pool_id: Option<i64>,
    pub amount_fen: i64,
    pub term_months: i32,
    pub purpose: String,
    pub status: ApplicationStatus,
    pub credit_line_fen: Option<i64>,
    pub proposed_rate_bp: Option<i32>,
    pub decision_reason: Option<String>,
    pub submitted_at: Option<NaiveDateTime>,
    pub decided_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = loans)]
pub struct NewLoan {
    pub application_id: i64,
    pub enterprise_id: i64,
    pub bank_id: i64,
    pub guarantor_id: Option<i64>,
    pub principal_fen: i64,
    pub outstanding_fen: i64,
    pub rate_bp: i32,
    pub term_months: i32,
    pub disbursed_on: NaiveDate,
    pub maturity_date: NaiveDate,
    pub status: LoanStatus,
    pub days_past_due: i32,
    pub defaulted_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    /// interest_only_bullet or equal_principal
    pub repayment_method: String,
    pub conditions: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = pledges)]
pub struct NewPledge {
    pub application_id: i64,
    pub loan_id: Option<i64>,
    pub patent_id: i64,
    pub status: PledgeStatus,
    pub collateral_fen: Option<i64>,
    pub registration_no: Option<String>,
    pub registration_date: Option<NaiveDate>,
    pub released_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = repayments)]
pub struct NewRepayment {
    pub loan_id: i64,
    pub paid_on: NaiveDate,
    pub principal_fen: i64,
    pub interest_fen: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = pool_coverage)]
pub struct NewPoolCoverage {
    pub pool_id: i64,
    pub loan_id: i64,
    pub rule_version: i32,
    pub covered_on: NaiveDate,
    pub covered_amount_fen: i64,
    pub status: CoverageStatus,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = disposals)]
pub struct NewDisposal {
    pub loan_id: i64,
    pub patent_id: i64,
    pub method: String,
    pub counterparty: String,
    pub proceeds_fen: i64,
    pub disposed_on: NaiveDate,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = claims)]
pub struct NewClaim {
    pub pool_id: i64,
    pub loan_id: i64,
    pub bank_id: i64,
    pub rule_version: i32,
    pub loss_fen: i64,
    pub recoveries_fen: i64,
    pub claimed_fen: i64,
    pub approved_fen: Option<i64>,
    pub status: ClaimStatus,
    pub filed_on: NaiveDate,
    pub decided_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = risk_events)]
pub struct NewRiskEvent {
    pub enterprise_id: i64,
    pub event_type: String,
    pub occurred_on: NaiveDate,
    pub amount_fen: Option<i64>,
    pub patent_id: Option<i64>,
    pub source: String,
    pub event_ref: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = alerts)]
pub struct NewAlert {
    pub enterprise_id: i64,
    pub bank_id: Option<i64>,
    pub loan_id: Option<i64>,
    pub patent_id: Option<i64>,
    pub kind: String,
    pub severity: String,
    pub message: String,
    pub details_json: String,
    pub raised_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: i64,
    pub at: NaiveDateTime,
    pub user_id: Option<i64>,
    pub username: String,
    pub role: String,
    pub org_id: Option<i64>,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before_digest: String,
    pub after_digest: String,
    pub request_id: String,
    pub prev_hash: String,
    pub hash: String,
    /// The fields before and after, as the JSON whose digests the chain holds (none before
    /// migration 2026-12-08-000009).
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// A patent as read back: its fields (written through [`PatentFields`] too) and the platform's
/// bookkeeping. It reads as its fields (`row.legal_status`), which is what most readers want.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = patents)]
pub struct PatentRow {
    pub id: i64,
    pub owner_org_id: i64,
    #[diesel(embed)]
    pub fields: PatentFields,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub removed_at: Option<NaiveDateTime>,
}

impl std::ops::Deref for PatentRow {
    type Target = PatentFields;

    fn deref(&self) -> &PatentFields {
        &self.fields
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = applications)]
pub struct ApplicationRow {
    pub id: i64,
    pub enterprise_id: i64,
    pub bank_id: i64,
    pub pool_id: Option<i64>,
    pub amount_fen: i64,
    pub term_months: i32,
    pub purpose: String,
    pub status: ApplicationStatus,
    pub credit_line_fen: Option<i64>,
    pub proposed_rate_bp: Option<i32>,
    pub decision_reason: Option<String>,
    pub submitted_at: Option<NaiveDateTime>,
    pub decided_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub approved_amount_fen: Option<i64>,
    pub approved_term_months: Option<i32>,
    pub repayment_method: Option<String>,
    pub conditions: Option<String>,
    pub reject_code: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = loans)]
pub struct LoanRecord {
    pub id: i64,
    pub application_id: i64,
    pub enterprise_id: i64,
    pub bank_id: i64,
    pub guarantor_id: Option<i64>,
    pub principal_fen: i64,
    pub outstanding_fen: i64,
    pub rate_bp: i32,
    pub term_months: i32,
    pub disbursed_on: NaiveDate,
    pub maturity_date: NaiveDate,
    pub status: LoanStatus,
    pub days_past_due: i32,
    pub defaulted_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    #[serde(serialize_with = "crate::domain::instant::utc")]
    pub created_at: NaiveDateTime,
    pub repayment_method: String,
    pub conditions: Option<String>,
}
