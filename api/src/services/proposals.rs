//! Proposals, the record of maker-checker: one user proposes (what, on which object, with a
//! digest of the payload) inside the transaction of the change it proposes. The services that
//! propose use this module; deciding and carrying out is `crate::workflow`, above them.

use chrono::NaiveDate;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::auth::{Principal, Role};
use crate::db::DbConnection;
use crate::db::audit::{self, Entry};
use crate::db::schema::proposals;
use crate::domain::status::ProposalStatus;
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
    pub status: ProposalStatus,
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
        .filter(proposals::status.eq(ProposalStatus::Pending))
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
    propose_for(conn, principal, principal.org_id, p, now, request_id)
}

/// Records a proposal by `principal` in organisation `org_id` (its own, or a tenant's when the
/// operator proposes a user change there).
fn propose_for(
    conn: &mut DbConnection,
    principal: &Principal,
    org_id: i64,
    p: &NewProposal<'_>,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<i64, ApiError> {
    let digest = audit::digest(Some(p.payload));
    let id: i64 = diesel::insert_into(proposals::table)
        .values((
            proposals::org_id.eq(org_id),
            proposals::kind.eq(p.kind),
            proposals::object_type.eq(p.object_type),
            proposals::object_id.eq(&p.object_id),
            proposals::payload_json.eq(p.payload.to_string()),
            proposals::payload_digest.eq(&digest),
            proposals::proposed_by.eq(principal.user_id),
            proposals::required_role.eq(p.required_role.as_str()),
            proposals::status.eq(ProposalStatus::Pending),
            proposals::created_at.eq(now),
        ))
        .returning(proposals::id)
        .get_result(conn)
        .map_err(|e| match e {
            // Another proposal on the object got in first (the unique index of pending ones).
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => ApiError::conflict(
                "PROPOSAL_PENDING",
                format!(
                    "a proposal on {} {} awaits a decision",
                    p.object_type, p.object_id
                ),
            ),
            other => other.into(),
        })?;
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

/// A proposal status asked for in a query (`?status=`): 400 `INVALID_STATUS` unless it is one.
pub fn parse_status(status: &str) -> Result<ProposalStatus, ApiError> {
    ProposalStatus::parse(status).ok_or_else(|| {
        ApiError::bad_request(
            "INVALID_STATUS",
            format!("status must be {}", ProposalStatus::spellings()),
            Some("status"),
        )
    })
}

/// The organisation's proposals, newest first, optionally by status.
pub fn list(
    conn: &mut DbConnection,
    org_id: i64,
    status: Option<&str>,
) -> Result<Vec<Proposal>, ApiError> {
    let status = status.map(parse_status).transpose()?;
    let mut q = proposals::table
        .filter(proposals::org_id.eq(org_id))
        .select(Proposal::as_select())
        .order(proposals::id.desc())
        .into_boxed();
    if let Some(s) = status {
        q = q.filter(proposals::status.eq(s));
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

/// What a proposal carries: the checked change an approval carries out, one variant per kind.
/// Stored as the proposal's `kind` and `payload_json` (the variant's fields); the workflow
/// dispatches on it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload")]
pub enum Payload {
    #[serde(rename = "bank.application_decision")]
    ApplicationDecision(ApplicationDecision),
    #[serde(rename = "bank.disbursement")]
    Disbursement(Disbursement),
    #[serde(rename = "bank.disposal_sale")]
    DisposalSale(DisposalSale),
    #[serde(rename = "bank.scorecard_activation")]
    ScorecardActivation(ScorecardActivation),
    #[serde(rename = "bank.pledge_release")]
    PledgeRelease(PledgeRelease),
    #[serde(rename = "bank.patent_change")]
    PatentChange(PatentChangeDecision),
    #[serde(rename = "gov.pool_rule")]
    PoolRule(RuleChange),
    #[serde(rename = "gov.claim_decision")]
    ClaimDecision(ClaimDecision),
    #[serde(rename = "org.user_create")]
    UserCreate(UserCreate),
    #[serde(rename = "org.password_reset")]
    PasswordReset(PasswordReset),
}

/// The operator's proposal of a new user in a tenant organisation, decided by that
/// organisation's manager. The password's hash is kept apart (`proposal_secrets`), never here.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserCreate {
    pub username: String,
    pub role: String,
    pub org_id: i64,
}

/// The operator's proposal to reset a tenant user's password (the new hash kept apart); once
/// approved, the user changes it at the next sign-in.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PasswordReset {
    pub user_id: i64,
    pub username: String,
    pub role: String,
}

/// A bank's checked decision on an application.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum ApplicationDecision {
    Approve {
        application_id: i64,
        amount_fen: i64,
        rate_bp: i32,
        term_months: i32,
        repayment_method: String,
        conditions: Option<String>,
    },
    Reject {
        application_id: i64,
        reason_code: String,
        reason: String,
    },
}

/// The lending bank's decision on a borrower's request to change a pledged patent's fields:
/// accept (the requested fields are written) or refuse (with the reason the borrower reads).
/// The digest pins the changes the officer reviewed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PatentChangeDecision {
    pub request_id: i64,
    /// accept or refuse
    pub decision: String,
    pub reason: Option<String>,
    pub changes_digest: String,
}

/// Disburse an approved application's loan.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Disbursement {
    pub application_id: i64,
    pub amount_fen: i64,
    pub rate_bp: Option<i32>,
    pub term_months: Option<i32>,
    pub repayment_method: Option<String>,
    pub pool_id: Option<i64>,
}

/// Sell (or license) a disposal's patents to the offer's bidder.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DisposalSale {
    pub case_id: i64,
    pub offer_id: i64,
    pub bidder: String,
    pub amount_fen: i64,
}

/// Make a scorecard the bank's active model (the digest pins the model proposed).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScorecardActivation {
    pub scorecard_id: i64,
    pub model_digest: String,
}

/// Release a repaid loan's registered pledges (the patents become free again).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PledgeRelease {
    pub loan_id: i64,
    /// The pledges released, as proposed: the approval releases exactly these.
    pub pledge_ids: Vec<i64>,
    pub patent_numbers: Vec<String>,
    pub closed_on: Option<NaiveDate>,
}

/// A district's decision on a claim: approve (pay what the pool owes now) or return.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClaimDecision {
    pub claim_id: i64,
    /// approve or return
    pub decision: String,
    pub reason: Option<String>,
    pub payable_now_fen: i64,
    pub loss_fen: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Eligibility {
    /// Coverage is refused when the enterprise has a bad credit record (overdue_90,
    /// other_bank_overdue, guarantee_default, dishonest_debtor) within this many years.
    pub max_bad_credit_years: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
/// A new version of a pool's rules.
pub struct RuleChange {
    pub gov_share_bp: i32,
    pub bank_share_bp: i32,
    pub guarantor_share_bp: i32,
    pub insurer_share_bp: i32,
    pub per_loan_cap_fen: i64,
    pub leverage_limit_pct: i32,
    /// Today or later: loans covered from this date take the new rule.
    pub effective_from: NaiveDate,
    #[serde(default)]
    pub eligibility: Option<Eligibility>,
}

impl Payload {
    /// The kind stored with the proposal.
    pub fn kind(&self) -> &'static str {
        match self {
            Payload::ApplicationDecision(_) => "bank.application_decision",
            Payload::Disbursement(_) => "bank.disbursement",
            Payload::DisposalSale(_) => "bank.disposal_sale",
            Payload::ScorecardActivation(_) => "bank.scorecard_activation",
            Payload::PledgeRelease(_) => "bank.pledge_release",
            Payload::PatentChange(_) => "bank.patent_change",
            Payload::PoolRule(_) => "gov.pool_rule",
            Payload::ClaimDecision(_) => "gov.claim_decision",
            Payload::UserCreate(_) => "org.user_create",
            Payload::PasswordReset(_) => "org.password_reset",
        }
    }

    /// The fields as stored in `payload_json`.
    fn fields(&self) -> Result<serde_json::Value, ApiError> {
        let mut tagged = serde_json::to_value(self)
            .map_err(|e| ApiError::Internal(format!("proposal payload: {e}")))?;
        Ok(tagged["payload"].take())
    }

    /// Reads a stored payload; `None` for a kind the platform does not carry out (its approval
    /// only changes the proposal).
    pub fn read(kind: &str, payload_json: &str) -> Result<Option<Payload>, ApiError> {
        let fields: serde_json::Value = serde_json::from_str(payload_json)
            .map_err(|e| ApiError::Internal(format!("proposal payload: {e}")))?;
        match serde_json::from_value(serde_json::json!({"kind": kind, "payload": fields})) {
            Ok(p) => Ok(Some(p)),
            Err(_) if !KINDS.contains(&kind) => Ok(None),
            Err(e) => Err(ApiError::Internal(format!(
                "proposal payload of kind {kind}: {e}"
            ))),
        }
    }

    /// Records this as a proposal by `principal` on an object of its organisation, decided by
    /// `required_role`. Call inside the transaction of the change it proposes.
    #[allow(clippy::too_many_arguments)]
    pub fn propose(
        &self,
        conn: &mut DbConnection,
        principal: &Principal,
        object_type: &str,
        object_id: i64,
        required_role: Role,
        now: NaiveDateTime,
        request_id: &str,
    ) -> Result<Proposal, ApiError> {
        let fields = self.fields()?;
        let id = propose(
            conn,
            principal,
            &NewProposal {
                kind: self.kind(),
                object_type,
                object_id: object_id.to_string(),
                payload: &fields,
                required_role,
            },
            now,
            request_id,
        )?;
        get(conn, principal.org_id, id)
    }

    /// Records this as a proposal by `principal` (the operator) in another organisation,
    /// `org_id`, whose users of `required_role` decide it. Call inside the change's transaction.
    #[allow(clippy::too_many_arguments)]
    pub fn propose_in(
        &self,
        conn: &mut DbConnection,
        principal: &Principal,
        org_id: i64,
        object_type: &str,
        object_id: String,
        required_role: Role,
        now: NaiveDateTime,
        request_id: &str,
    ) -> Result<Proposal, ApiError> {
        let fields = self.fields()?;
        let id = propose_for(
            conn,
            principal,
            org_id,
            &NewProposal {
                kind: self.kind(),
                object_type,
                object_id,
                payload: &fields,
                required_role,
            },
            now,
            request_id,
        )?;
        get(conn, org_id, id)
    }
}

/// The kinds the platform carries out.
const KINDS: [&str; 10] = [
    "bank.application_decision",
    "bank.disbursement",
    "bank.disposal_sale",
    "bank.scorecard_activation",
    "bank.pledge_release",
    "bank.patent_change",
    "gov.pool_rule",
    "gov.claim_decision",
    "org.user_create",
    "org.password_reset",
];

impl Proposal {
    /// What the proposal carries; `None` for a kind the platform does not carry out.
    pub fn payload(&self) -> Result<Option<Payload>, ApiError> {
        Payload::read(&self.kind, &self.payload_json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_is_stored_as_its_kind_and_fields_and_read_back() {
        let sale = Payload::DisposalSale(DisposalSale {
            case_id: 7,
            offer_id: 9,
            bidder: "某某科技有限公司".into(),
            amount_fen: 125_000_000,
        });
        assert_eq!(sale.kind(), "bank.disposal_sale");
        let fields = sale.fields().map_err(|e| e.to_string());
        let fields = fields.as_ref().map(|f| f.to_string());
        // The stored text is the variant's fields alone, as before the payload was typed.
        assert_eq!(
            fields.as_deref(),
            Ok(r#"{"amount_fen":125000000,"bidder":"某某科技有限公司","case_id":7,"offer_id":9}"#)
        );
        let back = Payload::read("bank.disposal_sale", fields.as_deref().unwrap_or_default());
        assert!(matches!(
            back,
            Ok(Some(Payload::DisposalSale(DisposalSale {
                case_id: 7,
                offer_id: 9,
                ..
            })))
        ));
    }

    #[test]
    fn a_kind_the_platform_does_not_carry_out_reads_as_none_and_a_broken_one_fails() {
        assert!(matches!(
            Payload::read("loan.approve", r#"{"amount_fen":100}"#),
            Ok(None)
        ));
        assert!(Payload::read("bank.disposal_sale", r#"{"case_id":"x"}"#).is_err());
        assert!(Payload::read("bank.disposal_sale", "not json").is_err());
        for kind in KINDS {
            assert!(
                Payload::read(kind, "{}").is_err(),
                "{kind} is a kind the platform carries out"
            );
        }
    }
}
