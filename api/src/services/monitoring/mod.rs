//! Risk monitoring (风险监控): the bank's portfolio with each borrower's rating, the alerts with
//! acknowledge / assign / resolve, and the monitoring run — a revaluation of every pledged patent
//! (stored, with the bank as requester), LTV breaches, fee grace, invalidation requests, ownership
//! transfers of pledged patents and rating rises, each raised once while unresolved.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use zhirong_engine::valuation::{self as engine, LegalStatus, PatentInput, ValuationParams};

use crate::auth::Principal;
use crate::clock::china_today;
use crate::db::DbConnection;
use crate::db::audit::{self, Actor, Entry};
use crate::db::models::{LoanRecord, PatentRow};
use crate::db::schema::{
    alerts, claim_adjustments, claims, loans, organisations, patents, pledges, users, valuations,
};
use crate::domain::status::{ClaimStatus, LoanStatus, PledgeStatus};
use crate::domain::text::optional_text;
use crate::error::ApiError;
use crate::error::bad;
use crate::services::alerts::GRACE_MONTHS;
use crate::services::alerts::raise_alert;
use crate::services::risk::scores_of;
use crate::services::status_filter;
use crate::services::valuations::inputs_digest;

const RATINGS: [&str; 4] = ["normal", "watch", "warning", "critical"];

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PortfolioLoan {
    pub loan_id: i64,
    pub application_id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub principal_fen: i64,
    pub outstanding_fen: i64,
    pub rate_bp: i32,
    pub disbursed_on: NaiveDate,
    pub maturity_date: NaiveDate,
    pub status: LoanStatus,
    pub days_past_due: i32,
    pub repayment_method: String,
    /// Σ collateral of the registered pledges at their latest valuation by this bank (else at
    /// pledging).
    pub collateral_fen: i64,
    /// outstanding / collateral; above 1 the collateral no longer covers the loan.
    pub ltv: Option<f64>,
    pub rating: String,
    pub composite: f64,
    pub open_alerts: i64,
    /// Pledges still registered: on a repaid loan, their release awaits a manager's approval.
    pub registered_pledges: i64,
    /// The loan's claim on its pool, if filed.
    pub claim: Option<LoanClaim>,
}

/// A loan's claim as the bank sees it on the loan: its figures now and how often money received
/// since filing recomputed it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LoanClaim {
    pub id: i64,
    pub status: ClaimStatus,
    pub loss_fen: i64,
    pub claimed_fen: i64,
    pub approved_fen: Option<i64>,
    pub recomputations: i64,
    /// The loss when filed (before any recomputation).
    pub filed_loss_fen: i64,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LoanQuery {
    /// active, overdue, defaulted, repaid or written_off; every loan when absent.
    pub status: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BankAlert {
    pub id: i64,
    pub kind: String,
    pub severity: String,
    pub message: String,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    pub enterprise_id: i64,
    pub loan_id: Option<i64>,
    pub patent_id: Option<i64>,
    #[serde(serialize_with = "crate::domain::instant::utc")]
    pub raised_at: NaiveDateTime,
    #[serde(serialize_with = "crate::domain::instant::utc_option")]
    pub acknowledged_at: Option<NaiveDateTime>,
    pub acknowledged_by: Option<i64>,
    pub assigned_to: Option<i64>,
    #[serde(serialize_with = "crate::domain::instant::utc_option")]
    pub resolved_at: Option<NaiveDateTime>,
    pub resolved_by: Option<i64>,
    pub resolution: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AlertQuery {
    /// open (not resolved, the default), resolved or all.
    pub state: Option<String>,
    pub kind: Option<String>,
    pub loan_id: Option<i64>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertAction {
    /// assign: a user of the bank.
    pub user_id: Option<i64>,
    /// resolve: what was done (required).
    pub resolution: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MonitoringRun {
    pub as_of: NaiveDate,
    pub loans: usize,
    pub patents_revalued: usize,
    pub model_version: String,
    pub params_digest: String,
    pub ltv_breaches: Vec<i64>,
    pub alerts_raised: usize,
}

fn live_loans(conn: &mut DbConnection, bank_id: Option<i64>) -> Result<Vec<LoanRecord>, ApiError> {
    let mut q = loans::table
        .filter(loans::status.eq_any(LoanStatus::LIVE))
        .select(LoanRecord::as_select())
        .order(loans::id)
        .into_boxed();
    if let Some(b) = bank_id {
        q = q.filter(loans::bank_id.eq(b));
    }
    Ok(q.load(conn)?)
}

/// A registered pledge of a loan, with its collateral at pledging.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = pledges)]
struct Pledged {
    #[diesel(select_expression = pledges::loan_id.assume_not_null())]
    #[diesel(select_expression_type = diesel::dsl::AssumeNotNull<pledges::loan_id>)]
    loan_id: i64,
    patent_id: i64,
    collateral_fen: Option<i64>,
}

impl Pledged {
    fn at_pledge_fen(&self) -> i64 {
        self.collateral_fen.unwrap_or(0)
    }
}

/// Each loan's registered pledges.
fn pledged(conn: &mut DbConnection, loan_ids: &[i64]) -> Result<Vec<Pledged>, ApiError> {
    Ok(pledges::table
        .filter(pledges::loan_id.eq_any(loan_ids))
        .filter(pledges::status.eq(PledgeStatus::Registered))
        .select(Pledged::as_select())
        .load(conn)?)
}

/// The latest collateral value the bank has for each patent (its own valuations).
fn latest_collateral(
    conn: &mut DbConnection,
    bank_id: i64,
    patent_ids: &[i64],
) -> Result<HashMap<i64, i64>, ApiError> {
    let rows: Vec<(i64, i64, i64)> = valuations::table
        .filter(valuations::requested_by_org.eq(bank_id))
        .filter(valuations::patent_id.eq_any(patent_ids))
        .order((valuations::patent_id, valuations::id))
        .select((
            valuations::patent_id,
            valuations::id,
            valuations::collateral_fen,
        ))
        .load(conn)?;
    // Ordered by id within a patent: the last one wins.
    Ok(rows.into_iter().map(|(p, _, c)| (p, c)).collect())
}

/// Each loan's collateral: Σ of its registered pledges at their latest valuation by the bank
/// (else at pledging). The loans are the bank's.
pub fn collateral_by_loan(
    conn: &mut DbConnection,
    bank_id: i64,
    loan_ids: &[i64],
) -> Result<HashMap<i64, i64>, ApiError> {
    let pledges = pledged(conn, loan_ids)?;
    let patent_ids: Vec<i64> = pledges.iter().map(|p| p.patent_id).collect();
    let latest = latest_collateral(conn, bank_id, &patent_ids)?;
    let mut collateral: HashMap<i64, i64> = HashMap::new();
    for p in &pledges {
        *collateral.entry(p.loan_id).or_default() += latest
            .get(&p.patent_id)
            .copied()
            .unwrap_or(p.at_pledge_fen());
    }
    Ok(collateral)
}

pub fn portfolio(
    conn: &mut DbConnection,
    bank_id: i64,
    q: &LoanQuery,
    now: NaiveDateTime,
) -> Result<Vec<PortfolioLoan>, ApiError> {
    let status = status_filter(q.status.as_deref(), LoanStatus::parse, LoanStatus::ALL)?;
    let today = china_today(now);
    let mut query = loans::table
        .filter(loans::bank_id.eq(bank_id))
        .select(LoanRecord::as_select())
        .order(loans::id.desc())
        .into_boxed();
    if let Some(s) = status {
        query = query.filter(loans::status.eq(s));
    }
    let rows: Vec<LoanRecord> = query.load(conn)?;
    let loan_ids: Vec<i64> = rows.iter().map(|l| l.id).collect();
    let mut enterprise_ids: Vec<i64> = rows.iter().map(|l| l.enterprise_id).collect();
    enterprise_ids.sort_unstable();
    enterprise_ids.dedup();
    let names: HashMap<i64, String> = organisations::table
        .filter(organisations::id.eq_any(&enterprise_ids))
        .select((organisations::id, organisations::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let scores = scores_of(conn, &enterprise_ids, today)?;
    let collateral = collateral_by_loan(conn, bank_id, &loan_ids)?;
    let mut open: HashMap<i64, i64> = HashMap::new();
    for l in alerts::table
        .filter(alerts::bank_id.eq(bank_id))
        .filter(alerts::resolved_at.is_null())
        .filter(alerts::loan_id.is_not_null())
        .select(alerts::loan_id.assume_not_null())
        .load::<i64>(conn)?
    {
        *open.entry(l).or_default() += 1;
    }
    let mut registered: HashMap<i64, i64> = HashMap::new();
    for l in pledges::table
        .filter(pledges::loan_id.eq_any(&loan_ids))
        .filter(pledges::status.eq(PledgeStatus::Registered))
        .select(pledges::loan_id.assume_not_null())
        .load::<i64>(conn)?
    {
        *registered.entry(l).or_default() += 1;
    }
    let mut claim_of: HashMap<i64, LoanClaim> = HashMap::new();
    for (id, loan_id, status, loss_fen, claimed_fen, approved_fen) in claims::table
        .filter(claims::bank_id.eq(bank_id))
        .filter(claims::loan_id.eq_any(&loan_ids))
        .select((
            claims::id,
            claims::loan_id,
            claims::status,
            claims::loss_fen,
            claims::claimed_fen,
            claims::approved_fen,
        ))
        .load::<(i64, i64, ClaimStatus, i64, i64, Option<i64>)>(conn)?
    {
        let losses_before: Vec<i64> = claim_adjustments::table
            .filter(claim_adjustments::claim_id.eq(id))
            .order(claim_adjustments::id)
            .select(claim_adjustments::loss_before_fen)
            .load(conn)?;
        claim_of.insert(
            loan_id,
            LoanClaim {
                id,
                status,
                loss_fen,
                claimed_fen,
                approved_fen,
                recomputations: losses_before.len() as i64,
                filed_loss_fen: losses_before.first().copied().unwrap_or(loss_fen),
            },
        );
    }
    Ok(rows
        .into_iter()
        .map(|l| {
            let c = collateral.get(&l.id).copied().unwrap_or(0);
            let score = scores.get(&l.enterprise_id);
            PortfolioLoan {
                loan_id: l.id,
                application_id: l.application_id,
                enterprise_id: l.enterprise_id,
                enterprise_name: names.get(&l.enterprise_id).cloned().unwrap_or_default(),
                principal_fen: l.principal_fen,
                outstanding_fen: l.outstanding_fen,
                rate_bp: l.rate_bp,
                disbursed_on: l.disbursed_on,
                maturity_date: l.maturity_date,
                status: l.status,
                days_past_due: l.days_past_due,
                repayment_method: l.repayment_method,
                collateral_fen: c,
                ltv: (c > 0)
                    .then(|| (l.outstanding_fen as f64 / c as f64 * 10_000.0).round() / 10_000.0),
                rating: score.map_or("normal", |s| s.rating.as_str()).to_string(),
                composite: score.map_or(0.0, |s| (s.composite * 100.0).round() / 100.0),
                open_alerts: open.get(&l.id).copied().unwrap_or(0),
                registered_pledges: registered.get(&l.id).copied().unwrap_or(0),
                claim: claim_of.remove(&l.id),
            }
        })
        .collect())
}

type AlertRow = (
    i64,
    String,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<i64>,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<i64>,
    Option<i64>,
    Option<NaiveDateTime>,
    Option<i64>,
    Option<String>,
);

fn to_view(r: AlertRow) -> BankAlert {
    BankAlert {
        id: r.0,
        kind: r.1,
        severity: r.2,
        message: r.3,
        details: serde_json::from_str(&r.4).unwrap_or(serde_json::Value::Null),
        enterprise_id: r.5,
        loan_id: r.6,
        patent_id: r.7,
        raised_at: r.8,
        acknowledged_at: r.9,
        acknowledged_by: r.10,
        assigned_to: r.11,
        resolved_at: r.12,
        resolved_by: r.13,
        resolution: r.14,
    }
}

macro_rules! alert_columns {
    () => {
        (
            alerts::id,
            alerts::kind,
            alerts::severity,
            alerts::message,
            alerts::details_json,
            alerts::enterprise_id,
            alerts::loan_id,
            alerts::patent_id,
            alerts::raised_at,
            alerts::acknowledged_at,
            alerts::acknowledged_by,
            alerts::assigned_to,
            alerts::resolved_at,
            alerts::resolved_by,
            alerts::resolution,
        )
    };
}

pub fn list_alerts(
    conn: &mut DbConnection,
    bank_id: i64,
    q: &AlertQuery,
) -> Result<Vec<BankAlert>, ApiError> {
    let mut query = alerts::table
        .filter(alerts::bank_id.eq(bank_id))
        .select(alert_columns!())
        .order(alerts::id.desc())
        .into_boxed();
    match q.state.as_deref() {
        None | Some("open") => query = query.filter(alerts::resolved_at.is_null()),
        Some("resolved") => query = query.filter(alerts::resolved_at.is_not_null()),
        Some("all") => {}
        Some(_) => {
            return Err(bad(
                "INVALID_STATE",
                "state is open, resolved or all",
                "state",
            ));
        }
    }
    if let Some(k) = &q.kind {
        query = query.filter(alerts::kind.eq(k.clone()));
    }
    if let Some(l) = q.loan_id {
        query = query.filter(alerts::loan_id.eq(l));
    }
    Ok(query
        .limit(1_000)
        .load::<AlertRow>(conn)?
        .into_iter()
        .map(to_view)
        .collect())
}

fn bank_alert(conn: &mut DbConnection, bank_id: i64, id: i64) -> Result<BankAlert, ApiError> {
    Ok(to_view(
        alerts::table
            .find(id)
            .filter(alerts::bank_id.eq(bank_id))
            .select(alert_columns!())
            .first::<AlertRow>(conn)?,
    ))
}

/// acknowledge, assign or resolve one of the bank's alerts.
pub fn act_on_alert(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    action: &str,
    body: AlertAction,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<BankAlert, ApiError> {
    let resolution = optional_text(body.resolution.as_deref(), 2_000, "resolution")?;
    crate::db::write_tx(conn, |conn| {
        let before = bank_alert(conn, principal.org_id, id)?;
        if before.resolved_at.is_some() {
            return Err(ApiError::conflict(
                "ALERT_RESOLVED",
                format!("alert {id} is already resolved"),
            ));
        }
        let target = alerts::table.find(id);
        match action {
            "acknowledge" => {
                diesel::update(target)
                    .set((
                        alerts::acknowledged_at.eq(before.acknowledged_at.unwrap_or(now)),
                        alerts::acknowledged_by
                            .eq(before.acknowledged_by.unwrap_or(principal.user_id)),
                    ))
                    .execute(conn)?;
            }
            "assign" => {
                let user = body.user_id.ok_or_else(|| {
                    bad("FIELD_REQUIRED", "user_id is required to assign", "user_id")
                })?;
                let same_bank: i64 = users::table
                    .filter(users::id.eq(user))
                    .filter(users::org_id.eq(principal.org_id))
                    .filter(users::disabled.eq(false))
                    .count()
                    .get_result(conn)?;
                if same_bank == 0 {
                    return Err(bad(
                        "INVALID_USER",
                        format!("user {user} is not an active user of your bank"),
                        "user_id",
                    ));
                }
                diesel::update(target)
                    .set(alerts::assigned_to.eq(user))
                    .execute(conn)?;
            }
            _ => {
                let resolution = resolution.clone().ok_or_else(|| {
                    bad(
                        "FIELD_REQUIRED",
                        "resolution is required: say what was done",
                        "resolution",
                    )
                })?;
                diesel::update(target)
                    .set((
                        alerts::resolved_at.eq(now),
                        alerts::resolved_by.eq(principal.user_id),
                        alerts::resolution.eq(resolution),
                        alerts::acknowledged_at.eq(before.acknowledged_at.unwrap_or(now)),
                        alerts::acknowledged_by
                            .eq(before.acknowledged_by.unwrap_or(principal.user_id)),
                    ))
                    .execute(conn)?;
            }
        }
        let after = bank_alert(conn, principal.org_id, id)?;
        audit::append(
            conn,
            &principal.actor(),
            &Entry {
                action: match action {
                    "acknowledge" => "alert.acknowledge",
                    "assign" => "alert.assign",
                    _ => "alert.resolve",
                },
                object_type: "alert",
                object_id: id.to_string(),
                before: Some(
                    &serde_json::json!({"acknowledged_at": before.acknowledged_at, "assigned_to": before.assigned_to}),
                ),
                after: Some(
                    &serde_json::json!({"acknowledged_at": after.acknowledged_at, "assigned_to": after.assigned_to, "resolution": after.resolution}),
                ),
                request_id,
            },
            now,
        )?;
        Ok(after)
    })
}

/// Whether an unresolved alert of this kind already stands for the loan (and patent).
fn already_open(
    conn: &mut DbConnection,
    bank_id: i64,
    loan_id: i64,
    patent_id: Option<i64>,
    kind: &str,
) -> Result<bool, ApiError> {
    let mut q = alerts::table
        .filter(alerts::bank_id.eq(bank_id))
        .filter(alerts::loan_id.eq(loan_id))
        .filter(alerts::kind.eq(kind))
        .filter(alerts::resolved_at.is_null())
        .into_boxed();
    if let Some(p) = patent_id {
        q = q.filter(alerts::patent_id.eq(p));
    }
    Ok(q.count().get_result::<i64>(conn)? > 0)
}

/// The monitoring run over the bank's live loans (or every bank's, for the scheduled run).
pub fn run(
    conn: &mut DbConnection,
    actor: &Actor,
    bank_id: Option<i64>,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<MonitoringRun, ApiError> {
    let params: &ValuationParams = &crate::services::valuations::params();
    let today = china_today(now);
    let digest = params.digest();
    crate::db::write_tx(conn, |conn| {
        let live = live_loans(conn, bank_id)?;
        let loan_ids: Vec<i64> = live.iter().map(|l| l.id).collect();
        let pledges = pledged(conn, &loan_ids)?;
        let patent_ids: Vec<i64> = pledges.iter().map(|p| p.patent_id).collect();
        let rows: HashMap<i64, PatentRow> = patents::table
            .filter(patents::id.eq_any(&patent_ids))
            .select(PatentRow::as_select())
            .load::<PatentRow>(conn)?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        let mut enterprise_ids: Vec<i64> = live.iter().map(|l| l.enterprise_id).collect();
        enterprise_ids.sort_unstable();
        enterprise_ids.dedup();
        let scores = scores_of(conn, &enterprise_ids, today)?;
        let mut collateral: HashMap<i64, i64> = HashMap::new();
        let mut raised = 0usize;
        let mut revalued = 0usize;
        let by_id: HashMap<i64, &LoanRecord> = live.iter().map(|l| (l.id, l)).collect();
        for pledge in &pledges {
            let (Some(p), Some(loan)) = (rows.get(&pledge.patent_id), by_id.get(&pledge.loan_id))
            else {
                continue;
            };
            let input = PatentInput::from(&p.fields);
            let v = engine::value_patent(&input, today, params);
            revalued += 1;
            *collateral.entry(pledge.loan_id).or_default() += v.collateral_fen;
            let outputs = serde_json::to_string(&v).unwrap_or_default();
            diesel::insert_into(valuations::table)
                .values((
                    valuations::patent_id.eq(p.id),
                    valuations::requested_by_org.eq(loan.bank_id),
                    valuations::model_version.eq(&v.model_version),
                    valuations::params_digest.eq(&digest),
                    valuations::inputs_digest.eq(inputs_digest(&input)),
                    valuations::as_of.eq(today),
                    valuations::pvd.eq(v.pvd),
                    valuations::appraised_fen.eq(v.appraised_fen),
                    valuations::collateral_fen.eq(v.collateral_fen),
                    valuations::eligible.eq(v.eligible),
                    valuations::flags.eq(&v.flags),
                    valuations::outputs_json.eq(&outputs),
                    valuations::explanation_json.eq("{}"),
                    valuations::created_at.eq(now),
                ))
                .execute(conn)?;
            let mut patent_alert = |conn: &mut DbConnection,
                                    kind: &str,
                                    severity: &str,
                                    message: String,
                                    details: serde_json::Value|
             -> Result<(), ApiError> {
                if !already_open(conn, loan.bank_id, loan.id, Some(p.id), kind)? {
                    raise_alert(
                        conn,
                        loan.enterprise_id,
                        Some(loan.bank_id),
                        Some(loan.id),
                        Some(p.id),
                        kind,
                        severity,
                        message,
                        &details,
                        now,
                    )?;
                    raised += 1;
                }
                Ok(())
            };
            if let Some(paid) = p.fee_paid_until
                && paid < today
            {
                let ends =
                    zhirong_engine::valuation::explain::add_months_clamped(paid, GRACE_MONTHS);
                if ends >= today {
                    let left = (ends - today).num_days();
                    patent_alert(
                        conn,
                        "fee_grace",
                        "warning",
                        format!(
                            "质押专利 {} 年费未缴，处于滞纳期，剩余 {left} 天（至 {ends}）。Annual fee in grace: {left} days left.",
                            p.patent_number
                        ),
                        serde_json::json!({"fee_paid_until": paid, "grace_ends": ends, "days_left": left}),
                    )?;
                }
            }
            if p.legal_status == LegalStatus::UnderInvalidation {
                patent_alert(
                    conn,
                    "invalidation_request",
                    "warning",
                    format!(
                        "质押专利 {} 被提出无效宣告请求。Invalidation requested.",
                        p.patent_number
                    ),
                    serde_json::json!({"legal_status": p.legal_status, "invalidation_requests": p.invalidation_requests}),
                )?;
            }
            if p.legal_status.has_ended() {
                patent_alert(
                    conn,
                    "patent_status",
                    "critical",
                    format!(
                        "质押专利 {} 已{}。Pledged patent no longer in force.",
                        p.patent_number, p.legal_status
                    ),
                    serde_json::json!({"legal_status": p.legal_status}),
                )?;
            }
            if p.owner_org_id != loan.enterprise_id {
                patent_alert(
                    conn,
                    "ownership_transfer",
                    "critical",
                    format!(
                        "质押专利 {} 的权利人已变更。Pledged patent transferred.",
                        p.patent_number
                    ),
                    serde_json::json!({"owner_org_id": p.owner_org_id, "borrower": loan.enterprise_id}),
                )?;
            }
        }
        let mut breaches = Vec::new();
        for loan in &live {
            let c = collateral.get(&loan.id).copied().unwrap_or(0);
            if loan.outstanding_fen > c {
                breaches.push(loan.id);
                if !already_open(conn, loan.bank_id, loan.id, None, "ltv_breach")? {
                    raise_alert(
                        conn,
                        loan.enterprise_id,
                        Some(loan.bank_id),
                        Some(loan.id),
                        None,
                        "ltv_breach",
                        "warning",
                        format!(
                            "贷款 {} 重估后质押价值 {} 低于未还本金 {}。Collateral below the outstanding after revaluation.",
                            loan.id,
                            crate::domain::Fen(c),
                            crate::domain::Fen(loan.outstanding_fen)
                        ),
                        &serde_json::json!({"collateral_fen": c, "outstanding_fen": loan.outstanding_fen, "as_of": today}),
                        now,
                    )?;
                    raised += 1;
                    let reference = format!("loan-{}-{today}", loan.id);
                    let exists: i64 = crate::db::schema::risk_events::table
                        .filter(crate::db::schema::risk_events::event_ref.eq(&reference))
                        .filter(
                            crate::db::schema::risk_events::enterprise_id.eq(loan.enterprise_id),
                        )
                        .count()
                        .get_result(conn)?;
                    if exists == 0 {
                        diesel::insert_into(crate::db::schema::risk_events::table)
                            .values(crate::db::models::NewRiskEvent {
                                enterprise_id: loan.enterprise_id,
                                event_type: "ltv_breach".into(),
                                occurred_on: today,
                                amount_fen: Some(loan.outstanding_fen - c),
                                patent_id: None,
                                source: "revaluation".into(),
                                event_ref: reference,
                                created_at: now,
                            })
                            .execute(conn)?;
                    }
                }
            }
            // A rating above the last one alerted (or above normal) is a rise.
            let Some(score) = scores.get(&loan.enterprise_id) else {
                continue;
            };
            let rating = score.rating.as_str();
            let last: Option<String> = alerts::table
                .filter(alerts::bank_id.eq(loan.bank_id))
                .filter(alerts::enterprise_id.eq(loan.enterprise_id))
                .filter(alerts::kind.eq("rating_rise"))
                .order(alerts::id.desc())
                .select(alerts::details_json)
                .first(conn)
                .optional()?;
            let previous = last
                .and_then(|d| serde_json::from_str::<serde_json::Value>(&d).ok())
                .and_then(|d| d["rating"].as_str().map(str::to_string))
                .unwrap_or_else(|| "normal".into());
            let rank = |r: &str| RATINGS.iter().position(|x| *x == r).unwrap_or(0);
            if rank(rating) > rank(&previous) {
                raise_alert(
                    conn,
                    loan.enterprise_id,
                    Some(loan.bank_id),
                    Some(loan.id),
                    None,
                    "rating_rise",
                    if rank(rating) >= 2 {
                        "warning"
                    } else {
                        "watch"
                    },
                    format!(
                        "借款企业风险评级由 {previous} 升至 {rating}（综合 {:.1}）。Risk rating rose.",
                        score.composite
                    ),
                    &serde_json::json!({"rating": rating, "previous": previous, "composite": score.composite}),
                    now,
                )?;
                raised += 1;
            }
        }
        audit::append(
            conn,
            actor,
            &Entry {
                action: "monitoring.run",
                object_type: "bank",
                object_id: bank_id.map_or("all".into(), |b| b.to_string()),
                before: None,
                after: Some(
                    &serde_json::json!({"as_of": today, "loans": live.len(), "patents": revalued,
                    "ltv_breaches": breaches, "alerts_raised": raised, "params_digest": digest}),
                ),
                request_id,
            },
            now,
        )?;
        Ok(MonitoringRun {
            as_of: today,
            loans: live.len(),
            patents_revalued: revalued,
            model_version: zhirong_engine::VALUATION_MODEL.to_string(),
            params_digest: digest.clone(),
            ltv_breaches: breaches,
            alerts_raised: raised,
        })
    })
}
