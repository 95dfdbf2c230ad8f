//! The enterprise whitelist (企业白名单): the district's enterprises that meet its published
//! criteria, so banks can pre-approve them. The criteria are data, versioned per district; until
//! a district publishes its own, the platform's defaults apply.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use zhirong_engine::risk::EventType;
use zhirong_engine::valuation::{
    LegalStatus, PatentInput, PatentType, ValuationParams, value_patent,
};

use crate::auth::Principal;
use crate::clock::china_today;
use crate::db::DbConnection;
use crate::db::audit::{self, Entry};
use crate::db::models::PatentRow;
use crate::db::schema::{loans, organisations, patents, whitelist_criteria};
use crate::domain::status::LoanStatus;
use crate::error::ApiError;
use crate::error::bad;
use crate::export::{Cell, Table};
use crate::services::risk::events_of;
use crate::services::risk::scores_of;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Criteria {
    /// zr-risk-1 ratings admitted (default: normal).
    pub ratings: Vec<String>,
    /// No severe event (dishonest debtor, bankruptcy filing) within this many years (default 3).
    pub no_severe_event_years: u32,
    /// At least this many valid, granted invention patents (default 1).
    pub min_valid_inventions: u32,
    /// Today's collateral value of its valid patents over its outstanding loans, at least this
    /// (default 1.0; an enterprise without loans meets it).
    pub min_collateral_coverage: f64,
    /// Only these industries when not empty (patent-intensive industries, as the district lists them).
    #[serde(default)]
    pub industries: Vec<String>,
}

impl Default for Criteria {
    fn default() -> Self {
        Self {
            ratings: vec!["normal".into()],
            no_severe_event_years: 3,
            min_valid_inventions: 1,
            min_collateral_coverage: 1.0,
            industries: Vec::new(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CriteriaView {
    /// 0: the platform's defaults (the district has published none).
    pub version: i32,
    pub effective_from: Option<NaiveDate>,
    pub criteria: Criteria,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WhitelistEntry {
    pub enterprise_id: i64,
    pub name: String,
    pub uscc: String,
    pub industry: Option<String>,
    pub rating: String,
    pub composite: f64,
    pub valid_inventions: i64,
    pub collateral_fen: i64,
    pub outstanding_fen: i64,
    pub collateral_coverage: Option<f64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Whitelist {
    pub as_of: NaiveDate,
    pub criteria: CriteriaView,
    pub enterprises_checked: usize,
    pub entries: Vec<WhitelistEntry>,
}

pub fn criteria(conn: &mut DbConnection, district_id: i64) -> Result<CriteriaView, ApiError> {
    let row: Option<(i32, NaiveDate, String)> = whitelist_criteria::table
        .filter(whitelist_criteria::district_id.eq(district_id))
        .order(whitelist_criteria::version.desc())
        .select((
            whitelist_criteria::version,
            whitelist_criteria::effective_from,
            whitelist_criteria::criteria_json,
        ))
        .first(conn)
        .optional()?;
    Ok(match row {
        Some((version, from, json)) => CriteriaView {
            version,
            effective_from: Some(from),
            criteria: serde_json::from_str(&json)
                .map_err(|e| ApiError::Internal(format!("whitelist criteria: {e}")))?,
        },
        None => CriteriaView {
            version: 0,
            effective_from: None,
            criteria: Criteria::default(),
        },
    })
}

fn check(c: &Criteria) -> Result<(), ApiError> {
    const RATINGS: [&str; 4] = ["normal", "watch", "warning", "critical"];
    if c.ratings.is_empty() || c.ratings.iter().any(|r| !RATINGS.contains(&r.as_str())) {
        return Err(bad(
            "INVALID_RATINGS",
            "ratings lists one or more of normal, watch, warning, critical",
            "ratings",
        ));
    }
    if c.no_severe_event_years > 10 {
        return Err(bad(
            "INVALID_YEARS",
            "no_severe_event_years is 0 to 10",
            "no_severe_event_years",
        ));
    }
    if !(0.0..=100.0).contains(&c.min_collateral_coverage) {
        return Err(bad(
            "INVALID_COVERAGE",
            "min_collateral_coverage is 0 to 100",
            "min_collateral_coverage",
        ));
    }
    Ok(())
}

/// Publishes a new version of the district's criteria, effective today.
pub fn publish(
    conn: &mut DbConnection,
    principal: &Principal,
    c: Criteria,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<CriteriaView, ApiError> {
    check(&c)?;
    crate::db::write_tx(conn, |conn| {
        let before = criteria(conn, principal.org_id)?;
        let version = before.version + 1;
        let json = serde_json::to_string(&c).map_err(|e| ApiError::Internal(e.to_string()))?;
        diesel::insert_into(whitelist_criteria::table)
            .values((
                whitelist_criteria::district_id.eq(principal.org_id),
                whitelist_criteria::version.eq(version),
                whitelist_criteria::criteria_json.eq(&json),
                whitelist_criteria::effective_from.eq(china_today(now)),
                whitelist_criteria::created_at.eq(now),
            ))
            .execute(conn)?;
        audit::append(
            conn,
            &principal.actor(),
            &Entry {
                action: "whitelist.criteria",
                object_type: "district",
                object_id: principal.org_id.to_string(),
                before: Some(&serde_json::to_value(&before.criteria).unwrap_or_default()),
                after: Some(&serde_json::json!({"version": version, "criteria": c})),
                request_id,
            },
            now,
        )?;
        criteria(conn, principal.org_id)
    })
}

/// The district's enterprises meeting the criteria in force, as of today.
pub fn list(
    conn: &mut DbConnection,
    district_id: i64,
    now: NaiveDateTime,
) -> Result<Whitelist, ApiError> {
    let params: &ValuationParams = &crate::services::valuations::params();
    let today = china_today(now);
    let view = criteria(conn, district_id)?;
    let c = &view.criteria;
    let orgs: Vec<(i64, String, Option<String>, Option<String>)> = organisations::table
        .filter(organisations::kind.eq("enterprise"))
        .filter(organisations::district_org_id.eq(district_id))
        .order(organisations::id)
        .select((
            organisations::id,
            organisations::name,
            organisations::uscc,
            organisations::industry,
        ))
        .load(conn)?;
    let ids: Vec<i64> = orgs.iter().map(|o| o.0).collect();
    let scores = scores_of(conn, &ids, today)?;
    let events = events_of(conn, &ids)?;
    let mut valid: HashMap<i64, Vec<PatentRow>> = HashMap::new();
    for p in patents::table
        .filter(patents::owner_org_id.eq_any(&ids))
        .filter(patents::legal_status.eq(LegalStatus::Valid.as_str()))
        .filter(patents::removed_at.is_null())
        .select(PatentRow::as_select())
        .load::<PatentRow>(conn)?
    {
        valid.entry(p.owner_org_id).or_default().push(p);
    }
    let mut outstanding: HashMap<i64, i64> = HashMap::new();
    for (e, o) in loans::table
        .filter(loans::enterprise_id.eq_any(&ids))
        .filter(loans::status.eq_any(LoanStatus::LIVE))
        .select((loans::enterprise_id, loans::outstanding_fen))
        .load::<(i64, i64)>(conn)?
    {
        *outstanding.entry(e).or_default() += o;
    }
    let severe_since = today - chrono::Duration::days(365 * i64::from(c.no_severe_event_years));
    let mut entries = Vec::new();
    for (id, name, uscc, industry) in &orgs {
        let Some(score) = scores.get(id) else {
            continue;
        };
        if !c.ratings.iter().any(|r| r == score.rating.as_str()) {
            continue;
        }
        if !c.industries.is_empty()
            && !industry
                .as_ref()
                .is_some_and(|i| c.industries.iter().any(|x| x == i))
        {
            continue;
        }
        let severe = events.get(id).is_some_and(|es| {
            es.iter().any(|e| {
                matches!(
                    e.event_type,
                    EventType::DishonestDebtor | EventType::BankruptcyFiling
                ) && e.occurred_on > severe_since
                    && e.occurred_on <= today
            })
        });
        if severe {
            continue;
        }
        let own = valid.get(id).map_or(&[][..], Vec::as_slice);
        let inventions = own
            .iter()
            .filter(|p| p.patent_type == PatentType::Invention && p.grant_date.is_some())
            .count() as i64;
        if inventions < i64::from(c.min_valid_inventions) {
            continue;
        }
        let mut collateral = 0i64;
        for p in own {
            collateral += value_patent(&PatentInput::from(&p.fields), today, params).collateral_fen;
        }
        let owed = outstanding.get(id).copied().unwrap_or(0);
        let coverage = (owed > 0).then(|| collateral as f64 / owed as f64);
        if coverage.is_some_and(|x| x < c.min_collateral_coverage) {
            continue;
        }
        entries.push(WhitelistEntry {
            enterprise_id: *id,
            name: name.clone(),
            uscc: uscc.clone().unwrap_or_default(),
            industry: industry.clone(),
            rating: score.rating.as_str().to_string(),
            composite: (score.composite * 100.0).round() / 100.0,
            valid_inventions: inventions,
            collateral_fen: collateral,
            outstanding_fen: owed,
            collateral_coverage: coverage.map(|x| (x * 10_000.0).round() / 10_000.0),
        });
    }
    Ok(Whitelist {
        as_of: today,
        enterprises_checked: orgs.len(),
        criteria: view,
        entries,
    })
}

/// The list as a table for download, with Chinese headers; money in 元.
pub fn to_table(w: &Whitelist) -> Table {
    let headers = [
        "企业名称",
        "统一社会信用代码",
        "行业",
        "风险评级",
        "综合风险分",
        "有效发明专利数",
        "质押价值(元)",
        "贷款余额(元)",
        "质押覆盖率",
    ];
    Table {
        sheet: "企业白名单".into(),
        headers: headers.iter().map(|h| (*h).to_string()).collect(),
        rows: w
            .entries
            .iter()
            .map(|e| {
                vec![
                    Cell::text(e.name.as_str()),
                    Cell::text(e.uscc.as_str()),
                    Cell::text(e.industry.as_deref().unwrap_or("")),
                    Cell::text(e.rating.as_str()),
                    Cell::Num(e.composite),
                    Cell::Int(e.valid_inventions),
                    Cell::Yuan(e.collateral_fen),
                    Cell::Yuan(e.outstanding_fen),
                    Cell::opt_num(e.collateral_coverage),
                ]
            })
            .collect(),
    }
}
