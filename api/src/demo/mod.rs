//! `zhirong demo`: the deterministic demo data set, shaped by the public figures of DOMAIN.md
//! (five district pools totalling RMB 130 m, a dozen banks and a guarantor, about 420 enterprises,
//! RMB 1.5–2 bn lent), and the six demo logins.
//!
//! Business data depends only on the `as_of` date (default [`DEMO_AS_OF`]); `created_at` columns
//! record when it was loaded.

mod catalogue;
mod generate;
pub(crate) mod rng;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::auth::password;
use crate::db::audit::{self, Actor, Entry};
use crate::db::models::*;
use crate::db::schema::*;
use crate::db::{DbConnection, DbError};
use crate::domain::status::{LoanStatus, PoolStatus};
use crate::services::patents::write_patent;
use zhirong_engine::valuation::{PatentInput, value_patent};

pub use generate::{DemoData, generate};

/// The demo's default reference date.
pub const DEMO_AS_OF: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// The demo logins, in the order they are printed.
pub const LOGINS: [(&str, &str); 6] = [
    ("demo-enterprise", "enterprise_user"),
    ("demo-officer", "bank_officer"),
    ("demo-manager", "bank_manager"),
    ("demo-gov-officer", "gov_officer"),
    ("demo-gov-manager", "gov_manager"),
    ("demo-admin", "admin"),
];

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "the database already holds {0}; run `zhirong demo --reset` to replace everything in it with the demo data"
    )]
    NotEmpty(String),
    #[error("demo password: {0}")]
    Password(#[from] password::PasswordError),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for DemoError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Db(DbError::Query(e))
    }
}

/// What was loaded, for the command's output and the tests.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DemoSummary {
    pub as_of: NaiveDate,
    pub districts: usize,
    pub banks: usize,
    pub guarantors: usize,
    pub enterprises: usize,
    pub patents: usize,
    pub pools: usize,
    pub pool_size_fen: i64,
    pub applications: usize,
    pub loans: usize,
    pub lent_fen: i64,
    pub outstanding_fen: i64,
    pub overdue_loans: usize,
    pub defaulted_loans: usize,
    pub disposals: usize,
    pub claims: usize,
    pub risk_events: usize,
    pub alerts: usize,
    pub enterprise_login_org: String,
    pub bank_login_org: String,
    pub gov_login_org: String,
}

/// Tables in an order that respects foreign keys when deleting.
const DELETE_ORDER: [&str; 36] = [
    "audit_log",
    "bank_loan_quality",
    "feed_quarantine",
    "feed_records",
    "feed_providers",
    "job_runs",
    "idempotency_keys",
    "proposals",
    "pool_simulations",
    "whitelist_criteria",
    "scorecards",
    "refresh_tokens",
    "login_throttle",
    "sign_in_attempts",
    "alerts",
    "risk_events",
    "claim_adjustments",
    "claim_recoveries",
    "claims",
    "disposal_offers",
    "disposal_cases",
    "disposals",
    "pool_coverage",
    "repayments",
    "pledges",
    "loans",
    "applications",
    "pool_rules",
    "pool_banks",
    "pool_contributions",
    "fund_pools",
    "valuations",
    "financial_statements",
    "patents",
    "users",
    "organisations",
];

/// What the database already holds besides the operator organisation, or `None` when empty.
pub fn existing_content(conn: &mut DbConnection) -> Result<Option<String>, DbError> {
    let users_n: i64 = users::table.count().get_result(conn)?;
    let orgs_n: i64 = organisations::table
        .filter(organisations::kind.ne("operator"))
        .count()
        .get_result(conn)?;
    Ok(match (users_n, orgs_n) {
        (0, 0) => None,
        (u, o) => Some(format!("{u} users and {o} organisations")),
    })
}

fn at(day: NaiveDate, hour: u32) -> NaiveDateTime {
    // Business events happen in the Beijing working day: 09:00–17:00 +08:00 is 01:00–09:00 UTC.
    day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or(NaiveTime::MIN))
}

/// Loads the demo data in one transaction: all of it, or nothing.
pub fn load(
    conn: &mut DbConnection,
    as_of: NaiveDate,
    demo_password: &str,
    reset: bool,
) -> Result<DemoSummary, DemoError> {
    // Hash first: it is slow and needs no transaction.
    let hash = password::hash_unchecked(demo_password)?;
    let data = generate(as_of);
    let write = |conn: &mut DbConnection| -> Result<DemoSummary, DemoError> {
        if reset {
            for table in DELETE_ORDER {
                let sql = if table == "organisations" {
                    "DELETE FROM organisations WHERE kind <> 'operator'".to_string()
                } else {
                    format!("DELETE FROM {table}")
                };
                conn.batch_execute(&sql).map_err(DbError::Query)?;
            }
        } else if let Some(what) = existing_content(conn)? {
            return Err(DemoError::NotEmpty(what));
        }
        insert_all(conn, &data, &hash)
    };
    crate::db::write_tx(conn, write)
}

/// The last day of the calendar quarter before the one `d` is in.
fn last_quarter_end(d: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    let first_month = (d.month0() / 3) * 3 + 1;
    NaiveDate::from_ymd_opt(d.year(), first_month, 1)
        .and_then(|first| first.pred_opt())
        .unwrap_or(d)
}

fn insert_all(
    conn: &mut DbConnection,
    data: &DemoData,
    password_hash: &str,
) -> Result<DemoSummary, DemoError> {
    let now = Utc::now().naive_utc();
    let operator: i64 = organisations::table
        .filter(organisations::kind.eq("operator"))
        .select(organisations::id)
        .order(organisations::id)
        .first(conn)?;

    let mut org_ids = Vec::with_capacity(data.orgs.len());
    for o in &data.orgs {
        let id: i64 = diesel::insert_into(organisations::table)
            .values(NewOrganisation {
                kind: o.kind.to_string(),
                name: o.name.clone(),
                uscc: o.uscc.clone(),
                division_code: o.division_code.clone(),
                district_org_id: o.district.map(|d| org_ids[d]),
                industry: o.industry.map(str::to_string),
                contact_name: o.contact_name.clone(),
                contact_phone: o.contact_phone.clone(),
                created_at: now,
            })
            .returning(organisations::id)
            .get_result(conn)?;
        org_ids.push(id);
    }

    // Each bank's overall non-performing rate for the last quarter before the demo date
    // (invented, 0.95–1.84 %, about what Chinese commercial banks report).
    let quarter_end = last_quarter_end(data.as_of);
    for (i, id) in data
        .orgs
        .iter()
        .zip(&org_ids)
        .filter(|(o, _)| o.kind == "bank")
        .map(|(_, id)| *id)
        .enumerate()
    {
        diesel::insert_into(bank_loan_quality::table)
            .values((
                bank_loan_quality::bank_id.eq(id),
                bank_loan_quality::period_end.eq(quarter_end),
                bank_loan_quality::npl_rate_bp.eq(95 + (i as i32 * 41) % 90),
                bank_loan_quality::created_at.eq(now),
            ))
            .execute(conn)?;
    }

    let mut patent_ids = Vec::with_capacity(data.patents.len());
    for p in &data.patents {
        let id = write_patent(conn, org_ids[p.owner], &p.fields, None, now)?;
        patent_ids.push(id);
    }

    let mut pool_ids = Vec::with_capacity(data.pools.len());
    for p in &data.pools {
        let id: i64 = diesel::insert_into(fund_pools::table)
            .values(NewFundPool {
                district_id: org_ids[p.district],
                name: p.name.clone(),
                size_fen: p.size_fen,
                balance_fen: p.balance_fen,
                opened_on: p.opened_on,
                status: PoolStatus::Open,
                created_at: now,
            })
            .returning(fund_pools::id)
            .get_result(conn)?;
        pool_ids.push(id);
        // Co-built: the district puts in 60 % and the member banks the rest in equal parts
        // (the district takes the fen left by division).
        let banks_part = p.size_fen * 4 / 10;
        let per_bank = banks_part / i64::try_from(p.banks.len().max(1)).unwrap_or(1);
        let district_part = p.size_fen - per_bank * i64::try_from(p.banks.len()).unwrap_or(0);
        let mut contributions = vec![(org_ids[p.district], district_part)];
        contributions.extend(p.banks.iter().map(|&b| (org_ids[b], per_bank)));
        for (org, amount) in contributions.into_iter().filter(|c| c.1 > 0) {
            diesel::insert_into(pool_contributions::table)
                .values((
                    pool_contributions::pool_id.eq(id),
                    pool_contributions::contributor_org_id.eq(org),
                    pool_contributions::amount_fen.eq(amount),
                    pool_contributions::contributed_on.eq(p.opened_on),
                    pool_contributions::created_at.eq(now),
                ))
                .execute(conn)?;
        }
        for &b in &p.banks {
            diesel::insert_into(pool_banks::table)
                .values(NewPoolBank {
                    pool_id: id,
                    bank_id: org_ids[b],
                    joined_on: p.opened_on,
                })
                .execute(conn)?;
        }
        for r in &p.rules {
            diesel::insert_into(pool_rules::table)
                .values(NewPoolRule {
                    pool_id: id,
                    version: r.version,
                    gov_share_bp: r.gov_bp,
                    bank_share_bp: r.bank_bp,
                    guarantor_share_bp: r.guarantor_bp,
                    insurer_share_bp: r.insurer_bp,
                    per_loan_cap_fen: r.cap_fen,
                    leverage_limit_pct: r.leverage_pct,
                    effective_from: r.effective_from,
                    created_at: now,
                })
                .execute(conn)?;
        }
    }

    let mut application_ids = Vec::with_capacity(data.applications.len());
    for a in &data.applications {
        let id: i64 = diesel::insert_into(applications::table)
            .values(NewApplication {
                enterprise_id: org_ids[a.enterprise],
                bank_id: org_ids[a.bank],
                pool_id: a.pool.map(|p| pool_ids[p]),
                amount_fen: a.amount_fen,
                term_months: a.term_months,
                purpose: a.purpose.to_string(),
                status: a.status,
                credit_line_fen: None,
                proposed_rate_bp: a.proposed_rate_bp,
                decision_reason: a.decision_reason.clone(),
                submitted_at: a.submitted_on.map(|d| at(d, 2)),
                decided_at: a.decided_on.map(|d| at(d, 7)),
                created_at: at(a.created_on, 1),
            })
            .returning(applications::id)
            .get_result(conn)?;
        application_ids.push(id);
    }

    let mut loan_ids = Vec::with_capacity(data.loans.len());
    for l in &data.loans {
        let id: i64 = diesel::insert_into(loans::table)
            .values(NewLoan {
                application_id: application_ids[l.application],
                enterprise_id: org_ids[l.enterprise],
                bank_id: org_ids[l.bank],
                guarantor_id: l.guarantor.map(|g| org_ids[g]),
                principal_fen: l.principal_fen,
                outstanding_fen: l.outstanding_fen,
                rate_bp: l.rate_bp,
                term_months: l.term_months,
                disbursed_on: l.disbursed_on,
                maturity_date: l.maturity_date,
                status: l.status,
                days_past_due: l.days_past_due,
                defaulted_on: l.defaulted_on,
                closed_on: l.closed_on,
                created_at: at(l.disbursed_on, 3),
                repayment_method: "interest_only_bullet".into(),
                conditions: None,
            })
            .returning(loans::id)
            .get_result(conn)?;
        loan_ids.push(id);
    }

    let rows: std::collections::HashMap<i64, PatentRow> = patents::table
        .filter(patents::id.eq_any(&patent_ids))
        .select(PatentRow::as_select())
        .load::<PatentRow>(conn)?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let params = zhirong_engine::valuation::ValuationParams::default();
    for p in &data.pledges {
        // The collateral value at pledging: zr-val-1 on the registration date (the patent as it
        // is in the demo; its status then may have been better).
        let collateral_fen = p.registration_date.and_then(|on| {
            let row = rows.get(&patent_ids[p.patent])?;
            Some(value_patent(&PatentInput::from(&row.fields), on, &params).collateral_fen)
        });
        diesel::insert_into(pledges::table)
            .values(NewPledge {
                application_id: application_ids[p.application],
                loan_id: p.loan.map(|l| loan_ids[l]),
                patent_id: patent_ids[p.patent],
                status: p.status,
                collateral_fen,
                registration_no: p.registration_no.clone(),
                registration_date: p.registration_date,
                released_on: p.released_on,
                created_at: now,
            })
            .execute(conn)?;
    }
    for r in &data.repayments {
        diesel::insert_into(repayments::table)
            .values(NewRepayment {
                loan_id: loan_ids[r.loan],
                paid_on: r.paid_on,
                principal_fen: r.principal_fen,
                interest_fen: r.interest_fen,
                created_at: at(r.paid_on, 3),
            })
            .execute(conn)?;
    }
    for c in &data.coverage {
        diesel::insert_into(pool_coverage::table)
            .values(NewPoolCoverage {
                pool_id: pool_ids[c.pool],
                loan_id: loan_ids[c.loan],
                rule_version: c.rule_version,
                covered_on: c.covered_on,
                covered_amount_fen: c.amount_fen,
                status: c.status,
                created_at: at(c.covered_on, 4),
            })
            .execute(conn)?;
    }
    for d in &data.disposals {
        diesel::insert_into(disposals::table)
            .values(NewDisposal {
                loan_id: loan_ids[d.loan],
                patent_id: patent_ids[d.patent],
                method: d.method.to_string(),
                counterparty: d.counterparty.clone(),
                proceeds_fen: d.proceeds_fen,
                disposed_on: d.disposed_on,
                created_at: at(d.disposed_on, 5),
            })
            .execute(conn)?;
    }
    for c in &data.claims {
        diesel::insert_into(claims::table)
            .values(NewClaim {
                pool_id: pool_ids[c.pool],
                loan_id: loan_ids[c.loan],
                bank_id: org_ids[c.bank],
                rule_version: c.rule_version,
                loss_fen: c.loss_fen,
                recoveries_fen: c.recoveries_fen,
                claimed_fen: c.claimed_fen,
                approved_fen: c.approved_fen,
                status: c.status,
                filed_on: c.filed_on,
                decided_on: c.decided_on,
                created_at: at(c.filed_on, 2),
            })
            .execute(conn)?;
    }
    for e in &data.events {
        diesel::insert_into(risk_events::table)
            .values(NewRiskEvent {
                enterprise_id: org_ids[e.enterprise],
                event_type: e.event_type.to_string(),
                occurred_on: e.occurred_on,
                amount_fen: e.amount_fen,
                patent_id: e.patent.map(|p| patent_ids[p]),
                source: e.source.to_string(),
                event_ref: e.reference.clone(),
                created_at: at(e.occurred_on, 6),
            })
            .execute(conn)?;
    }
    for a in &data.alerts {
        diesel::insert_into(alerts::table)
            .values(NewAlert {
                enterprise_id: org_ids[a.enterprise],
                bank_id: a.bank.map(|b| org_ids[b]),
                loan_id: a.loan.map(|l| loan_ids[l]),
                patent_id: a.patent.map(|p| patent_ids[p]),
                kind: a.kind.to_string(),
                severity: a.severity.to_string(),
                message: a.message.clone(),
                details_json: a.details.to_string(),
                raised_at: at(a.raised_on, 1),
            })
            .execute(conn)?;
    }

    let login_orgs = [
        org_ids[data.logins.enterprise],
        org_ids[data.logins.bank],
        org_ids[data.logins.bank],
        org_ids[data.logins.district],
        org_ids[data.logins.district],
        operator,
    ];
    for ((username, role), org_id) in LOGINS.iter().zip(login_orgs) {
        diesel::insert_into(users::table)
            .values(NewUser {
                username: username.to_string(),
                password_hash: password_hash.to_string(),
                role: role.to_string(),
                org_id,
                disabled: false,
                created_at: now,
            })
            .execute(conn)?;
    }

    let summary = summarise(data);
    let after = serde_json::to_value(&summary).unwrap_or(serde_json::Value::Null);
    audit::append(
        conn,
        &Actor::cli("demo"),
        &Entry {
            action: "demo.load",
            object_type: "database",
            object_id: "demo".into(),
            before: None,
            after: Some(&after),
            request_id: "cli",
        },
        now,
    )?;
    Ok(summary)
}

fn summarise(data: &DemoData) -> DemoSummary {
    let count = |kind: &str| data.orgs.iter().filter(|o| o.kind == kind).count();
    DemoSummary {
        as_of: data.as_of,
        districts: count("district"),
        banks: count("bank"),
        guarantors: count("guarantor"),
        enterprises: count("enterprise"),
        patents: data.patents.len(),
        pools: data.pools.len(),
        pool_size_fen: data.pools.iter().map(|p| p.size_fen).sum(),
        applications: data.applications.len(),
        loans: data.loans.len(),
        lent_fen: data.loans.iter().map(|l| l.principal_fen).sum(),
        outstanding_fen: data.loans.iter().map(|l| l.outstanding_fen).sum(),
        overdue_loans: data
            .loans
            .iter()
            .filter(|l| l.status == LoanStatus::Overdue)
            .count(),
        defaulted_loans: data
            .loans
            .iter()
            .filter(|l| l.status == LoanStatus::Defaulted)
            .count(),
        disposals: data.disposals.len(),
        claims: data.claims.len(),
        risk_events: data.events.len(),
        alerts: data.alerts.len(),
        enterprise_login_org: data.orgs[data.logins.enterprise].name.clone(),
        bank_login_org: data.orgs[data.logins.bank].name.clone(),
        gov_login_org: data.orgs[data.logins.district].name.clone(),
    }
}
