//! Releasing a repaid loan's pledges (解除质押) is maker-checker: a full repayment closes the loan
//! but leaves its pledges registered (the patents stay frozen); an officer proposes the release
//! and a bank manager's approval carries it out, releasing exactly the pledges proposed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::{Principal, Role};
use crate::clock::china_today;
use crate::db::DbConnection;
use crate::db::audit::{self, Entry};
use crate::db::schema::{patents, pledges};
use crate::domain::status::{LoanStatus, PledgeStatus};
use crate::error::ApiError;
use crate::services::loans::bank_loan;
use crate::services::proposals::{self as maker_checker, Payload, PledgeRelease, Proposal};

/// The loan's registered pledges: ids and patent numbers, by id.
fn registered(conn: &mut DbConnection, loan_id: i64) -> Result<Vec<(i64, String)>, ApiError> {
    Ok(pledges::table
        .inner_join(patents::table)
        .filter(pledges::loan_id.eq(loan_id))
        .filter(pledges::status.eq(PledgeStatus::Registered))
        .order(pledges::id)
        .select((pledges::id, patents::patent_number))
        .load(conn)?)
}

/// The loan must be repaid (nothing owed) for its pledges to be released.
fn check_repaid(loan_id: i64, status: LoanStatus) -> Result<(), ApiError> {
    if status != LoanStatus::Repaid {
        return Err(ApiError::conflict(
            "LOAN_NOT_REPAID",
            format!("loan {loan_id} is {status}; pledges are released once it is repaid"),
        ));
    }
    Ok(())
}

/// An officer's proposal to release a repaid loan's registered pledges, for a bank manager.
pub fn propose(
    conn: &mut DbConnection,
    principal: &Principal,
    loan_id: i64,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<Proposal, ApiError> {
    crate::db::write_tx(conn, |conn| {
        let loan = bank_loan(conn, principal.org_id, loan_id)?;
        check_repaid(loan_id, loan.status)?;
        let held = registered(conn, loan_id)?;
        if held.is_empty() {
            return Err(ApiError::conflict(
                "NOTHING_TO_RELEASE",
                format!("loan {loan_id} has no registered pledge"),
            ));
        }
        maker_checker::refuse_if_pending(conn, principal.org_id, "loan", loan_id)?;
        let (pledge_ids, patent_numbers) = held.into_iter().unzip();
        Payload::PledgeRelease(PledgeRelease {
            loan_id,
            pledge_ids,
            patent_numbers,
            closed_on: loan.closed_on,
        })
        .propose(
            conn,
            principal,
            "loan",
            loan_id,
            Role::BankManager,
            now,
            request_id,
        )
    })
}

/// Carries out an approved release (inside the approval's transaction): the loan is still
/// repaid and the pledges proposed are still the registered ones, else the approval fails.
pub fn apply(
    conn: &mut DbConnection,
    principal: &Principal,
    proposal_id: i64,
    release: &PledgeRelease,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<(), ApiError> {
    let loan_id = release.loan_id;
    let loan = bank_loan(conn, principal.org_id, loan_id)?;
    check_repaid(loan_id, loan.status)?;
    let held: Vec<i64> = registered(conn, loan_id)?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    if held != release.pledge_ids {
        return Err(ApiError::conflict(
            "PLEDGES_CHANGED",
            format!(
                "loan {loan_id}'s registered pledges are now {held:?}, not {:?}; send the \
                 proposal back",
                release.pledge_ids
            ),
        ));
    }
    let today = china_today(now);
    diesel::update(
        pledges::table
            .filter(pledges::id.eq_any(&release.pledge_ids))
            .filter(pledges::status.eq(PledgeStatus::Registered)),
    )
    .set((
        pledges::status.eq(PledgeStatus::Released),
        pledges::released_on.eq(today),
    ))
    .execute(conn)?;
    audit::append(
        conn,
        &principal.actor(),
        &Entry {
            action: "loan.pledges_release",
            object_type: "loan",
            object_id: loan_id.to_string(),
            before: Some(&serde_json::json!({"pledges": PledgeStatus::Registered,
                "pledge_ids": release.pledge_ids})),
            after: Some(&serde_json::json!({"pledges": PledgeStatus::Released,
                "pledge_ids": release.pledge_ids, "patent_numbers": release.patent_numbers,
                "released_on": today, "proposal_id": proposal_id})),
            request_id,
        },
        now,
    )?;
    Ok(())
}
