//! One live holder per patent number, disputes by the register. A number has at most one listed
//! row on the platform (the database holds it: a unique index on the numbers of rows not
//! removed). An enterprise that adds (or renames its patent to, or uploads) a number another
//! enterprise holds is told only that its claim went to its district, never who holds it; the
//! district sees the claim beside the patent office's record of the number (looked up through
//! the patent feed) and decides: the holder keeps it, or the claimant gets it. Nothing is
//! deleted: the loser's row is removed (kept, with its history) and every step is audited.

use actix_web::http::StatusCode;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::schema::{organisations, patent_disputes, patents, pledges};
use crate::db::{DbConnection, write_tx};
use crate::domain::PatentFields;
use crate::domain::status::{DisputeStatus, PledgeStatus};
use crate::error::{ApiError, bad};
use crate::services::alerts::raise_alert;

/// What an enterprise is told when the number is another's: nothing about the holder.
pub const CLAIM_SENT: &str =
    "this patent cannot be added now; your claim has been sent to your district for review";

/// An upload's row with another's number when the file is refused whole (nothing is written,
/// so no claim is sent either).
pub const CLAIM_NOT_SENT: &str = "this patent cannot be added now; import the valid rows only \
     (mode=valid_only) to send your claim to your district for review";

/// The neutral answer (409) to adding or renaming to another's number.
pub fn claim_sent() -> ApiError {
    ApiError::Detailed {
        status: StatusCode::CONFLICT,
        code: "PATENT_CLAIM_SENT",
        message: CLAIM_SENT.into(),
        field: Some("patent_number".into()),
        details: serde_json::Value::Null,
    }
}

/// How the claimant came to the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Add,
    Rename,
    Upload,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Add => "add",
            Source::Rename => "rename",
            Source::Upload => "upload",
        }
    }
}

/// Records the claim of the caller's enterprise on `f`'s number, held by `holder_patent` of
/// `holder_org` (or finds the open one it already has: one open claim per number and claimant),
/// audited. Runs inside the caller's transaction; returns the dispute's id.
#[allow(clippy::too_many_arguments)]
pub fn open_claim(
    conn: &mut DbConnection,
    principal: &Principal,
    holder_patent: i64,
    holder_org: i64,
    f: &PatentFields,
    source: Source,
    claimant_patent: Option<i64>,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<i64, ApiError> {
    let open: Option<i64> = patent_disputes::table
        .filter(patent_disputes::patent_number.eq(f.patent_number.as_str()))
        .filter(patent_disputes::claimant_org_id.eq(principal.org_id))
        .filter(patent_disputes::status.eq(DisputeStatus::Open))
        .select(patent_disputes::id)
        .first(conn)
        .optional()?;
    if let Some(id) = open {
        return Ok(id);
    }
    let district: Option<i64> = organisations::table
        .find(principal.org_id)
        .select(organisations::district_org_id)
        .first(conn)?;
    let district = district.ok_or_else(|| {
        ApiError::Internal(format!("enterprise {} has no district", principal.org_id))
    })?;
    let claimed =
        serde_json::to_value(f).map_err(|e| ApiError::Internal(format!("dispute claim: {e}")))?;
    let id: i64 = diesel::insert_into(patent_disputes::table)
        .values((
            patent_disputes::patent_number.eq(f.patent_number.as_str()),
            patent_disputes::claimant_org_id.eq(principal.org_id),
            patent_disputes::district_org_id.eq(district),
            patent_disputes::holder_org_id.eq(holder_org),
            patent_disputes::holder_patent_id.eq(holder_patent),
            patent_disputes::claimant_patent_id.eq(claimant_patent),
            patent_disputes::source.eq(source.as_str()),
            patent_disputes::claimed_json.eq(claimed.to_string()),
            patent_disputes::status.eq(DisputeStatus::Open),
            patent_disputes::created_at.eq(now),
        ))
        .returning(patent_disputes::id)
        .get_result(conn)?;
    audit::append(
        conn,
        &principal.actor(),
        &Entry {
            action: "patent_dispute.open",
            object_type: "patent_dispute",
            object_id: id.to_string(),
            before: None,
            after: Some(&serde_json::json!({
                "patent_number": f.patent_number.as_str(), "source": source.as_str(),
                "district_org_id": district, "holder_org_id": holder_org,
                "holder_patent_id": holder_patent, "claimant_patent_id": claimant_patent,
                "claimed": claimed,
            })),
            request_id,
        },
        now,
    )?;
    Ok(id)
}

/// An organisation as the district sees it in a dispute.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Party {
    pub id: i64,
    pub name: String,
    pub uscc: Option<String>,
}

/// A claim on a number, as the district sees it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DisputeView {
    pub id: i64,
    pub patent_number: String,
    pub status: DisputeStatus,
    /// add, rename or upload: how the claimant came to the number.
    pub source: String,
    pub claimant: Party,
    pub holder: Party,
    /// The holder's patent named by the claim.
    pub holder_patent_id: i64,
    /// The fields the claimant gave for the patent.
    #[schema(value_type = Object)]
    pub claimed: serde_json::Value,
    pub reason: Option<String>,
    #[serde(serialize_with = "crate::domain::instant::utc_option")]
    pub decided_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::domain::instant::utc")]
    pub created_at: NaiveDateTime,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = patent_disputes)]
struct DisputeRow {
    id: i64,
    patent_number: String,
    claimant_org_id: i64,
    holder_org_id: i64,
    holder_patent_id: i64,
    claimant_patent_id: Option<i64>,
    source: String,
    claimed_json: String,
    status: DisputeStatus,
    reason: Option<String>,
    decided_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
}

fn party(conn: &mut DbConnection, id: i64) -> Result<Party, ApiError> {
    let (name, uscc): (String, Option<String>) = organisations::table
        .find(id)
        .select((organisations::name, organisations::uscc))
        .first(conn)?;
    Ok(Party { id, name, uscc })
}

fn view(conn: &mut DbConnection, r: DisputeRow) -> Result<DisputeView, ApiError> {
    Ok(DisputeView {
        id: r.id,
        patent_number: r.patent_number,
        status: r.status,
        source: r.source,
        claimant: party(conn, r.claimant_org_id)?,
        holder: party(conn, r.holder_org_id)?,
        holder_patent_id: r.holder_patent_id,
        claimed: serde_json::from_str(&r.claimed_json).unwrap_or(serde_json::Value::Null),
        reason: r.reason,
        decided_at: r.decided_at,
        created_at: r.created_at,
    })
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DisputeQuery {
    /// open (the default), decided or all.
    pub status: Option<String>,
}

/// The district's disputes (claims by enterprises of the district), newest first.
pub fn list(
    conn: &mut DbConnection,
    district: i64,
    q: &DisputeQuery,
) -> Result<Vec<DisputeView>, ApiError> {
    let mut query = patent_disputes::table
        .filter(patent_disputes::district_org_id.eq(district))
        .select(DisputeRow::as_select())
        .order(patent_disputes::id.desc())
        .into_boxed();
    match q.status.as_deref().unwrap_or(DisputeStatus::Open.as_str()) {
        "decided" => query = query.filter(patent_disputes::status.ne(DisputeStatus::Open)),
        "all" => {}
        other if DisputeStatus::parse(other) == Some(DisputeStatus::Open) => {
            query = query.filter(patent_disputes::status.eq(DisputeStatus::Open));
        }
        _ => {
            return Err(bad(
                "INVALID_FILTER",
                "status must be open, decided or all",
                "status",
            ));
        }
    }
    let rows: Vec<DisputeRow> = query.limit(500).load(conn)?;
    rows.into_iter().map(|r| view(conn, r)).collect()
}

fn row(conn: &mut DbConnection, district: i64, id: i64) -> Result<DisputeRow, ApiError> {
    Ok(patent_disputes::table
        .find(id)
        .filter(patent_disputes::district_org_id.eq(district))
        .select(DisputeRow::as_select())
        .first(conn)?)
}

/// The holder's patent as the platform has it, beside the register's record.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HeldPatent {
    pub id: i64,
    pub owner_org_id: i64,
    pub title: String,
    pub patent_type: String,
    pub filing_date: NaiveDate,
    pub grant_date: Option<NaiveDate>,
    pub legal_status: String,
    /// Removed from the holder's list (by the holder, or by a decision).
    pub removed: bool,
    /// What holds it as collateral (`loan N`, `application N`), if anything.
    pub pledged_to: Option<String>,
}

/// One dispute of the district and the holder's patent (the register's record is looked up by
/// the route through the patent feed, over the network, outside any transaction).
pub fn detail(
    conn: &mut DbConnection,
    district: i64,
    id: i64,
) -> Result<(DisputeView, HeldPatent), ApiError> {
    let r = row(conn, district, id)?;
    let holder_patent = r.holder_patent_id;
    let dispute = view(conn, r)?;
    #[allow(clippy::type_complexity)]
    let (owner_org_id, title, patent_type, filing_date, grant_date, legal_status, removed_at): (
        i64,
        String,
        String,
        NaiveDate,
        Option<NaiveDate>,
        String,
        Option<NaiveDateTime>,
    ) = patents::table
        .find(holder_patent)
        .select((
            patents::owner_org_id,
            patents::title,
            patents::patent_type,
            patents::filing_date,
            patents::grant_date,
            patents::legal_status,
            patents::removed_at,
        ))
        .first(conn)?;
    let pledged_to = pledged_to(conn, holder_patent)?;
    Ok((
        dispute,
        HeldPatent {
            id: holder_patent,
            owner_org_id,
            title,
            patent_type,
            filing_date,
            grant_date,
            legal_status,
            removed: removed_at.is_some(),
            pledged_to,
        },
    ))
}

/// What holds a patent as collateral: `loan N` (a pledge pending registration or registered on
/// a loan) or `application N` (a pledge proposed in an open application).
pub fn pledged_to(conn: &mut DbConnection, patent_id: i64) -> Result<Option<String>, ApiError> {
    let on_loan: Option<Option<i64>> = pledges::table
        .filter(pledges::patent_id.eq(patent_id))
        .filter(pledges::refused_on.is_null())
        .filter(pledges::loan_id.is_not_null())
        .filter(
            pledges::status.eq_any([PledgeStatus::PendingRegistration, PledgeStatus::Registered]),
        )
        .select(pledges::loan_id)
        .first(conn)
        .optional()?;
    if let Some(Some(loan)) = on_loan {
        return Ok(Some(format!("loan {loan}")));
    }
    Ok(super::bound_patents(conn, &[patent_id], None)?
        .first()
        .map(|(_, application)| format!("application {application}")))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// holder (the holder keeps the number) or claimant (the claimant gets it).
    pub outcome: Option<String>,
    /// Why, with the register's record: required.
    pub reason: Option<String>,
}

/// The district decides a dispute: the holder keeps the number, or the claimant gets it (its
/// claimed fields become its patent; the holder's row is removed, kept with its history). Not
/// while the holder's patent is pledged (409 naming the loan or application). Both enterprises
/// are told (zh-CN and en); the claimant is not told who held the number.
pub fn decide(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    d: Decision,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<DisputeView, ApiError> {
    let reason = d.reason.as_deref().map(str::trim).unwrap_or_default();
    if reason.is_empty() {
        return Err(bad(
            "REASON_REQUIRED",
            "a decision needs its reason",
            "reason",
        ));
    }
    if reason.chars().count() > 2000 {
        return Err(bad("INVALID_REASON", "at most 2,000 characters", "reason"));
    }
    let grant = match d.outcome.as_deref() {
        Some("holder") => false,
        Some("claimant") => true,
        _ => {
            return Err(bad(
                "INVALID_OUTCOME",
                "outcome must be holder or claimant",
                "outcome",
            ));
        }
    };
    write_tx(conn, |conn| {
        let r = row(conn, principal.org_id, id)?;
        if r.status != DisputeStatus::Open {
            return Err(ApiError::conflict(
                "DISPUTE_DECIDED",
                format!("dispute {id} is already decided ({})", r.status),
            ));
        }
        let number = r.patent_number.clone();
        let status = if grant {
            grant_to_claimant(conn, principal, &r, reason, now, request_id)?;
            DisputeStatus::ClaimantGranted
        } else {
            DisputeStatus::HolderKept
        };
        diesel::update(patent_disputes::table.find(id))
            .set((
                patent_disputes::status.eq(status),
                patent_disputes::reason.eq(reason),
                patent_disputes::decided_by.eq(principal.user_id),
                patent_disputes::decided_at.eq(now),
            ))
            .execute(conn)?;
        audit::append(
            conn,
            &principal.actor(),
            &Entry {
                action: "patent_dispute.decide",
                object_type: "patent_dispute",
                object_id: id.to_string(),
                before: Some(
                    &serde_json::json!({"status": DisputeStatus::Open, "patent_number": number}),
                ),
                after: Some(&serde_json::json!({"status": status, "reason": reason})),
                request_id,
            },
            now,
        )?;
        let (to_claimant, to_holder) = if grant {
            (
                format!(
                    "专利 {number} 的权属争议已由区知识产权局裁决：该专利归贵企业。理由：{reason}。\
                     The district decided the dispute over patent {number}: the patent is yours. Reason: {reason}."
                ),
                format!(
                    "专利 {number} 的权属争议已由区知识产权局裁决：该专利归另一企业，已从贵企业的专利列表中移除。理由：{reason}。\
                     The district decided the dispute over patent {number}: it goes to another enterprise and is removed from your list. Reason: {reason}."
                ),
            )
        } else {
            (
                format!(
                    "专利 {number} 的权属申请未获支持，该专利仍归原权利人。理由：{reason}。\
                     The district did not uphold your claim to patent {number}: it stays with its holder. Reason: {reason}."
                ),
                format!(
                    "另一企业对专利 {number} 提出的权属申请未获支持，该专利仍归贵企业。理由：{reason}。\
                     The district did not uphold another enterprise's claim to patent {number}: it stays yours. Reason: {reason}."
                ),
            )
        };
        let details =
            serde_json::json!({"dispute_id": id, "patent_number": number, "outcome": status});
        raise_alert(
            conn,
            r.claimant_org_id,
            None,
            None,
            None,
            "patent_status",
            if grant { "info" } else { "watch" },
            to_claimant,
            &details,
            now,
        )?;
        raise_alert(
            conn,
            r.holder_org_id,
            None,
            None,
            Some(r.holder_patent_id),
            "patent_status",
            if grant { "warning" } else { "info" },
            to_holder,
            &details,
            now,
        )?;
        let decided = row(conn, principal.org_id, id)?;
        view(conn, decided)
    })
}

/// The claimant gets the number: the live holder's row (if any) is removed and the claimed
/// fields written as the claimant's patent (its renamed patent, its own removed row of the
/// number brought back, or a new row), each audited.
fn grant_to_claimant(
    conn: &mut DbConnection,
    principal: &Principal,
    r: &DisputeRow,
    reason: &str,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<(), ApiError> {
    let claimed: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&r.claimed_json)
        .map_err(|e| ApiError::Internal(format!("dispute {}: claimed fields: {e}", r.id)))?;
    let fields = super::check_fields(
        &|c| super::json_text(claimed.get(c)),
        crate::clock::china_today(now),
    )
    .map_err(|problems| {
        ApiError::Internal(format!("dispute {}: claimed fields: {problems:?}", r.id))
    })?;
    let live: Option<(i64, i64)> = patents::table
        .filter(patents::patent_number.eq(&r.patent_number))
        .filter(patents::removed_at.is_null())
        .select((patents::id, patents::owner_org_id))
        .first(conn)
        .optional()?;
    let actor = principal.actor();
    if let Some((holder_patent, owner)) = live {
        if owner == r.claimant_org_id {
            // The claimant holds it already (the holder removed it and the claimant added it).
            return Ok(());
        }
        if let Some(holder) = pledged_to(conn, holder_patent)? {
            return Err(ApiError::conflict(
                "PATENT_PLEDGED",
                format!(
                    "patent {} is collateral of {holder}: it cannot change hands until the pledge is released",
                    r.patent_number
                ),
            ));
        }
        diesel::update(patents::table.find(holder_patent))
            .set((patents::removed_at.eq(now), patents::updated_at.eq(now)))
            .execute(conn)?;
        audit::append(
            conn,
            &actor,
            &Entry {
                action: "patent.remove",
                object_type: "patent",
                object_id: holder_patent.to_string(),
                before: Some(
                    &serde_json::json!({"patent_number": r.patent_number, "owner_org_id": owner}),
                ),
                after: Some(&serde_json::json!({"removed_by_dispute": r.id, "reason": reason})),
                request_id,
            },
            now,
        )?;
    }
    // The claimant's renamed patent, when it is still listed and not collateral.
    let renamed = match r.claimant_patent_id {
        Some(p) if r.source == "rename" => patents::table
            .find(p)
            .filter(patents::owner_org_id.eq(r.claimant_org_id))
            .filter(patents::removed_at.is_null())
            .select(patents::id)
            .first::<i64>(conn)
            .optional()?,
        _ => None,
    };
    if let Some(p) = renamed {
        if let Some(holder) = pledged_to(conn, p)? {
            return Err(ApiError::conflict(
                "PATENT_PLEDGED",
                format!(
                    "the claimant's patent {p} is collateral of {holder}: its number cannot change"
                ),
            ));
        }
        diesel::update(patents::table.find(p))
            .set((fields.clone(), patents::updated_at.eq(now)))
            .execute(conn)?;
        audit::append(
            conn,
            &actor,
            &Entry {
                action: "patent.update",
                object_type: "patent",
                object_id: p.to_string(),
                before: None,
                after: Some(&serde_json::json!({"granted_by_dispute": r.id, "fields": fields})),
                request_id,
            },
            now,
        )?;
        return Ok(());
    }
    let revive: Option<i64> = patents::table
        .filter(patents::patent_number.eq(&r.patent_number))
        .filter(patents::owner_org_id.eq(r.claimant_org_id))
        .filter(patents::removed_at.is_not_null())
        .select(patents::id)
        .order(patents::id.desc())
        .first(conn)
        .optional()?;
    let id = super::write_patent(conn, r.claimant_org_id, &fields, revive, now)?;
    audit::append(
        conn,
        &actor,
        &Entry {
            action: "patent.create",
            object_type: "patent",
            object_id: id.to_string(),
            before: None,
            after: Some(&serde_json::json!({"granted_by_dispute": r.id, "fields": fields})),
            request_id,
        },
        now,
    )?;
    Ok(())
}
