//! Maker-checker, once for every decision that moves money: one user proposes (what, on which
//! object, with a digest of the payload), a different user of the required role in the same
//! organisation approves or sends back. The proposer never decides their own proposal, and a
//! decided proposal stays decided.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::auth::{Principal, Role};
use crate::db::audit::{self, Entry};
use crate::db::schema::proposals;
use crate::db::{DbConnection, write_tx};
use crate::error::ApiError;

#[derive(Debug, Clone, Serialize, Queryable, Selectable, utoipa::ToSchema)]
#[diesel(table_name = proposals)]
pub struct Proposal {
    pub id: i64,
    pub org_id: i64,
    pub kind: String,
    pub object_type: String,
    pub object_id: String,
    pub payload_json: String,
    pub payload_digest: String,
    pub proposed_by: i64,
    pub required_role: String,
    pub status: String,
    pub decided_by: Option<i64>,
    pub decision_note: Option<String>,
    #[serde(serialize_with = "crate::domain::instant::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::domain::instant::utc_option")]
    pub decided_at: Option<NaiveDateTime>,
}

impl Proposal {
    /// The id of the object proposed on (every proposal with an effect names a row by its id).
    pub fn object_number(&self) -> Result<i64, ApiError> {
        self.object_id.parse().map_err(|_| {
            ApiError::Internal(format!(
                "proposal {}: object id {}",
                self.id, self.object_id
            ))
        })
    }
}

/// The pending proposal on an object of the organisation, if any.
pub fn pending_on(
    conn: &mut DbConnection,
    org_id: i64,
    object_type: &str,
    object_id: i64,
) -> Result<Option<i64>, ApiError> {
    Ok(proposals::table
        .filter(proposals::org_id.eq(org_id))
        .filter(proposals::object_type.eq(object_type))
        .filter(proposals::object_id.eq(object_id.to_string()))
        .filter(proposals::status.eq("pending"))
        .select(proposals::id)
        .first(conn)
        .optional()?)
}

/// One proposal at a time on an object: 409 while one awaits a decision.
pub fn refuse_if_pending(
    conn: &mut DbConnection,
    org_id: i64,
    object_type: &str,
    object_id: i64,
) -> Result<(), ApiError> {
    match pending_on(conn, org_id, object_type, object_id)? {
        Some(p) => Err(ApiError::conflict(
            "PROPOSAL_PENDING",
            format!("proposal {p} on {object_type} {object_id} awaits a decision"),
        )),
        None => Ok(()),
    }
}

/// What is proposed.
pub struct NewProposal<'a> {
    pub kind: &'a str,
    pub object_type: &'a str,
    pub object_id: String,
    pub payload: &'a serde_json::Value,
    /// The role that may decide (bank_manager, gov_manager).
    pub required_role: Role,
}

/// Records a proposal by `principal` for its own organisation. Call inside the caller's
/// transaction, with the change it proposes.
pub fn propose(
    conn: &mut DbConnection,
    principal: &Principal,
    p: &NewProposal<'_>,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<i64, ApiError> {
    let digest = audit::digest(Some(p.payload));
    let id: i64 = diesel::insert_into(proposals::table)
        .values((
            proposals::org_id.eq(principal.org_id),
            proposals::kind.eq(p.kind),
            proposals::object_type.eq(p.object_type),
            proposals::object_id.eq(&p.object_id),
            proposals::payload_json.eq(p.payload.to_string()),
            proposals::payload_digest.eq(&digest),
            proposals::proposed_by.eq(principal.user_id),
            proposals::required_role.eq(p.required_role.as_str()),
            proposals::status.eq("pending"),
            proposals::created_at.eq(now),
        ))
        .returning(proposals::id)
        .get_result(conn)?;
    audit::append(
        conn,
        &principal.actor(),
        &Entry {
            action: "proposal.create",
            object_type: "proposal",
            object_id: id.to_string(),
            before: None,
            after: Some(
                &serde_json::json!({"kind": p.kind, "object_type": p.object_type, "object_id": p.object_id, "payload_digest": digest}),
            ),
            request_id,
        },
        now,
    )?;
    Ok(id)
}

/// The organisation's proposals, newest first, optionally by status.
pub fn list(
    conn: &mut DbConnection,
    org_id: i64,
    status: Option<&str>,
) -> Result<Vec<Proposal>, ApiError> {
    let mut q = proposals::table
        .filter(proposals::org_id.eq(org_id))
        .select(Proposal::as_select())
        .order(proposals::id.desc())
        .into_boxed();
    if let Some(s) = status {
        q = q.filter(proposals::status.eq(s.to_string()));
    }
    Ok(q.load(conn)?)
}

/// One proposal of the organisation; another organisation's is "not found".
pub fn get(conn: &mut DbConnection, org_id: i64, id: i64) -> Result<Proposal, ApiError> {
    Ok(proposals::table
        .find(id)
        .filter(proposals::org_id.eq(org_id))
        .select(Proposal::as_select())
        .first(conn)?)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    SendBack,
}

pub fn decide(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    decision: Decision,
    note: Option<&str>,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<Proposal, ApiError> {
    write_tx(conn, |conn| {
        let p = get(conn, principal.org_id, id)?;
        if principal.role.as_str() != p.required_role {
            return Err(ApiError::forbidden(
                "MAKER_CHECKER_ROLE",
                format!("only a {} may decide this proposal", p.required_role),
            ));
        }
        if p.proposed_by == principal.user_id {
            return Err(ApiError::forbidden(
                "MAKER_CHECKER_OWN_PROPOSAL",
                "a proposal is decided by someone other than its proposer",
            ));
        }
        let status = match decision {
            Decision::Approve => "approved",
            Decision::SendBack => "sent_back",
        };
        // Only a pending proposal changes: a second decision finds nothing to update.
        let changed = diesel::update(
            proposals::table
                .find(id)
                .filter(proposals::status.eq("pending")),
        )
        .set((
            proposals::status.eq(status),
            proposals::decided_by.eq(principal.user_id),
            proposals::decision_note.eq(note),
            proposals::decided_at.eq(now),
        ))
        .execute(conn)?;
        if changed == 0 {
            return Err(ApiError::conflict(
                "PROPOSAL_ALREADY_DECIDED",
                format!("proposal {id} was already {}", p.status),
            ));
        }
        audit::append(
            conn,
            &principal.actor(),
            &Entry {
                action: if decision == Decision::Approve {
                    "proposal.approve"
                } else {
                    "proposal.send_back"
                },
                object_type: "proposal",
                object_id: id.to_string(),
                before: Some(&serde_json::json!({"status": p.status})),
                after: Some(
                    &serde_json::json!({"status": status, "payload_digest": p.payload_digest}),
                ),
                request_id,
            },
            now,
        )?;
        let decided = get(conn, principal.org_id, id)?;
        if decision == Decision::Approve {
            carry_out(conn, principal, &decided, now, request_id)?;
        }
        Ok(decided)
    })
}

/// What an approved proposal does, by kind, inside the approval's transaction: if it cannot be
/// carried out (the object moved on meanwhile), the approval fails and the proposal stays pending.
fn carry_out(
    conn: &mut DbConnection,
    principal: &Principal,
    p: &Proposal,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<(), ApiError> {
    use crate::services::bank::{decisions, disposals, pledges, scorecards};
    use crate::services::gov::{claims, pools};
    match p.kind.as_str() {
        decisions::KIND => decisions::apply(conn, principal, p, now, request_id),
        pledges::DISBURSEMENT_KIND => pledges::disburse(conn, principal, p, now, request_id),
        disposals::SALE_KIND => disposals::apply_sale(conn, principal, p, now, request_id),
        scorecards::ACTIVATION_KIND => scorecards::activate(conn, principal, p, now, request_id),
        pools::RULE_KIND => pools::apply_rule(conn, principal, p, now, request_id),
        claims::DECISION_KIND => claims::apply(conn, principal, p, now, request_id),
        // Kinds whose effect is recorded elsewhere (or not yet wired) only change the proposal.
        _ => Ok(()),
    }
}
