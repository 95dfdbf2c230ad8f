//! The collateral evaluation report (质物评价) of an application: a fresh valuation as of today
//! with the waterfall per patent, the legal-status and fee checks (the registration refusal
//! grounds), the concentration of the package, the enterprise's four risk scores with the events
//! behind them, and the PD from the bank's active scorecard (or the default enterprise model)
//! with its reason codes. Nothing is written: the report can be opened as often as wanted and
//! printed (HTML) for the credit file, with every model version and parameter digest.

use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use zhirong_engine::risk::{self, RiskParams};
use zhirong_engine::scorecard::{Field, Scorecard, default_enterprise_model};
use zhirong_engine::valuation::{self as engine, Explanation, PatentInput, ValuationParams};

use crate::auth::Principal;
use crate::clock::china_today;
use crate::db::DbConnection;
use crate::db::audit::{self, Entry};
use crate::db::models::PatentRow;
use crate::db::schema::{financial_statements as fs, patents, pledges, scorecards};
use crate::domain::Fen;
use crate::domain::status::{ApplicationStatus, PledgeStatus, ScorecardStatus};
use crate::error::ApiError;
use crate::services::applications::queue::bank_application;
use crate::services::applications::queue::{EnterpriseSummary, enterprise_summary};
use crate::services::applications::{FailedGround, readiness};
use crate::services::risk::events_of;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EvaluatedPatent {
    pub patent_id: i64,
    pub patent_number: String,
    pub title: String,
    pub patent_type: String,
    pub legal_status: String,
    pub fee_paid_until: Option<NaiveDate>,
    pub pledge_status: PledgeStatus,
    pub lvd: f64,
    pub tvd: f64,
    pub evd: f64,
    pub pvd: f64,
    pub appraised_fen: i64,
    pub collateral_fen: i64,
    pub eligible: bool,
    pub flags: Vec<String>,
    /// Its share of the package's collateral, 0–1.
    pub share_of_collateral: f64,
    /// The waterfall of VALUATION.md.
    #[schema(value_type = Object)]
    pub explanation: serde_json::Value,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RiskProfile {
    pub model: String,
    pub params_digest: String,
    /// 0–100 each.
    pub operating: f64,
    pub judicial: f64,
    pub credit: f64,
    pub ip: f64,
    pub composite: f64,
    /// normal, watch, warning, critical
    pub rating: String,
    /// Each counted event's decayed contribution, the largest first.
    #[schema(value_type = Vec<Object>)]
    pub events: serde_json::Value,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReasonCode {
    pub variable: String,
    pub value: Option<f64>,
    pub points: i64,
    /// The variable's best bin less this bin: what it costs the enterprise.
    pub points_lost: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PdAssessment {
    /// bank (the bank's active scorecard) or default (the shipped enterprise model).
    pub source: String,
    pub scorecard_id: Option<i64>,
    pub model_description: String,
    /// SHA-256 of the model JSON.
    pub model_digest: String,
    /// The financial year the figures come from.
    pub fiscal_year: Option<i32>,
    pub score: Option<i64>,
    pub pd: Option<f64>,
    /// Why there is no PD (no statements, a field the model cannot score).
    pub unavailable: Option<String>,
    /// The variables that cost the most points, the costliest first.
    pub reason_codes: Vec<ReasonCode>,
    /// Model variables the enterprise's figures cannot give (scored in their missing bin).
    pub missing_variables: Vec<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Concentration {
    pub largest_patent_id: Option<i64>,
    /// The largest patent's share of the package's collateral, 0–1.
    pub largest_share: f64,
    pub patents: usize,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ModelVersions {
    pub valuation: String,
    pub valuation_params_digest: String,
    pub risk: String,
    pub risk_params_digest: String,
    pub scorecard_digest: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EvaluationReport {
    pub application_id: i64,
    pub as_of: NaiveDate,
    pub enterprise: EnterpriseSummary,
    pub amount_fen: i64,
    pub term_months: i32,
    pub status: ApplicationStatus,
    /// Σ collateral of the package, capped at RMB 50 m.
    pub credit_line_fen: i64,
    pub collateral_fen: i64,
    pub appraised_fen: i64,
    /// amount / collateral: above 1 the package does not cover the amount.
    pub loan_to_collateral: Option<f64>,
    pub patents: Vec<EvaluatedPatent>,
    /// The registration refusal grounds that hold today; empty when the package is clean.
    pub checks: Vec<FailedGround>,
    pub concentration: Concentration,
    pub risk: RiskProfile,
    pub pd: PdAssessment,
    pub models: ModelVersions,
}

pub fn sha256_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// The scorecard a bank decides with: its active one, else the default enterprise model.
pub fn active_scorecard(
    conn: &mut DbConnection,
    bank_id: i64,
) -> Result<(Scorecard, Option<i64>, String), ApiError> {
    let active: Option<(i64, String, String)> = scorecards::table
        .filter(scorecards::bank_id.eq(bank_id))
        .filter(scorecards::status.eq(ScorecardStatus::Active))
        .select((
            scorecards::id,
            scorecards::model_json,
            scorecards::model_digest,
        ))
        .first(conn)
        .optional()?;
    match active {
        Some((id, json, digest)) => {
            let card = Scorecard::from_json(&json)
                .map_err(|e| ApiError::Internal(format!("scorecard {id}: {e}")))?;
            Ok((card, Some(id), digest))
        }
        None => {
            let card = default_enterprise_model()
                .map_err(|e| ApiError::Internal(format!("default model: {e}")))?;
            let digest = sha256_hex(zhirong_engine::scorecard::DEFAULT_ENTERPRISE_MODEL_JSON);
            Ok((card, None, digest))
        }
    }
}

/// The fields a scorecard may use, from the enterprise's latest statements and risk scores:
/// the ratios by their plain names and by the names of the default model's ratios.
fn record_of(
    conn: &mut DbConnection,
    enterprise_id: i64,
    score: &zhirong_engine::risk::EnterpriseScore,
    patents: usize,
    industry: Option<&str>,
) -> Result<(HashMap<String, Field>, Option<i32>), ApiError> {
    let years: Vec<(i32, i64, i64, i64, i64, i32)> = fs::table
        .filter(fs::enterprise_id.eq(enterprise_id))
        .order(fs::fiscal_year.desc())
        .limit(2)
        .select((
            fs::fiscal_year,
            fs::revenue_fen,
            fs::profit_fen,
            fs::assets_fen,
            fs::liabilities_fen,
            fs::headcount,
        ))
        .load(conn)?;
    let mut r: HashMap<String, Field> = HashMap::new();
    let mut put = |names: &[&str], v: Option<f64>| {
        for n in names {
            r.insert(
                (*n).to_string(),
                v.filter(|x| x.is_finite())
                    .map_or(Field::Missing, Field::Number),
            );
        }
    };
    let ratio = |a: i64, b: i64| (b != 0).then(|| a as f64 / b as f64);
    let latest = years.first().copied();
    let year = latest.map(|y| y.0);
    if let Some((_, revenue, profit, assets, liabilities, headcount)) = latest {
        put(&["revenue_fen"], Some(revenue as f64));
        put(&["profit_fen"], Some(profit as f64));
        put(&["assets_fen"], Some(assets as f64));
        put(&["liabilities_fen"], Some(liabilities as f64));
        put(&["headcount"], Some(f64::from(headcount)));
        put(
            &["debt_ratio", "total liabilities / total assets"],
            ratio(liabilities, assets),
        );
        put(
            &["profit_margin", "net profit / sales"],
            ratio(profit, revenue),
        );
        put(
            &["return_on_assets", "net profit / total assets"],
            ratio(profit, assets),
        );
        put(
            &[
                "asset_turnover",
                "sales / total assets",
                "total sales / total assets",
            ],
            ratio(revenue, assets),
        );
        put(
            &[
                "equity_to_liabilities",
                "book value of equity / total liabilities",
            ],
            ratio(assets - liabilities, liabilities),
        );
        put(
            &["revenue_per_head_fen"],
            (headcount > 0).then(|| revenue as f64 / f64::from(headcount)),
        );
        let previous = years
            .get(1)
            .filter(|p| p.0 == latest.map_or(0, |l| l.0) - 1);
        let growth = previous.and_then(|p| ratio(revenue, p.1));
        put(&["sales (n) / sales (n-1)"], growth);
        put(&["revenue_growth"], growth.map(|g| g - 1.0));
    }
    put(&["operating"], Some(score.operating));
    put(&["judicial"], Some(score.judicial));
    put(&["credit"], Some(score.credit));
    put(&["ip"], Some(score.ip));
    put(&["composite"], Some(score.composite));
    put(&["patents"], Some(patents as f64));
    if let Some(i) = industry {
        r.insert("industry".into(), Field::Text(i.to_string()));
    }
    Ok((r, year))
}

/// The default enterprise model's PD for an enterprise as of a day, and whether it came from the
/// enterprise's statements (`true`) or, failing them, is the model's training default rate.
pub fn default_pd(
    conn: &mut DbConnection,
    enterprise_id: i64,
    as_of: NaiveDate,
) -> Result<(f64, bool), ApiError> {
    let card = default_enterprise_model()
        .map_err(|e| ApiError::Internal(format!("default model: {e}")))?;
    let score = crate::services::risk::scores_of(conn, &[enterprise_id], as_of)?
        .remove(&enterprise_id)
        .ok_or(ApiError::NotFound)?;
    let (record, year) = record_of(conn, enterprise_id, &score, 0, None)?;
    let base = card.training.bad as f64 / card.training.rows.max(1) as f64;
    if year.is_none() {
        return Ok((base, false));
    }
    Ok(match card.scorer().score_record(&record) {
        Ok(s) => (s.pd, true),
        Err(_) => (base, false),
    })
}

fn assess_pd(
    card: &Scorecard,
    scorecard_id: Option<i64>,
    digest: String,
    record: &HashMap<String, Field>,
    fiscal_year: Option<i32>,
) -> PdAssessment {
    let missing_variables: Vec<String> = card
        .variables
        .iter()
        .filter(|v| matches!(record.get(&v.name), None | Some(Field::Missing)))
        .map(|v| v.name.clone())
        .collect();
    let mut out = PdAssessment {
        source: if scorecard_id.is_some() {
            "bank"
        } else {
            "default"
        }
        .into(),
        scorecard_id,
        model_description: card.description.clone(),
        model_digest: digest,
        fiscal_year,
        score: None,
        pd: None,
        unavailable: None,
        reason_codes: Vec::new(),
        missing_variables,
    };
    if fiscal_year.is_none() && scorecard_id.is_none() {
        out.unavailable = Some(
            "the enterprise has entered no financial statements: the model has nothing to score"
                .into(),
        );
        return out;
    }
    match card.scorer().score_record(record) {
        Ok(s) => {
            out.score = Some(s.score);
            out.pd = Some(s.pd);
            let mut reasons: Vec<ReasonCode> = card
                .variables
                .iter()
                .zip(&s.points)
                .map(|(v, (name, points))| {
                    let best = v.bins.iter().map(|b| b.points).max().unwrap_or(*points);
                    ReasonCode {
                        variable: name.clone(),
                        value: match record.get(name) {
                            Some(Field::Number(x)) => Some(*x),
                            _ => None,
                        },
                        points: *points,
                        points_lost: best - points,
                    }
                })
                .filter(|r| r.points_lost > 0)
                .collect();
            reasons.sort_by(|a, b| {
                b.points_lost
                    .cmp(&a.points_lost)
                    .then(a.variable.cmp(&b.variable))
            });
            reasons.truncate(5);
            out.reason_codes = reasons;
        }
        Err(e) => out.unavailable = Some(e.to_string()),
    }
    out
}

/// The report as an officer of the bank opens it today, recorded in the audit log with the
/// digest of exactly what was shown (so a printed report in the credit file can be matched to
/// its row).
pub fn open(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<EvaluationReport, ApiError> {
    let params: &ValuationParams = &crate::services::valuations::params();
    crate::db::write_tx(conn, |conn| {
        let report = evaluate(conn, principal.org_id, id, params, china_today(now))?;
        let shown = serde_json::to_value(&report)
            .map_err(|e| ApiError::Internal(format!("evaluation report: {e}")))?;
        audit::append(
            conn,
            &principal.actor(),
            &Entry {
                action: "application.evaluate",
                object_type: "application",
                object_id: id.to_string(),
                before: None,
                after: Some(&shown),
                request_id,
            },
            now,
        )?;
        Ok(report)
    })
}

pub fn evaluate(
    conn: &mut DbConnection,
    bank_id: i64,
    id: i64,
    params: &ValuationParams,
    as_of: NaiveDate,
) -> Result<EvaluationReport, ApiError> {
    let a = bank_application(conn, bank_id, id)?;
    let enterprise = enterprise_summary(conn, a.enterprise_id)?;
    let rows: Vec<(PatentRow, PledgeStatus)> = pledges::table
        .inner_join(patents::table)
        .filter(pledges::application_id.eq(id))
        .order(pledges::id)
        .select((PatentRow::as_select(), pledges::status))
        .load(conn)?;
    let mut evaluated = Vec::with_capacity(rows.len());
    let mut results = Vec::with_capacity(rows.len());
    for (p, pledge_status) in &rows {
        let input = PatentInput::from(&p.fields);
        let ex: Explanation = engine::explain_patent(&input, as_of, params);
        let v = ex.valuation();
        evaluated.push(EvaluatedPatent {
            patent_id: p.id,
            patent_number: p.patent_number.to_string(),
            title: p.title.clone(),
            patent_type: p.patent_type.to_string(),
            legal_status: p.legal_status.to_string(),
            fee_paid_until: p.fee_paid_until,
            pledge_status: *pledge_status,
            lvd: v.lvd,
            tvd: v.tvd,
            evd: v.evd,
            pvd: v.pvd,
            appraised_fen: v.appraised_fen,
            collateral_fen: v.collateral_fen,
            eligible: v.eligible,
            flags: ex.flags.iter().map(|f| f.to_string()).collect(),
            share_of_collateral: 0.0,
            explanation: serde_json::to_value(&ex)
                .map_err(|e| ApiError::Internal(format!("explanation: {e}")))?,
        });
        results.push(v);
    }
    let package = engine::pledge_package(&results, params);
    let mut largest: Option<(i64, i64)> = None;
    for p in &mut evaluated {
        if package.collateral_fen > 0 {
            p.share_of_collateral = round4(p.collateral_fen as f64 / package.collateral_fen as f64);
        }
        if largest.is_none_or(|(_, c)| p.collateral_fen > c) {
            largest = Some((p.patent_id, p.collateral_fen));
        }
    }
    let concentration = Concentration {
        largest_patent_id: largest.map(|l| l.0),
        largest_share: match (largest, package.collateral_fen) {
            (Some((_, c)), total) if total > 0 => round4(c as f64 / total as f64),
            _ => 0.0,
        },
        patents: evaluated.len(),
    };
    // The refusal grounds, checked as the enterprise's readiness check does.
    let checks = readiness(conn, a.enterprise_id, id, as_of)?.failed;

    let risk_params = RiskParams::default();
    let events = events_of(conn, &[a.enterprise_id])?;
    let explained = risk::explain(
        &a.enterprise_id.to_string(),
        events.get(&a.enterprise_id).map_or(&[][..], Vec::as_slice),
        as_of,
        &risk_params,
    );
    let s = &explained.score;
    let risk = RiskProfile {
        model: explained.model.to_string(),
        params_digest: explained.params_digest.clone(),
        operating: round4(s.operating),
        judicial: round4(s.judicial),
        credit: round4(s.credit),
        ip: round4(s.ip),
        composite: round4(s.composite),
        rating: s.rating.as_str().to_string(),
        events: serde_json::to_value(&explained.contributions)
            .map_err(|e| ApiError::Internal(format!("risk explanation: {e}")))?,
    };
    let (card, scorecard_id, digest) = active_scorecard(conn, bank_id)?;
    let (record, fiscal_year) = record_of(
        conn,
        a.enterprise_id,
        s,
        evaluated.len(),
        enterprise.industry.as_deref(),
    )?;
    let scorecard_digest = digest.clone();
    let pd = assess_pd(&card, scorecard_id, digest, &record, fiscal_year);
    Ok(EvaluationReport {
        application_id: id,
        as_of,
        enterprise,
        amount_fen: a.amount_fen,
        term_months: a.term_months,
        status: a.status,
        credit_line_fen: package.credit_line_fen,
        collateral_fen: package.collateral_fen,
        appraised_fen: package.appraised_fen,
        loan_to_collateral: (package.collateral_fen > 0)
            .then(|| round4(a.amount_fen as f64 / package.collateral_fen as f64)),
        patents: evaluated,
        checks,
        concentration,
        risk,
        pd,
        models: ModelVersions {
            valuation: zhirong_engine::VALUATION_MODEL.to_string(),
            valuation_params_digest: params.digest(),
            risk: risk::RISK_MODEL.to_string(),
            risk_params_digest: risk_params.digest(),
            scorecard_digest,
        },
    })
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn yuan(fen: i64) -> String {
    Fen(fen).to_string()
}

/// The report as a printable HTML page (print it to PDF from the browser for the credit file).
pub fn to_html(r: &EvaluationReport) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>质物评价报告 · 申请 {id}</title>\
<style>body{{font-family:'Noto Sans CJK SC',sans-serif;margin:2em;font-size:12px}}table{{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}}\
td,th{{border:1px solid #999;padding:3px 6px;text-align:left}}td.n{{text-align:right}}h1{{font-size:18px}}h2{{font-size:14px;margin-top:1.5em}}\
@media print{{h2{{page-break-after:avoid}}}}</style></head><body>\
<h1>质物评价报告 Collateral evaluation report — 申请 Application {id}</h1>\
<p>评价日 As of {as_of} · 企业 {name} ({uscc}) · {district} · {industry}</p>\
<table><tr><th>申请金额 Amount</th><td class=n>{amount}</td><th>期限 Term</th><td>{term} 个月</td><th>状态 Status</th><td>{status}</td></tr>\
<tr><th>评估值 Appraised</th><td class=n>{appraised}</td><th>质押价值 Collateral</th><td class=n>{collateral}</td><th>授信额度 Credit line</th><td class=n>{line}</td></tr>\
<tr><th>贷款/质押价值 Loan to collateral</th><td>{ltc}</td><th>最大单件占比 Largest share</th><td>{largest:.1} %</td><th>专利数 Patents</th><td>{n}</td></tr></table>",
        id = r.application_id,
        as_of = r.as_of,
        name = esc(&r.enterprise.name),
        uscc = esc(&r.enterprise.uscc),
        district = esc(r.enterprise.district_name.as_deref().unwrap_or("-")),
        industry = esc(r.enterprise.industry.as_deref().unwrap_or("-")),
        amount = yuan(r.amount_fen),
        term = r.term_months,
        status = r.status,
        appraised = yuan(r.appraised_fen),
        collateral = yuan(r.collateral_fen),
        line = yuan(r.credit_line_fen),
        ltc = r
            .loan_to_collateral
            .map_or("-".to_string(), |x| format!("{x:.4}")),
        largest = r.concentration.largest_share * 100.0,
        n = r.concentration.patents,
    );
    h.push_str("<h2>质押专利 Pledged patents</h2><table><tr><th>专利号</th><th>名称</th><th>类型</th><th>法律状态</th><th>年费缴至</th><th>PVD</th><th>评估值</th><th>质押价值</th><th>占比</th><th>提示 Flags</th></tr>");
    for p in &r.patents {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=n>{:.2}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{:.1} %</td><td>{}</td></tr>",
            esc(&p.patent_number),
            esc(&p.title),
            esc(&p.patent_type),
            esc(&p.legal_status),
            p.fee_paid_until.map_or("-".into(), |d| d.to_string()),
            p.pvd,
            yuan(p.appraised_fen),
            yuan(p.collateral_fen),
            p.share_of_collateral * 100.0,
            esc(&p.flags.join(", ")),
        );
    }
    h.push_str("</table><h2>登记审查 Registration checks</h2>");
    if r.checks.is_empty() {
        h.push_str("<p>无拒绝登记情形 No refusal ground holds.</p>");
    } else {
        h.push_str("<table><tr><th>情形 Ground</th><th>专利</th><th>说明</th></tr>");
        for c in &r.checks {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&c.ground),
                esc(c.patent_number.as_deref().unwrap_or("-")),
                esc(&c.message)
            );
        }
        h.push_str("</table>");
    }
    let k = &r.risk;
    let _ = write!(
        h,
        "<h2>企业风险 Enterprise risk ({model})</h2><table><tr><th>经营 Operating</th><th>司法 Judicial</th><th>信用 Credit</th><th>知识产权 IP</th><th>综合 Composite</th><th>评级 Rating</th></tr>\
<tr><td class=n>{:.1}</td><td class=n>{:.1}</td><td class=n>{:.1}</td><td class=n>{:.1}</td><td class=n>{:.1}</td><td>{}</td></tr></table>",
        k.operating,
        k.judicial,
        k.credit,
        k.ip,
        k.composite,
        esc(&k.rating),
        model = esc(&k.model),
    );
    if let Some(events) = k.events.as_array()
        && !events.is_empty()
    {
        h.push_str("<table><tr><th>事件 Event</th><th>日期</th><th>编号 Ref</th><th>贡献 Contribution</th></tr>");
        for e in events {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=n>{:.3}</td></tr>",
                esc(e["event_type"].as_str().unwrap_or("")),
                esc(e["occurred_on"].as_str().unwrap_or("")),
                esc(e["reference"].as_str().unwrap_or("")),
                e["contribution"].as_f64().unwrap_or(0.0),
            );
        }
        h.push_str("</table>");
    }
    let pd = &r.pd;
    let _ = write!(
        h,
        "<h2>违约概率 Probability of default ({source})</h2><p>{desc}</p>",
        source = esc(&pd.source),
        desc = esc(&pd.model_description)
    );
    match (pd.score, pd.pd) {
        (Some(score), Some(p)) => {
            let _ = write!(
                h,
                "<p>评分 Score {score} · PD {:.2} % · 财务年度 Fiscal year {}</p>",
                p * 100.0,
                pd.fiscal_year.map_or("-".into(), |y| y.to_string())
            );
            if !pd.reason_codes.is_empty() {
                h.push_str("<table><tr><th>主要扣分项 Reason</th><th>值 Value</th><th>得分 Points</th><th>扣分 Points lost</th></tr>");
                for c in &pd.reason_codes {
                    let _ = write!(
                        h,
                        "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
                        esc(&c.variable),
                        c.value.map_or("缺失 missing".into(), |v| format!("{v:.4}")),
                        c.points,
                        c.points_lost
                    );
                }
                h.push_str("</table>");
            }
        }
        _ => {
            let _ = write!(
                h,
                "<p>无法评分 Not scored: {}</p>",
                esc(pd.unavailable.as_deref().unwrap_or("-"))
            );
        }
    }
    let m = &r.models;
    let _ = write!(
        h,
        "<h2>模型 Models</h2><table><tr><th>估值 Valuation</th><td>{} · params {}</td></tr>\
<tr><th>风险 Risk</th><td>{} · params {}</td></tr><tr><th>评分卡 Scorecard</th><td>sha256 {}</td></tr></table>\
<p>本报告由智融平台生成，仅供授信审查使用。Generated by Zhirong for the credit file.</p></body></html>",
        esc(&m.valuation),
        esc(&m.valuation_params_digest),
        esc(&m.risk),
        esc(&m.risk_params_digest),
        esc(&m.scorecard_digest),
    );
    h
}
