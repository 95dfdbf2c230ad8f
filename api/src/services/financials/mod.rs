//! The enterprise's financial statements by year (revenue, profit, assets, liabilities,
//! headcount) and the ratios the default model reads from them; entered a year at a time or
//! uploaded (CSV or .xlsx) with the same whole-file check as patents.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::schema::financial_statements as fs;
use crate::db::{DbConnection, write_tx};
use crate::error::ApiError;
use crate::error::bad;
use crate::services::patents::upload::{self, ImportReport, Upload};
use crate::services::patents::{FieldProblem, json_text};

/// The columns of a statement, all required.
pub const COLUMNS: [(&str, bool); 6] = [
    ("fiscal_year", true),
    ("revenue_fen", true),
    ("profit_fen", true),
    ("assets_fen", true),
    ("liabilities_fen", true),
    ("headcount", true),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub fiscal_year: i32,
    pub revenue_fen: i64,
    pub profit_fen: i64,
    pub assets_fen: i64,
    pub liabilities_fen: i64,
    pub headcount: i32,
}

/// Ratios of one year, rounded to four decimals (half away from zero); `None` where the
/// denominator is zero or the previous year is missing.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Ratios {
    /// liabilities / assets
    pub debt_ratio: Option<f64>,
    /// profit / revenue
    pub profit_margin: Option<f64>,
    /// revenue / previous year's revenue − 1
    pub revenue_growth: Option<f64>,
    /// revenue / headcount, in fen
    pub revenue_per_head_fen: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StatementView {
    pub fiscal_year: i32,
    pub revenue_fen: i64,
    pub profit_fen: i64,
    pub assets_fen: i64,
    pub liabilities_fen: i64,
    pub headcount: i32,
    pub ratios: Ratios,
    #[serde(serialize_with = "crate::domain::instant::utc")]
    pub updated_at: NaiveDateTime,
}

/// Checks a statement's fields; every problem is reported, in column order.
pub fn check_fields(
    get: &dyn Fn(&str) -> Option<String>,
    today: NaiveDate,
) -> Result<Statement, Vec<FieldProblem>> {
    let mut problems: Vec<FieldProblem> = Vec::new();
    let mut number = |col: &'static str, min: Option<i64>| -> i64 {
        let Some(v) = get(col) else {
            problems.push((col, "required".into()));
            return 0;
        };
        match v.parse::<i64>() {
            Ok(n) if min.is_none_or(|m| n >= m) => n,
            Ok(_) => {
                problems.push((col, "must not be negative".into()));
                0
            }
            Err(_) => {
                problems.push((col, format!("'{v}' is not a whole number")));
                0
            }
        }
    };
    let year = number("fiscal_year", Some(0));
    let revenue_fen = number("revenue_fen", Some(0));
    let profit_fen = number("profit_fen", None);
    let assets_fen = number("assets_fen", Some(0));
    let liabilities_fen = number("liabilities_fen", Some(0));
    let headcount = number("headcount", Some(0));
    let this_year = i64::from(today.year());
    if get("fiscal_year").is_some() && !(1990..=this_year).contains(&year) {
        problems.push(("fiscal_year", format!("must be 1990 to {this_year}")));
    }
    let headcount = i32::try_from(headcount).unwrap_or_else(|_| {
        problems.push(("headcount", "too large".into()));
        0
    });
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Statement {
        fiscal_year: i32::try_from(year).unwrap_or(0),
        revenue_fen,
        profit_fen,
        assets_fen,
        liabilities_fen,
        headcount,
    })
}

fn ratio(num: i64, den: i64) -> Option<f64> {
    (den != 0).then(|| {
        let r = num as f64 / den as f64;
        (r * 10_000.0).round() / 10_000.0
    })
}

type Row = (i32, i64, i64, i64, i64, i32, NaiveDateTime);

pub fn list(conn: &mut DbConnection, org_id: i64) -> Result<Vec<StatementView>, ApiError> {
    let rows: Vec<Row> = fs::table
        .filter(fs::enterprise_id.eq(org_id))
        .order(fs::fiscal_year.desc())
        .select((
            fs::fiscal_year,
            fs::revenue_fen,
            fs::profit_fen,
            fs::assets_fen,
            fs::liabilities_fen,
            fs::headcount,
            fs::updated_at,
        ))
        .load(conn)?;
    let revenue_by_year: HashMap<i32, i64> = rows.iter().map(|r| (r.0, r.1)).collect();
    Ok(rows
        .into_iter()
        .map(
            |(
                fiscal_year,
                revenue_fen,
                profit_fen,
                assets_fen,
                liabilities_fen,
                headcount,
                updated_at,
            )| {
                StatementView {
                    fiscal_year,
                    revenue_fen,
                    profit_fen,
                    assets_fen,
                    liabilities_fen,
                    headcount,
                    ratios: Ratios {
                        debt_ratio: ratio(liabilities_fen, assets_fen),
                        profit_margin: ratio(profit_fen, revenue_fen),
                        revenue_growth: revenue_by_year
                            .get(&(fiscal_year - 1))
                            .and_then(|prev| ratio(revenue_fen - prev, *prev)),
                        revenue_per_head_fen: (headcount > 0)
                            .then(|| revenue_fen / i64::from(headcount)),
                    },
                    updated_at,
                }
            },
        )
        .collect())
}

/// Writes one year (a new row or a replacement) and its audit row; inside the caller's
/// transaction.
fn upsert(
    conn: &mut DbConnection,
    principal: &Principal,
    s: &Statement,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<(), ApiError> {
    let existing: Option<i64> = fs::table
        .filter(fs::enterprise_id.eq(principal.org_id))
        .filter(fs::fiscal_year.eq(s.fiscal_year))
        .select(fs::id)
        .first(conn)
        .optional()?;
    let values = (
        fs::revenue_fen.eq(s.revenue_fen),
        fs::profit_fen.eq(s.profit_fen),
        fs::assets_fen.eq(s.assets_fen),
        fs::liabilities_fen.eq(s.liabilities_fen),
        fs::headcount.eq(s.headcount),
        fs::updated_at.eq(now),
    );
    match existing {
        Some(id) => {
            diesel::update(fs::table.find(id))
                .set(values)
                .execute(conn)?;
        }
        None => {
            diesel::insert_into(fs::table)
                .values((
                    fs::enterprise_id.eq(principal.org_id),
                    fs::fiscal_year.eq(s.fiscal_year),
                    values,
                ))
                .execute(conn)?;
        }
    }
    audit::append(
        conn,
        &principal.actor(),
        &Entry {
            action: "financials.upsert",
            object_type: "financial_statement",
            object_id: format!("{}:{}", principal.org_id, s.fiscal_year),
            before: None,
            after: Some(&serde_json::json!({"fiscal_year": s.fiscal_year,
                "revenue_fen": s.revenue_fen, "profit_fen": s.profit_fen,
                "assets_fen": s.assets_fen, "liabilities_fen": s.liabilities_fen,
                "headcount": s.headcount})),
            request_id,
        },
        now,
    )?;
    Ok(())
}

/// Checks a JSON object for the year in the path; the first problem names its field.
pub fn check_json(
    year: i32,
    body: &serde_json::Map<String, serde_json::Value>,
    today: NaiveDate,
) -> Result<Statement, ApiError> {
    if let Some(unknown) = body.keys().find(|k| !COLUMNS.iter().any(|(c, _)| c == k)) {
        return Err(bad(
            "UNKNOWN_FIELD",
            format!("unknown field '{unknown}'"),
            unknown,
        ));
    }
    if let Some(y) = json_text(body.get("fiscal_year"))
        && y != year.to_string()
    {
        return Err(bad(
            "YEAR_MISMATCH",
            format!("fiscal_year {y} differs from the year in the path, {year}"),
            "fiscal_year",
        ));
    }
    let get = |col: &str| {
        if col == "fiscal_year" {
            Some(year.to_string())
        } else {
            json_text(body.get(col))
        }
    };
    check_fields(&get, today).map_err(|problems| {
        let (field, reason) = problems
            .first()
            .cloned()
            .unwrap_or(("fiscal_year", "invalid".into()));
        ApiError::bad_request(
            "INVALID_STATEMENT",
            format!("{field}: {reason}"),
            Some(field),
        )
    })
}

pub fn put(
    conn: &mut DbConnection,
    principal: &Principal,
    s: Statement,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<StatementView, ApiError> {
    write_tx(conn, |conn| {
        upsert(conn, principal, &s, now, request_id)?;
        list(conn, principal.org_id)?
            .into_iter()
            .find(|v| v.fiscal_year == s.fiscal_year)
            .ok_or(ApiError::NotFound)
    })
}

/// The upload: every row checked first; all written or none (unless `valid_only`).
pub fn import(
    conn: &mut DbConnection,
    principal: &Principal,
    file: &Upload,
    valid_only: bool,
    today: NaiveDate,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<ImportReport, ApiError> {
    let mut seen: HashMap<i32, usize> = HashMap::new();
    let (good, problems) = upload::check_rows(file, &COLUMNS, |row, get| {
        let s = check_fields(get, today)?;
        if let Some(first) = seen.insert(s.fiscal_year, row) {
            return Err(vec![(
                "fiscal_year",
                format!("{} also appears in row {first}", s.fiscal_year),
            )]);
        }
        Ok(s)
    })?;
    if !problems.is_empty() && !valid_only {
        let bad_rows: BTreeSet<usize> = problems.iter().map(|p| p.row).collect();
        let first = &problems[0];
        let column = first.column.clone();
        let message = format!(
            "{} row(s) have problems (first: row {}, {}: {}); nothing was imported",
            bad_rows.len(),
            first.row,
            first.column,
            first.reason
        );
        return Err(upload::refused(&column, message, problems));
    }
    write_tx(conn, |conn| {
        for (_, s) in &good {
            upsert(conn, principal, s, now, request_id)?;
        }
        Ok(ImportReport {
            imported: good.iter().map(|(_, s)| i64::from(s.fiscal_year)).collect(),
            rejected: problems,
        })
    })
}
