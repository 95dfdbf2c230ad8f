//! Valuation of chosen patents as of today (China time) with model zr-val-1: each result is
//! stored with the model version, the parameter digest and a digest of its inputs; the answer
//! has the package's credit line, the waterfall per patent and what would raise the line.
//!
//! Runs on the blocking pool (the callers reach it through `db_call`), as the engine must.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zhirong_engine::valuation::{
    self as engine, Explanation, LegalStatus, PatentInput, ValuationParams,
};

use crate::auth::Principal;
use crate::clock::china_today;
use crate::db::audit::{self, Entry};
use crate::db::models::PatentRow;
use crate::db::schema::valuations;
use crate::db::{DbConnection, write_tx};
use crate::error::ApiError;
use crate::error::bad;

/// The most patents one request may value.
pub const MAX_PATENTS: usize = 1_000;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValuationRequest {
    pub patent_ids: Vec<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PatentValuation {
    pub patent_id: i64,
    pub valuation_id: i64,
    pub patent_number: String,
    /// 法律/技术/经济/专利价值度, 0–100.
    pub lvd: f64,
    pub tvd: f64,
    pub evd: f64,
    pub pvd: f64,
    pub appraised_fen: i64,
    pub collateral_fen: i64,
    pub eligible: bool,
    /// no_revenue, fee_unknown, fee_grace, fee_lapsed, not_valid, under_invalidation, short_life
    pub flags: Vec<String>,
    /// The waterfall of VALUATION.md ("Explanation").
    #[schema(value_type = Object)]
    pub explanation: serde_json::Value,
}

/// Something the enterprise can do to raise its credit line.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    /// pay_fee, state_revenue, record_fee_date, resolve_invalidation, add_patent
    pub kind: String,
    pub patent_id: Option<i64>,
    pub message: String,
    /// How much the line would rise, where the model can say.
    pub gain_fen: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ValuationReport {
    pub as_of: NaiveDate,
    pub model_version: String,
    pub params_digest: String,
    /// Σ collateral_fen, capped at RMB 50 m.
    pub credit_line_fen: i64,
    pub collateral_fen: i64,
    pub appraised_fen: i64,
    pub capped: bool,
    pub patents: Vec<PatentValuation>,
    pub suggestions: Vec<Suggestion>,
}

pub fn inputs_digest(input: &PatentInput) -> String {
    let canonical = serde_json::to_string(input).unwrap_or_default();
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

/// Checks the requested ids: 1 to [`MAX_PATENTS`], no repeats.
pub fn check_ids(ids: &[i64]) -> Result<(), ApiError> {
    if ids.is_empty() || ids.len() > MAX_PATENTS {
        return Err(bad(
            "INVALID_PATENT_IDS",
            format!("patent_ids names 1 to {MAX_PATENTS} patents"),
            "patent_ids",
        ));
    }
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
        return Err(bad(
            "INVALID_PATENT_IDS",
            format!("patent {} is named twice", w[0]),
            "patent_ids",
        ));
    }
    Ok(())
}

/// What would raise the line, patent by patent, with the gain the model gives where it can.
fn suggestions(
    rows: &[PatentRow],
    inputs: &[PatentInput],
    explanations: &[Explanation],
    as_of: NaiveDate,
    params: &ValuationParams,
    package: &engine::PledgePackage,
) -> Vec<Suggestion> {
    let mut out = Vec::new();
    if package.capped {
        return out;
    }
    let mut short_life = 0;
    for ((row, input), ex) in rows.iter().zip(inputs).zip(explanations) {
        let now_fen = ex.collateral.collateral_fen;
        let flags = &ex.flags;
        let with = |change: &dyn Fn(&mut PatentInput)| {
            let mut changed = input.clone();
            change(&mut changed);
            engine::value_patent(&changed, as_of, params).collateral_fen - now_fen
        };
        if flags.contains(&"fee_grace") {
            let grace_ends = ex.collateral.fee.grace_ends;
            out.push(Suggestion {
                kind: "pay_fee".into(),
                patent_id: Some(row.id),
                message: format!(
                    "pay the overdue annual fee of patent {} (grace period ends {}), then update its fee_paid_until",
                    row.patent_number,
                    grace_ends.map(|d| d.to_string()).unwrap_or_default()
                ),
                gain_fen: Some(with(&|p| {
                    p.fee_paid_until = Some(engine::explain::add_years_clamped(as_of, 1))
                })),
            });
        }
        if flags.contains(&"fee_unknown") {
            out.push(Suggestion {
                kind: "record_fee_date".into(),
                patent_id: Some(row.id),
                message: format!(
                    "record the date the annual fees of patent {} are paid until: a pledge needs the fee paid",
                    row.patent_number
                ),
                gain_fen: None,
            });
        }
        if flags.contains(&"no_revenue") {
            out.push(Suggestion {
                kind: "state_revenue".into(),
                patent_id: Some(row.id),
                message: format!(
                    "state the annual revenue of the products that use patent {}: without it the appraised value is 0",
                    row.patent_number
                ),
                gain_fen: None,
            });
        }
        if flags.contains(&"under_invalidation") {
            out.push(Suggestion {
                kind: "resolve_invalidation".into(),
                patent_id: Some(row.id),
                message: format!(
                    "patent {} counts at half its value while the invalidation request is under way",
                    row.patent_number
                ),
                gain_fen: Some(with(&|p| p.legal_status = LegalStatus::Valid)),
            });
        }
        if flags.contains(&"short_life") || flags.contains(&"fee_lapsed") {
            short_life += 1;
        }
    }
    if short_life > 0 {
        out.push(Suggestion {
            kind: "add_patent".into(),
            patent_id: None,
            message: format!(
                "{short_life} patent(s) add nothing (less than 3 years of life left, or the right has lapsed): add a valid patent with more remaining life"
            ),
            gain_fen: None,
        });
    }
    out
}

/// How many of the enterprise's other patents are named as candidates to add.
const CANDIDATES: usize = 3;

/// The enterprise's other patents, free to pledge, that would add most to the line.
fn patents_to_add(
    conn: &mut DbConnection,
    org_id: i64,
    ids: &[i64],
    as_of: NaiveDate,
    params: &ValuationParams,
    package: &engine::PledgePackage,
) -> Result<Vec<Suggestion>, ApiError> {
    use crate::db::schema::patents;
    let room = params
        .product_cap_fen
        .saturating_sub(package.credit_line_fen);
    if room <= 0 {
        return Ok(Vec::new());
    }
    let others: Vec<PatentRow> = patents::table
        .filter(patents::owner_org_id.eq(org_id))
        .filter(patents::removed_at.is_null())
        .filter(patents::id.ne_all(ids))
        .filter(patents::legal_status.eq_any(LegalStatus::IN_FORCE.map(LegalStatus::as_str)))
        .select(PatentRow::as_select())
        .order(patents::id)
        .limit(2_000)
        .load(conn)?;
    let other_ids: Vec<i64> = others.iter().map(|p| p.id).collect();
    let bound: Vec<i64> = crate::services::patents::bound_patents(conn, &other_ids, None)?
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    let mut candidates = Vec::new();
    for p in others.iter().filter(|p| !bound.contains(&p.id)) {
        let v = engine::value_patent(&PatentInput::from(&p.fields), as_of, params);
        if v.collateral_fen > 0 {
            candidates.push((v.collateral_fen.min(room), p));
        }
    }
    candidates.sort_by_key(|(gain, p)| (std::cmp::Reverse(*gain), p.id));
    Ok(candidates
        .into_iter()
        .take(CANDIDATES)
        .map(|(gain, p)| Suggestion {
            kind: "add_patent".into(),
            patent_id: Some(p.id),
            message: format!(
                "add patent {} to the package: it is free to pledge and adds collateral",
                p.patent_number
            ),
            gain_fen: Some(gain),
        })
        .collect())
}

/// Values the caller's patents `ids` as of today and stores each result.
pub fn value(
    conn: &mut DbConnection,
    principal: &Principal,
    ids: &[i64],
    now: NaiveDateTime,
    request_id: &str,
) -> Result<ValuationReport, ApiError> {
    let params: &ValuationParams = &crate::services::valuations::params();
    check_ids(ids)?;
    let as_of = china_today(now);
    let params_digest = params.digest();
    write_tx(conn, |conn| {
        let rows = crate::services::patents::own_patents(conn, principal.org_id, ids)?;
        let inputs: Vec<PatentInput> = rows.iter().map(|r| PatentInput::from(&r.fields)).collect();
        let explanations: Vec<Explanation> = inputs
            .iter()
            .map(|i| engine::explain_patent(i, as_of, params))
            .collect();
        let results: Vec<engine::Valuation> =
            explanations.iter().map(Explanation::valuation).collect();
        let package = engine::pledge_package(&results, params);
        let mut patents = Vec::with_capacity(rows.len());
        for (((row, input), ex), v) in rows.iter().zip(&inputs).zip(&explanations).zip(&results) {
            let explanation = serde_json::to_value(ex)
                .map_err(|e| ApiError::Internal(format!("explanation: {e}")))?;
            let outputs = serde_json::to_string(v)
                .map_err(|e| ApiError::Internal(format!("outputs: {e}")))?;
            let valuation_id: i64 = diesel::insert_into(valuations::table)
                .values((
                    valuations::patent_id.eq(row.id),
                    valuations::requested_by_org.eq(principal.org_id),
                    valuations::model_version.eq(&v.model_version),
                    valuations::params_digest.eq(&params_digest),
                    valuations::inputs_digest.eq(inputs_digest(input)),
                    valuations::as_of.eq(as_of),
                    valuations::pvd.eq(v.pvd),
                    valuations::appraised_fen.eq(v.appraised_fen),
                    valuations::collateral_fen.eq(v.collateral_fen),
                    valuations::eligible.eq(v.eligible),
                    valuations::flags.eq(&v.flags),
                    valuations::outputs_json.eq(&outputs),
                    valuations::explanation_json.eq(explanation.to_string()),
                    valuations::created_at.eq(now),
                ))
                .returning(valuations::id)
                .get_result(conn)?;
            patents.push(PatentValuation {
                patent_id: row.id,
                valuation_id,
                patent_number: row.patent_number.to_string(),
                lvd: v.lvd,
                tvd: v.tvd,
                evd: v.evd,
                pvd: v.pvd,
                appraised_fen: v.appraised_fen,
                collateral_fen: v.collateral_fen,
                eligible: v.eligible,
                flags: ex.flags.iter().map(|f| f.to_string()).collect(),
                explanation,
            });
        }
        let ids_text: Vec<String> = patents.iter().map(|p| p.valuation_id.to_string()).collect();
        audit::append(
            conn,
            &principal.actor(),
            &Entry {
                action: "valuation.create",
                object_type: "valuation",
                object_id: ids_text.join(","),
                before: None,
                after: Some(&serde_json::json!({"patent_ids": ids, "as_of": as_of,
                    "params_digest": params_digest, "credit_line_fen": package.credit_line_fen})),
                request_id,
            },
            now,
        )?;
        let mut suggestions = suggestions(&rows, &inputs, &explanations, as_of, params, &package);
        suggestions.extend(patents_to_add(
            conn,
            principal.org_id,
            ids,
            as_of,
            params,
            &package,
        )?);
        Ok(ValuationReport {
            as_of,
            model_version: zhirong_engine::VALUATION_MODEL.to_string(),
            params_digest: params_digest.clone(),
            credit_line_fen: package.credit_line_fen,
            collateral_fen: package.collateral_fen,
            appraised_fen: package.appraised_fen,
            capped: package.capped,
            suggestions,
            patents,
        })
    })
}

/// The credit line of the caller's patents `ids` as of `as_of`, without storing anything
/// (the application checks its amount against it), and each patent's collateral.
pub fn credit_line(
    rows: &[PatentRow],
    as_of: NaiveDate,
    params: &ValuationParams,
) -> Result<(i64, Vec<engine::Valuation>), ApiError> {
    let inputs: Vec<PatentInput> = rows.iter().map(|r| PatentInput::from(&r.fields)).collect();
    let results: Vec<engine::Valuation> = inputs
        .iter()
        .map(|i| engine::value_patent(i, as_of, params))
        .collect();
    Ok((
        engine::pledge_package(&results, params).credit_line_fen,
        results,
    ))
}

/// The valuation parameters the platform values with: the model's defaults (zr-val-1). The
/// service chooses them, not the HTTP layer; a bank's own parameter file would be chosen here.
pub fn params() -> zhirong_engine::valuation::ValuationParams {
    zhirong_engine::valuation::ValuationParams::default()
}
