//! Reading loans (CSV or Parquet) and the pool's TOML files. CSV columns are read as text and parsed
//! here, so a bad value is reported with its row and column; Parquet columns may be typed.

use std::path::Path;

use polars::prelude::*;

use super::columns as c;
use super::error::PoolError;
use super::model::{Loan, validate_loans};
use super::params::{PoolRules, StressScenario, is_ipc_section};
use crate::risk::io::scan_table;

fn read_text(path: &Path) -> Result<String, PoolError> {
    std::fs::read_to_string(path).map_err(|e| PoolError::Read {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

/// Reads pool rules from a TOML file.
pub fn read_rules(path: &Path) -> Result<PoolRules, PoolError> {
    PoolRules::parse_toml(&read_text(path)?)
}

/// Reads a stress scenario from a TOML file.
pub fn read_stress(path: &Path) -> Result<StressScenario, PoolError> {
    StressScenario::parse_toml(&read_text(path)?)
}

/// One column's values as text, whatever its type (numbers formatted back), nulls as `None`.
fn texts(df: &DataFrame, column: &'static str) -> Result<Vec<Option<String>>, PoolError> {
    let s = df.column(column)?;
    let s = match s.dtype() {
        DataType::String => s.clone(),
        _ => s.cast(&DataType::String)?,
    };
    Ok(s.str()?.iter().map(|v| v.map(str::to_string)).collect())
}

fn field(row: usize, column: &'static str, reason: String) -> PoolError {
    PoolError::LoanField {
        row,
        column,
        reason,
    }
}

fn required(row: usize, column: &'static str, v: Option<&String>) -> Result<String, PoolError> {
    v.map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| field(row, column, "the value is missing".to_string()))
}

fn parse_fen(row: usize, column: &'static str, v: Option<&String>) -> Result<i64, PoolError> {
    let s = required(row, column, v)?;
    s.parse::<i64>()
        .map_err(|_| field(row, column, format!("{s:?} is not a whole number of fen")))
}

/// Reads and validates a loans file: `loan_id, pd, ead_fen, collateral_fen`, optionally
/// `ipc_section` and `patent_id` (used by stress scenarios).
pub fn read_loans(path: &Path) -> Result<Vec<Loan>, PoolError> {
    let read_err = |reason: String| PoolError::Read {
        path: path.display().to_string(),
        reason,
    };
    let all = [
        c::LOAN_ID,
        c::PD,
        c::EAD_FEN,
        c::COLLATERAL_FEN,
        c::IPC_SECTION,
        c::PATENT_ID,
    ];
    let mut lf = scan_table(path, &all, &[]).map_err(read_err)?;
    let schema = lf.collect_schema().map_err(|e| read_err(e.to_string()))?;
    let mut wanted = Vec::new();
    for column in [c::LOAN_ID, c::PD, c::EAD_FEN, c::COLLATERAL_FEN] {
        if schema.get(column).is_none() {
            return Err(PoolError::MissingColumn { column });
        }
        wanted.push(col(column));
    }
    let optional: Vec<&'static str> = [c::IPC_SECTION, c::PATENT_ID]
        .into_iter()
        .filter(|n| schema.get(n).is_some())
        .collect();
    wanted.extend(optional.iter().map(|n| col(*n)));
    let df = lf
        .select(wanted)
        .collect()
        .map_err(|e| read_err(e.to_string()))?;

    let ids = texts(&df, c::LOAN_ID)?;
    let pds = texts(&df, c::PD)?;
    let eads = texts(&df, c::EAD_FEN)?;
    let collaterals = texts(&df, c::COLLATERAL_FEN)?;
    let sections = if optional.contains(&c::IPC_SECTION) {
        texts(&df, c::IPC_SECTION)?
    } else {
        vec![None; df.height()]
    };
    let patents = if optional.contains(&c::PATENT_ID) {
        texts(&df, c::PATENT_ID)?
    } else {
        vec![None; df.height()]
    };
    let mut loans = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let row = i + 1;
        let loan_id = required(row, c::LOAN_ID, ids[i].as_ref())?;
        let pd_text = required(row, c::PD, pds[i].as_ref())?;
        let pd = pd_text
            .parse::<f64>()
            .ok()
            .filter(|p| (0.0..=1.0).contains(p))
            .ok_or_else(|| {
                field(
                    row,
                    c::PD,
                    format!("{pd_text:?} is not a probability between 0 and 1"),
                )
            })?;
        let ipc_section = sections[i]
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                let section = s[..1].to_ascii_uppercase();
                if is_ipc_section(&section) {
                    Ok(section)
                } else {
                    Err(field(
                        row,
                        c::IPC_SECTION,
                        format!("{s:?} does not start with an IPC section letter A to H"),
                    ))
                }
            })
            .transpose()?;
        loans.push(Loan {
            loan_id,
            pd,
            ead_fen: parse_fen(row, c::EAD_FEN, eads[i].as_ref())?,
            collateral_fen: parse_fen(row, c::COLLATERAL_FEN, collaterals[i].as_ref())?,
            ipc_section,
            patent_id: patents[i]
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        });
    }
    validate_loans(&loans)?;
    Ok(loans)
}
