//! The bank's own scorecards: fitted here from uploaded training data (CSV or Parquet, the
//! target named) or uploaded as a fitted model JSON; each is kept with its report, and one is
//! made the bank's active model through maker-checker. The evaluation report scores with the
//! active one (else the default enterprise model).

use std::io::Write as _;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use zhirong_engine::scorecard::{self, FilterOptions, FitOptions, Scorecard};

use crate::auth::{Principal, Role};
use crate::db::DbConnection;
use crate::db::audit::{self, Entry};
use crate::db::schema::scorecards;
use crate::domain::status::ScorecardStatus;
use crate::error::ApiError;
use crate::error::bad;
use crate::services::applications::evaluation::sha256_hex;
use crate::services::patents::upload::Upload;
use crate::services::proposals::{self as maker_checker, Payload, Proposal, ScorecardActivation};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ScorecardUploadQuery {
    /// A name for the model (1–100 characters).
    pub name: String,
    /// Training data: the target column (1 = bad unless `bad` says otherwise).
    pub target: Option<String>,
    /// Training data: the target value that means bad.
    pub bad: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScorecardSummary {
    pub id: i64,
    pub name: String,
    /// fitted or uploaded
    pub source: String,
    pub status: ScorecardStatus,
    pub model_digest: String,
    pub variables: Vec<String>,
    pub training_rows: usize,
    pub auc: f64,
    #[serde(serialize_with = "crate::domain::instant::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::domain::instant::utc_option")]
    pub activated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScorecardDetail {
    #[serde(flatten)]
    pub summary: ScorecardSummary,
    /// Bins, counts, WoE, IV and points per variable, and the training metrics.
    #[schema(value_type = Object)]
    pub report: serde_json::Value,
}

/// A scorecard as stored (the model as its JSON).
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = scorecards)]
struct Row {
    id: i64,
    name: String,
    source: String,
    status: ScorecardStatus,
    model_digest: String,
    model_json: String,
    created_at: NaiveDateTime,
    activated_at: Option<NaiveDateTime>,
}

fn load(conn: &mut DbConnection, bank_id: i64, id: i64) -> Result<(Row, Scorecard), ApiError> {
    let row: Row = scorecards::table
        .find(id)
        .filter(scorecards::bank_id.eq(bank_id))
        .select(Row::as_select())
        .first(conn)?;
    let card = Scorecard::from_json(&row.model_json)
        .map_err(|e| ApiError::Internal(format!("scorecard {id}: {e}")))?;
    Ok((row, card))
}

fn summary(row: &Row, card: &Scorecard) -> ScorecardSummary {
    ScorecardSummary {
        id: row.id,
        name: row.name.clone(),
        source: row.source.clone(),
        status: row.status,
        model_digest: row.model_digest.clone(),
        variables: card.variables.iter().map(|v| v.name.clone()).collect(),
        training_rows: card.training.rows,
        auc: card.training.discrimination.auc,
        created_at: row.created_at,
        activated_at: row.activated_at,
    }
}

pub fn get(conn: &mut DbConnection, bank_id: i64, id: i64) -> Result<ScorecardDetail, ApiError> {
    let (row, card) = load(conn, bank_id, id)?;
    Ok(ScorecardDetail {
        summary: summary(&row, &card),
        report: scorecard::report::report_json(&card),
    })
}

pub fn list(conn: &mut DbConnection, bank_id: i64) -> Result<Vec<ScorecardSummary>, ApiError> {
    let ids: Vec<i64> = scorecards::table
        .filter(scorecards::bank_id.eq(bank_id))
        .order(scorecards::id.desc())
        .select(scorecards::id)
        .load(conn)?;
    ids.into_iter()
        .map(|id| load(conn, bank_id, id).map(|(r, c)| summary(&r, &c)))
        .collect()
}

/// What training data sent over the network may hold: no more values than a CSV of the upload
/// limit can (each at least a digit and a comma), in at most as many columns as a patent upload.
/// A Parquet file beyond it is refused from its footer, before it is decoded.
pub const TRAINING_LIMITS: scorecard::table::TableLimits = scorecard::table::TableLimits {
    max_cells: crate::services::patents::upload::MAX_UPLOAD_BYTES / 2,
    max_columns: crate::services::patents::upload::MAX_COLUMNS as usize,
};

/// Reads an uploaded model, or fits one on uploaded training data (no database work: call it
/// before the transaction).
pub fn model_of(
    upload: &Upload,
    q: &ScorecardUploadQuery,
) -> Result<(Scorecard, &'static str), ApiError> {
    let name = upload.filename.to_ascii_lowercase();
    let refuse = |m: String| bad("INVALID_SCORECARD", m, "file");
    if name.ends_with(".json") {
        let text = std::str::from_utf8(&upload.bytes)
            .map_err(|_| refuse("the model file is not UTF-8 text".into()))?;
        let card = Scorecard::from_json(text).map_err(|e| refuse(e.to_string()))?;
        return Ok((card, "uploaded"));
    }
    let ext = if name.ends_with(".csv") {
        "csv"
    } else if name.ends_with(".parquet") {
        "parquet"
    } else {
        return Err(refuse(
            "send a fitted model (.json) or training data (.csv or .parquet)".into(),
        ));
    };
    let target = q
        .target
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            bad(
                "FIELD_REQUIRED",
                "target names the training data's target column",
                "target",
            )
        })?;
    let mut file = tempfile::Builder::new()
        .suffix(&format!(".{ext}"))
        .tempfile()
        .map_err(|e| ApiError::Internal(format!("temporary file: {e}")))?;
    file.write_all(&upload.bytes)
        .map_err(|e| ApiError::Internal(format!("temporary file: {e}")))?;
    let frame =
        scorecard::table::read_table_within(file.path(), TRAINING_LIMITS).map_err(|e| match e {
            scorecard::ScorecardError::TableTooLarge { .. } => {
                bad("TABLE_TOO_LARGE", e.to_string(), "file")
            }
            e => refuse(e.to_string()),
        })?;
    let options = FitOptions {
        bad_value: q.bad.clone(),
        filter: Some(FilterOptions::default()),
        ..FitOptions::default()
    };
    let card = scorecard::fit(&frame, target, &options)
        .map_err(|e| bad("INVALID_TRAINING_DATA", e.to_string(), "file"))?;
    Ok((card, "fitted"))
}

pub fn create(
    conn: &mut DbConnection,
    principal: &Principal,
    name: &str,
    card: &Scorecard,
    source: &str,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<ScorecardDetail, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(bad("INVALID_NAME", "name has 1 to 100 characters", "name"));
    }
    let json = card
        .to_json()
        .map_err(|e| ApiError::Internal(format!("scorecard: {e}")))?;
    let digest = sha256_hex(&json);
    crate::db::write_tx(conn, |conn| {
        let id: i64 = diesel::insert_into(scorecards::table)
            .values((
                scorecards::bank_id.eq(principal.org_id),
                scorecards::name.eq(name),
                scorecards::source.eq(source),
                scorecards::model_json.eq(&json),
                scorecards::model_digest.eq(&digest),
                scorecards::status.eq(ScorecardStatus::Candidate),
                scorecards::created_by.eq(principal.user_id),
                scorecards::created_at.eq(now),
            ))
            .returning(scorecards::id)
            .get_result(conn)?;
        audit::append(
            conn,
            &principal.actor(),
            &Entry {
                action: "scorecard.create",
                object_type: "scorecard",
                object_id: id.to_string(),
                before: None,
                after: Some(
                    &serde_json::json!({"name": name, "source": source, "model_digest": digest}),
                ),
                request_id,
            },
            now,
        )?;
        get(conn, principal.org_id, id)
    })
}

pub fn propose_activation(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<Proposal, ApiError> {
    crate::db::write_tx(conn, |conn| {
        let (row, _) = load(conn, principal.org_id, id)?;
        if row.status == ScorecardStatus::Active {
            return Err(ApiError::conflict(
                "ALREADY_ACTIVE",
                format!("scorecard {id} is already the active model"),
            ));
        }
        maker_checker::refuse_if_pending(conn, principal.org_id, "scorecard", id)?;
        let payload = Payload::ScorecardActivation(ScorecardActivation {
            scorecard_id: id,
            model_digest: row.model_digest.clone(),
        });
        payload.propose(
            conn,
            principal,
            "scorecard",
            id,
            Role::BankManager,
            now,
            request_id,
        )
    })
}

/// Carries out an approved activation: this model becomes active, the previous one retires.
pub fn activate(
    conn: &mut DbConnection,
    principal: &Principal,
    proposal_id: i64,
    activation: &ScorecardActivation,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<(), ApiError> {
    let id = activation.scorecard_id;
    let (row, _) = load(conn, principal.org_id, id)?;
    if row.model_digest != activation.model_digest {
        return Err(ApiError::conflict(
            "MODEL_CHANGED",
            format!("scorecard {id} is not the model proposed"),
        ));
    }
    diesel::update(
        scorecards::table
            .filter(scorecards::bank_id.eq(principal.org_id))
            .filter(scorecards::status.eq(ScorecardStatus::Active)),
    )
    .set(scorecards::status.eq(ScorecardStatus::Retired))
    .execute(conn)?;
    diesel::update(scorecards::table.find(id))
        .set((
            scorecards::status.eq(ScorecardStatus::Active),
            scorecards::activated_at.eq(now),
        ))
        .execute(conn)?;
    audit::append(
        conn,
        &principal.actor(),
        &Entry {
            action: "scorecard.activate",
            object_type: "scorecard",
            object_id: id.to_string(),
            before: Some(&serde_json::json!({"status": row.status})),
            after: Some(
                &serde_json::json!({"status": ScorecardStatus::Active, "model_digest": row.model_digest, "proposal_id": proposal_id}),
            ),
            request_id,
        },
        now,
    )?;
    Ok(())
}
