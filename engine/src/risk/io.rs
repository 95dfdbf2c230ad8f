//! Reading event files (CSV or Parquet, by extension) into validated events, and writing scores.
//! The file is scanned lazily, the needed columns selected and collected once; validation then walks
//! the columns, so an error can name its row (1-based data row) and column.
//!
//! Writing uses `engine::io::write_table`, re-exported here; `scan_table` (a lazy scan that
//! forces named CSV columns to text or integers) is the risk and pool readers' own.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use polars::prelude::*;

use super::columns as c;
use super::error::RiskError;
use super::model::{Alert, EnterpriseEvents, EnterpriseScore, RiskEvent};
use super::params::{EventType, Rating};

const REQUIRED: &str = "enterprise_id, event_type, occurred_on, ref";

/// A lazy scan of a CSV (with a header row) or Parquet file; `strings` names CSV columns to read as
/// text whatever they look like (ids, codes, dates parsed later with row-precise errors).
pub fn scan_table(path: &Path, strings: &[&str], integers: &[&str]) -> Result<LazyFrame, String> {
    let shown = path.display().to_string();
    if !path.is_file() {
        return Err("no such file".to_string());
    }
    let pl_path = PlRefPath::new(shown.clone());
    match FileFormat::from_path(path).ok() {
        Some(FileFormat::Csv) => {
            let overwrite: Schema = strings
                .iter()
                .map(|n| Field::new((*n).into(), DataType::String))
                .chain(
                    integers
                        .iter()
                        .map(|n| Field::new((*n).into(), DataType::Int64)),
                )
                .collect();
            LazyCsvReader::new(pl_path)
                .with_has_header(true)
                .with_dtype_overwrite(Some(Arc::new(overwrite)))
                .finish()
                .map_err(|e| e.to_string())
        }
        Some(FileFormat::Parquet) => {
            LazyFrame::scan_parquet(pl_path, ScanArgsParquet::default()).map_err(|e| e.to_string())
        }
        None => Err("the file name must end in .csv or .parquet".to_string()),
    }
}

pub use crate::io::{FileFormat, write_table};

/// Reads and validates an event file: every event must name an enterprise, a known type, a date on
/// or before `as_of` and a ref. The result is grouped by enterprise, in order of first appearance.
pub fn read_events(path: &Path, as_of: NaiveDate) -> Result<Vec<EnterpriseEvents>, RiskError> {
    let read_err = |reason: String| RiskError::Read {
        path: path.display().to_string(),
        reason,
    };
    let mut lf = scan_table(
        path,
        &[
            c::ENTERPRISE_ID,
            c::EVENT_TYPE,
            c::OCCURRED_ON,
            c::REF,
            c::SOURCE,
        ],
        &[c::AMOUNT_FEN],
    )
    .map_err(read_err)?;
    let schema = lf.collect_schema().map_err(|e| read_err(e.to_string()))?;
    let mut wanted = Vec::new();
    for column in [c::ENTERPRISE_ID, c::EVENT_TYPE, c::OCCURRED_ON, c::REF] {
        if schema.get(column).is_none() {
            return Err(RiskError::MissingColumn {
                column,
                required: REQUIRED,
            });
        }
        wanted.push(col(column));
    }
    let has_amount = schema.get(c::AMOUNT_FEN).is_some();
    if has_amount {
        wanted.push(col(c::AMOUNT_FEN).strict_cast(DataType::Int64));
    }
    let df = lf
        .select(wanted)
        .collect()
        .map_err(|e| read_err(e.to_string()))?;
    events_from_frame(&df, has_amount, as_of)
}

fn string_column<'a>(
    df: &'a DataFrame,
    column: &'static str,
) -> Result<&'a StringChunked, RiskError> {
    let s = df.column(column)?;
    s.str().map_err(|_| RiskError::ColumnType {
        column,
        found: s.dtype().to_string(),
        expected: "text",
    })
}

/// Dates either as a Date column (Parquet) or as `YYYY-MM-DD` text.
fn dates(df: &DataFrame, as_of: NaiveDate) -> Result<Vec<NaiveDate>, RiskError> {
    let column = df.column(c::OCCURRED_ON)?;
    let check = |row: usize, d: NaiveDate| {
        if d > as_of {
            Err(RiskError::AfterAsOf {
                row,
                occurred_on: d,
                as_of,
            })
        } else {
            Ok(d)
        }
    };
    match column.dtype() {
        DataType::Date => {
            let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
            column
                .date()?
                .physical()
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    let row = i + 1;
                    let d = d.ok_or(RiskError::MissingDate { row })?;
                    let date = epoch
                        .checked_add_signed(chrono::Duration::days(i64::from(d)))
                        .ok_or_else(|| RiskError::BadDate {
                            row,
                            found: d.to_string(),
                        })?;
                    check(row, date)
                })
                .collect()
        }
        DataType::String => column
            .str()?
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let row = i + 1;
                let s = s.map(str::trim).filter(|s| !s.is_empty());
                let s = s.ok_or(RiskError::MissingDate { row })?;
                let date = parse_iso_date(s).ok_or_else(|| RiskError::BadDate {
                    row,
                    found: s.to_string(),
                })?;
                check(row, date)
            })
            .collect(),
        other => Err(RiskError::ColumnType {
            column: c::OCCURRED_ON,
            found: other.to_string(),
            expected: "a date or YYYY-MM-DD text",
        }),
    }
}

/// `YYYY-MM-DD` exactly; a hand parser because it runs once per event (millions of rows).
fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0_u32, |acc, &d| {
            d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
        })
    };
    let year = i32::try_from(digits(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(5..7)?, digits(8..10)?)
}

fn events_from_frame(
    df: &DataFrame,
    has_amount: bool,
    as_of: NaiveDate,
) -> Result<Vec<EnterpriseEvents>, RiskError> {
    let ids = string_column(df, c::ENTERPRISE_ID)?;
    let types = string_column(df, c::EVENT_TYPE)?;
    let refs = string_column(df, c::REF)?;
    let dates = dates(df, as_of)?;
    let amounts: Vec<Option<i64>> = if has_amount {
        df.column(c::AMOUNT_FEN)?.i64()?.iter().collect()
    } else {
        vec![None; df.height()]
    };

    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut grouped: Vec<EnterpriseEvents> = Vec::new();
    for (i, (((id, event_type), reference), occurred_on)) in ids
        .iter()
        .zip(types.iter())
        .zip(refs.iter())
        .zip(dates)
        .enumerate()
    {
        let row = i + 1;
        let id = id
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or(RiskError::MissingEnterprise { row })?;
        let type_name = event_type
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or(RiskError::MissingEventType { row })?;
        let event_type =
            EventType::parse(type_name).ok_or_else(|| RiskError::UnknownEventType {
                row,
                found: type_name.to_string(),
                known: EventType::names(),
            })?;
        let reference = reference
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or(RiskError::MissingRef { row })?;
        let amount_fen = amounts[i];
        if let Some(a) = amount_fen.filter(|a| *a < 0) {
            return Err(RiskError::NegativeAmount { row, found: a });
        }
        let slot = *index.entry(id).or_insert_with(|| {
            grouped.push(EnterpriseEvents {
                enterprise_id: id.to_string(),
                events: Vec::new(),
            });
            grouped.len() - 1
        });
        grouped[slot].events.push(RiskEvent {
            event_type,
            occurred_on,
            reference: reference.to_string(),
            amount_fen,
        });
    }
    Ok(grouped)
}

/// The scores as a frame with the columns of the `zhirong risk score` output.
pub fn scores_frame(scores: &[EnterpriseScore]) -> Result<DataFrame, RiskError> {
    let column = |name: &str, f: fn(&EnterpriseScore) -> f64| {
        Column::new(name.into(), scores.iter().map(f).collect::<Vec<f64>>())
    };
    let df = DataFrame::new_infer_height(vec![
        Column::new(
            c::ENTERPRISE_ID.into(),
            scores
                .iter()
                .map(|s| s.enterprise_id.as_str())
                .collect::<Vec<&str>>(),
        ),
        column(c::OPERATING, |s| s.operating),
        column(c::JUDICIAL, |s| s.judicial),
        column(c::CREDIT, |s| s.credit),
        column(c::IP, |s| s.ip),
        column(c::COMPOSITE, |s| s.composite),
        Column::new(
            c::RATING.into(),
            scores
                .iter()
                .map(|s| s.rating.as_str())
                .collect::<Vec<&str>>(),
        ),
    ])?;
    Ok(df)
}

/// A previous scores file: each enterprise's rating.
pub fn read_previous_ratings(path: &Path) -> Result<HashMap<String, Rating>, RiskError> {
    let read_err = |reason: String| RiskError::Read {
        path: path.display().to_string(),
        reason,
    };
    let mut lf = scan_table(path, &[c::ENTERPRISE_ID, c::RATING], &[]).map_err(read_err)?;
    let schema = lf.collect_schema().map_err(|e| read_err(e.to_string()))?;
    for column in [c::ENTERPRISE_ID, c::RATING] {
        if schema.get(column).is_none() {
            return Err(RiskError::Previous {
                row: 0,
                column,
                reason: "the column is missing".to_string(),
            });
        }
    }
    let df = lf
        .select([col(c::ENTERPRISE_ID), col(c::RATING)])
        .collect()
        .map_err(|e| read_err(e.to_string()))?;
    let ids = string_column(&df, c::ENTERPRISE_ID)?;
    let ratings = string_column(&df, c::RATING)?;
    let mut out = HashMap::new();
    for (i, (id, rating)) in ids.iter().zip(ratings.iter()).enumerate() {
        let row = i + 1;
        let id = id
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or(RiskError::Previous {
                row,
                column: c::ENTERPRISE_ID,
                reason: "the enterprise id is missing".to_string(),
            })?;
        let rating = rating
            .map(str::trim)
            .and_then(Rating::parse)
            .ok_or_else(|| RiskError::Previous {
                row,
                column: c::RATING,
                reason: format!(
                    "{:?} is not one of normal, watch, warning, critical",
                    rating.unwrap_or("")
                ),
            })?;
        out.insert(id.to_string(), rating);
    }
    Ok(out)
}

/// Alerts as a table: `enterprise_id, kind, message, events` (each event as `type ref date`,
/// separated by `; `, the largest contribution first).
pub fn alerts_frame(alerts: &[Alert]) -> Result<DataFrame, RiskError> {
    let text = |f: &dyn Fn(&Alert) -> String| alerts.iter().map(f).collect::<Vec<String>>();
    let df = DataFrame::new_infer_height(vec![
        Column::new(c::ENTERPRISE_ID.into(), text(&|a| a.enterprise_id.clone())),
        Column::new("kind".into(), text(&|a| a.kind.name().to_string())),
        Column::new("message".into(), text(&|a| a.message.clone())),
        Column::new(
            "events".into(),
            text(&|a| {
                a.events
                    .iter()
                    .map(|e| format!("{} {} {}", e.event_type, e.reference, e.occurred_on))
                    .collect::<Vec<_>>()
                    .join("; ")
            }),
        ),
    ])?;
    Ok(df)
}
