//! The input schema check of VALUATION.md ("Bad input").
//!
//! A raw frame (CSV read as text, or Parquet with its own types) becomes a typed frame with the
//! documented dtypes, or a list of problems each naming the 1-based data row, the column and what
//! is wrong. Strict mode rejects the batch on any problem; the lenient mode keeps the valid rows
//! and returns the others with their reasons.
//!
//! The rules a value must keep (counts, the family, the royalty rate, the filing date) are
//! written once, as the `check_*` functions below: the batch check applies them row by row, its
//! fast path to whole columns, and the service to each patent it is given.

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;
use polars::prelude::*;
use serde::Serialize;

use super::{LegalStatus, PatentInput, PatentType};
use crate::error::{BadInput, EngineError, InputProblem, Result};
use crate::schema::input as col;

/// A value that breaks a rule of the input (VALUATION.md, "Bad input"). Its `Display` is the
/// engine's wording; the service words the same problem for its own readers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueProblem {
    /// A count below zero.
    NegativeCount(i64),
    /// A `family_size` below 1: the home filing is part of the family.
    EmptyFamily(i64),
    /// A `royalty_rate` not strictly between 0 and 1.
    RoyaltyRate(f64),
    /// A `filing_date` after the valuation date.
    FiledAfter {
        filing_date: NaiveDate,
        as_of: NaiveDate,
    },
}

impl fmt::Display for ValueProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NegativeCount(x) => write!(f, "negative count {x}"),
            Self::EmptyFamily(x) => write!(
                f,
                "family_size must be at least 1 (the home filing), got {x}"
            ),
            Self::RoyaltyRate(r) => {
                write!(f, "royalty_rate must be strictly between 0 and 1, got {r}")
            }
            Self::FiledAfter { filing_date, as_of } => write!(
                f,
                "filing date {filing_date} is after the valuation date {as_of}"
            ),
        }
    }
}

/// The least value of a count column ([`col::COUNTS`]): 1 for `family_size`, else 0.
pub fn count_minimum(column: &str) -> i64 {
    if column == col::FAMILY_SIZE { 1 } else { 0 }
}

/// A count of `column`: one of [`col::COUNTS`] (any other count is held to at least 0).
pub fn check_count(column: &str, value: i64) -> std::result::Result<(), ValueProblem> {
    if value < 0 {
        Err(ValueProblem::NegativeCount(value))
    } else if value < count_minimum(column) {
        Err(ValueProblem::EmptyFamily(value))
    } else {
        Ok(())
    }
}

/// A royalty rate agreed for the patent: strictly between 0 and 1 (NaN is not).
pub fn check_royalty_rate(rate: f64) -> std::result::Result<(), ValueProblem> {
    if rate > 0.0 && rate < 1.0 {
        Ok(())
    } else {
        Err(ValueProblem::RoyaltyRate(rate))
    }
}

/// A filing date: not after the valuation date.
pub fn check_filing_date(
    filing_date: NaiveDate,
    as_of: NaiveDate,
) -> std::result::Result<(), ValueProblem> {
    if filing_date > as_of {
        Err(ValueProblem::FiledAfter { filing_date, as_of })
    } else {
        Ok(())
    }
}

/// What to do with bad rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InvalidRows {
    /// Reject the whole batch (the default of VALUATION.md).
    #[default]
    Reject,
    /// Value the valid rows and return the others with their reasons.
    Skip,
}

/// A row left out in the lenient mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectedRow {
    /// 1-based data row in the input file
    pub row: usize,
    pub patent_id: Option<String>,
    /// "column: problem", in column order
    pub reasons: Vec<String>,
}

/// A checked batch: the typed frame of the valid rows (documented dtypes, columns in documented
/// order) and, in the lenient mode, the rows left out.
#[derive(Debug, Clone)]
pub struct Validated {
    pub frame: DataFrame,
    pub rejected: Vec<RejectedRow>,
}

const EPOCH: NaiveDate = match NaiveDate::from_ymd_opt(1970, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

pub(crate) fn date_to_days(d: NaiveDate) -> i32 {
    // Dates inside chrono's range are within ±262,000 years: the day count fits in i32.
    (d - EPOCH).num_days() as i32
}

pub(crate) fn days_to_date(days: i32) -> Option<NaiveDate> {
    EPOCH.checked_add_signed(chrono::TimeDelta::days(i64::from(days)))
}

/// Collects the problems of one batch, per row so they come out row by row in column order.
struct Checker<'a> {
    raw: &'a DataFrame,
    header: Vec<InputProblem>,
    rows: Vec<Vec<(&'static str, String)>>,
}

impl<'a> Checker<'a> {
    fn new(raw: &'a DataFrame) -> Self {
        Self {
            raw,
            header: Vec::new(),
            rows: vec![Vec::new(); raw.height()],
        }
    }

    fn row_problem(&mut self, i: usize, column: &'static str, problem: String) {
        self.rows[i].push((column, problem));
    }

    fn header_problem(&mut self, column: &'static str, problem: String) {
        self.header.push(InputProblem {
            row: None,
            column: column.to_owned(),
            problem,
        });
    }

    /// The raw column, or `None` when absent (a problem if `required`).
    fn column(&mut self, name: &'static str, required: bool) -> Option<&'a Column> {
        let raw: &'a DataFrame = self.raw;
        match raw.column(name) {
            Ok(c) => Some(c),
            Err(_) => {
                if required {
                    self.header_problem(name, "required column missing".to_owned());
                }
                None
            }
        }
    }

    fn missing(&mut self, i: usize, name: &'static str, required: bool) {
        if required {
            self.row_problem(i, name, "missing value".to_owned());
        }
    }

    fn strings(&mut self, name: &'static str, required: bool) -> Vec<Option<String>> {
        let n = self.raw.height();
        let Some(c) = self.column(name, required) else {
            return vec![None; n];
        };
        let cast = match c.cast(&DataType::String) {
            Ok(c) => c,
            Err(e) => {
                self.header_problem(name, format!("cannot be read as text: {e}"));
                return vec![None; n];
            }
        };
        let Ok(ca) = cast.str() else {
            return vec![None; n];
        };
        let values: Vec<Option<String>> = ca
            .iter()
            .map(|v| {
                v.map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
            })
            .collect();
        for (i, v) in values.iter().enumerate() {
            if v.is_none() {
                self.missing(i, name, required);
            }
        }
        values
    }

    fn dates(&mut self, name: &'static str, required: bool) -> Vec<Option<NaiveDate>> {
        let n = self.raw.height();
        let Some(c) = self.column(name, required) else {
            return vec![None; n];
        };
        let mut out = vec![None; n];
        match c.dtype() {
            DataType::String => {
                if let Ok(ca) = c.str() {
                    for (i, v) in ca.iter().enumerate() {
                        match v.map(str::trim).filter(|s| !s.is_empty()) {
                            None => self.missing(i, name, required),
                            Some(s) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                                Ok(d) => out[i] = Some(d),
                                Err(_) => self.row_problem(
                                    i,
                                    name,
                                    format!("unparseable date '{s}' (expected YYYY-MM-DD)"),
                                ),
                            },
                        }
                    }
                }
            }
            DataType::Date | DataType::Datetime(_, _) => {
                let days = c
                    .cast(&DataType::Date)
                    .and_then(|c| c.cast(&DataType::Int32));
                match days {
                    Ok(days) => {
                        if let Ok(ca) = days.i32() {
                            for (i, v) in ca.iter().enumerate() {
                                match v.and_then(days_to_date) {
                                    Some(d) => out[i] = Some(d),
                                    None => self.missing(i, name, required),
                                }
                            }
                        }
                    }
                    Err(e) => self.header_problem(name, format!("cannot be read as dates: {e}")),
                }
            }
            DataType::Null => {
                for i in 0..n {
                    self.missing(i, name, required);
                }
            }
            other => self.header_problem(name, format!("has type {other}, expected a date")),
        }
        out
    }

    fn ints(&mut self, name: &'static str, required: bool) -> Vec<Option<i64>> {
        let n = self.raw.height();
        let Some(c) = self.column(name, required) else {
            return vec![None; n];
        };
        let mut out = vec![None; n];
        let dtype = c.dtype().clone();
        if dtype == DataType::String {
            if let Ok(ca) = c.str() {
                for (i, v) in ca.iter().enumerate() {
                    match v.map(str::trim).filter(|s| !s.is_empty()) {
                        None => self.missing(i, name, required),
                        Some(s) => match s.parse::<i64>() {
                            Ok(x) => out[i] = Some(x),
                            Err(_) => {
                                self.row_problem(i, name, format!("not a whole number: '{s}'"))
                            }
                        },
                    }
                }
            }
        } else if dtype.is_integer() || dtype.is_float() || dtype == DataType::Null {
            // Floats are accepted when they hold whole numbers (some tools write counts as
            // doubles); anything else is named.
            match c.cast(&DataType::Float64) {
                Ok(f) => {
                    if let Ok(ca) = f.f64() {
                        let exact = c.cast(&DataType::Int64).ok();
                        let exact = exact.as_ref().and_then(|e| e.i64().ok());
                        for (i, v) in ca.iter().enumerate() {
                            match v {
                                None => self.missing(i, name, required),
                                Some(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => {
                                    out[i] = exact.and_then(|e| e.get(i)).or(Some(x as i64));
                                }
                                Some(x) => {
                                    self.row_problem(i, name, format!("not a whole number: '{x}'"))
                                }
                            }
                        }
                    }
                }
                Err(e) => self.header_problem(name, format!("cannot be read as numbers: {e}")),
            }
        } else {
            self.header_problem(name, format!("has type {dtype}, expected an integer"));
        }
        out
    }

    fn floats(&mut self, name: &'static str, required: bool) -> Vec<Option<f64>> {
        let n = self.raw.height();
        let Some(c) = self.column(name, required) else {
            return vec![None; n];
        };
        let mut out = vec![None; n];
        let dtype = c.dtype().clone();
        if dtype == DataType::String {
            if let Ok(ca) = c.str() {
                for (i, v) in ca.iter().enumerate() {
                    match v.map(str::trim).filter(|s| !s.is_empty()) {
                        None => self.missing(i, name, required),
                        Some(s) => match s.parse::<f64>() {
                            Ok(x) if x.is_finite() => out[i] = Some(x),
                            _ => self.row_problem(i, name, format!("not a number: '{s}'")),
                        },
                    }
                }
            }
        } else if dtype.is_primitive_numeric() || dtype == DataType::Null {
            match c.cast(&DataType::Float64) {
                Ok(f) => {
                    if let Ok(ca) = f.f64() {
                        for (i, v) in ca.iter().enumerate() {
                            match v {
                                None => self.missing(i, name, required),
                                Some(x) if x.is_finite() => out[i] = Some(x),
                                Some(x) => {
                                    self.row_problem(i, name, format!("not a number: '{x}'"))
                                }
                            }
                        }
                    }
                }
                Err(e) => self.header_problem(name, format!("cannot be read as numbers: {e}")),
            }
        } else {
            self.header_problem(name, format!("has type {dtype}, expected a number"));
        }
        out
    }
}

/// Checks a raw batch against the input schema of VALUATION.md.
///
/// `source_name` (normally the file path) is named in the error. In [`InvalidRows::Reject`] mode
/// any problem rejects the whole batch with [`EngineError::BadInput`]; in
/// [`InvalidRows::Skip`] mode only problems with the file as a whole (a missing required column,
/// a column of the wrong type) do, and bad rows are returned in [`Validated::rejected`].
pub fn validate(
    raw: &DataFrame,
    as_of: NaiveDate,
    source_name: &str,
    mode: InvalidRows,
) -> Result<Validated> {
    if let Some(frame) = fast_typed(raw, as_of) {
        return Ok(Validated {
            frame,
            rejected: Vec::new(),
        });
    }
    validate_rows(raw, as_of, source_name, mode)
}

/// Whole-column check of a batch that is already typed as documented (the usual Parquet
/// input): the typed frame when every row is certainly valid, and `None` whenever anything is
/// unusual (a missing column, another dtype, a value the row-by-row check would report or
/// change, such as untrimmed text), so that [`validate_rows`] finds and words the problems.
/// The frame it returns is the one [`validate_rows`] would build: the same columns, dtypes
/// and values, sharing the raw frame's buffers instead of copying them.
fn fast_typed(raw: &DataFrame, as_of: NaiveDate) -> Option<DataFrame> {
    let ids = raw.column(col::PATENT_ID).ok()?;
    // The id check (a hash set of every id) is the longest: it runs beside the others.
    std::thread::scope(|scope| {
        let ids_ok = scope.spawn(|| fast_ids(ids));
        let typed = fast_typed_except_ids(raw, as_of);
        match ids_ok.join() {
            Ok(true) => typed,
            _ => None,
        }
    })
}

/// [`fast_typed`] but for the check of the ids' values.
fn fast_typed_except_ids(raw: &DataFrame, as_of: NaiveDate) -> Option<DataFrame> {
    let n = raw.height();
    let mut columns: Vec<Column> = Vec::with_capacity(col::ALL.len());
    for name in col::ALL {
        let required = !col::OPTIONAL.contains(&name);
        let Ok(c) = raw.column(name) else {
            if required {
                return None;
            }
            let dtype = if name == col::IPC_MAIN {
                DataType::String
            } else if name == col::REVENUE_FEN {
                DataType::Int64
            } else if name == col::ROYALTY_RATE {
                DataType::Float64
            } else {
                DataType::Date
            };
            columns.push(Series::full_null(name.into(), n, &dtype).into());
            continue;
        };
        if required && c.null_count() > 0 {
            return None;
        }
        let ok = match name {
            col::PATENT_ID => true,
            col::PATENT_TYPE => fast_strings(c, |s| PatentType::parse(s).is_some()),
            col::LEGAL_STATUS => fast_strings(c, |s| LegalStatus::parse(s).is_some()),
            col::IPC_MAIN => fast_strings(c, |s| !s.is_empty() && s.trim().len() == s.len()),
            col::FILING_DATE => fast_dates(c, |latest| check_filing_date(latest, as_of).is_ok()),
            col::GRANT_DATE | col::FEE_PAID_UNTIL => fast_dates(c, |_| true),
            col::ROYALTY_RATE => fast_rates(c),
            col::REVENUE_FEN => fast_ints(c, |_| true),
            count => fast_ints(c, |least| check_count(count, least).is_ok()),
        };
        if !ok {
            return None;
        }
        columns.push(c.clone());
    }
    DataFrame::new(n, columns).ok()
}

/// Whole numbers stored as floats must be below this in magnitude (see `Checker::ints`); for
/// integers |x| < 9e15 holds exactly when it holds for `x as f64`, as 9e15 < 2^53.
const WHOLE_LIMIT: i64 = 9_000_000_000_000_000;

/// Text column whose every present value passes `ok` (the row check trims text and reads an
/// empty text as missing, so such values must send the batch to it).
fn fast_strings(c: &Column, ok: impl Fn(&str) -> bool) -> bool {
    c.dtype() == &DataType::String && c.str().is_ok_and(|ca| ca.iter().flatten().all(ok))
}

/// Unique, trimmed, non-empty ids, none missing.
fn fast_ids(c: &Column) -> bool {
    if c.dtype() != &DataType::String {
        return false;
    }
    let Ok(ca) = c.str() else {
        return false;
    };
    let mut seen: PlHashSet<&str> = PlHashSet::with_capacity(ca.len());
    ca.iter()
        .all(|v| v.is_some_and(|s| !s.is_empty() && s.trim().len() == s.len() && seen.insert(s)))
}

/// Date column within chrono's range whose latest date passes `latest_ok` (the filing date's
/// rule is about the latest one).
fn fast_dates(c: &Column, latest_ok: impl Fn(NaiveDate) -> bool) -> bool {
    if c.dtype() != &DataType::Date {
        return false;
    }
    let Ok(days) = c.cast(&DataType::Int32) else {
        return false;
    };
    let Ok(ca) = days.i32() else {
        return false;
    };
    match (ca.min(), ca.max()) {
        (Some(lo), Some(hi)) => {
            days_to_date(lo).is_some() && days_to_date(hi).is_some_and(latest_ok)
        }
        // No value at all (nulls of an optional column are fine; a required column's nulls
        // were refused before).
        _ => ca.null_count() == ca.len(),
    }
}

/// Int64 column with every present value within (-WHOLE_LIMIT, WHOLE_LIMIT) and a least value
/// that passes `least_ok` (the count rules are lower bounds).
fn fast_ints(c: &Column, least_ok: impl Fn(i64) -> bool) -> bool {
    if c.dtype() != &DataType::Int64 {
        return false;
    }
    let Ok(ca) = c.i64() else {
        return false;
    };
    match (ca.min(), ca.max()) {
        (Some(min), Some(max)) => min > -WHOLE_LIMIT && max < WHOLE_LIMIT && least_ok(min),
        _ => ca.null_count() == ca.len(),
    }
}

/// Float64 column whose every present value passes the royalty rate's rule.
fn fast_rates(c: &Column) -> bool {
    c.dtype() == &DataType::Float64
        && c.f64()
            .is_ok_and(|ca| ca.iter().flatten().all(|r| check_royalty_rate(r).is_ok()))
}

/// The row-by-row check: every problem with its row, column and wording.
fn validate_rows(
    raw: &DataFrame,
    as_of: NaiveDate,
    source_name: &str,
    mode: InvalidRows,
) -> Result<Validated> {
    let n = raw.height();
    let mut ck = Checker::new(raw);

    let ids = ck.strings(col::PATENT_ID, true);
    let types_raw = ck.strings(col::PATENT_TYPE, true);
    let filing = ck.dates(col::FILING_DATE, true);
    let grant = ck.dates(col::GRANT_DATE, false);
    let status_raw = ck.strings(col::LEGAL_STATUS, true);
    let ipc = ck.strings(col::IPC_MAIN, false);
    let counts: Vec<Vec<Option<i64>>> = col::COUNTS.iter().map(|&c| ck.ints(c, true)).collect();
    let fee = ck.dates(col::FEE_PAID_UNTIL, false);
    let revenue = ck.ints(col::REVENUE_FEN, false);
    let royalty = ck.floats(col::ROYALTY_RATE, false);

    let mut first_seen: HashMap<&str, usize> = HashMap::with_capacity(n);
    for i in 0..n {
        if let Some(id) = ids[i].as_deref() {
            if let Some(first) = first_seen.get(id) {
                ck.row_problem(
                    i,
                    col::PATENT_ID,
                    format!("duplicate patent_id '{id}' (first in row {})", first + 1),
                );
            } else {
                first_seen.insert(id, i);
            }
        }
        if let Some(Err(e)) = types_raw[i].as_deref().map(str::parse::<PatentType>) {
            ck.row_problem(i, col::PATENT_TYPE, e.to_string());
        }
        if let Some(Err(e)) = filing[i].map(|f| check_filing_date(f, as_of)) {
            ck.row_problem(i, col::FILING_DATE, e.to_string());
        }
        if let Some(Err(e)) = status_raw[i].as_deref().map(str::parse::<LegalStatus>) {
            ck.row_problem(i, col::LEGAL_STATUS, e.to_string());
        }
        for (&c, values) in col::COUNTS.iter().zip(&counts) {
            if let Some(Err(e)) = values[i].map(|x| check_count(c, x)) {
                ck.row_problem(i, c, e.to_string());
            }
        }
        if let Some(Err(e)) = royalty[i].map(check_royalty_rate) {
            ck.row_problem(i, col::ROYALTY_RATE, e.to_string());
        }
    }

    let header = std::mem::take(&mut ck.header);
    let rows = std::mem::take(&mut ck.rows);
    let any_row_problem = rows.iter().any(|r| !r.is_empty());
    let whole_batch = !header.is_empty() || (mode == InvalidRows::Reject && any_row_problem);
    if whole_batch {
        let mut all = header;
        for (i, problems) in rows.iter().enumerate() {
            all.extend(problems.iter().map(|(c, p)| InputProblem {
                row: Some(i + 1),
                column: (*c).to_owned(),
                problem: p.clone(),
            }));
        }
        return Err(EngineError::BadInput(BadInput::new(source_name, all)));
    }

    let rejected: Vec<RejectedRow> = rows
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.is_empty())
        .map(|(i, p)| RejectedRow {
            row: i + 1,
            patent_id: ids[i].clone(),
            reasons: p.iter().map(|(c, m)| format!("{c}: {m}")).collect(),
        })
        .collect();

    let date_series = |name: &str, values: &[Option<NaiveDate>]| -> Result<Column> {
        let days: Vec<Option<i32>> = values.iter().map(|d| d.map(date_to_days)).collect();
        Series::new(name.into(), days)
            .cast(&DataType::Date)
            .map(Column::from)
            .map_err(EngineError::polars(format!(
                "{source_name}: building column {name}"
            )))
    };
    let mut columns = vec![
        Column::new(col::PATENT_ID.into(), ids),
        Column::new(col::PATENT_TYPE.into(), types_raw),
        date_series(col::FILING_DATE, &filing)?,
        date_series(col::GRANT_DATE, &grant)?,
        Column::new(col::LEGAL_STATUS.into(), status_raw),
        Column::new(col::IPC_MAIN.into(), ipc),
    ];
    for (c, values) in col::COUNTS.iter().zip(counts) {
        columns.push(Column::new((*c).into(), values));
    }
    columns.push(date_series(col::FEE_PAID_UNTIL, &fee)?);
    columns.push(Column::new(col::REVENUE_FEN.into(), revenue));
    columns.push(Column::new(col::ROYALTY_RATE.into(), royalty));
    let typed = DataFrame::new(n, columns).map_err(EngineError::polars(format!(
        "{source_name}: building the typed input"
    )))?;

    let frame = if rejected.is_empty() {
        typed
    } else {
        let keep: BooleanChunked = rows.iter().map(|p| p.is_empty()).collect();
        typed.filter(&keep).map_err(EngineError::polars(format!(
            "{source_name}: dropping rejected rows"
        )))?
    };
    Ok(Validated { frame, rejected })
}

/// The rows of a typed (validated) frame as structs, for the scalar model and explanations.
pub fn patents_from_frame(typed: &DataFrame) -> Result<Vec<PatentInput>> {
    let ctx = || EngineError::polars("reading the typed valuation input");
    let s = |name: &str| -> Result<Vec<Option<String>>> {
        let c = typed.column(name).map_err(ctx())?;
        let ca = c.str().map_err(ctx())?;
        Ok(ca.iter().map(|v| v.map(str::to_owned)).collect())
    };
    let d = |name: &str| -> Result<Vec<Option<NaiveDate>>> {
        let c = typed
            .column(name)
            .and_then(|c| c.cast(&DataType::Int32))
            .map_err(ctx())?;
        let ca = c.i32().map_err(ctx())?;
        Ok(ca.iter().map(|v| v.and_then(days_to_date)).collect())
    };
    let i = |name: &str| -> Result<Vec<Option<i64>>> {
        let c = typed.column(name).map_err(ctx())?;
        Ok(c.i64().map_err(ctx())?.iter().collect())
    };
    let f = |name: &str| -> Result<Vec<Option<f64>>> {
        let c = typed.column(name).map_err(ctx())?;
        Ok(c.f64().map_err(ctx())?.iter().collect())
    };
    let ids = s(col::PATENT_ID)?;
    let types = s(col::PATENT_TYPE)?;
    let filing = d(col::FILING_DATE)?;
    let grant = d(col::GRANT_DATE)?;
    let status = s(col::LEGAL_STATUS)?;
    let ipc = s(col::IPC_MAIN)?;
    let counts: Vec<Vec<Option<i64>>> = col::COUNTS.iter().map(|c| i(c)).collect::<Result<_>>()?;
    let fee = d(col::FEE_PAID_UNTIL)?;
    let revenue = i(col::REVENUE_FEN)?;
    let royalty = f(col::ROYALTY_RATE)?;

    let invalid = |row: usize, what: &str| EngineError::PatentRejected {
        source_name: "typed valuation input".to_owned(),
        patent_id: format!("in row {}", row + 1),
        reasons: format!("{what} missing or invalid; validate the frame first"),
    };
    (0..typed.height())
        .map(|r| {
            let count = |k: usize| counts[k][r].ok_or_else(|| invalid(r, col::COUNTS[k]));
            Ok(PatentInput {
                patent_id: ids[r].clone().ok_or_else(|| invalid(r, col::PATENT_ID))?,
                patent_type: types[r]
                    .as_deref()
                    .and_then(PatentType::parse)
                    .ok_or_else(|| invalid(r, col::PATENT_TYPE))?,
                filing_date: filing[r].ok_or_else(|| invalid(r, col::FILING_DATE))?,
                grant_date: grant[r],
                legal_status: status[r]
                    .as_deref()
                    .and_then(LegalStatus::parse)
                    .ok_or_else(|| invalid(r, col::LEGAL_STATUS))?,
                ipc_main: ipc[r].clone(),
                claims: count(0)?,
                forward_citations: count(1)?,
                backward_citations: count(2)?,
                family_size: count(3)?,
                inventors: count(4)?,
                transfers: count(5)?,
                licenses: count(6)?,
                litigations: count(7)?,
                invalidation_requests: count(8)?,
                fee_paid_until: fee[r],
                revenue_fen: revenue[r],
                royalty_rate: royalty[r],
            })
        })
        .collect()
}

/// A typed input frame from structs (tests, fixtures and the synthetic generator's callers).
pub fn frame_from_patents(patents: &[PatentInput]) -> Result<DataFrame> {
    let dates = |name: &str, f: &dyn Fn(&PatentInput) -> Option<NaiveDate>| -> Result<Column> {
        let days: Vec<Option<i32>> = patents.iter().map(|p| f(p).map(date_to_days)).collect();
        Series::new(name.into(), days)
            .cast(&DataType::Date)
            .map(Column::from)
            .map_err(EngineError::polars(format!("building column {name}")))
    };
    let count = |name: &str, f: &dyn Fn(&PatentInput) -> i64| {
        Column::new(name.into(), patents.iter().map(f).collect::<Vec<i64>>())
    };
    let columns = vec![
        Column::new(
            col::PATENT_ID.into(),
            patents
                .iter()
                .map(|p| p.patent_id.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            col::PATENT_TYPE.into(),
            patents
                .iter()
                .map(|p| p.patent_type.as_str())
                .collect::<Vec<_>>(),
        ),
        dates(col::FILING_DATE, &|p| Some(p.filing_date))?,
        dates(col::GRANT_DATE, &|p| p.grant_date)?,
        Column::new(
            col::LEGAL_STATUS.into(),
            patents
                .iter()
                .map(|p| p.legal_status.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            col::IPC_MAIN.into(),
            patents
                .iter()
                .map(|p| p.ipc_main.as_deref())
                .collect::<Vec<_>>(),
        ),
        count(col::CLAIMS, &|p| p.claims),
        count(col::FORWARD_CITATIONS, &|p| p.forward_citations),
        count(col::BACKWARD_CITATIONS, &|p| p.backward_citations),
        count(col::FAMILY_SIZE, &|p| p.family_size),
        count(col::INVENTORS, &|p| p.inventors),
        count(col::TRANSFERS, &|p| p.transfers),
        count(col::LICENSES, &|p| p.licenses),
        count(col::LITIGATIONS, &|p| p.litigations),
        count(col::INVALIDATION_REQUESTS, &|p| p.invalidation_requests),
        dates(col::FEE_PAID_UNTIL, &|p| p.fee_paid_until)?,
        Column::new(
            col::REVENUE_FEN.into(),
            patents.iter().map(|p| p.revenue_fen).collect::<Vec<_>>(),
        ),
        Column::new(
            col::ROYALTY_RATE.into(),
            patents.iter().map(|p| p.royalty_rate).collect::<Vec<_>>(),
        ),
    ];
    DataFrame::new(patents.len(), columns).map_err(EngineError::polars("building the input frame"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::valuation::synthetic;

    fn as_of() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
    }

    fn slow(raw: &DataFrame) -> DataFrame {
        validate_rows(raw, as_of(), "t", InvalidRows::Skip)
            .unwrap()
            .frame
    }

    /// The value rules hold at their bounds, and word what they refuse.
    #[test]
    fn the_value_rules_hold_at_their_bounds() {
        assert_eq!(check_count(col::CLAIMS, 0), Ok(()));
        assert_eq!(
            check_count(col::CLAIMS, -1),
            Err(ValueProblem::NegativeCount(-1))
        );
        assert_eq!(check_count(col::FAMILY_SIZE, 1), Ok(()));
        assert_eq!(
            check_count(col::FAMILY_SIZE, 0),
            Err(ValueProblem::EmptyFamily(0))
        );
        assert_eq!(
            check_count(col::FAMILY_SIZE, -2),
            Err(ValueProblem::NegativeCount(-2))
        );
        assert_eq!(count_minimum(col::FAMILY_SIZE), 1);
        assert_eq!(count_minimum(col::INVENTORS), 0);
        assert!(check_royalty_rate(0.5).is_ok());
        for bad in [0.0, 1.0, -0.1, f64::NAN] {
            assert!(check_royalty_rate(bad).is_err(), "{bad}");
        }
        assert_eq!(check_filing_date(as_of(), as_of()), Ok(()));
        let late = as_of().succ_opt().unwrap();
        assert_eq!(
            check_filing_date(late, as_of()).unwrap_err().to_string(),
            "filing date 2026-11-22 is after the valuation date 2026-11-21"
        );
        assert_eq!(
            "patent".parse::<PatentType>().unwrap_err().to_string(),
            "unknown patent_type 'patent' (expected invention, utility_model or design)"
        );
        assert_eq!(
            LegalStatus::try_from("under_invalidation".to_owned()),
            Ok(LegalStatus::UnderInvalidation)
        );
        assert_eq!(String::from(PatentType::UtilityModel), "utility_model");
    }

    /// A typed, valid batch takes the fast path, which builds the row check's frame.
    #[test]
    fn the_fast_path_builds_the_row_checks_frame() {
        let raw = synthetic(500, 3).unwrap();
        let fast = fast_typed(&raw, as_of()).expect("a valid typed batch");
        assert!(fast.equals_missing(&slow(&raw)));
        assert_eq!(fast.schema(), slow(&raw).schema());
        // Optional columns may be absent.
        let mut narrow = raw.clone();
        for c in col::OPTIONAL {
            narrow = narrow.drop(c).unwrap();
        }
        let fast = fast_typed(&narrow, as_of()).expect("optional columns absent");
        assert!(fast.equals_missing(&slow(&narrow)));
    }

    /// Anything the row check reports or changes sends the batch to it.
    #[test]
    fn the_fast_path_declines_what_the_row_check_reports_or_changes() {
        let raw = synthetic(50, 3).unwrap();
        let with = |name: &str, values: Column| {
            let mut f = raw.clone();
            f.with_column(values.with_name(name.into())).unwrap();
            f
        };
        let mut ids: Vec<String> = raw
            .column(col::PATENT_ID)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap().to_owned())
            .collect();
        let first = ids[0].clone();
        ids[7] = first;
        let duplicate = with(col::PATENT_ID, Column::new("".into(), ids.clone()));
        ids[7] = " CN7".to_owned();
        let untrimmed = with(col::PATENT_ID, Column::new("".into(), ids));
        let counts = |bad: i64| {
            let mut v = vec![1i64; 50];
            v[9] = bad;
            Column::new("".into(), v)
        };
        let types = {
            let mut v = vec!["invention"; 50];
            v[3] = "patent";
            Column::new("".into(), v)
        };
        let rates = {
            let mut v = vec![None; 50];
            v[2] = Some(1.0);
            Column::new("".into(), v)
        };
        let late = Series::new("".into(), vec![date_to_days(as_of()) + 1; 50])
            .cast(&DataType::Date)
            .unwrap()
            .into();
        // Untrimmed text is not a problem, but the row check trims it.
        assert!(fast_typed(&untrimmed, as_of()).is_none());
        let trimmed = slow(&untrimmed);
        let id = trimmed
            .column(col::PATENT_ID)
            .unwrap()
            .str()
            .unwrap()
            .get(7);
        assert_eq!(id, Some("CN7"));
        let cases = [
            duplicate,
            with(col::CLAIMS, counts(-1)),
            with(col::FAMILY_SIZE, counts(0)),
            with(col::PATENT_TYPE, types),
            with(col::ROYALTY_RATE, rates),
            with(col::FILING_DATE, late),
            raw.drop(col::CLAIMS).unwrap(),
        ];
        for (k, bad) in cases.iter().enumerate() {
            assert!(fast_typed(bad, as_of()).is_none(), "case {k}");
            assert!(
                validate(bad, as_of(), "t", InvalidRows::Reject).is_err(),
                "case {k}"
            );
        }
        assert!(fast_typed(&raw, as_of()).is_some());
    }
}
