//! The bank's queue: applications sent to it, filtered and sorted, with the enterprise, the
//! amount, the credit line and the risk rating at a glance; and one application in full.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::DbConnection;
use crate::db::models::{ApplicationRow, Organisation};
use crate::db::schema::{applications, loans, organisations, patents, pledges, proposals};
use crate::domain::status::{ApplicationStatus, PledgeStatus};
use crate::error::ApiError;
use crate::error::bad;
use crate::services::risk::scores_of;
use crate::services::status_filter;

/// The statuses of an application sent to the bank (every one but a draft).
pub const STATUSES: [ApplicationStatus; 5] = [
    ApplicationStatus::Submitted,
    ApplicationStatus::UnderReview,
    ApplicationStatus::Approved,
    ApplicationStatus::Rejected,
    ApplicationStatus::Withdrawn,
];
const SORTS: [&str; 10] = [
    "age",
    "-age",
    "amount",
    "-amount",
    "rating",
    "-rating",
    "district",
    "-district",
    "industry",
    "-industry",
];
const RATINGS: [&str; 4] = ["normal", "watch", "warning", "critical"];

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    /// submitted, under_review, approved, rejected or withdrawn; all sent applications when absent.
    pub status: Option<String>,
    /// The enterprise's district (organisation id).
    pub district_id: Option<i64>,
    pub industry: Option<String>,
    /// normal, watch, warning or critical.
    pub rating: Option<String>,
    pub min_amount_fen: Option<i64>,
    pub max_amount_fen: Option<i64>,
    /// age (oldest first), amount, rating, district, industry; a leading '-' reverses. Default: age.
    pub sort: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EnterpriseSummary {
    pub id: i64,
    pub name: String,
    pub uscc: String,
    pub district_id: Option<i64>,
    pub district_name: Option<String>,
    pub industry: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueueItem {
    pub id: i64,
    pub enterprise: EnterpriseSummary,
    pub amount_fen: i64,
    pub term_months: i32,
    pub credit_line_fen: Option<i64>,
    pub pool_id: Option<i64>,
    pub status: ApplicationStatus,
    pub patents: i64,
    /// zr-risk-1 rating today: normal, watch, warning, critical.
    pub rating: String,
    pub composite: f64,
    #[serde(serialize_with = "crate::domain::instant::utc_option")]
    pub submitted_at: Option<NaiveDateTime>,
    /// Days since submission.
    pub age_days: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueuePage {
    pub total: usize,
    pub items: Vec<QueueItem>,
}

/// A pledge of the application with its patent, as read from `pledges` joined with `patents`.
#[derive(Debug, Serialize, utoipa::ToSchema, Queryable, Selectable)]
#[diesel(table_name = pledges)]
pub struct PledgeView {
    pub patent_id: i64,
    #[diesel(select_expression = patents::patent_number)]
    pub patent_number: String,
    #[diesel(select_expression = patents::title)]
    pub title: String,
    #[diesel(select_expression = patents::patent_type)]
    pub patent_type: String,
    #[diesel(select_expression = patents::legal_status)]
    pub legal_status: String,
    pub status: PledgeStatus,
    /// The collateral value when the pledge was proposed.
    pub collateral_fen: Option<i64>,
    pub registration_no: Option<String>,
    pub registration_date: Option<NaiveDate>,
    pub refused_on: Option<NaiveDate>,
    pub refusal_ground: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApplicationDetail {
    pub id: i64,
    pub enterprise: EnterpriseSummary,
    pub pool_id: Option<i64>,
    pub amount_fen: i64,
    pub term_months: i32,
    pub purpose: String,
    pub status: ApplicationStatus,
    pub credit_line_fen: Option<i64>,
    #[serde(serialize_with = "crate::domain::instant::utc_option")]
    pub submitted_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::domain::instant::utc_option")]
    pub decided_at: Option<NaiveDateTime>,
    /// The approved terms, once approved.
    pub approved_amount_fen: Option<i64>,
    pub approved_term_months: Option<i32>,
    pub rate_bp: Option<i32>,
    pub repayment_method: Option<String>,
    pub conditions: Option<String>,
    /// The refusal, once rejected.
    pub reject_code: Option<String>,
    pub decision_reason: Option<String>,
    pub loan_id: Option<i64>,
    /// Maker-checker proposals on this application (decision, disbursement), newest first.
    pub proposal_ids: Vec<i64>,
    pub pledges: Vec<PledgeView>,
}

fn summaries(
    conn: &mut DbConnection,
    ids: &[i64],
) -> Result<HashMap<i64, EnterpriseSummary>, ApiError> {
    let orgs: Vec<Organisation> = organisations::table
        .filter(organisations::id.eq_any(ids))
        .select(Organisation::as_select())
        .load(conn)?;
    let district_ids: Vec<i64> = orgs.iter().filter_map(|o| o.district_org_id).collect();
    let districts: HashMap<i64, String> = organisations::table
        .filter(organisations::id.eq_any(&district_ids))
        .select((organisations::id, organisations::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    Ok(orgs
        .into_iter()
        .map(|o| {
            (
                o.id,
                EnterpriseSummary {
                    id: o.id,
                    name: o.name,
                    uscc: o.uscc.unwrap_or_default(),
                    district_id: o.district_org_id,
                    district_name: o.district_org_id.and_then(|d| districts.get(&d).cloned()),
                    industry: o.industry,
                    contact_name: o.contact_name,
                    contact_phone: o.contact_phone,
                },
            )
        })
        .collect())
}

pub fn enterprise_summary(
    conn: &mut DbConnection,
    enterprise_id: i64,
) -> Result<EnterpriseSummary, ApiError> {
    summaries(conn, &[enterprise_id])?
        .remove(&enterprise_id)
        .ok_or(ApiError::NotFound)
}

/// Checks the query; the status asked for, if any.
fn check_query(q: &QueueQuery) -> Result<Option<ApplicationStatus>, ApiError> {
    let status = status_filter(q.status.as_deref(), ApplicationStatus::parse, &STATUSES)?;
    if let Some(r) = q.rating.as_deref()
        && !RATINGS.contains(&r)
    {
        return Err(bad(
            "INVALID_RATING",
            format!("rating is one of {}", RATINGS.join(", ")),
            "rating",
        ));
    }
    if let Some(s) = q.sort.as_deref()
        && !SORTS.contains(&s)
    {
        return Err(bad(
            "INVALID_SORT",
            "sort is age, amount, rating, district or industry, optionally with a leading '-'",
            "sort",
        ));
    }
    for (field, v) in [
        ("min_amount_fen", q.min_amount_fen),
        ("max_amount_fen", q.max_amount_fen),
    ] {
        if v.is_some_and(|v| v < 0) {
            return Err(bad("INVALID_AMOUNT", format!("{field} is negative"), field));
        }
    }
    if q.limit.is_some_and(|l| !(1..=500).contains(&l)) {
        return Err(bad("INVALID_LIMIT", "limit is 1 to 500", "limit"));
    }
    if q.offset.is_some_and(|o| o < 0) {
        return Err(bad("INVALID_OFFSET", "offset is not negative", "offset"));
    }
    Ok(status)
}

fn rating_rank(r: &str) -> usize {
    RATINGS.iter().position(|x| *x == r).unwrap_or(0)
}

pub fn queue(
    conn: &mut DbConnection,
    bank_id: i64,
    q: &QueueQuery,
    now: NaiveDateTime,
) -> Result<QueuePage, ApiError> {
    let status = check_query(q)?;
    let today = crate::clock::china_today(now);
    let mut query = applications::table
        .filter(applications::bank_id.eq(bank_id))
        .filter(applications::status.ne(ApplicationStatus::Draft))
        .select(ApplicationRow::as_select())
        .into_boxed();
    if let Some(s) = status {
        query = query.filter(applications::status.eq(s));
    }
    if let Some(min) = q.min_amount_fen {
        query = query.filter(applications::amount_fen.ge(min));
    }
    if let Some(max) = q.max_amount_fen {
        query = query.filter(applications::amount_fen.le(max));
    }
    let rows: Vec<ApplicationRow> = query.order(applications::id).load(conn)?;
    let mut enterprise_ids: Vec<i64> = rows.iter().map(|a| a.enterprise_id).collect();
    enterprise_ids.sort_unstable();
    enterprise_ids.dedup();
    let orgs = summaries(conn, &enterprise_ids)?;
    let scores = scores_of(conn, &enterprise_ids, today)?;
    let ids: Vec<i64> = rows.iter().map(|a| a.id).collect();
    let mut counts: HashMap<i64, i64> = HashMap::new();
    for application in pledges::table
        .filter(pledges::application_id.eq_any(&ids))
        .select(pledges::application_id)
        .load::<i64>(conn)?
    {
        *counts.entry(application).or_default() += 1;
    }
    let mut items: Vec<QueueItem> = Vec::with_capacity(rows.len());
    for a in rows {
        let Some(enterprise) = orgs.get(&a.enterprise_id).cloned() else {
            continue;
        };
        if q.district_id.is_some() && enterprise.district_id != q.district_id {
            continue;
        }
        if let Some(ind) = &q.industry
            && enterprise.industry.as_deref() != Some(ind.as_str())
        {
            continue;
        }
        let (rating, composite) = scores
            .get(&a.enterprise_id)
            .map_or(("normal", 0.0), |s| (s.rating.as_str(), s.composite));
        if q.rating.as_deref().is_some_and(|r| r != rating) {
            continue;
        }
        let submitted = a.submitted_at.unwrap_or(a.created_at);
        items.push(QueueItem {
            id: a.id,
            enterprise,
            amount_fen: a.amount_fen,
            term_months: a.term_months,
            credit_line_fen: a.credit_line_fen,
            pool_id: a.pool_id,
            status: a.status,
            patents: counts.get(&a.id).copied().unwrap_or(0),
            rating: rating.to_string(),
            composite: (composite * 100.0).round() / 100.0,
            submitted_at: a.submitted_at,
            age_days: (now - submitted).num_days(),
        });
    }
    let sort = q.sort.as_deref().unwrap_or("age");
    let (key, reverse) = match sort.strip_prefix('-') {
        Some(k) => (k, true),
        None => (sort, false),
    };
    items.sort_by(|x, y| {
        let o = match key {
            "amount" => x.amount_fen.cmp(&y.amount_fen),
            "rating" => rating_rank(&x.rating)
                .cmp(&rating_rank(&y.rating))
                .then(x.composite.total_cmp(&y.composite)),
            "district" => x.enterprise.district_name.cmp(&y.enterprise.district_name),
            "industry" => x.enterprise.industry.cmp(&y.enterprise.industry),
            // Oldest first.
            _ => y.age_days.cmp(&x.age_days),
        }
        .then(x.id.cmp(&y.id));
        if reverse { o.reverse() } else { o }
    });
    let total = items.len();
    let offset = usize::try_from(q.offset.unwrap_or(0)).unwrap_or(0);
    let limit = usize::try_from(q.limit.unwrap_or(100)).unwrap_or(100);
    let items = items.into_iter().skip(offset).take(limit).collect();
    Ok(QueuePage { total, items })
}

pub fn pledge_views(
    conn: &mut DbConnection,
    application_id: i64,
) -> Result<Vec<PledgeView>, ApiError> {
    Ok(pledges::table
        .inner_join(patents::table)
        .filter(pledges::application_id.eq(application_id))
        .order(pledges::id)
        .select(PledgeView::as_select())
        .load(conn)?)
}

pub fn detail(
    conn: &mut DbConnection,
    bank_id: i64,
    id: i64,
) -> Result<ApplicationDetail, ApiError> {
    let a = bank_application(conn, bank_id, id)?;
    let enterprise = enterprise_summary(conn, a.enterprise_id)?;
    let loan_id: Option<i64> = loans::table
        .filter(loans::application_id.eq(id))
        .select(loans::id)
        .first(conn)
        .optional()?;
    let proposal_ids: Vec<i64> = proposals::table
        .filter(proposals::org_id.eq(bank_id))
        .filter(proposals::object_type.eq("application"))
        .filter(proposals::object_id.eq(id.to_string()))
        .order(proposals::id.desc())
        .select(proposals::id)
        .load(conn)?;
    let pledges = pledge_views(conn, id)?;
    Ok(ApplicationDetail {
        id: a.id,
        enterprise,
        pool_id: a.pool_id,
        amount_fen: a.amount_fen,
        term_months: a.term_months,
        purpose: a.purpose,
        status: a.status,
        credit_line_fen: a.credit_line_fen,
        submitted_at: a.submitted_at,
        decided_at: a.decided_at,
        approved_amount_fen: a.approved_amount_fen,
        approved_term_months: a.approved_term_months,
        rate_bp: a.proposed_rate_bp,
        repayment_method: a.repayment_method,
        conditions: a.conditions,
        reject_code: a.reject_code,
        decision_reason: a.decision_reason,
        loan_id,
        proposal_ids,
        pledges,
    })
}

/// An application sent to the bank (a draft has not been sent, so the bank does not see it).
pub fn bank_application(
    conn: &mut DbConnection,
    bank_id: i64,
    id: i64,
) -> Result<ApplicationRow, ApiError> {
    Ok(applications::table
        .find(id)
        .filter(applications::bank_id.eq(bank_id))
        .filter(applications::status.ne(ApplicationStatus::Draft))
        .select(ApplicationRow::as_select())
        .first(conn)?)
}
