//! Maker-checker, once for every decision that moves money (and for the operator's user changes
//! inside a tenant organisation): a different user of the required role
//! in the same organisation approves or sends back what was proposed (`services::proposals`).
//! The proposer never decides their own proposal, and a decided proposal stays decided. An
//! approval carries the proposal out, by its kind, in the same transaction; the services it calls
//! never call back here.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::schema::{proposal_secrets, proposals};
use crate::db::{DbConnection, write_tx};
use crate::domain::status::ProposalStatus;
use crate::error::ApiError;
pub use crate::services::proposals::{Payload, Proposal, get, list};

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
            Decision::Approve => ProposalStatus::Approved,
            Decision::SendBack => ProposalStatus::SentBack,
        };
        // Only a pending proposal changes: a second decision finds nothing to update.
        let changed = diesel::update(
            proposals::table
                .find(id)
                .filter(proposals::status.eq(ProposalStatus::Pending)),
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
        // A decided proposal keeps no secret (the password hash of a user proposal).
        diesel::delete(proposal_secrets::table.filter(proposal_secrets::proposal_id.eq(id)))
            .execute(conn)?;
        Ok(decided)
    })
}

/// What an approved proposal does, by its payload, inside the approval's transaction: if it
/// cannot be carried out (the object moved on meanwhile), the approval fails and the proposal
/// stays pending. A kind the platform does not carry out only changes the proposal.
fn carry_out(
    conn: &mut DbConnection,
    principal: &Principal,
    p: &Proposal,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<(), ApiError> {
    use crate::services::applications::decisions;
    use crate::services::{
        claims, disposals, loans, patent_changes, pledges, pools, scorecards, users,
    };
    let Some(payload) = p.payload()? else {
        return Ok(());
    };
    match &payload {
        Payload::ApplicationDecision(d) => {
            decisions::apply(conn, principal, p.id, d, now, request_id)
        }
        Payload::Disbursement(d) => pledges::disburse(conn, principal, p.id, d, now, request_id),
        Payload::DisposalSale(s) => {
            disposals::apply_sale(conn, principal, p.id, s, now, request_id)
        }
        Payload::ScorecardActivation(a) => {
            scorecards::activate(conn, principal, p.id, a, now, request_id)
        }
        Payload::PledgeRelease(r) => {
            loans::release::apply(conn, principal, p.id, r, now, request_id)
        }
        Payload::PatentChange(c) => {
            patent_changes::apply(conn, principal, p.id, c, now, request_id)
        }
        Payload::PoolRule(r) => pools::apply_rule(
            conn,
            principal,
            p.id,
            p.object_number()?,
            r,
            now,
            request_id,
        ),
        Payload::ClaimDecision(c) => claims::apply(conn, principal, p.id, c, now, request_id),
        Payload::UserCreate(u) => users::apply_create(conn, principal, p, u, now, request_id),
        Payload::PasswordReset(r) => users::apply_reset(conn, principal, p, r, now, request_id),
    }
}
