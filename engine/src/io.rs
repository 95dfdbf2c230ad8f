//! File I/O of the engine: valuation input and output as CSV or Parquet (chosen by the file
//! extension), the rejected-rows file, and the entry points the `zhirong value` command calls.
//! (USPTO grant XML is read by [`crate::uspto`].)
//!
//! CSV input is read with every column as text so that the schema check, not the CSV parser,
//! reports a bad value, with its row and column.

use std::fs::File;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use polars::prelude::*;
use serde::Serialize;

use crate::error::{EngineError, Result};
use crate::schema::{output as o, rejected as r};
use crate::valuation::input::patents_from_frame;
use crate::valuation::{
    Explanation, InvalidRows, RejectedRow, ValuationParams, explain_patent, validate, value_batch,
};

/// A table file format, from the file name's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Csv,
    Parquet,
}

impl FileFormat {
    pub fn from_path(path: &Path) -> Result<Self> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("csv") => Ok(Self::Csv),
            Some("parquet" | "pq") => Ok(Self::Parquet),
            _ => Err(EngineError::UnsupportedFormat {
                path: path.to_owned(),
            }),
        }
    }
}

fn name(path: &Path) -> String {
    path.display().to_string()
}

/// Reads a table as it is in the file: CSV columns all as text (empty field = missing), Parquet
/// columns with their stored types.
pub fn read_table(path: &Path) -> Result<DataFrame> {
    let format = FileFormat::from_path(path)?;
    // Open first so a missing file is an I/O error naming the path, not a Polars message.
    let file = File::open(path).map_err(EngineError::io(path))?;
    let ctx = || EngineError::polars(format!("{}: reading", name(path)));
    match format {
        FileFormat::Csv => CsvReadOptions::default()
            .with_has_header(true)
            .with_infer_schema_length(Some(0))
            .into_reader_with_file_handle(file)
            .finish()
            .map_err(ctx()),
        FileFormat::Parquet => ParquetReader::new(file).finish().map_err(ctx()),
    }
}

/// Writes a table as CSV (header, ISO dates, empty = missing) or Parquet.
pub fn write_table(frame: &mut DataFrame, path: &Path) -> Result<()> {
    let format = FileFormat::from_path(path)?;
    let file = File::create(path).map_err(EngineError::io(path))?;
    let ctx = || EngineError::polars(format!("{}: writing", name(path)));
    match format {
        FileFormat::Csv => CsvWriter::new(file)
            .include_header(true)
            .finish(frame)
            .map_err(ctx()),
        FileFormat::Parquet => ParquetWriter::new(file)
            .finish(frame)
            .map(|_| ())
            .map_err(ctx()),
    }
}

/// The rejected-rows file next to an output file: `values.csv` → `values.rejected.csv`
/// (always CSV: it is read by people).
pub fn rejected_path_for(output: &Path) -> PathBuf {
    let stem = output
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "values".to_owned());
    output.with_file_name(format!("{stem}.rejected.csv"))
}

/// Writes rejected rows (row, patent_id, reasons joined by "; ") as CSV or Parquet.
pub fn write_rejected(rejected: &[RejectedRow], path: &Path) -> Result<()> {
    let rows: Vec<u64> = rejected.iter().map(|x| x.row as u64).collect();
    let ids: Vec<Option<&str>> = rejected.iter().map(|x| x.patent_id.as_deref()).collect();
    let reasons: Vec<String> = rejected.iter().map(|x| x.reasons.join("; ")).collect();
    let mut frame = DataFrame::new(
        rejected.len(),
        vec![
            Column::new(r::ROW.into(), rows),
            Column::new(r::PATENT_ID.into(), ids),
            Column::new(r::REASONS.into(), reasons),
        ],
    )
    .map_err(EngineError::polars(format!(
        "{}: building rejected rows",
        name(path)
    )))?;
    write_table(&mut frame, path)
}

/// What a `zhirong value` run did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueSummary {
    /// rows valued (written to the output)
    pub rows: usize,
    pub eligible: usize,
    pub appraised_fen: i64,
    pub collateral_fen: i64,
    /// rows left out (lenient mode only; always empty in strict mode)
    pub rejected: Vec<RejectedRow>,
    /// where the rejected rows were written (lenient mode only)
    pub rejected_output: Option<PathBuf>,
    pub model_version: &'static str,
    pub params_digest: String,
}

/// Totals of a results frame: (eligible rows, Σ appraised_fen, Σ collateral_fen), saturating.
pub fn result_totals(results: &DataFrame) -> Result<(usize, i64, i64)> {
    let ctx = || EngineError::polars("summing the valuation results");
    let eligible = results
        .column(o::ELIGIBLE)
        .map_err(ctx())?
        .bool()
        .map_err(ctx())?
        .iter()
        .filter(|v| *v == Some(true))
        .count();
    let sum = |c: &str| -> Result<i64> {
        let col = results.column(c).map_err(ctx())?;
        let ca = col.i64().map_err(ctx())?;
        Ok(ca
            .iter()
            .flatten()
            .fold(0i64, |acc, v| acc.saturating_add(v)))
    };
    Ok((eligible, sum(o::APPRAISED_FEN)?, sum(o::COLLATERAL_FEN)?))
}

/// Values a CSV or Parquet file and writes the results (CSV or Parquet, by `output`'s
/// extension). In [`InvalidRows::Skip`] mode the rejected rows go to
/// [`rejected_path_for`]`(output)`, written even when empty so no stale file is left behind.
pub fn value_file(
    input: &Path,
    output: &Path,
    as_of: NaiveDate,
    params: &ValuationParams,
    mode: InvalidRows,
) -> Result<ValueSummary> {
    // Check the output name before the (possibly long) run.
    FileFormat::from_path(output)?;
    // The raw input is dropped before the results are written.
    let outcome = {
        let raw = read_table(input)?;
        value_batch(&raw, as_of, params, mode, &name(input))?
    };
    let mut results = outcome.results;
    let (eligible, appraised_fen, collateral_fen) = result_totals(&results)?;
    write_table(&mut results, output)?;
    let rejected_output = match mode {
        InvalidRows::Reject => None,
        InvalidRows::Skip => {
            let path = rejected_path_for(output);
            write_rejected(&outcome.rejected, &path)?;
            Some(path)
        }
    };
    Ok(ValueSummary {
        rows: results.height(),
        eligible,
        appraised_fen,
        collateral_fen,
        rejected: outcome.rejected,
        rejected_output,
        model_version: crate::VALUATION_MODEL,
        params_digest: params.digest(),
    })
}

/// The waterfall of one patent of an input file. Other rows' problems do not matter; the
/// patent's own row must be valid.
pub fn explain_one(
    input: &Path,
    patent_id: &str,
    as_of: NaiveDate,
    params: &ValuationParams,
) -> Result<Explanation> {
    let raw = read_table(input)?;
    explain_in_frame(&raw, &name(input), patent_id, as_of, params)
}

/// [`explain_one`] over an in-memory raw frame.
pub fn explain_in_frame(
    raw: &DataFrame,
    source_name: &str,
    patent_id: &str,
    as_of: NaiveDate,
    params: &ValuationParams,
) -> Result<Explanation> {
    let checked = validate(raw, as_of, source_name, InvalidRows::Skip)?;
    if let Some(bad) = checked
        .rejected
        .iter()
        .find(|x| x.patent_id.as_deref() == Some(patent_id))
    {
        return Err(EngineError::PatentRejected {
            source_name: source_name.to_owned(),
            patent_id: patent_id.to_owned(),
            reasons: format!("row {}: {}", bad.row, bad.reasons.join("; ")),
        });
    }
    let ids = checked
        .frame
        .column(crate::schema::input::PATENT_ID)
        .map_err(EngineError::polars(format!(
            "{source_name}: finding {patent_id}"
        )))?;
    let ids = ids.str().map_err(EngineError::polars(format!(
        "{source_name}: finding {patent_id}"
    )))?;
    let position = ids.iter().position(|v| v == Some(patent_id));
    let Some(position) = position else {
        return Err(EngineError::PatentNotFound {
            source_name: source_name.to_owned(),
            patent_id: patent_id.to_owned(),
        });
    };
    let one = checked.frame.slice(position as i64, 1);
    let patents = patents_from_frame(&one)?;
    match patents.first() {
        Some(p) => Ok(explain_patent(p, as_of, params)),
        None => Err(EngineError::PatentNotFound {
            source_name: source_name.to_owned(),
            patent_id: patent_id.to_owned(),
        }),
    }
}

/// Converts a USPTO weekly grant XML file into a valuation input file (CSV or Parquet, by
/// `output`'s extension; the extra `source_flags` column says what the grant text could not
/// tell). Returns what was read, including the skipped documents.
pub fn uspto_to_input(
    xml: &Path,
    output: &Path,
    skip_invalid: bool,
) -> Result<crate::uspto::UsptoBatch> {
    FileFormat::from_path(output)?;
    let batch = crate::uspto::read_grants(xml, skip_invalid)?;
    let mut frame = crate::uspto::grants_to_frame(&batch.grants)?;
    write_table(&mut frame, output)?;
    Ok(batch)
}
