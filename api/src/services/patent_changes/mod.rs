//! Changes of a pledged patent's fields. From an application's submission to the pledge's
//! release a patent is collateral: its valuation inputs, legal status and fee date change only
//! through the patent data feed or a change request of the borrower that the lending bank
//! decides with maker-checker. The borrower asks (the fields, a reason, evidence); the bank's
//! officer reviews the fields and the collateral value before and after, and proposes to accept
//! or refuse (`Payload::PatentChange`); a manager's approval carries it out here. One open
//! request per patent; only the borrower and the lending bank see it.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use zhirong_engine::valuation::{PatentInput, value_patent};

use crate::auth::{Principal, Role};
use crate::clock::china_today;
use crate::db::audit::{self, Entry};
use crate::db::models::PatentRow;
use crate::db::schema::{organisations, patent_change_requests as requests, patents};
use crate::db::{DbConnection, write_tx};
use crate::domain::PatentFields;
use crate::domain::status::ChangeRequestStatus;
use crate::domain::text::optional_text;
use crate::error::{ApiError, bad};
use crate::services::alerts::raise_alert;
use crate::services::patents::{audit_json, check_json, holder, own_patent};
use crate::services::proposals::{self as maker_checker, PatentChangeDecision, Payload, Proposal};
use crate::services::valuations;

/// The object type of the bank's proposals on a request.
const OBJECT: &str = "patent_change_request";

type JsonObject = serde_json::Map<String, serde_json::Value>;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = requests)]
struct Row {
    id: i64,
    patent_id: i64,
    enterprise_id: i64,
    bank_id: i64,
    application_id: i64,
    loan_id: Option<i64>,
    before_json: String,
    changes_json: String,
    reason: String,
    evidence: Option<String>,
    status: ChangeRequestStatus,
    decision_reason: Option<String>,
    proposal_id: Option<i64>,
    created_at: NaiveDateTime,
    decided_at: Option<NaiveDateTime>,
}

/// What the borrower asks.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeRequestBody {
    /// The fields to change and their new values: any field of a patent but its number (null or
    /// an empty value clears an optional one). The result is checked as a patent is.
    #[schema(value_type = Object)]
    pub changes: Option<JsonObject>,
    /// Why the fields should change (the bank reads it).
    pub reason: Option<String>,
    /// What supports it (a contract, a CNIPA notice, ...), as text.
    pub evidence: Option<String>,
}

/// The bank officer's proposal on a request.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeDecisionRequest {
    /// accept or refuse
    pub decision: String,
    /// Required to refuse: the borrower reads it.
    pub reason: Option<String>,
}

/// A patent's value by the valuation engine (zr-val-1), as of today.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CollateralValue {
    pub appraised_fen: i64,
    pub collateral_fen: i64,
    pub eligible: bool,
    pub pledge_rate: f64,
    pub flags: String,
}

/// A change request as the borrower and the lending bank see it: the fields before and after
/// side by side, and the collateral value of each.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChangeRequestView {
    pub id: i64,
    pub patent_id: i64,
    pub patent_number: String,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub bank_id: i64,
    pub application_id: i64,
    pub loan_id: Option<i64>,
    /// `loan N` or `application N`: what holds the patent as collateral.
    pub held_by: String,
    pub status: ChangeRequestStatus,
    /// The fields now (while open), or those the decision found.
    #[schema(value_type = Object)]
    pub before: serde_json::Value,
    /// The fields with the changes.
    #[schema(value_type = Object)]
    pub after: serde_json::Value,
    /// The names of the fields that change.
    pub changed: Vec<String>,
    pub value_before: Option<CollateralValue>,
    pub value_after: Option<CollateralValue>,
    pub reason: String,
    pub evidence: Option<String>,
    /// The bank's reason of a refusal.
    pub decision_reason: Option<String>,
    /// The bank's proposal awaiting a manager, if any.
    pub pending_proposal_id: Option<i64>,
    /// The bank's latest proposal on it (pending, approved or sent back).
    pub proposal_id: Option<i64>,
    #[serde(serialize_with = "crate::domain::instant::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::domain::instant::utc_option")]
    pub decided_at: Option<NaiveDateTime>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ChangeRequestQuery {
    /// open, accepted, refused or withdrawn.
    pub status: Option<String>,
}

fn json_object(text: &str) -> Result<JsonObject, ApiError> {
    match serde_json::from_str(text) {
        Ok(serde_json::Value::Object(m)) => Ok(m),
        _ => Err(ApiError::Internal("change request: stored fields".into())),
    }
}

fn object_of(f: &PatentFields) -> Result<JsonObject, ApiError> {
    match audit_json(f)? {
        serde_json::Value::Object(m) => Ok(m),
        _ => Err(ApiError::Internal("patent fields".into())),
    }
}

/// `before` with `changes` laid over it.
fn overlay(before: &JsonObject, changes: &JsonObject) -> JsonObject {
    let mut after = before.clone();
    for (k, v) in changes {
        after.insert(k.clone(), v.clone());
    }
    after
}

fn value_of(fields: &JsonObject, today: NaiveDate) -> Option<CollateralValue> {
    let f = check_json(fields, today).ok()?;
    let v = value_patent(&PatentInput::from(&f), today, &valuations::params());
    Some(CollateralValue {
        appraised_fen: v.appraised_fen,
        collateral_fen: v.collateral_fen,
        eligible: v.eligible,
        pledge_rate: v.pledge_rate,
        flags: v.flags,
    })
}

fn view(conn: &mut DbConnection, r: Row, today: NaiveDate) -> Result<ChangeRequestView, ApiError> {
    let changes = json_object(&r.changes_json)?;
    let before = if r.status == ChangeRequestStatus::Open {
        let current: PatentFields = patents::table
            .find(r.patent_id)
            .select(PatentFields::as_select())
            .first(conn)?;
        object_of(&current)?
    } else {
        json_object(&r.before_json)?
    };
    let after = overlay(&before, &changes);
    let enterprise_name: String = organisations::table
        .find(r.enterprise_id)
        .select(organisations::name)
        .first(conn)?;
    let pending = maker_checker::pending_on(conn, r.bank_id, OBJECT, r.id)?;
    let held_by = match r.loan_id {
        Some(loan) => format!("loan {loan}"),
        None => format!("application {}", r.application_id),
    };
    Ok(ChangeRequestView {
        id: r.id,
        patent_id: r.patent_id,
        patent_number: before
            .get("patent_number")
            .and_then(|n| n.as_str())
            .unwrap_or_default()
            .to_string(),
        enterprise_id: r.enterprise_id,
        enterprise_name,
        bank_id: r.bank_id,
        application_id: r.application_id,
        loan_id: r.loan_id,
        held_by,
        status: r.status,
        value_before: value_of(&before, today),
        value_after: value_of(&after, today),
        changed: changes.keys().cloned().collect(),
        before: serde_json::Value::Object(before),
        after: serde_json::Value::Object(after),
        reason: r.reason,
        evidence: r.evidence,
        decision_reason: r.decision_reason,
        pending_proposal_id: pending,
        proposal_id: r.proposal_id,
        created_at: r.created_at,
        decided_at: r.decided_at,
    })
}

fn views(
    conn: &mut DbConnection,
    rows: Vec<Row>,
    today: NaiveDate,
) -> Result<Vec<ChangeRequestView>, ApiError> {
    rows.into_iter().map(|r| view(conn, r, today)).collect()
}

fn parse_status(status: Option<&str>) -> Result<Option<ChangeRequestStatus>, ApiError> {
    status
        .map(|s| {
            ChangeRequestStatus::parse(s).ok_or_else(|| {
                bad(
                    "INVALID_STATUS",
                    format!("status must be {}", ChangeRequestStatus::spellings()),
                    "status",
                )
            })
        })
        .transpose()
}

/// The borrower asks its bank to change a pledged patent's fields. Nothing changes until the
/// bank's manager approves the officer's proposal to accept.
pub fn create(
    conn: &mut DbConnection,
    principal: &Principal,
    patent_id: i64,
    body: ChangeRequestBody,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<ChangeRequestView, ApiError> {
    let today = china_today(now);
    let changes = body
        .changes
        .ok_or_else(|| bad("FIELD_REQUIRED", "changes is required", "changes"))?;
    if changes.is_empty() {
        return Err(bad(
            "NO_CHANGE",
            "changes names at least one field and its new value",
            "changes",
        ));
    }
    if changes.contains_key("patent_number") {
        return Err(bad(
            "FIELD_NOT_CHANGEABLE",
            "a pledged patent's number does not change",
            "patent_number",
        ));
    }
    let reason = optional_text(body.reason.as_deref(), 2_000, "reason")?
        .ok_or_else(|| bad("FIELD_REQUIRED", "reason is required", "reason"))?;
    let evidence = optional_text(body.evidence.as_deref(), 4_000, "evidence")?;
    write_tx(conn, |conn| {
        let current = own_patent(conn, principal.org_id, patent_id)?;
        let held = holder(conn, patent_id)?.ok_or_else(|| {
            ApiError::conflict(
                "PATENT_NOT_FROZEN",
                format!("patent {patent_id} is not pledged: edit it directly"),
            )
        })?;
        let before = object_of(&current.fields)?;
        let after = object_of(&check_json(&overlay(&before, &changes), today)?)?;
        // The changes as checked (numbers as numbers, dates as dates), the fields that differ.
        let changed: JsonObject = after
            .iter()
            .filter(|(k, v)| before.get(*k) != Some(*v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if changed.is_empty() {
            return Err(bad(
                "NO_CHANGE",
                "the changes are the patent's fields as they are",
                "changes",
            ));
        }
        let open_one = |conn: &mut DbConnection| -> Result<Option<i64>, ApiError> {
            Ok(requests::table
                .filter(requests::patent_id.eq(patent_id))
                .filter(requests::status.eq(ChangeRequestStatus::Open))
                .select(requests::id)
                .first(conn)
                .optional()?)
        };
        let already_open = |id: Option<i64>| {
            ApiError::conflict(
                "CHANGE_REQUEST_OPEN",
                format!(
                    "change request {} of patent {patent_id} awaits the bank's decision",
                    id.map_or_else(String::new, |i| i.to_string())
                ),
            )
        };
        if let Some(open) = open_one(conn)? {
            return Err(already_open(Some(open)));
        }
        let changes_value = serde_json::Value::Object(changed.clone());
        let id: i64 = diesel::insert_into(requests::table)
            .values((
                requests::patent_id.eq(patent_id),
                requests::enterprise_id.eq(principal.org_id),
                requests::bank_id.eq(held.bank_id),
                requests::application_id.eq(held.application_id),
                requests::loan_id.eq(held.loan_id),
                requests::before_json.eq(serde_json::Value::Object(before).to_string()),
                requests::changes_json.eq(changes_value.to_string()),
                requests::reason.eq(&reason),
                requests::evidence.eq(&evidence),
                requests::status.eq(ChangeRequestStatus::Open),
                requests::requested_by.eq(principal.user_id),
                requests::created_at.eq(now),
            ))
            .returning(requests::id)
            .get_result(conn)
            .map_err(|e| match e {
                // Another request got in first (the unique index of open ones).
                diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                ) => already_open(None),
                other => other.into(),
            })?;
        audit::append(
            conn,
            &principal.actor(),
            &Entry {
                action: "patent_change_request.create",
                object_type: OBJECT,
                object_id: id.to_string(),
                before: None,
                after: Some(&serde_json::json!({
                    "patent_id": patent_id, "held_by": held.to_string(), "bank_id": held.bank_id,
                    "changes": changes_value, "reason": reason, "evidence": evidence,
                })),
                request_id,
            },
            now,
        )?;
        let row = requests::table
            .find(id)
            .select(Row::as_select())
            .first(conn)?;
        view(conn, row, today)
    })
}

/// The enterprise's change requests, newest first.
pub fn list_own(
    conn: &mut DbConnection,
    org_id: i64,
    q: &ChangeRequestQuery,
    now: NaiveDateTime,
) -> Result<Vec<ChangeRequestView>, ApiError> {
    let status = parse_status(q.status.as_deref())?;
    let mut query = requests::table
        .filter(requests::enterprise_id.eq(org_id))
        .select(Row::as_select())
        .order(requests::id.desc())
        .limit(200)
        .into_boxed();
    if let Some(s) = status {
        query = query.filter(requests::status.eq(s));
    }
    let rows = query.load(conn)?;
    views(conn, rows, china_today(now))
}

/// The enterprise withdraws its open request.
pub fn withdraw(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<ChangeRequestView, ApiError> {
    write_tx(conn, |conn| {
        let row: Row = requests::table
            .find(id)
            .filter(requests::enterprise_id.eq(principal.org_id))
            .select(Row::as_select())
            .first(conn)?;
        close(
            conn,
            principal,
            &row,
            ChangeRequestStatus::Withdrawn,
            None,
            None,
            now,
            request_id,
        )?;
        let row = requests::table
            .find(id)
            .select(Row::as_select())
            .first(conn)?;
        view(conn, row, china_today(now))
    })
}

/// The change requests of the bank's borrowers, newest first.
pub fn list_for_bank(
    conn: &mut DbConnection,
    bank_id: i64,
    q: &ChangeRequestQuery,
    now: NaiveDateTime,
) -> Result<Vec<ChangeRequestView>, ApiError> {
    let status = parse_status(q.status.as_deref())?;
    let mut query = requests::table
        .filter(requests::bank_id.eq(bank_id))
        .select(Row::as_select())
        .order(requests::id.desc())
        .limit(200)
        .into_boxed();
    if let Some(s) = status {
        query = query.filter(requests::status.eq(s));
    }
    let rows = query.load(conn)?;
    views(conn, rows, china_today(now))
}

fn bank_row(conn: &mut DbConnection, bank_id: i64, id: i64) -> Result<Row, ApiError> {
    Ok(requests::table
        .find(id)
        .filter(requests::bank_id.eq(bank_id))
        .select(Row::as_select())
        .first(conn)?)
}

/// One request to the bank; another bank's is not found.
pub fn get_for_bank(
    conn: &mut DbConnection,
    bank_id: i64,
    id: i64,
    now: NaiveDateTime,
) -> Result<ChangeRequestView, ApiError> {
    let row = bank_row(conn, bank_id, id)?;
    view(conn, row, china_today(now))
}

fn still_open(row: &Row) -> Result<(), ApiError> {
    if row.status != ChangeRequestStatus::Open {
        return Err(ApiError::conflict(
            "CHANGE_REQUEST_DECIDED",
            format!("change request {} is {}", row.id, row.status),
        ));
    }
    Ok(())
}

/// The officer proposes to accept or refuse; a manager of the bank decides under
/// `/api/bank/proposals`.
pub fn propose(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    req: ChangeDecisionRequest,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<Proposal, ApiError> {
    if !["accept", "refuse"].contains(&req.decision.as_str()) {
        return Err(bad(
            "INVALID_DECISION",
            "decision is accept or refuse",
            "decision",
        ));
    }
    let reason = optional_text(req.reason.as_deref(), 2_000, "reason")?;
    if req.decision == "refuse" && reason.is_none() {
        return Err(bad(
            "FIELD_REQUIRED",
            "reason is required to refuse",
            "reason",
        ));
    }
    write_tx(conn, |conn| {
        let row = bank_row(conn, principal.org_id, id)?;
        still_open(&row)?;
        maker_checker::refuse_if_pending(conn, principal.org_id, OBJECT, id)?;
        let changes: serde_json::Value = serde_json::Value::Object(json_object(&row.changes_json)?);
        let p = Payload::PatentChange(PatentChangeDecision {
            request_id: id,
            decision: req.decision.clone(),
            reason: reason.clone(),
            changes_digest: audit::digest(Some(&changes)),
        })
        .propose(
            conn,
            principal,
            OBJECT,
            id,
            Role::BankManager,
            now,
            request_id,
        )?;
        diesel::update(requests::table.find(id))
            .set(requests::proposal_id.eq(p.id))
            .execute(conn)?;
        Ok(p)
    })
}

/// Closes an open request: its status, the fields it found (accepted), the bank's reason
/// (refused), audited.
#[allow(clippy::too_many_arguments)]
fn close(
    conn: &mut DbConnection,
    principal: &Principal,
    row: &Row,
    status: ChangeRequestStatus,
    found: Option<&serde_json::Value>,
    reason: Option<&str>,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<(), ApiError> {
    // Only an open request closes: a second decision finds nothing to update.
    let changed = diesel::update(
        requests::table
            .find(row.id)
            .filter(requests::status.eq(ChangeRequestStatus::Open)),
    )
    .set((
        requests::status.eq(status),
        requests::decision_reason.eq(reason),
        requests::decided_at.eq(now),
        requests::before_json.eq(found.map_or_else(|| row.before_json.clone(), |f| f.to_string())),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Err(ApiError::conflict(
            "CHANGE_REQUEST_DECIDED",
            format!("change request {} is {}", row.id, row.status),
        ));
    }
    let action = match status {
        ChangeRequestStatus::Accepted => "patent_change_request.accept",
        ChangeRequestStatus::Refused => "patent_change_request.refuse",
        _ => "patent_change_request.withdraw",
    };
    audit::append(
        conn,
        &principal.actor(),
        &Entry {
            action,
            object_type: OBJECT,
            object_id: row.id.to_string(),
            before: Some(&serde_json::json!({"status": row.status})),
            after: Some(&serde_json::json!({"status": status, "reason": reason})),
            request_id,
        },
        now,
    )?;
    Ok(())
}

/// Carries out an approved decision (inside the approval's transaction): accepted, the
/// patent's fields change, audited with every field before and after; refused, the request
/// closes with the bank's reason. Either way the enterprise is told.
pub fn apply(
    conn: &mut DbConnection,
    principal: &Principal,
    proposal_id: i64,
    d: &PatentChangeDecision,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<(), ApiError> {
    let row = bank_row(conn, principal.org_id, d.request_id)?;
    still_open(&row).map_err(|_| {
        ApiError::conflict(
            "CHANGE_REQUEST_DECIDED",
            format!(
                "change request {} is now {}; send the proposal back",
                row.id, row.status
            ),
        )
    })?;
    let changes = json_object(&row.changes_json)?;
    if audit::digest(Some(&serde_json::Value::Object(changes.clone()))) != d.changes_digest {
        return Err(ApiError::conflict(
            "CHANGE_REQUEST_CHANGED",
            format!(
                "change request {} is not the one proposed; send the proposal back",
                row.id
            ),
        ));
    }
    let current: PatentRow = patents::table
        .find(row.patent_id)
        .select(PatentRow::as_select())
        .first(conn)?;
    let number = current.fields.patent_number.to_string();
    let (status, message, severity) = if d.decision == "accept" {
        let held = holder(conn, row.patent_id)?;
        if held.map(|h| h.bank_id) != Some(row.bank_id) {
            return Err(ApiError::conflict(
                "PATENT_NOT_FROZEN",
                format!(
                    "patent {} is no longer collateral of this bank; send the proposal back",
                    row.patent_id
                ),
            ));
        }
        let before = object_of(&current.fields)?;
        let fields = check_json(&overlay(&before, &changes), china_today(now))?;
        diesel::update(patents::table.find(row.patent_id))
            .set((fields.clone(), patents::updated_at.eq(now)))
            .execute(conn)?;
        let before = serde_json::Value::Object(before);
        audit::append(
            conn,
            &principal.actor(),
            &Entry {
                action: "patent.change",
                object_type: "patent",
                object_id: row.patent_id.to_string(),
                before: Some(&before),
                after: Some(&audit_json(&fields)?),
                request_id,
            },
            now,
        )?;
        close(
            conn,
            principal,
            &row,
            ChangeRequestStatus::Accepted,
            Some(&before),
            None,
            now,
            request_id,
        )?;
        (
            ChangeRequestStatus::Accepted,
            format!(
                "专利 {number} 的变更申请 {} 已获银行批准，字段已更新（{}）。The bank accepted change request {} for patent {number}; the fields are updated.",
                row.id,
                changes.keys().cloned().collect::<Vec<_>>().join(", "),
                row.id
            ),
            "info",
        )
    } else {
        let reason = d.reason.as_deref().unwrap_or_default();
        close(
            conn,
            principal,
            &row,
            ChangeRequestStatus::Refused,
            None,
            Some(reason),
            now,
            request_id,
        )?;
        (
            ChangeRequestStatus::Refused,
            format!(
                "专利 {number} 的变更申请 {} 未获银行同意：{reason}。The bank refused change request {} for patent {number}: {reason}",
                row.id, row.id
            ),
            "watch",
        )
    };
    raise_alert(
        conn,
        row.enterprise_id,
        None,
        row.loan_id,
        Some(row.patent_id),
        "patent_status",
        severity,
        message,
        &serde_json::json!({"change_request_id": row.id, "status": status, "proposal_id": proposal_id}),
        now,
    )?;
    Ok(())
}
