//! The enterprise's patents: one checker for a patent's fields (used by the JSON routes and by
//! the CSV upload alike), and list, read, add, edit and remove, all scoped to the caller.

pub mod disputes;
pub mod upload;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use zhirong_engine::schema::input as col;
use zhirong_engine::valuation::input::{
    check_count, check_filing_date, check_royalty_rate, count_minimum,
};
use zhirong_engine::valuation::{LegalStatus, PatentType};

use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::models::PatentRow;
use crate::db::schema::{applications, patents, pledges};
use crate::db::{DbConnection, write_tx};
use crate::domain::PatentNumber;
pub use crate::domain::patent::{COLUMNS, PatentFields};
use crate::domain::status::{ApplicationStatus, PledgeStatus};
use crate::error::ApiError;
use crate::error::bad;

/// `a, b, c` of every spelling, for a message.
fn listed<T: std::fmt::Display>(all: &[T]) -> String {
    all.iter().map(T::to_string).collect::<Vec<_>>().join(", ")
}

/// `a, b or c` of every spelling, for a message.
fn either<T: std::fmt::Display>(all: &[T]) -> String {
    match all.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", listed(rest)),
        _ => listed(all),
    }
}

/// One problem with one field: the column and what is wrong.
pub type FieldProblem = (&'static str, String);

/// A JSON value as the text a CSV cell would hold; `None` when absent, null or empty.
pub fn json_text(v: Option<&serde_json::Value>) -> Option<String> {
    match v? {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) if s.trim().is_empty() => None,
        serde_json::Value::String(s) => Some(s.trim().to_string()),
        other => Some(other.to_string()),
    }
}

/// Checks every field; all problems are reported, in column order. `get` gives a column's
/// text (trimmed, `None` when empty). `today` is the China calendar date.
///
/// This reads the text; the rules a value must keep are the engine's (`check_count`,
/// `check_filing_date`, `check_royalty_rate`: the ones its own input check applies), worded
/// here for the enterprise. The rules only the platform has stay here: the number against the
/// type, a title and an IPC code of bounded length, a grant not before the filing, a revenue
/// that is not negative, co-ownership.
pub fn check_fields(
    get: &dyn Fn(&str) -> Option<String>,
    today: NaiveDate,
) -> Result<PatentFields, Vec<FieldProblem>> {
    let mut problems: Vec<FieldProblem> = Vec::new();
    let required = |col: &'static str, problems: &mut Vec<FieldProblem>| {
        let v = get(col);
        if v.is_none() {
            problems.push((col, "required".into()));
        }
        v
    };
    let date = |col: &'static str, v: Option<String>, problems: &mut Vec<FieldProblem>| {
        let v = v?;
        match NaiveDate::parse_from_str(&v, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                problems.push((col, format!("'{v}' is not a date YYYY-MM-DD")));
                None
            }
        }
    };
    let count = |col: &'static str, v: Option<String>, problems: &mut Vec<FieldProblem>| {
        let v = v?;
        match v.parse::<i32>() {
            Ok(n) if check_count(col, i64::from(n)).is_ok() => Some(n),
            Ok(_) => {
                problems.push((col, format!("must be at least {}", count_minimum(col))));
                None
            }
            Err(_) => {
                problems.push((col, format!("'{v}' is not a whole number")));
                None
            }
        }
    };

    let number = required("patent_number", &mut problems);
    let type_text = required("patent_type", &mut problems);
    let patent_type = type_text
        .as_deref()
        .and_then(|t| match t.parse::<PatentType>() {
            Ok(parsed) => Some(parsed),
            Err(_) => {
                problems.push((
                    "patent_type",
                    format!("'{t}' is not {}", either(&PatentType::ALL)),
                ));
                None
            }
        });
    let patent_number = match (number, patent_type) {
        (Some(n), Some(t)) => match PatentNumber::parse_for(&n, t) {
            Ok(p) => Some(p),
            Err(e) => {
                problems.push(("patent_number", e.to_string()));
                None
            }
        },
        _ => None,
    };
    let title = get("title").unwrap_or_default();
    if title.chars().count() > 300 {
        problems.push(("title", "at most 300 characters".into()));
    }
    let filing_date = {
        let v = required("filing_date", &mut problems);
        date("filing_date", v, &mut problems)
    };
    if let Some(f) = filing_date
        && check_filing_date(f, today).is_err()
    {
        problems.push(("filing_date", format!("{f} is after today ({today})")));
    }
    let grant_date = date("grant_date", get("grant_date"), &mut problems);
    if let (Some(f), Some(g)) = (filing_date, grant_date)
        && g < f
    {
        problems.push(("grant_date", format!("{g} is before the filing date {f}")));
    }
    let legal_status =
        required("legal_status", &mut problems).and_then(|s| match s.parse::<LegalStatus>() {
            Ok(status) => Some(status),
            Err(_) => {
                problems.push((
                    "legal_status",
                    format!("'{s}' is not one of {}", listed(&LegalStatus::ALL)),
                ));
                None
            }
        });
    let ipc_main = get("ipc_main");
    if ipc_main.as_ref().is_some_and(|i| i.chars().count() > 50) {
        problems.push(("ipc_main", "at most 50 characters".into()));
    }
    // The engine's count columns, in the template's order too.
    let counts: Vec<Option<i32>> = col::COUNTS
        .iter()
        .map(|&c| {
            let v = required(c, &mut problems);
            count(c, v, &mut problems)
        })
        .collect();
    let fee_paid_until = date("fee_paid_until", get("fee_paid_until"), &mut problems);
    let revenue_fen = get("revenue_fen").and_then(|v| match v.parse::<i64>() {
        Ok(n) if n >= 0 => Some(n),
        Ok(_) => {
            problems.push(("revenue_fen", "must not be negative".into()));
            None
        }
        Err(_) => {
            problems.push(("revenue_fen", format!("'{v}' is not a whole number of fen")));
            None
        }
    });
    let royalty_rate = get("royalty_rate").and_then(|v| match v.parse::<f64>() {
        Ok(r) if check_royalty_rate(r).is_ok() => Some(r),
        _ => {
            problems.push((
                "royalty_rate",
                format!("'{v}' is not a rate between 0 and 1 (exclusive)"),
            ));
            None
        }
    });
    // Co-owners are counted as the engine's counts are (at least 0).
    let co_owners = count("co_owners", get("co_owners"), &mut problems).unwrap_or(0);
    let co_owner_consent = match get("co_owner_consent").as_deref() {
        None | Some("false") | Some("0") | Some("no") => false,
        Some("true") | Some("1") | Some("yes") => true,
        Some(v) => {
            problems.push(("co_owner_consent", format!("'{v}' is not true or false")));
            false
        }
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let (Some(patent_number), Some(patent_type), Some(filing_date), Some(legal_status)) =
        (patent_number, patent_type, filing_date, legal_status)
    else {
        return Err(vec![("patent_number", "incomplete".into())]);
    };
    let [
        Some(claims),
        Some(forward_citations),
        Some(backward_citations),
        Some(family_size),
        Some(inventors),
        Some(transfers),
        Some(licenses),
        Some(litigations),
        Some(invalidation_requests),
    ] = counts[..]
    else {
        return Err(vec![("claims", "incomplete".into())]);
    };
    Ok(PatentFields {
        patent_number,
        patent_type,
        title,
        filing_date,
        grant_date,
        legal_status,
        ipc_main,
        claims,
        forward_citations,
        backward_citations,
        family_size,
        inventors,
        transfers,
        licenses,
        litigations,
        invalidation_requests,
        fee_paid_until,
        revenue_fen,
        royalty_rate,
        co_owners,
        co_owner_consent,
    })
}

/// Checks a JSON object's fields; the first problem becomes the error, naming its field.
pub fn check_json(
    body: &serde_json::Map<String, serde_json::Value>,
    today: NaiveDate,
) -> Result<PatentFields, ApiError> {
    if let Some(unknown) = body.keys().find(|k| !COLUMNS.iter().any(|(c, _)| c == k)) {
        return Err(bad(
            "UNKNOWN_FIELD",
            format!("unknown field '{unknown}'"),
            unknown,
        ));
    }
    check_fields(&|col| json_text(body.get(col)), today).map_err(|problems| {
        let (field, reason) = problems
            .first()
            .cloned()
            .unwrap_or(("patent_number", "invalid".into()));
        ApiError::bad_request("INVALID_PATENT", format!("{field}: {reason}"), Some(field))
    })
}

/// A patent as the enterprise sees it: its fields and what the platform knows of it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PatentView {
    pub id: i64,
    #[serde(flatten)]
    pub fields: PatentFields,
    /// Named in a pledge or an open application: it cannot be removed.
    pub pledged: bool,
    #[serde(serialize_with = "crate::domain::instant::utc")]
    pub updated_at: NaiveDateTime,
}

fn view(p: PatentRow, pledged: bool) -> PatentView {
    PatentView {
        id: p.id,
        fields: p.fields,
        pledged,
        updated_at: p.updated_at,
    }
}

/// Application states in which a proposed pledge still binds its patent.
pub const OPEN_APPLICATION: [ApplicationStatus; 4] = [
    ApplicationStatus::Draft,
    ApplicationStatus::Submitted,
    ApplicationStatus::UnderReview,
    ApplicationStatus::Approved,
];

/// A pledge of one of the patents asked about.
#[derive(Queryable, Selectable)]
#[diesel(table_name = pledges)]
struct PledgeOfPatent {
    patent_id: i64,
    application_id: i64,
    status: PledgeStatus,
}

/// Of `ids`, the patents bound by a pledge: registered or pending registration, or proposed in
/// an open application other than `except_application`.
pub fn bound_patents(
    conn: &mut DbConnection,
    ids: &[i64],
    except_application: Option<i64>,
) -> Result<Vec<(i64, i64)>, ApiError> {
    // Two queries rather than a join: the schema declares no pledges -> applications relation.
    let rows: Vec<PledgeOfPatent> = pledges::table
        .filter(pledges::patent_id.eq_any(ids))
        .filter(pledges::application_id.ne(except_application.unwrap_or(-1)))
        .select(PledgeOfPatent::as_select())
        .load(conn)?;
    let application_ids: Vec<i64> = rows.iter().map(|r| r.application_id).collect();
    let open: Vec<i64> = applications::table
        .filter(applications::id.eq_any(&application_ids))
        .filter(applications::status.eq_any(OPEN_APPLICATION))
        .select(applications::id)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|p| {
            matches!(
                p.status,
                PledgeStatus::PendingRegistration | PledgeStatus::Registered
            ) || (p.status == PledgeStatus::Proposed && open.contains(&p.application_id))
        })
        .map(|p| (p.patent_id, p.application_id))
        .collect())
}

/// What holds a patent as collateral: the application that pledges it, its lending bank and,
/// once disbursed, the loan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holder {
    pub application_id: i64,
    pub loan_id: Option<i64>,
    pub bank_id: i64,
}

impl std::fmt::Display for Holder {
    /// `loan N`, or `application N` before disbursement.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.loan_id {
            Some(loan) => write!(f, "loan {loan}"),
            None => write!(f, "application {}", self.application_id),
        }
    }
}

/// What holds a patent as collateral from the application's submission to the pledge's release:
/// a pledge pending registration or registered (on a loan once disbursed), or one proposed in an
/// application sent to its bank or approved. `None` when nothing does (a draft binds nothing
/// yet). Its bank alone decides a change of the patent's fields meanwhile.
pub fn holder(conn: &mut DbConnection, patent_id: i64) -> Result<Option<Holder>, ApiError> {
    let held: Vec<(i64, Option<i64>, PledgeStatus)> = pledges::table
        .filter(pledges::patent_id.eq(patent_id))
        .filter(pledges::refused_on.is_null())
        .filter(pledges::status.eq_any([
            PledgeStatus::Proposed,
            PledgeStatus::PendingRegistration,
            PledgeStatus::Registered,
        ]))
        .select((pledges::application_id, pledges::loan_id, pledges::status))
        .load(conn)?;
    // A loan first, then an application sent to its bank.
    let mut found: Option<Holder> = None;
    for (application, loan, status) in held {
        let sent = [
            ApplicationStatus::Submitted,
            ApplicationStatus::UnderReview,
            ApplicationStatus::Approved,
        ];
        let mut query = applications::table.find(application).into_boxed();
        if status == PledgeStatus::Proposed {
            // A proposed pledge binds once its application is sent.
            query = query.filter(applications::status.eq_any(sent));
        }
        let bank: Option<i64> = query.select(applications::bank_id).first(conn).optional()?;
        let Some(bank_id) = bank else { continue };
        let h = Holder {
            application_id: application,
            loan_id: loan,
            bank_id,
        };
        if h.loan_id.is_some() {
            return Ok(Some(h));
        }
        found = found.or(Some(h));
    }
    Ok(found)
}

/// The caller's patent (not removed), or not found.
pub fn own_patent(conn: &mut DbConnection, org_id: i64, id: i64) -> Result<PatentRow, ApiError> {
    Ok(patents::table
        .find(id)
        .filter(patents::owner_org_id.eq(org_id))
        .filter(patents::removed_at.is_null())
        .select(PatentRow::as_select())
        .first(conn)?)
}

/// The caller's patents among `ids`, in the order of `ids`; any other id is not found.
pub fn own_patents(
    conn: &mut DbConnection,
    org_id: i64,
    ids: &[i64],
) -> Result<Vec<PatentRow>, ApiError> {
    let rows: Vec<PatentRow> = patents::table
        .filter(patents::id.eq_any(ids))
        .filter(patents::owner_org_id.eq(org_id))
        .filter(patents::removed_at.is_null())
        .select(PatentRow::as_select())
        .load(conn)?;
    ids.iter()
        .map(|id| {
            rows.iter()
                .find(|r| r.id == *id)
                .cloned()
                .ok_or(ApiError::NotFound)
        })
        .collect()
}

pub fn get(conn: &mut DbConnection, org_id: i64, id: i64) -> Result<PatentView, ApiError> {
    let row = own_patent(conn, org_id, id)?;
    let bound = !bound_patents(conn, &[id], None)?.is_empty();
    Ok(view(row, bound))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PatentQuery {
    /// Legal status: valid, under_invalidation, pending, lapsed, invalidated, expired.
    pub status: Option<String>,
    /// invention, utility_model or design.
    #[serde(rename = "type")]
    pub patent_type: Option<String>,
    /// 1-based page (default 1).
    pub page: Option<i64>,
    /// Rows per page, 1 to 200 (default 50).
    pub per_page: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PatentPage {
    pub items: Vec<PatentView>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

pub fn list(conn: &mut DbConnection, org_id: i64, q: &PatentQuery) -> Result<PatentPage, ApiError> {
    let status = match q.status.as_deref().map(str::parse::<LegalStatus>) {
        Some(Err(_)) => {
            return Err(bad(
                "INVALID_FILTER",
                format!("status must be one of {}", listed(&LegalStatus::ALL)),
                "status",
            ));
        }
        parsed => parsed.and_then(Result::ok),
    };
    let patent_type = match q.patent_type.as_deref().map(str::parse::<PatentType>) {
        Some(Err(_)) => {
            return Err(bad(
                "INVALID_FILTER",
                format!("type must be {}", either(&PatentType::ALL)),
                "type",
            ));
        }
        parsed => parsed.and_then(Result::ok),
    };
    let page = q.page.unwrap_or(1);
    let per_page = q.per_page.unwrap_or(50);
    if page < 1 {
        return Err(bad("INVALID_PAGE", "page starts at 1", "page"));
    }
    if !(1..=200).contains(&per_page) {
        return Err(bad("INVALID_PAGE", "per_page is 1 to 200", "per_page"));
    }
    let filtered = || {
        let mut query = patents::table
            .filter(patents::owner_org_id.eq(org_id))
            .filter(patents::removed_at.is_null())
            .into_boxed();
        if let Some(s) = status {
            query = query.filter(patents::legal_status.eq(s.as_str()));
        }
        if let Some(t) = patent_type {
            query = query.filter(patents::patent_type.eq(t.as_str()));
        }
        query
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let rows: Vec<PatentRow> = filtered()
        .select(PatentRow::as_select())
        .order(patents::id)
        .limit(per_page)
        .offset((page - 1).saturating_mul(per_page))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let bound: Vec<i64> = bound_patents(conn, &ids, None)?
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    Ok(PatentPage {
        items: rows
            .into_iter()
            .map(|r| {
                let b = bound.contains(&r.id);
                view(r, b)
            })
            .collect(),
        page,
        per_page,
        total,
    })
}

pub fn audit_json(f: &PatentFields) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(f).map_err(|e| ApiError::Internal(format!("patent audit: {e}")))
}

/// Who has a number, as `org_id` adding it (or renaming a patent to it) sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// No listed row, and no removed row of `org_id`: a new row.
    Free,
    /// `org_id`'s own removed row of the number: brought back (another enterprise's removed
    /// row is never handed over).
    Revive(i64),
    /// Listed by `org_id` already (another row than the one renamed).
    Own(i64),
    /// Listed by another enterprise: a claim for the district, and a neutral answer.
    Held { patent_id: i64, holder_org_id: i64 },
}

/// Who has `number`, for `org_id`, leaving out the row `except_id` (the one being renamed).
pub fn number_slot(
    conn: &mut DbConnection,
    org_id: i64,
    number: &PatentNumber,
    except_id: Option<i64>,
) -> Result<Slot, ApiError> {
    let live: Option<(i64, i64)> = patents::table
        .filter(patents::patent_number.eq(number.as_str()))
        .filter(patents::removed_at.is_null())
        .select((patents::id, patents::owner_org_id))
        .first(conn)
        .optional()?;
    match live {
        Some((id, _)) if Some(id) == except_id => return Ok(Slot::Free),
        Some((id, owner)) if owner == org_id => return Ok(Slot::Own(id)),
        Some((patent_id, holder_org_id)) => {
            return Ok(Slot::Held {
                patent_id,
                holder_org_id,
            });
        }
        None => {}
    }
    let own_removed: Option<i64> = patents::table
        .filter(patents::patent_number.eq(number.as_str()))
        .filter(patents::owner_org_id.eq(org_id))
        .filter(patents::removed_at.is_not_null())
        .select(patents::id)
        .order(patents::id.desc())
        .first(conn)
        .optional()?;
    Ok(match (own_removed, except_id) {
        (Some(id), None) => Slot::Revive(id),
        _ => Slot::Free,
    })
}

/// The answer to a number the caller lists already.
fn listed_already(number: &PatentNumber, id: i64) -> ApiError {
    ApiError::Detailed {
        status: actix_web::http::StatusCode::CONFLICT,
        code: "PATENT_EXISTS",
        message: format!("patent {number} is already in your list (patent {id})"),
        field: Some("patent_number".into()),
        details: serde_json::Value::Null,
    }
}

/// Writes `f` as a patent of `owner_org_id`: a new row, or the removed row `revive` listed again
/// with these fields. The one write of a new patent: the service's and the demo loader's.
pub fn write_patent(
    conn: &mut DbConnection,
    owner_org_id: i64,
    f: &PatentFields,
    revive: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    let owned = (
        patents::owner_org_id.eq(owner_org_id),
        patents::updated_at.eq(now),
    );
    match revive {
        Some(id) => {
            diesel::update(patents::table.find(id))
                .set((
                    f.clone(),
                    owned,
                    patents::removed_at.eq(None::<NaiveDateTime>),
                ))
                .execute(conn)?;
            Ok(id)
        }
        None => diesel::insert_into(patents::table)
            .values((f.clone(), owned, patents::created_at.eq(now)))
            .returning(patents::id)
            .get_result(conn),
    }
}

/// Writes a checked patent for `org_id` (a new row, or a removed row brought back) and its
/// audit row. Runs inside the caller's transaction.
pub fn insert(
    conn: &mut DbConnection,
    principal: &Principal,
    f: &PatentFields,
    revive: Option<i64>,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<i64, ApiError> {
    let id = write_patent(conn, principal.org_id, f, revive, now).map_err(|e| match e {
        // Another request listed the number between the check and this write: the database's
        // index on live numbers refuses the second holder.
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => ApiError::Detailed {
            status: actix_web::http::StatusCode::CONFLICT,
            code: "PATENT_UNAVAILABLE",
            message: "this patent cannot be added now; try again in a moment".into(),
            field: Some("patent_number".into()),
            details: serde_json::Value::Null,
        },
        e => e.into(),
    })?;
    audit::append(
        conn,
        &principal.actor(),
        &Entry {
            action: "patent.create",
            object_type: "patent",
            object_id: id.to_string(),
            before: None,
            after: Some(&audit_json(f)?),
            request_id,
        },
        now,
    )?;
    Ok(id)
}

pub fn create(
    conn: &mut DbConnection,
    principal: &Principal,
    f: PatentFields,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<PatentView, ApiError> {
    // A claim is committed, then answered as a refusal.
    let added = write_tx(conn, |conn| {
        let revive = match number_slot(conn, principal.org_id, &f.patent_number, None)? {
            Slot::Held {
                patent_id,
                holder_org_id,
            } => {
                disputes::open_claim(
                    conn,
                    principal,
                    patent_id,
                    holder_org_id,
                    &f,
                    disputes::Source::Add,
                    None,
                    now,
                    request_id,
                )?;
                return Ok(None);
            }
            Slot::Own(id) => return Err(listed_already(&f.patent_number, id)),
            Slot::Revive(id) => Some(id),
            Slot::Free => None,
        };
        let id = insert(conn, principal, &f, revive, now, request_id)?;
        get(conn, principal.org_id, id).map(Some)
    })?;
    added.ok_or_else(disputes::claim_sent)
}

pub fn update(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    f: PatentFields,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<PatentView, ApiError> {
    write_tx(conn, |conn| {
        let before = own_patent(conn, principal.org_id, id)?;
        if let Some(holder) = holder(conn, id)? {
            // Collateral under a pledge: the title may be corrected, nothing the valuation reads.
            let title_only = PatentFields {
                title: f.title.clone(),
                ..before.fields.clone()
            };
            if title_only != f {
                return Err(ApiError::conflict(
                    "PATENT_FROZEN",
                    format!(
                        "patent {id} is collateral of {holder}: its valuation inputs, legal status \
                         and fee date change only through the patent data feed or a change request \
                         that the lending bank approves (POST /api/enterprise/patents/{id}/change-requests)"
                    ),
                ));
            }
        }
        if before.patent_number != f.patent_number {
            if !bound_patents(conn, &[id], None)?.is_empty() {
                return Err(ApiError::conflict(
                    "PATENT_PLEDGED",
                    "the number of a patent named in a pledge or an open application cannot change",
                ));
            }
            // A removed row of the number keeps it (and its history): nothing is deleted.
            match number_slot(conn, principal.org_id, &f.patent_number, Some(id))? {
                Slot::Held {
                    patent_id,
                    holder_org_id,
                } => {
                    disputes::open_claim(
                        conn,
                        principal,
                        patent_id,
                        holder_org_id,
                        &f,
                        disputes::Source::Rename,
                        Some(id),
                        now,
                        request_id,
                    )?;
                    return Ok(None);
                }
                Slot::Own(other) => return Err(listed_already(&f.patent_number, other)),
                Slot::Revive(_) | Slot::Free => {}
            }
        }
        diesel::update(patents::table.find(id))
            .set((f.clone(), patents::updated_at.eq(now)))
            .execute(conn)?;
        audit::append(
            conn,
            &principal.actor(),
            &Entry {
                action: "patent.update",
                object_type: "patent",
                object_id: id.to_string(),
                before: Some(&audit_json(&before.fields)?),
                after: Some(&audit_json(&f)?),
                request_id,
            },
            now,
        )?;
        get(conn, principal.org_id, id).map(Some)
    })?
    .ok_or_else(disputes::claim_sent)
}

/// Removes an unpledged patent from the enterprise's list. The row stays (valuations name it),
/// marked removed; the enterprise adding the number again brings it back, another enterprise
/// adding it gets a row of its own.
pub fn remove(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<(), ApiError> {
    write_tx(conn, |conn| {
        let before = own_patent(conn, principal.org_id, id)?;
        if let Some((_, application)) = bound_patents(conn, &[id], None)?.first() {
            return Err(ApiError::conflict(
                "PATENT_PLEDGED",
                format!(
                    "patent {} is pledged or named in application {application}; it cannot be removed",
                    before.patent_number
                ),
            ));
        }
        diesel::update(patents::table.find(id))
            .set((patents::removed_at.eq(now), patents::updated_at.eq(now)))
            .execute(conn)?;
        audit::append(
            conn,
            &principal.actor(),
            &Entry {
                action: "patent.remove",
                object_type: "patent",
                object_id: id.to_string(),
                before: Some(&serde_json::json!({"patent_number": before.patent_number})),
                after: None,
                request_id,
            },
            now,
        )?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
    }

    /// The problems of a patent whose template example cells are replaced by `changes`.
    fn problems_of(changes: &[(&str, &str)]) -> Vec<FieldProblem> {
        let get = |col: &str| {
            let i = COLUMNS.iter().position(|(c, _)| *c == col)?;
            let cell = changes
                .iter()
                .find(|(c, _)| *c == col)
                .map_or(crate::domain::patent::TEMPLATE_EXAMPLE[i], |(_, v)| *v);
            Some(cell.to_string()).filter(|v| !v.is_empty())
        };
        check_fields(&get, today()).err().unwrap_or_default()
    }

    /// The engine's rules, worded as the service words them.
    #[test]
    fn value_rules_are_worded_for_the_enterprise() {
        let cases: [(&[(&str, &str)], FieldProblem); 8] = [
            (&[("claims", "-1")], ("claims", "must be at least 0".into())),
            (
                &[("family_size", "0")],
                ("family_size", "must be at least 1".into()),
            ),
            (
                &[("family_size", "-3")],
                ("family_size", "must be at least 1".into()),
            ),
            (
                &[("royalty_rate", "1")],
                (
                    "royalty_rate",
                    "'1' is not a rate between 0 and 1 (exclusive)".into(),
                ),
            ),
            (
                &[("filing_date", "2026-11-22"), ("grant_date", "")],
                (
                    "filing_date",
                    "2026-11-22 is after today (2026-11-21)".into(),
                ),
            ),
            (
                &[("patent_type", "patent")],
                (
                    "patent_type",
                    "'patent' is not invention, utility_model or design".into(),
                ),
            ),
            (
                &[("legal_status", "alive")],
                (
                    "legal_status",
                    "'alive' is not one of valid, under_invalidation, pending, lapsed, invalidated, expired".into(),
                ),
            ),
            (
                &[("grant_date", "2013-12-17")],
                (
                    "grant_date",
                    "2013-12-17 is before the filing date 2013-12-18".into(),
                ),
            ),
        ];
        for (changes, problem) in cases {
            assert_eq!(problems_of(changes), vec![problem], "{changes:?}");
        }
        assert_eq!(problems_of(&[]), Vec::<FieldProblem>::new());
    }

    /// Every problem of a patent is reported, in the template's column order.
    #[test]
    fn every_problem_is_reported_in_column_order() {
        let columns: Vec<&str> = problems_of(&[
            ("royalty_rate", "0"),
            ("inventors", "many"),
            ("filing_date", "2030-01-01"),
            ("revenue_fen", "-5"),
        ])
        .into_iter()
        .map(|(c, _)| c)
        .collect();
        assert_eq!(
            columns,
            [
                "filing_date",
                "grant_date",
                "inventors",
                "revenue_fen",
                "royalty_rate"
            ]
        );
    }
}
